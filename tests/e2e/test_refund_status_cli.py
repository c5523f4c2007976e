"""``python -m bot refund-status FILE`` as staff run it: a real process on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.calendar import WorkdayCalendar
from domain.incoming import save_order
from domain.orders import (
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    Refund,
    RefundStatus,
)
from domain.policy import ShopRules
from domain.services import OrderRecord
from domain.shopper import CancelOutcome, cancel_order
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.e2e.test_cli import bot_cli

PAID = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))


def database_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'shop.db'}"


async def shop_with_refunds(folder: Path, *order_nos: str) -> None:
    """Paid WeChat orders the shopper cancelled in the bot: refunds waiting for the provider."""
    engine = create_engine(database_url(folder))
    try:
        await upgrade(engine)
        factory = create_session_factory(engine)
        for order_no in order_nos:
            record = OrderRecord(
                customer=Customer(id=0, code="C1", name="张三"),
                product=Product("WZRY-60", "王者荣耀 60点券", ProductKind.CARD_KEY, 600),
                order=Order(
                    id=0,
                    order_no=order_no,
                    customer_id=0,
                    product_name="王者荣耀 60点券",
                    product_kind=ProductKind.CARD_KEY,
                    quantity=1,
                    unit_price_fen=600,
                    amount_paid_fen=600,
                    status=OrderStatus.PAID,
                    payment_channel=PaymentChannel.WECHAT,
                    placed_at=PAID,
                    paid_at=PAID,
                ),
            )
            async with factory() as session, SqlUnitOfWork(session) as uow:
                await save_order(uow, record, PAID)
                await uow.commit()
                order = await uow.orders.by_number(order_no)
            assert order is not None
            async with factory() as session:
                result = await cancel_order(
                    SqlUnitOfWork(session),
                    customer_id=order.customer_id,
                    order_id=order.id,
                    actor="tg:1001",
                    rules=RULES,
                    now=PAID,
                )
            assert result.outcome is CancelOutcome.CANCELLED
    finally:
        await engine.dispose()


async def refund_and_notices(folder: Path, order_no: str) -> tuple[Refund, list[str]]:
    engine = create_engine(database_url(folder))
    try:
        async with create_session_factory(engine)() as session:
            found = await SqlUnitOfWork(session).refunds.by_order_no(order_no)
            kinds = list(await session.scalars(select(OutboxRow.kind).order_by(OutboxRow.id)))
    finally:
        await engine.dispose()
    assert found is not None
    return found, kinds


def export(path: Path, *lines: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join(
            (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
            for line in lines
        ),
        encoding="utf-8",
    )
    return path


def refund_status(folder: Path, file: Path | str, **env: str):  # type: ignore[no-untyped-def]
    settings = {"DATABASE_URL": database_url(folder), "DEFAULT_LOCALE": "en", **env}
    return bot_cli(folder, "refund-status", str(file), **settings)


async def test_an_export_marks_the_refund_arrived_and_a_second_run_changes_nothing(
    tmp_path: Path,
) -> None:
    await shop_with_refunds(tmp_path, "KM-0001", "KM-0002")
    path = export(
        tmp_path / "refunds-2026-11-27.jsonl",
        {
            "order_no": "KM-0001",
            "status": "succeeded",
            "provider_ref": "4200001234202611260001",
            "amount_fen": 600,
            "at": "2026-11-27T10:15:00+08:00",
        },
        {"order_no": "KM-0002", "status": "processing", "provider_ref": "4200001234202611260002"},
    )

    first = await asyncio.to_thread(refund_status, tmp_path, path)
    second = await asyncio.to_thread(refund_status, tmp_path, path)

    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout.strip() == (
        "Refund statuses from refunds-2026-11-27.jsonl: 2 lines, 2 changed, 0 unchanged, "
        "0 skipped, 0 bad."
    )
    assert second.returncode == 0, second.stderr
    assert "0 changed, 2 unchanged" in second.stdout
    refund, kinds = await refund_and_notices(tmp_path, "KM-0001")
    assert refund.status is RefundStatus.SUCCEEDED
    # The running bot's outbox sends these; the command itself never calls Telegram.
    assert kinds.count("customer.refund_succeeded") == 1
    assert kinds.count("customer.refund_submitted") == 1


async def test_bad_lines_exit_1_and_the_good_lines_are_kept(tmp_path: Path) -> None:
    await shop_with_refunds(tmp_path, "KM-0001")
    path = export(
        tmp_path / "refunds.jsonl",
        {"order_no": "KM-0001", "status": "success", "amount_fen": 600},
        {"order_no": "KM-0404", "status": "success"},
    )

    result = await asyncio.to_thread(refund_status, tmp_path, path)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "line 2: no refund with order_no KM-0404; check that the export is this shop's and "
        "that the order was cancelled in the bot."
    ]
    assert "1 changed, 0 unchanged, 0 skipped, 1 bad" in result.stdout
    refund, _ = await refund_and_notices(tmp_path, "KM-0001")
    assert refund.status is RefundStatus.SUCCEEDED


async def test_a_wrong_amount_never_shows_the_refund_as_arrived(tmp_path: Path) -> None:
    await shop_with_refunds(tmp_path, "KM-0001")
    path = export(
        tmp_path / "refunds.jsonl",
        {"order_no": "KM-0001", "status": "succeeded", "amount_fen": 60},
    )

    result = await asyncio.to_thread(refund_status, tmp_path, path, DEFAULT_LOCALE="zh")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "第 1 行:订单 KM-0001 的退款金额为 ¥6.00(600 分),但该行为 ¥0.60(60 分);"
        "未做任何更改。请核对对账文件。"
    ]
    refund, kinds = await refund_and_notices(tmp_path, "KM-0001")
    assert refund.status is RefundStatus.REQUESTED
    assert "customer.refund_succeeded" not in kinds


def test_a_missing_file_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    result = refund_status(tmp_path, "refunds-2026-11-27.jsonl")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "File refunds-2026-11-27.jsonl not found. Give the path of the payment provider's "
        "refund export (JSON Lines), e.g. python -m bot refund-status "
        "refunds-2026-11-27.jsonl."
    ]
    assert result.stdout == ""
    # Nothing was touched: not even the database was created for a mistyped path.
    assert not (tmp_path / "shop.db").exists()


def test_a_folder_or_a_spreadsheet_is_refused_in_one_line(tmp_path: Path) -> None:
    sheet = tmp_path / "refunds.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + bytes(200))

    for target, words in ((tmp_path, "is a folder"), (sheet, "not a JSON Lines text file")):
        result = refund_status(tmp_path, target)
        assert result.returncode == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and words in lines[0], result.stderr
        assert "Traceback" not in result.stderr


def test_a_bad_setting_is_a_configuration_error(tmp_path: Path) -> None:
    path = export(tmp_path / "refunds.jsonl", {"order_no": "KM-0001", "status": "succeeded"})

    result = refund_status(tmp_path, path, DATABASE_URL="mysql://shop")

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], result.stderr


def test_help_names_the_file(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "--help")
    assert "refund-status" in result.stdout
    result = bot_cli(tmp_path, "refund-status", "--help")
    assert result.returncode == 0 and "FILE" in result.stdout
