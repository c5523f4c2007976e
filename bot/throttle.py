"""Per-person flood control of incoming updates: a small burst, then about one a second.

One person sending sixty messages at once must not cost sixty database
transactions and sixty replies: Telegram would answer the replies with 429s for
that chat, and every update handled is work the other shoppers wait behind.
So each person (by Telegram user id) has a token bucket: ``THROTTLE_BURST``
updates at once, then ``THROTTLE_PER_SECOND``. What is over it is dropped
before any handler, database session or reply, with at most one polite "slow
down" message per window; a dropped press gets its spinner stopped with the same
short text, a bounded number of times per window. Staff are never throttled.

Only what people type and tap is counted (messages, edits, button presses);
service updates, such as a shopper blocking the bot, always go through. The
photos of one album arrive as one update each, and count as one.

Memory is bounded: a person idle long enough to have a full bucket again is as
good as new and forgotten, and at most ``MAX_PEOPLE`` are kept, the least
recently seen going first.
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import TelegramObject, Update, User

from domain.ports import Clock
from handlers.i18n import Translations, Translator

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

#: At most one "slow down" message per person in this long, however much is dropped.
NOTICE_WINDOW = timedelta(seconds=30)
#: Dropped presses whose spinner is stopped per person and window; the rest spin out.
ANSWERS_PER_WINDOW = 5
#: People whose buckets are kept at once; beyond it the least recently seen are forgotten.
MAX_PEOPLE = 10_000


@dataclass
class Bucket:
    """One person's allowance, and what they were told about going over it."""

    tokens: float
    at: float
    #: The album the last counted update belonged to: its other photos are free.
    album: str | None = None
    #: When this person's current window of notices began, if it has.
    window_at: float | None = None
    noticed: bool = False
    answered: int = 0
    #: The language the bot last spoke to them in (their saved choice, if any).
    t: Translator | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether an update goes on; if not, whether to say so (a message, a press answer)."""

    allowed: bool
    notice: bool = False
    answer: bool = False


class Buckets:
    """A token bucket per person, on whatever clock ``now`` is read from (seconds)."""

    def __init__(
        self,
        burst: int,
        per_second: float,
        *,
        window: timedelta = NOTICE_WINDOW,
        answers: int = ANSWERS_PER_WINDOW,
        max_people: int = MAX_PEOPLE,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.window = window.total_seconds()
        self.answers = answers
        self.max_people = max_people
        # Once the bucket is full again and the window over, a person is as good as new.
        self.idle_after = max(burst / per_second, self.window)
        self.people: OrderedDict[int, Bucket] = OrderedDict()
        self.dropped = 0

    def take(
        self, person: int, now: float, *, press: bool = False, album: str | None = None
    ) -> Verdict:
        bucket = self.bucket(person, now)
        if album is not None and album == bucket.album:
            return Verdict(allowed=True)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.album = album
            return Verdict(allowed=True)
        self.dropped += 1
        if bucket.window_at is None or now - bucket.window_at >= self.window:
            bucket.window_at, bucket.noticed, bucket.answered = now, False, 0
        if press:
            bucket.answered += 1
            return Verdict(allowed=False, answer=bucket.answered <= self.answers)
        notice = not bucket.noticed
        bucket.noticed = True
        return Verdict(allowed=False, notice=notice)

    def bucket(self, person: int, now: float) -> Bucket:
        self._forget(now)
        bucket = self.people.get(person)
        if bucket is None:
            bucket = self.people[person] = Bucket(tokens=float(self.burst), at=now)
            if len(self.people) > self.max_people:
                self.people.popitem(last=False)
        self.people.move_to_end(person)
        return bucket

    def _forget(self, now: float) -> None:
        # Least recently seen first: stop at the first one still busy, unless over the cap.
        while self.people:
            first = next(iter(self.people.values()))
            if now - first.at < self.idle_after and len(self.people) <= self.max_people:
                return
            self.people.popitem(last=False)


class Throttle(BaseMiddleware):
    """Outer middleware on ``dp.update``, before the database session is opened."""

    def __init__(
        self,
        clock: Clock,
        translations: Translations,
        *,
        burst: int,
        per_second: float,
        exempt: frozenset[int] = frozenset(),
    ) -> None:
        self.clock = clock
        self.translations = translations
        self.exempt = exempt
        self.buckets = Buckets(burst, per_second)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if not isinstance(event, Update) or user is None or user.id in self.exempt:
            return await handler(event, data)
        message = event.message or event.edited_message
        if message is None and event.callback_query is None:
            return await handler(event, data)
        now = self.clock.now().timestamp()
        album = event.message.media_group_id if event.message else None
        press = event.callback_query is not None
        verdict = self.buckets.take(user.id, now, press=press, album=album)
        if verdict.allowed:
            result = await handler(event, data)
            # What the locale middleware chose for them, for a notice without the database.
            remembered = self.buckets.people.get(user.id)
            if remembered is not None and isinstance(data.get("i18n"), Translator):
                remembered.t = data["i18n"]
            return result
        bot: Bot = data["bot"]
        t = self._language(user)
        # A notice that cannot be delivered changes nothing: the update is dropped anyway.
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            if event.callback_query is not None and verdict.answer:
                await bot.answer_callback_query(event.callback_query.id, t("throttled"))
            elif message is not None and verdict.notice and message.chat.type == ChatType.PRIVATE:
                await bot.send_message(message.chat.id, t("throttled"))
        if verdict.notice:
            log.info("user %s sends faster than %s/s; the excess is dropped", user.id, self.rate)
        return None

    @property
    def rate(self) -> float:
        return self.buckets.per_second

    def _language(self, user: User) -> Translator:
        bucket = self.buckets.people.get(user.id)
        if bucket is not None and bucket.t is not None:
            return bucket.t
        return self.translations.for_telegram(user.language_code)
