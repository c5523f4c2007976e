"""One gate in front of every Bot API call: Telegram's flood limits, chat by chat and bot-wide.

Handlers' direct replies and the outbox notifier share one Bot session, so
they share this gate too:

* a 429 (``retry_after``) on a call to one chat pauses that chat only: its
  later calls wait until the pause is over, every other chat goes on. The call
  that hit it is then tried again (a few times at most, then the error goes to
  its caller). Telegram's per-chat limit is far the likeliest to be hit (one
  shopper tapping fast), and pausing everyone for it let one shopper slow all;
* a 429 on a call that names no chat (``answerCallbackQuery``, ``getMe``), or
  429s in several chats within a few seconds, is taken for the bot-wide limit:
  every call, from anywhere, waits until the pause is over;
* sending methods (messages, edits, copies) go out at most
  ``GLOBAL_MESSAGES_PER_SECOND`` in any second;
* those to one private chat keep to about ``CHAT_MESSAGES_PER_SECOND`` after a
  short burst (``CHAT_BURST``), as Telegram allows; replies and pushes alike.
  A chat's wait holds nothing another chat needs: a quiet shopper's reply never
  queues behind a busy one's;
* those sent to the staff group go out at most ``STAFF_MESSAGES_PER_MINUTE`` in
  any rolling minute, whoever sends them: a card from the outbox, a reply to
  ``/queue``, a prompt, a card edited after a press, a forum topic made or
  closed. Telegram's limit for a group counts them all, and an album (or a
  batch of copies) as the messages it puts there.

A send waiting for its chat (a pause, its pace, a staff-minute slot) waits
first, on its own, and only then queues for the second's budget.

Slots are booked ahead (``max(now, earliest allowed)``) rather than polled, and
"now" is never earlier than what was already slept until, so the schedule stays
right on a clock that does not move while sleeping (a test's fixed clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramType

from domain.ports import Clock

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
#: Runs after the gate's waits, just before the request goes out; raising cancels the call.
BeforeSend = Callable[[], Awaitable[None]]

#: A 429 on the same call more often than this is left to the caller.
MAX_RETRY_AFTER = 5
#: Telegram lets a few messages to one chat through at once before its ~1 a second applies.
CHAT_BURST = 3
#: 429s in this many different chats this close together are the bot-wide limit, not theirs.
WIDE_CHATS = 3
WIDE_WINDOW = timedelta(seconds=2)
#: Beyond this many chats known, the quiet ones are forgotten (they are as good as new).
KEEP_CHATS = 1000
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)

#: Methods that put something in a chat; Telegram's ~30/s bot-wide limit counts these.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        # A forum topic made, renamed, closed or reopened is a service message in the group.
        "createForumTopic",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    }
)
#: Long polling is how the bot hears anything at all; holding it back would only delay
#: the updates whose replies are waiting at the gate anyway.
UNGATED_METHODS = frozenset({"getUpdates"})

_before_send: ContextVar[BeforeSend | None] = ContextVar("before_send", default=None)


@contextlib.contextmanager
def before_send(check: BeforeSend) -> Iterator[None]:
    """Within this block, every call of this task runs ``check`` once its waits are over.

    The outbox notifier renews a row's lease here: a long pause must not let the
    lease run out while the row is still about to be sent.
    """
    token = _before_send.set(check)
    try:
        yield
    finally:
        _before_send.reset(token)


async def check_before_send() -> None:
    """Run this task's ``before_send`` check now (for callers that wait before the gate)."""
    check = _before_send.get()
    if check is not None:
        await check()


@dataclass(eq=False)
class Sending:
    """One send in the per-second budget: when it went, then when its call ended."""

    at: datetime
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class StaffSlot:
    """One send to the staff group: booked, then sent, then over.

    ``at`` is when it may go (booked), then when it went, then when its call
    ended: a send held up after booking (by a pause, by the second's budget)
    must not crowd the ones after it.
    """

    at: datetime
    sent: bool = False
    done: bool = False
    #: Messages it puts in the group: an album of three counts three.
    weight: int = 1


def message_count(method: object) -> int:
    """How many messages one call puts in its chat (an album, a batch of copies)."""
    for batch in ("media", "message_ids"):
        items = getattr(method, batch, None)
        if isinstance(items, list) and items:
            return len(items)
    return 1


@dataclass(eq=False)
class Lane:
    """One chat's own limits: its pace (private chats), and its pause after a 429 there.

    The pace is a token bucket kept as one time, ``due``: when the chat's next send
    would go at the steady pace. Up to ``burst`` sends go at once while ``due`` is not
    ahead of now; each send moves it one gap on. A pause moves it past the pause, so the
    chat starts again with one send, then the steady pace: Telegram's bucket is empty.
    """

    due: datetime | None = None
    paused_until: datetime | None = None
    #: How many pauses began here: a slot booked before the last one is booked again.
    pauses: int = 0
    #: Calls under way for this chat; a lane in use is never forgotten.
    users: int = 0

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now


@dataclass(frozen=True)
class Target:
    """What the gate goes by for one call: sending or not, and to which chat."""

    sending: bool
    to_staff: bool = False
    chat_id: int | str | None = None
    lane: Lane | None = None
    paced: bool = False


@dataclass
class Turn:
    """One try's place in its chat's pace: the slot it booked, and under which pause."""

    at: datetime | None = None
    pauses: int = 0


class FloodGate(BaseRequestMiddleware):
    """Session middleware: ``bot.session.middleware(FloodGate(clock, sleep, per_second, ...))``.

    One instance per Bot: its budgets are the bot's, shared by every caller.
    ``chat_per_second=0`` turns the pace of private chats off (their 429 pauses stay).
    """

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        per_second: int = 25,
        *,
        staff_chat_id: int | None = None,
        staff_per_minute: int = 18,
        chat_per_second: float = 1.0,
        chat_burst: int = CHAT_BURST,
        max_retry_after: int = MAX_RETRY_AFTER,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.per_second = per_second
        self.staff_chat_id = staff_chat_id
        self.staff_per_minute = staff_per_minute
        self.chat_gap = timedelta(seconds=1 / chat_per_second) if chat_per_second > 0 else None
        self.chat_burst = chat_burst
        self.max_retry_after = max_retry_after
        self._open = asyncio.Event()
        self._open.set()
        self._paused_until: datetime | None = None
        self._sent: deque[Sending] = deque(maxlen=per_second)
        self._budget = asyncio.Lock()
        #: Staff-group sends in booking order: the recent ones, the ones under way, the waiting.
        self._staff: list[StaffSlot] = []
        self._slept_until = clock.now()
        self._lanes: dict[int | str, Lane] = {}
        #: Recent 429s in chats (when, which chat): several chats at once is the bot's limit.
        self._hits: deque[tuple[datetime, int | str]] = deque(maxlen=WIDE_CHATS * 8)

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def chat_paused(self, chat_id: int | str) -> bool:
        """Whether a 429 there holds this chat's calls back right now."""
        lane = self._lanes.get(chat_id)
        return lane is not None and lane.paused(self._now())

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if name in UNGATED_METHODS:
            return await make_request(bot, method)
        sending = name in SENDING_METHODS
        chat = getattr(method, "chat_id", None)
        to_staff = sending and self.staff_chat_id is not None and chat == self.staff_chat_id
        if not isinstance(chat, int | str):
            return await self._tries(make_request, bot, method, Target(sending))
        # Groups keep to the staff minute (or Telegram's) budget; the pace is for shoppers.
        paced = sending and self.chat_gap is not None and isinstance(chat, int) and chat > 0
        lane = self._lane(chat)
        lane.users += 1
        try:
            target = Target(sending, to_staff, chat, lane, paced)
            return await self._tries(make_request, bot, method, target)
        finally:
            lane.users -= 1

    async def _tries(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        target: Target,
    ) -> Response[TelegramType]:
        retries = 0
        while True:
            try:
                return await self._once(make_request, bot, method, target)
            except TelegramRetryAfter as error:
                retries += 1
                if retries > self.max_retry_after:
                    raise
                name, seconds = method.__api_method__, error.retry_after
                chat = target.chat_id
                if chat is not None and not self._bot_wide(chat):
                    log.warning(
                        "%s: Telegram asked to wait %s s in chat %s; only that chat paused",
                        name,
                        seconds,
                        chat,
                    )
                    self._pause_chat(chat, seconds)
                    continue
                log.warning("%s: Telegram asked to wait %s s; all calls paused", name, seconds)
                await self.pause(seconds)

    def _lane(self, chat_id: int | str) -> Lane:
        lane = self._lanes.get(chat_id)
        if lane is None:
            if len(self._lanes) >= KEEP_CHATS:
                self._forget_quiet_chats()
            lane = self._lanes[chat_id] = Lane()
        return lane

    def _forget_quiet_chats(self) -> None:
        # A chat with nothing under way, no pause and its burst back in full is no different
        # from one never seen; only such chats are forgotten, so memory follows the busy ones.
        now = self._now()
        for chat_id, lane in list(self._lanes.items()):
            if lane.users == 0 and not lane.paused(now) and (lane.due is None or lane.due <= now):
                del self._lanes[chat_id]

    def _bot_wide(self, chat_id: int | str) -> bool:
        """Whether 429s came from enough different chats just now to be the bot's limit."""
        now = self._now()
        self._hits.append((now, chat_id))
        chats = {chat for at, chat in self._hits if at > now - WIDE_WINDOW}
        return len(chats) >= WIDE_CHATS

    def _pause_chat(self, chat_id: int | str, seconds: float) -> None:
        lane = self._lane(chat_id)
        until = self._now() + timedelta(seconds=seconds)
        lane.paused_until = max(lane.paused_until or until, until)
        lane.pauses += 1
        if self.chat_gap is not None:
            lane.due = max(lane.due or until, until + self.chat_gap * (self.chat_burst - 1))

    async def _chat_turn(self, lane: Lane, paced: bool, turn: Turn) -> None:
        """Wait (holding nothing) for this chat's pause to end and, if paced, its slot.

        Slots are booked as they are handed out, so sends to one chat go in the order
        they came; a slot booked before a pause began is booked again after it.
        """
        while True:
            now = self._now()
            if lane.paused_until is not None and lane.paused_until > now:
                await self._sleep_until(lane.paused_until)
                continue
            if not paced or self.chat_gap is None:
                return
            if turn.at is None or turn.pauses != lane.pauses:
                turn.at, turn.pauses = self._book(lane, now, self.chat_gap), lane.pauses
            if turn.at <= now:
                return
            await self._sleep_until(turn.at)

    def _book(self, lane: Lane, now: datetime, gap: timedelta) -> datetime:
        due = lane.due or now
        at = max(now, due - gap * (self.chat_burst - 1))
        lane.due = max(due, at) + gap
        return at

    def _chat_over(self, lane: Lane, paced: bool) -> None:
        # Counted from when Telegram had it, as for the second's budget: a slow request
        # must not let the next ones crowd in behind it.
        if paced and self.chat_gap is not None:
            ended = self._now() + self.chat_gap
            lane.due = max(lane.due or ended, ended)

    async def _sleep_until(self, at: datetime) -> None:
        wait = at - self._now()
        if wait > timedelta(0):
            await self.sleep(wait.total_seconds())
        self._slept_until = max(self._slept_until, at)

    async def _once(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        target: Target,
    ) -> Response[TelegramType]:
        """One try. Each try to the staff group takes a slot, a refused one too: counting a
        try Telegram may not have counted only makes the group's pace a little slower."""
        slot = await self._staff_slot(message_count(method)) if target.to_staff else None
        entry = None
        try:
            entry = await self._ready(target)
            if slot is not None:
                slot.at, slot.sent = max(slot.at, self._now()), True
            return await make_request(bot, method)
        finally:
            self._over(entry)
            if target.lane is not None and entry is not None:
                self._chat_over(target.lane, target.paced)
            if slot is not None:
                self._staff_over(slot)

    def _over(self, entry: Sending | None) -> None:
        # Counted from when Telegram had it: the next second's sends then cannot reach it
        # less than a second after this one, however long this request took on the way.
        if entry is not None:
            entry.at = max(entry.at, self._now())
            entry.done.set()

    def _now(self) -> datetime:
        return max(self.clock.now(), self._slept_until)

    async def _staff_slot(self, weight: int = 1) -> StaffSlot:
        """Wait (holding nothing) until a send to the staff group fits its rolling minute."""
        slot = StaffSlot(self._now(), weight=min(max(weight, 1), self.staff_per_minute))
        self._staff.append(slot)
        try:
            while (wait := self._staff_wait(slot)) > timedelta(0):
                await self.sleep(wait.total_seconds())
                self._slept_until = max(self._slept_until, slot.at)
        except BaseException:
            self._staff.remove(slot)
            raise
        return slot

    def _staff_wait(self, slot: StaffSlot) -> timedelta:
        """Book ``slot`` after the sends booked before it; how long until then.

        Asked again after each wait: a send ahead that was held up since (by a
        pause) has moved, and this one moves with it. Sends booked later never
        push an earlier one back, so waiting callers go in the order they came.
        """
        now = self._now()
        self._staff = [s for s in self._staff if not s.done or s.at > now - MINUTE]
        ahead = self._staff[: self._staff.index(slot)]
        slot.at = now
        room = self.staff_per_minute - slot.weight  # others' messages that fit its minute
        # A send granted but not over yet goes out no earlier than now; an album's messages
        # each count, at its time.
        times = sorted(at for s in ahead for at in [s.at if s.done else max(s.at, now)] * s.weight)
        if len(times) > room:
            slot.at = max(now, times[-(room + 1)] + MINUTE)
        return slot.at - now

    def _staff_over(self, slot: StaffSlot) -> None:
        if not slot.sent:  # stopped before the request: it used no slot
            self._staff.remove(slot)
            return
        slot.at, slot.done = max(slot.at, self._now()), True

    def _clear(self, lane: Lane | None) -> bool:
        return self._open.is_set() and (lane is None or not lane.paused(self._now()))

    async def _ready(self, target: Target) -> Sending | None:
        """Wait until the gate is open, the chat is free and (for sends) a slot in this
        second is free. The chat's wait comes first and holds nothing other chats need."""
        lane, turn = target.lane, Turn()
        while True:
            await self._open.wait()
            if lane is not None:
                await self._chat_turn(lane, target.paced, turn)
            await check_before_send()
            if not target.sending:
                if self._clear(lane):
                    return None
                continue
            async with self._budget:
                oldest = self._sent[0] if len(self._sent) == self.per_second else None
                if oldest is not None and not oldest.done.is_set():
                    # Its second counts from its answer, not yet known: wait for it rather
                    # than guess (every request ends, at worst by the session's timeout).
                    await oldest.done.wait()
                now = self._now()
                at = now
                if self._sent:
                    at = max(at, self._sent[-1].at)
                if len(self._sent) == self.per_second:
                    at = max(at, self._sent[0].at + SECOND)
                if at > now:
                    await self.sleep((at - now).total_seconds())
                    self._slept_until = max(self._slept_until, at)
                # A pause that began while this call slept (the bot's or its chat's) holds it
                # back too; nothing may await between this check and the request.
                if self._clear(lane):
                    entry = Sending(max(at, self.clock.now()))
                    self._sent.append(entry)
                    return entry

    async def pause(self, seconds: float) -> None:
        """Close the gate for ``seconds`` (or join, and perhaps lengthen, a pause under way)."""
        until = self.clock.now() + timedelta(seconds=seconds)
        if self._paused_until is None or until > self._paused_until:
            self._paused_until = until
        if not self._open.is_set():
            await self._open.wait()
            return
        self._open.clear()
        reached = self.clock.now()
        try:
            # Counted from what was slept rather than read off the clock: a clock that does
            # not move while sleeping must not keep the gate shut for ever.
            while (left := self._paused_until - reached) > timedelta(0):
                await self.sleep(left.total_seconds())
                reached += left
        finally:
            self._paused_until = None
            self._open.set()
