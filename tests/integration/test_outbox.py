"""Outbox delivery on a real SQLite file: claims, leases, two senders, retries.

The notifier runs against a stub Bot that only records what it was asked to
send; the Bot API side is covered end to end in tests/e2e/test_staff.py.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.notifier import LEASE, Notifier
from domain.calendar import WorkdayCalendar
from domain.notifications import DeadLetter, Kind, RefundFollowUp, TicketDecided
from domain.orders import Customer, PaymentChannel
from domain.policy import ShopRules
from domain.ports import FixedClock, Notification
from domain.tickets import Verdict
from handlers.i18n import Translations
from storage.db import create_engine, create_session_factory
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.integration.conftest import Database

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))


class StubBot:
    """Records sends; optionally fails the first ``failures`` of them."""

    def __init__(self, log: list[tuple[str, int, str]], name: str, failures: int = 0) -> None:
        self.log = log
        self.name = name
        self.failures = failures

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        await asyncio.sleep(0)  # let the other sender run in between
        if self.failures:
            self.failures -= 1
            raise RuntimeError("connection reset")
        self.log.append((self.name, chat_id, text))
        return SimpleNamespace(message_id=len(self.log))

    async def get_chat_member(self, *_: Any) -> Any:
        raise AssertionError("not used here")


def notifier(
    db: Database, bot: StubBot, clock: FixedClock, *, staff_chat_id: int | None = -1001
) -> Notifier:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{db.path}",
        staff_chat_id=staff_chat_id,
    )
    return Notifier(
        bot,  # type: ignore[arg-type]
        db.session_factory,
        settings=settings,
        translations=Translations(),
        rules=RULES,
        clock=clock,
        jitter=lambda: 1.0,  # the top of each jittered wait: the plain doubling
    )


async def queue_decisions(db: Database, count: int) -> None:
    """``count`` linked customers, each with one "decided" message queued."""
    async with db.session_factory() as session, SqlUnitOfWork(session) as uow:
        for n in range(count):
            customer = await uow.customers.upsert(
                Customer(id=0, code=f"C{n:03d}", name=f"客户{n}"), NOW
            )
            await uow.customers.bind_telegram(customer.id, 5000 + n)
            await uow.outbox.add(
                Notification(
                    kind=Kind.CUSTOMER_TICKET_DECIDED,
                    audience="customer",
                    dedupe_key=f"ticket-decided:{n}",
                    due_at=NOW,
                    customer_id=customer.id,
                    payload=TicketDecided(n, f"KM-{n:03d}", Verdict.EXCHANGE),
                ),
                NOW,
            )
        await uow.commit()


async def rows(db: Database) -> list[OutboxRow]:
    async with db.session_factory() as session:
        found = list(await session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        session.expunge_all()
    return found


def second_process(db: Database) -> Database:
    """Another engine on the same file, as a second bot process would have."""
    engine = create_engine(f"sqlite+aiosqlite:///{db.path}")
    return Database(db.path, engine, create_session_factory(engine))


async def test_two_notifiers_on_one_file_never_send_a_row_twice(database: Database) -> None:
    await queue_decisions(database, 40)
    other = second_process(database)
    log: list[tuple[str, int, str]] = []
    clock = FixedClock(NOW)
    try:
        first = notifier(database, StubBot(log, "a"), clock)
        second = notifier(other, StubBot(log, "b"), clock)
        counts = await asyncio.gather(first.deliver_due(), second.deliver_due())
    finally:
        await other.engine.dispose()

    assert sum(counts) == 40
    chats = [chat for _, chat, _ in log]
    assert sorted(chats) == [5000 + n for n in range(40)]  # each exactly once
    assert {name for name, _, _ in log} == {"a", "b"}  # both really competed
    assert all(r.status == "sent" and r.message_id for r in await rows(database))
    assert "KM-007" in next(text for _, chat, text in log if chat == 5007)


async def test_a_crashed_senders_row_is_taken_again_only_after_its_lease(
    database: Database,
) -> None:
    await queue_decisions(database, 1)
    clock = FixedClock(NOW)
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        crashed = await uow.outbox.claim("customer", now=NOW, lease_until=NOW + LEASE)
        await uow.commit()
    assert crashed is not None  # ... and the sender dies before sending or settling it

    log: list[tuple[str, int, str]] = []
    survivor = notifier(database, StubBot(log, "b"), clock)
    assert await survivor.deliver_due() == 0
    assert log == []
    assert (await rows(database))[0].status == "sending"

    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await survivor.deliver_due() == 1
    assert [chat for _, chat, _ in log] == [5000]

    # The crashed sender's lease is gone: it can no longer settle the row.
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        assert not await uow.outbox.mark_sent(crashed, now=clock.now(), message_id=1)
        await uow.commit()
    [row] = await rows(database)
    assert row.status == "sent" and row.message_id == 1


async def test_a_claim_is_exclusive_while_its_lease_holds(database: Database) -> None:
    await queue_decisions(database, 3)
    other = second_process(database)
    try:

        async def claim(db: Database) -> int | None:
            async with db.session_factory() as session, SqlUnitOfWork(session) as uow:
                message = await uow.outbox.claim("customer", now=NOW, lease_until=NOW + LEASE)
                await uow.commit()
            return message.id if message else None

        claimed = await asyncio.gather(*(claim(db) for db in [database, other] * 3))
    finally:
        await other.engine.dispose()
    taken = [c for c in claimed if c is not None]
    assert sorted(taken) == [r.id for r in await rows(database)]  # 3 rows, 3 winners, no twice


async def test_two_writers_queueing_the_same_occasion_write_one_row_and_both_succeed(
    database: Database,
) -> None:
    other = second_process(database)
    notice = Notification(
        kind=Kind.STAFF_REFUND_FOLLOWUP,
        audience="staff",
        dedupe_key="refund-asked:1:1",
        due_at=NOW,
        payload=RefundFollowUp(1, "KM-001", 100, PaymentChannel.WECHAT, NOW.date()),
    )
    try:

        async def queue(db: Database) -> bool:
            async with db.session_factory() as session, SqlUnitOfWork(session) as uow:
                added = await uow.outbox.add(notice, NOW)
                await uow.commit()
            return added

        added = await asyncio.gather(*(queue(db) for db in [database, other] * 3))
    finally:
        await other.engine.dispose()
    assert sorted(added) == [False] * 5 + [True]
    assert [r.dedupe_key for r in await rows(database)] == ["refund-asked:1:1"]


async def test_other_errors_retry_later_with_backoff(database: Database) -> None:
    await queue_decisions(database, 1)
    clock = FixedClock(NOW)
    log: list[tuple[str, int, str]] = []
    sender = notifier(database, StubBot(log, "a", failures=2), clock)

    await sender.deliver_due()
    [row] = await rows(database)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.due_at == NOW + timedelta(seconds=10)
    assert "connection reset" in (row.last_error or "")

    assert await sender.deliver_due() == 0  # not due yet
    clock.advance(seconds=10)
    await sender.deliver_due()
    [row] = await rows(database)
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.due_at == clock.now() + timedelta(seconds=20)  # the wait doubles

    clock.advance(seconds=20)
    await sender.deliver_due()
    [row] = await rows(database)
    assert row.status == "sent"
    assert len(log) == 1


async def test_without_a_staff_chat_staff_rows_wait_and_one_warning_is_logged(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        await uow.outbox.add(
            Notification(
                kind=Kind.STAFF_DEAD_LETTER,
                audience="staff",
                dedupe_key="dead-letter:7",
                due_at=NOW,
                payload=DeadLetter(7, Kind.CUSTOMER_REFUND_SUBMITTED, "502"),
            ),
            NOW,
        )
        await uow.commit()
    log: list[tuple[str, int, str]] = []
    sender = notifier(database, StubBot(log, "a"), FixedClock(NOW), staff_chat_id=None)

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        await sender.deliver_due()
        await sender.deliver_due()

    assert log == []
    assert (await rows(database))[0].status == "pending"
    warnings = [r for r in caplog.records if "STAFF_CHAT_ID" in r.getMessage()]
    assert len(warnings) == 1

    staffed = notifier(database, StubBot(log, "b"), FixedClock(NOW))
    assert await staffed.deliver_due() == 1
    assert log == [
        (
            "b",
            -1001,
            "☠️ 有 1 条通知发送失败(Telegram 拒收,或连续一天多未能送出),已停止重试。"
            "最早一条:#7(customer.refund_submitted),"
            "最后的错误:502。问题解决后,运行 python -m bot outbox 查看,"
            "python -m bot outbox --requeue-all 全部重新发送。",
        )
    ]


async def test_a_row_of_a_kind_this_release_does_not_know_is_skipped_and_logged(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    async with database.session_factory() as session:
        session.add(
            OutboxRow(
                dedupe_key="future:1",
                kind="staff.from_the_future",
                audience="staff",
                payload={},
                status="pending",
                attempts=0,
                created_at=NOW,
                due_at=NOW,
            )
        )
        await session.commit()
    log: list[tuple[str, int, str]] = []

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        await notifier(database, StubBot(log, "a"), FixedClock(NOW)).deliver_due()

    [row] = await rows(database)
    assert (row.status, row.last_error) == ("skipped", "unknown kind staff.from_the_future")
    assert log == []
    assert "unknown kind 'staff.from_the_future' skipped" in caplog.text
