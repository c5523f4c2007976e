"""Cancels the shop's own order system must confirm, against a real HTTP server playing
the shop: never a refund the shop did not agree to, never two cancels or two refunds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.shop_http import HttpShop
from domain.orders import Order, OrderStatus, RefundStatus
from domain.policy import Decision, Reason
from domain.ports import CancelState, FixedClock
from domain.review import ReviewOutcome, file_ticket
from domain.shop_cancels import (
    CancelDesk,
    RequestOutcome,
    Settled,
    request_cancel,
    settle_cancel,
    settle_due,
)
from domain.staff import decide_ticket
from domain.tickets import TicketReason, TicketStatus, Verdict
from storage.tables import AuditRow, OutboxRow, RefundRow
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.fakeshop import Behaviour, FakeShop
from tests.integration.test_import import NOW, RULES, Factory, order, run, topup, write
from tests.integration.test_shop_http import WallClock

ALERT_AFTER = timedelta(minutes=10)


@pytest.fixture
async def fake_shop() -> AsyncIterator[FakeShop]:
    async with FakeShop() as running:
        yield running


@pytest.fixture
async def adapter(fake_shop: FakeShop) -> AsyncIterator[HttpShop]:
    async def no_wait(_: float) -> None:
        return None

    client = HttpShop(
        fake_shop.url, fake_shop.secret, WallClock(), timeout=0.3, pauses=(0.1, 0.1), sleep=no_wait
    )
    yield client
    await client.close()


async def paid_order(factory: Factory, tmp_path: Path, shop: FakeShop, no: str = "KM-1") -> Order:
    await run(factory, write(tmp_path / f"{no}.jsonl", topup(no, "paid")))
    shop.add(no, "paid")
    found = await order(factory, no)
    assert found is not None
    return found


async def ask(factory: Factory, found: Order, at: datetime = NOW) -> int:
    async with factory() as session:
        asked = await request_cancel(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=found.id,
            actor="tg:1001",
            rules=RULES,
            now=at,
        )
    assert asked.outcome is RequestOutcome.REQUESTED and asked.request_id is not None
    return asked.request_id


async def settle(factory: Factory, shop: HttpShop, request_id: int, at: datetime = NOW) -> Settled:
    result = await settle_cancel(
        SqlUnitOfWorkFactory(factory),
        shop,
        request_id,
        rules=RULES,
        now=at,
        tell_shopper=True,
        alert_after=ALERT_AFTER,
    )
    return result.outcome


async def count(factory: Factory, table: type, *where: object) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where)) or 0


async def outbox_kinds(factory: Factory) -> list[str]:
    async with factory() as session:
        return list(await session.scalars(select(OutboxRow.kind).order_by(OutboxRow.id)))


async def test_a_requested_cancel_waits_for_the_shop_with_nothing_refunded(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)

    await ask(session_factory, found)

    waiting = await order(session_factory, "KM-1")
    assert waiting is not None
    assert waiting.status is OrderStatus.PAID and waiting.cancelling_since == NOW
    decision = RULES.decide(waiting, NOW)
    assert (decision.decision, decision.reason) == (Decision.NOTHING, Reason.AWAITING_SHOP)
    assert await count(session_factory, RefundRow) == 0
    assert await count(session_factory, AuditRow, AuditRow.action == "order.cancel_requested") == 1


async def test_a_second_press_while_the_shop_decides_asks_nothing_more(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    await ask(session_factory, found)

    async with session_factory() as session:
        again = await request_cancel(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=found.id,
            actor="tg:1001",
            rules=RULES,
            now=NOW + timedelta(seconds=1),
        )

    assert again.outcome is RequestOutcome.NOT_NOW
    assert again.card is not None and again.card.decision.reason is Reason.AWAITING_SHOP


async def test_an_accepted_cancel_is_written_like_any_cancel(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)

    assert await settle(session_factory, adapter, request_id) is Settled.CANCELLED

    after = await order(session_factory, "KM-1")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert after.cancelling_since is None
    assert await count(session_factory, RefundRow) == 1
    assert fake_shop.orders["KM-1"].cancels == 1
    assert "customer.cancel_settled" in await outbox_kinds(session_factory)


async def test_a_shop_that_delivered_meanwhile_refuses_and_the_order_is_delivered_here(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)
    fake_shop.orders["KM-1"].status = "delivered"  # the shop delivered a second later

    assert await settle(session_factory, adapter, request_id) is Settled.REFUSED

    after = await order(session_factory, "KM-1")
    assert after is not None
    assert after.status is OrderStatus.DELIVERED and after.cancelling_since is None
    assert await count(session_factory, RefundRow) == 0
    async with session_factory() as session:
        request = await SqlUnitOfWork(session).cancels.get(request_id)
    assert request is not None and request.state is CancelState.REFUSED
    assert request.shop_status is OrderStatus.DELIVERED


@pytest.mark.parametrize("fault", [Behaviour.DROP, Behaviour.SLOW, Behaviour.FAIL])
async def test_a_lost_answer_is_asked_again_with_the_same_key_and_refunds_once(
    session_factory: Factory,
    tmp_path: Path,
    fake_shop: FakeShop,
    adapter: HttpShop,
    fault: Behaviour,
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)
    fake_shop.script = [fault] * 3  # every try of the first round meets the fault
    fake_shop.delay = 0.5

    assert await settle(session_factory, adapter, request_id) is Settled.PENDING
    assert await count(session_factory, RefundRow) == 0
    later = NOW + timedelta(minutes=1)
    settled = await settle_due(
        SqlUnitOfWorkFactory(session_factory),
        adapter,
        rules=RULES,
        now=later,
        alert_after=ALERT_AFTER,
    )

    assert settled == 1
    after = await order(session_factory, "KM-1")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert fake_shop.orders["KM-1"].cancels == 1
    assert {r.key for r in fake_shop.requests} == {fake_shop.requests[0].key}
    assert await count(session_factory, RefundRow) == 1


async def test_a_silent_shop_alerts_staff_and_tells_the_shopper_once(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    await ask(session_factory, found)
    uows = SqlUnitOfWorkFactory(session_factory)
    fake_shop.script = [Behaviour.FAIL] * 12  # four rounds of three tries

    for minutes in (0, 5, 11, 12):
        await settle_due(
            uows,
            adapter,
            rules=RULES,
            now=NOW + timedelta(minutes=minutes),
            alert_after=ALERT_AFTER,
        )

    kinds = await outbox_kinds(session_factory)
    assert kinds.count("staff.shop_silent") == 1
    assert kinds.count("customer.cancel_delayed") == 1
    assert await count(session_factory, RefundRow) == 0
    # The shop is back: the same request is settled and the shopper told.
    await settle_due(
        uows, adapter, rules=RULES, now=NOW + timedelta(minutes=20), alert_after=ALERT_AFTER
    )
    after = await order(session_factory, "KM-1")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert (await outbox_kinds(session_factory)).count("customer.cancel_settled") == 1


async def test_two_senders_at_once_ask_the_shop_once(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)

    outcomes = await asyncio.gather(
        settle(session_factory, adapter, request_id), settle(session_factory, adapter, request_id)
    )

    assert sorted(outcomes) == sorted([Settled.CANCELLED, Settled.PENDING])
    assert len(fake_shop.requests) == 1
    assert await count(session_factory, RefundRow) == 1


async def test_the_shops_own_event_arriving_first_still_refunds_once(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)
    # The shop cancels, and its order event reaches the bot before the API's answer does.
    await run(session_factory, write(tmp_path / "event.jsonl", topup("KM-1", "cancelled")))

    assert await settle(session_factory, adapter, request_id) is Settled.CANCELLED

    after = await order(session_factory, "KM-1")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert await count(session_factory, RefundRow) == 1
    assert fake_shop.orders["KM-1"].cancels == 1


async def test_a_slow_answer_is_pushed_to_the_shopper_who_stopped_waiting(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 0.6
    client = HttpShop(fake_shop.url, fake_shop.secret, WallClock(), timeout=2.0)
    desk = CancelDesk(
        SqlUnitOfWorkFactory(session_factory), client, rules=RULES, clock=FixedClock(NOW), wait=0.2
    )
    try:
        assert await desk.confirm(request_id) is None  # the shopper is shown "confirming…"
        await desk.close()
    finally:
        await client.close()

    after = await order(session_factory, "KM-1")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert (await outbox_kinds(session_factory)).count("customer.cancel_settled") == 1


async def test_a_quick_answer_is_shown_in_the_chat_and_not_pushed(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    request_id = await ask(session_factory, found)
    client = HttpShop(fake_shop.url, fake_shop.secret, WallClock(), timeout=2.0)
    desk = CancelDesk(
        SqlUnitOfWorkFactory(session_factory), client, rules=RULES, clock=FixedClock(NOW), wait=2.0
    )
    try:
        result = await desk.confirm(request_id)
        await desk.close()
    finally:
        await client.close()

    assert result is not None and result.outcome is Settled.CANCELLED
    assert result.card is not None and result.card.refund is not None
    assert "customer.cancel_settled" not in await outbox_kinds(session_factory)


# --------------------------------------------------------------------------- staff approvals


async def filed_ticket(factory: Factory, tmp_path: Path, shop: FakeShop, no: str = "KM-T") -> int:
    """An application for an instant top-up already in delivery (only staff may cancel it)."""
    await run(factory, write(tmp_path / f"{no}.jsonl", topup(no, "delivering")))
    shop.add(no, "delivering")
    found = await order(factory, no)
    assert found is not None
    async with factory() as session:
        filed = await file_ticket(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=found.id,
            reason=TicketReason.DUPLICATE,
            reason_text="",
            evidence=(),
            actor="tg:1001",
            rules=RULES,
            now=NOW,
        )
    assert filed.ticket is not None
    return filed.ticket.id


def desk_for(factory: Factory, client: HttpShop, wait: float = 2.0) -> CancelDesk:
    return CancelDesk(
        SqlUnitOfWorkFactory(factory), client, rules=RULES, clock=FixedClock(NOW), wait=wait
    )


async def approve(factory: Factory, ticket_id: int, desk: CancelDesk) -> ReviewOutcome:
    async with factory() as session:
        decision = await decide_ticket(
            SqlUnitOfWork(session),
            ticket_id=ticket_id,
            reviewer_id=9001,
            is_staff=True,
            verdict=Verdict.APPROVE,
            rules=RULES,
            now=NOW,
            desk=desk,
        )
    return decision.outcome


async def ticket_status(factory: Factory, ticket_id: int) -> TicketStatus:
    async with factory() as session:
        found = await SqlUnitOfWork(session).tickets.get(ticket_id)
    assert found is not None
    return found.status


async def test_an_approval_the_shop_confirms_closes_the_ticket_with_its_refund(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    ticket_id = await filed_ticket(session_factory, tmp_path, fake_shop)

    outcome = await approve(session_factory, ticket_id, desk_for(session_factory, adapter))

    assert outcome is ReviewOutcome.DECIDED
    assert await ticket_status(session_factory, ticket_id) is TicketStatus.APPROVED
    after = await order(session_factory, "KM-T")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert await count(session_factory, RefundRow) == 1
    assert fake_shop.orders["KM-T"].cancels == 1
    kinds = await outbox_kinds(session_factory)
    assert kinds.count("customer.ticket_decided") == 1
    assert "customer.cancel_settled" not in kinds


async def test_an_approval_the_shop_refuses_leaves_the_ticket_open_and_refunds_nothing(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    ticket_id = await filed_ticket(session_factory, tmp_path, fake_shop)
    fake_shop.orders["KM-T"].status = "delivered"

    outcome = await approve(session_factory, ticket_id, desk_for(session_factory, adapter))

    assert outcome is ReviewOutcome.ORDER_CHANGED
    assert await ticket_status(session_factory, ticket_id) is TicketStatus.OPEN
    after = await order(session_factory, "KM-T")
    assert after is not None and after.status is OrderStatus.DELIVERED
    assert await count(session_factory, RefundRow) == 0


async def test_a_slow_shop_approves_the_ticket_when_it_answers_and_once_only(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    ticket_id = await filed_ticket(session_factory, tmp_path, fake_shop)
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 0.6
    client = HttpShop(fake_shop.url, fake_shop.secret, WallClock(), timeout=2.0)
    desk = desk_for(session_factory, client, wait=0.2)
    try:
        first = await approve(session_factory, ticket_id, desk)
        second = await approve(session_factory, ticket_id, desk)  # pressed again meanwhile
        await desk.close()
    finally:
        await client.close()

    assert (first, second) == (ReviewOutcome.AWAITING_SHOP, ReviewOutcome.AWAITING_SHOP)
    assert await ticket_status(session_factory, ticket_id) is TicketStatus.APPROVED
    assert await count(session_factory, RefundRow) == 1
    assert len(fake_shop.requests) == 1
    assert (await outbox_kinds(session_factory)).count("customer.ticket_decided") == 1


async def test_a_shop_that_refunds_itself_leaves_staff_nothing_to_push_out(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    fake_shop.refund_ref = "ALI-REFUND-0099"
    request_id = await ask(session_factory, found)

    assert await settle(session_factory, adapter, request_id) is Settled.CANCELLED

    async with session_factory() as session:
        refund = await SqlUnitOfWork(session).refunds.for_order(found.id)
    assert refund is not None
    assert refund.status is RefundStatus.PROCESSING
    assert refund.provider_ref == "ALI-REFUND-0099"
    assert await count(session_factory, RefundRow) == 1
