"""Restoring a mistaken cancel: the rules (pure), and the restore over the in-memory unit
of work — what comes back, what is taken back, and that a second cancel refunds once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkdayCalendar
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Gateway,
    Order,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    Refund,
    RefundStatus,
)
from domain.policy import ShopRules
from domain.ports import AuditEntry, RefundEvent
from domain.restore import (
    CancelFacts,
    CouponBack,
    RestoreBlock,
    plan_restore,
)
from domain.shopper import CancelOutcome, cancel_order
from domain.shopper_restore import RestoreOutcome, ask_restore, restore_order
from tests.unit.fakes import FakeUnitOfWork

#: Thursday 2026-11-26 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
RULES = ShopRules(calendar=WorkdayCalendar(), tz=ZoneInfo("Asia/Shanghai"))
ZHANG = Customer(id=1, code="C0001", name="张三", telegram_id=7001)
LI = Customer(id=2, code="C0002", name="李四", telegram_id=7002)
SHOPPER = "tg:7001"
COUPON = Coupon("CP-8", "满50减8", 800, returnable_on_cancel=True, id=5)


def order(
    *,
    status: OrderStatus = OrderStatus.PAID,
    channel: PaymentChannel = PaymentChannel.WECHAT,
    coupon: Coupon | None = None,
    delivered: bool = False,
) -> Order:
    placed = NOW - timedelta(minutes=20)
    discount = coupon.discount_fen if coupon else 0
    return Order(
        id=10,
        order_no="KM-10",
        customer_id=ZHANG.id,
        product_name="王者荣耀 60点券",
        product_kind=ProductKind.CARD_KEY,
        quantity=1,
        unit_price_fen=5000,
        amount_paid_fen=5000 - discount,
        discount_fen=discount,
        status=status,
        placed_at=placed,
        payment_channel=None if status is OrderStatus.PENDING_PAYMENT else channel,
        paid_at=None if status is OrderStatus.PENDING_PAYMENT else placed,
        delivered_at=placed if delivered else None,
        coupon=coupon,
    )


def cancelled(**kwargs: object) -> Order:
    return replace(order(**kwargs), status=OrderStatus.CANCELLED, cancelled_at=NOW)  # type: ignore[arg-type]


def facts(actor: str = SHOPPER, *, coupon_returned: bool = True) -> CancelFacts:
    return CancelFacts(actor, OrderStatus.PAID, NOW, coupon_returned)


def refund(
    status: RefundStatus = RefundStatus.REQUESTED,
    gateway: Gateway = Gateway.MANUAL,
    **kwargs: object,
) -> Refund:
    return Refund(
        id=3,
        order_id=10,
        order_no="KM-10",
        amount_fen=4200,
        channel=PaymentChannel.WECHAT,
        status=status,
        expected_earliest=NOW.date(),
        expected_latest=NOW.date(),
        created_at=NOW,
        updated_at=NOW,
        customer_id=ZHANG.id,
        gateway=gateway,
        **kwargs,  # type: ignore[arg-type]
    )


def plan(
    the_order: Order,
    the_facts: CancelFacts | None,
    the_refund: Refund | None = None,
    events: list[RefundEvent] | None = None,
    *,
    minutes_later: int = 5,
    by_staff: bool = False,
):  # type: ignore[no-untyped-def]
    return plan_restore(
        the_order,
        the_facts,
        the_refund,
        events or [],
        now=NOW + timedelta(minutes=minutes_later),
        rules=RULES,
        by_staff=by_staff,
    )


# --------------------------------------------------------------------------- the rules


def test_a_shoppers_own_cancel_within_the_window_is_restorable() -> None:
    coupon = replace(COUPON, status=CouponStatus.AVAILABLE)
    found = plan(cancelled(coupon=coupon), facts(), refund())
    assert found.can_restore
    assert found.back_to is OrderStatus.PAID
    assert found.coupon is CouponBack.TAKEN
    assert found.until == NOW + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("the_facts", "the_refund", "delivered", "minutes", "block"),
    [
        (facts("staff:9001"), refund(), False, 5, RestoreBlock.NOT_BY_SHOPPER),
        (facts("shop"), refund(), False, 5, RestoreBlock.NOT_BY_SHOPPER),
        (None, refund(), False, 5, RestoreBlock.NOT_BY_SHOPPER),
        (facts(), refund(), True, 5, RestoreBlock.DELIVERED),
        (facts(), refund(RefundStatus.PROCESSING), False, 5, RestoreBlock.REFUND_SENT),
        (facts(), refund(RefundStatus.SUCCEEDED), False, 5, RestoreBlock.REFUND_SENT),
        (facts(), refund(RefundStatus.FAILED), False, 5, RestoreBlock.REFUND_SENT),
        (facts(), refund(), False, 31, RestoreBlock.WINDOW_PASSED),
    ],
)
def test_the_card_names_the_first_reason_against_restoring(
    the_facts: CancelFacts | None,
    the_refund: Refund,
    delivered: bool,
    minutes: int,
    block: RestoreBlock,
) -> None:
    found = plan(cancelled(delivered=delivered), the_facts, the_refund, minutes_later=minutes)
    assert found.block is block
    assert found.may_ask_staff


def test_the_window_is_the_shops_setting() -> None:
    rules = replace(RULES, restore_window=timedelta(minutes=5))
    found = plan_restore(
        cancelled(), facts(), None, [], now=NOW + timedelta(minutes=6), rules=rules
    )
    assert found.block is RestoreBlock.WINDOW_PASSED


def test_a_refund_pushed_out_once_is_out_even_when_requested_again() -> None:
    events = [
        RefundEvent(
            3,
            "submit:3:1",
            "submit",
            RefundStatus.REQUESTED,
            RefundStatus.PROCESSING,
            1,
            "staff:9001",
            NOW + timedelta(minutes=1),
        ),
    ]
    found = plan(cancelled(), facts(), refund(attempt=2), events)
    assert found.block is RestoreBlock.REFUND_SENT


def test_a_balance_credit_can_be_taken_back() -> None:
    credited = refund(RefundStatus.SUCCEEDED, Gateway.BALANCE)
    assert plan(cancelled(channel=PaymentChannel.BALANCE), facts(), credited).can_restore


def test_a_coupon_spent_elsewhere_since_keeps_the_shopper_from_restoring_alone() -> None:
    spent_again = replace(COUPON, status=CouponStatus.USED)
    mine = plan(cancelled(coupon=spent_again), facts(coupon_returned=True), refund())
    assert mine.block is RestoreBlock.COUPON_USED
    assert mine.coupon is CouponBack.USED_ELSEWHERE
    # Staff may decide it (the audit row will say the coupon stayed on the other order).
    staffs = plan(cancelled(coupon=spent_again), facts(), refund(), by_staff=True)
    assert staffs.can_restore


def test_an_expired_coupon_goes_back_on_the_order_and_costs_nothing() -> None:
    expired = replace(COUPON, status=CouponStatus.AVAILABLE, expires_at=NOW + timedelta(minutes=1))
    found = plan(cancelled(coupon=expired), facts(), refund())
    assert found.can_restore
    assert found.coupon is CouponBack.EXPIRED


def test_a_coupon_the_cancel_kept_is_left_as_it_is() -> None:
    kept = replace(COUPON, returnable_on_cancel=False)
    found = plan(cancelled(coupon=kept), facts(coupon_returned=False), refund())
    assert found.can_restore
    assert found.coupon is CouponBack.NONE


def test_staff_cannot_restore_goods_delivered_or_money_sent() -> None:
    assert plan(cancelled(delivered=True), None, by_staff=True).block is RestoreBlock.DELIVERED
    sent = refund(RefundStatus.PROCESSING)
    assert plan(cancelled(), None, sent, by_staff=True).block is RestoreBlock.REFUND_SENT
    # Long after, and cancelled by staff: still theirs to restore.
    late = plan(cancelled(), facts("staff:9001"), refund(), minutes_later=600, by_staff=True)
    assert late.can_restore


def test_the_latest_cancel_and_a_staff_return_of_its_coupon_are_what_count() -> None:
    entries = [
        AuditEntry(
            "order.cancelled",
            "staff:9001",
            NOW - timedelta(days=1),
            10,
            {"from": "paid", "coupon": "returned"},
        ),
        AuditEntry("order.restored", "staff:9001", NOW - timedelta(hours=1), 10, {}),
        AuditEntry(
            "order.cancelled", SHOPPER, NOW, 10, {"from": "paid", "coupon": "not_returned"}
        ),
        AuditEntry("coupon.returned_by_staff", "staff:9001", NOW + timedelta(minutes=1), 10, {}),
    ]
    found = CancelFacts.from_audit(entries)
    assert found == CancelFacts(SHOPPER, OrderStatus.PAID, NOW, coupon_returned=True)


# --------------------------------------------------------------------------- the use case


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    fake.seed(ZHANG, LI)
    return fake


async def cancel(uow: FakeUnitOfWork, at: datetime = NOW) -> None:
    result = await cancel_order(
        uow, customer_id=ZHANG.id, order_id=10, actor=SHOPPER, rules=RULES, now=at
    )
    assert result.outcome is CancelOutcome.CANCELLED


async def restore(
    uow: FakeUnitOfWork,
    *,
    shown: CouponBack | None = None,
    customer_id: int = ZHANG.id,
    at: datetime = NOW + timedelta(minutes=5),
) -> RestoreOutcome:
    result = await restore_order(
        uow,
        customer_id=customer_id,
        order_id=10,
        shown=shown,
        actor=SHOPPER,
        rules=RULES,
        now=at,
    )
    return result.outcome


async def test_restore_puts_the_order_back_and_withdraws_the_refund_and_coupon(
    uow: FakeUnitOfWork,
) -> None:
    uow.seed(order(coupon=COUPON))
    await cancel(uow)
    assert uow.committed.orders[10].coupon.status is CouponStatus.AVAILABLE  # type: ignore[union-attr]

    asked = await ask_restore(uow, customer_id=ZHANG.id, order_id=10, rules=RULES, now=NOW)
    assert asked.outcome is RestoreOutcome.CONFIRM
    assert await restore(uow, shown=CouponBack.TAKEN) is RestoreOutcome.RESTORED

    after = uow.committed.orders[10]
    assert after.status is OrderStatus.PAID
    assert after.cancelled_at is None
    assert after.coupon is not None and after.coupon.status is CouponStatus.USED
    [the_refund] = uow.committed.refunds.values()
    assert the_refund.status is RefundStatus.VOIDED
    actions = [entry.action for entry in uow.committed.audit]
    assert actions == ["order.cancelled", "refund.void", "order.restored"]
    restored = uow.committed.audit[-1]
    assert restored.detail["to"] == "paid" and restored.detail["refund_fen"] == 4200


async def test_a_balance_refund_is_taken_back_in_the_same_unit_of_work(
    uow: FakeUnitOfWork,
) -> None:
    uow.seed(order(channel=PaymentChannel.BALANCE))
    await cancel(uow)
    assert uow.committed.wallet[ZHANG.id] == 5000

    assert await restore(uow) is RestoreOutcome.RESTORED

    assert uow.committed.wallet[ZHANG.id] == 0
    assert uow.commits == 2  # the cancel, then the restore: one unit of work each


async def test_cancelling_again_after_a_restore_owes_the_same_refund_once(
    uow: FakeUnitOfWork,
) -> None:
    uow.seed(order(channel=PaymentChannel.BALANCE))
    await cancel(uow)
    assert await restore(uow) is RestoreOutcome.RESTORED
    await cancel(uow, NOW + timedelta(minutes=6))

    [the_refund] = uow.committed.refunds.values()
    assert the_refund.status is RefundStatus.SUCCEEDED
    assert the_refund.attempt == 2
    assert uow.committed.wallet[ZHANG.id] == 5000  # credited, taken back, credited: once


async def test_a_manual_refund_reopened_gets_a_new_staff_card(uow: FakeUnitOfWork) -> None:
    uow.seed(order())
    await cancel(uow)
    assert await restore(uow) is RestoreOutcome.RESTORED
    await cancel(uow, NOW + timedelta(minutes=6))

    [the_refund] = uow.committed.refunds.values()
    assert (the_refund.status, the_refund.attempt) == (RefundStatus.REQUESTED, 2)
    cards = sorted(key for key in uow.committed.outbox if key.startswith("refund-"))
    assert cards == [
        "refund-requested:1",
        "refund-updated:1:reopen:2",  # the new card, posted by the reopened refund's gateway
        "refund-updated:1:void:1",  # the first card, marked withdrawn
    ]


async def test_a_changed_coupon_outcome_asks_again_and_writes_nothing(
    uow: FakeUnitOfWork,
) -> None:
    uow.seed(order(coupon=COUPON))
    await cancel(uow)
    assert await restore(uow, shown=CouponBack.EXPIRED) is RestoreOutcome.CHANGED
    assert uow.committed.orders[10].status is OrderStatus.CANCELLED


async def test_another_shoppers_press_is_refused_and_audited(uow: FakeUnitOfWork) -> None:
    uow.seed(order())
    await cancel(uow)
    assert await restore(uow, customer_id=LI.id) is RestoreOutcome.NOT_FOUND
    assert uow.committed.orders[10].status is OrderStatus.CANCELLED
    assert uow.committed.audit[-1].action == "press.refused"


async def test_a_second_press_finds_it_restored_already(uow: FakeUnitOfWork) -> None:
    uow.seed(order(status=OrderStatus.PENDING_PAYMENT))
    await cancel(uow)
    assert await restore(uow) is RestoreOutcome.RESTORED
    assert uow.committed.orders[10].status is OrderStatus.PENDING_PAYMENT
    assert await restore(uow) is RestoreOutcome.ALREADY
