"""The direct cancel as a use case, over the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkdayCalendar
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    RefundStatus,
)
from domain.policy import CouponOutcome, RefusalBudget, ShopRules
from domain.shopper import CancelOutcome, CancelResult, cancel_order
from tests.unit.fakes import FakeUnitOfWork

#: Thursday 2026-11-26 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
RULES = ShopRules(calendar=WorkdayCalendar(), tz=ZoneInfo("Asia/Shanghai"))
ZHANG = Customer(id=1, code="C0001", name="张三", telegram_id=7001)
LI = Customer(id=2, code="C0002", name="李四", telegram_id=7002)


def order(
    order_id: int = 10,
    *,
    status: OrderStatus = OrderStatus.PAID,
    channel: PaymentChannel | None = PaymentChannel.WECHAT,
    kind: ProductKind = ProductKind.DIRECT_TOPUP,
    coupon: Coupon | None = None,
) -> Order:
    placed = NOW - timedelta(minutes=10)
    return Order(
        id=order_id,
        order_no=f"KM-{order_id}",
        customer_id=ZHANG.id,
        product_name="中国移动 话费直充 100元",
        product_kind=kind,
        quantity=1,
        unit_price_fen=10_000,
        amount_paid_fen=9_750,
        discount_fen=250,
        status=status,
        placed_at=placed,
        payment_channel=channel,
        paid_at=None if status is OrderStatus.PENDING_PAYMENT else placed,
        coupon=coupon,
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    fake.seed(ZHANG, LI)
    return fake


async def cancel(
    uow: FakeUnitOfWork, order_id: int = 10, customer_id: int = ZHANG.id
) -> CancelResult:
    return await cancel_order(
        uow, customer_id=customer_id, order_id=order_id, actor="shopper", rules=RULES, now=NOW
    )


async def test_an_unpaid_order_cancels_without_a_refund(uow: FakeUnitOfWork) -> None:
    uow.seed(order(status=OrderStatus.PENDING_PAYMENT, channel=None))
    result = await cancel(uow)
    assert result.outcome is CancelOutcome.CANCELLED
    assert uow.committed.orders[10].status is OrderStatus.CANCELLED
    assert uow.committed.orders[10].cancelled_at == NOW
    assert uow.committed.refunds == {}
    assert [e.action for e in uow.committed.audit] == ["order.cancelled"]


async def test_a_paid_wechat_order_owes_one_refund_and_tells_staff(uow: FakeUnitOfWork) -> None:
    uow.seed(order())
    result = await cancel(uow)
    assert result.outcome is CancelOutcome.CANCELLED
    [refund] = uow.committed.refunds.values()
    assert (refund.amount_fen, refund.channel) == (9_750, PaymentChannel.WECHAT)
    assert refund.status is RefundStatus.REQUESTED
    assert [n.kind for n in uow.committed.outbox.values()] == ["staff.refund_requested"]


async def test_a_balance_refund_is_credited_with_the_cancel(uow: FakeUnitOfWork) -> None:
    uow.seed(order(channel=PaymentChannel.BALANCE))
    await cancel(uow)
    [refund] = uow.committed.refunds.values()
    assert refund.status is RefundStatus.SUCCEEDED
    assert uow.committed.wallet == {ZHANG.id: 9_750}


async def test_a_second_press_cancels_nothing_more(uow: FakeUnitOfWork) -> None:
    uow.seed(order(channel=PaymentChannel.BALANCE))
    await cancel(uow)
    again = await cancel(uow)
    assert again.outcome is not CancelOutcome.CANCELLED
    assert len(uow.committed.refunds) == 1
    assert uow.committed.wallet == {ZHANG.id: 9_750}
    assert [e.action for e in uow.committed.audit].count("order.cancelled") == 1


async def test_someone_elses_order_is_refused_and_left_alone(uow: FakeUnitOfWork) -> None:
    uow.seed(order())
    result = await cancel(uow, customer_id=LI.id)
    assert result.outcome is CancelOutcome.NOT_FOUND
    assert uow.committed.orders[10].status is OrderStatus.PAID
    assert [e.action for e in uow.committed.audit] == ["press.refused"]


async def test_a_delivered_card_key_is_not_cancelled_directly(uow: FakeUnitOfWork) -> None:
    uow.seed(order(status=OrderStatus.DELIVERED, kind=ProductKind.CARD_KEY))
    result = await cancel(uow)
    assert result.outcome is not CancelOutcome.CANCELLED
    assert uow.committed.orders[10].status is OrderStatus.DELIVERED
    assert uow.committed.refunds == {}


async def test_a_returnable_coupon_comes_back(uow: FakeUnitOfWork) -> None:
    coupon = Coupon("Q1", "满99减2.5", 250, returnable_on_cancel=True, id=5)
    uow.seed(order(status=OrderStatus.PENDING_PAYMENT, channel=None, coupon=coupon))
    await cancel(uow)
    returned = uow.committed.orders[10].coupon
    assert returned is not None
    assert returned.status is CouponStatus.AVAILABLE


async def test_a_coupon_that_is_not_spent_is_never_said_to_come_back(
    uow: FakeUnitOfWork,
) -> None:
    coupon = Coupon(
        "Q2", "满99减2.5", 250, returnable_on_cancel=True, status=CouponStatus.AVAILABLE, id=6
    )
    uow.seed(order(status=OrderStatus.PENDING_PAYMENT, channel=None, coupon=coupon))

    result = await cancel(uow)

    assert result.outcome is CancelOutcome.CANCELLED
    assert result.coupon is CouponOutcome.NO_COUPON
    kept = uow.committed.orders[10].coupon
    assert kept is not None and kept.status is CouponStatus.AVAILABLE


async def test_a_coupon_spent_by_a_race_is_not_said_to_come_back(uow: FakeUnitOfWork) -> None:
    coupon = Coupon("Q3", "满99减2.5", 250, returnable_on_cancel=True, id=7)
    uow.seed(order(status=OrderStatus.PENDING_PAYMENT, channel=None, coupon=coupon))

    async def already_back(_: int) -> bool:
        return False  # given back by another writer between the read and the write

    uow.orders.return_coupon = already_back  # type: ignore[method-assign]
    result = await cancel(uow)

    assert result.outcome is CancelOutcome.CANCELLED
    assert result.coupon is CouponOutcome.NO_COUPON


async def test_a_thousand_forged_presses_add_at_most_twenty_audit_rows(
    uow: FakeUnitOfWork,
) -> None:
    uow.seed(order())
    rules = ShopRules(calendar=WorkdayCalendar(), tz=ZoneInfo("Asia/Shanghai"))
    for n in range(1000):
        result = await cancel_order(
            uow,
            customer_id=LI.id,
            order_id=10,
            actor="shopper",
            rules=rules,
            now=NOW + timedelta(seconds=n),
        )
        assert result.outcome is CancelOutcome.NOT_FOUND
    refused = [e for e in uow.committed.audit if e.action == "press.refused"]
    assert len(refused) == 20
    assert refused[-1].detail == {"why": "cancel_not_owned", "more_not_audited": True}
    assert rules.refusals.unaudited == 980
    # The next hour has a fresh budget; another shopper has their own meanwhile.
    await cancel_order(
        uow,
        customer_id=LI.id,
        order_id=10,
        actor="shopper",
        rules=rules,
        now=NOW + timedelta(hours=2),
    )
    assert len([e for e in uow.committed.audit if e.action == "press.refused"]) == 21


def test_the_refusal_budget_remembers_a_bounded_number_of_people() -> None:
    budget = RefusalBudget(limit=2, max_people=100)
    for person in range(1000):
        assert budget.take(f"tg:{person}", NOW) == 1
    assert len(budget._seen) == 100
