"""The shop's cancellation rules: one pure function decides, everything else renders.

The rules are those of the shop's published article on cancelling orders:

* 待支付 (pending payment): cancel at no cost.
* 已支付未发货 (paid, not delivered): cancel directly, money back by the original
  route — unless delivery has already started for goods that are delivered
  automatically (game point cards, top-ups) or by a staff member's hand; then
  staff must check and decide (申请取消, reviewed within 1–2 working days).
* 已发货 (delivered): no direct cancel. A card key that was never activated can
  be applied for (staff query its activation); an activated key cannot be
  cancelled and the shopper is offered a negotiated solution such as an exchange.
  Physical goods go to after-sales return/refund; other virtual goods to
  after-sales negotiation.
* 已完成 / 已取消: nothing to cancel.

Refunds return by the original payment route: WeChat and Alipay in 1–3
working days, bank card in 3–5, shop balance at once.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol

from domain.orders import Coupon, CouponStatus, Order, OrderStatus, PaymentChannel, ProductKind


class Decision(StrEnum):
    CANCEL_NOW = "cancel_now"
    APPLY = "apply"  # a cancel application reviewed by staff
    AFTER_SALES = "after_sales"  # no cancel; return/refund or negotiation with staff
    NOTHING = "nothing"  # nothing left to cancel


class Reason(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID_NOT_SHIPPED = "paid_not_shipped"
    INSTANT_DELIVERY_STARTED = "instant_delivery_started"
    MANUAL_DELIVERY_STARTED = "manual_delivery_started"
    SHIPPED_PHYSICAL = "shipped_physical"
    CARD_KEY_NOT_ACTIVATED = "card_key_not_activated"
    CARD_KEY_ACTIVATION_UNKNOWN = "card_key_activation_unknown"
    CARD_KEY_ACTIVATED = "card_key_activated"
    VIRTUAL_DELIVERED = "virtual_delivered"
    PHYSICAL_DELIVERED = "physical_delivered"
    COMPLETED = "completed"
    ALREADY_CANCELLED = "already_cancelled"
    AWAITING_SHOP = "awaiting_shop"  # a cancel is with the shop's order system for its word


class NextStep(StrEnum):
    CONFIRM_CANCEL = "confirm_cancel"
    APPLY_FOR_CANCEL = "apply_for_cancel"
    REQUEST_ACTIVATION_CHECK = "request_activation_check"
    NEGOTIATE_EXCHANGE = "negotiate_exchange"
    RETURN_REFUND = "return_refund"
    CONTACT_AFTER_SALES = "contact_after_sales"
    FOLLOW_REFUND = "follow_refund"
    NONE = "none"


class CouponOutcome(StrEnum):
    NO_COUPON = "no_coupon"
    RETURNED = "returned"
    NOT_RETURNED = "not_returned"  # the coupon's rule keeps it spent
    EXPIRED = "expired"  # would be returned, but it has expired meanwhile


#: Working days a refund takes to arrive, by original payment route (inclusive range).
REFUND_WORKDAYS: dict[PaymentChannel, tuple[int, int]] = {
    PaymentChannel.WECHAT: (1, 3),
    PaymentChannel.ALIPAY: (1, 3),
    PaymentChannel.BANK_CARD: (3, 5),
    PaymentChannel.BALANCE: (0, 0),
}

#: Staff review an application within this many working days.
REVIEW_WORKDAYS = 2


class Calendar(Protocol):
    def add_workdays(self, start: date, n: int) -> date: ...

    def is_estimate(self, day: date) -> bool:
        """Whether a date promised on ``day`` rests on an unannounced year's calendar."""
        ...

    def wanted_year(self, today: date) -> int | None:
        """The year whose official calendar the operator should add now, if any."""
        ...


@dataclass(frozen=True, slots=True)
class RefundPlan:
    amount_fen: int
    channel: PaymentChannel
    earliest: date
    latest: date

    @property
    def instant(self) -> bool:
        return self.channel is PaymentChannel.BALANCE


@dataclass(frozen=True, slots=True)
class CancelDecision:
    decision: Decision
    reason: Reason
    next_step: NextStep
    #: What would happen to the money if the order were cancelled now (or after approval).
    refund: RefundPlan | None = None
    coupon: CouponOutcome = CouponOutcome.NO_COUPON

    @property
    def can_cancel_now(self) -> bool:
        return self.decision is Decision.CANCEL_NOW

    @property
    def can_apply(self) -> bool:
        return self.decision is Decision.APPLY


def refund_plan(
    order: Order, now: datetime, calendar: Calendar, tz: tzinfo, *, review_days: int = 0
) -> RefundPlan | None:
    """Where the money goes and by which date, counted from ``now`` in the shop's timezone.

    ``review_days`` pushes the latest date back by the staff review time, so an
    application can promise a date that holds even if staff decide on the last day.
    """
    if not order.was_paid or order.payment_channel is None or order.amount_paid_fen == 0:
        return None
    earliest, latest = arrival_window(
        order.payment_channel, now, calendar, tz, review_days=review_days
    )
    return RefundPlan(
        amount_fen=order.amount_paid_fen,
        channel=order.payment_channel,
        earliest=earliest,
        latest=latest,
    )


def arrival_window(
    channel: PaymentChannel,
    start: datetime,
    calendar: Calendar,
    tz: tzinfo,
    *,
    review_days: int = 0,
) -> tuple[date, date]:
    """The first and last day the money may arrive, for a refund pushed out at ``start``."""
    low, high = REFUND_WORKDAYS[channel]
    today = start.astimezone(tz).date()
    return calendar.add_workdays(today, low), calendar.add_workdays(today, high + review_days)


def coupon_outcome(coupon: Coupon | None, now: datetime) -> CouponOutcome:
    if coupon is None or coupon.status is CouponStatus.AVAILABLE:
        # Not spent (given back already, or never taken): a cancel changes nothing about it.
        return CouponOutcome.NO_COUPON
    if coupon.status is CouponStatus.EXPIRED:
        return CouponOutcome.EXPIRED
    if not coupon.returnable_on_cancel:
        return CouponOutcome.NOT_RETURNED
    if coupon.expired(now):
        return CouponOutcome.EXPIRED
    return CouponOutcome.RETURNED


def review_deadline(submitted: datetime, calendar: Calendar, tz: tzinfo) -> date:
    """The last day staff have to decide an application (1–2 working days)."""
    return calendar.add_workdays(submitted.astimezone(tz).date(), REVIEW_WORKDAYS)


# One return per row of the rule table reads closer to the article than a lookup would.
def decide_cancel(  # noqa: PLR0911
    order: Order, now: datetime, calendar: Calendar, tz: tzinfo
) -> CancelDecision:
    """Decide what the shopper may do about cancelling ``order`` at ``now``.

    Returns the decision, the reason that explains it and the shopper's next
    step, plus — when money or a coupon is involved — what would happen to them.
    """
    status, kind = order.status, order.product_kind
    if order.cancelling_since is not None and status is not OrderStatus.CANCELLED:
        # Asked once already: a second request could only race the first.
        return CancelDecision(Decision.NOTHING, Reason.AWAITING_SHOP, NextStep.NONE)

    def money(decision: Decision, reason: Reason, step: NextStep) -> CancelDecision:
        review = REVIEW_WORKDAYS if decision is Decision.APPLY else 0
        return CancelDecision(
            decision,
            reason,
            step,
            refund=refund_plan(order, now, calendar, tz, review_days=review),
            coupon=coupon_outcome(order.coupon, now),
        )

    if status is OrderStatus.PENDING_PAYMENT:
        return CancelDecision(
            Decision.CANCEL_NOW,
            Reason.PENDING_PAYMENT,
            NextStep.CONFIRM_CANCEL,
            coupon=coupon_outcome(order.coupon, now),
        )
    if status is OrderStatus.PAID:
        return money(Decision.CANCEL_NOW, Reason.PAID_NOT_SHIPPED, NextStep.CONFIRM_CANCEL)
    if status is OrderStatus.DELIVERING:
        if kind.instant_delivery:
            return money(
                Decision.APPLY, Reason.INSTANT_DELIVERY_STARTED, NextStep.APPLY_FOR_CANCEL
            )
        if kind is ProductKind.PHYSICAL:
            # The parcel has left with the courier (已发货): it can only come back as a return.
            return CancelDecision(
                Decision.AFTER_SALES, Reason.SHIPPED_PHYSICAL, NextStep.RETURN_REFUND
            )
        # A staff member is delivering by hand (e.g. topping up the shopper's game account):
        # only they can say whether it is done, so a cancel now could pay out twice.
        return money(Decision.APPLY, Reason.MANUAL_DELIVERY_STARTED, NextStep.APPLY_FOR_CANCEL)
    if status is OrderStatus.DELIVERED:
        if kind is ProductKind.CARD_KEY:
            if order.card_key_activated is True:
                return CancelDecision(
                    Decision.AFTER_SALES, Reason.CARD_KEY_ACTIVATED, NextStep.NEGOTIATE_EXCHANGE
                )
            reason = (
                Reason.CARD_KEY_NOT_ACTIVATED
                if order.card_key_activated is False
                else Reason.CARD_KEY_ACTIVATION_UNKNOWN
            )
            return money(Decision.APPLY, reason, NextStep.REQUEST_ACTIVATION_CHECK)
        if kind is ProductKind.PHYSICAL:
            return CancelDecision(
                Decision.AFTER_SALES, Reason.PHYSICAL_DELIVERED, NextStep.RETURN_REFUND
            )
        return CancelDecision(
            Decision.AFTER_SALES, Reason.VIRTUAL_DELIVERED, NextStep.NEGOTIATE_EXCHANGE
        )
    if status is OrderStatus.COMPLETED:
        return CancelDecision(Decision.NOTHING, Reason.COMPLETED, NextStep.CONTACT_AFTER_SALES)
    next_step = NextStep.FOLLOW_REFUND if order.was_paid else NextStep.NONE
    return CancelDecision(Decision.NOTHING, Reason.ALREADY_CANCELLED, next_step)


class RefusalBudget:
    """How many refused presses are audited per person per window.

    A forged or replayed button costs an attacker nothing; without a bound, every
    one of them would be an audit row. The first ``limit`` in a window are kept (the
    last of them says the rest were not), the others only counted in memory, and
    the memory itself is bounded to the ``max_people`` seen most recently.
    """

    def __init__(
        self, limit: int = 20, window: timedelta = timedelta(hours=1), max_people: int = 10_000
    ) -> None:
        self.limit, self.window, self.max_people = limit, window, max_people
        self._seen: OrderedDict[str, tuple[datetime, int]] = OrderedDict()
        self.unaudited = 0

    def take(self, who: str, now: datetime) -> int | None:
        """This refusal's number in the window if it is to be audited, else None."""
        start, count = self._seen.get(who, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        count += 1
        self._seen[who] = (start, count)
        self._seen.move_to_end(who)
        if len(self._seen) > self.max_people:
            self._seen.popitem(last=False)
        if count > self.limit:
            self.unaudited += 1
            return None
        return count


@dataclass(frozen=True, slots=True)
class ShopRules:
    """The cancel rules bound to the shop's calendar and timezone."""

    calendar: Calendar
    tz: tzinfo
    #: How long after cancelling a shopper may undo it alone (the article's FAQ 3).
    restore_window: timedelta = timedelta(minutes=30)
    #: One per running shop: the refused presses it audits.
    refusals: RefusalBudget = field(default_factory=RefusalBudget, compare=False)

    def decide(self, order: Order, now: datetime) -> CancelDecision:
        return decide_cancel(order, now, self.calendar, self.tz)

    def review_deadline(self, submitted: datetime) -> date:
        return review_deadline(submitted, self.calendar, self.tz)
