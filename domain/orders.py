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
        "activation-not-card-key": (
            "card_key_activated applies to card_key products only (not {kind})"
        ),
        "paid-before-placed": "paid_at is earlier than placed_at",
    }

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        template = self.MESSAGES.get(code)
        super().__init__(template.format(**params) if template else code)


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
    card_key_activated: bool | None,
) -> None:
    """Reject order facts the cancel rules could not reason about.

    Imports come from other systems, so the same checks guard every way an
    order enters the shop's database. Errors carry a code and parameters
    (see ``OrderDataError.MESSAGES``) rather than finished text.
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
    stamps = (("placed_at", placed_at), ("paid_at", paid_at), ("delivered_at", delivered_at))
    for name, value in stamps:
        if value is not None and value.tzinfo is None:
            raise OrderDataError("timezone-missing", field=name)
    paid_states = {
        OrderStatus.PAID,
        OrderStatus.DELIVERING,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    }
    if status in paid_states:
        if payment_channel is None:
            raise OrderDataError("channel-missing", status=status.value)
        if paid_at is None:
            raise OrderDataError("paid-at-missing", status=status.value)
    if status is OrderStatus.PENDING_PAYMENT and paid_at is not None:
        raise OrderDataError("paid-at-not-allowed", status=status.value)
    if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED) and delivered_at is None:
        raise OrderDataError("delivered-at-missing", status=status.value)
    if card_key_activated is not None and kind is not ProductKind.CARD_KEY:
        raise OrderDataError("activation-not-card-key", kind=kind.value)
    if paid_at is not None and paid_at < placed_at:
        raise OrderDataError("paid-before-placed")


class CancelReason(StrEnum):
    """Why the shopper cancelled, asked after the cancel so it never costs a tap on the way."""

    DUPLICATE = "duplicate"  # 重复下单
    WRONG_INFO = "wrong_info"  # 信息填错
    CHANGED_MIND = "changed_mind"  # 不想要了
    OTHER = "other"  # 其他


class RefundStatus(StrEnum):
    REQUESTED = "requested"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


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


class OrderTab(StrEnum):
    """The tabs of the shopper's order list.

    全部 / 待支付 / 待发货 / 已发货 / 已完成 / 已取消; "to ship" covers paid orders in delivery.
    """

    ALL = "all"
    PENDING = "pending"
    TO_SHIP = "to_ship"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def statuses(self) -> tuple[OrderStatus, ...]:
        return _TAB_STATUSES[self]


_TAB_STATUSES: dict[OrderTab, tuple[OrderStatus, ...]] = {
    OrderTab.ALL: (),
    OrderTab.PENDING: (OrderStatus.PENDING_PAYMENT,),
    OrderTab.TO_SHIP: (OrderStatus.PAID, OrderStatus.DELIVERING),
    OrderTab.SHIPPED: (OrderStatus.DELIVERED,),
    OrderTab.COMPLETED: (OrderStatus.COMPLETED,),
    OrderTab.CANCELLED: (OrderStatus.CANCELLED,),
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
