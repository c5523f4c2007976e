"""One flooding shopper slows nobody else: the real runtime against Telegram's limits.

The fake Bot API enforces Telegram's flood limits (a private chat's ~1 a second
after a short burst, a group's 20 a minute, 30 a second in all) and answers 429
like Telegram. Time is virtual and moves only when everything is waiting: the
bot's sleeps (a chat's pace, a pause) are woken in time order, each once the bot
and the fake have gone quiet, so a latency here is what the bot made someone
wait, not how busy this machine was. The fake measures its limits on the same
virtual clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import TelegramObject

from bot.app import Runtime
from bot.flood import FloodGate
from bot.throttle import ANSWERS_PER_WINDOW
from domain.orders import OrderStatus
from domain.ports import FixedClock
from tests.e2e.conftest import NOW, Shop, make_settings, polling
from tests.fakebot import FakeTelegram, FakeUser

THROTTLED = "您发送得太快了,请稍等几秒再试。"
FLOODER, QUIET = 2001, 1001
STAFF_CHAT = -1001
FLOOD = 60
#: Telegram's limits as the fake enforces them.
LIMITS: dict[str, Any] = {
    "per_chat_per_second": 1.0,
    "burst": 3,
    "group_per_minute": 20,
    "global_per_second": 30,
}


#: Set while a task handles an update, so a sleep can tell a handler's wait from others.
_handling: ContextVar[bool] = ContextVar("handling", default=False)


class VirtualTime:
    """Sleeps that move a fixed clock, woken in time order once nothing else can run.

    A wake-up happens only when the fake has seen no request, update or answer for
    ``quiet`` (real) seconds, every update has been fetched, no request is under way
    and every update being handled is asleep: whatever could still happen at the
    current virtual time has happened. (An update waiting on something other than a
    sleep, such as a bot-wide pause another task sleeps out, is given ``patience``.)
    """

    def __init__(
        self, clock: FixedClock, tg: FakeTelegram, quiet: float = 0.1, patience: float = 1.0
    ) -> None:
        self.clock = clock
        self.tg = tg
        self.quiet = quiet
        self.patience = patience
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._handlers_asleep = 0

    async def mark_handling(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """An outer middleware: the update's task is a handler's from here on."""
        token = _handling.set(True)
        try:
            return await handler(event, data)
        finally:
            _handling.reset(token)

    def seconds(self) -> float:
        return self.clock.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake = asyncio.get_running_loop().create_future()
        at = self.clock.now() + timedelta(seconds=seconds)
        heapq.heappush(self._sleepers, (at, next(self._order), wake))
        handler = _handling.get()
        self._handlers_asleep += handler
        try:
            await wake
        finally:
            self._handlers_asleep -= handler

    async def run_for(self, seconds: float) -> None:
        """Let the bot work for ``seconds`` of virtual time."""
        until = self.clock.now() + timedelta(seconds=seconds)
        while True:
            await self.settle()
            while self._sleepers and self._sleepers[0][2].done():  # cancelled at shutdown
                heapq.heappop(self._sleepers)
            if not self._sleepers or self._sleepers[0][0] > until:
                break
            at = self._sleepers[0][0]
            self.clock.current = max(self.clock.current, at)
            while self._sleepers and self._sleepers[0][0] <= at:
                _, _, wake = heapq.heappop(self._sleepers)
                if not wake.done():
                    wake.set_result(None)
        self.clock.current = max(self.clock.current, until)
        await self.settle()

    async def settle(self, max_wait: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        quiet_since = loop.time()
        while loop.time() < deadline:
            before = self._state()
            await self.tg.wait_for_change(self.quiet)
            if self._state() != before or not self._idle():
                quiet_since = loop.time()
                continue
            if not self._handlers_awake() or loop.time() - quiet_since >= self.patience:
                return
        raise AssertionError("the bot never went quiet")

    def _handlers_awake(self) -> bool:
        handling = sum(
            r.handling_started_at is not None and r.handled_at is None for r in self.tg.updates
        )
        return handling > self._handlers_asleep

    def _state(self) -> tuple[int, ...]:
        calls = self.tg.call_log
        return (
            len(calls),
            sum(c.response_ok is not None for c in calls),
            len(self.tg.updates),
            sum(r.delivered_at is not None for r in self.tg.updates),
            sum(r.handled_at is not None for r in self.tg.updates),
        )

    def _idle(self) -> bool:
        fetched = all(r.delivered_at is not None for r in self.tg.updates if r.pending)
        under_way = any(
            c.response_ok is None and c.method != "getUpdates" for c in self.tg.call_log
        )
        return fetched and not under_way


@dataclass
class Sent:
    """A request as it left the bot (after the flood gate), on the virtual clock."""

    method: str
    chat_id: Any
    query_id: str | None
    at: datetime


@dataclass
class Floor:
    shop: Shop
    tg: FakeTelegram
    time: VirtualTime
    sent: list[Sent] = field(default_factory=list)

    @property
    def gate(self) -> FloodGate:
        return next(
            m for m in self.shop.runtime.bot.session.middleware if isinstance(m, FloodGate)
        )


@contextlib.asynccontextmanager
async def open_floor(
    tg: FakeTelegram, tmp_path: Path, limits: dict[str, Any] | None = None, **overrides: Any
) -> AsyncIterator[Floor]:
    """The runtime with its shipped defaults for throttling and pacing, on virtual time."""
    clock = FixedClock(NOW)
    time = VirtualTime(clock, tg)
    settings = make_settings(
        tg,
        tmp_path,
        throttle_per_second=1,
        throttle_burst=5,
        chat_messages_per_second=1,
        sqlite_synchronous="normal",
        **overrides,
    )
    runtime = Runtime(settings, clock=clock, sleep=time.sleep)
    floor = Floor(Shop(runtime, clock), tg, time)

    async def record(make_request: Any, bot: Any, method: Any) -> Any:
        chat_id = getattr(method, "chat_id", None)
        query = getattr(method, "callback_query_id", None)
        floor.sent.append(Sent(method.__api_method__, chat_id, query, clock.now()))
        return await make_request(bot, method)

    runtime.bot.session.middleware(record)
    # Outermost (after the fake's tracking): the throttle's notices are a handler's too.
    manager = runtime.dispatcher.update.outer_middleware
    existing = list(manager)
    for middleware in existing:
        manager.unregister(middleware)
    for middleware in (time.mark_handling, *existing):
        manager.register(middleware)
    tg.group(STAFF_CHAT, "客服组")
    tg.enforce_limits(**(limits or LIMITS), clock=time.seconds)
    async with polling(runtime, tg):
        await time.settle()
        yield floor
    errors = [r.handler_error for r in tg.updates if r.handler_error]
    assert not errors, errors


async def two_shoppers(floor: Floor) -> tuple[FakeUser, FakeUser]:
    shop = floor.shop
    await shop.add_order("KM-1001", customer="C0001", name="张三", status=OrderStatus.PAID)
    await shop.add_order("KM-2001", customer="C0002", name="李四", status=OrderStatus.PAID)
    await shop.link("C0001", QUIET)
    await shop.link("C0002", FLOODER)
    return floor.tg.user(QUIET, "张三"), floor.tg.user(FLOODER, "李四")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


async def quiet_taps(floor: Floor, quiet: FakeUser, taps: int) -> tuple[list[float], list[float]]:
    """The quiet shopper opens their order and goes back, a tap every two seconds.

    Returns, per tap, seconds to the spinner stopping and to the reply (the edit).
    """
    spinner, reply = [], []
    for n in range(taps):
        label = "KM-1001" if n % 2 == 0 else "⬅ 返回订单列表"
        tapped, since = floor.shop.clock.now(), len(floor.sent)
        await quiet.press(label, wait=False)
        await floor.time.run_for(2)
        later = floor.sent[since:]
        answer = next(s for s in later if s.method == "answerCallbackQuery")
        edit = next(s for s in later if s.method == "editMessageText" and s.chat_id == QUIET)
        spinner.append((answer.at - tapped).total_seconds())
        reply.append((edit.at - tapped).total_seconds())
        assert answer.query_id == quiet.callback_answers()[-1].query_id
    return spinner, reply


async def flood_while_quiet_taps(
    floor: Floor,
) -> tuple[FakeUser, list[float], list[float]]:
    """The flooder sends ``FLOOD`` messages at once while the quiet shopper taps 10 times."""
    quiet, flooder = await two_shoppers(floor)
    await quiet.send("/start", wait=False)
    await floor.time.run_for(1)
    for n in range(FLOOD):
        await flooder.send(f"在吗 {n}", wait=False)
    spinner, reply = await quiet_taps(floor, quiet, taps=10)
    await floor.time.run_for(30)
    return flooder, spinner, reply


async def test_a_shopper_sending_sixty_at_once_slows_nobody_else(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.flood")
    async with open_floor(tg, tmp_path) as floor:
        flooder, spinner, reply = await flood_while_quiet_taps(floor)

    # The quiet shopper: every tap answered and shown at once, whatever the other did.
    assert p95(spinner) < 1 and p95(reply) < 1, (spinner, reply)
    assert max(reply) == 0  # not held at all: nothing they waited for was the flooder's
    assert [c for c in tg.calls(chat_id=QUIET) if c.error_code == 429] == []
    # The flooder: a burst answered, one polite notice, the rest dropped unseen.
    texts = flooder.texts()
    assert texts.count(THROTTLED) == 1
    assert len(texts) == 5 + 1
    # Paced to Telegram's limit, so Telegram never had to say no; nothing paused everyone.
    assert tg.limit_hits == []
    assert not [r for r in caplog.records if "all calls paused" in r.getMessage()]
    times = [s.at for s in floor.sent if s.chat_id == FLOODER and s.method == "sendMessage"]
    assert times[3:] == [times[0] + timedelta(seconds=n) for n in (1, 2, 3)]
    logging.getLogger(__name__).info(
        "quiet shopper p95: spinner %.2f s, reply %.2f s; flooder got %d messages",
        p95(spinner),
        p95(reply),
        len(texts),
    )


async def test_a_429_in_the_flooders_chat_pauses_that_chat_only(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.flood")
    # Telegram stricter than the bot's pace: no burst at all.
    stricter = {**LIMITS, "burst": 1}
    async with open_floor(tg, tmp_path, stricter) as floor:
        flooder, spinner, reply = await flood_while_quiet_taps(floor)
        assert not floor.gate.chat_paused(FLOODER)

    assert tg.limit_hits, "the flooder's chat was expected to meet Telegram's limit"
    assert {(hit.scope, hit.chat_id) for hit in tg.limit_hits} == {("chat", FLOODER)}
    assert p95(spinner) < 1 and p95(reply) < 1, (spinner, reply)
    assert [c for c in tg.calls(chat_id=QUIET) if c.error_code == 429] == []
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.flood"]
    assert all("only that chat paused" in m for m in messages), messages
    # Every reply the flooder was due still arrived, after its chat's pauses.
    assert len(flooder.texts()) == 5 + 1


async def test_a_flood_of_presses_stops_a_few_spinners_and_drops_the_rest(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_floor(tg, tmp_path) as floor:
        _, flooder = await two_shoppers(floor)
        await flooder.send("/start", wait=False)
        await floor.time.run_for(5)
        for _ in range(30):
            await flooder.press("KM-2001", wait=False)
        await floor.time.run_for(10)

    answers = flooder.callback_answers()
    throttled = [a for a in answers if a.text == THROTTLED]
    # A full burst (five seconds after /start) is handled; the spinners of the next few
    # dropped presses are stopped with the notice, the rest are not answered at all.
    assert len(throttled) == ANSWERS_PER_WINDOW
    assert len(answers) == 5 + ANSWERS_PER_WINDOW
    assert THROTTLED not in flooder.texts()  # a press is told by its answer, not a message


async def test_staff_are_never_throttled(tg: FakeTelegram, tmp_path: Path) -> None:
    async with open_floor(tg, tmp_path) as floor:
        group = tg.group(STAFF_CHAT, "客服组")
        staff = group.as_user(tg.user(9001, "李客服"), "member")
        for _ in range(8):
            await staff.send("/queue", wait=False)
        await floor.time.run_for(5)
    assert len(staff.texts()) == 8
    assert THROTTLED not in staff.texts()


# --------------------------------------------------------------------------- the fake's limits


async def test_the_fake_refuses_only_what_is_over_a_limit_for_that_chat(tg: FakeTelegram) -> None:
    now = [0.0]
    tg.enforce_limits(burst=2, group_per_minute=3, global_per_second=7, clock=lambda: now[0])
    tg.user(1, "一")
    tg.user(2, "二")
    tg.group(-5, "群")
    bot = tg.new_bot()
    try:
        for _ in range(2):
            await bot.send_message(1, "hi")
        with pytest.raises(TelegramRetryAfter) as refused:
            await bot.send_message(1, "hi")
        assert refused.value.retry_after == 1
        await bot.send_message(2, "hi")  # another chat is not held
        for _ in range(3):
            await bot.send_message(-5, "hi")
        with pytest.raises(TelegramRetryAfter) as group:
            await bot.send_message(-5, "hi")
        assert group.value.retry_after == 60
        await bot.send_message(2, "hi")  # seven in this second, all chats together
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(2, "hi")
        now[0] = 1.0
        await bot.send_message(1, "hi")  # a second on: the chat has a token again
    finally:
        await bot.session.close()
    scopes = [(hit.scope, hit.chat_id) for hit in tg.limit_hits]
    assert scopes == [("chat", 1), ("group", -5), ("global", 2)]
    assert len(tg.messages(1, from_bot=True)) == 3
