"""The cancel rules of the shop's article, one row per status × product kind × key activation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkdayCalendar
from domain.orders import (
    Coupon,
    Order,
    OrderDataError,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    check_order_facts,
)
from domain.policy import (
    CouponOutcome,
    Decision,
    NextStep,
    Reason,
    ShopRules,
    decide_cancel,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkdayCalendar()
# Thursday 2026-11-26, 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)

S, K = OrderStatus, ProductKind


def make_order(
    status: OrderStatus,
    kind: ProductKind = ProductKind.CARD_KEY,
    *,
    activated: bool | None = None,
    channel: PaymentChannel | None = PaymentChannel.WECHAT,
    coupon: Coupon | None = None,
) -> Order:
    placed = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    paid = None if status is S.PENDING_PAYMENT else placed
    delivered = placed if status in (S.DELIVERED, S.COMPLETED) else None
    return Order(
        id=1,
        order_no="KM202611260001",
        customer_id=1,
        product_name="王者荣耀 60点券",
        product_kind=kind,
        quantity=2,
        unit_price_fen=600,
        discount_fen=0,
        amount_paid_fen=1200,
        status=status,
        payment_channel=None if status is S.PENDING_PAYMENT else channel,
        coupon=coupon,
        placed_at=placed,
        paid_at=paid,
        delivered_at=delivered,
        card_key_activated=activated,
    )


TABLE = [
    # status, kind, activated, decision, reason, next step
    *[(S.PENDING_PAYMENT, k, None, Decision.CANCEL_NOW, Reason.PENDING_PAYMENT,
       NextStep.CONFIRM_CANCEL) for k in K],
    *[(S.PAID, k, None, Decision.CANCEL_NOW, Reason.PAID_NOT_SHIPPED, NextStep.CONFIRM_CANCEL)
      for k in K],
    (S.DELIVERING, K.CARD_KEY, None, Decision.APPLY, Reason.INSTANT_DELIVERY_STARTED,
     NextStep.APPLY_FOR_CANCEL),
    (S.DELIVERING, K.DIRECT_TOPUP, None, Decision.APPLY, Reason.INSTANT_DELIVERY_STARTED,
     NextStep.APPLY_FOR_CANCEL),
    (S.DELIVERING, K.MANUAL_VIRTUAL, None, Decision.APPLY, Reason.MANUAL_DELIVERY_STARTED,
     NextStep.APPLY_FOR_CANCEL),
    (S.DELIVERING, K.PHYSICAL, None, Decision.AFTER_SALES, Reason.SHIPPED_PHYSICAL,
     NextStep.RETURN_REFUND),
    (S.DELIVERED, K.CARD_KEY, False, Decision.APPLY, Reason.CARD_KEY_NOT_ACTIVATED,
     NextStep.REQUEST_ACTIVATION_CHECK),
    (S.DELIVERED, K.CARD_KEY, None, Decision.APPLY, Reason.CARD_KEY_ACTIVATION_UNKNOWN,
     NextStep.REQUEST_ACTIVATION_CHECK),
    (S.DELIVERED, K.CARD_KEY, True, Decision.AFTER_SALES, Reason.CARD_KEY_ACTIVATED,
     NextStep.NEGOTIATE_EXCHANGE),
    (S.DELIVERED, K.DIRECT_TOPUP, None, Decision.AFTER_SALES, Reason.VIRTUAL_DELIVERED,
     NextStep.NEGOTIATE_EXCHANGE),
    (S.DELIVERED, K.MANUAL_VIRTUAL, None, Decision.AFTER_SALES, Reason.VIRTUAL_DELIVERED,
     NextStep.NEGOTIATE_EXCHANGE),
    (S.DELIVERED, K.PHYSICAL, None, Decision.AFTER_SALES, Reason.PHYSICAL_DELIVERED,
     NextStep.RETURN_REFUND),
    *[(S.COMPLETED, k, None, Decision.NOTHING, Reason.COMPLETED, NextStep.CONTACT_AFTER_SALES)
      for k in K],
    *[(S.CANCELLED, k, None, Decision.NOTHING, Reason.ALREADY_CANCELLED, NextStep.FOLLOW_REFUND)
      for k in K],
]  # fmt: skip


@pytest.mark.parametrize(("status", "kind", "activated", "decision", "reason", "step"), TABLE)
def test_cancel_decision_follows_the_shops_rules(
    status: OrderStatus,
    kind: ProductKind,
    activated: bool | None,
    decision: Decision,
    reason: Reason,
    step: NextStep,
) -> None:
    result = decide_cancel(make_order(status, kind, activated=activated), NOW, CAL, SHANGHAI)
    assert (result.decision, result.reason, result.next_step) == (decision, reason, step)


def test_every_status_and_kind_is_covered_by_the_table() -> None:
    covered = {(row[0], row[1]) for row in TABLE}
    assert covered == {(s, k) for s in S for k in K}


def test_pending_payment_cancels_free_with_no_refund() -> None:
    result = decide_cancel(make_order(S.PENDING_PAYMENT), NOW, CAL, SHANGHAI)
    assert result.can_cancel_now
    assert result.refund is None


@pytest.mark.parametrize(
    ("channel", "earliest", "latest"),
    [
        (PaymentChannel.WECHAT, date(2026, 11, 27), date(2026, 12, 1)),
        (PaymentChannel.ALIPAY, date(2026, 11, 27), date(2026, 12, 1)),
        (PaymentChannel.BANK_CARD, date(2026, 12, 1), date(2026, 12, 3)),
        (PaymentChannel.BALANCE, date(2026, 11, 26), date(2026, 11, 26)),
    ],
)
def test_paid_order_refunds_by_the_original_route_in_working_days(
    channel: PaymentChannel, earliest: date, latest: date
) -> None:
    result = decide_cancel(make_order(S.PAID, channel=channel), NOW, CAL, SHANGHAI)
    assert result.refund is not None
    assert result.refund.channel is channel
    assert result.refund.amount_fen == 1200
    assert (result.refund.earliest, result.refund.latest) == (earliest, latest)
    assert result.refund.instant is (channel is PaymentChannel.BALANCE)


def test_refund_cancelled_on_spring_festival_eve_skips_the_holiday_week() -> None:
    # Friday 2026-02-13 23:30 in Shanghai; holiday 02-15..02-23, Saturday 02-14 is a working day.
    eve = datetime(2026, 2, 13, 15, 30, tzinfo=UTC)
    result = decide_cancel(make_order(S.PAID), eve, CAL, SHANGHAI)
    assert result.refund is not None
    assert (result.refund.earliest, result.refund.latest) == (date(2026, 2, 14), date(2026, 2, 25))


def test_refund_dates_are_counted_in_the_shops_timezone() -> None:
    # 2026-11-26 20:00 UTC is already Friday 11-27 in Shanghai.
    late = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    result = decide_cancel(make_order(S.PAID), late, CAL, SHANGHAI)
    assert result.refund is not None
    assert result.refund.earliest == date(2026, 11, 30)


def test_application_promises_a_date_that_holds_even_if_staff_decide_on_the_last_day() -> None:
    # Thursday 11-26: review by Monday 11-30, then WeChat's 3 working days → Thursday 12-03.
    result = decide_cancel(make_order(S.DELIVERING, K.DIRECT_TOPUP), NOW, CAL, SHANGHAI)
    assert result.can_apply
    assert result.refund is not None and result.refund.amount_fen == 1200
    assert (result.refund.earliest, result.refund.latest) == (
        date(2026, 11, 27),
        date(2026, 12, 3),
    )


def test_activated_card_key_offers_no_refund() -> None:
    result = decide_cancel(make_order(S.DELIVERED, activated=True), NOW, CAL, SHANGHAI)
    assert result.refund is None


def coupon(returnable: bool, expires: datetime | None = None) -> Coupon:
    return Coupon("C-8", "满50减8", 800, returnable_on_cancel=returnable, expires_at=expires)


@pytest.mark.parametrize(
    ("the_coupon", "outcome"),
    [
        (None, CouponOutcome.NO_COUPON),
        (coupon(True), CouponOutcome.RETURNED),
        (coupon(False), CouponOutcome.NOT_RETURNED),
        (coupon(True, datetime(2026, 11, 1, tzinfo=UTC)), CouponOutcome.EXPIRED),
        (coupon(True, datetime(2026, 12, 31, tzinfo=UTC)), CouponOutcome.RETURNED),
    ],
)
def test_coupon_comes_back_only_when_its_rule_says_so_and_it_is_still_valid(
    the_coupon: Coupon | None, outcome: CouponOutcome
) -> None:
    for status in (S.PENDING_PAYMENT, S.PAID):
        result = decide_cancel(make_order(status, coupon=the_coupon), NOW, CAL, SHANGHAI)
        assert result.coupon is outcome


def test_cancelled_unpaid_order_has_no_refund_to_follow() -> None:
    order = replace(make_order(S.PENDING_PAYMENT), status=S.CANCELLED)
    assert decide_cancel(order, NOW, CAL, SHANGHAI).next_step is NextStep.NONE


def test_review_deadline_is_two_working_days_after_submission() -> None:
    rules = ShopRules(CAL, SHANGHAI)
    # Friday 2026-11-27 → Tuesday 2026-12-01.
    assert rules.review_deadline(datetime(2026, 11, 27, 3, tzinfo=UTC)) == date(2026, 12, 1)


def facts(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "status": S.PAID,
        "kind": K.CARD_KEY,
        "quantity": 1,
        "unit_price_fen": 1000,
        "discount_fen": 100,
        "amount_paid_fen": 900,
        "payment_channel": PaymentChannel.ALIPAY,
        "placed_at": NOW,
        "paid_at": NOW,
        "delivered_at": None,
        "completed_at": None,
        "cancelled_at": None,
        "card_key_activated": None,
        "coupon_discount_fen": None,
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"quantity": 0}, "quantity-too-small"),
        ({"amount_paid_fen": 1000}, "amount-mismatch"),
        ({"payment_channel": None}, "channel-missing"),
        ({"paid_at": None}, "paid-at-missing"),
        ({"status": S.PENDING_PAYMENT}, "paid-at-not-allowed"),
        ({"status": S.DELIVERED}, "delivered-at-missing"),
        ({"kind": K.PHYSICAL, "card_key_activated": True}, "activation-not-card-key"),
        # A naive time is the bug being tested.
        ({"placed_at": datetime(2026, 11, 26, 10, 0)}, "timezone-missing"),  # noqa: DTZ001
        ({"paid_at": datetime(2026, 11, 25, tzinfo=UTC)}, "stamp-order"),
    ],
)
def test_contradictory_order_facts_are_rejected(overrides: dict[str, object], code: str) -> None:
    with pytest.raises(OrderDataError) as caught:
        check_order_facts(**facts(**overrides))  # type: ignore[arg-type]
    assert caught.value.code == code


def test_consistent_order_facts_pass() -> None:
    check_order_facts(**facts())  # type: ignore[arg-type]
