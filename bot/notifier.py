"""Sends outbox rows to Telegram within its limits.

One long-lived task per process. It sleeps until woken (after every handled
update, and by the scheduler every few seconds), then delivers every due row:

* a row is *claimed* with one guarded statement (pending → sending, with a
  lease); a sender that crashed leaves a lease that runs out, and the row is
  claimed again (a crash after Telegram took the message but before it was
  recorded sends it once more, never more). Two processes on one database
  never send a row twice: a lease that a long wait ate into is renewed, with
  one guarded statement, before the message goes out, or the send is dropped;
* it is rendered when sent, in the recipient's language (a shopper's saved
  choice; the shop's default language for the staff group);
* rows of one chain (a conversation's messages to one side) go out in the
  order they were written: a chained row is claimed only once every earlier
  row of its chain is settled, so a retry or a restart never reorders them;
* a private chat gets about one push a second; the rest waits, none is
  dropped. The staff group's ``STAFF_MESSAGES_PER_MINUTE``, the bot-wide limit
  and ``retry_after`` (429) are the session's flood gate's (bot.flood), which
  counts the handlers' replies and edits too;
* 403 or "chat not found" in a shopper's chat fails the row ("unreachable") and
  marks the shopper unreachable: their later pushes fail at once, untried, until
  they write to the bot again;
* the staff group is never given up on: when Telegram upgraded it to a supergroup
  (``migrate_to_chat_id``) the bot follows it to its new id at once; when the bot
  cannot write there (removed, no rights, wrong id) its rows are held, one log
  line names the fix, and they go out once it can write there again;
* a 400 that no retry can change (a file Telegram no longer has, a message it will
  not take) makes the row dead at once, with the staff alert, instead of retrying it
  for a day: a conversation's later messages must not wait a day behind it. Telegram's
  few passing 400s ("temporarily unavailable", a closed topic) retry as below;
* other errors (5xx, network) retry later with a jittered backoff capped at
  ``BACKOFF_MAX``, for at least ``RETRY_FOR`` (Telegram itself keeps a bot's
  updates for 24 hours); only then is the row dead, and the staff chat gets one
  alert per outage (``python -m bot outbox`` lists dead rows and re-queues them).

Delivery is at least once: Telegram's answer and the row's "sent" mark cannot be
one transaction. The mark is written straight after the answer, with nothing in
between, so only a crash in that instant, or a request that timed out after
Telegram took it, sends a message again: once per such crash or timeout.

The clock, the sleep and the jitter are injected so tests can run paced bursts at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import Message, ReplyParameters, TelegramObject, Update

from bot.config import Settings
from bot.flood import before_send, check_before_send
from domain.notifications import LIVE_KINDS, DeadLetter, Kind, UnknownKind, decode, kind_of
from domain.policy import ShopRules
from domain.ports import Clock, Notification, OutboxMessage, UnitOfWork
from domain.schedule import quiet_until
from handlers.deps import StaffChat
from handlers.i18n import Translations, Translator
from handlers.notices import RENDERERS, Letter, NotReady, Renderer, Sent, Skip
from storage.db import SessionFactory
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
#: A fraction in [0, 1]; ``random.random`` in production, fixed in tests.
Jitter = Callable[[], float]
#: Extra writes committed with a row's settlement (only when the lease still held).
AlsoWrite = Callable[[UnitOfWork, datetime], Awaitable[object]]

#: How long a claim holds a row; far longer than any wait for a sending slot.
LEASE = timedelta(minutes=5)
#: A claim with less than this left is renewed before sending: the request must reach
#: Telegram while the row is still ours.
RENEW_WITHIN = LEASE / 2
BACKOFF_BASE = timedelta(seconds=10)
#: Capped low so that, once Telegram is back, every queued row goes out within minutes.
BACKOFF_MAX = timedelta(minutes=10)
#: A failing row is retried for at least this long before it is dead.
RETRY_FOR = timedelta(hours=24)
#: The part of each backoff that is not left to chance.
SURE_WAIT = 0.75
#: After a dead-letter alert, rows dying within this time are counted in it, not alerted.
ALERT_QUIET = timedelta(hours=6)
#: The first wait after the staff group refused the bot, doubled up to ``STAFF_HOLD_MAX``.
STAFF_HOLD = timedelta(seconds=30)
STAFF_HOLD_MAX = timedelta(minutes=10)
PRIVATE_GAP = timedelta(seconds=1)
#: An evidence row whose card is not out yet waits this long (without counting an attempt).
CARD_NOT_YET = timedelta(seconds=5)
UNREACHABLE = "unreachable"
#: Telegram's words for a 400 that may pass: everything else in a 400 is for good.
PASSING_400 = ("temporarily", "try again", "topic_closed")


def backoff_ceiling(attempts: int) -> timedelta:
    doublings = min(attempts - 1, 20)  # far past the cap already; keeps timedelta in range
    return min(BACKOFF_BASE * 2**doublings, BACKOFF_MAX)


def attempts_for(period: timedelta) -> int:
    """The attempts whose shortest possible waits (jitter at 0) add up to ``period``.

    Counting attempts rather than reading the row's age keeps the quiet-hour holds
    and 429 pauses (which count no attempt) out of the budget.
    """
    attempts, waited = 1, timedelta(0)
    while waited < period:
        waited += backoff_ceiling(attempts) * SURE_WAIT
        attempts += 1
    return attempts


MAX_ATTEMPTS = attempts_for(RETRY_FOR)


class Unreachable(Exception):
    """The chat cannot be written to (blocked, kicked, deleted): never retry."""


class StaffChatDown(Exception):
    """The bot cannot write to the staff group: hold its rows, never give them up."""


class StaffChatMoved(Exception):
    """The staff group became a supergroup with a new id."""

    def __init__(self, new_id: int) -> None:
        super().__init__(f"the staff group moved to {new_id}")
        self.new_id = new_id


class KnownUnreachable(Unreachable):
    """Telegram refused this shopper before and they have not written since: do not try."""


class Hold(Exception):
    """Not now (the shopper's night): due again at ``until``, without counting an attempt."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"held until {until.isoformat()}")
        self.until = until


class LeaseLost(Exception):
    """The claim ran out while waiting and another sender may hold the row: do not send."""


@dataclass
class Slot:
    """A booked sending time; moved to when the call really ended once it has."""

    at: datetime
    chat_id: int | None = None


class Pacer:
    """A gap between pushes to one private chat.

    Only pushes are paced here: a reply to a shopper's own action is not slowed.
    The staff group's minute budget is the flood gate's, which sees every message
    and edit sent there (bot.flood), so a card is not counted twice.

    Each slot is booked at ``max(now, earliest allowed)``, so the schedule stays
    right even when the clock does not move while sleeping (a test's fixed clock).
    A slot is then counted from when its call ended (``done``): a call held up
    after booking (by a pause, by the bot-wide budget) must not crowd the next one.
    """

    def __init__(self, clock: Clock, sleep: Sleep) -> None:
        self.clock = clock
        self.sleep = sleep
        self.private: dict[int, datetime] = {}

    async def private_slot(self, chat_id: int) -> Slot:
        now = self.clock.now()
        last = self.private.get(chat_id)
        at = now if last is None else max(now, last + PRIVATE_GAP)
        self.private[chat_id] = at
        if len(self.private) > 1000:  # forget chats not written to for a while
            self.private = {c: t for c, t in self.private.items() if t > now - PRIVATE_GAP}
        await self._wait(at - now)
        return Slot(at, chat_id)

    def done(self, slot: Slot) -> None:
        slot.at = max(slot.at, self.clock.now())
        if slot.chat_id is not None:
            self.private[slot.chat_id] = max(self.private.get(slot.chat_id, slot.at), slot.at)

    async def _wait(self, delay: timedelta) -> None:
        if delay > timedelta(0):
            await self.sleep(delay.total_seconds())


class _Claim:
    """The lease on the row being delivered, renewed when a long wait ate into it."""

    def __init__(self, notifier: Notifier, message: OutboxMessage) -> None:
        self.notifier = notifier
        self.message = message

    async def keep(self) -> None:
        now = self.notifier.clock.now()
        if self.message.lease - now > RENEW_WITHIN:
            return
        lease_until = now + LEASE
        async with self.notifier.uows() as uow:
            renewed = await uow.outbox.renew(self.message, lease_until=lease_until)
            await uow.commit()
        if not renewed:
            raise LeaseLost(f"outbox {self.message.id}: lease {self.message.lease} is gone")
        self.message = replace(self.message, lease=lease_until)


class Notifier:
    def __init__(
        self,
        bot: Bot,
        session_factory: SessionFactory,
        *,
        settings: Settings,
        translations: Translations,
        rules: ShopRules,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = random.random,
        renderers: Mapping[Kind, Renderer] = RENDERERS,
        staff_chat: StaffChat | None = None,
        on_staff_moved: Callable[[int], None] | None = None,
    ) -> None:
        self.bot = bot
        self.renderers = dict(renderers)
        self.uows = SqlUnitOfWorkFactory(session_factory)
        self.settings = settings
        self.translations = translations
        self.rules = rules
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
        self.pacer = Pacer(clock, sleep)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._warned_no_staff_chat = False
        self.staff_chat = staff_chat or StaffChat(settings.staff_chat_id)
        self.on_staff_moved = on_staff_moved
        self._staff_down_since: datetime | None = None
        self._staff_held_until: datetime | None = None
        self._staff_hold = STAFF_HOLD

    # -- lifecycle -----------------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="outbox-notifier")
            self.wake()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:  # the database may be briefly unavailable: try on the next wake
                log.exception("outbox delivery round failed")

    # -- one round -----------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Deliver every row that is due now; returns how many were settled."""
        lanes = [self._lane("customer")]
        if self.staff_chat.id is None:
            if not self._warned_no_staff_chat:
                self._warned_no_staff_chat = True
                log.warning("STAFF_CHAT_ID is not set: staff notifications stay queued")
        else:
            lanes.append(self._lane("staff"))
        return sum(await asyncio.gather(*lanes))

    async def _lane(self, audience: str) -> int:
        done = 0
        while not self._held(audience) and (message := await self._claim(audience)) is not None:
            await self._deliver(message)
            done += 1
        return done

    def _held(self, audience: str) -> bool:
        """The staff lane waits while the staff group refuses the bot (one row then probes)."""
        until = self._staff_held_until
        return audience == "staff" and until is not None and self.clock.now() < until

    async def _claim(self, audience: str) -> OutboxMessage | None:
        now = self.clock.now()
        async with self.uows() as uow:
            message = await uow.outbox.claim(audience, now=now, lease_until=now + LEASE)
            await uow.commit()
        return message

    async def _deliver(self, message: OutboxMessage) -> None:
        claim = _Claim(self, message)
        try:
            with before_send(claim.keep):
                sent = await self._send(message)
        except LeaseLost as reason:
            log.warning("outbox %s: %s not sent: %s", message.id, message.kind, reason)
        except Skip as reason:
            await self._settle(claim.message, give_up=("skipped", str(reason)))
        except KnownUnreachable:
            await self._settle(claim.message, give_up=("failed", UNREACHABLE), counted=False)
        except StaffChatMoved as moved:
            self.follow(moved.new_id)
            await self._settle(claim.message, retry=(self.clock.now(), str(moved), False))
        except StaffChatDown as down:
            until = self._staff_down(str(down))
            await self._settle(claim.message, retry=(until, str(down), False))
        except Unreachable as reason:
            await self._unreachable(claim.message, str(reason))
        except Hold as hold:
            await self._settle(claim.message, retry=(hold.until, str(hold), False))
        except NotReady as reason:
            due = self.clock.now() + CARD_NOT_YET
            await self._settle(claim.message, retry=(due, str(reason), False))
        except TelegramRetryAfter as error:  # the flood gate gave up waiting: not a failure
            due = self.clock.now() + timedelta(seconds=error.retry_after)
            await self._settle(claim.message, retry=(due, str(error), False))
        except Exception as error:  # any failure must leave the row retryable
            await self._failed(claim.message, error)
        else:
            await self._settle(claim.message, sent=sent)
            if claim.message.audience == "staff":
                self._staff_up()

    # -- the staff group -----------------------------------------------------------------------

    async def check_staff_chat(self) -> None:
        """At start: follow a group that became a supergroup; say at once if it is unusable."""
        chat_id = self.staff_chat.id
        if chat_id is None:
            return
        try:
            chat = await self._call(chat_id, lambda: self.bot.get_chat(chat_id))
        except StaffChatMoved as moved:
            self.follow(moved.new_id)
        except StaffChatDown as down:
            self._staff_down(str(down))
        except Exception as error:  # Telegram briefly away: the first card will tell
            log.warning("could not check the staff group %s: %s", chat_id, error)
        else:
            # Whether each case gets a forum topic; asked again when it is not known.
            self.staff_chat.is_forum = bool(chat.is_forum)

    def follow(self, new_id: int) -> None:
        old, self.staff_chat.id = self.staff_chat.id, new_id
        if old == new_id:
            return
        self.staff_chat.is_forum = None  # a new supergroup: its topics are asked again
        log.error(
            "The staff group %s was upgraded to a supergroup with the new id %s; the bot now "
            "uses the new id. Fix: set STAFF_CHAT_ID=%s in the settings so it starts with it.",
            old,
            new_id,
            new_id,
        )
        if self.on_staff_moved is not None:
            self.on_staff_moved(new_id)

    def _staff_down(self, reason: str) -> datetime:
        """Hold the staff lane; one log line per outage, naming the fix."""
        now = self.clock.now()
        if self._staff_down_since is None:
            self._staff_down_since, self._staff_hold = now, STAFF_HOLD
            log.error(
                "Cannot write to the staff group (STAFF_CHAT_ID=%s): %s. Staff notifications "
                "are held, none is dropped, and go out once the bot can write there again. "
                "Fix: add the bot to the staff group with permission to send messages, or set "
                "STAFF_CHAT_ID to the staff group's id.",
                self.staff_chat.id,
                reason,
            )
        else:
            self._staff_hold = min(self._staff_hold * 2, STAFF_HOLD_MAX)
        self._staff_held_until = now + self._staff_hold
        return self._staff_held_until

    def _staff_up(self) -> None:
        if self._staff_down_since is not None:
            log.warning(
                "The staff group %s can be written to again; sending the held notifications.",
                self.staff_chat.id,
            )
        self._staff_down_since = self._staff_held_until = None

    async def _unreachable(self, message: OutboxMessage, reason: str) -> None:
        log.warning("outbox %s: %s unreachable: %s", message.id, message.kind, reason)
        customer_id = message.customer_id if message.audience == "customer" else None

        async def mark(uow: UnitOfWork, now: datetime) -> None:
            if customer_id is not None:
                await uow.customers.mark_unreachable(customer_id, now)

        await self._settle(message, give_up=("failed", f"{UNREACHABLE}: {reason}"), also=mark)

    async def _failed(self, message: OutboxMessage, error: Exception) -> None:
        attempts = message.attempts + 1
        text = f"{type(error).__name__}: {error}"
        if attempts < MAX_ATTEMPTS and not _for_good(error):
            log.warning(
                "outbox %s: %s failed (attempt %s): %s", message.id, message.kind, attempts, text
            )
            due = self.clock.now() + self._backoff(attempts)
            await self._settle(message, retry=(due, text, True))
            return
        log.error("outbox %s: %s is dead: %s", message.id, message.kind, text)

        async def alert(uow: UnitOfWork, now: datetime) -> None:
            if message.kind == Kind.STAFF_DEAD_LETTER:  # a failed alert is not alerted about
                return
            last = await uow.outbox.last_created(Kind.STAFF_DEAD_LETTER)
            if last is not None and now - last < ALERT_QUIET:
                return  # the same outage: its alert counts every dead row when it is sent
            await uow.outbox.add(
                Notification(
                    kind=Kind.STAFF_DEAD_LETTER,
                    audience="staff",
                    dedupe_key=f"dead-letter:{message.id}",
                    due_at=now,
                    payload=DeadLetter(message.id, Kind(message.kind), text[:200]),
                ),
                now,
            )

        await self._settle(message, give_up=("dead", text), also=alert)

    def _backoff(self, attempts: int) -> timedelta:
        """Three quarters of the doubling wait for sure, the last quarter at random.

        Rows that failed together (Telegram down for a minute) then come back
        spread out instead of all at once; the sure part keeps the day of retries
        between 24 and 36 hours however the draws fall.
        """
        ceiling = backoff_ceiling(attempts)
        return ceiling * SURE_WAIT + ceiling * (1 - SURE_WAIT) * min(max(self.jitter(), 0.0), 1.0)

    async def _settle(
        self,
        message: OutboxMessage,
        *,
        sent: Sent | None = None,
        give_up: tuple[str, str] | None = None,
        retry: tuple[datetime, str, bool] | None = None,
        counted: bool = True,
        also: AlsoWrite | None = None,
    ) -> None:
        now = self.clock.now()
        async with self.uows() as uow:
            if sent is not None:
                held = await uow.outbox.mark_sent(message, now=now, message_id=sent.message_id)
                for follow_up in sent.follow_ups if held else []:
                    await uow.outbox.add(follow_up, now)
            elif give_up is not None:
                status, error = give_up
                held = await uow.outbox.give_up(
                    message, status=status, error=error, count_attempt=counted
                )
            else:
                assert retry is not None
                due, error, counted = retry
                held = await uow.outbox.retry(
                    message, due_at=due, error=error, count_attempt=counted
                )
            if held and also is not None:
                await also(uow, now)
            await uow.commit()
        if not held:
            log.warning("outbox %s: lease lost while sending %s", message.id, message.kind)

    # -- Telegram calls ------------------------------------------------------------------------

    async def _call(self, chat_id: int, method: Callable[[], Awaitable[Any]]) -> Any:
        """One Bot API call: wait for a private chat's slot, classify the failure.

        The staff group's minute budget and ``retry_after`` are kept below, by the
        session's flood gate, for every call of the bot; a 429 that still reaches
        here gives the row back to the queue.
        """
        group = chat_id == self.staff_chat.id
        slot = None if group else await self.pacer.private_slot(chat_id)
        try:
            await check_before_send()
            return await method()
        except TelegramMigrateToChat as error:
            if group:
                raise StaffChatMoved(error.migrate_to_chat_id) from error
            raise Unreachable(error.message) from error
        except TelegramForbiddenError as error:
            raise (StaffChatDown if group else Unreachable)(error.message) from error
        except (TelegramBadRequest, TelegramNotFound) as error:
            text = error.message.lower()
            if "chat not found" in text:
                raise (StaffChatDown if group else Unreachable)(error.message) from error
            # Without the right to make topics the group still takes cards (cases fall back
            # to reply threading): only a right to write at all holds the group's rows.
            no_rights = "not enough rights" in text or "have no rights" in text
            if group and no_rights and "topic" not in text:
                raise StaffChatDown(error.message) from error
            raise
        finally:
            if slot is not None:
                self.pacer.done(slot)

    async def _send_text(
        self, chat_id: int, text: str, *, reply_to: int | None = None, **kwargs: Any
    ) -> int:
        reply = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to
            else None
        )
        message: Message = await self._call(
            chat_id,
            lambda: self.bot.send_message(chat_id, text, reply_parameters=reply, **kwargs),
        )
        return message.message_id

    # -- rendering each kind -------------------------------------------------------------------

    async def _send(self, message: OutboxMessage) -> Sent:
        if message.audience == "staff":
            chat_id = self.staff_chat.id
            assert chat_id is not None  # the staff lane only runs with a staff chat
            t = self.translations.get(None)
        else:
            chat_id, t = await self._customer(message)
        try:
            kind = kind_of(message.kind)
        except UnknownKind:
            # Written by another release: say so once, and do not hold the queue up with it.
            log.warning("outbox %s: unknown kind %r skipped", message.id, message.kind)
            raise Skip(f"unknown kind {message.kind}") from None
        renderer = self.renderers.get(kind)
        if renderer is None:
            raise Skip(f"unknown kind {message.kind}")
        letter = Letter(chat_id, t, kind, message.customer_id, decode(kind, message.data))
        return await renderer(self, letter)

    # What renderers may use (handlers.notices.Outlet).
    async def call(self, chat_id: int, method: Callable[[], Awaitable[Any]]) -> Any:
        return await self._call(chat_id, method)

    async def send_text(
        self, chat_id: int, text: str, *, reply_to: int | None = None, **kwargs: Any
    ) -> int:
        return await self._send_text(chat_id, text, reply_to=reply_to, **kwargs)

    async def _customer(self, message: OutboxMessage) -> tuple[int, Translator]:
        if message.customer_id is None:
            raise Skip("no customer")
        async with self.uows() as uow:
            customer = await uow.customers.get(message.customer_id)
            if customer is None or customer.telegram_id is None:
                raise Skip("customer not linked to Telegram")
            if customer.unreachable_at is not None:
                raise KnownUnreachable(f"since {customer.unreachable_at.isoformat()}")
            locale = await uow.prefs.locale(customer.telegram_id)
        # Every customer row is a push (replies to a press are sent by the handler itself),
        # so none goes out in the shopper's night; staff's part of a conversation the
        # shopper started is not a push.
        until = quiet_until(self.clock.now(), _zone(customer.timezone) or self.rules.tz)
        if until is not None and message.kind not in LIVE_KINDS:
            raise Hold(until)
        return customer.telegram_id, self.translations.get(locale)


def _for_good(error: Exception) -> bool:
    """A 400 that the same request will get again: no use retrying it for a day."""
    if not isinstance(error, TelegramBadRequest):
        return False
    said = error.message.lower()
    return not any(words in said for words in PASSING_400)


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown customer timezone %r; using the shop's", name)
        return None


#: The rest of an update's handling, as an outer middleware sees it.
Next = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class WakeNotifier(BaseMiddleware):
    """Outer middleware: once an update is handled (and its use case committed), send.

    Before handling, Telegram's service message about the staff group's upgrade moves
    the bot to the new supergroup at once, before staff write there.
    """

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    async def __call__(self, handler: Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._follow_staff_chat(event)
        try:
            return await handler(event, data)
        finally:
            self.notifier.wake()

    def _follow_staff_chat(self, event: TelegramObject) -> None:
        message = event.message if isinstance(event, Update) else None
        current = self.notifier.staff_chat.id
        if message is None or current is None:
            return
        if message.chat.id == current and message.migrate_to_chat_id:
            self.notifier.follow(message.migrate_to_chat_id)
        elif message.migrate_from_chat_id == current:
            self.notifier.follow(message.chat.id)
