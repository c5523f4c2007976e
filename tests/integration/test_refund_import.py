"""``refund-status``: the provider's reconciliation export applied to a real SQLite file."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.refund_import import (
    REASON_KEYS,
    SKIP_KEYS,
    FileNotTextError,
    RefundImportReport,
    _Applier,
    check_file,
    import_refund_statuses,
    parse_line,
)
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
from domain.ports import FixedClock, RefundEvent
from domain.refunds import RefundAction, RefundOutcome, change_refund
from domain.services import OrderRecord
from domain.shopper import CancelOutcome, cancel_order
from handlers.i18n import Translations, Translator
from storage.tables import AuditRow, OutboxRow, RefundEventRow
from storage.uow import SqlUnitOfWork

PLACED = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # Thursday 09:00 in Shanghai
CANCELLED = PLACED + timedelta(hours=1)
IMPORTED = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # the next day, when staff import
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
EN = Translations().get("en")
ZH = Translations().get("zh")
FILE = "refunds-2026-11-27.jsonl"
ACTOR = f"import:{FILE}"
DOCS = Path(__file__).parents[2] / "docs" / "refund-status.md"

Factory = async_sessionmaker[AsyncSession]


async def paid_order(
    factory: Factory, order_no: str, channel: PaymentChannel, amount_fen: int
) -> None:
    record = OrderRecord(
        customer=Customer(id=0, code="C1", name="张三"),
        product=Product("WZRY-60", "王者荣耀 60点券", ProductKind.CARD_KEY, amount_fen),
        order=Order(
            id=0,
            order_no=order_no,
            customer_id=0,
            product_name="王者荣耀 60点券",
            product_kind=ProductKind.CARD_KEY,
            quantity=1,
            unit_price_fen=amount_fen,
            amount_paid_fen=amount_fen,
            status=OrderStatus.PAID,
            payment_channel=channel,
            placed_at=PLACED,
            paid_at=PLACED,
        ),
    )
    async with factory() as session, SqlUnitOfWork(session) as uow:
        await save_order(uow, record, PLACED)
        await uow.commit()


async def cancelled(
    factory: Factory,
    order_no: str,
    channel: PaymentChannel = PaymentChannel.WECHAT,
    amount_fen: int = 600,
) -> Refund:
    """A paid order the shopper cancels in the bot: the refund the export reports on."""
    await paid_order(factory, order_no, channel, amount_fen)
    async with factory() as session, SqlUnitOfWork(session) as uow:
        order = await uow.orders.by_number(order_no)
    assert order is not None
    async with factory() as session:
        result = await cancel_order(
            SqlUnitOfWork(session),
            customer_id=order.customer_id,
            order_id=order.id,
            actor="tg:1001",
            rules=RULES,
            now=CANCELLED,
        )
    assert result.outcome is CancelOutcome.CANCELLED
    found = await refund(factory, order_no)
    # The shop balance is credited at the cancel; every other route waits for the provider.
    instant = channel is PaymentChannel.BALANCE
    assert found.status is (RefundStatus.SUCCEEDED if instant else RefundStatus.REQUESTED)
    return found


async def refund(factory: Factory, order_no: str) -> Refund:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        found = await uow.refunds.by_order_no(order_no)
    assert found is not None
    return found


async def events(factory: Factory, refund_id: int) -> list[RefundEvent]:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        return await uow.refunds.events(refund_id)


async def outbox(factory: Factory) -> list[tuple[str, str]]:
    """Queued notifications as (kind, order number), in the order they were queued."""
    async with factory() as session:
        rows = await session.execute(select(OutboxRow.kind, OutboxRow.payload).order_by("id"))
        return [(kind, payload.get("order_no", "")) for kind, payload in rows]


async def count(factory: Factory, table: type, *where: object) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where)) or 0  # type: ignore[arg-type]


def line(order_no: str, status: str, **fields: Any) -> dict[str, Any]:
    return {"order_no": order_no, "status": status, **fields}


def write(path: Path, *lines: dict[str, Any] | str) -> Path:
    body = "".join(
        (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n"
        for item in lines
    )
    path.write_text(body, encoding="utf-8")
    return path


async def run(
    factory: Factory, path: Path, t: Translator = EN, now: datetime = IMPORTED, **kwargs: Any
) -> tuple[RefundImportReport, list[str]]:
    err = io.StringIO()
    report = await import_refund_statuses(
        factory, path, clock=FixedClock(now), rules=RULES, t=t, err=err, **kwargs
    )
    return report, err.getvalue().splitlines()


def counts(report: RefundImportReport) -> tuple[int, int, int, int, int]:
    return report.total, report.changed, report.unchanged, report.skipped, report.bad


# --------------------------------------------------------------------------- good lines


async def test_provider_lines_move_refunds_and_queue_the_shoppers_notices(
    session_factory: Factory, tmp_path: Path
) -> None:
    arrived = await cancelled(session_factory, "KM-1001")
    submitted = await cancelled(session_factory, "KM-1002", PaymentChannel.ALIPAY, 1200)
    refused = await cancelled(session_factory, "KM-1003", amount_fen=3000)
    before = await outbox(session_factory)
    path = write(
        tmp_path / FILE,
        line(
            "KM-1001",
            "succeeded",
            provider_ref="4200001234202611260001",
            amount_fen=600,
            at="2026-11-27T10:15:00+08:00",
        ),
        line("KM-1002", "PROCESSING", provider_ref="2026112722001400001", amount_fen=1200),
        line("KM-1003", "FAIL", reason="用户银行卡已注销", amount_fen=3000),
    )

    report, err = await run(session_factory, path)

    assert err == []
    assert counts(report) == (3, 3, 0, 0, 0)
    done = await refund(session_factory, "KM-1001")
    assert done.status is RefundStatus.SUCCEEDED
    assert (
        done.succeeded_at == IMPORTED
    )  # when the shop learned it; the provider's time is audited
    assert done.provider_ref == "4200001234202611260001"
    going = await refund(session_factory, "KM-1002")
    assert going.status is RefundStatus.PROCESSING and going.submitted_at == IMPORTED
    assert going.expected_latest >= submitted.expected_latest
    failed = await refund(session_factory, "KM-1003")
    assert failed.status is RefundStatus.FAILED
    assert failed.failure_reason == "用户银行卡已注销"
    for before_refund, action in (
        (arrived, "succeed"),
        (submitted, "submit"),
        (refused, "fail"),
    ):
        history = await events(session_factory, before_refund.id)
        assert [(e.action, e.actor) for e in history] == [(action, ACTOR)]
    queued = (await outbox(session_factory))[len(before) :]
    assert sorted(queued) == sorted(
        [
            ("staff.refund_updated", "KM-1001"),
            ("customer.refund_succeeded", "KM-1001"),
            # The money arrived: the one question how that went (due a little later).
            ("customer.satisfaction_ask", "KM-1001"),
            ("staff.refund_updated", "KM-1002"),
            ("customer.refund_submitted", "KM-1002"),
            ("staff.refund_updated", "KM-1003"),
            ("customer.refund_failed", "KM-1003"),
            ("staff.refund_failed", "KM-1003"),
        ]
    )
    async with session_factory() as session:
        evidence = (
            await session.scalars(
                select(AuditRow).where(AuditRow.action == "refund.reconciled").order_by("id")
            )
        ).all()
    assert [(a.actor, a.detail["line"], a.detail["status"]) for a in evidence] == [
        (ACTOR, 1, "succeeded"),
        (ACTOR, 2, "processing"),
        (ACTOR, 3, "fail"),
    ]
    assert evidence[0].detail["provider_at"] == "2026-11-27T10:15:00+08:00"


async def test_the_same_file_twice_changes_nothing_the_second_time(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-2001")
    await cancelled(session_factory, "KM-2002")
    path = write(
        tmp_path / FILE,
        line("KM-2001", "submitted", provider_ref="REF-2001"),
        line("KM-2001", "success", provider_ref="REF-2001", amount_fen=600),
        line("KM-2002", "failed", reason="账户异常"),
        "",
    )
    first, _ = await run(session_factory, path)
    assert counts(first) == (3, 3, 0, 0, 0)
    queued = await count(session_factory, OutboxRow)
    recorded = await count(session_factory, RefundEventRow)
    audited = await count(session_factory, AuditRow)
    after_first = await refund(session_factory, "KM-2001")

    second, err = await run(session_factory, path, now=IMPORTED + timedelta(hours=5))

    assert err == []
    assert counts(second) == (3, 0, 3, 0, 0)
    assert await count(session_factory, OutboxRow) == queued
    assert await count(session_factory, RefundEventRow) == recorded
    assert await count(session_factory, AuditRow) == audited
    assert await refund(session_factory, "KM-2001") == after_first


async def test_lines_of_one_refund_apply_in_file_order(
    session_factory: Factory, tmp_path: Path
) -> None:
    first = await cancelled(session_factory, "KM-3001")
    path = write(
        tmp_path / FILE,
        line("KM-3001", "submitted", provider_ref="REF-3001"),
        # Later lines may name the refund by the provider's reference alone.
        {"provider_ref": "REF-3001", "status": "succeeded", "amount_fen": 600},
    )

    report, err = await run(session_factory, path, batch_size=1)

    assert (err, counts(report)) == ([], (2, 2, 0, 0, 0))
    history = await events(session_factory, first.id)
    assert [e.to_status for e in history] == [RefundStatus.PROCESSING, RefundStatus.SUCCEEDED]


async def test_a_refund_can_be_found_by_its_id(session_factory: Factory, tmp_path: Path) -> None:
    first = await cancelled(session_factory, "KM-3101")
    path = write(tmp_path / FILE, {"refund_id": first.id, "status": "succeeded"})

    report, _ = await run(session_factory, path)

    assert report.changed == 1
    assert (await refund(session_factory, "KM-3101")).status is RefundStatus.SUCCEEDED


async def test_an_order_number_in_lower_case_still_finds_its_refund(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-3102")
    report, _ = await run(session_factory, write(tmp_path / FILE, line("km-3102", "succeeded")))
    assert report.changed == 1
    assert (await refund(session_factory, "KM-3102")).status is RefundStatus.SUCCEEDED


# --------------------------------------------------------------------------- skipped lines


async def test_a_line_the_refund_has_moved_past_is_skipped_with_its_status(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-4001")
    await cancelled(session_factory, "KM-4002")
    await run(
        session_factory,
        write(
            tmp_path / "day1.jsonl",
            line("KM-4001", "succeeded"),
            line("KM-4002", "failed", reason="账户异常"),
        ),
    )
    queued = await count(session_factory, OutboxRow)
    path = write(
        tmp_path / "day2.jsonl",
        line("KM-4001", "submitted"),
        line("KM-4002", "succeeded"),
    )

    report, err = await run(session_factory, path)

    assert err == [
        "line 1: skipped: the refund for order KM-4001 is already refunded (succeeded); a "
        '"submitted" line does not change it.',
        "line 2: skipped: the refund for order KM-4002 is already failed (failed); a "
        '"succeeded" line does not change it.',
    ]
    assert counts(report) == (2, 0, 0, 2, 0)
    assert report.ok
    assert (await refund(session_factory, "KM-4002")).status is RefundStatus.FAILED
    assert await count(session_factory, OutboxRow) == queued


async def test_an_old_failure_does_not_fail_a_refund_staff_started_again(
    session_factory: Factory, tmp_path: Path
) -> None:
    first = await cancelled(session_factory, "KM-5001")
    path = write(
        tmp_path / FILE,
        line("KM-5001", "failed", reason="账户异常", at="2026-11-27T10:00:00+08:00"),
    )
    await run(session_factory, path)
    async with session_factory() as session:
        again = await change_refund(
            SqlUnitOfWork(session),
            first.id,
            RefundAction.REINITIATE,
            actor="tg:9001",
            rules=RULES,
            now=IMPORTED + timedelta(hours=1),
        )
    assert again.outcome is RefundOutcome.DONE

    report, err = await run(session_factory, path, now=IMPORTED + timedelta(hours=2))

    assert err == [
        "line 1: skipped: the line is dated before the refund for order KM-5001 was started "
        "again (attempt 2); it is about an earlier try."
    ]
    assert counts(report) == (1, 0, 0, 1, 0)
    current = await refund(session_factory, "KM-5001")
    assert (current.status, current.attempt) == (RefundStatus.REQUESTED, 2)


async def started_again(factory: Factory, refund_id: int, now: datetime) -> Refund:
    async with factory() as session:
        again = await change_refund(
            SqlUnitOfWork(session),
            refund_id,
            RefundAction.REINITIATE,
            actor="tg:9001",
            rules=RULES,
            now=now,
        )
    assert again.outcome is RefundOutcome.DONE and again.refund is not None
    return again.refund


@pytest.mark.parametrize("one_line_at_a_time", [False, True])
async def test_a_reference_for_what_staff_already_reported_is_kept_for_later_imports(
    session_factory: Factory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    one_line_at_a_time: bool,
) -> None:
    first = await cancelled(session_factory, "KM-5201")
    for action, reason in ((RefundAction.SUBMIT, None), (RefundAction.FAIL, "账户异常")):
        async with session_factory() as session:
            done = await change_refund(
                SqlUnitOfWork(session),
                first.id,
                action,
                actor="staff:9001",
                rules=RULES,
                now=IMPORTED,
                reason=reason,
            )
        assert done.outcome is RefundOutcome.DONE
    path = write(
        tmp_path / FILE,
        line("KM-5201", "processing", provider_ref="R5201"),
        line("KM-5201", "failed", provider_ref="R5201", reason="账户异常"),
    )
    if one_line_at_a_time:
        # A database error in the batch (a concurrent write on PostgreSQL, say) makes the
        # import redo it line by line: an unchanged line's reference must still be kept.
        async def failing_batch(self: Any, rows: list[Any]) -> list[Any]:
            return [await self.one(row) for row in rows]

        monkeypatch.setattr(_Applier, "batch", failing_batch)
    report, _ = await run(session_factory, path)
    monkeypatch.undo()
    assert counts(report) == (2, 0, 2, 0, 0)  # staff had reported both already
    await started_again(session_factory, first.id, IMPORTED + timedelta(hours=1))
    queued = await outbox(session_factory)

    report, _ = await run(session_factory, path, now=IMPORTED + timedelta(hours=2))

    assert counts(report) == (2, 0, 0, 2, 0)  # about the first try: skipped, not applied
    current = await refund(session_factory, "KM-5201")
    assert (current.status, current.attempt) == (RefundStatus.REQUESTED, 2)
    assert await outbox(session_factory) == queued


async def test_the_same_file_after_a_re_initiation_changes_nothing(
    session_factory: Factory, tmp_path: Path
) -> None:
    first = await cancelled(session_factory, "KM-5101")
    path = write(
        tmp_path / FILE,
        line("KM-5101", "submitted", provider_ref="REF-A"),
        line("KM-5101", "failed", provider_ref="REF-A", reason="账户异常"),
        {"provider_ref": "REF-A", "status": "failed", "reason": "账户异常"},
    )
    report, _ = await run(session_factory, path)
    assert counts(report) == (3, 2, 1, 0, 0)
    again = await started_again(session_factory, first.id, IMPORTED + timedelta(hours=1))
    assert (again.attempt, again.provider_ref) == (2, None)
    queued = await outbox(session_factory)
    recorded = await count(session_factory, RefundEventRow)

    report, err = await run(session_factory, path, now=IMPORTED + timedelta(hours=2))

    skipped = (
        f"skipped: the line is about an earlier attempt (#1) of refund {first.id} "
        "(order KM-5101): provider_ref REF-A was reported for that try, and staff have "
        "started the refund again since (now attempt 2)."
    )
    assert err == [f"line {n}: {skipped}" for n in (1, 2, 3)]
    assert counts(report) == (3, 0, 0, 3, 0)
    assert report.ok
    current = await refund(session_factory, "KM-5101")
    assert (current.status, current.attempt, current.failure_reason) == (
        RefundStatus.REQUESTED,
        2,
        None,
    )
    assert await outbox(session_factory) == queued
    assert await count(session_factory, RefundEventRow) == recorded


async def test_a_re_initiated_refund_takes_its_new_reference(
    session_factory: Factory, tmp_path: Path
) -> None:
    first = await cancelled(session_factory, "KM-5201")
    await run(
        session_factory,
        write(
            tmp_path / "day1.jsonl",
            line("KM-5201", "failed", provider_ref="REF-A", reason="账户异常"),
        ),
    )
    await started_again(session_factory, first.id, IMPORTED + timedelta(hours=1))
    before = await outbox(session_factory)
    path = write(
        tmp_path / "day2.jsonl",
        line("KM-5201", "submitted", provider_ref="REF-B"),
        {"provider_ref": "REF-B", "status": "succeeded", "amount_fen": 600},
        # One try, one provider refund: the new attempt's reference is now REF-B.
        line("KM-5201", "succeeded", provider_ref="REF-C"),
    )

    report, err = await run(session_factory, path, now=IMPORTED + timedelta(hours=2))

    assert err == [
        "line 3: the refund for order KM-5201 was submitted as provider_ref REF-B, but the "
        "line says REF-C; check which refund this line is about."
    ]
    assert counts(report) == (3, 2, 0, 0, 1)
    current = await refund(session_factory, "KM-5201")
    assert (current.status, current.attempt, current.provider_ref) == (
        RefundStatus.SUCCEEDED,
        2,
        "REF-B",
    )
    history = await events(session_factory, first.id)
    assert [(e.action, e.attempt, e.provider_ref) for e in history] == [
        ("fail", 1, "REF-A"),
        ("reinitiate", 1, None),
        ("submit", 2, "REF-B"),
        ("succeed", 2, "REF-B"),
    ]
    queued = (await outbox(session_factory))[len(before) :]
    assert [kind for kind, _ in queued if kind.startswith("customer.")] == [
        "customer.refund_submitted",
        "customer.refund_succeeded",
        "customer.satisfaction_ask",
    ]


async def test_a_line_without_reference_or_time_is_refused_for_a_re_initiated_refund(
    session_factory: Factory, tmp_path: Path
) -> None:
    first = await cancelled(session_factory, "KM-5301")
    await run(
        session_factory,
        write(tmp_path / "day1.jsonl", line("KM-5301", "failed", reason="账户异常")),
    )
    await started_again(session_factory, first.id, IMPORTED + timedelta(hours=1))
    queued = await outbox(session_factory)
    path = write(
        tmp_path / FILE,
        line("KM-5301", "failed", reason="账户异常"),
        {"refund_id": first.id, "status": "submitted"},
    )

    report, err = await run(session_factory, path, now=IMPORTED + timedelta(hours=2))
    _, zh = await run(session_factory, path, t=ZH, now=IMPORTED + timedelta(hours=2))

    fix = (
        "the refund for order KM-5301 has been started again (now attempt 2), and a line "
        "with neither provider_ref nor at cannot be told from one about an earlier try; add "
        "provider_ref or at from the provider's record."
    )
    assert err == [f"line 1: {fix}", f"line 2: {fix}"]
    assert zh[0] == (
        "第 1 行:订单 KM-5301 的退款已重新发起(现为第 2 次),该行既没有 provider_ref 也没有 "
        "at,无法判断说的是不是之前那次退款;请按支付渠道的记录补上 provider_ref 或 at。"
    )
    assert counts(report) == (2, 0, 0, 0, 2)
    current = await refund(session_factory, "KM-5301")
    assert (current.status, current.attempt) == (RefundStatus.REQUESTED, 2)
    assert await outbox(session_factory) == queued

    # Dated after the re-initiation, the same line is about the new attempt.
    dated = write(
        tmp_path / "day3.jsonl",
        line("KM-5301", "submitted", at="2026-11-27T13:00:00+08:00"),
    )
    report, err = await run(session_factory, dated, now=IMPORTED + timedelta(hours=3))
    assert (err, counts(report)) == ([], (1, 1, 0, 0, 0))
    assert (await refund(session_factory, "KM-5301")).status is RefundStatus.PROCESSING


# --------------------------------------------------------------------------- bad lines


async def test_bad_lines_are_reported_and_the_good_ones_still_applied(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-6001")
    await cancelled(session_factory, "KM-6002", amount_fen=1200)
    await cancelled(session_factory, "KM-6003")
    await cancelled(session_factory, "KM-6004", PaymentChannel.BALANCE, 500)
    path = write(
        tmp_path / FILE,
        line("KM-6001", "succeeded", amount_fen=600),
        '{"order_no": "KM-6003", "status": "succeeded"',
        line("KM-9999", "succeeded"),
        line("KM-6002", "succeeded", amount_fen=1000),
        line("KM-6003", "failed"),
        line("KM-6003", "refunded"),
        line("KM-6004", "succeeded"),
        {"status": "succeeded", "amount_fen": 600},
        line("KM-6003", "succeeded", amount_fen=6.0),
        line("KM-6003", "succeeded", at="2026-11-27 10:15:00"),
        line("KM-6003", "succeeded", amout_fen=600),
        {"refund_id": 99999999999999999999, "status": "succeeded"},
    )

    report, err = await run(session_factory, path)

    assert err == [
        "line 2: not valid JSON (the error is near column 46); each line must be one "
        "complete JSON object.",
        "line 3: no refund with order_no KM-9999; check that the export is this shop's and "
        "that the order was cancelled in the bot.",
        "line 4: the refund for order KM-6002 is ¥12.00 (1200 fen), but the line says ¥10.00 "
        "(1000 fen); nothing was changed. Check the export.",
        'line 5: a failed refund needs a reason (the shopper is told it); add "reason" from '
        "the provider's record.",
        'line 6: status "refunded" is not one of: submitted, processing, succeeded, success, '
        "failed, fail.",
        "line 7: order KM-6004 was refunded to the shop balance at once; the provider has "
        "nothing to report for it. Remove the line.",
        "line 8: the line names no refund; give order_no, provider_ref or refund_id.",
        "line 9: amount_fen is 6.0; it must be a whole number (amount_fen is in fen: ¥6.00 "
        "is 600).",
        'line 10: at "2026-11-27 10:15:00" has no timezone offset; add one, e.g. '
        "2026-11-27T10:15:00+08:00.",
        "line 11: unknown field amout_fen (misspelt?); the fields are refund_id, provider_ref, "
        "order_no, status, amount_fen, reason and at (docs/refund-status.md).",
        "line 12: refund_id is 99999999999999999999; that is not a refund id (a whole number "
        "from 1 to 2147483647).",
    ]
    assert counts(report) == (12, 1, 0, 0, 11)
    assert not report.ok
    assert [n for n, _ in report.bad_rows] == list(range(2, 13))
    assert (await refund(session_factory, "KM-6001")).status is RefundStatus.SUCCEEDED
    # A wrong amount is no evidence: the shopper is never told the money arrived.
    assert (await refund(session_factory, "KM-6002")).status is RefundStatus.REQUESTED
    assert (await refund(session_factory, "KM-6003")).status is RefundStatus.REQUESTED
    arrived = [
        (kind, no) for kind, no in await outbox(session_factory) if kind.startswith("customer.")
    ]
    assert arrived == [
        ("customer.refund_succeeded", "KM-6001"),
        ("customer.satisfaction_ask", "KM-6001"),
    ]


async def test_a_number_written_as_text_is_shown_quoted_with_the_hint_that_fits(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-7101")
    path = write(
        tmp_path / FILE,
        {"refund_id": "5", "status": "succeeded"},
        line("KM-7101", "succeeded", amount_fen="600"),
    )
    _, err = await run(session_factory, path)
    assert err == [
        'line 1: refund_id is "5"; it must be a whole number, written without quotes.',
        'line 2: amount_fen is "600"; it must be a whole number (amount_fen is in fen: '
        "¥6.00 is 600).",
    ]


async def test_a_line_whose_numbers_name_two_refunds_is_refused(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-7001")
    await cancelled(session_factory, "KM-7002")
    await run(
        session_factory,
        write(tmp_path / "a.jsonl", line("KM-7001", "submitted", provider_ref="REF-A")),
    )
    path = write(
        tmp_path / "b.jsonl",
        {"provider_ref": "REF-A", "order_no": "KM-7002", "status": "succeeded"},
        line("KM-7001", "succeeded", provider_ref="REF-B"),
    )

    report, err = await run(session_factory, path)

    assert err == [
        "line 1: the refund found by provider_ref is for order KM-7001, but the line says "
        "order_no KM-7002; fix whichever is wrong.",
        "line 2: the refund for order KM-7001 was submitted as provider_ref REF-A, but the line "
        "says REF-B; check which refund this line is about.",
    ]
    assert report.bad == 2
    for order_no in ("KM-7001", "KM-7002"):
        assert (await refund(session_factory, order_no)).status is not RefundStatus.SUCCEEDED


async def test_only_the_first_bad_lines_are_printed_and_the_rest_counted(
    session_factory: Factory, tmp_path: Path
) -> None:
    path = write(tmp_path / FILE, *[line(f"KM-X{n:03d}", "succeeded") for n in range(25)])

    report, err = await run(session_factory, path, shown=20)

    assert len(err) == 21
    assert err[-1] == (
        "… and 5 more bad lines not shown; fix the ones above and run the file again to see "
        "the rest."
    )
    assert report.bad == 25 and len(report.bad_rows) == 25


async def test_the_operator_reads_chinese_by_default(
    session_factory: Factory, tmp_path: Path
) -> None:
    await cancelled(session_factory, "KM-8001")
    path = write(tmp_path / FILE, line("KM-8001", "succeeded", amount_fen=601))

    _, err = await run(session_factory, path, t=ZH)

    assert err == [
        "第 1 行:订单 KM-8001 的退款金额为 ¥6.00(600 分),但该行为 ¥6.01(601 分);"
        "未做任何更改。请核对对账文件。"
    ]


async def test_a_binary_file_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = tmp_path / "refunds.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(FileNotTextError):
        check_file(path)
    with pytest.raises(FileNotFoundError):
        check_file(tmp_path / "missing.jsonl")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_reason_has_words_in_both_languages(locale: str) -> None:
    t = Translations().get(locale)
    keys = [f"refund-import-reason-{k}" for k in REASON_KEYS]
    keys += [f"refund-import-skip-{k}" for k in SKIP_KEYS]
    keys += [f"refund-import-status-{s.value}" for s in RefundStatus]
    # Translator.has looks at this language alone, without the fallback.
    assert [k for k in keys if not t.has(k)] == []


async def test_a_staff_press_during_the_import_makes_one_change(
    session_factory: Factory, tmp_path: Path
) -> None:
    first = await cancelled(session_factory, "KM-9001")
    path = write(tmp_path / FILE, line("KM-9001", "succeeded", amount_fen=600))

    async def staff_press() -> RefundOutcome:
        async with session_factory() as session:
            result = await change_refund(
                SqlUnitOfWork(session),
                first.id,
                RefundAction.SUCCEED,
                actor="tg:9001",
                rules=RULES,
                now=IMPORTED,
            )
        return result.outcome

    (report, _), pressed = await asyncio.gather(run(session_factory, path), staff_press())

    assert sorted([pressed.value, "done" if report.changed else "already"]) == [
        "already",
        "done",
    ]
    assert report.changed + report.unchanged == 1
    history = await events(session_factory, first.id)
    assert [e.action for e in history] == ["succeed"]
    notices = [kind for kind, _ in await outbox(session_factory)]
    assert notices.count("customer.refund_succeeded") == 1


async def test_long_files_report_progress(session_factory: Factory, tmp_path: Path) -> None:
    await cancelled(session_factory, "KM-9101")
    path = write(tmp_path / FILE, line("KM-9101", "submitted"), *[""] * 2999)

    report, err = await run(session_factory, path)

    assert err == [
        EN("refund-import-progress", done=300 * k, total=3000, percent=10 * k)
        for k in range(1, 11)
    ]
    assert counts(report) == (1, 1, 0, 0, 0)


def test_the_documented_example_lines_parse() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    parsed = [parse_line(n, raw.encode()) for n, raw in enumerate(block.splitlines(), start=1)]
    assert [row.action for row in parsed] == [
        RefundAction.SUCCEED,
        RefundAction.SUBMIT,
        RefundAction.FAIL,
        RefundAction.SUCCEED,
    ]
