"""``demo-data``: the demo shop on a real, migrated SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import BIND_CODE, demo_records, load_demo
from domain.calendar import WorkdayCalendar
from domain.orders import (
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    check_order,
)
from domain.policy import Decision, ShopRules
from domain.ports import FixedClock
from domain.services import shopper_home
from domain.shopper import CancelOutcome, cancel_order
from storage.tables import CouponRow, CustomerRow, OrderRow, ProductRow, RefundRow
from storage.uow import SqlUnitOfWork

# Thursday 2026-11-26, 14:30 in Shanghai.
NOW = datetime(2026, 11, 26, 6, 30, 17, tzinfo=UTC)
PAID_STATES = set(OrderStatus) - {OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED}

Factory = async_sessionmaker[AsyncSession]


class EveryDayWorks:
    """Refund dates do not matter here, only decisions."""

    def add_workdays(self, start: date, n: int) -> date:
        return start + timedelta(days=n)

    def is_estimate(self, day: date) -> bool:
        return False

    def wanted_year(self, today: date) -> int | None:
        return None


RULES = ShopRules(EveryDayWorks(), ZoneInfo("Asia/Shanghai"))


async def all_orders(factory: Factory) -> list[Order]:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        numbers = await session.scalars(select(OrderRow.order_no).order_by(OrderRow.order_no))
        found = [await uow.orders.by_number(no) for no in numbers.all()]
    return [o for o in found if o is not None]


async def customer(factory: Factory, code: str) -> Customer | None:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        return await uow.customers.by_code(code)


async def table_sizes(factory: Factory) -> dict[str, int]:
    async with factory() as session:
        return {
            table.__tablename__: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in (CustomerRow, ProductRow, CouponRow, OrderRow)
        }


async def everything(factory: Factory) -> dict[str, list[tuple[Any, ...]]]:
    async with factory() as session:
        return {
            name: [tuple(r) for r in await session.execute(text(f"SELECT * FROM {name}"))]
            for name in ("customers", "products", "coupons", "orders")
        }


async def test_demo_has_every_status_kind_and_channel(session_factory: Factory) -> None:
    report = await load_demo(session_factory, clock=FixedClock(NOW))
    orders = await all_orders(session_factory)

    assert (report.customers, report.products, report.orders) == (5, 7, len(orders))
    assert report.created == len(orders)
    assert report.bound is None
    assert await table_sizes(session_factory) == {
        "customers": 5,
        "products": 7,
        "coupons": 6,
        "orders": len(orders),
    }
    assert {o.status for o in orders} == set(OrderStatus)
    assert {o.product_kind for o in orders} == set(ProductKind)
    # Every channel with every status where money has moved, cancelled-after-payment included.
    paid_pairs = {(o.status, o.payment_channel) for o in orders if o.paid_at is not None}
    for status in [*PAID_STATES, OrderStatus.CANCELLED]:
        for channel in PaymentChannel:
            assert (status, channel) in paid_pairs, (status, channel)
    assert any(o.status is OrderStatus.CANCELLED and o.paid_at is None for o in orders)
    assert all(o.payment_channel is None for o in orders if o.paid_at is None)


async def test_demo_covers_card_keys_and_coupons(session_factory: Factory) -> None:
    await load_demo(session_factory, clock=FixedClock(NOW))
    orders = await all_orders(session_factory)

    delivered_keys = [
        o
        for o in orders
        if o.product_kind is ProductKind.CARD_KEY and o.status is OrderStatus.DELIVERED
    ]
    assert {o.card_key_activated for o in delivered_keys} == {True, False, None}
    coupons = [o.coupon for o in orders if o.coupon is not None]
    assert len(coupons) >= 5
    assert {c.returnable_on_cancel for c in coupons} == {True, False}
    assert sum(1 for c in coupons if c.expired(NOW)) == 1
    for o in orders:
        if o.coupon is not None:
            assert o.discount_fen >= o.coupon.discount_fen
    names = {o.product_name for o in orders}
    assert {"中国移动 话费直充 100元", "Steam 钱包充值卡 100元", "原神 创世结晶 6480"} <= names


def test_every_demo_order_is_consistent() -> None:
    for record in demo_records(NOW):
        o = record.order
        check_order(o, record.coupon)  # what save_order enforces
        stamps = [o.placed_at, o.paid_at, o.delivered_at, o.completed_at]
        present = [s for s in stamps if s is not None]
        assert present == sorted(present), o.order_no
        assert all(s <= NOW for s in [*present, o.cancelled_at] if s is not None), o.order_no
        assert (o.completed_at is not None) == (o.status is OrderStatus.COMPLETED)
        assert (o.cancelled_at is not None) == (o.status is OrderStatus.CANCELLED)


async def test_customer_c0001_has_a_rich_recent_history(session_factory: Factory) -> None:
    await load_demo(session_factory, clock=FixedClock(NOW))
    first = await customer(session_factory, BIND_CODE)
    assert first is not None
    assert (first.name, first.phone) == ("张三", "13800138001")
    mine = [o for o in await all_orders(session_factory) if o.customer_id == first.id]

    assert len(mine) >= 8
    assert {o.status for o in mine} == set(OrderStatus)
    newest = max(o.placed_at for o in mine)
    assert NOW - timedelta(hours=1) < newest <= NOW

    async with session_factory() as session:
        await session.execute(
            text("UPDATE customers SET telegram_id = 1001 WHERE code = :code"),
            {"code": BIND_CODE},
        )
        await session.commit()
    async with session_factory() as session:
        home = await shopper_home(SqlUnitOfWork(session), 1001, RULES, NOW)
    assert home is not None
    assert home.total_orders == len(mine)
    decisions = [summary.decision.decision for summary in home.recent]
    assert len(decisions) == 5
    assert set(decisions) <= {Decision.CANCEL_NOW, Decision.APPLY}
    assert {Decision.CANCEL_NOW, Decision.APPLY} <= set(decisions)


async def test_loading_again_creates_and_changes_nothing(session_factory: Factory) -> None:
    clock = FixedClock(NOW)
    await load_demo(session_factory, clock=clock)
    before = await everything(session_factory)

    clock.advance(seconds=20)  # same minute: the demo's times are whole minutes
    again = await load_demo(session_factory, clock=clock)

    assert again.created == 0
    assert await everything(session_factory) == before


async def test_loading_on_a_later_day_refreshes_times_without_new_rows(
    session_factory: Factory,
) -> None:
    clock = FixedClock(NOW)
    first = await load_demo(session_factory, clock=clock)
    sizes = await table_sizes(session_factory)

    clock.advance(days=3)
    later = await load_demo(session_factory, clock=clock)

    assert later.created == 0
    assert later.orders == first.orders
    assert await table_sizes(session_factory) == sizes
    newest = max(o.placed_at for o in await all_orders(session_factory))
    assert clock.now() - timedelta(hours=1) < newest <= clock.now()


async def test_bind_links_c0001_and_takes_the_id_from_whoever_had_it(
    session_factory: Factory,
) -> None:
    await load_demo(session_factory, clock=FixedClock(NOW))
    other = await customer(session_factory, "DEMO-C0002")
    assert other is not None
    async with session_factory() as session, SqlUnitOfWork(session) as uow:
        await uow.customers.bind_telegram(other.id, 777000)
        await uow.commit()

    report = await load_demo(session_factory, clock=FixedClock(NOW), bind=777000)

    assert report.bound is not None
    assert (report.bound.code, report.bound.name, report.bound.telegram_id) == (
        BIND_CODE,
        "张三",
        777000,
    )
    assert report.created == 0
    first = await customer(session_factory, BIND_CODE)
    assert first is not None
    assert first.telegram_id == 777000
    moved = await customer(session_factory, "DEMO-C0002")
    assert moved is not None
    assert moved.telegram_id is None


async def test_loading_without_bind_keeps_an_existing_link(session_factory: Factory) -> None:
    await load_demo(session_factory, clock=FixedClock(NOW), bind=4242)

    report = await load_demo(session_factory, clock=FixedClock(NOW))

    assert report.bound is None
    first = await customer(session_factory, BIND_CODE)
    assert first is not None
    assert first.telegram_id == 4242


async def test_reloading_keeps_orders_a_shopper_cancelled_in_the_bot(
    session_factory: Factory,
) -> None:
    clock = FixedClock(NOW)
    first = await load_demo(session_factory, clock=clock)
    assert first.kept == 0
    rules = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
    # A paid order the shopper may cancel at once: cancelling it creates a refund.
    target = next(
        o
        for o in await all_orders(session_factory)
        if o.status is OrderStatus.PAID and rules.decide(o, NOW).can_cancel_now
    )
    async with session_factory() as session:
        result = await cancel_order(
            SqlUnitOfWork(session),
            customer_id=target.customer_id,
            order_id=target.id,
            actor="tg:1001",
            rules=rules,
            now=NOW,
        )
    assert result.outcome is CancelOutcome.CANCELLED
    async with session_factory() as session, SqlUnitOfWork(session) as uow:
        cancelled = await uow.orders.by_number(target.order_no)
        refunds = await session.scalar(select(func.count()).select_from(RefundRow))
    assert cancelled is not None
    assert refunds == 1
    sizes = await table_sizes(session_factory)

    clock.advance(days=1)  # a later day: every other order's times are refreshed
    again = await load_demo(session_factory, clock=clock)

    assert (again.customers, again.products, again.orders) == (
        first.customers,
        first.products,
        first.orders,
    )
    assert (again.created, again.kept) == (0, 1)
    assert await table_sizes(session_factory) == sizes
    orders = {o.order_no: o for o in await all_orders(session_factory)}
    assert orders[target.order_no] == cancelled
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(RefundRow)) == 1
    refreshed = [o for no, o in orders.items() if no != target.order_no]
    newest = max(o.placed_at for o in refreshed)
    assert clock.now() - timedelta(hours=1) < newest <= clock.now()

    third = await load_demo(session_factory, clock=clock)
    assert (third.created, third.kept) == (0, 1)
