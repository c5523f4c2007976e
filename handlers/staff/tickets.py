"""Tickets in the staff group: decide them on their cards, /queue, /ticket N, /order ORDER_NO.

Anyone in the group may press a card's buttons, but only ``STAFF_IDS`` decide:
the use case refuses (and audits) everyone else. Cards are shown in the shop's
default language.
"""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User

from domain.review import ReviewOutcome, ReviewResult, StaffTicketView, open_tickets
from domain.staff import (
    CardAccess,
    StaffCard,
    StaffDecision,
    decide_ticket,
    order_timeline,
    ticket_for_staff,
)
from domain.tickets import RejectReason, Verdict, clean_reason_text
from handlers.context import Ctx
from handlers.filters import is_staff
from handlers.staff.callbacks import RejectCb, StaffTicketAction, StaffTicketCb
from handlers.staff.chat import (
    PromptReply,
    ask_in_reply,
    edit_card,
    forget_prompt,
    pressed,
    presser_or_staff_name,
    remember_prompt,
    say,
    staff_names,
    usable_text,
)
from handlers.staff.ticket_views import (
    CARD_REFUSALS,
    decision_keyboard,
    decision_reply,
    order_timeline_text,
    queue_view,
    reject_keyboard,
    ticket_card_text,
    ticket_card_view,
)

_VERDICTS = {
    StaffTicketAction.APPROVE: Verdict.APPROVE,
    StaffTicketAction.EXCHANGE: Verdict.EXCHANGE,
}


class StaffStates(StatesGroup):
    #: A staff member chose "other" and is typing the reason (FSM is per chat and user).
    reject_note = State()


NOTE_PROMPTS = "note_prompts"  # FSM data: reason prompt message id → the ticket it is for


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(queue, Command("queue"), is_staff)
    router.message.register(ticket, Command("ticket"), is_staff)
    router.message.register(order, Command("order"), is_staff)
    router.message.register(staff_only, Command("queue", "ticket", "order"))
    # Only a reply to a ticket's reason prompt is a note: ordinary talk, or the answer to a
    # refund's failure-reason prompt, goes on to a later router.
    router.message.register(
        reject_note,
        StaffStates.reject_note,
        F.text,
        ~F.text.startswith("/"),
        is_staff,
        PromptReply(NOTE_PROMPTS),
    )
    router.callback_query.register(
        open_card, StaffTicketCb.filter(F.action == StaffTicketAction.OPEN)
    )
    router.callback_query.register(
        reasons,
        StaffTicketCb.filter(F.action.in_({StaffTicketAction.REJECT, StaffTicketAction.BACK})),
    )
    router.callback_query.register(decide, StaffTicketCb.filter())
    router.callback_query.register(ask_note, RejectCb.filter(F.reason == RejectReason.OTHER))
    router.callback_query.register(reject, RejectCb.filter())
    return router


# --------------------------------------------------------------------------- helpers


async def decider_name(ctx: Ctx, chat_id: int, view: StaffTicketView, presser: User) -> str:
    return await presser_or_staff_name(ctx.bot, chat_id, view.ticket.decided_by, presser)


async def _settle(
    ctx: Ctx,
    chat_id: int,
    decision: StaffDecision,
    presser: User,
    pressed_id: int | None,
    *,
    query: CallbackQuery | None = None,
) -> str:
    """Refresh every copy of the card; returns what the presser is told.

    With ``query`` the press is answered first: the card edits may wait for the group's
    per-minute budget, and a press must be answered within seconds.
    """
    view = None if decision.outcome is ReviewOutcome.NOT_STAFF else decision.view
    who = "" if view is None else await decider_name(ctx, chat_id, view, presser)
    reply, alert = decision_reply(ctx.staff_t, decision, who, ctx.tz)
    if query is not None:
        say(ctx, reply, alert)
        await ctx.answer_now(query)
    if view is None:
        return reply
    text, markup = ticket_card_view(ctx.staff_t, view, ctx.rules, ctx.now(), who)
    for message_id in {pressed_id, decision.card_message_id} - {None}:
        assert message_id is not None
        await edit_card(ctx.bot, chat_id, message_id, text, markup)
    return reply


async def _card_for(ctx: Ctx, ticket_id: int) -> StaffCard:
    return await ticket_for_staff(
        ctx.uow,
        ticket_id=ticket_id,
        reviewer_id=ctx.user_id,
        is_staff=ctx.is_staff,
        rules=ctx.rules,
        now=ctx.now(),
    )


def _refused(ctx: Ctx, card: StaffCard) -> bool:
    refusal = CARD_REFUSALS.get(card.access)
    if refusal is not None:
        ctx.alert(ctx.staff_t(refusal))
    return refusal is not None


async def _open_view(query: CallbackQuery, ticket_id: int, ctx: Ctx) -> StaffTicketView | None:
    """The card of a ticket still open; else the presser is told why not (None)."""
    card = await _card_for(ctx, ticket_id)
    if _refused(ctx, card):
        return None
    if card.access is CardAccess.CLOSED:
        await _closed(query, card, ctx)
        return None
    assert card.view is not None
    return card.view


async def _closed(query: CallbackQuery, card: StaffCard, ctx: Ctx) -> None:
    """A press on a card someone already decided: show the outcome and say who."""
    assert card.view is not None
    result = ReviewResult(ReviewOutcome.ALREADY_DECIDED, card.view.ticket)
    await _settle_press(query, StaffDecision(result, card.view), ctx)


async def _settle_press(query: CallbackQuery, decision: StaffDecision, ctx: Ctx) -> None:
    chat_id, pressed_id = pressed(query)
    await _settle(ctx, chat_id, decision, query.from_user, pressed_id, query=query)


async def _decision(
    ctx: Ctx,
    ticket_id: int,
    verdict: Verdict,
    reject_reason: RejectReason | None = None,
    note: str | None = None,
) -> StaffDecision:
    return await decide_ticket(
        ctx.uow,
        ticket_id=ticket_id,
        reviewer_id=ctx.user_id,
        is_staff=ctx.is_staff,
        verdict=verdict,
        rules=ctx.rules,
        now=ctx.now(),
        reject_reason=reject_reason,
        note=note,
        desk=ctx.deps.desk,
    )


# --------------------------------------------------------------------------- presses


async def decide(query: CallbackQuery, callback_data: StaffTicketCb, ctx: Ctx) -> None:
    """One decision from a button: the use case decides, every copy of the card follows."""
    verdict = _VERDICTS[callback_data.action]
    await _settle_press(query, await _decision(ctx, callback_data.ticket_id, verdict), ctx)


async def reject(query: CallbackQuery, callback_data: RejectCb, ctx: Ctx) -> None:
    ticket_id, reason = callback_data.ticket_id, callback_data.reason
    await _settle_press(query, await _decision(ctx, ticket_id, Verdict.REJECT, reason), ctx)


async def reasons(query: CallbackQuery, callback_data: StaffTicketCb, ctx: Ctx) -> None:
    """Reject swaps the buttons for the reasons; Back swaps them back."""
    view = await _open_view(query, callback_data.ticket_id, ctx)
    if view is None:
        return
    t, reject_menu = ctx.staff_t, callback_data.action is StaffTicketAction.REJECT
    ticket = view.ticket
    markup = (
        reject_keyboard(t, ticket.id, ticket.kind) if reject_menu else decision_keyboard(t, view)
    )
    ctx.toast(t("staff-toast-pick-reason") if reject_menu else None)
    # Answered before the edit, which may wait for the group's per-minute budget.
    await ctx.answer_now(query)
    chat_id, pressed_id = pressed(query)
    text = ticket_card_text(t, view, ctx.rules, ctx.now())
    await edit_card(ctx.bot, chat_id, pressed_id, text, markup)


async def open_card(query: CallbackQuery, callback_data: StaffTicketCb, ctx: Ctx) -> None:
    """A /queue button: post the ticket's card (with its buttons while it is open)."""
    card = await _card_for(ctx, callback_data.ticket_id)
    if _refused(ctx, card):
        return
    assert card.view is not None
    await ctx.answer_now(query)
    chat_id, _ = pressed(query)
    who = await decider_name(ctx, chat_id, card.view, query.from_user)
    text, markup = ticket_card_view(ctx.staff_t, card.view, ctx.rules, ctx.now(), who)
    await ctx.bot.send_message(chat_id, text, reply_markup=markup)


async def ask_note(
    query: CallbackQuery, callback_data: RejectCb, state: FSMContext, ctx: Ctx
) -> None:
    """Other: the presser types the reason as a reply to the prompt; that reply is the note."""
    if await _open_view(query, callback_data.ticket_id, ctx) is None:
        return
    chat_id, pressed_id = pressed(query)
    await ctx.answer_now(query)
    user, ticket_id = query.from_user, callback_data.ticket_id
    text = ctx.staff_t("staff-ask-note", name=user.first_name, id=ticket_id)
    prompt = await ask_in_reply(ctx.bot, chat_id, user, text)
    # Each prompt remembers its own ticket: a reply goes to the ticket it answers, even when
    # the same staff member opened several prompts; plain chat in the group is never a note.
    await state.set_state(StaffStates.reject_note)
    entry = {"ticket_id": ticket_id, "card_message_id": pressed_id}
    await remember_prompt(state, NOTE_PROMPTS, prompt.message_id, entry)


# --------------------------------------------------------------------------- typed reason


async def reject_note(
    message: Message, prompt: dict[str, int], state: FSMContext, ctx: Ctx
) -> None:
    assert message.from_user is not None and message.text is not None
    note = await usable_text(message, message.text, clean_reason_text, "staff-note-invalid", ctx)
    if note is None:
        return
    await _close_prompt(message, state)
    ticket_id = int(prompt["ticket_id"])
    decision = await _decision(ctx, ticket_id, Verdict.REJECT, RejectReason.OTHER, note)
    chat_id, card_id = message.chat.id, prompt.get("card_message_id")
    text = await _settle(ctx, chat_id, decision, message.from_user, card_id)
    if decision.outcome is ReviewOutcome.DECIDED:
        text = ctx.staff_t("staff-note-done", id=ticket_id)
    await message.reply(text)


async def _close_prompt(message: Message, state: FSMContext) -> None:
    """Only the prompt ``message`` answers is done: other prompts kept in the same data
    (refunds') stay open, and the note state lasts while a ticket prompt does."""
    if not await forget_prompt(state, NOTE_PROMPTS, message):
        await state.set_state(None)


# --------------------------------------------------------------------------- commands


async def queue(message: Message, ctx: Ctx) -> None:
    tickets = await open_tickets(ctx.uow)
    text, markup = queue_view(ctx.staff_t, tickets, ctx.rules, ctx.now())
    await message.answer(text, reply_markup=markup)


def _ticket_number(args: str | None) -> int | None:
    raw = (args or "").strip().removeprefix("#")
    # isdigit() also accepts "²"; only ASCII digits make a ticket number.
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not 1 <= int(raw) <= 2**31 - 1:
        return None
    return int(raw)


async def ticket(message: Message, command: CommandObject, ctx: Ctx) -> None:
    ticket_id = _ticket_number(command.args)
    if ticket_id is None:
        await message.reply(ctx.staff_t("staff-ticket-usage"))
        return
    assert message.from_user is not None
    card = await _card_for(ctx, ticket_id)
    if card.view is None:
        await message.reply(ctx.staff_t("staff-alert-not-found"))
        return
    who = await decider_name(ctx, message.chat.id, card.view, message.from_user)
    text, markup = ticket_card_view(ctx.staff_t, card.view, ctx.rules, ctx.now(), who)
    await message.answer(text, reply_markup=markup)


async def order(message: Message, command: CommandObject, ctx: Ctx) -> None:
    order_no = (command.args or "").strip()
    if not order_no or len(order_no) > 64:
        await message.reply(ctx.staff_t("staff-order-usage"))
        return
    timeline = await order_timeline(ctx.uow, order_no, ctx.rules, ctx.now())
    if timeline is None:
        await message.reply(ctx.staff_t("staff-order-not-found", order_no=order_no))
        return
    names = await staff_names(ctx.bot, message.chat.id, (e.actor for e in timeline.entries))
    await message.answer(order_timeline_text(ctx.staff_t, timeline, ctx.tz, names))


async def staff_only(message: Message, ctx: Ctx) -> None:
    await message.reply(ctx.staff_t("staff-only"))
