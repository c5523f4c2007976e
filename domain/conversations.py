"""Talking to staff: a case per order and shopper, its messages, closing and reopening it.

Where the shop's rules end in "staff must help" (a parcel to send back, delivered goods
to negotiate, an activated key to exchange, a refund that failed, a review past its
deadline) the shopper opens a *case* about that order. What they write goes to staff,
what staff write goes back, each message as a row here and an outbox row beside it
(relayed later by the sender, in order within the case, across restarts).

The rules kept here:

* one open case per order and shopper: pressing 💬 again, or writing, goes to it;
* a case closed less than ``reopen_within`` ago (7 days by default) is opened again by
  the shopper's next message or press, in the same topic, so staff see what was said;
  an older one is left as it is and a new case (a new topic) is opened instead;
* only staff (``STAFF_IDS``) write to shoppers, and only into the case whose topic or
  reply chain they wrote in; a closed case takes no staff message until it is reopened;
* a message the bot has recorded already (Telegram handing an update out twice around
  a restart) is recorded and relayed once;
* outside working hours (09:00–18:00 on mainland working days, in the shop's timezone)
  the shopper is told when staff will answer: when the case opens, then once per quiet
  stretch (the first message after each closing time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol, runtime_checkable

from domain.cases import (
    Case,
    CaseMessage,
    CaseStatus,
    CaseTopic,
    Direction,
    Incoming,
    MessageKind,
    SavedReply,
)
from domain.notifications import (
    CaseChanged,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    Kind,
    ShopperWrote,
    StaffWrote,
)
from domain.orders import Order
from domain.policy import CancelDecision, NextStep, Reason, ShopRules
from domain.ports import (
    AuditEntry,
    CaseDraft,
    CaseMessageDraft,
    CustomerHistory,
    Notification,
    UnitOfWork,
)
from domain.satisfaction import CONVERSATION, ask_satisfaction, case_key
from domain.services import OrderSummary
from domain.shopper import OrderCard, own_order_by_number, refuse_press, shopper
from domain.staff import DAY_END, DAY_START, hours_left
from domain.tickets import Ticket

#: A case closed this recently is opened again rather than replaced by a new one.
REOPEN_WITHIN = timedelta(days=7)
#: Album items arrive as separate updates within moments; their relay waits this long so
#: that it carries the whole album (items later still go on their own).
ALBUM_WAIT = timedelta(seconds=2)
#: Recent orders the "contact staff" picker offers.
MENU_ORDERS = 5


def staff_actor(telegram_id: int) -> str:
    """The audit actor for a staff member's action (as the refund desk writes it)."""
    return f"staff:{telegram_id}"


def staff_chain(case_id: int) -> str:
    """The outbox chain of what goes to the case's topic: sent one after another."""
    return f"case:{case_id}:staff"


def shopper_chain(case_id: int) -> str:
    return f"case:{case_id}:shopper"


# --------------------------------------------------------------------------- working hours


@runtime_checkable
class Workdays(Protocol):
    def is_workday(self, day: datetime) -> bool: ...


def _is_workday(calendar: object, day: datetime) -> bool:
    if isinstance(calendar, Workdays):
        return calendar.is_workday(day)
    return day.weekday() < 5  # a calendar that knows no holidays: Monday to Friday


def staff_answer_from(
    now: datetime,
    calendar: object,
    tz: tzinfo,
    day_start: time = DAY_START,
    day_end: time = DAY_END,
) -> datetime | None:
    """When staff will next be at work, if ``now`` is outside working hours; else None.

    Working hours are ``[day_start, day_end)`` on mainland working days, wall-clock
    in ``tz``: a make-up Saturday is a working day, a holiday Monday is not.
    """
    local = now.astimezone(tz)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if _is_workday(calendar, day):
        if day_start <= local.time() < day_end:
            return None
        if local.time() < day_start:
            return datetime.combine(day.date(), day_start, tzinfo=tz)
    day += timedelta(days=1)
    for _ in range(366):
        if _is_workday(calendar, day):
            return datetime.combine(day.date(), day_start, tzinfo=tz)
        day += timedelta(days=1)
    raise ValueError("no working day within a year")  # a broken calendar, never the shop's


# --------------------------------------------------------------------------- the shopper


class OpenOutcome(StrEnum):
    OPENED = "opened"  # a new case
    RESUMED = "resumed"  # the open case of this order
    REOPENED = "reopened"  # a case closed recently, open again
    NOT_FOUND = "not_found"  # not this shopper's order or case


@dataclass(frozen=True, slots=True)
class OpenResult:
    outcome: OpenOutcome
    case: Case | None = None
    #: Outside working hours: when staff will answer.
    staff_from: datetime | None = None


async def open_case(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int | None,
    topic: CaseTopic,
    actor: str,
    rules: ShopRules,
    now: datetime,
    reopen_within: timedelta = REOPEN_WITHIN,
) -> OpenResult:
    """The shopper's case about ``order_id`` (None: a question about no order), opened,
    resumed or reopened; the order's ownership is checked on every press."""
    async with uow:
        if order_id is not None and await uow.orders.for_customer(customer_id, order_id) is None:
            await refuse_press(
                uow, "case_not_owned", now, who=f"customer:{customer_id}", budget=rules.refusals
            )
            return OpenResult(OpenOutcome.NOT_FOUND)
        draft = CaseDraft(customer_id, order_id, topic)
        result = await _start(uow, draft, actor=actor, now=now, reopen_within=reopen_within)
        staff_from = await _quiet_notice(uow, result.case, rules, now)
        await uow.commit()
    return OpenResult(result.outcome, result.case, staff_from)


def case_topic(decision: CancelDecision) -> CaseTopic:
    """What a case about an order is about, by the step the rules leave the shopper at
    (an after-sales step, or a question)."""
    if decision.reason is Reason.CARD_KEY_ACTIVATED:
        return CaseTopic.EXCHANGE
    return _STEP_TOPICS.get(decision.next_step, CaseTopic.GENERAL)


def late_reviews(tickets: Iterable[Ticket], rules: ShopRules, now: datetime) -> frozenset[int]:
    """The open tickets past their review deadline: the shopper may ask staff directly."""
    return frozenset(
        ticket.id
        for ticket in tickets
        if not ticket.status.closed and hours_left(ticket.deadline, rules, now) <= 0
    )


_STEP_TOPICS = {
    NextStep.RETURN_REFUND: CaseTopic.RETURN,
    NextStep.NEGOTIATE_EXCHANGE: CaseTopic.NEGOTIATE,
    NextStep.CONTACT_AFTER_SALES: CaseTopic.AFTER_SALES,
}


async def open_case_by_number(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_no: str,
    actor: str,
    rules: ShopRules,
    now: datetime,
    reopen_within: timedelta = REOPEN_WITHIN,
) -> OpenResult:
    """``/contact ORDER_NO``: only the shopper's own order (typed as they see it)."""
    async with uow:
        order = await own_order_by_number(uow, customer_id, order_no)
    if order is None:
        return OpenResult(OpenOutcome.NOT_FOUND)
    return await open_case(
        uow,
        customer_id=customer_id,
        order_id=order.id,
        topic=case_topic(rules.decide(order, now)),
        actor=actor,
        rules=rules,
        now=now,
        reopen_within=reopen_within,
    )


@dataclass(frozen=True, slots=True)
class ContactMenu:
    """What "contact staff" offers: open cases to continue, then recent orders."""

    cases: list[Case]
    orders: list[OrderSummary]


async def contact_menu(
    uow: UnitOfWork, customer_id: int, rules: ShopRules, now: datetime
) -> ContactMenu:
    async with uow:
        cases = await uow.cases.open_for_customer(customer_id)
        recent = await uow.orders.recent_for_customer(customer_id, limit=MENU_ORDERS)
    orders = [OrderSummary(order, rules.decide(order, now)) for order in recent.orders]
    return ContactMenu(cases, orders)


async def open_case_by_id(
    uow: UnitOfWork,
    *,
    customer_id: int,
    case_id: int,
    actor: str,
    rules: ShopRules,
    now: datetime,
    reopen_within: timedelta = REOPEN_WITHIN,
) -> OpenResult:
    """The same, from a button that names the case (a reply button on staff's message)."""
    async with uow:
        case = await uow.cases.for_customer(customer_id, case_id)
        if case is None:
            await refuse_press(
                uow, "case_not_owned", now, who=f"customer:{customer_id}", budget=rules.refusals
            )
            return OpenResult(OpenOutcome.NOT_FOUND)
    return await open_case(
        uow,
        customer_id=customer_id,
        order_id=case.order_id,
        topic=case.topic,
        actor=actor,
        rules=rules,
        now=now,
        reopen_within=reopen_within,
    )


async def _start(
    uow: UnitOfWork,
    draft: CaseDraft,
    *,
    actor: str,
    now: datetime,
    reopen_within: timedelta,
) -> OpenResult:
    """Resume, reopen or open; never two open cases for one order and shopper."""
    customer_id, order_id, topic = draft.customer_id, draft.order_id, draft.topic
    latest = await uow.cases.latest(customer_id, order_id)
    if latest is not None and latest.status is CaseStatus.OPEN:
        return OpenResult(OpenOutcome.RESUMED, latest)
    if latest is not None and _recent(latest, now, reopen_within):
        reopened = await _reopen(uow, latest, actor, now, by_shopper=True)
        if reopened is not None:
            return OpenResult(OpenOutcome.REOPENED, reopened)
    case = await uow.cases.add(draft, now)
    if case is None:  # another press opened it a moment ago: that one is the case
        found = await uow.cases.latest(customer_id, order_id)
        assert found is not None and found.status is CaseStatus.OPEN
        return OpenResult(OpenOutcome.RESUMED, found)
    uow.audit.add(
        AuditEntry("case.opened", actor, now, order_id, {"case": case.id, "topic": topic.value})
    )
    await uow.outbox.add(
        Notification(
            Kind.STAFF_CASE_OPENED,
            "staff",
            f"case-opened:{case.id}",
            now,
            customer_id=customer_id,
            payload=CaseOpened(case.id),
            chain=staff_chain(case.id),
        ),
        now,
    )
    return OpenResult(OpenOutcome.OPENED, case)


def _recent(case: Case, now: datetime, within: timedelta) -> bool:
    return case.closed_at is not None and now - case.closed_at < within


async def _quiet_notice(
    uow: UnitOfWork, case: Case | None, rules: ShopRules, now: datetime
) -> datetime | None:
    """When staff answer, if outside working hours; counts as this stretch's notice."""
    staff_from = staff_answer_from(now, rules.calendar, rules.tz)
    if staff_from is not None and case is not None:
        await uow.cases.tell_quiet(case.id, staff_from)
    return staff_from


class WriteOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # this very message was recorded before (an update seen twice)
    NOT_FOUND = "not_found"  # the case is not this shopper's (or no longer exists)


@dataclass(frozen=True, slots=True)
class WriteResult:
    outcome: WriteOutcome
    case: Case | None = None
    #: What to tell the shopper: their first message since the case (re)opened...
    first: bool = False
    #: ...the case was opened again (or a new one opened) by this message...
    opened: OpenOutcome | None = None
    #: ...and, once per quiet stretch, when staff will answer.
    staff_from: datetime | None = None


async def shopper_writes(
    uow: UnitOfWork,
    *,
    customer_id: int,
    case_id: int,
    incoming: Incoming,
    telegram_id: int,
    rules: ShopRules,
    now: datetime,
    reopen_within: timedelta = REOPEN_WITHIN,
) -> WriteResult:
    """Record the shopper's message in their case and queue its relay to staff.

    A closed case is opened again (or replaced by a new one, see the module's rules):
    what the shopper writes is never dropped.
    """
    actor = shopper(telegram_id)
    async with uow:
        case = await uow.cases.for_customer(customer_id, case_id)
        if case is None:
            return WriteResult(WriteOutcome.NOT_FOUND)
        opened = None
        if case.status is CaseStatus.CLOSED:
            draft = CaseDraft(customer_id, case.order_id, case.topic)
            started = await _start(uow, draft, actor=actor, now=now, reopen_within=reopen_within)
            assert started.case is not None
            case, opened = started.case, started.outcome
        message = await uow.cases.add_message(
            CaseMessageDraft(case.id, Direction.IN, telegram_id, incoming), now
        )
        if message is None:
            await uow.rollback()
            return WriteResult(WriteOutcome.DUPLICATE, case)
        await uow.outbox.add(_relay(case, message, now), now)
        first = await uow.cases.first_message(case.id)
        staff_from = staff_answer_from(now, rules.calendar, rules.tz)
        if staff_from is not None and not await uow.cases.tell_quiet(case.id, staff_from):
            staff_from = None  # told already in this stretch
        await uow.commit()
    return WriteResult(WriteOutcome.SENT, case, first, opened, staff_from)


def _relay(case: Case, message: CaseMessage, now: datetime) -> Notification:
    """The outbox row that carries one message to the other side, in the case's order."""
    due = now + ALBUM_WAIT if message.media_group_id else now
    if message.direction is Direction.IN:
        return Notification(
            Kind.STAFF_CASE_MESSAGE,
            "staff",
            f"case-msg:{message.id}",
            due,
            customer_id=case.customer_id,
            payload=ShopperWrote(case.id, message.id),
            chain=staff_chain(case.id),
        )
    return Notification(
        Kind.CUSTOMER_CASE_MESSAGE,
        "customer",
        f"case-msg:{message.id}",
        due,
        customer_id=case.customer_id,
        payload=StaffWrote(case.id, message.id),
        chain=shopper_chain(case.id),
    )


async def shopper_cases(uow: UnitOfWork, customer_id: int) -> list[Case]:
    """The shopper's open cases, newest first (what /contact offers to continue)."""
    async with uow:
        return await uow.cases.open_for_customer(customer_id)


async def own_case(uow: UnitOfWork, customer_id: int, case_id: int) -> Case | None:
    async with uow:
        return await uow.cases.for_customer(customer_id, case_id)


# --------------------------------------------------------------------------- staff


class StaffOutcome(StrEnum):
    DONE = "done"
    NOT_STAFF = "not_staff"
    NO_CASE = "no_case"  # the topic or reply names no case
    CLOSED = "closed"  # a message for a closed case: reopen it first
    ALREADY = "already"  # closing a closed case, reopening an open one
    NEWER_OPEN = "newer_open"  # reopening an old case while a newer one is open
    DUPLICATE = "duplicate"
    UNKNOWN_REPLY = "unknown_reply"
    UNSUPPORTED = "unsupported"  # a sticker, a voice message: not passed on


@dataclass(frozen=True, slots=True)
class StaffResult:
    outcome: StaffOutcome
    case: Case | None = None
    #: A saved reply's text, as sent (for the echo in the topic).
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Where:
    """Which case a staff message or press is about: a button names it; a message is in its
    topic, or replies to its card or to one of its messages."""

    case_id: int | None = None
    thread_id: int | None = None
    replied_to: int | None = None
    #: The group the message is in: topic and message ids mean something only there.
    chat_id: int | None = None


async def _locate(uow: UnitOfWork, where: Where) -> Case | None:
    """A topic names exactly one case, and so does a reply chain: the header card and
    every relayed message are linked to their case when sent."""
    if where.case_id is not None:
        return await uow.cases.get(where.case_id)
    if where.chat_id is None:
        return None
    if where.thread_id is not None:
        found = await uow.cases.by_thread(where.chat_id, where.thread_id)
        if found is not None:
            return found
    if where.replied_to is not None:
        return await uow.cases.by_link(staff_place(where.chat_id), where.replied_to)
    return None


def staff_place(chat_id: int) -> str:
    """Where a case's message was sent in the staff group (its links are kept by group)."""
    return f"staff:{chat_id}"


async def _refused(uow: UnitOfWork, staff_id: int, what: str, now: datetime) -> StaffResult:
    async with uow:
        refusal = AuditEntry("case.staff_refused", shopper(staff_id), now, detail={"what": what})
        uow.audit.add(refusal)
        await uow.commit()
    return StaffResult(StaffOutcome.NOT_STAFF)


async def staff_writes(
    uow: UnitOfWork,
    *,
    where: Where,
    staff_id: int,
    is_staff: bool,
    incoming: Incoming | None,
    now: datetime,
) -> StaffResult:
    """Record a staff member's message in its case and queue its copy to the shopper.

    NO_CASE for a message in no case's topic or reply chain: talk among staff, left alone.
    ``incoming`` None: a kind of message that is not passed on (UNSUPPORTED in a case).
    """
    if not is_staff:
        return StaffResult(StaffOutcome.NOT_STAFF)  # group talk: never relayed, not audited
    async with uow:
        case = await _locate(uow, where)
        if case is None:
            return StaffResult(StaffOutcome.NO_CASE)
        if incoming is None:
            return StaffResult(StaffOutcome.UNSUPPORTED, case)
        if case.status is CaseStatus.CLOSED:
            return StaffResult(StaffOutcome.CLOSED, case)
        message = await uow.cases.add_message(
            CaseMessageDraft(case.id, Direction.OUT, staff_id, incoming), now
        )
        if message is None:
            return StaffResult(StaffOutcome.DUPLICATE, case)
        await uow.outbox.add(_relay(case, message, now), now)
        await uow.commit()
    return StaffResult(StaffOutcome.DONE, case)


async def close_case(
    uow: UnitOfWork, *, where: Where, staff_id: int, is_staff: bool, now: datetime
) -> StaffResult:
    """Staff close the case: the shopper is told, the topic closes, the case has ended."""
    if not is_staff:
        return await _refused(uow, staff_id, "close", now)
    actor = staff_actor(staff_id)
    async with uow:
        case = await _locate(uow, where)
        if case is None:
            return StaffResult(StaffOutcome.NO_CASE)
        if not await uow.cases.transition(
            case.id, expected=CaseStatus.OPEN, new=CaseStatus.CLOSED, now=now
        ):
            return StaffResult(StaffOutcome.ALREADY, case)
        closed = await uow.cases.get(case.id)
        assert closed is not None
        uow.audit.add(AuditEntry("case.closed", actor, now, case.order_id, {"case": case.id}))
        await _tell_both(uow, closed, now, staff_id=staff_id)
        await case_ended(uow, closed, actor=actor, now=now)
        await uow.commit()
    return StaffResult(StaffOutcome.DONE, closed)


async def case_ended(uow: UnitOfWork, case: Case, *, actor: str, now: datetime) -> None:
    """The case ended (staff closed it): the one place to act on that, inside its
    transaction. The shopper is asked once how it went; a case reopened and closed again
    is the same case, so it is not asked about twice. The closing's audit row and notices
    are written by the caller.
    """
    await ask_satisfaction(
        uow,
        customer_id=case.customer_id,
        case=case_key(CONVERSATION, case.id),
        order_id=case.order_id,
        now=now,
    )


async def reopen_case(
    uow: UnitOfWork, *, where: Where, staff_id: int, is_staff: bool, now: datetime
) -> StaffResult:
    """Staff reopen a closed case (its topic too); the shopper is told they can write."""
    if not is_staff:
        return await _refused(uow, staff_id, "reopen", now)
    async with uow:
        case = await _locate(uow, where)
        if case is None:
            return StaffResult(StaffOutcome.NO_CASE)
        if case.status is CaseStatus.OPEN:
            return StaffResult(StaffOutcome.ALREADY, case)
        reopened = await _reopen(uow, case, staff_actor(staff_id), now, staff_id=staff_id)
        if reopened is None:
            current = await uow.cases.get(case.id)
            if current is not None and current.status is CaseStatus.OPEN:
                return StaffResult(StaffOutcome.ALREADY, current)
            return StaffResult(StaffOutcome.NEWER_OPEN, case)
        await uow.commit()
    return StaffResult(StaffOutcome.DONE, reopened)


async def _reopen(
    uow: UnitOfWork,
    case: Case,
    actor: str,
    now: datetime,
    *,
    by_shopper: bool = False,
    staff_id: int | None = None,
) -> Case | None:
    """Closed → open, unless another case of the same order is open; the caller commits."""
    if not await uow.cases.transition(
        case.id, expected=CaseStatus.CLOSED, new=CaseStatus.OPEN, now=now
    ):
        return None
    reopened = await uow.cases.get(case.id)
    assert reopened is not None
    uow.audit.add(
        AuditEntry(
            "case.reopened",
            actor,
            now,
            case.order_id,
            {"case": case.id, "by": "shopper" if by_shopper else "staff"},
        )
    )
    await _tell_both(uow, reopened, now, staff_id=staff_id, by_shopper=by_shopper)
    return reopened


async def _tell_both(
    uow: UnitOfWork,
    case: Case,
    now: datetime,
    *,
    staff_id: int | None = None,
    by_shopper: bool = False,
) -> None:
    """The topic follows (header, closed or open, a note), and the shopper is told
    unless it was their own doing."""
    closed = case.status is CaseStatus.CLOSED
    await uow.outbox.add(
        Notification(
            Kind.STAFF_CASE_CHANGED,
            "staff",
            f"case-changed:{case.id}:{case.changes}",
            now,
            customer_id=case.customer_id,
            payload=CaseChanged(case.id, closed, by_shopper, staff_id),
            chain=staff_chain(case.id),
        ),
        now,
    )
    if by_shopper:
        return
    kind, payload = (
        (Kind.CUSTOMER_CASE_CLOSED, CaseClosed(case.id, case.order_no))
        if closed
        else (Kind.CUSTOMER_CASE_REOPENED, CaseReopened(case.id, case.order_no))
    )
    await uow.outbox.add(
        Notification(
            kind,
            "customer",
            f"case-news:{case.id}:{case.changes}",
            now,
            customer_id=case.customer_id,
            payload=payload,
            chain=shopper_chain(case.id),
        ),
        now,
    )


# --------------------------------------------------------------------------- saved replies

#: A saved reply's name: letters (any script), digits, _ and -.
REPLY_NAME = re.compile(r"^[\w-]{1,32}$")
MAX_REPLY_TEXT = 3000


def reply_name(raw: str) -> str | None:
    """The name as stored (case-folded), or None when it cannot be one."""
    name = raw.strip().casefold()
    return name if REPLY_NAME.match(name) else None


def reply_text(raw: str) -> str | None:
    text = raw.strip()
    return text if 0 < len(text) <= MAX_REPLY_TEXT else None


class ReplyOutcome(StrEnum):
    SAVED = "saved"  # a new name
    REPLACED = "replaced"  # the name had a text: it has this one now
    DELETED = "deleted"
    UNKNOWN = "unknown"  # no saved reply by that name
    NOT_STAFF = "not_staff"


async def saved_replies(uow: UnitOfWork) -> list[SavedReply]:
    async with uow:
        return await uow.replies.all()


async def save_reply(
    uow: UnitOfWork, *, name: str, text: str, staff_id: int, is_staff: bool, now: datetime
) -> ReplyOutcome:
    """``/replies add NAME TEXT``: the name and text are checked by the caller (reply_name,
    reply_text); a name already taken gets the new text."""
    if not is_staff:
        await _refused(uow, staff_id, "replies", now)
        return ReplyOutcome.NOT_STAFF
    async with uow:
        created = await uow.replies.put(SavedReply(name, text, staff_id, now))
        uow.audit.add(
            AuditEntry(
                "reply.saved",
                staff_actor(staff_id),
                now,
                detail={"name": name, "new": created, "chars": len(text)},
            )
        )
        await uow.commit()
    return ReplyOutcome.SAVED if created else ReplyOutcome.REPLACED


async def delete_reply(
    uow: UnitOfWork, *, name: str, staff_id: int, is_staff: bool, now: datetime
) -> ReplyOutcome:
    if not is_staff:
        await _refused(uow, staff_id, "replies", now)
        return ReplyOutcome.NOT_STAFF
    async with uow:
        if not await uow.replies.delete(name):
            return ReplyOutcome.UNKNOWN
        uow.audit.add(
            AuditEntry("reply.deleted", staff_actor(staff_id), now, detail={"name": name})
        )
        await uow.commit()
    return ReplyOutcome.DELETED


async def send_saved_reply(
    uow: UnitOfWork,
    *,
    where: Where,
    name: str,
    staff_id: int,
    is_staff: bool,
    incoming: Incoming,
    now: datetime,
) -> StaffResult:
    """``/reply NAME`` in a case: the saved text goes to the case's shopper, as staff's."""
    if not is_staff:
        return await _refused(uow, staff_id, "reply", now)
    async with uow:
        saved = await uow.replies.get(name)
        if saved is None:
            return StaffResult(StaffOutcome.UNKNOWN_REPLY)
    sent = Incoming(incoming.chat_id, incoming.message_id, MessageKind.SAVED, text=saved.text)
    result = await staff_writes(
        uow, where=where, staff_id=staff_id, is_staff=True, incoming=sent, now=now
    )
    return StaffResult(result.outcome, result.case, saved.text)


# --------------------------------------------------------------------------- the header card


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the case's header card shows staff: the case, its order, this customer's history
    (and only theirs)."""

    case: Case
    customer_name: str
    history: CustomerHistory
    card: OrderCard | None


async def case_view(
    uow: UnitOfWork, case_id: int, rules: ShopRules, now: datetime
) -> CaseView | None:
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None:
            return None
        customer = await uow.customers.get(case.customer_id)
        history = await uow.tickets.history(case.customer_id)
        order: Order | None = None
        refund = None
        if case.order_id is not None:
            order = await uow.orders.get(case.order_id)
            refund = await uow.refunds.for_order(case.order_id) if order else None
    card = OrderCard(order, rules.decide(order, now), refund) if order is not None else None
    return CaseView(case, customer.name if customer else "", history, card)
