"""An import batch and a shopper's cancel racing for the same order on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.calendar import WorkdayCalendar
from domain.incoming import save_order
from domain.orders import Customer, Order, OrderStatus, PaymentChannel, Product, ProductKind
from domain.policy import ShopRules
from domain.services import OrderRecord
from domain.shopper import CancelOutcome, cancel_order
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))

RECORD = OrderRecord(
    customer=Customer(id=0, code="C1", name="张三"),
    product=Product("SKU-1", "王者荣耀 60点券", ProductKind.CARD_KEY, 600),
    order=Order(
        id=0,
        order_no="KM-RACE",
        customer_id=0,
        product_name="王者荣耀 60点券",
        product_kind=ProductKind.CARD_KEY,
        quantity=1,
        unit_price_fen=600,
        amount_paid_fen=600,
        status=OrderStatus.PAID,
        payment_channel=PaymentChannel.WECHAT,
        placed_at=NOW,
        paid_at=NOW,
    ),
)


async def test_cancel_waits_for_an_import_batch_that_already_read_the_status(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session, SqlUnitOfWork(session) as uow:
        await save_order(uow, RECORD, NOW)
        await uow.commit()
        order = await uow.orders.by_number("KM-RACE")
    assert order is not None

    async with session_factory() as session, SqlUnitOfWork(session) as importer:
        seen = await importer.orders.by_numbers(["KM-RACE"])
        assert {no: o.status for no, o in seen.items()} == {"KM-RACE": OrderStatus.PAID}
        cancel = asyncio.create_task(
            cancel_order(
                SqlUnitOfWork(session_factory()),
                customer_id=order.customer_id,
                order_id=order.id,
                actor="tg:1",
                rules=RULES,
                now=NOW,
            )
        )
        # While the import holds the write lock the cancel cannot commit in between.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(cancel), 0.5)
        assert not cancel.done()
        await importer.orders.upsert_many([replace(RECORD)], NOW)
        await importer.commit()
    result = await cancel
    assert result.outcome is CancelOutcome.CANCELLED
    async with session_factory() as session:
        final = await SqlUnitOfWork(session).orders.by_number("KM-RACE")
    assert final is not None and final.status is OrderStatus.CANCELLED
