"""The staff group: decide tickets on their cards, /queue, /ticket N, /order ORDER_NO.

Everything here answers only in ``STAFF_CHAT_ID``. Anyone in the group may
press a card's buttons, but only ``STAFF_IDS`` decide: the use case refuses
(and audits) everyone else. Cards are shown in the shop's default language.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    Chat,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    User,
)

from domain.policy import ShopRules
from domain.ports import Clock, UnitOfWork
from domain.review import ReviewOutcome, ReviewResult, StaffTicketView, open_tickets
from domain.staff import (
    CardAccess,
    StaffCard,
    StaffDecision,
    decide_ticket,
    order_timeline,
    ticket_for_staff,
)
from domain.tickets import RejectReason, TicketStatus, Verdict, clean_reason_text
from handlers.common import answer
from handlers.deps import Deps
from handlers.i18n import Translations, Translator
from handlers.staff_keyboards import (
    RejectCb,
    StaffTicketAction,
    StaffTicketCb,
    card_text,
    card_view,
    decision_keyboard,
    outcome_text,
    queue_view,
    reject_keyboard,
    timeline_text,
)

_VERDICTS = {
    StaffTicketAction.APPROVE: Verdict.APPROVE,
    StaffTicketAction.EXCHANGE: Verdict.EXCHANGE,
}


class StaffStates(StatesGroup):
    #: A staff member chose "other" and is typing the reason (FSM is per chat and user).
    reject_note = State()


NOTE_PROMPTS = "note_prompts"  # FSM data: reason prompt message id → the ticket it is for


def in_staff_chat(_: Any, deps: Deps, event_chat: Chat | None = None) -> bool:
    return (
        event_chat is not None
        and deps.staff_chat_id is not None
        and event_chat.id == deps.staff_chat_id
    )


def is_staff(_: Any, deps: Deps, event_from_user: User | None = None) -> bool:
    return event_from_user is not None and event_from_user.id in deps.staff_ids


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(in_staff_chat)
    router.callback_query.filter(in_staff_chat)
    router.message.register(queue, Command("queue"), is_staff)
    router.message.register(ticket, Command("ticket"), is_staff)
    router.message.register(order, Command("order"), is_staff)
    router.message.register(staff_only, Command("queue", "ticket", "order"))
    router.message.register(
        reject_note, StaffStates.reject_note, F.text, ~F.text.startswith("/"), is_staff
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


async def staff_name(bot: Bot, chat_id: int, user_id: int | None) -> str:
    """A decider's first name, asked from the group (the database keeps only the id)."""
    if user_id is None:
        return ""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramAPIError:
        return str(user_id)
    return member.user.first_name


async def edit_card(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Show the card as it is now; an unchanged or vanished card is fine."""
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )


async def _who(bot: Bot, chat_id: int, view: StaffTicketView, presser: User) -> str:
    decided_by = view.ticket.decided_by
    return (
        presser.first_name
        if decided_by == presser.id
        else await staff_name(bot, chat_id, decided_by)
    )


async def _settle(
    bot: Bot,
    chat_id: int,
    decision: StaffDecision,
    presser: User,
    pressed_id: int | None,
    *,
    t: Translator,
    rules: ShopRules,
    clock: Clock,
    query: CallbackQuery | None = None,
) -> tuple[str, bool]:
    """Refresh every copy of the card; returns the presser's answer and whether it alerts.

    With ``query`` the press is answered first: the card edits may wait for the group's
    per-minute budget, and a press must be answered within seconds.
    """
    view = decision.view
    shown = view is not None and decision.outcome is not ReviewOutcome.NOT_STAFF
    who = await _who(bot, chat_id, view, presser) if shown and view is not None else ""
    reply, alert = _reply(decision, who, t=t, rules=rules)
    if query is not None:
        await answer(query, reply, alert=alert)
    if not shown or view is None:
        return reply, alert
    text, markup = card_view(t, view, rules, clock.now(), who)
    for message_id in {pressed_id, decision.card_message_id} - {None}:
        assert message_id is not None
        await edit_card(bot, chat_id, message_id, text, markup)
    return reply, alert


def _reply(
    decision: StaffDecision, who: str, *, t: Translator, rules: ShopRules
) -> tuple[str, bool]:
    """What the presser is told about the decision, and whether it is an alert."""
    if decision.outcome is ReviewOutcome.NOT_STAFF:
        return t("staff-alert-not-staff"), True
    view = decision.view
    if decision.outcome is ReviewOutcome.NOT_FOUND or view is None:
        return t("staff-alert-not-found"), True
    if decision.outcome is ReviewOutcome.ORDER_CHANGED:
        return t("staff-alert-order-changed"), True
    ticket = view.ticket
    outcome = outcome_text(t, ticket, who, rules.tz)
    if decision.outcome is ReviewOutcome.DECIDED:
        return t("staff-toast-done", outcome=outcome), False
    at = t.datetime(ticket.decided_at, rules.tz) if ticket.decided_at else ""
    if ticket.status is TicketStatus.WITHDRAWN:
        return t("staff-alert-withdrawn", time=at), True
    return t("staff-alert-already", who=who, time=at, outcome=outcome), True


def staff_translator(translations: Translations) -> Translator:
    """The staff group reads the shop's default language, whoever presses."""
    return translations.get(None)


def _pressed(query: CallbackQuery) -> tuple[int, int | None]:
    message = query.message
    assert message is not None  # the router only sees presses in the staff chat
    return message.chat.id, message.message_id


async def _refuse(query: CallbackQuery, card: StaffCard, t: Translator) -> bool:
    if card.access is CardAccess.NOT_STAFF:
        await answer(query, t("staff-alert-not-staff"), alert=True)
        return True
    if card.access is CardAccess.NOT_FOUND:
        await answer(query, t("staff-alert-not-found"), alert=True)
        return True
    return False


# --------------------------------------------------------------------------- presses


async def decide(
    query: CallbackQuery,
    callback_data: StaffTicketCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    await _decide(
        query,
        callback_data.ticket_id,
        _VERDICTS[callback_data.action],
        None,
        bot=bot,
        uow=uow,
        deps=deps,
        rules=rules,
        clock=clock,
        translations=translations,
    )


async def reject(
    query: CallbackQuery,
    callback_data: RejectCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    await _decide(
        query,
        callback_data.ticket_id,
        Verdict.REJECT,
        callback_data.reason,
        bot=bot,
        uow=uow,
        deps=deps,
        rules=rules,
        clock=clock,
        translations=translations,
    )


async def _decide(
    query: CallbackQuery,
    ticket_id: int,
    verdict: Verdict,
    reject_reason: RejectReason | None,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    """One decision from a button: the use case decides, every copy of the card follows."""
    t = staff_translator(translations)
    chat_id, pressed_id = _pressed(query)
    decision = await decide_ticket(
        uow,
        ticket_id=ticket_id,
        reviewer_id=query.from_user.id,
        is_staff=query.from_user.id in deps.staff_ids,
        verdict=verdict,
        rules=rules,
        now=clock.now(),
        reject_reason=reject_reason,
    )
    await _settle(
        bot,
        chat_id,
        decision,
        query.from_user,
        pressed_id,
        t=t,
        rules=rules,
        clock=clock,
        query=query,
    )


async def _card_for(
    query: CallbackQuery,
    ticket_id: int,
    *,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
) -> StaffCard:
    return await ticket_for_staff(
        uow,
        ticket_id=ticket_id,
        reviewer_id=query.from_user.id,
        is_staff=query.from_user.id in deps.staff_ids,
        rules=rules,
        now=clock.now(),
    )


async def _closed(
    query: CallbackQuery,
    bot: Bot,
    card: StaffCard,
    *,
    t: Translator,
    rules: ShopRules,
    clock: Clock,
) -> None:
    """A press on a card someone already decided: show the outcome and say who."""
    assert card.view is not None
    chat_id, pressed_id = _pressed(query)
    decision = StaffDecision(
        ReviewResult(ReviewOutcome.ALREADY_DECIDED, card.view.ticket), card.view
    )
    await _settle(
        bot,
        chat_id,
        decision,
        query.from_user,
        pressed_id,
        t=t,
        rules=rules,
        clock=clock,
        query=query,
    )


async def reasons(
    query: CallbackQuery,
    callback_data: StaffTicketCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    """Reject swaps the buttons for the reasons; Back swaps them back."""
    t = staff_translator(translations)
    card = await _card_for(
        query, callback_data.ticket_id, uow=uow, deps=deps, rules=rules, clock=clock
    )
    if await _refuse(query, card, t):
        return
    if card.access is CardAccess.CLOSED:
        await _closed(query, bot, card, t=t, rules=rules, clock=clock)
        return
    assert card.view is not None
    markup = (
        reject_keyboard(t, card.view.ticket.id)
        if callback_data.action is StaffTicketAction.REJECT
        else decision_keyboard(t, card.view)
    )
    reject_menu = callback_data.action is StaffTicketAction.REJECT
    # Answered before the edit, which may wait for the group's per-minute budget.
    await answer(query, t("staff-toast-pick-reason") if reject_menu else None)
    chat_id, pressed_id = _pressed(query)
    text = card_text(t, card.view, rules, clock.now())
    if pressed_id is not None:
        await edit_card(bot, chat_id, pressed_id, text, markup)


async def open_card(
    query: CallbackQuery,
    callback_data: StaffTicketCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    """A /queue button: post the ticket's card (with its buttons while it is open)."""
    t = staff_translator(translations)
    card = await _card_for(
        query, callback_data.ticket_id, uow=uow, deps=deps, rules=rules, clock=clock
    )
    if await _refuse(query, card, t):
        return
    assert card.view is not None
    await answer(query)
    chat_id, _ = _pressed(query)
    who = await _who(bot, chat_id, card.view, query.from_user)
    text, markup = card_view(t, card.view, rules, clock.now(), who)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def ask_note(
    query: CallbackQuery,
    callback_data: RejectCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
    state: FSMContext,
) -> None:
    """Other: the presser types the reason as a reply to the prompt; that reply is the note."""
    t = staff_translator(translations)
    card = await _card_for(
        query, callback_data.ticket_id, uow=uow, deps=deps, rules=rules, clock=clock
    )
    if await _refuse(query, card, t):
        return
    if card.access is CardAccess.CLOSED:
        await _closed(query, bot, card, t=t, rules=rules, clock=clock)
        return
    chat_id, pressed_id = _pressed(query)
    await answer(query)
    user = query.from_user
    text = t("staff-ask-note", name=user.first_name, id=callback_data.ticket_id)
    # Mentioning the presser makes the forced reply open only on their phone.
    mention = MessageEntity(
        type="text_mention",
        offset=0,
        length=len(user.first_name.encode("utf-16-le")) // 2,
        user=user,
    )
    prompt = await bot.send_message(
        chat_id, text, entities=[mention], reply_markup=ForceReply(selective=True)
    )
    # Each prompt remembers its own ticket: a reply goes to the ticket it answers, even when
    # the same staff member opened several prompts; plain chat in the group is never a note.
    prompts = dict((await state.get_data()).get(NOTE_PROMPTS, {}))
    prompts[str(prompt.message_id)] = {
        "ticket_id": callback_data.ticket_id,
        "card_message_id": pressed_id,
    }
    await state.set_state(StaffStates.reject_note)
    await state.update_data({NOTE_PROMPTS: prompts})


# --------------------------------------------------------------------------- typed reason


async def reject_note(
    message: Message,
    *,
    bot: Bot,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
    state: FSMContext,
) -> None:
    t = staff_translator(translations)
    assert message.from_user is not None and message.text is not None
    prompts = dict((await state.get_data()).get(NOTE_PROMPTS, {}))
    replied = message.reply_to_message
    data = prompts.get(str(replied.message_id)) if replied is not None else None
    if data is None:
        # Not an answer to a ticket's reason prompt: ordinary talk, or the answer to another
        # prompt (a refund's failure reason) that a later router takes.
        raise SkipHandler
    note = clean_reason_text(message.text)
    if note is None:
        await message.reply(t("staff-note-invalid"))
        return
    del prompts[str(replied.message_id)]  # type: ignore[union-attr]
    # Only this prompt is done: other prompts kept in the same data (refunds') stay open.
    await state.update_data({NOTE_PROMPTS: prompts})
    if not prompts:
        await state.set_state(None)
    ticket_id = int(data["ticket_id"])
    decision = await decide_ticket(
        uow,
        ticket_id=ticket_id,
        reviewer_id=message.from_user.id,
        is_staff=True,
        verdict=Verdict.REJECT,
        rules=rules,
        now=clock.now(),
        reject_reason=RejectReason.OTHER,
        note=note,
    )
    text, _ = await _settle(
        bot,
        message.chat.id,
        decision,
        message.from_user,
        data.get("card_message_id"),
        t=t,
        rules=rules,
        clock=clock,
    )
    if decision.outcome is ReviewOutcome.DECIDED:
        text = t("staff-note-done", id=ticket_id)
    await message.reply(text)


# --------------------------------------------------------------------------- commands


async def queue(
    message: Message,
    *,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    text, markup = queue_view(
        staff_translator(translations), await open_tickets(uow), rules, clock.now()
    )
    await message.answer(text, reply_markup=markup)


async def ticket(
    message: Message,
    command: CommandObject,
    *,
    bot: Bot,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    t = staff_translator(translations)
    raw = (command.args or "").strip().removeprefix("#")
    # isdigit() also accepts "²"; only ASCII digits make a ticket number.
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not 1 <= int(raw) <= 2**31 - 1:
        await message.reply(t("staff-ticket-usage"))
        return
    assert message.from_user is not None
    card = await ticket_for_staff(
        uow,
        ticket_id=int(raw),
        reviewer_id=message.from_user.id,
        is_staff=True,
        rules=rules,
        now=clock.now(),
    )
    if card.view is None:
        await message.reply(t("staff-alert-not-found"))
        return
    who = await _who(bot, message.chat.id, card.view, message.from_user)
    text, markup = card_view(t, card.view, rules, clock.now(), who)
    await message.answer(text, reply_markup=markup)


async def order(
    message: Message,
    command: CommandObject,
    *,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    t = staff_translator(translations)
    order_no = (command.args or "").strip()
    if not order_no or len(order_no) > 64:
        await message.reply(t("staff-order-usage"))
        return
    timeline = await order_timeline(uow, order_no, rules, clock.now())
    if timeline is None:
        await message.reply(t("staff-order-not-found", order_no=order_no))
        return
    await message.answer(timeline_text(t, timeline, deps.tz))


async def staff_only(message: Message, translations: Translations) -> None:
    await message.reply(staff_translator(translations)("staff-only"))
