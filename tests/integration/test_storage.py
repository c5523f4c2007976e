"""Repositories and the unit of work on a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.incoming import save_order
from domain.orders import (
    Coupon,
    Customer,
    Order,
    OrderDataError,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
)
from domain.ports import AuditEntry
from domain.services import OrderRecord
from storage.db import create_engine, create_session_factory
from storage.migrate import current_revision, upgrade
from storage.repositories import _rows
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/nested/dir/shop.db")
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


def record(order_no: str, *, status: OrderStatus = OrderStatus.PAID, minutes: int = 0,
           customer: str = "C0001", coupon: Coupon | None = None) -> OrderRecord:  # fmt: skip
    placed = NOW - timedelta(minutes=minutes)
    pending = status is OrderStatus.PENDING_PAYMENT
    return OrderRecord(
        customer=Customer(id=0, code=customer, name="张三", phone="13800000001"),
        product=Product("WZRY-60", "王者荣耀 60点券", ProductKind.CARD_KEY, 600),
        order=Order(
            id=0,
            order_no=order_no,
            customer_id=0,
            product_name="王者荣耀 60点券",
            product_kind=ProductKind.CARD_KEY,
            quantity=1,
            unit_price_fen=600,
            discount_fen=coupon.discount_fen if coupon else 0,
            amount_paid_fen=600 - (coupon.discount_fen if coupon else 0),
            status=status,
            payment_channel=None if pending else PaymentChannel.ALIPAY,
            placed_at=placed,
            paid_at=None if pending else placed,
        ),
        coupon=coupon,
    )


async def save(factory: async_sessionmaker[AsyncSession], *records: OrderRecord) -> None:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        for r in records:
            await save_order(uow, r, NOW)
        await uow.commit()


async def test_first_start_creates_the_database_folder_in_wal_mode(
    tmp_path: Path, engine: AsyncEngine
) -> None:
    assert (tmp_path / "nested" / "dir" / "shop.db").exists()
    async with engine.connect() as conn:
        assert (await conn.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await conn.scalar(text("PRAGMA busy_timeout"))) == 5000
        assert (await conn.scalar(text("PRAGMA foreign_keys"))) == 1
        assert (await conn.scalar(text("PRAGMA synchronous"))) == 2  # FULL: power-loss safe
    assert await current_revision(engine) == "0007"


async def test_migrating_twice_changes_nothing(engine: AsyncEngine) -> None:
    await upgrade(engine)
    assert await current_revision(engine) == "0007"


async def test_orders_are_indexed_for_the_shoppers_list_and_by_number(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:

        def read(sync_conn):  # type: ignore[no-untyped-def]
            insp = inspect(sync_conn)
            return insp.get_indexes("orders"), insp.get_unique_constraints("orders")

        indexes, uniques = await conn.run_sync(read)
    columns = {tuple(i["column_names"]) for i in indexes}
    assert ("customer_id", "status", "placed_at") in columns
    assert ["order_no"] in [u["column_names"] for u in uniques]


async def test_saved_order_reads_back_as_the_same_domain_object(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    coupon = Coupon("CP-1", "满5减1", 100, returnable_on_cancel=True, expires_at=NOW)
    await save(factory, record("KM-1", coupon=coupon))
    async with factory() as session:
        order = await SqlUnitOfWork(session).orders.by_number("KM-1")
    assert order is not None
    assert order.amount_paid_fen == 500
    assert order.placed_at == NOW and order.placed_at.tzinfo is not None
    assert order.coupon is not None and order.coupon.expires_at == NOW
    assert order.payment_channel is PaymentChannel.ALIPAY
    assert order.product_sku == "WZRY-60"


async def test_upsert_by_order_number_updates_instead_of_duplicating(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await save(factory, record("KM-1", status=OrderStatus.PENDING_PAYMENT))
    await save(factory, record("KM-1", status=OrderStatus.PAID))
    async with factory() as session:
        uow = SqlUnitOfWork(session)
        customer = await uow.customers.by_code("C0001")
        assert customer is not None
        page = await uow.orders.recent_for_customer(customer.id)
    assert page.total == 1
    assert page.orders[0].status is OrderStatus.PAID


async def test_recent_orders_are_newest_first_filtered_and_paged(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await save(factory, *[record(f"KM-{i}", minutes=i) for i in range(7)])
    await save(factory, record("KM-P", status=OrderStatus.PENDING_PAYMENT, minutes=30))
    await save(factory, record("OTHER-1", customer="C0002"))
    async with factory() as session:
        uow = SqlUnitOfWork(session)
        customer = await uow.customers.by_code("C0001")
        assert customer is not None
        first = await uow.orders.recent_for_customer(customer.id, limit=5)
        second = await uow.orders.recent_for_customer(customer.id, limit=5, offset=5)
        pending = await uow.orders.recent_for_customer(
            customer.id, statuses=[OrderStatus.PENDING_PAYMENT]
        )
    assert [o.order_no for o in first.orders] == ["KM-0", "KM-1", "KM-2", "KM-3", "KM-4"]
    assert [o.order_no for o in second.orders] == ["KM-5", "KM-6", "KM-P"]
    assert first.total == 8
    assert [o.order_no for o in pending.orders] == ["KM-P"]


async def test_guarded_transition_lets_exactly_one_of_two_racers_win(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await save(factory, record("KM-1"))
    async with factory() as session:
        order = await SqlUnitOfWork(session).orders.by_number("KM-1")
    assert order is not None

    async def cancel(actor: str) -> bool:
        async with factory() as session, SqlUnitOfWork(session) as uow:
            changed = await uow.orders.transition(
                order.id, expected=OrderStatus.PAID, new=OrderStatus.CANCELLED, at=NOW
            )
            if changed:
                uow.audit.add(AuditEntry("order.cancelled", actor, NOW, order_id=order.id))
                await uow.commit()
            return changed

    results = await asyncio.gather(cancel("a"), cancel("b"))
    assert sorted(results) == [False, True]
    async with factory() as session:
        uow = SqlUnitOfWork(session)
        after = await uow.orders.by_number("KM-1")
        audit = await uow.audit.for_order(order.id)
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert after.cancelled_at == NOW
    assert [a.action for a in audit] == ["order.cancelled"]


async def test_leaving_a_unit_of_work_without_commit_writes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        await save_order(uow, record("KM-9"), NOW)
    async with factory() as session:
        assert await SqlUnitOfWork(session).orders.by_number("KM-9") is None


async def test_binding_telegram_moves_the_link_from_another_customer(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await save(factory, record("KM-1", customer="C0001"), record("KM-2", customer="C0002"))
    async with factory() as session, SqlUnitOfWork(session) as uow:
        first, second = await uow.customers.by_code("C0001"), await uow.customers.by_code("C0002")
        assert first is not None and second is not None
        await uow.customers.bind_telegram(first.id, 1001)
        await uow.customers.bind_telegram(second.id, 1001)
        await uow.commit()
    async with factory() as session:
        uow = SqlUnitOfWork(session)
        linked = await uow.customers.by_telegram(1001)
        assert linked is not None and linked.code == "C0002"
        released = await uow.customers.by_code("C0001")
        assert released is not None and released.telegram_id is None


async def test_orders_by_number_are_read_in_chunks(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await save(
        factory,
        record("KM-1"),
        record("KM-2", status=OrderStatus.PENDING_PAYMENT),
        record("KM-3"),
    )
    monkeypatch.setattr(_rows, "IN_CHUNK", 2)
    async with factory() as session:
        orders = await SqlUnitOfWork(session).orders.by_numbers(
            ["KM-1", "KM-2", "KM-1", "NOPE", "KM-3"]
        )
        none = await SqlUnitOfWork(session).orders.by_numbers([])
    found = {no: order.status for no, order in orders.items()}
    assert found == {
        "KM-1": OrderStatus.PAID,
        "KM-2": OrderStatus.PENDING_PAYMENT,
        "KM-3": OrderStatus.PAID,
    }
    assert none == {}


async def test_save_order_refuses_to_undo_a_cancel_and_writes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await save(factory, record("KM-1"))
    async with factory() as session, SqlUnitOfWork(session) as uow:
        order = await uow.orders.by_number("KM-1")
        assert order is not None
        assert await uow.orders.transition(
            order.id, expected=OrderStatus.PAID, new=OrderStatus.CANCELLED, at=NOW
        )
        await uow.commit()
    renamed = record("KM-1")
    renamed = replace(renamed, customer=replace(renamed.customer, name="改名"))

    async with factory() as session, SqlUnitOfWork(session) as uow:
        with pytest.raises(OrderDataError) as caught:
            await save_order(uow, renamed, NOW)
        await uow.commit()

    assert caught.value.code == "status-backwards"
    assert caught.value.params == {"order_no": "KM-1", "existing": "cancelled", "incoming": "paid"}
    async with factory() as session:
        uow = SqlUnitOfWork(session)
        after = await uow.orders.by_number("KM-1")
        customer = await uow.customers.by_code("C0001")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert customer is not None and customer.name == "张三"
