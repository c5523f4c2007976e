"""Restoring a mistaken cancel on a real SQLite file: two units of work racing for the one
refund (the shopper's restore against staff's "submitted" or a reconciliation file), one
refund per order however often it is cancelled and restored, and the wallet ledger."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from bot.refund_import import import_refund_statuses
from domain.incoming import save_order
from domain.orders import (
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    RefundStatus,
)
from domain.ports import FixedClock
from domain.refunds import RefundAction, RefundOutcome, change_refund, change_refund_in
from domain.restore import Lost
from domain.services import OrderRecord
from domain.shopper import cancel_order
from domain.shopper_restore import RestoreOutcome, restore_order
from storage.db import create_engine
from storage.migrate import upgrade
from storage.repositories import SqlRefundRepository
from storage.tables import AuditRow, RefundRow, WalletEntryRow
from storage.uow import SqlUnitOfWork
from tests.integration.test_refund_import import EN, line, write
from tests.integration.test_refunds import NOW, RULES, Factory, add_order, count, uow

LATER = NOW + timedelta(minutes=5)


async def shopper_cancels(factory: Factory, order_no: str, **kwargs: object) -> tuple[int, int]:
    customer, order = await add_order(factory, order_no, **kwargs)  # type: ignore[arg-type]
    await cancel_order(
        uow(factory), customer_id=customer, order_id=order, actor="tg:1001", rules=RULES, now=NOW
    )
    return customer, order


async def refund_of(factory: Factory, order_id: int) -> RefundRow:
    async with factory() as session:
        row = await session.scalar(select(RefundRow).where(RefundRow.order_id == order_id))
    assert row is not None
    return row


async def restore(factory: Factory, customer: int, order: int, work: SqlUnitOfWork | None = None):  # type: ignore[no-untyped-def]
    return await restore_order(
        work or uow(factory),
        customer_id=customer,
        order_id=order,
        shown=None,
        actor="tg:1001",
        rules=RULES,
        now=LATER,
    )


class _StaffFirst(SqlRefundRepository):
    """The restore has read the refund as requested; staff's "submitted" commits in another
    unit of work just before the restore's own guarded write."""

    def __init__(self, session, factory: Factory, refund_id: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(session)
        self.factory, self.refund_id = factory, refund_id

    async def transition(self, refund, change):  # type: ignore[no-untyped-def]
        result = await change_refund(
            uow(self.factory),
            self.refund_id,
            RefundAction.SUBMIT,
            actor="staff:9001",
            rules=RULES,
            now=LATER,
        )
        assert result.outcome is RefundOutcome.DONE
        return await super().transition(refund, change)


async def test_staff_submitting_between_the_restores_read_and_write_wins_cleanly(
    session_factory: Factory,
) -> None:
    customer, order = await shopper_cancels(session_factory, "KM-1")
    refund = await refund_of(session_factory, order)
    async with session_factory() as session:
        work = SqlUnitOfWork(session)
        work.refunds = _StaffFirst(session, session_factory, refund.id)
        result = await restore(session_factory, customer, order, work)

    assert result.outcome is RestoreOutcome.BLOCKED and result.lost is Lost.REFUND
    assert (await refund_of(session_factory, order)).status == RefundStatus.PROCESSING.value
    async with session_factory() as session:
        status = await session.scalar(text(f"SELECT status FROM orders WHERE id = {order}"))
    assert status == OrderStatus.CANCELLED.value
    assert await count(session_factory, AuditRow, AuditRow.action == "order.restored") == 0
    assert await count(session_factory, AuditRow, AuditRow.action == "refund.void") == 0


class _RestoreFirst(SqlRefundRepository):
    """Staff's press has read the refund as requested; the shopper's restore commits in
    another unit of work just before staff's guarded write."""

    def __init__(self, session, factory: Factory, customer: int, order: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(session)
        self.factory, self.customer, self.order = factory, customer, order

    async def transition(self, refund, change):  # type: ignore[no-untyped-def]
        done = await restore(self.factory, self.customer, self.order)
        assert done.outcome is RestoreOutcome.RESTORED
        return await super().transition(refund, change)


async def test_a_restore_between_staffs_read_and_write_tells_staff_nothing_is_owed(
    session_factory: Factory,
) -> None:
    customer, order = await shopper_cancels(session_factory, "KM-2")
    refund = await refund_of(session_factory, order)
    async with session_factory() as session:
        work = SqlUnitOfWork(session)
        work.refunds = _RestoreFirst(session, session_factory, customer, order)
        async with work:
            current = await work.refunds.get(refund.id)
            result = await change_refund_in(
                work, current, RefundAction.SUBMIT, actor="staff:9001", rules=RULES, now=LATER
            )
            await work.commit()

    assert result.outcome is RefundOutcome.VOIDED
    assert (await refund_of(session_factory, order)).status == RefundStatus.VOIDED.value
    assert await count(session_factory, AuditRow, AuditRow.action == "refund.submit") == 0
    assert await count(session_factory, AuditRow, AuditRow.action == "order.restored") == 1


async def test_a_reconciliation_file_after_the_restore_changes_nothing_and_says_why(
    session_factory: Factory, tmp_path: Path
) -> None:
    customer, order = await shopper_cancels(session_factory, "KM-3")
    assert (await restore(session_factory, customer, order)).outcome is RestoreOutcome.RESTORED
    path = write(tmp_path / "refunds.jsonl", line("KM-3", "processing", amount_fen=4200))

    err = io.StringIO()
    report = await import_refund_statuses(
        session_factory, path, clock=FixedClock(LATER), rules=RULES, t=EN, err=err
    )

    assert (report.changed, report.skipped) == (0, 1)
    [(_, why)] = report.skipped_rows
    assert why.startswith("Order KM-3 was restored and its refund withdrawn (nothing to refund)")
    assert (await refund_of(session_factory, order)).status == RefundStatus.VOIDED.value


async def test_cancel_restore_cancel_restore_keeps_one_refund_row_and_a_balanced_ledger(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(session_factory, "KM-4")
    async with session_factory() as session:
        await session.execute(
            text(f"UPDATE orders SET payment_channel = 'balance' WHERE id = {order}")
        )
        await session.commit()
    for round_ in range(2):
        at = NOW + timedelta(minutes=10 * round_)
        await cancel_order(
            uow(session_factory),
            customer_id=customer,
            order_id=order,
            actor="tg:1001",
            rules=RULES,
            now=at,
        )
        done = await restore_order(
            uow(session_factory),
            customer_id=customer,
            order_id=order,
            shown=None,
            actor="tg:1001",
            rules=RULES,
            now=at + timedelta(minutes=1),
        )
        assert done.outcome is RestoreOutcome.RESTORED
    await cancel_order(
        uow(session_factory),
        customer_id=customer,
        order_id=order,
        actor="tg:1001",
        rules=RULES,
        now=NOW + timedelta(minutes=30),
    )

    assert await count(session_factory, RefundRow) == 1
    refund = await refund_of(session_factory, order)
    assert (refund.status, refund.attempt) == (RefundStatus.SUCCEEDED.value, 3)
    async with session_factory() as session:
        amounts = list(await session.scalars(select(WalletEntryRow.amount_fen)))
    assert len(amounts) == 5 and sum(amounts) == 4200  # three credits, two taken back


async def test_the_ledger_migration_keys_existing_credits(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    try:
        await upgrade(engine, "0004")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO customers (id, code, name, created_at) "
                    "VALUES (1, 'C1', '张三', '2026-11-26 02:00:00')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO products (id, sku, name, kind, price_fen) "
                    "VALUES (1, 'S', 'x', 'card_key', 600)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO orders (id, order_no, customer_id, product_id, product_name, "
                    "product_kind, quantity, unit_price_fen, discount_fen, amount_paid_fen, "
                    "status, payment_channel, placed_at, updated_at) VALUES (1, 'KM-OLD', 1, 1, "
                    "'x', 'card_key', 1, 600, 0, 600, 'cancelled', 'balance', "
                    "'2026-11-26 02:00:00', '2026-11-26 02:00:00')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO refunds (id, order_id, idempotency_key, amount_fen, channel, "
                    "status, expected_earliest, expected_latest, created_at, updated_at, "
                    "gateway, attempt) VALUES (7, 1, 'cancel:1', 600, 'balance', 'succeeded', "
                    "'2026-11-26', '2026-11-26', '2026-11-26 02:00:00', "
                    "'2026-11-26 02:00:00', 'balance', 1)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO wallet_entries (customer_id, refund_id, amount_fen, created_at) "
                    "VALUES (1, 7, 600, '2026-11-26 02:00:00')"
                )
            )
        await upgrade(engine)
        async with engine.connect() as connection:
            keys = list(await connection.scalars(text("SELECT entry_key FROM wallet_entries")))
        assert keys == ["credit:7:1"]
    finally:
        await engine.dispose()


def cancelled_line(order_no: str, at: datetime) -> OrderRecord:
    """The shop's export line for the order, cancelled at ``at``."""
    return OrderRecord(
        customer=Customer(id=0, code="C1", name="张三"),
        product=Product("SKU-1", "王者荣耀 60点券", ProductKind.CARD_KEY, 4200),
        order=Order(
            id=0,
            order_no=order_no,
            customer_id=0,
            product_name="王者荣耀 60点券",
            product_kind=ProductKind.CARD_KEY,
            quantity=1,
            unit_price_fen=4200,
            amount_paid_fen=4200,
            status=OrderStatus.CANCELLED,
            payment_channel=PaymentChannel.WECHAT,
            placed_at=NOW - timedelta(minutes=10),
            paid_at=NOW - timedelta(minutes=10),
            cancelled_at=at,
        ),
    )


async def test_a_late_export_of_the_undone_cancel_leaves_the_order_restored(
    session_factory: Factory,
) -> None:
    customer, order = await shopper_cancels(session_factory, "KM-5")
    assert (await restore(session_factory, customer, order)).outcome is RestoreOutcome.RESTORED

    async with session_factory() as session, SqlUnitOfWork(session) as work:
        await save_order(work, cancelled_line("KM-5", NOW), LATER, rules=RULES)
        await work.commit()

    async with session_factory() as session, SqlUnitOfWork(session) as work:
        found = await work.orders.get(order)
    assert found is not None and found.status is OrderStatus.PAID
    assert (await refund_of(session_factory, order)).status == RefundStatus.VOIDED.value
    assert await count(session_factory, AuditRow, AuditRow.action == "order.cancelled") == 1

    # A cancel the shop makes after the restore is a new one: its refund is owed again.
    async with session_factory() as session, SqlUnitOfWork(session) as work:
        later = LATER + timedelta(minutes=1)
        await save_order(work, cancelled_line("KM-5", later), later, rules=RULES)
        await work.commit()
    refund = await refund_of(session_factory, order)
    assert (refund.status, refund.attempt) == (RefundStatus.REQUESTED.value, 2)
