"""The staff group's side of manual refunds: the card's buttons, typed failure reasons, /refund.

WeChat, Alipay and bank-card refunds are pushed out by staff in the payment
provider's console; here they say how it went. Anyone in the group may press,
only ``STAFF_IDS`` change anything (the use case refuses and audits the rest).
The card itself follows each change through the outbox (``staff.refund_updated``),
so a press only answers the presser. Shown in the shop's default language.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User

from domain.orders import RefundAction as Change
from domain.ports import RefundEvent
from domain.refund_desk import (
    DeskOutcome,
    DeskResult,
    check_refund,
    clean_failure_reason,
    report_refund,
    show_refund,
    staff_id,
)
from handlers.callbacks import RefundButton, StaffRefundCb
from handlers.context import Ctx
from handlers.filters import is_staff
from handlers.i18n import LOCALES, Translations
from handlers.staff.callbacks import RefundReasonCb
from handlers.staff.chat import (
    PromptReply,
    ask_in_reply,
    forget_prompt,
    pressed,
    presser_or_staff_name,
    refund_card_names,
    remember_prompt,
    say,
    set_buttons,
    usable_text,
)
from handlers.staff.refund_views import (
    CHANGES,
    reason_keyboard,
    refund_card_view,
    refund_keyboard,
    refund_outcome_text,
    refusal_key,
    who_text,
)

#: FSM data: failure-reason prompt message id → the refund it is for and the pressed message.
REFUND_PROMPTS = "refund_prompts"
_INVALID = "staff-refund-reason-invalid"  # a typed failure reason the shopper cannot be shown

#: What staff may type after ``/refund N`` in English; each language adds its own words
#: (``staff-refund-verbs-*``). Longer verbs are tried first.
_ENGLISH_VERBS: dict[Change, tuple[str, ...]] = {
    Change.SUBMIT: ("submitted", "submit"),
    Change.SUCCEED: ("succeeded", "succeed", "arrived"),
    Change.FAIL: ("failed", "fail"),
    Change.REINITIATE: ("reinitiate", "re-initiate"),
}


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(refund_command, Command("refund"))
    router.message.register(
        reason_reply, F.text, ~F.text.startswith("/"), is_staff, PromptReply(REFUND_PROMPTS)
    )
    router.callback_query.register(
        ask_reason, StaffRefundCb.filter(F.action == RefundButton.FAILED)
    )
    router.callback_query.register(back, StaffRefundCb.filter(F.action == RefundButton.OPEN))
    at_once = set(CHANGES) - {RefundButton.FAILED}
    router.callback_query.register(press, StaffRefundCb.filter(F.action.in_(at_once)))
    router.callback_query.register(preset_reason, RefundReasonCb.filter())
    return router


# --------------------------------------------------------------------------- helpers


async def _report(
    ctx: Ctx,
    refund_id: int | str,
    action: Change,
    reason: str | None = None,
    attempt: int | None = None,
) -> DeskResult:
    return await report_refund(
        ctx.uow,
        refund_id=refund_id,
        action=action,
        user_id=ctx.user_id,
        is_staff=ctx.is_staff,
        rules=ctx.rules,
        now=ctx.now(),
        reason=reason,
        attempt=attempt,
    )


async def _check_fail(ctx: Ctx, refund_id: int, attempt: int | None = None) -> DeskResult:
    """Whether Failed could be reported now, before asking for its reason."""
    return await check_refund(
        ctx.uow,
        refund_id=refund_id,
        action=Change.FAIL,
        user_id=ctx.user_id,
        is_staff=ctx.is_staff,
        now=ctx.now(),
        attempt=attempt,
    )


async def _refund_outcome(
    ctx: Ctx, result: DeskResult, action: Change, chat_id: int, presser: User
) -> tuple[str, bool]:
    """What the presser is told, and whether it deserves an alert rather than a toast."""
    who = ""
    # Asked from the group only when it is said: someone made this report already.
    event = result.event if result.outcome is DeskOutcome.ALREADY and result.card else None
    if event is not None:
        who = await _done_by(ctx, chat_id, event, presser)
    return refund_outcome_text(ctx.staff_t, result, action, who, ctx.tz)


async def _done_by(ctx: Ctx, chat_id: int, event: RefundEvent, presser: User) -> str:
    done_by = staff_id(event.actor)
    if done_by is None:
        return who_text(ctx.staff_t, event.actor, {})
    return await presser_or_staff_name(ctx.bot, chat_id, done_by, presser)


async def _answer_press(
    query: CallbackQuery, result: DeskResult, action: Change, attempt: int, ctx: Ctx
) -> None:
    """Tell the presser how it went, then give the pressed message the buttons that fit."""
    chat_id = query.message.chat.id if query.message else query.from_user.id
    say(ctx, *await _refund_outcome(ctx, result, action, chat_id, query.from_user))
    await ctx.answer_now(query)
    await _follow_pressed(query, result, attempt, ctx)


async def _follow_pressed(
    query: CallbackQuery, result: DeskResult, attempt: int, ctx: Ctx
) -> None:
    """A press on a reply or a copy (or one that changed nothing) gets today's buttons.

    The card itself is re-rendered by the notifier after each change. A reply whose text no
    longer describes the refund (the try it was about was started again) loses its buttons
    instead: the card is where that refund is handled from then on.
    """
    message = query.message
    if message is None or result.card is None:
        return
    card = result.card
    if message.message_id == card.message_id and result.outcome is DeskOutcome.DONE:
        return
    stale = attempt != card.refund.attempt and message.message_id != card.message_id
    markup = None if stale else refund_keyboard(ctx.staff_t, card.refund)
    await set_buttons(ctx.bot, message.chat.id, message.message_id, markup)


# --------------------------------------------------------------------------- presses


async def press(query: CallbackQuery, callback_data: StaffRefundCb, ctx: Ctx) -> None:
    """Submitted, Arrived, Re-initiate: done at once, the presser told how it went."""
    action, attempt = CHANGES[callback_data.action], callback_data.attempt
    result = await _report(ctx, callback_data.refund_id, action, attempt=attempt)
    await _answer_press(query, result, action, attempt, ctx)


async def preset_reason(query: CallbackQuery, callback_data: RefundReasonCb, ctx: Ctx) -> None:
    reason = ctx.staff_t(f"staff-refund-reason-{callback_data.reason}")
    attempt = callback_data.attempt
    result = await _report(ctx, callback_data.refund_id, Change.FAIL, reason, attempt)
    await _answer_press(query, result, Change.FAIL, attempt, ctx)


async def back(query: CallbackQuery, callback_data: StaffRefundCb, ctx: Ctx) -> None:
    """From the failure reasons back to the buttons that fit the refund now."""
    result = await _check_fail(ctx, callback_data.refund_id)
    if result.card is None:
        ctx.alert(ctx.staff_t(refusal_key(result.outcome)))
        return
    await ctx.answer_now(query)
    if query.message is not None:
        markup = refund_keyboard(ctx.staff_t, result.card.refund)
        await set_buttons(ctx.bot, query.message.chat.id, query.message.message_id, markup)


async def ask_reason(
    query: CallbackQuery, callback_data: StaffRefundCb, state: FSMContext, ctx: Ctx
) -> None:
    """Failed needs the reason the shopper will read: a preset on the card, or typed."""
    result = await _check_fail(ctx, callback_data.refund_id, callback_data.attempt)
    if result.outcome is not DeskOutcome.READY or query.message is None:
        await _answer_press(query, result, Change.FAIL, callback_data.attempt, ctx)
        return
    ctx.toast(ctx.staff_t("staff-refund-toast-pick-reason"))
    await ctx.answer_now(query)
    await _ask_for_reason(query, callback_data, state, ctx)


async def _ask_for_reason(
    query: CallbackQuery, callback_data: StaffRefundCb, state: FSMContext, ctx: Ctx
) -> None:
    """The presets in place of the card's buttons, and a prompt to type a reason instead."""
    t, user = ctx.staff_t, query.from_user
    refund_id, attempt = callback_data.refund_id, callback_data.attempt
    chat_id, pressed_id = pressed(query)
    await set_buttons(ctx.bot, chat_id, pressed_id, reason_keyboard(t, refund_id, attempt))
    text = t("staff-refund-ask-reason", name=user.first_name, id=refund_id)
    prompt = await ask_in_reply(ctx.bot, chat_id, user, text)
    # Each prompt remembers its refund: a reply goes to the refund it answers. No FSM state is
    # set, so a ticket's reason prompt of the same person keeps working alongside.
    entry = {"refund_id": refund_id, "attempt": attempt, "pressed": pressed_id}
    await remember_prompt(state, REFUND_PROMPTS, prompt.message_id, entry)


# --------------------------------------------------------------------------- typed reason


async def reason_reply(
    message: Message, prompt: dict[str, int], state: FSMContext, ctx: Ctx
) -> None:
    assert message.from_user is not None and message.text is not None
    reason = await usable_text(message, message.text, clean_failure_reason, _INVALID, ctx)
    if reason is None:
        return
    await forget_prompt(state, REFUND_PROMPTS, message)
    refund_id = int(prompt["refund_id"])
    result = await _report(ctx, refund_id, Change.FAIL, reason, prompt.get("attempt"))
    text, _ = await _refund_outcome(ctx, result, Change.FAIL, message.chat.id, message.from_user)
    if result.outcome is DeskOutcome.DONE:
        text = ctx.staff_t("staff-refund-reason-done", id=refund_id)
    await message.reply(text)
    await _restore_buttons(ctx, message.chat.id, prompt.get("pressed"), result)


async def _restore_buttons(
    ctx: Ctx, chat_id: int, pressed_id: int | None, result: DeskResult
) -> None:
    """The reasons shown where Failed was pressed give way to what fits now."""
    card = result.card
    if card is None or (pressed_id == card.message_id and result.outcome is DeskOutcome.DONE):
        return
    await set_buttons(ctx.bot, chat_id, pressed_id, refund_keyboard(ctx.staff_t, card.refund))


# --------------------------------------------------------------------------- /refund


def refund_verbs(translations: Translations) -> list[tuple[str, Change]]:
    """Every verb ``/refund`` understands, in any of the shop's languages, longest first."""
    found = {(verb, change) for change, verbs in _ENGLISH_VERBS.items() for verb in verbs}
    for locale in LOCALES:
        t = translations.get(locale)
        # Only staff's own changes have verbs: a void or reopen follows a restore or a cancel.
        for change in _ENGLISH_VERBS:
            found |= {(verb, change) for verb in t(f"staff-refund-verbs-{change}").split()}
    return sorted(found, key=lambda pair: (-len(pair[0]), pair[0]))


def parse_refund_args(
    args: str, verbs: Iterable[tuple[str, Change]]
) -> tuple[str, Change | None, str | None] | None:
    """``N``, ``N verb`` or ``N failed reason`` (N a refund or order number); None if unclear."""
    parts = args.strip().split(maxsplit=1)
    if not parts:
        return None
    reference, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    if not rest:
        return reference, None, None
    lowered = rest.casefold()
    for verb, change in verbs:
        if not lowered.startswith(verb.casefold()):
            continue
        tail = rest[len(verb) :]
        # "failed" must end at a space ("failedx" is no verb); Chinese runs on without one.
        if tail and verb.isascii() and not tail[0].isspace():
            continue
        reason = tail.strip().lstrip(":：,，").strip() or None
        if reason is not None and change is not Change.FAIL:
            return None
        return reference, change, reason
    return None


async def refund_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """``/refund N`` shows the card; ``/refund N verb [reason]`` reports like its button."""
    parsed = parse_refund_args(command.args or "", refund_verbs(ctx.deps.translations))
    if parsed is None:
        await message.reply(ctx.staff_t("staff-refund-usage"))
        return
    reference, action, reason = parsed
    if action is None:
        await _show_card(message, reference, ctx)
    else:
        await _report_typed(message, reference, action, reason, ctx)


async def _show_card(message: Message, reference: str, ctx: Ctx) -> None:
    shown = await show_refund(
        ctx.uow, reference=reference, user_id=ctx.user_id, is_staff=ctx.is_staff, now=ctx.now()
    )
    if shown.card is None:
        await message.reply(ctx.staff_t(refusal_key(shown.outcome)))
        return
    names = await refund_card_names(ctx.bot, message.chat.id, shown.card)
    text, markup = refund_card_view(ctx.staff_t, shown.card, ctx.tz, names)
    await message.answer(text, reply_markup=markup)


async def _report_typed(
    message: Message, reference: str, action: Change, reason: str | None, ctx: Ctx
) -> None:
    assert message.from_user is not None
    if reason is not None:
        reason = await usable_text(message, reason, clean_failure_reason, _INVALID, ctx)
        if reason is None:
            return
    result = await _report(ctx, reference, action, reason)
    text, _ = await _refund_outcome(ctx, result, action, message.chat.id, message.from_user)
    await message.reply(text)
