"""Cases and their outbox rows on a real SQLite file: one open case per order however the
presses race, guarded reopening, each message recorded once, each album item relayed by
one row, and a chain of rows sent strictly in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from domain.cases import CaseStatus, CaseTopic, Direction, Incoming, MessageKind
from domain.notifications import Kind, ShopperWrote, TicketDecided
from domain.orders import Customer
from domain.ports import CaseDraft, CaseMessageDraft, Notification
from domain.tickets import Verdict
from storage.uow import SqlUnitOfWork
from tests.integration.conftest import Database

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


async def customer(db: Database) -> int:
    async with db.session_factory() as session, SqlUnitOfWork(session) as uow:
        found = await uow.customers.upsert(Customer(0, "C1", "张三", telegram_id=7001), NOW)
        await uow.commit()
    return found.id


async def add_case(db: Database, customer_id: int, now: datetime = NOW) -> int | None:
    async with db.session_factory() as session, SqlUnitOfWork(session) as uow:
        case = await uow.cases.add(CaseDraft(customer_id, None, CaseTopic.GENERAL), now)
        await uow.commit()
    return case.id if case else None


async def test_presses_racing_open_one_case_and_reopening_waits_for_no_other_open_one(
    database: Database,
) -> None:
    customer_id = await customer(database)
    opened = await asyncio.gather(*(add_case(database, customer_id) for _ in range(5)))
    [first] = [case_id for case_id in opened if case_id is not None]
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        close = {"expected": CaseStatus.OPEN, "new": CaseStatus.CLOSED, "now": NOW}
        assert await uow.cases.transition(first, **close)
        assert not await uow.cases.transition(first, **close)
        await uow.commit()
    second = await add_case(database, customer_id)
    assert second is not None and second != first
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        reopen = {"expected": CaseStatus.CLOSED, "new": CaseStatus.OPEN, "now": NOW}
        assert not await uow.cases.transition(first, **reopen)  # the newer one is open
        close = {"expected": CaseStatus.OPEN, "new": CaseStatus.CLOSED, "now": NOW}
        assert await uow.cases.transition(second, **close)
        assert await uow.cases.transition(first, **reopen)
        await uow.commit()
        case = await uow.cases.get(first)
    assert case is not None and case.status is CaseStatus.OPEN and case.changes == 2


async def test_a_message_is_recorded_once_and_an_albums_items_go_with_one_relay(
    database: Database,
) -> None:
    customer_id = await customer(database)
    case_id = await add_case(database, customer_id)
    assert case_id is not None

    async def record(message_id: int) -> int | None:
        incoming = Incoming(7001, message_id, MessageKind.PHOTO, f"f{message_id}", None, "g")
        draft = CaseMessageDraft(case_id, Direction.IN, 7001, incoming)
        async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
            message = await uow.cases.add_message(draft, NOW)
            await uow.commit()
        return message.id if message else None

    ids = await asyncio.gather(record(11), record(12), record(12), record(13))
    assert sorted(i for i in ids if i is not None) == sorted(set(i for i in ids if i))
    assert sum(i is None for i in ids) == 1
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        items = [m for i in ids if i and (m := await uow.cases.message(i))]
        lead, *rest = sorted(items, key=lambda m: m.id)
        taken = await uow.cases.take_album(lead)
        again = await uow.cases.take_album(lead)  # a retry of the same row
        others = [await uow.cases.take_album(item) for item in rest]
        await uow.commit()
    assert [m.message_id for m in taken] == [11, 12, 13] == [m.message_id for m in again]
    assert others == [[], []]


async def test_a_chains_rows_go_out_one_after_another_whatever_fails_on_the_way(
    database: Database,
) -> None:
    customer_id = await customer(database)

    def row(key: str, chain: str | None, due: datetime = NOW) -> Notification:
        if chain is None:
            payload = TicketDecided(1, "KM-1", Verdict.APPROVE)
            return Notification(
                Kind.CUSTOMER_TICKET_DECIDED, "staff", key, due, customer_id, payload=payload
            )
        return Notification(
            Kind.STAFF_CASE_MESSAGE,
            "staff",
            key,
            due,
            customer_id,
            payload=ShopperWrote(1, 1),
            chain=chain,
        )

    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        await uow.outbox.add(row("a1", "case:1:staff", NOW + timedelta(seconds=2)), NOW)
        await uow.outbox.add(row("a2", "case:1:staff"), NOW)
        await uow.outbox.add(row("b1", "case:2:staff"), NOW)
        await uow.outbox.add(row("plain", None), NOW)
        await uow.commit()

    async def claimed(at: datetime, *, send: bool = True) -> list[int]:
        """The rows a sender takes at ``at``, each sent at once (or, not, left being sent)."""
        ids = []
        async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
            lease = at + timedelta(minutes=5)
            while message := await uow.outbox.claim("staff", now=at, lease_until=lease):
                ids.append(message.id)
                if send:
                    assert await uow.outbox.mark_sent(message, now=at, message_id=1)
            await uow.commit()
        return ids

    # a2 is due, but a1 (an album waiting for its photos) comes first in its chain.
    assert await claimed(NOW) == [3, 4]
    # a1's sender goes down while sending it: a2 still waits behind it...
    assert await claimed(NOW + timedelta(seconds=2), send=False) == [1]
    assert await claimed(NOW + timedelta(seconds=3)) == []
    # ...until a1's lease runs out and another sender sends it; then a2.
    assert await claimed(NOW + timedelta(minutes=10)) == [1, 2]
