"""A staff member giving a coupon back by hand while the shopper restores the same order, on
a real SQLite file: whichever writes the order's row first wins, and the order never ends
live with its coupon handed back (its discount counted twice).

Each test lets one side read, then commits the other side in its own unit of work just
before the first side's guarded writes, as two processes would interleave."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.coupons import CouponReturn, staff_return_coupon
from domain.incoming import save_order
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
)
from domain.restore import CouponBack, Lost
from domain.services import OrderRecord
from domain.shopper import cancel_order
from domain.shopper_restore import RestoreOutcome, RestoreResult, restore_order
from storage.repositories import SqlOrderRepository, SqlRefundRepository
from storage.tables import AuditRow, CouponRow, OrderRow
from storage.uow import SqlUnitOfWork
from tests.integration.test_refunds import NOW, RULES, Factory, count, uow

LATER = NOW + timedelta(minutes=5)


async def cancelled_with_a_kept_coupon(factory: Factory) -> tuple[int, int]:
    """A paid order with a coupon whose rule keeps it spent on a cancel, cancelled by its
    shopper a few minutes ago: staff may give the coupon back by hand."""
    record = OrderRecord(
        customer=Customer(id=0, code="C1", name="张三"),
        product=Product("SKU-1", "王者荣耀 60点券", ProductKind.CARD_KEY, 4200),
        order=Order(
            id=0,
            order_no="KM-1",
            customer_id=0,
            product_name="王者荣耀 60点券",
            product_kind=ProductKind.CARD_KEY,
            quantity=1,
            unit_price_fen=4200,
            discount_fen=500,
            amount_paid_fen=3700,
            status=OrderStatus.PAID,
            payment_channel=PaymentChannel.WECHAT,
            placed_at=NOW - timedelta(minutes=10),
            paid_at=NOW - timedelta(minutes=10),
        ),
        coupon=Coupon("CP-5", "满减5元", 500, returnable_on_cancel=False),
    )
    async with factory() as session, SqlUnitOfWork(session) as work:
        await save_order(work, record, NOW)
        await work.commit()
        order = await work.orders.by_number("KM-1")
    assert order is not None
    await cancel_order(
        uow(factory),
        customer_id=order.customer_id,
        order_id=order.id,
        actor="tg:1001",
        rules=RULES,
        now=NOW,
    )
    return order.customer_id, order.id


async def shopper_restores(
    factory: Factory, customer: int, order: int, work: SqlUnitOfWork | None = None
) -> RestoreResult:
    return await restore_order(
        work or uow(factory),
        customer_id=customer,
        order_id=order,
        shown=CouponBack.NONE,
        actor="tg:1001",
        rules=RULES,
        now=LATER,
    )


async def staff_returns(factory: Factory, work: SqlUnitOfWork | None = None) -> CouponReturn:
    result = await staff_return_coupon(
        work or uow(factory), reviewer_id=9001, is_staff=True, now=LATER, order_no="KM-1"
    )
    return result.outcome


async def state(factory: Factory) -> tuple[str, str]:
    async with factory() as session:
        order = await session.scalar(select(OrderRow.status))
        coupon = await session.scalar(select(CouponRow.status))
    assert order is not None and coupon is not None
    return order, coupon


class _StaffFirst(SqlRefundRepository):
    """The restore has read the order and its coupon; staff's return commits in another unit
    of work just before the restore's first guarded write (withdrawing the refund)."""

    def __init__(self, session, factory: Factory) -> None:  # type: ignore[no-untyped-def]
        super().__init__(session)
        self.factory = factory

    async def transition(self, refund, change):  # type: ignore[no-untyped-def]
        assert await staff_returns(self.factory) is CouponReturn.RETURNED
        return await super().transition(refund, change)


async def test_staff_returning_the_coupon_before_the_restores_write_has_the_shopper_confirm_again(
    session_factory: Factory,
) -> None:
    customer, order = await cancelled_with_a_kept_coupon(session_factory)
    async with session_factory() as session:
        work = SqlUnitOfWork(session)
        work.refunds = _StaffFirst(session, session_factory)
        result = await shopper_restores(session_factory, customer, order, work)

    assert result.lost is Lost.COUPON and result.outcome is RestoreOutcome.CHANGED
    # The new confirmation says the coupon staff gave back will be spent on the order again.
    assert result.card is not None and result.card.restore is not None
    assert result.card.restore.coupon is CouponBack.TAKEN
    assert await state(session_factory) == (OrderStatus.CANCELLED.value, CouponStatus.AVAILABLE)
    assert await count(session_factory, AuditRow, AuditRow.action == "order.restored") == 0

    again = await restore_order(
        uow(session_factory),
        customer_id=customer,
        order_id=order,
        shown=CouponBack.TAKEN,
        actor="tg:1001",
        rules=RULES,
        now=LATER,
    )
    assert again.outcome is RestoreOutcome.RESTORED
    assert await state(session_factory) == (OrderStatus.PAID.value, CouponStatus.USED)


class _RestoreFirst(SqlOrderRepository):
    """Staff's return has found the cancelled order; the shopper's restore commits in another
    unit of work just before staff's guarded writes."""

    def __init__(self, session, factory: Factory, customer: int, order: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(session)
        self.factory, self.customer, self.order = factory, customer, order

    async def by_number(self, order_no):  # type: ignore[no-untyped-def]
        found = await super().by_number(order_no)
        done = await shopper_restores(self.factory, self.customer, self.order)
        assert done.outcome is RestoreOutcome.RESTORED
        return found


async def test_a_restore_before_staffs_write_keeps_the_coupon_on_the_order(
    session_factory: Factory,
) -> None:
    customer, order = await cancelled_with_a_kept_coupon(session_factory)
    async with session_factory() as session:
        work = SqlUnitOfWork(session)
        work.orders = _RestoreFirst(session, session_factory, customer, order)
        outcome = await staff_returns(session_factory, work)

    assert outcome is CouponReturn.NOT_CANCELLED
    assert await state(session_factory) == (OrderStatus.PAID.value, CouponStatus.USED)
    assert (
        await count(session_factory, AuditRow, AuditRow.action == "coupon.returned_by_staff") == 0
    )
    assert await count(session_factory, AuditRow, AuditRow.action == "order.restored") == 1
