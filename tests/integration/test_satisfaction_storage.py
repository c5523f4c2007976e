"""Migration 0007 on real SQLite: cancels before it get their path from the audit log, and a
case's survey is one row however often it is opened, without undoing the caller's writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from domain.ports import SurveyStatus
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork
from tests.integration.conftest import Database

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


async def test_orders_cancelled_before_get_their_path_from_who_cancelled_them(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    try:
        await upgrade(engine, "0004")
        async with engine.begin() as db:
            await db.execute(
                text(
                    "INSERT INTO customers (id, code, name, created_at) "
                    "VALUES (1, 'C1', '张三', '2026-11-01 00:00:00')"
                )
            )
            await db.execute(
                text(
                    "INSERT INTO products (id, sku, name, kind, price_fen) "
                    "VALUES (1, 'S', '点卡', 'card_key', 600)"
                )
            )
            for number, status in enumerate(
                ["cancelled", "cancelled", "cancelled", "cancelled", "paid"], start=1
            ):
                await db.execute(
                    text(
                        "INSERT INTO orders (id, order_no, customer_id, product_id, "
                        "product_name, product_kind, quantity, unit_price_fen, discount_fen, "
                        "amount_paid_fen, status, placed_at, updated_at) VALUES (:id, :no, 1, "
                        "1, '点卡', 'card_key', 1, 600, 0, 600, :status, "
                        "'2026-11-01 00:00:00', '2026-11-01 00:00:00')"
                    ),
                    {"id": number, "no": f"KM-{number}", "status": status},
                )
            for order_id, actor in [(1, "tg:1001"), (2, "staff:9001"), (3, "shop"), (5, "tg:1")]:
                await db.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, order_id, detail) VALUES "
                        "('2026-11-02 00:00:00', :actor, 'order.cancelled', :order_id, '{}')"
                    ),
                    {"actor": actor, "order_id": order_id},
                )
        await upgrade(engine)
        async with engine.connect() as db:
            rows = await db.execute(text("SELECT order_no, cancel_path FROM orders ORDER BY id"))
            paths = [tuple(row) for row in rows]
        assert paths == [
            ("KM-1", "direct"),
            ("KM-2", "application"),
            ("KM-3", "shop"),
            ("KM-4", None),  # imported already cancelled: nobody in the bot cancelled it
            ("KM-5", None),  # not cancelled
        ]
    finally:
        await engine.dispose()


async def test_a_case_opens_one_survey_and_a_repeat_keeps_the_transaction(
    database: Database,
) -> None:
    factory = database.session_factory
    async with factory() as session, SqlUnitOfWork(session) as uow:
        await session.execute(
            text(
                "INSERT INTO customers (id, code, name, created_at) "
                "VALUES (1, 'C1', '张三', '2026-11-01 00:00:00')"
            )
        )
        first = await uow.satisfaction.open(
            case="ticket:1", customer_id=1, order_id=None, status=SurveyStatus.ASKED, now=NOW
        )
        again = await uow.satisfaction.open(
            case="ticket:1",
            customer_id=1,
            order_id=None,
            status=SurveyStatus.ASKED,
            now=NOW + timedelta(hours=1),
        )
        assert first is not None and again is None
        assert await uow.satisfaction.rate(first.id, 5, NOW)
        assert not await uow.satisfaction.rate(first.id, 1, NOW)
        await uow.commit()
    async with factory() as session, SqlUnitOfWork(session) as uow:
        survey = await uow.satisfaction.get(first.id)
        assert survey is not None
        assert (survey.status, survey.rating, survey.asked_at) == (SurveyStatus.RATED, 5, NOW)
        customers = await session.scalar(text("SELECT count(*) FROM customers"))
        assert customers == 1  # the write before the repeat was kept
