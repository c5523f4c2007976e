"""The flood gate on its own, and the outbox's fault handling on a real SQLite file.

The gate is driven with a stand-in for the HTTP request; the notifier runs
against a stub Bot. Telegram's side is covered end to end in
tests/e2e/test_delivery.py.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    AnswerCallbackQuery,
    CloseForumTopic,
    CreateForumTopic,
    EditMessageText,
    GetChatMember,
    GetUpdates,
    SendMediaGroup,
    SendMessage,
)
from aiogram.types import InputMediaPhoto
from pydantic import ValidationError
from sqlalchemy import select

from bot.config import Settings
from bot.flood import FloodGate, before_send
from bot.notifier import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    LEASE,
    MAX_ATTEMPTS,
    Notifier,
)
from domain.calendar import WorkdayCalendar
from domain.notifications import DeadLetter, Digest, Kind
from domain.orders import Customer
from domain.policy import ShopRules
from domain.ports import FixedClock, Notification
from handlers.i18n import Translations
from handlers.notices import Letter, Outlet, Sent
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.integration.conftest import Database

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
STAFF = -1001


class Telegram:
    """Stands in for the HTTP request below the gate: records virtual times, fails on cue."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.calls: list[tuple[str, datetime]] = []
        self.chats: list[Any] = []
        self.retry_after: list[int] = []  # the next calls answer 429 with these

    async def __call__(self, _bot: Any, method: Any) -> Any:
        self.calls.append((method.__api_method__, self.clock.now()))
        self.chats.append(getattr(method, "chat_id", None))
        await asyncio.sleep(0)
        if self.retry_after:
            seconds = self.retry_after.pop(0)
            raise TelegramRetryAfter(method, f"Too Many Requests: retry after {seconds}", seconds)
        return SimpleNamespace(ok=True)


def virtual(clock: FixedClock, slept: list[float] | None = None) -> Any:
    async def sleep(seconds: float) -> None:
        if slept is not None:
            slept.append(seconds)
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return sleep


def message(chat_id: int = 1) -> SendMessage:
    return SendMessage(chat_id=chat_id, text="hi")


# --------------------------------------------------------------------------- the flood gate


async def test_a_429_in_a_private_chat_pauses_that_chat_only() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    hit = asyncio.Event()
    release = asyncio.Event()

    async def sleep(seconds: float) -> None:
        if seconds >= 30:  # the flooded chat's pause: hold it until the others went
            hit.set()
            await release.wait()
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    gate = FloodGate(clock, sleep, per_second=25)
    telegram.retry_after = [30]
    flooded = asyncio.create_task(gate(telegram, None, message(1)))  # type: ignore[arg-type]
    await asyncio.wait_for(hit.wait(), 1)
    assert gate.is_open  # nobody else waits
    await gate(telegram, None, message(2))  # type: ignore[arg-type]
    await gate(telegram, None, AnswerCallbackQuery(callback_query_id="q"))  # type: ignore[arg-type]
    assert [name for name, _ in telegram.calls] == ["sendMessage"] * 2 + ["answerCallbackQuery"]
    assert all(at == NOW for _, at in telegram.calls)
    release.set()
    await flooded
    assert telegram.chats[-1] == 1 and telegram.calls[-1][1] >= NOW + timedelta(seconds=30)


async def test_429s_from_several_chats_at_once_pause_every_call() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    gate = FloodGate(clock, virtual(clock), per_second=25)
    telegram.retry_after = [1, 1, 20]
    for chat in (1, 2, 3):
        await gate(telegram, None, message(chat))  # type: ignore[arg-type]
    # The third chat's 429 within the second is the bot-wide limit: all calls waited.
    await gate(telegram, None, AnswerCallbackQuery(callback_query_id="q"))  # type: ignore[arg-type]
    assert telegram.calls[-1][0] == "answerCallbackQuery"
    assert telegram.calls[-1][1] >= NOW + timedelta(seconds=20)


async def test_sends_to_one_private_chat_keep_to_one_a_second_after_a_short_burst() -> None:
    clock = FixedClock(NOW)
    gate = FloodGate(clock, virtual(clock), per_second=25)
    telegram = Telegram(clock)
    for _ in range(6):
        await gate(telegram, None, message(1))  # type: ignore[arg-type]
    await gate(telegram, None, message(2))  # type: ignore[arg-type]
    times = [at for (_, at), chat in zip(telegram.calls, telegram.chats, strict=True) if chat == 1]
    assert times[:3] == [NOW] * 3
    assert times[3:] == [NOW + timedelta(seconds=n) for n in (1, 2, 3)]


async def test_a_429_in_the_staff_group_pauses_the_group_only() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    gate = staff_gate(clock, virtual(clock), per_minute=18)
    telegram.retry_after = [7]
    await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    assert gate.is_open and not gate.chat_paused(STAFF)  # over once the retry went out
    staff = [at for (_, at), chat in zip(telegram.calls, telegram.chats, strict=True)]
    assert staff == [NOW, NOW + timedelta(seconds=7)]


class Timeline:
    """Sleeps woken one at a time in time order, each once every other task is stuck:
    concurrent waits then overlap as on a real clock instead of adding up."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.waiting: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self.order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        at = self.clock.now() + timedelta(seconds=seconds)
        heapq.heappush(self.waiting, (at, next(self.order), wake))
        await wake

    async def run(self, *work: Any) -> None:
        done = asyncio.ensure_future(asyncio.gather(*work))
        while not done.done():
            for _ in range(20):
                await asyncio.sleep(0)
            if self.waiting and not done.done():
                at, _, wake = heapq.heappop(self.waiting)
                self.clock.current = max(self.clock.current, at)
                wake.set_result(None)
        await done


async def test_a_pause_in_a_chat_moves_the_sends_already_waiting_for_it() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    timeline = Timeline(clock)
    gate = FloodGate(clock, timeline.sleep, per_second=25)
    for _ in range(3):  # the burst
        await gate(telegram, None, message(1))  # type: ignore[arg-type]
    telegram.retry_after = [10]
    waiting = [gate(telegram, None, message(1)) for _ in range(3)]  # type: ignore[arg-type]
    await timeline.run(*waiting)

    times = [at - NOW for _, at in telegram.calls[3:]]
    # The first went at +1 s and met the 429; the two booked behind it (for +2 s, +3 s)
    # were moved past the pause, and all three went one a second after it (Telegram's
    # bucket is empty after a 429).
    assert times == [timedelta(seconds=s) for s in (1, 11, 12, 13)]


async def test_the_pace_of_private_chats_can_be_turned_off() -> None:
    clock = FixedClock(NOW)
    slept: list[float] = []
    gate = FloodGate(clock, virtual(clock, slept), per_second=25, chat_per_second=0)
    telegram = Telegram(clock)
    for _ in range(10):
        await gate(telegram, None, message(1))  # type: ignore[arg-type]
    assert slept == []


async def test_quiet_chats_are_forgotten_and_busy_ones_kept() -> None:
    clock = FixedClock(NOW)
    gate = FloodGate(clock, virtual(clock), per_second=25)
    telegram = Telegram(clock)
    for chat in range(1, 1001):
        await gate(telegram, None, message(chat))  # type: ignore[arg-type]
    assert len(gate._lanes) == 1000
    clock.advance(seconds=2)  # every chat's burst is back in full
    await gate(telegram, None, message(5000))  # type: ignore[arg-type]
    assert list(gate._lanes) == [5000]


async def test_a_call_that_keeps_getting_429_is_given_back_to_its_caller() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    gate = FloodGate(clock, virtual(clock), per_second=25, max_retry_after=2)
    telegram.retry_after = [1, 1, 1, 1]

    with pytest.raises(TelegramRetryAfter):
        await gate(telegram, None, message())  # type: ignore[arg-type]
    assert len(telegram.calls) == 3  # the first try and two retries


async def test_long_polling_is_not_held_at_a_shut_gate() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    gate = FloodGate(clock, virtual(clock))
    gate._open.clear()  # as if a pause were under way

    await asyncio.wait_for(gate(telegram, None, GetUpdates()), 1)  # type: ignore[arg-type]
    assert [name for name, _ in telegram.calls] == ["getUpdates"]


async def test_sends_are_booked_per_second_even_on_a_clock_that_does_not_move() -> None:
    clock = FixedClock(NOW)
    slept: list[float] = []

    async def fixed_sleep(seconds: float) -> None:
        slept.append(seconds)

    gate = FloodGate(clock, fixed_sleep, per_second=25)
    telegram = Telegram(clock)
    for n in range(60):
        await gate(telegram, None, message(n))  # type: ignore[arg-type]
    # 25 at once, then one wait of a second before each next 25: what a real clock would do.
    assert slept == [1.0, 1.0]
    for _ in range(5):
        await gate(telegram, None, AnswerCallbackQuery(callback_query_id="q"))  # type: ignore[arg-type]
    assert len(slept) == 2  # answers to presses do not spend the sending budget


async def test_a_second_counts_from_the_answer_of_a_send_still_on_its_way() -> None:
    clock = FixedClock(NOW)
    gate = FloodGate(clock, virtual(clock), per_second=2)
    answered = asyncio.Event()
    on_its_way = asyncio.Event()
    reached: list[datetime] = []

    async def slow(_bot: Any, _method: Any) -> Any:
        reached.append(clock.now())
        on_its_way.set()
        await answered.wait()
        return SimpleNamespace(ok=True)

    async def fast(_bot: Any, _method: Any) -> Any:
        reached.append(clock.now())
        return SimpleNamespace(ok=True)

    first = asyncio.create_task(gate(slow, None, message(1)))  # type: ignore[arg-type]
    await on_its_way.wait()  # the slow one is on its way before the next is booked
    await gate(fast, None, message(2))  # type: ignore[arg-type]
    third = asyncio.create_task(gate(fast, None, message(3)))  # type: ignore[arg-type]
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(reached) == 2  # the budget's oldest send has no answer yet: the third waits

    clock.advance(seconds=3)  # the slow request is answered three seconds later
    answered.set()
    await asyncio.gather(first, third)
    assert reached[2] >= NOW + timedelta(seconds=4)


async def test_a_check_that_fails_after_the_wait_stops_the_call() -> None:
    clock = FixedClock(NOW)
    telegram = Telegram(clock)
    gate = FloodGate(clock, virtual(clock))

    async def lease_gone() -> None:
        raise LookupError("lease gone")

    with before_send(lease_gone), pytest.raises(LookupError):
        await gate(telegram, None, message())  # type: ignore[arg-type]
    assert telegram.calls == []
    await gate(telegram, None, message())  # type: ignore[arg-type]  # outside the block
    assert len(telegram.calls) == 1


def staff_gate(clock: FixedClock, sleep: Any, per_minute: int = 3) -> FloodGate:
    return FloodGate(clock, sleep, per_second=25, staff_chat_id=STAFF, staff_per_minute=per_minute)


async def test_every_message_and_edit_in_the_staff_group_shares_one_minute_budget() -> None:
    clock = FixedClock(NOW)
    slept: list[float] = []

    async def fixed_sleep(seconds: float) -> None:  # the clock stays put: booking must hold
        slept.append(seconds)

    gate = staff_gate(clock, fixed_sleep)
    telegram = Telegram(clock)
    edit = EditMessageText(chat_id=STAFF, message_id=1, text="card")
    for method in (message(STAFF), edit, message(STAFF), edit, message(STAFF), message(STAFF)):
        await gate(telegram, None, method)  # type: ignore[arg-type]
    assert slept == [60.0]  # three at once, then the next minute's three
    # Calls that put nothing in the group, and sends to other chats, use none of it.
    await gate(telegram, None, AnswerCallbackQuery(callback_query_id="q"))  # type: ignore[arg-type]
    await gate(telegram, None, GetChatMember(chat_id=STAFF, user_id=9001))  # type: ignore[arg-type]
    await gate(telegram, None, message(1001))  # type: ignore[arg-type]
    assert slept == [60.0]
    await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    assert slept == [60.0, 60.0]


async def test_an_album_and_a_new_topic_count_as_the_messages_they_put_in_the_group() -> None:
    clock = FixedClock(NOW)
    slept: list[float] = []

    async def fixed_sleep(seconds: float) -> None:
        slept.append(seconds)

    gate = staff_gate(clock, fixed_sleep, per_minute=5)
    telegram = Telegram(clock)
    topic = CreateForumTopic(chat_id=STAFF, name="KM-1 · 退货退款")
    photos = [InputMediaPhoto(media=f"photo-{n}") for n in range(3)]
    album = SendMediaGroup(chat_id=STAFF, media=photos, message_thread_id=7)
    await gate(telegram, None, topic)  # type: ignore[arg-type]
    await gate(telegram, None, album)  # type: ignore[arg-type]
    assert slept == []  # four of the minute's five
    await gate(telegram, None, album)  # type: ignore[arg-type]
    assert slept == [60.0]  # three more do not fit: the next minute
    closed = CloseForumTopic(chat_id=STAFF, message_thread_id=7)
    await gate(telegram, None, closed)  # type: ignore[arg-type]
    await gate(telegram, None, closed)  # type: ignore[arg-type]
    assert slept == [60.0]  # 3 + 2 in the second minute
    await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    assert slept == [60.0, 60.0]


async def test_a_send_waiting_for_a_staff_slot_does_not_hold_up_other_chats() -> None:
    clock = FixedClock(NOW)
    minute_over = asyncio.Event()
    waiting = asyncio.Event()

    async def sleep(seconds: float) -> None:
        if seconds >= 1:
            waiting.set()
            await minute_over.wait()
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    gate = staff_gate(clock, sleep)
    telegram = Telegram(clock)
    for _ in range(3):
        await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    queued = asyncio.create_task(gate(telegram, None, message(STAFF)))  # type: ignore[arg-type]
    await asyncio.wait_for(waiting.wait(), 1)

    # Replies to shoppers and answers to presses go out while the group's send waits.
    for chat in (1001, 1002, 1003):
        await asyncio.wait_for(gate(telegram, None, message(chat)), 1)  # type: ignore[arg-type]
    await asyncio.wait_for(
        gate(telegram, None, AnswerCallbackQuery(callback_query_id="q")),  # type: ignore[arg-type]
        1,
    )
    assert not queued.done()
    assert len(telegram.calls) == 7 and all(at == NOW for _, at in telegram.calls)

    minute_over.set()
    await asyncio.wait_for(queued, 1)
    assert telegram.calls[-1] == ("sendMessage", NOW + timedelta(minutes=1))


async def test_a_staff_send_stopped_before_it_went_out_frees_its_slot() -> None:
    clock = FixedClock(NOW)
    slept: list[float] = []
    gate = staff_gate(clock, virtual(clock, slept))
    telegram = Telegram(clock)

    async def lease_gone() -> None:
        raise LookupError("lease gone")

    with before_send(lease_gone), pytest.raises(LookupError):
        await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    for _ in range(3):
        await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    assert len(telegram.calls) == 3 and slept == []


async def test_a_staff_send_held_by_a_pause_counts_from_when_it_went_out() -> None:
    clock = FixedClock(NOW)
    paused, pause_over = asyncio.Event(), asyncio.Event()

    async def sleep(seconds: float) -> None:
        if seconds == 10:
            paused.set()
            await pause_over.wait()
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    gate = staff_gate(clock, sleep)
    telegram = Telegram(clock)
    for _ in range(2):
        await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]
    telegram.retry_after = [10]
    # A 429 on a call with no chat is the bot's limit: it pauses everything.
    answer = AnswerCallbackQuery(callback_query_id="q")
    refused = asyncio.create_task(gate(telegram, None, answer))  # type: ignore[arg-type]
    await asyncio.wait_for(paused.wait(), 1)
    assert not gate.is_open
    # The third fits the minute, but the pause holds it until NOW + 10 s.
    held = asyncio.create_task(gate(telegram, None, message(STAFF)))  # type: ignore[arg-type]
    for _ in range(5):
        await asyncio.sleep(0)
    assert not held.done()
    pause_over.set()
    await asyncio.wait_for(asyncio.gather(refused, held), 1)
    for _ in range(3):
        await gate(telegram, None, message(STAFF))  # type: ignore[arg-type]

    staff = [
        at - NOW
        for (_, at), chat in zip(telegram.calls, telegram.chats, strict=True)
        if chat == STAFF
    ]
    seconds = [int(gap.total_seconds()) for gap in staff]
    # Counted from when it was booked (NOW), the sixth would have gone at 60 s: four sends
    # in the minute from 10 s.
    assert seconds == [0, 0, 10, 60, 60, 70]


def test_global_pace_setting_is_checked() -> None:
    assert Settings(_env_file=None).global_messages_per_second == 25  # type: ignore[call-arg]
    assert Settings(_env_file=None, global_messages_per_second=30).global_messages_per_second == 30  # type: ignore[call-arg]
    for wrong in (0, 31):
        with pytest.raises(ValidationError, match="config-global-pace"):
            Settings(_env_file=None, global_messages_per_second=wrong)  # type: ignore[call-arg]


# --------------------------------------------------------------------------- outbox faults


class FailingBot:
    """Every send fails like a Telegram outage."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_message(self, *_: Any, **__: Any) -> Any:
        self.sent += 1
        raise ConnectionResetError("connection reset by peer")


def notifier(db: Database, bot: Any, clock: FixedClock, jitter: float = 0.5) -> Notifier:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite+aiosqlite:///{db.path}", staff_chat_id=-1001
    )
    return Notifier(
        bot,
        db.session_factory,
        settings=settings,
        translations=Translations(),
        rules=RULES,
        clock=clock,
        sleep=virtual(clock),
        jitter=lambda: jitter,
    )


async def add_row(db: Database, notification: Notification, attempts: int = 0) -> None:
    async with db.session_factory() as session, SqlUnitOfWork(session) as uow:
        await uow.outbox.add(notification, NOW)
        await uow.session.flush()
        row = await uow.session.scalar(
            select(OutboxRow).where(OutboxRow.dedupe_key == notification.dedupe_key)
        )
        assert row is not None
        row.attempts = attempts
        await uow.commit()


async def rows(db: Database) -> list[OutboxRow]:
    async with db.session_factory() as session:
        found = list(await session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        session.expunge_all()
    return found


async def plain(out: Outlet, letter: Letter[Digest]) -> Sent:
    return Sent(await out.send_text(letter.chat_id, letter.kind))


def alert(n: int) -> Notification:
    return Notification(
        kind=Kind.STAFF_DEAD_LETTER,
        audience="staff",
        dedupe_key=f"dead-letter:{n}",
        due_at=NOW,
        payload=DeadLetter(n, Kind.STAFF_DIGEST, "boom"),
    )


async def test_the_last_failure_makes_a_dead_letter_and_one_alert(database: Database) -> None:
    notice = Notification(
        kind=Kind.STAFF_DIGEST,
        audience="staff",
        dedupe_key="digest:x",
        due_at=NOW,
        payload=Digest(NOW.date(), NOW, 0, 0, 0, 0, 0),
    )
    await add_row(database, notice, attempts=MAX_ATTEMPTS - 1)
    sender = notifier(database, FailingBot(), FixedClock(NOW))
    sender.renderers[Kind.STAFF_DIGEST] = plain

    await sender.deliver_due()  # the row dies, its alert is queued and fails too

    dead, queued = await rows(database)
    assert (dead.status, dead.attempts) == ("dead", MAX_ATTEMPTS)
    assert "ConnectionResetError" in (dead.last_error or "")
    assert queued.kind == Kind.STAFF_DEAD_LETTER and queued.dedupe_key == f"dead-letter:{dead.id}"
    assert queued.payload["outbox_id"] == dead.id and queued.payload["kind"] == "staff.digest"
    assert queued.status == "pending" and queued.attempts == 1


async def test_a_dead_alert_raises_no_alert_of_its_own(database: Database) -> None:
    await add_row(database, alert(41), attempts=MAX_ATTEMPTS - 1)
    bot = FailingBot()
    await notifier(database, bot, FixedClock(NOW)).deliver_due()

    [row] = await rows(database)
    assert (row.kind, row.status) == (Kind.STAFF_DEAD_LETTER, "dead")
    assert bot.sent == 1


async def test_backoff_doubles_up_to_ten_minutes_with_a_quarter_left_to_chance(
    database: Database,
) -> None:
    draws = random.Random(7)
    sender = notifier(database, FailingBot(), FixedClock(NOW))
    sender.jitter = draws.random
    for attempts in range(1, 15):
        ceiling = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_MAX)
        wait = sender._backoff(attempts)
        assert ceiling * 3 / 4 <= wait <= ceiling
    sender.jitter = lambda: 0.0
    assert sender._backoff(1) == BACKOFF_BASE * 3 / 4
    assert sender._backoff(300) == BACKOFF_MAX * 3 / 4
    assert timedelta(minutes=10) == BACKOFF_MAX


@pytest.mark.parametrize("draw", [0.0, 0.5, 1.0])
def test_a_failing_row_is_retried_for_a_day_and_at_most_a_day_and_a_half(draw: float) -> None:
    sender = Notifier.__new__(Notifier)
    sender.jitter = lambda: draw
    waited = sum((sender._backoff(n) for n in range(1, MAX_ATTEMPTS)), timedelta(0))
    assert timedelta(hours=24) <= waited <= timedelta(hours=36)


# --------------------------------------------------------------------------- storage


async def test_unreachable_is_marked_once_and_cleared_by_telegram_id(database: Database) -> None:
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        customer = await uow.customers.upsert(Customer(id=0, code="C1", name="顾客"), NOW)
        await uow.customers.bind_telegram(customer.id, 7001)
        await uow.customers.mark_unreachable(customer.id, NOW)
        await uow.customers.mark_unreachable(customer.id, NOW + timedelta(hours=1))
        await uow.commit()
        marked = await uow.customers.by_telegram(7001)
        assert marked is not None and marked.unreachable_at == NOW  # the first refusal

        assert await uow.customers.clear_unreachable(7001)
        assert not await uow.customers.clear_unreachable(7001)  # nothing left to clear
        await uow.commit()
        cleared = await uow.customers.get(customer.id)
        assert cleared is not None and cleared.unreachable_at is None


async def test_a_lease_is_renewed_only_by_its_holder(database: Database) -> None:
    await add_row(database, alert(1))
    async with database.session_factory() as session, SqlUnitOfWork(session) as uow:
        held = await uow.outbox.claim("staff", now=NOW, lease_until=NOW + LEASE)
        assert held is not None
        assert await uow.outbox.renew(held, lease_until=NOW + 2 * LEASE)
        assert not await uow.outbox.renew(held, lease_until=NOW + 3 * LEASE)  # stale lease
        await uow.commit()
    [row] = await rows(database)
    assert row.status == "sending" and row.due_at == NOW + 2 * LEASE
