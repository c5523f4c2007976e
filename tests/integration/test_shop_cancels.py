"""Cancels the shop's own order system must confirm, against a real HTTP server playing
the shop: never a refund the shop did not agree to, never two cancels or two refunds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.shop_http import HttpShop
from domain.cases import CaseTopic
from domain.orders import Order, OrderStatus, ProductKind, RefundStatus
from domain.policy import Decision, Reason
from domain.ports import CancelState, CaseDraft, FixedClock
from domain.review import ReviewOutcome
from domain.shop import CancelReply, ShopUnavailable
from domain.shop_cancels import (
    CancelDesk,
    RequestOutcome,
    Settled,
    request_cancel,
    settle_cancel,
    settle_due,
)
from domain.staff import decide_ticket
from domain.tickets import TicketStatus, Verdict
from storage.tables import AuditRow, OrderRow, OutboxRow, RefundRow, WalletEntryRow
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.fakeshop import Behaviour, FakeShop
from tests.integration.conftest import Database
from tests.integration.test_import import NOW, RULES, Factory, order, run, topup, write
from tests.integration.test_outbox import StubBot, notifier
from tests.integration.test_shop_http import WallClock
from tests.integration.test_shop_lines import application_in_delivery

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
        clock=FixedClock(later),
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
            clock=FixedClock(NOW + timedelta(minutes=minutes)),
            alert_after=ALERT_AFTER,
        )

    kinds = await outbox_kinds(session_factory)
    assert kinds.count("staff.shop_silent") == 1
    assert kinds.count("customer.cancel_delayed") == 1
    assert await count(session_factory, RefundRow) == 0
    # The shop is back: the same request is settled and the shopper told.
    await settle_due(
        uows,
        adapter,
        rules=RULES,
        clock=FixedClock(NOW + timedelta(minutes=20)),
        alert_after=ALERT_AFTER,
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
    """An application for an instant top-up already in delivery (only staff may cancel it),
    known to the shop too."""
    shop.add(no, "delivering")
    return await application_in_delivery(factory, tmp_path, no)


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


async def open_case(factory: Factory, order_no: str, at: datetime) -> None:
    """The shopper's conversation with staff about the order, opened at ``at``."""
    found = await order(factory, order_no)
    assert found is not None
    async with factory() as session, SqlUnitOfWork(session) as work:
        await work.cases.add(CaseDraft(found.customer_id, found.id, CaseTopic.LATE), at)
        await work.commit()


async def test_an_approval_after_a_conversation_about_the_order_is_counted_as_settled_in_it(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    talked = await filed_ticket(session_factory, tmp_path, fake_shop, "KM-T")
    late = await filed_ticket(session_factory, tmp_path, fake_shop, "KM-U")
    await open_case(session_factory, "KM-T", NOW - timedelta(hours=1))
    # Staff press approve at NOW; the shop's word is written two minutes later. KM-U's
    # conversation began in between: after the application was decided, so not by it.
    await open_case(session_factory, "KM-U", NOW + timedelta(minutes=1))
    later = FixedClock(NOW + timedelta(minutes=2))
    desk = CancelDesk(
        SqlUnitOfWorkFactory(session_factory), adapter, rules=RULES, clock=later, wait=2.0
    )

    assert await approve(session_factory, talked, desk) is ReviewOutcome.DECIDED
    assert await approve(session_factory, late, desk) is ReviewOutcome.DECIDED

    async with session_factory() as session:
        rows = await session.execute(select(OrderRow.order_no, OrderRow.cancel_path))
        paths = {no: path for no, path in rows}
    assert paths == {"KM-T": "conversation", "KM-U": "application"}


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


async def test_the_shops_event_first_then_its_refund_reference_leaves_staff_nothing_to_do(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    fake_shop.refund_ref = "ALI-REFUND-0100"
    request_id = await ask(session_factory, found)
    await run(session_factory, write(tmp_path / "event.jsonl", topup("KM-1", "cancelled")))

    assert await settle(session_factory, adapter, request_id) is Settled.CANCELLED

    async with session_factory() as session:
        refund = await SqlUnitOfWork(session).refunds.for_order(found.id)
    assert refund is not None and refund.status is RefundStatus.PROCESSING
    assert refund.provider_ref == "ALI-REFUND-0100"
    kinds = await outbox_kinds(session_factory)
    assert "customer.order_cancelled" not in kinds  # the request's answer tells the shopper
    assert kinds.count("customer.cancel_settled") == 1


async def test_a_balance_order_the_shop_refunds_itself_is_not_credited_again(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    await run(
        session_factory,
        write(tmp_path / "b.jsonl", topup("KM-W", "paid", payment_channel="balance")),
    )
    fake_shop.add("KM-W", "paid")
    found = await order(session_factory, "KM-W")
    assert found is not None
    fake_shop.refund_ref = "SHOP-WALLET-7"
    request_id = await ask(session_factory, found)

    assert await settle(session_factory, adapter, request_id) is Settled.CANCELLED

    async with session_factory() as session:
        refund = await SqlUnitOfWork(session).refunds.for_order(found.id)
        credits = await session.scalar(select(func.count()).select_from(WalletEntryRow))
    assert refund is not None and refund.status is RefundStatus.PROCESSING
    assert credits == 0


class BrokenShop:
    """An adapter that fails in a way of its own."""

    async def request_cancel(self, *_: object) -> CancelReply:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "not text")


async def test_an_adapter_that_breaks_backs_off_and_alerts_like_a_silent_shop(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    found = await paid_order(session_factory, tmp_path, fake_shop)
    await ask(session_factory, found)
    uows = SqlUnitOfWorkFactory(session_factory)

    for minutes in (0, 11):
        await settle_due(
            uows,
            BrokenShop(),
            rules=RULES,
            clock=FixedClock(NOW + timedelta(minutes=minutes)),
            alert_after=ALERT_AFTER,
        )

    assert (await outbox_kinds(session_factory)).count("staff.shop_silent") == 1
    after = await order(session_factory, "KM-1")
    assert after is not None and after.status is OrderStatus.PAID
    assert await count(session_factory, RefundRow) == 0


async def test_a_reply_that_is_not_text_is_no_answer_and_is_asked_again(
    fake_shop: FakeShop,
) -> None:
    async def not_text(request: web.Request) -> web.Response:
        return web.Response(body=b"\xff\xfe\x00", status=200, content_type="application/json")

    app = web.Application()
    app.router.add_post("/orders/cancel", not_text)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    client = HttpShop(url, "s" * 16, WallClock(), timeout=1.0, pauses=(0.1,), sleep=sleep)
    try:
        reply = await client.request_cancel(
            Order(1, "KM-X", 1, "x", ProductKind.CARD_KEY, 1, 1, 1, OrderStatus.PAID, NOW),
            OrderStatus.PAID,
            "k",
        )
    finally:
        await client.close()
        await runner.cleanup()

    assert isinstance(reply, ShopUnavailable)
    assert pauses == [0.1]


async def test_a_slow_refusal_of_an_approval_tells_staff_and_leaves_the_ticket_open(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop
) -> None:
    ticket_id = await filed_ticket(session_factory, tmp_path, fake_shop)
    fake_shop.orders["KM-T"].status = "delivered"
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 0.6
    client = HttpShop(fake_shop.url, fake_shop.secret, WallClock(), timeout=2.0)
    desk = desk_for(session_factory, client, wait=0.2)
    try:
        assert await approve(session_factory, ticket_id, desk) is ReviewOutcome.AWAITING_SHOP
        await desk.close()
    finally:
        await client.close()

    assert await ticket_status(session_factory, ticket_id) is TicketStatus.OPEN
    assert await count(session_factory, RefundRow) == 0
    kinds = await outbox_kinds(session_factory)
    assert kinds.count("staff.shop_refused") == 1
    assert "customer.cancel_settled" not in kinds
    after = await order(session_factory, "KM-T")
    assert after is not None and after.cancelling_since is None


async def test_staff_read_the_shops_refusal_under_the_tickets_card(
    database: Database, tmp_path: Path, fake_shop: FakeShop
) -> None:
    factory = database.session_factory
    ticket_id = await filed_ticket(factory, tmp_path, fake_shop)
    fake_shop.orders["KM-T"].status = "delivered"
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 0.6
    client = HttpShop(fake_shop.url, fake_shop.secret, WallClock(), timeout=2.0)
    desk = desk_for(factory, client, wait=0.2)
    try:
        await approve(factory, ticket_id, desk)
        await desk.close()
    finally:
        await client.close()
    log: list[tuple[str, int, str]] = []

    await notifier(database, StubBot(log, "bot"), FixedClock(NOW)).deliver_due()

    (refused,) = [text for _, _, text in log if "商城没有同意取消" in text]
    assert f"工单 #{ticket_id}" in refused and "KM-T" in refused and "已发货" in refused


async def test_staff_and_the_shopper_read_that_the_shop_is_silent(
    database: Database, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    factory = database.session_factory
    found = await paid_order(factory, tmp_path, fake_shop)
    async with factory() as session, SqlUnitOfWork(session) as uow:
        await uow.customers.bind_telegram(found.customer_id, 5002)
        await uow.commit()
    await ask(factory, found)
    fake_shop.script = [Behaviour.FAIL] * 6
    for minutes in (0, 11):
        await settle_due(
            SqlUnitOfWorkFactory(factory),
            adapter,
            rules=RULES,
            clock=FixedClock(NOW + timedelta(minutes=minutes)),
            alert_after=ALERT_AFTER,
        )
    log: list[tuple[str, int, str]] = []

    later = FixedClock(NOW + timedelta(minutes=12))
    await notifier(database, StubBot(log, "bot"), later).deliver_due()

    staff = [text for _, chat, text in log if chat == -1001]
    shopper = [text for _, chat, text in log if chat == 5002]
    assert any("商城订单系统自" in text and "KM-1" in text for text in staff), staff
    assert any("商城暂时还没有确认订单 KM-1 的取消" in text for text in shopper), shopper
