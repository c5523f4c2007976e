"""Orders, products, coupons and customers of the shop, as plain values.

Money is always integer fen (1 yuan = 100 fen) so that sums and refunds never
pick up floating-point cents. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ProductKind(StrEnum):
    CARD_KEY = "card_key"  # game point cards, gift-card keys: a code is issued at once
    DIRECT_TOPUP = "direct_topup"  # phone credit or game account top-up, pushed by the supplier
    MANUAL_VIRTUAL = "manual_virtual"  # virtual goods a staff member delivers by hand
    PHYSICAL = "physical"  # a parcel sent by courier

    @property
    def instant_delivery(self) -> bool:
        """Goods the system delivers automatically the moment payment clears.

        Once such an order is in delivery the goods may already be out of the
        shop's hands, which is why the seed article sends it to staff review.
        """
        return self in (ProductKind.CARD_KEY, ProductKind.DIRECT_TOPUP)

    @property
    def virtual(self) -> bool:
        return self is not ProductKind.PHYSICAL


class PaymentChannel(StrEnum):
    WECHAT = "wechat"
    ALIPAY = "alipay"
    BANK_CARD = "bank_card"
    BALANCE = "balance"


class CouponStatus(StrEnum):
    AVAILABLE = "available"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Coupon:
    code: str
    title: str
    discount_fen: int
    #: The shop's rule for this coupon: whether cancelling the order gives it back.
    returnable_on_cancel: bool
    expires_at: datetime | None = None
    status: CouponStatus = CouponStatus.USED
    id: int | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    code: str
    name: str
    phone: str | None = None
    telegram_id: int | None = None
    #: When Telegram last refused a message to them (blocked the bot); None once they write.
    unreachable_at: datetime | None = None
    #: IANA timezone where the shopper lives, when the shop knows it (quiet hours).
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    kind: ProductKind
    price_fen: int
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    order_no: str
    customer_id: int
    product_name: str
    product_kind: ProductKind
    quantity: int
    unit_price_fen: int
    amount_paid_fen: int
    status: OrderStatus
    placed_at: datetime
    payment_channel: PaymentChannel | None = None
    discount_fen: int = 0
    coupon: Coupon | None = None
    paid_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    #: Only meaningful for delivered card keys; None when nobody has checked yet.
    card_key_activated: bool | None = None
    product_sku: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    #: Set while the bot's cancel waits for the shop's word; ``status`` stays the shop's.
    cancelling_since: datetime | None = None
    #: Set while a restore of this cancelled order waits for the shop's word.
    restoring_since: datetime | None = None
    #: When a mistaken cancel of this order was last undone.
    restored_at: datetime | None = None

    @property
    def total_fen(self) -> int:
        return self.unit_price_fen * self.quantity

    @property
    def was_paid(self) -> bool:
        return self.paid_at is not None and self.status is not OrderStatus.PENDING_PAYMENT


class OrderDataError(ValueError):
    """An order whose facts contradict each other (e.g. paid without a channel).

    ``code`` names the contradiction and ``params`` carry its details, so that
    whoever reports it (the importer, in the operator's language) can word it;
    ``str()`` stays a readable English sentence for logs and tracebacks.
    """

    #: English wording for logs only; people read the translated reason instead.
    MESSAGES: ClassVar[dict[str, str]] = {
        "quantity-too-small": "quantity must be at least 1 ({quantity} given)",
        "negative-amount": "{field} cannot be negative ({value} fen given)",
        "amount-mismatch": (
            "amount_paid must equal unit_price × quantity − discount "
            "({expected} fen expected, {given} given)"
        ),
        "timezone-missing": "{field} needs a timezone offset, e.g. +08:00",
        "channel-missing": "a {status} order needs payment_channel",
        "paid-at-missing": "a {status} order needs paid_at",
        "paid-at-not-allowed": "a {status} order cannot have paid_at",
        "delivered-at-missing": "a {status} order needs delivered_at",
        "stamp-missing": "a {status} order needs {field}",
        "stamp-not-allowed": "a {status} order cannot have {field}",
        "stamp-order": "{field} is earlier than {earlier}",
        "activation-not-card-key": (
            "card_key_activated applies to card_key products only (not {kind})"
        ),
        "coupon-exceeds-discount": (
            "the coupon takes off {coupon} fen, more than the order's discount of {discount} fen"
        ),
        "status-backwards": (
            "order {order_no} is already {existing}; an import cannot set it to {incoming}"
        ),
    }

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        template = self.MESSAGES.get(code)
        super().__init__(template.format(**params) if template else code)


#: Statuses in which the shop has the shopper's money (a cancelled order may have it too).
_PAID_STATES = frozenset(
    {OrderStatus.PAID, OrderStatus.DELIVERING, OrderStatus.DELIVERED, OrderStatus.COMPLETED}
)
#: The timestamp that closes each final status.
_STAMP_REQUIRED = {
    OrderStatus.COMPLETED: "completed_at",
    OrderStatus.CANCELLED: "cancelled_at",
}
#: Timestamps of later steps, which an order in this status cannot have reached yet.
#: (``paid_at`` is left to ``paid-at-not-allowed``; a cancelled order keeps what it reached.)
_STAMP_FORBIDDEN = {
    OrderStatus.PENDING_PAYMENT: ("delivered_at", "completed_at", "cancelled_at"),
    OrderStatus.PAID: ("delivered_at", "completed_at", "cancelled_at"),
    OrderStatus.DELIVERING: ("delivered_at", "completed_at", "cancelled_at"),
    OrderStatus.DELIVERED: ("completed_at", "cancelled_at"),
    OrderStatus.COMPLETED: ("cancelled_at",),
    OrderStatus.CANCELLED: ("completed_at",),
}


def check_order_facts(
    *,
    status: OrderStatus,
    kind: ProductKind,
    quantity: int,
    unit_price_fen: int,
    discount_fen: int,
    amount_paid_fen: int,
    payment_channel: PaymentChannel | None,
    placed_at: datetime,
    paid_at: datetime | None,
    delivered_at: datetime | None,
    completed_at: datetime | None,
    cancelled_at: datetime | None,
    card_key_activated: bool | None,
    coupon_discount_fen: int | None,
) -> None:
    """Reject order facts the cancel rules could not reason about.

    Imports come from other systems, so the same checks guard every way an
    order enters the shop's database (``save_order``, and the importer before
    its batches). Errors carry a code and parameters (see
    ``OrderDataError.MESSAGES``) rather than finished text.

    Besides amounts, each status needs the timestamps of the steps it has
    reached (completed → ``completed_at``, cancelled → ``cancelled_at``) and
    none of later ones; times run ``placed_at ≤ paid_at ≤ delivered_at ≤
    completed_at`` and ``cancelled_at ≥ placed_at``; anything paid (``paid_at``
    set, cancelled orders included) names its payment channel, which is where
    a refund goes; and a coupon (``coupon_discount_fen``, None without one)
    takes off no more than the order's whole discount.
    """
    if quantity < 1:
        raise OrderDataError("quantity-too-small", quantity=quantity)
    amounts = (
        ("unit_price_fen", unit_price_fen),
        ("discount_fen", discount_fen),
        ("amount_paid_fen", amount_paid_fen),
    )
    negative = next(((name, amount) for name, amount in amounts if amount < 0), None)
    if negative is not None:
        raise OrderDataError("negative-amount", field=negative[0], value=negative[1])
    expected = unit_price_fen * quantity - discount_fen
    if amount_paid_fen != expected:
        raise OrderDataError("amount-mismatch", expected=expected, given=amount_paid_fen)
    stamps = {
        "placed_at": placed_at,
        "paid_at": paid_at,
        "delivered_at": delivered_at,
        "completed_at": completed_at,
        "cancelled_at": cancelled_at,
    }
    for name, value in stamps.items():
        if value is not None and value.tzinfo is None:
            raise OrderDataError("timezone-missing", field=name)
    _check_status_stamps(status, payment_channel, stamps)
    if card_key_activated is not None and kind is not ProductKind.CARD_KEY:
        raise OrderDataError("activation-not-card-key", kind=kind.value)
    _check_stamp_order(stamps)
    if coupon_discount_fen is not None and coupon_discount_fen > discount_fen:
        raise OrderDataError(
            "coupon-exceeds-discount", coupon=coupon_discount_fen, discount=discount_fen
        )


def _check_status_stamps(
    status: OrderStatus,
    payment_channel: PaymentChannel | None,
    stamps: dict[str, datetime | None],
) -> None:
    """The timestamps (and channel) a status needs, and those it cannot have yet."""
    if status in _PAID_STATES:
        if payment_channel is None:
            raise OrderDataError("channel-missing", status=status.value)
        if stamps["paid_at"] is None:
            raise OrderDataError("paid-at-missing", status=status.value)
    if status is OrderStatus.PENDING_PAYMENT and stamps["paid_at"] is not None:
        raise OrderDataError("paid-at-not-allowed", status=status.value)
    if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED) and stamps["delivered_at"] is None:
        raise OrderDataError("delivered-at-missing", status=status.value)
    required = _STAMP_REQUIRED.get(status)
    if required is not None and stamps[required] is None:
        raise OrderDataError("stamp-missing", field=required, status=status.value)
    for name in _STAMP_FORBIDDEN[status]:
        if stamps[name] is not None:
            raise OrderDataError("stamp-not-allowed", field=name, status=status.value)
    if stamps["paid_at"] is not None and payment_channel is None:
        # A cancelled order that was paid: its refund goes back by the original route.
        raise OrderDataError("channel-missing", status=status.value)


#: The path an order's timestamps follow; each is no earlier than the ones before it.
_STAMP_PATH = ("placed_at", "paid_at", "delivered_at", "completed_at")


def _check_stamp_order(stamps: dict[str, datetime | None]) -> None:
    previous: tuple[str, datetime] | None = None
    for name in _STAMP_PATH:
        moment = stamps[name]
        if moment is None:
            continue
        if previous is not None and moment < previous[1]:
            raise OrderDataError("stamp-order", field=name, earlier=previous[0])
        previous = (name, moment)
    cancelled_at, placed_at = stamps["cancelled_at"], stamps["placed_at"]
    if cancelled_at is not None and placed_at is not None and cancelled_at < placed_at:
        raise OrderDataError("stamp-order", field="cancelled_at", earlier="placed_at")


def check_order(order: Order, coupon: Coupon | None = None) -> None:
    """``check_order_facts`` for a whole order and the coupon saved with it."""
    check_order_facts(
        status=order.status,
        kind=order.product_kind,
        quantity=order.quantity,
        unit_price_fen=order.unit_price_fen,
        discount_fen=order.discount_fen,
        amount_paid_fen=order.amount_paid_fen,
        payment_channel=order.payment_channel,
        placed_at=order.placed_at,
        paid_at=order.paid_at,
        delivered_at=order.delivered_at,
        completed_at=order.completed_at,
        cancelled_at=order.cancelled_at,
        card_key_activated=order.card_key_activated,
        coupon_discount_fen=coupon.discount_fen if coupon is not None else None,
    )


#: The way an order moves forward. ``cancelled`` is off this path: any order can end there.
STATUS_PATH = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.DELIVERING,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)


def import_may_set(existing: OrderStatus, incoming: OrderStatus) -> bool:
    """Whether an import (or demo data) may change an order's status from ``existing``.

    The shop's export lags behind what happens in the bot: a shopper may cancel
    an order in the bot (which creates its refund) hours before the nightly
    export, which still says ``paid``. Letting that row win would show the order
    as cancellable again, and a second cancel would collide with its refund.
    So an import may keep a status or move it forward along ``STATUS_PATH``, and
    may cancel an order that is not cancelled yet (the shop cancelled it on its
    side); it never moves an order backwards, and never revives a cancelled one.
    """
    if existing is incoming:
        return True
    if existing is OrderStatus.CANCELLED:
        return False
    if incoming is OrderStatus.CANCELLED:
        return True
    return STATUS_PATH.index(incoming) > STATUS_PATH.index(existing)


def check_status_change(
    order_no: str, existing: OrderStatus | None, incoming: OrderStatus
) -> None:
    """Raise ``status-backwards`` when ``import_may_set`` refuses; None means a new order."""
    if existing is not None and not import_may_set(existing, incoming):
        raise OrderDataError(
            "status-backwards",
            order_no=order_no,
            existing=existing.value,
            incoming=incoming.value,
        )


class CancelReason(StrEnum):
    """Why the shopper cancelled, asked after the cancel so it never costs a tap on the way."""

    DUPLICATE = "duplicate"  # 重复下单
    WRONG_INFO = "wrong_info"  # 信息填错
    CHANGED_MIND = "changed_mind"  # 不想要了
    OTHER = "other"  # 其他


class CancelPath(StrEnum):
    """The way an order came to be cancelled, as staff's /stats counts cancels.

    A new way to cancel is one more member here and one more text per language
    (``stats-path-<value>``); the counting needs no change.
    """

    DIRECT = "direct"  # the shopper, in the bot
    APPLICATION = "application"  # staff approved the shopper's application
    SHOP = "shop"  # the shop's own system cancelled it
    #: Staff approved the application after talking with the shopper about the order in a
    #: case (a conversation opened before the decision): settled in the conversation.
    CONVERSATION = "conversation"

    @classmethod
    def of(cls, actor: str) -> CancelPath | None:
        """The way a cancel went, from who wrote it (None: someone else, e.g. an import)."""
        kind, _, _ = actor.partition(":")
        return _PATH_BY_ACTOR.get(kind)


_PATH_BY_ACTOR = {
    "tg": CancelPath.DIRECT,
    "staff": CancelPath.APPLICATION,
    "shop": CancelPath.SHOP,
}


class RefundAction(StrEnum):
    """What staff, a gateway or an import do to a refund."""

    SUBMIT = "submit"  # pushed out in the provider's console
    SUCCEED = "succeed"  # the provider confirms the money arrived
    FAIL = "fail"  # the provider refused it
    REINITIATE = "reinitiate"  # staff start a failed refund again
    VOID = "void"  # the shopper restored the order before the money went out: nothing owed
    REOPEN = "reopen"  # the restored order was cancelled again: the same refund is owed anew


class RefundStatus(StrEnum):
    REQUESTED = "requested"  # the shop owes it; nobody has pushed it to the provider yet
    PROCESSING = "processing"  # submitted to WeChat/Alipay/bank; the provider is moving it
    SUCCEEDED = "succeeded"  # evidence it arrived: the provider's record or our own wallet
    FAILED = "failed"  # the provider refused it; staff re-initiate
    VOIDED = "voided"  # withdrawn before it went out: the order was restored, nothing is owed

    @property
    def open(self) -> bool:
        return self in (RefundStatus.REQUESTED, RefundStatus.PROCESSING)


class Gateway(StrEnum):
    """Which adapter moves the money back."""

    BALANCE = "balance"  # the shop's own wallet: instant, recorded in our database
    MANUAL = "manual"  # staff in the payment provider's console, reported back to us


@dataclass(frozen=True, slots=True)
class Refund:
    id: int
    order_id: int
    order_no: str
    amount_fen: int
    channel: PaymentChannel
    status: RefundStatus
    expected_earliest: date
    expected_latest: date
    created_at: datetime
    updated_at: datetime
    customer_id: int = 0
    gateway: Gateway = Gateway.MANUAL
    attempt: int = 1
    provider_ref: str | None = None
    submitted_at: datetime | None = None
    succeeded_at: datetime | None = None
    failed_at: datetime | None = None
    failure_reason: str | None = None
    shopper_confirmed_at: datetime | None = None
    shopper_not_yet_at: datetime | None = None
    arrival_asked_at: datetime | None = None


class OrderTab(StrEnum):
    """The tabs of the shopper's order list: 全部 / 待支付 / 待发货 / 已发货 / 已完成 / 已取消.

    A tab is what the shopper would call the order, not the raw status: a
    parcel in the courier's hands is "shipped", while a top-up still being
    delivered is "to ship" (nothing has reached the shopper yet).
    """

    ALL = "all"
    PENDING = "pending"
    TO_SHIP = "to_ship"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def clauses(self) -> tuple[TabClause, ...]:
        """Orders in the tab match any clause; an empty tuple means every order."""
        return _TAB_CLAUSES[self]

    def contains(self, order: Order) -> bool:
        return not self.clauses or any(c.matches(order) for c in self.clauses)


@dataclass(frozen=True, slots=True)
class TabClause:
    status: OrderStatus
    #: Only these kinds (None: any kind).
    kinds: frozenset[ProductKind] | None = None

    def matches(self, order: Order) -> bool:
        return order.status is self.status and (
            self.kinds is None or order.product_kind in self.kinds
        )


_NOT_PHYSICAL = frozenset(k for k in ProductKind if k is not ProductKind.PHYSICAL)
_TAB_CLAUSES: dict[OrderTab, tuple[TabClause, ...]] = {
    OrderTab.ALL: (),
    OrderTab.PENDING: (TabClause(OrderStatus.PENDING_PAYMENT),),
    OrderTab.TO_SHIP: (
        TabClause(OrderStatus.PAID),
        TabClause(OrderStatus.DELIVERING, _NOT_PHYSICAL),
    ),
    OrderTab.SHIPPED: (
        TabClause(OrderStatus.DELIVERING, frozenset({ProductKind.PHYSICAL})),
        TabClause(OrderStatus.DELIVERED),
    ),
    OrderTab.COMPLETED: (TabClause(OrderStatus.COMPLETED),),
    OrderTab.CANCELLED: (TabClause(OrderStatus.CANCELLED),),
}


def normalize_phone(raw: str) -> str | None:
    """Mainland mobile numbers in one form (11 digits), whatever Telegram or the shop wrote.

    Telegram sends contacts as "8613800138000" or "+86 138-0013-8000"; shops
    store "13800138000". None when it is not a plausible phone number.
    """
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if 6 <= len(digits) <= 15 else None
