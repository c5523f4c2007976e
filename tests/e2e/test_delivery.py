"""Delivery within Telegram's limits, over the fake Bot API, on a virtual clock.

Every wait (a sending slot, a ``retry_after`` pause, a backoff) moves the
runtime's clock instead of taking real time. Each Bot API request is stamped
with that clock as it leaves the bot (a session middleware inside the flood
gate), so the tests check the schedule Telegram would see; what the fake
server received is counted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramAPIError
from sqlalchemy import select

from bot.app import Runtime
from bot.flood import SENDING_METHODS
from bot.notifier import BACKOFF_BASE, LEASE, MAX_ATTEMPTS
from domain.notifications import Kind, RefundSucceeded, StaffRefundFailed
from domain.orders import Customer, OrderStatus, PaymentChannel, ProductKind
from domain.ports import FixedClock, Notification
from domain.review import ApplyOutcome, file_ticket
from domain.shopper import cancel_order
from domain.tickets import TicketReason
from handlers.notices import Letter, Outlet, Sent
from storage.tables import CustomerRow, OrderRow, OutboxRow, RefundRow
from tests.e2e.conftest import NOW, HandlerFailures, Shop, make_settings
from tests.fakebot import Actor, FakeGroup, FakeTelegram, StoredMessage

STAFF_CHAT = -1001
#: Kinds these tests never cause otherwise, sent as plain text (see ``note``).
PUSH = Kind.CUSTOMER_REFUND_SUCCEEDED
NOTICE = Kind.STAFF_REFUND_FAILED
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Request:
    """One Bot API request as it left the bot: virtual times, and the error if any."""

    method: str
    chat_id: Any
    at: datetime
    text: str | None = None
    ended: datetime | None = None
    error: str | None = None


@dataclass
class Line:
    """A running bot, its staff group, and every request it made."""

    shop: Shop
    tg: FakeTelegram
    group: FakeGroup
    requests: list[Request] = field(default_factory=list)

    @property
    def runtime(self) -> Runtime:
        return self.shop.runtime

    @property
    def clock(self) -> FixedClock:
        return self.shop.clock

    def sent(self, chat_id: int | None = None) -> list[Request]:
        """Sending requests (messages, edits), optionally to one chat, in order."""
        return [
            r
            for r in self.requests
            if r.method in SENDING_METHODS and (chat_id is None or r.chat_id == chat_id)
        ]

    async def deliver(self, rounds: int = 3000) -> None:
        """Wake the notifier; wait until nothing due is left and the bot went quiet."""
        self.runtime.notifier.wake()
        await until_delivered(self.shop, rounds)
        await self.tg.idle()

    async def rows(self, *where: Any) -> list[OutboxRow]:
        return await table_rows(self.shop, OutboxRow, *where)

    async def customer(self, telegram_id: int) -> CustomerRow:
        [row] = await table_rows(self.shop, CustomerRow, CustomerRow.telegram_id == telegram_id)
        return row


def virtual(clock: FixedClock) -> Sleep:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return sleep


def recorder(clock: FixedClock, requests: list[Request]) -> Any:
    """A session middleware, registered after (so inside) the flood gate."""

    async def record(make_request: Any, bot: Any, method: Any) -> Any:
        chat_id, text = getattr(method, "chat_id", None), getattr(method, "text", None)
        entry = Request(method.__api_method__, chat_id, clock.now(), text)
        requests.append(entry)
        try:
            response = await make_request(bot, method)
        except TelegramAPIError as error:
            entry.ended, entry.error = clock.now(), type(error).__name__
            raise
        entry.ended = clock.now()
        return response

    return record


async def table_rows(shop: Shop, table: Any, *where: Any) -> list[Any]:
    async with shop.session() as uow:
        found = list(await uow.session.scalars(select(table).where(*where)))
        uow.session.expunge_all()
    return found


async def until_delivered(shop: Shop, rounds: int = 3000) -> None:
    for _ in range(rounds):
        if not await shop.unsent():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the outbox was not delivered")


def build(tg: FakeTelegram, tmp_path: Path, clock: FixedClock, sleep: Sleep) -> Runtime:
    runtime = Runtime(make_settings(tg, tmp_path), clock=clock, sleep=sleep)
    runtime.notifier.renderers.update({PUSH: note, NOTICE: note})
    return runtime


@contextlib.asynccontextmanager
async def running(
    tg: FakeTelegram, tmp_path: Path, clock: FixedClock, sleep: Sleep | None = None
) -> AsyncIterator[Line]:
    failures = HandlerFailures()
    logging.getLogger("bot.factory").addHandler(failures)
    runtime = build(tg, tmp_path, clock, sleep or virtual(clock))
    requests: list[Request] = []
    runtime.bot.session.middleware(recorder(clock, requests))
    tg.track(runtime.dispatcher)
    group = tg.group(STAFF_CHAT, "客服组")
    await runtime.prepare()
    polling = asyncio.create_task(runtime.poll(handle_signals=False))
    try:
        yield Line(Shop(runtime, clock), tg, group, requests)
    finally:
        await runtime.stop()
        await polling
        await runtime.close()
        logging.getLogger("bot.factory").removeHandler(failures)
    crashes = [r.exc_info[1] for r in failures.records if r.exc_info]
    assert not crashes, f"a handler crashed: {crashes!r}"


@pytest.fixture
async def line(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Line]:
    async with running(tg, tmp_path, FixedClock(NOW)) as started:
        yield started


# --------------------------------------------------------------------------- arranging


async def shoppers(shop: Shop, tg: FakeTelegram, telegram_ids: Iterable[int]) -> dict[int, int]:
    """Linked customers with a private chat each: Telegram id -> customer id."""
    found: dict[int, int] = {}
    async with shop.session() as uow:
        for telegram_id in telegram_ids:
            tg.user(telegram_id, f"顾客{telegram_id}")
            customer = await uow.customers.upsert(
                Customer(id=0, code=f"C{telegram_id}", name=f"顾客{telegram_id}"), NOW
            )
            await uow.customers.bind_telegram(customer.id, telegram_id)
            found[telegram_id] = customer.id
        await uow.commit()
    return found


async def note(out: Outlet, letter: Letter[RefundSucceeded | StaffRefundFailed]) -> Sent:
    """Plain text, so these tests depend on delivery alone, not on any kind's wording."""
    return Sent(await out.send_text(letter.chat_id, letter.payload.order_no))


def push(customer_id: int, name: str, now: datetime) -> Notification:
    """A shopper's news; its text is ``📦 name``, so each message names its row."""
    return Notification(
        kind=PUSH,
        audience="customer",
        dedupe_key=f"push:{name}",
        due_at=now,
        customer_id=customer_id,
        payload=RefundSucceeded(0, f"📦 {name}", 0, PaymentChannel.WECHAT, NOW.date()),
    )


def staff_notice(name: str, now: datetime) -> Notification:
    return Notification(
        kind=NOTICE,
        audience="staff",
        dedupe_key=f"notice:{name}",
        due_at=now,
        payload=StaffRefundFailed(0, f"📋 {name}", 0, PaymentChannel.WECHAT, NOW.date()),
    )


async def queue(shop: Shop, notifications: Iterable[Notification]) -> None:
    async with shop.session() as uow:
        for notification in notifications:
            assert await uow.outbox.add(notification, shop.clock.now())
        await uow.commit()


def staff_members(line: Line) -> tuple[Actor, Actor]:
    """Two staff members (STAFF_IDS 9001, 9002) acting in the staff group."""
    actors = []
    for user_id, name in ((9001, "李客服"), (9002, "王客服")):
        user = line.tg.user(user_id, name)
        line.group.add_member(user)
        actors.append(line.group.as_user(user))
    return actors[0], actors[1]


async def tickets_filed(shop: Shop, order_nos: Iterable[str]) -> list[int]:
    """An unused card key per order, each with a cancel ticket filed: one staff card each."""
    found = []
    for order_no in order_nos:
        await shop.add_order(
            order_no, status=OrderStatus.DELIVERED, kind=ProductKind.CARD_KEY, activated=False
        )
        await shop.link("C0001", 1001)
        order = await shop.order(order_no)
        async with shop.session() as uow:
            result = await file_ticket(
                uow,
                customer_id=order.customer_id,
                order_id=order.id,
                reason=TicketReason.UNUSED_KEY,
                reason_text="卡密还没用过",
                evidence=(),
                actor="tg:1001",
                rules=shop.runtime.rules,
                now=shop.clock.now(),
            )
        assert result.outcome is ApplyOutcome.FILED and result.ticket is not None
        found.append(result.ticket.id)
    return found


def card(group: FakeGroup, ticket_id: int) -> StoredMessage:
    """The ticket's card as the notifier posted it (the first message naming it)."""
    return next(m for m in group.messages() if m.content.startswith(f"🆕 工单 #{ticket_id} "))


def received(tg: FakeTelegram, chat_id: int, needle: str) -> list[str]:
    """Texts the fake server stored in a chat that contain ``needle``."""
    return [m.content for m in tg.messages(chat_id, from_bot=True) if needle in m.content]


def most_in_window(times: list[datetime], window: timedelta) -> int:
    """The most of ``times`` inside any half-open window of this length."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


# --------------------------------------------------------------------------- limits


async def test_a_burst_of_two_hundred_with_a_429_in_the_middle(line: Line) -> None:
    settings = line.runtime.settings
    chats = list(range(2001, 2051))
    customers = await shoppers(line.shop, line.tg, chats)
    now = line.clock.now()
    # The first ten shoppers get their three pushes back to back, the rest one per round.
    pushes = [push(customers[c], f"P{c}-{n}", now) for c in chats[:10] for n in range(3)]
    pushes += [push(customers[c], f"P{c}-{n}", now) for n in range(3) for c in chats[10:]]
    notices = [staff_notice(f"S{n:02d}", now) for n in range(50)]
    await queue(line.shop, [*pushes, *notices])
    pause = 7
    line.tg.fail_next("sendMessage", 429, retry_after=pause, after=60)
    started = line.clock.now()

    await line.deliver()

    ours = await line.rows(OutboxRow.kind.in_([PUSH, NOTICE]))
    assert len(ours) == 200
    assert {r.status for r in ours} == {"sent"} and all(r.message_id for r in ours)
    assert all(r.attempts == 0 for r in ours)  # a 429 is waited out, not counted
    for chat in chats:
        texts = received(line.tg, chat, "📦")
        assert sorted(texts) == [f"📦 P{chat}-{n}" for n in range(3)]
    notices_seen = received(line.tg, STAFF_CHAT, "📋")
    assert sorted(notices_seen) == [f"📋 S{n:02d}" for n in range(50)]

    # The pause: one 429, then no request at all until retry_after has passed.
    [hit] = [r for r in line.requests if r.error == "TelegramRetryAfter"]
    assert hit.ended is not None
    resumed = hit.ended + timedelta(seconds=pause)
    during = [r for r in line.requests if hit.ended < r.at < resumed and r.method != "getUpdates"]
    assert during == []
    retried = [r for r in line.sent(hit.chat_id) if r.at > hit.at]
    assert retried and retried[0].at >= resumed

    # One a second per shopper, the group's minute budget, the bot-wide second budget.
    gaps = []
    for chat in chats:
        times = [r.at for r in line.sent(chat)]
        gaps += [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= timedelta(seconds=1)
    staff_times = [r.at for r in line.sent(STAFF_CHAT)]
    per_minute = most_in_window(staff_times, timedelta(minutes=1))
    assert per_minute <= settings.staff_messages_per_minute == 18
    per_second = most_in_window([r.at for r in line.sent()], timedelta(seconds=1))
    assert per_second <= settings.global_messages_per_second == 25
    duration = max(r.at for r in line.sent()) - started
    logging.getLogger(__name__).info(
        f"burst: {len(line.sent())} sends ({len(ours)} rows), pause {pause}s honoured, "
        f"min per-chat gap {min(gaps).total_seconds()}s, most to staff in a minute "
        f"{per_minute}, most in a second {per_second}, virtual duration {duration}"
    )


async def test_staff_presses_and_commands_during_a_burst_share_the_group_minute_budget(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    burst_waiting, staff_done = asyncio.Event(), asyncio.Event()

    async def sleep(seconds: float) -> None:
        # The burst's first wait for the next minute is held until the staff have acted, so
        # their replies and edits meet a group whose minute is already spent.
        if seconds >= 30 and not burst_waiting.is_set():
            burst_waiting.set()
            await staff_done.wait()
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    async with running(tg, tmp_path, clock, sleep) as line:
        li, wang = staff_members(line)
        tg.user(1001, "张三")  # the shopper, told of each decision
        tickets = await tickets_filed(line.shop, [f"KM-{n}" for n in range(4)])
        await queue(line.shop, [staff_notice(f"B{n:02d}", clock.now()) for n in range(40)])
        started = clock.now()
        line.runtime.notifier.wake()
        await asyncio.wait_for(burst_waiting.wait(), 10)
        limit = line.runtime.settings.staff_messages_per_minute
        assert len(line.sent(STAFF_CHAT)) == limit  # the four cards and 14 notices
        cards = {ticket: card(line.group, ticket) for ticket in tickets}

        approved = await li.press("同意取消", cards[tickets[0]])
        asked = await wang.press("拒绝", cards[tickets[1]])
        await li.send("/queue")
        listing = li.last_text()
        await wang.send(f"/ticket {tickets[2]}")
        opened = wang.last_text()
        staff_done.set()
        # And more while the rest of the burst goes out.
        await li.press("协商换货", cards[tickets[3]], wait=False)
        await wang.send("/queue", wait=False)
        await line.deliver()
        await li.settle()
        await wang.settle()
        notices = await line.rows(OutboxRow.kind == NOTICE)

    # Every press and command was answered, and did what it says.
    assert approved is not None and approved.text and not approved.show_alert
    assert "已同意取消" in card(line.group, tickets[0]).content
    assert asked is not None and asked.text == "请选择拒绝原因"
    assert "✅ 同意取消" not in card(line.group, tickets[1]).buttons
    assert listing.startswith("📋 待处理工单 3 个")
    assert opened.startswith(f"🆕 工单 #{tickets[2]} ")
    assert "已转协商换货" in card(line.group, tickets[3]).content
    assert [len(li.callback_answers()), len(wang.callback_answers())] == [2, 1]
    assert all(a.text for a in [*li.callback_answers(), *wang.callback_answers()])
    listings = [m for m in line.group.messages() if m.content.startswith("📋 待处理工单")]
    assert len(listings) == 2
    assert len(notices) == 40 and {r.status for r in notices} == {"sent"}
    assert sorted(received(tg, STAFF_CHAT, "📋 B")) == [f"📋 B{n:02d}" for n in range(40)]

    # One budget for the group: cards, notices, edits after presses, command replies.
    staff = line.sent(STAFF_CHAT)
    times = [r.at for r in staff]
    for early, late in zip(times, times[limit:], strict=False):
        assert late - early >= timedelta(minutes=1), (early, late)
    posted, copy = [r for r in staff if (r.text or "").startswith(f"🆕 工单 #{tickets[2]} ")]
    by_hand = [
        r
        for r in staff
        if r.method == "editMessageText" or (r.text or "").startswith("📋 待处理工单")
    ] + [copy]
    assert len(by_hand) == 6  # three cards edited, two listings, the /ticket copy
    assert posted.at == started
    assert all(r.at >= started + timedelta(minutes=1) for r in by_hand)  # they waited too
    burst = [r for r in staff if (r.text or "").startswith("📋 B")]
    assert burst[-1].at > by_hand[0].at  # and went out between the burst's messages
    answers = [r for r in line.requests if r.method == "answerCallbackQuery"]
    logging.getLogger(__name__).info(
        f"staff group: {len(staff)} sends and edits ({len(by_hand)} by staff action) over "
        f"{max(times) - started}, most in a minute {most_in_window(times, timedelta(minutes=1))}"
        f"/{limit}; presses answered at +{[str(r.at - started) for r in answers]}"
    )


async def test_a_reply_that_hits_a_429_is_sent_after_the_pause(line: Line) -> None:
    shopper = line.tg.user(1001)
    line.tg.fail_next("sendMessage", 429, retry_after=5, chat_id=1001)

    await shopper.send("/start")

    assert shopper.last_text()
    first, second = line.sent(1001)
    assert first.error == "TelegramRetryAfter" and second.error is None
    assert first.ended is not None and second.at - first.ended >= timedelta(seconds=5)
    assert len(line.tg.messages(1001, from_bot=True)) == 1


async def test_a_press_answer_that_hits_a_429_is_answered_after_the_pause(line: Line) -> None:
    shopper = line.tg.user(1001)
    await shopper.send("/lang")
    line.tg.fail_next("answerCallbackQuery", 429, retry_after=3)

    answer = await shopper.press("English")

    assert answer is not None
    first, second = [r for r in line.requests if r.method == "answerCallbackQuery"]
    assert first.error == "TelegramRetryAfter" and second.error is None
    assert first.ended is not None and second.at - first.ended >= timedelta(seconds=3)


# --------------------------------------------------------------------------- failures


async def test_a_blocked_shopper_is_marked_unreachable_and_cleared_when_they_write(
    line: Line,
) -> None:
    customers = await shoppers(line.shop, line.tg, [3001, 3002, 3003])
    await line.shop.add_order("KM-1", customer="C3001", status=OrderStatus.PAID)
    order = await line.shop.order("KM-1")
    async with line.shop.session() as uow:
        result = await cancel_order(
            uow,
            customer_id=customers[3001],
            order_id=order.id,
            actor="tg:3001",
            rules=line.runtime.rules,
            now=line.clock.now(),
        )
    assert result.card is not None and result.card.order.status is OrderStatus.CANCELLED
    refunds_before = await table_rows(line.shop, RefundRow, RefundRow.order_id == order.id)
    assert len(refunds_before) == 1
    blocked = line.tg.user(3001)
    blocked.block()
    now = line.clock.now()
    await queue(
        line.shop,
        [push(customers[c], f"U{c}-{n}", now) for n in range(2) for c in customers],
    )

    await line.deliver()

    first, second = await line.rows(OutboxRow.dedupe_key.like("push:U3001-%"))
    assert (first.status, second.status) == ("failed", "failed")
    assert first.last_error.startswith("unreachable: Forbidden")
    assert second.last_error == "unreachable"
    assert (first.attempts, second.attempts) == (1, 0)  # the second was never tried
    assert len(line.tg.calls("sendMessage", chat_id=3001)) == 1
    assert (await line.customer(3001)).unreachable_at == now
    for chat in (3002, 3003):
        assert len(received(line.tg, chat, "📦")) == 2
        assert (await line.customer(chat)).unreachable_at is None
    # Their cancellation and refund are untouched by the failed pushes.
    refunds_after = await table_rows(line.shop, RefundRow, RefundRow.order_id == order.id)
    assert [(r.status, r.amount_fen) for r in refunds_after] == [
        (r.status, r.amount_fen) for r in refunds_before
    ]
    [order_row] = await table_rows(line.shop, OrderRow, OrderRow.id == order.id)
    assert order_row.status == OrderStatus.CANCELLED

    blocked.unblock()
    await blocked.send("/start")
    assert (await line.customer(3001)).unreachable_at is None
    await queue(line.shop, [push(customers[3001], "U3001-back", line.clock.now())])
    await line.deliver()
    assert received(line.tg, 3001, "U3001-back")


async def test_two_server_errors_then_success_back_off_with_jitter(line: Line) -> None:
    customers = await shoppers(line.shop, line.tg, [4001])
    line.runtime.notifier.jitter = random.Random(20261126).random
    line.tg.fail_next("sendMessage", 500, times=2, chat_id=4001)
    await queue(line.shop, [push(customers[4001], "R-1", line.clock.now())])

    waits = []
    for attempt in (1, 2):
        failed_at = line.clock.now()
        await line.deliver()
        [row] = await line.rows(OutboxRow.dedupe_key == "push:R-1")
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "TelegramServerError" in row.last_error
        wait = row.due_at - failed_at
        ceiling = BACKOFF_BASE * 2 ** (attempt - 1)
        assert ceiling / 2 <= wait <= ceiling
        waits.append(wait)
        line.clock.current = row.due_at
    await line.deliver()

    [row] = await line.rows(OutboxRow.dedupe_key == "push:R-1")
    assert (row.status, row.attempts) == ("sent", 2)
    assert waits[1] > waits[0]
    assert len(received(line.tg, 4001, "R-1")) == 1
    assert row.message_id == line.tg.messages(4001, from_bot=True)[-1].message_id


async def test_a_row_that_keeps_failing_is_dead_and_staff_are_told_once(line: Line) -> None:
    customers = await shoppers(line.shop, line.tg, [4002])
    line.tg.fail_always("sendMessage", 502, chat_id=4002)
    await queue(line.shop, [push(customers[4002], "D-1", line.clock.now())])

    for _ in range(MAX_ATTEMPTS):
        await line.deliver()
        [row] = await line.rows(OutboxRow.dedupe_key == "push:D-1")
        if row.status == "dead":
            break
        line.clock.current = row.due_at
    for _ in range(2):  # later rounds must not alert again
        line.clock.advance(hours=2)
        await line.deliver()

    [row] = await line.rows(OutboxRow.dedupe_key == "push:D-1")
    assert (row.status, row.attempts) == ("dead", MAX_ATTEMPTS)
    assert len(line.tg.calls("sendMessage", chat_id=4002)) == MAX_ATTEMPTS
    [alert] = await line.rows(OutboxRow.kind == Kind.STAFF_DEAD_LETTER)
    assert alert.status == "sent" and alert.dedupe_key == f"dead-letter:{row.id}"
    [text] = received(line.tg, STAFF_CHAT, "☠️")
    assert f"#{row.id}" in text and PUSH in text and "Bad Gateway" in text


# --------------------------------------------------------------------------- crashes and rivals


async def test_rows_committed_before_a_crash_go_out_after_the_restart(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    crashed = build(tg, tmp_path, clock, virtual(clock))
    await crashed.prepare()
    shop = Shop(crashed, clock)
    customers = await shoppers(shop, tg, [5001, 5002])
    await queue(shop, [push(customers[c], f"C{c}-{n}", NOW) for c in customers for n in range(2)])
    # The process dies with the rows committed and nothing sent.
    await crashed.close()
    assert tg.calls("sendMessage") == []

    async with running(tg, tmp_path, clock) as restarted:
        await restarted.deliver()
        for chat in customers:
            assert sorted(received(tg, chat, "📦")) == sorted(received(tg, chat, f"C{chat}-"))
            assert len(received(tg, chat, "📦")) == 2
        rows = await restarted.rows(OutboxRow.dedupe_key.like("push:%"))
        assert {r.status for r in rows} == {"sent"}


async def test_a_crash_after_telegram_took_a_message_repeats_it_once_at_most(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    crashed = build(tg, tmp_path, clock, virtual(clock))
    await crashed.prepare()
    shop = Shop(crashed, clock)
    customers = await shoppers(shop, tg, [5101])
    await queue(shop, [push(customers[5101], "X-1", NOW)])

    async def dies_before_recording(*_: Any, **__: Any) -> None:
        await asyncio.Event().wait()

    crashed.notifier._settle = dies_before_recording  # type: ignore[method-assign]
    sending = asyncio.create_task(crashed.notifier.deliver_due())
    for _ in range(500):
        if received(tg, 5101, "X-1"):
            break
        await asyncio.sleep(0.01)
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sending
    await crashed.close()
    assert len(received(tg, 5101, "X-1")) == 1

    async with running(tg, tmp_path, clock) as restarted:
        assert await restarted.runtime.notifier.deliver_due() == 0
        [row] = await restarted.rows(OutboxRow.dedupe_key == "push:X-1")
        assert row.status == "sending"  # the lease still holds: nobody sends it yet
        assert len(received(tg, 5101, "X-1")) == 1
        clock.advance(seconds=LEASE.total_seconds() + 1)
        await restarted.deliver()
        [row] = await restarted.rows(OutboxRow.dedupe_key == "push:X-1")
        copies = [m for m in tg.messages(5101, from_bot=True) if "X-1" in m.content]
        assert len(copies) == 2  # the one duplicate a crash at that moment can cost
        assert row.status == "sent" and row.message_id == copies[-1].message_id


async def test_two_dispatchers_and_a_pause_longer_than_the_lease_never_send_twice(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    paused, resume = asyncio.Event(), asyncio.Event()

    async def first_sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        if seconds > LEASE.total_seconds():  # the long pause: let the other process run
            paused.set()
            await resume.wait()
        await asyncio.sleep(0)

    first = build(tg, tmp_path, clock, first_sleep)
    second = build(tg, tmp_path, clock, virtual(clock))
    try:
        await first.prepare()
        await second.prepare()
        shop = Shop(first, clock)
        customers = await shoppers(shop, tg, [6001, 6002, 6003])
        await queue(shop, [push(customers[c], f"L{c}", NOW) for c in customers])
        tg.fail_next("sendMessage", 429, retry_after=int(LEASE.total_seconds()) + 100)

        stalled = asyncio.create_task(first.notifier.deliver_due())
        await asyncio.wait_for(paused.wait(), 5)
        # Meanwhile the first process's lease ran out: the second takes every row.
        assert await second.notifier.deliver_due() == 3
        resume.set()
        await asyncio.wait_for(stalled, 5)

        for chat in customers:
            assert len(received(tg, chat, f"L{chat}")) == 1
        rows = await table_rows(shop, OutboxRow)
        assert len(rows) == 3 and {r.status for r in rows} == {"sent"}
    finally:
        resume.set()
        await first.close()
        await second.close()


async def test_a_long_pause_renews_the_lease_and_the_row_is_sent_once(line: Line) -> None:
    customers = await shoppers(line.shop, line.tg, [6101])
    line.tg.fail_next("sendMessage", 429, retry_after=int(LEASE.total_seconds()) * 2)
    await queue(line.shop, [push(customers[6101], "W-1", line.clock.now())])
    started = line.clock.now()

    await line.deliver()

    [row] = await line.rows(OutboxRow.dedupe_key == "push:W-1")
    assert row.status == "sent" and row.attempts == 0
    assert row.due_at > started + LEASE  # sent under a renewed lease, not the first one
    assert len(received(line.tg, 6101, "W-1")) == 1
    assert line.clock.now() - started >= LEASE * 2
