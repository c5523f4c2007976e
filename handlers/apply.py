"""The shopper's application for cancel: reason, screenshots, summary, submit; open tickets.

A resumable FSM (``handlers.states.ApplyFlow``). The draft lives in FSM data
under one key, so leaving the application never touches other conversation
data (the last search). Every press re-checks the order or ticket through a
use case; a press that does not fit the draft is refused politely.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, MagicData, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.orders import Customer
from domain.policy import ShopRules
from domain.ports import Clock, UnitOfWork
from domain.review import (
    ApplyOutcome,
    ApplyResult,
    EvidenceOutcome,
    add_ticket_evidence,
    check_application,
    customer_tickets,
    file_ticket,
    may_file,
    open_ticket_for,
    withdraw_ticket,
)
from domain.shopper import MAX_QUERY, OrderCard, open_order_by_number, refuse_press, shopper
from domain.tickets import (
    MAX_EVIDENCE,
    MAX_EVIDENCE_BYTES,
    MAX_REASON_CHARS,
    Evidence,
    EvidenceProblem,
    Ticket,
    TicketKind,
    TicketReason,
    check_evidence,
    clean_reason_text,
)
from handlers.callbacks import (
    ApplyAction,
    ApplyCb,
    MyTicketAction,
    MyTicketCb,
    OrderAction,
    OrderCb,
)
from handlers.common import answer, show
from handlers.i18n import Translator
from handlers.states import ApplyFlow
from handlers.views import Rendered, card_view, money_lines

DRAFT = "apply"  # FSM data key of the application being written
MORE = "apply_more"  # FSM data key of the open ticket getting more screenshots
MB = 1024 * 1024
MAX_EVIDENCE_MB = MAX_EVIDENCE_BYTES // MB

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


# --------------------------------------------------------------------------- routers


def create_leave_router() -> Router:
    """Any command during an application leaves it first; comes before every other router.

    Bare ``/cancel`` only leaves; other commands (``/start``, ``/cancel KM-1``, ...) then
    go on to their own handlers. ``/apply`` decides itself whether to resume.
    """
    router = Router(name=f"{__name__}.leave")
    router.message.filter(F.chat.type == "private", StateFilter(ApplyFlow))
    router.message.register(on_command_in_flow, F.text.startswith("/"))
    return router


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    # An album's photos arrive together and are handled concurrently: count them in turn.
    router.message.middleware(OneAtATime())

    unlinked = MagicData(F.customer.is_(None))
    mine = or_f(
        ApplyCb.filter(), MyTicketCb.filter(), OrderCb.filter(F.action == OrderAction.APPLY)
    )
    router.callback_query.register(on_unlinked_press, unlinked, mine)
    router.message.register(on_unlinked_command, unlinked, Command("apply", "tickets"))
    router.message.register(on_unlinked_in_flow, unlinked, StateFilter(ApplyFlow))

    router.message.register(apply_command, Command("apply"))
    router.message.register(tickets_command, Command("tickets"))
    router.callback_query.register(on_apply, OrderCb.filter(F.action == OrderAction.APPLY))

    router.callback_query.register(on_leave, ApplyCb.filter(F.action == ApplyAction.LEAVE))
    router.callback_query.register(on_step, ApplyCb.filter())

    plain_text = F.text & ~F.text.startswith("/")
    image = F.photo | F.document
    router.message.register(on_reason_text, ApplyFlow.reason, plain_text)
    router.message.register(on_reason_text, ApplyFlow.text, plain_text)
    router.message.register(on_evidence, ApplyFlow.evidence, image)
    router.message.register(on_more_evidence, ApplyFlow.more_evidence, image)
    router.message.register(on_other_input, StateFilter(ApplyFlow), ~F.text.startswith("/"))

    router.callback_query.register(
        on_ticket_add, MyTicketCb.filter(F.action == MyTicketAction.ADD)
    )
    router.callback_query.register(
        on_ticket_done, MyTicketCb.filter(F.action == MyTicketAction.DONE)
    )
    router.callback_query.register(
        on_ticket_keep, MyTicketCb.filter(F.action == MyTicketAction.KEEP)
    )
    router.callback_query.register(
        on_withdraw_ask, MyTicketCb.filter(F.action == MyTicketAction.WITHDRAW)
    )
    router.callback_query.register(
        on_withdraw_confirm, MyTicketCb.filter(F.action == MyTicketAction.CONFIRM)
    )
    return router


class OneAtATime(BaseMiddleware):
    """Handles one chat's messages one after another (per router, no global state)."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Message):
            return await handler(event, data)
        lock, users = self._locks.setdefault(event.chat.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                return await handler(event, data)
        finally:
            users[0] -= 1
            if not users[0]:
                self._locks.pop(event.chat.id, None)


# --------------------------------------------------------------------------- the draft


@dataclass(frozen=True, slots=True)
class Draft:
    order_id: int
    reason: TicketReason | None = None
    text: str = ""
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def to_data(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "reason": self.reason.value if self.reason else None,
            "text": self.text,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_data(cls, data: Any) -> Draft | None:
        if not isinstance(data, dict) or not isinstance(data.get("order_id"), int):
            return None
        reason = data.get("reason")
        return cls(
            order_id=data["order_id"],
            reason=TicketReason(str(reason))
            if reason in TicketReason._value2member_map_
            else None,
            text=str(data.get("text") or ""),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence") or ()),
        )


async def load_draft(state: FSMContext) -> Draft | None:
    return Draft.from_data((await state.get_data()).get(DRAFT))


async def save_draft(state: FSMContext, draft: Draft, step: Any) -> None:
    await state.set_state(step)
    await state.update_data({DRAFT: draft.to_data(), MORE: None})


async def leave_flow(state: FSMContext) -> None:
    await state.set_state(None)
    await state.update_data({DRAFT: None, MORE: None})


def evidence_of(message: Message) -> Evidence | None:
    if message.photo:
        photo = message.photo[-1]  # the original; the others are thumbnails
        return Evidence(
            photo.file_id, photo.file_unique_id, "photo", photo.file_size, "image/jpeg"
        )
    if message.document:
        doc = message.document
        return Evidence(doc.file_id, doc.file_unique_id, "document", doc.file_size, doc.mime_type)
    return None


# --------------------------------------------------------------------------- leaving


async def on_command_in_flow(message: Message, *, state: FSMContext, i18n: Translator) -> None:
    command, _, args = (message.text or "").partition(" ")
    name = command[1:].split("@", 1)[0].lower()
    if name == "apply":
        raise SkipHandler  # /apply resumes the same order's draft or starts another
    await leave_flow(state)
    await message.answer(i18n("apply-left"))
    if name == "cancel" and not args.strip():
        return
    raise SkipHandler


async def on_leave(query: CallbackQuery, *, state: FSMContext, i18n: Translator) -> None:
    await answer(query)
    await leave_flow(state)
    await show(query, i18n("apply-left"), None)


async def on_unlinked_press(
    query: CallbackQuery, *, uow: UnitOfWork, clock: Clock, i18n: Translator
) -> None:
    await answer(query, i18n("press-not-linked"), alert=True)
    await refuse_press(uow, "not_linked", clock.now())


async def on_unlinked_command(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("unlinked-hint"))


async def on_unlinked_in_flow(message: Message, *, state: FSMContext, i18n: Translator) -> None:
    await leave_flow(state)  # unlinked meanwhile: the draft is no longer theirs to finish
    await message.answer(i18n("unlinked-hint"))


# --------------------------------------------------------------------------- starting


async def apply_command(
    message: Message,
    *,
    command: CommandObject,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    """``/apply ORDER_NO``: the application for that order, resumed if one is under way."""
    order_no = (command.args or "").strip()
    if not order_no or len(order_no) > MAX_QUERY:
        await message.answer(i18n("apply-usage"))
        return
    card = await open_order_by_number(uow, customer.id, order_no, rules, clock.now())
    if card is None:
        await message.answer(i18n("search-no-order", order_no=order_no))
        return
    result = await check_application(
        uow, customer_id=customer.id, order_id=card.order.id, rules=rules, now=clock.now()
    )
    text, markup = await begin(state, result, i18n, rules, clock)
    await message.answer(text, reply_markup=markup)


async def on_apply(
    query: CallbackQuery,
    *,
    callback_data: OrderCb,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    """The card's 📝 button (or "I have not used this key"): the application as a new message."""
    result = await check_application(
        uow, customer_id=customer.id, order_id=callback_data.order_id, rules=rules, now=clock.now()
    )
    if result.outcome is ApplyOutcome.NOT_FOUND:
        await answer(query, i18n("press-not-yours"), alert=True)
        await refuse_press(uow, "apply_not_owned", clock.now())
        return
    await answer(query)
    text, markup = await begin(state, result, i18n, rules, clock)
    if result.outcome is ApplyOutcome.NOT_ALLOWED:
        await show(query, text, markup)  # a stale card: the order as it is now
    elif isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


async def begin(
    state: FSMContext, result: ApplyResult, t: Translator, rules: ShopRules, clock: Clock
) -> Rendered:
    """Where an application starts: the open ticket, the card, or the draft's current step."""
    assert result.card is not None
    if result.outcome is ApplyOutcome.ALREADY_OPEN:
        assert result.ticket is not None
        return ticket_view(t, result.ticket, head="ticket-already-open")
    if result.outcome is ApplyOutcome.NOT_ALLOWED:
        return card_view(t, result.card, rules.tz)
    draft = await load_draft(state)
    current = await state.get_state()
    if draft is not None and draft.order_id == result.card.order.id and current:
        step = {s.state: s for s in ApplyFlow.__states__}.get(current)
        if step is not None and step is not ApplyFlow.more_evidence:
            return step_view(t, step, draft, result.card, rules=rules, clock=clock)
    draft = Draft(result.card.order.id)
    await save_draft(state, draft, ApplyFlow.reason)
    return step_view(t, ApplyFlow.reason, draft, result.card, rules=rules, clock=clock)


# --------------------------------------------------------------------------- steps


async def on_step(
    query: CallbackQuery,
    *,
    callback_data: ApplyCb,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    """A button of the draft: re-check the order, then move the draft one step."""
    draft = await load_draft(state)
    if draft is None or draft.order_id != callback_data.order_id:
        await answer(query, i18n("apply-expired"), alert=True)
        await refuse_press(uow, "apply_stale", clock.now())
        return
    result = await check_application(
        uow, customer_id=customer.id, order_id=draft.order_id, rules=rules, now=clock.now()
    )
    if result.outcome is not ApplyOutcome.MAY_APPLY:
        await stop_with(query, state, result, t=i18n, rules=rules, clock=clock)
        return
    assert result.card is not None
    if callback_data.action is ApplyAction.SUBMIT:
        await submit(
            query, state, draft, customer=customer, uow=uow, rules=rules, clock=clock, t=i18n
        )
        return
    await answer(query)
    draft, step = next_step(draft, callback_data)
    await save_draft(state, draft, step)
    await show(query, *step_view(i18n, step, draft, result.card, rules=rules, clock=clock))


def next_step(draft: Draft, data: ApplyCb) -> tuple[Draft, Any]:
    action = data.action
    if action is ApplyAction.REASON and data.reason is TicketReason.OTHER:
        return replace(draft, reason=TicketReason.OTHER, text=""), ApplyFlow.text
    if action is ApplyAction.REASON and data.reason is not None:
        return replace(draft, reason=data.reason, text=""), ApplyFlow.evidence
    if action is ApplyAction.EDIT_EVIDENCE:
        return replace(draft, evidence=()), ApplyFlow.evidence
    if action in (ApplyAction.SKIP, ApplyAction.DONE) and draft.reason is not None:
        skip = action is ApplyAction.SKIP
        return replace(draft, evidence=() if skip else draft.evidence), ApplyFlow.summary
    return draft, ApplyFlow.reason  # edit reason, or a draft somehow without one


async def stop_with(
    query: CallbackQuery,
    state: FSMContext,
    result: ApplyResult,
    *,
    t: Translator,
    rules: ShopRules,
    clock: Clock,
) -> None:
    """The order moved on (or was never theirs): the draft ends, the shopper sees why."""
    await leave_flow(state)
    if result.outcome is ApplyOutcome.NOT_FOUND:
        await answer(query, t("press-not-yours"), alert=True)
        return
    await answer(query)
    await show(query, *await begin(state, result, t, rules, clock))


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    draft: Draft,
    *,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    t: Translator,
) -> None:
    assert query.from_user is not None
    result = await file_ticket(
        uow,
        customer_id=customer.id,
        order_id=draft.order_id,
        # No reason chosen (a forged or stale Submit): the domain sends the shopper back.
        reason=draft.reason or TicketReason.OTHER,
        reason_text=draft.text,
        evidence=draft.evidence,
        actor=shopper(query.from_user.id),
        rules=rules,
        now=clock.now(),
    )
    if result.outcome is not ApplyOutcome.FILED:
        await stop_with(query, state, result, t=t, rules=rules, clock=clock)
        return
    assert result.ticket is not None
    await answer(query)
    await leave_flow(state)
    await show(query, *ticket_view(t, result.ticket, head="apply-filed"))


async def on_reason_text(
    message: Message, *, state: FSMContext, rules: ShopRules, clock: Clock, i18n: Translator
) -> None:
    """The shopper's own words, at the reason step or after the "Other" reason."""
    draft = await load_draft(state)
    if draft is None:
        await leave_flow(state)
        await message.answer(i18n("apply-expired"))
        return
    raw = message.text or ""
    cleaned = clean_reason_text(raw)
    if cleaned is None:
        length = len(raw.strip())
        key = "apply-text-too-long" if length else "apply-text-empty"
        await message.answer(i18n(key, limit=MAX_REASON_CHARS, length=length))
        return
    draft = replace(draft, reason=TicketReason.OTHER, text=cleaned)
    await save_draft(state, draft, ApplyFlow.evidence)
    text, markup = step_view(i18n, ApplyFlow.evidence, draft, None, rules=rules, clock=clock)
    await message.answer(text, reply_markup=markup)


async def on_evidence(message: Message, *, state: FSMContext, i18n: Translator) -> None:
    """One screenshot for the draft: accepted up to the limit, or refused saying why."""
    draft = await load_draft(state)
    evidence = evidence_of(message)
    if draft is None or evidence is None:
        await leave_flow(state)
        await message.answer(i18n("apply-expired"))
        return
    problem = check_evidence(
        kind=evidence.kind,
        mime_type=evidence.mime_type,
        size=evidence.size,
        already=len(draft.evidence),
    )
    if problem is None:
        draft = replace(draft, evidence=(*draft.evidence, evidence))
        await save_draft(state, draft, ApplyFlow.evidence)
        text = i18n("apply-evidence-got", count=len(draft.evidence), limit=MAX_EVIDENCE)
    else:
        text = evidence_problem_text(i18n, problem, message, evidence)
    await message.answer(text, reply_markup=evidence_keyboard(i18n, draft))


def evidence_problem_text(
    t: Translator, problem: EvidenceProblem, message: Message, evidence: Evidence
) -> str:
    name = message.document.file_name if message.document else None
    return t(
        f"apply-evidence-{problem}",
        limit=MAX_EVIDENCE,
        max_mb=MAX_EVIDENCE_MB,
        size_mb=f"{(evidence.size or 0) / MB:.1f}",
        name=name or t("apply-evidence-this-file"),
    )


async def on_other_input(message: Message, *, state: FSMContext, i18n: Translator) -> None:
    """Stickers, voice, locations, text where a button is expected: say what fits here."""
    step = await state.get_state()
    key = {
        ApplyFlow.reason.state: "apply-hint-reason",
        ApplyFlow.text.state: "apply-hint-text",
        ApplyFlow.evidence.state: "apply-hint-evidence",
        ApplyFlow.more_evidence.state: "apply-hint-evidence",
    }.get(step or "", "apply-hint-summary")
    await message.answer(i18n(key))


# --------------------------------------------------------------------------- rendering


def step_view(
    t: Translator,
    step: Any,
    draft: Draft,
    card: OrderCard | None,
    *,
    rules: ShopRules,
    clock: Clock,
) -> Rendered:
    deadline = t.date(rules.review_deadline(clock.now()))
    if step is ApplyFlow.reason and card is not None:
        return reason_view(t, draft, card, deadline)
    if step is ApplyFlow.text:
        return t("apply-ask-text", limit=MAX_REASON_CHARS), leave_keyboard(t, draft)
    if step is ApplyFlow.summary and card is not None:
        return summary_view(t, draft, card, deadline)
    if step is ApplyFlow.evidence or card is None:
        lines = [t("apply-ask-evidence", limit=MAX_EVIDENCE, max_mb=MAX_EVIDENCE_MB)]
        if draft.evidence:
            lines.append(t("apply-evidence-so-far", count=len(draft.evidence)))
        return "\n".join(lines), evidence_keyboard(t, draft)
    return reason_view(t, draft, card, deadline)


def reason_view(t: Translator, draft: Draft, card: OrderCard, deadline: str) -> Rendered:
    lines = [t("apply-intro", order_no=card.order.order_no, deadline=deadline)]
    if may_file(card.order, card.decision.can_apply) is TicketKind.ACTIVATION_CHECK:
        lines.append(t("apply-intro-activation"))
    lines += ["", t("apply-ask-reason", limit=MAX_REASON_CHARS)]
    builder = InlineKeyboardBuilder()
    for reason in TicketReason:
        builder.button(
            text=t(f"apply-reason-{reason}"),
            callback_data=ApplyCb(
                action=ApplyAction.REASON, order_id=draft.order_id, reason=reason
            ),
        )
    builder.button(text=t("apply-leave"), callback_data=_cb(ApplyAction.LEAVE, draft))
    builder.adjust(2, 2, 1, 1)
    return "\n".join(lines), builder.as_markup()


def summary_view(t: Translator, draft: Draft, card: OrderCard, deadline: str) -> Rendered:
    order = card.order
    reason = draft.reason or TicketReason.OTHER
    lines = [
        t("apply-summary-title"),
        t("apply-summary-order", order_no=order.order_no, product=order.product_name),
        t("apply-summary-reason", reason=t(f"apply-reason-{reason}")),
    ]
    if draft.text:
        lines.append(t("apply-summary-text", text=draft.text))
    lines += [t("apply-summary-evidence", count=len(draft.evidence)), ""]
    lines.append(t("apply-summary-next", deadline=deadline))
    if may_file(order, card.decision.can_apply) is TicketKind.ACTIVATION_CHECK:
        lines.append(t("apply-summary-activation"))
    lines += money_lines(t, order, card.decision)
    builder = InlineKeyboardBuilder()
    builder.button(text=t("apply-submit"), callback_data=_cb(ApplyAction.SUBMIT, draft))
    builder.button(text=t("apply-edit-reason"), callback_data=_cb(ApplyAction.EDIT_REASON, draft))
    builder.button(
        text=t("apply-edit-evidence"), callback_data=_cb(ApplyAction.EDIT_EVIDENCE, draft)
    )
    builder.button(text=t("apply-cancel"), callback_data=_cb(ApplyAction.LEAVE, draft))
    builder.adjust(1, 2, 1)
    return "\n".join(lines), builder.as_markup()


def evidence_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if draft.evidence:
        builder.button(
            text=t("apply-done", count=len(draft.evidence)),
            callback_data=_cb(ApplyAction.DONE, draft),
        )
    else:
        builder.button(text=t("apply-skip"), callback_data=_cb(ApplyAction.SKIP, draft))
    builder.button(text=t("apply-leave"), callback_data=_cb(ApplyAction.LEAVE, draft))
    builder.adjust(1)
    return builder.as_markup()


def leave_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("apply-leave"), callback_data=_cb(ApplyAction.LEAVE, draft))
    return builder.as_markup()


def _cb(action: ApplyAction, draft: Draft) -> ApplyCb:
    return ApplyCb(action=action, order_id=draft.order_id)


def ticket_lines(t: Translator, ticket: Ticket) -> list[str]:
    lines = [
        t("ticket-order", order_no=ticket.order_no),
        t("ticket-status", status=t(f"ticket-status-{ticket.status}")),
        t("ticket-reason", reason=t(f"apply-reason-{ticket.reason}")),
    ]
    if ticket.reason_text:
        lines.append(t("apply-summary-text", text=ticket.reason_text))
    lines.append(t("ticket-evidence", count=len(ticket.evidence), limit=MAX_EVIDENCE))
    if not ticket.status.closed:
        lines.append(t("ticket-deadline", deadline=t.date(ticket.deadline)))
    return lines


def ticket_view(t: Translator, ticket: Ticket, *, head: str) -> Rendered:
    lines = [t(head, id=ticket.id, order_no=ticket.order_no, deadline=t.date(ticket.deadline))]
    lines += ["", *ticket_lines(t, ticket)]
    return "\n".join(lines), ticket_keyboard(t, ticket)


def ticket_buttons(t: Translator, builder: InlineKeyboardBuilder, ticket: Ticket) -> int:
    """Add evidence / withdraw for an open ticket; returns how many buttons were added."""
    if ticket.status.closed:
        return 0
    added = 0
    if len(ticket.evidence) < MAX_EVIDENCE:
        builder.button(
            text=t("ticket-add-evidence", id=ticket.id),
            callback_data=MyTicketCb(action=MyTicketAction.ADD, ticket_id=ticket.id),
        )
        added += 1
    builder.button(
        text=t("ticket-withdraw", id=ticket.id),
        callback_data=MyTicketCb(action=MyTicketAction.WITHDRAW, ticket_id=ticket.id),
    )
    return added + 1


def ticket_keyboard(t: Translator, ticket: Ticket) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if not ticket_buttons(t, builder, ticket):
        return None
    builder.adjust(1)
    return builder.as_markup()


def tickets_view(t: Translator, tickets: list[Ticket]) -> Rendered:
    if not tickets:
        return t("tickets-empty"), None
    lines = [t("tickets-header", count=len(tickets)), ""]
    builder = InlineKeyboardBuilder()
    for ticket in tickets:
        status = t(f"ticket-status-{ticket.status}")
        if ticket.status.closed:
            line = t("tickets-line-closed", id=ticket.id, order_no=ticket.order_no, status=status)
        else:
            line = t(
                "tickets-line-open",
                id=ticket.id,
                order_no=ticket.order_no,
                status=status,
                deadline=t.date(ticket.deadline),
            )
        lines.append(line)
        ticket_buttons(t, builder, ticket)
    builder.adjust(1)
    markup = builder.as_markup() if builder.buttons else None
    return "\n".join(lines), markup


# --------------------------------------------------------------------------- open tickets


async def tickets_command(
    message: Message, *, customer: Customer, uow: UnitOfWork, i18n: Translator
) -> None:
    text, markup = tickets_view(i18n, await customer_tickets(uow, customer.id))
    await message.answer(text, reply_markup=markup)


async def own_open_ticket(
    query: CallbackQuery,
    ticket_id: int,
    *,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    t: Translator,
) -> Ticket | None:
    """The shopper's open ticket, or None after refusing the press politely."""
    found = await open_ticket_for(
        uow, customer_id=customer.id, ticket_id=ticket_id, now=clock.now()
    )
    if found is None:
        await answer(query, t("ticket-not-open"), alert=True)
    return found


async def on_ticket_add(
    query: CallbackQuery,
    *,
    callback_data: MyTicketCb,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    ticket = await own_open_ticket(
        query, callback_data.ticket_id, customer=customer, uow=uow, clock=clock, t=i18n
    )
    if ticket is None:
        return
    left = MAX_EVIDENCE - len(ticket.evidence)
    if left <= 0:
        await answer(query, i18n("ticket-evidence-full", limit=MAX_EVIDENCE), alert=True)
        return
    await answer(query)
    await state.set_state(ApplyFlow.more_evidence)
    await state.update_data({MORE: {"ticket_id": ticket.id, "count": len(ticket.evidence)}})
    text = i18n("ticket-ask-evidence", id=ticket.id, left=left, max_mb=MAX_EVIDENCE_MB)
    await show(query, text, more_keyboard(i18n, ticket.id))


def more_keyboard(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("ticket-evidence-done"),
        callback_data=MyTicketCb(action=MyTicketAction.DONE, ticket_id=ticket_id),
    )
    return builder.as_markup()


async def on_more_evidence(
    message: Message,
    *,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    """One more screenshot for a filed ticket; staff see it as it arrives."""
    more = (await state.get_data()).get(MORE)
    evidence = evidence_of(message)
    if not isinstance(more, dict) or evidence is None:
        await leave_flow(state)
        await message.answer(i18n("apply-expired"))
        return
    ticket_id, count = int(more["ticket_id"]), int(more["count"])
    problem = check_evidence(
        kind=evidence.kind, mime_type=evidence.mime_type, size=evidence.size, already=count
    )
    if problem is not None:
        text = evidence_problem_text(i18n, problem, message, evidence)
        await message.answer(text, reply_markup=more_keyboard(i18n, ticket_id))
        return
    outcome = await add_ticket_evidence(
        uow, customer_id=customer.id, ticket_id=ticket_id, evidence=evidence, now=clock.now()
    )
    if outcome is EvidenceOutcome.ADDED:
        await state.update_data({MORE: {"ticket_id": ticket_id, "count": count + 1}})
        text = i18n("ticket-evidence-got", id=ticket_id, count=count + 1, limit=MAX_EVIDENCE)
        await message.answer(text, reply_markup=more_keyboard(i18n, ticket_id))
        return
    if outcome is EvidenceOutcome.TOO_MANY:
        text = evidence_problem_text(i18n, EvidenceProblem.TOO_MANY, message, evidence)
        await message.answer(text, reply_markup=more_keyboard(i18n, ticket_id))
        return
    await leave_flow(state)
    await message.answer(i18n("ticket-not-open"))


async def on_ticket_done(
    query: CallbackQuery,
    *,
    callback_data: MyTicketCb,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    await leave_flow(state)
    ticket = await own_open_ticket(
        query, callback_data.ticket_id, customer=customer, uow=uow, clock=clock, t=i18n
    )
    if ticket is None:
        return
    await answer(query)
    await show(query, *ticket_view(i18n, ticket, head="ticket-evidence-saved"))


async def on_ticket_keep(
    query: CallbackQuery,
    *,
    callback_data: MyTicketCb,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    ticket = await own_open_ticket(
        query, callback_data.ticket_id, customer=customer, uow=uow, clock=clock, t=i18n
    )
    if ticket is None:
        return
    await answer(query)
    await show(query, *ticket_view(i18n, ticket, head="ticket-kept"))


async def on_withdraw_ask(
    query: CallbackQuery,
    *,
    callback_data: MyTicketCb,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    ticket = await own_open_ticket(
        query, callback_data.ticket_id, customer=customer, uow=uow, clock=clock, t=i18n
    )
    if ticket is None:
        return
    await answer(query)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=i18n("ticket-withdraw-yes"),
        callback_data=MyTicketCb(action=MyTicketAction.CONFIRM, ticket_id=ticket.id),
    )
    builder.button(
        text=i18n("ticket-withdraw-no"),
        callback_data=MyTicketCb(action=MyTicketAction.KEEP, ticket_id=ticket.id),
    )
    builder.adjust(2)
    text = i18n("ticket-withdraw-confirm", id=ticket.id, order_no=ticket.order_no)
    await show(query, text, builder.as_markup())


async def on_withdraw_confirm(
    query: CallbackQuery,
    *,
    callback_data: MyTicketCb,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    assert query.from_user is not None
    ticket = await withdraw_ticket(
        uow,
        customer_id=customer.id,
        ticket_id=callback_data.ticket_id,
        actor=shopper(query.from_user.id),
        now=clock.now(),
    )
    if ticket is None:
        await answer(query, i18n("ticket-not-open"), alert=True)
        return
    await answer(query)
    more = (await state.get_data()).get(MORE)
    if isinstance(more, dict) and more.get("ticket_id") == ticket.id:
        await leave_flow(state)
    await show(query, i18n("ticket-withdrawn", id=ticket.id, order_no=ticket.order_no), None)
