"""The staff group's side of manual refunds: the card's buttons, typed failure reasons, /refund.

WeChat, Alipay and bank-card refunds are pushed out by staff in the payment
provider's console; here they say how it went. Anyone in the group may press,
only ``STAFF_IDS`` change anything (the use case refuses and audits the rest).
The card itself follows each change through the outbox (``staff.refund_updated``),
so a press only answers the presser. Shown in the shop's default language.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    User,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.notifications import FollowUp
from domain.orders import Gateway, Refund, RefundStatus
from domain.orders import RefundAction as Change
from domain.policy import ShopRules
from domain.ports import Clock, RefundEvent, UnitOfWork
from domain.refund_desk import (
    DeskOutcome,
    DeskResult,
    RefundCard,
    check_refund,
    clean_failure_reason,
    report_refund,
    show_refund,
    staff_id,
)
from handlers.callbacks import Attempt, FailPreset, Id, RefundButton, StaffRefundCb
from handlers.common import answer
from handlers.deps import Deps
from handlers.i18n import LOCALES, Translations, Translator, money
from handlers.staff import in_staff_chat, is_staff, staff_name, staff_translator

#: FSM data: failure-reason prompt message id → the refund it is for and the pressed message.
REFUND_PROMPTS = "refund_prompts"

_CHANGES: dict[RefundButton, Change] = {
    RefundButton.SUBMITTED: Change.SUBMIT,
    RefundButton.SUCCEEDED: Change.SUCCEED,
    RefundButton.FAILED: Change.FAIL,
    RefundButton.REINITIATE: Change.REINITIATE,
}
#: The buttons a refund's card offers in each state.
_BUTTONS: dict[RefundStatus, tuple[RefundButton, ...]] = {
    RefundStatus.REQUESTED: (
        RefundButton.SUBMITTED,
        RefundButton.SUCCEEDED,
        RefundButton.FAILED,
    ),
    RefundStatus.PROCESSING: (RefundButton.SUCCEEDED, RefundButton.FAILED),
    RefundStatus.FAILED: (RefundButton.REINITIATE,),
    RefundStatus.SUCCEEDED: (),
}
#: What staff may type after ``/refund N`` in English; each language adds its own words
#: (``staff-refund-verbs-*``). Longer verbs are tried first.
_ENGLISH_VERBS: dict[Change, tuple[str, ...]] = {
    Change.SUBMIT: ("submitted", "submit"),
    Change.SUCCEED: ("succeeded", "succeed", "arrived"),
    Change.FAIL: ("failed", "fail"),
    Change.REINITIATE: ("reinitiate", "re-initiate"),
}


class RefundReasonCb(CallbackData, prefix="fr"):
    refund_id: Id
    attempt: Attempt
    reason: FailPreset


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(in_staff_chat)
    router.callback_query.filter(in_staff_chat)
    router.message.register(refund_command, Command("refund"))
    router.message.register(reason_reply, F.text, ~F.text.startswith("/"), is_staff, _prompt_for)
    router.callback_query.register(
        ask_reason, StaffRefundCb.filter(F.action == RefundButton.FAILED)
    )
    router.callback_query.register(back, StaffRefundCb.filter(F.action == RefundButton.OPEN))
    at_once = set(_CHANGES) - {RefundButton.FAILED}
    router.callback_query.register(press, StaffRefundCb.filter(F.action.in_(at_once)))
    router.callback_query.register(preset_reason, RefundReasonCb.filter())
    return router


# --------------------------------------------------------------------------- rendering


Rendered = tuple[str, InlineKeyboardMarkup | None]


def status_text(t: Translator, status: RefundStatus) -> str:
    return t(f"staff-refund-status-{status}")


def _facts(t: Translator, refund: Refund) -> dict[str, str | int]:
    return {
        "id": refund.id,
        "order_no": refund.order_no,
        "amount": money(refund.amount_fen),
        "channel": t(f"channel-{refund.channel}"),
        "latest": t.date(refund.expected_latest),
        "status": status_text(t, refund.status),
    }


def refund_keyboard(t: Translator, refund: Refund) -> InlineKeyboardMarkup | None:
    """The buttons that fit the refund's state now (none once it arrived)."""
    actions = _BUTTONS[refund.status] if refund.gateway is Gateway.MANUAL else ()
    if not actions:
        return None
    builder = InlineKeyboardBuilder()
    for action in actions:
        builder.button(
            text=t(f"staff-refund-btn-{_CHANGES[action]}"),
            callback_data=StaffRefundCb(
                action=action, refund_id=refund.id, attempt=refund.attempt
            ),
        )
    builder.adjust(3)
    return builder.as_markup()


def reason_keyboard(t: Translator, refund_id: int, attempt: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for preset in FailPreset:
        builder.button(
            text=t(f"staff-refund-reason-{preset}"),
            callback_data=RefundReasonCb(refund_id=refund_id, attempt=attempt, reason=preset),
        )
    builder.button(
        text=t("staff-refund-btn-back"),
        callback_data=StaffRefundCb(
            action=RefundButton.OPEN, refund_id=refund_id, attempt=attempt
        ),
    )
    builder.adjust(1)
    return builder.as_markup()


def who_text(t: Translator, actor: str, names: Mapping[int, str]) -> str:
    """Who did it, as staff would say it: a colleague's name, the wallet, an import file."""
    found = staff_id(actor)
    if found is not None:
        return names.get(found) or str(found)
    kind, _, detail = actor.partition(":")
    if kind == "gateway":
        return t("staff-refund-actor-wallet")
    if kind == "import":
        return t("staff-refund-actor-import", file=detail)
    if kind == "tg":
        return t("staff-refund-actor-shopper")
    return actor


def _event_line(t: Translator, event: RefundEvent, tz: tzinfo, names: Mapping[int, str]) -> str:
    args: dict[str, str | int] = {
        "time": t.datetime(event.at, tz),
        "action": t(f"staff-refund-action-{event.action}"),
        "who": who_text(t, event.actor, names),
    }
    if event.note:
        return t("staff-refund-line-event-note", note=event.note, **args)
    return t("staff-refund-line-event", **args)


def card_text(t: Translator, card: RefundCard, tz: tzinfo, names: Mapping[int, str]) -> str:
    refund = card.refund
    facts = _facts(t, refund)
    lines = [
        t(f"staff-refund-card-title-{refund.status}", **facts),
        t("staff-refund-card-number", attempt=refund.attempt, **facts),
    ]
    if card.customer_name:
        lines.append(t("staff-refund-card-customer", name=card.customer_name))
    if refund.status.open:
        lines.append(
            t(
                "staff-refund-card-expected",
                earliest=t.date(refund.expected_earliest),
                latest=t.date(refund.expected_latest),
            )
        )
    if refund.status is RefundStatus.FAILED and refund.failure_reason:
        lines.append(t("staff-refund-card-reason", reason=refund.failure_reason))
    if refund.shopper_not_yet_at is not None and refund.status.open:
        lines.append(
            t("staff-refund-card-shopper-not-yet", time=t.datetime(refund.shopper_not_yet_at, tz))
        )
    if refund.shopper_confirmed_at is not None:
        when = t.datetime(refund.shopper_confirmed_at, tz)
        lines.append(t("staff-refund-card-shopper-arrived", time=when))
    lines += [
        t("staff-refund-card-timeline"),
        t("staff-refund-line-created", time=t.datetime(refund.created_at, tz)),
    ]
    lines += [_event_line(t, event, tz, names) for event in card.events]
    return "\n".join(lines)


def card_view(t: Translator, card: RefundCard, tz: tzinfo, names: Mapping[int, str]) -> Rendered:
    return card_text(t, card, tz, names), refund_keyboard(t, card.refund)


def failed_text(t: Translator, refund: Refund, reason: str) -> str:
    facts = _facts(t, refund)
    return "\n".join(
        [
            t("staff-refund-failed-alert", reason=reason, **facts),
            t("staff-refund-failed-next", **facts),
        ]
    )


def followup_text(t: Translator, refund: Refund, why: FollowUp) -> str:
    """Why staff are asked to look: the shopper's word, or a refund at its last day."""
    facts = _facts(t, refund)
    if refund.status is RefundStatus.FAILED:
        reason = refund.failure_reason or ""
        first = t("staff-refund-followup-reinitiate", reason=reason, **facts)
        return "\n".join([first, t("staff-refund-followup-reinitiate-next")])
    if refund.status is RefundStatus.REQUESTED and why is FollowUp.DUE:
        # Promised by today and never pushed out: the one case with a different next step.
        return "\n".join(
            [t("staff-refund-followup-due", **facts), t("staff-refund-followup-submit", **facts)]
        )
    first = {
        FollowUp.NOT_YET: "staff-refund-followup-not-yet",
        FollowUp.ASKED: "staff-refund-followup-asked",
        FollowUp.DUE: "staff-refund-followup-due",
    }[why]
    return "\n".join([t(first, **facts), t("staff-refund-followup-check", **facts)])


async def staff_names(bot: Bot, chat_id: int, actors: Iterable[str]) -> dict[int, str]:
    """First names of the staff among ``actors``, asked from the group once each."""
    ids = {found for actor in actors if (found := staff_id(actor)) is not None}
    return {user_id: await staff_name(bot, chat_id, user_id) for user_id in sorted(ids)}


async def card_names(bot: Bot, chat_id: int, card: RefundCard) -> dict[int, str]:
    return await staff_names(bot, chat_id, (event.actor for event in card.events))


# --------------------------------------------------------------------------- answers


#: Refusals that only need the refund's number.
_PLAIN = {
    DeskOutcome.NEEDS_REASON: "staff-refund-needs-reason",
    DeskOutcome.NOT_MANUAL: "staff-refund-not-manual",
}


async def outcome_text(
    t: Translator,
    result: DeskResult,
    action: Change,
    *,
    bot: Bot,
    chat_id: int,
    presser: User,
    tz: tzinfo,
) -> tuple[str, bool]:
    """What the presser is told, and whether it deserves an alert rather than a toast."""
    refund = result.card.refund if result.card else None
    if result.outcome is DeskOutcome.NOT_STAFF:
        return t("staff-refund-not-staff"), True
    if refund is None or result.outcome is DeskOutcome.NOT_FOUND:
        return t("staff-refund-not-found"), True
    if result.outcome is DeskOutcome.DONE:
        return t(f"staff-refund-done-{action}", id=refund.id, attempt=refund.attempt), False
    if result.outcome is DeskOutcome.ALREADY and result.event is not None:
        who = await _done_by(t, bot, chat_id, result.event, presser)
        when = t.datetime(result.event.at, tz)
        action_text = t(f"staff-refund-action-{action}")
        return t(
            "staff-refund-already", id=refund.id, who=who, time=when, action=action_text
        ), True
    if result.outcome in _PLAIN:
        return t(_PLAIN[result.outcome], id=refund.id), True
    status = status_text(t, refund.status)
    action_text = t(f"staff-refund-action-{action}")
    return t("staff-refund-not-allowed", id=refund.id, status=status, action=action_text), True


async def _done_by(
    t: Translator, bot: Bot, chat_id: int, event: RefundEvent, presser: User
) -> str:
    done_by = staff_id(event.actor)
    if done_by == presser.id:
        return presser.first_name
    if done_by is not None:
        return await staff_name(bot, chat_id, done_by)
    return who_text(t, event.actor, {})


async def _set_buttons(
    bot: Bot, chat_id: int, message_id: int | None, markup: InlineKeyboardMarkup | None
) -> None:
    """Show the buttons that fit now; an unchanged or vanished message is fine."""
    if message_id is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=markup
        )


async def _follow_pressed(
    bot: Bot, t: Translator, query: CallbackQuery, result: DeskResult, attempt: int
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
    markup = None if stale else refund_keyboard(t, card.refund)
    await _set_buttons(bot, message.chat.id, message.message_id, markup)


# --------------------------------------------------------------------------- presses


async def press(
    query: CallbackQuery,
    callback_data: StaffRefundCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    """Submitted, Arrived, Re-initiate: done at once, the presser told how it went."""
    await _report(
        query,
        callback_data.refund_id,
        callback_data.attempt,
        _CHANGES[callback_data.action],
        None,
        bot=bot,
        uow=uow,
        deps=deps,
        rules=rules,
        clock=clock,
        translations=translations,
    )


async def preset_reason(
    query: CallbackQuery,
    callback_data: RefundReasonCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    t = staff_translator(translations)
    await _report(
        query,
        callback_data.refund_id,
        callback_data.attempt,
        Change.FAIL,
        t(f"staff-refund-reason-{callback_data.reason}"),
        bot=bot,
        uow=uow,
        deps=deps,
        rules=rules,
        clock=clock,
        translations=translations,
    )


async def _report(
    query: CallbackQuery,
    refund_id: int,
    attempt: int,
    action: Change,
    reason: str | None,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    t = staff_translator(translations)
    result = await report_refund(
        uow,
        refund_id=refund_id,
        action=action,
        user_id=query.from_user.id,
        is_staff=query.from_user.id in deps.staff_ids,
        rules=rules,
        now=clock.now(),
        reason=reason,
        attempt=attempt,
    )
    chat_id = query.message.chat.id if query.message else query.from_user.id
    text, alert = await outcome_text(
        t, result, action, bot=bot, chat_id=chat_id, presser=query.from_user, tz=rules.tz
    )
    await answer(query, text, alert=alert)
    await _follow_pressed(bot, t, query, result, attempt)


async def back(
    query: CallbackQuery,
    callback_data: StaffRefundCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    clock: Clock,
    translations: Translations,
) -> None:
    """From the failure reasons back to the buttons that fit the refund now."""
    t = staff_translator(translations)
    result = await check_refund(
        uow,
        refund_id=callback_data.refund_id,
        action=Change.FAIL,
        user_id=query.from_user.id,
        is_staff=query.from_user.id in deps.staff_ids,
        now=clock.now(),
    )
    if result.card is None:
        refused = result.outcome is DeskOutcome.NOT_STAFF
        await answer(
            query, t("staff-refund-not-staff" if refused else "staff-refund-not-found"), alert=True
        )
        return
    await answer(query)
    if query.message is not None:
        markup = refund_keyboard(t, result.card.refund)
        await _set_buttons(bot, query.message.chat.id, query.message.message_id, markup)


async def ask_reason(
    query: CallbackQuery,
    callback_data: StaffRefundCb,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
    state: FSMContext,
) -> None:
    """Failed needs the reason the shopper will read: a preset on the card, or typed."""
    t = staff_translator(translations)
    refund_id = callback_data.refund_id
    user = query.from_user
    result = await check_refund(
        uow,
        refund_id=refund_id,
        action=Change.FAIL,
        user_id=user.id,
        is_staff=user.id in deps.staff_ids,
        now=clock.now(),
        attempt=callback_data.attempt,
    )
    message = query.message
    if result.outcome is not DeskOutcome.READY or message is None:
        chat_id = message.chat.id if message is not None else user.id
        text, alert = await outcome_text(
            t, result, Change.FAIL, bot=bot, chat_id=chat_id, presser=user, tz=rules.tz
        )
        await answer(query, text, alert=alert)
        await _follow_pressed(bot, t, query, result, callback_data.attempt)
        return
    await answer(query, t("staff-refund-toast-pick-reason"))
    chat_id = message.chat.id
    markup = reason_keyboard(t, refund_id, callback_data.attempt)
    await _set_buttons(bot, chat_id, message.message_id, markup)
    text = t("staff-refund-ask-reason", name=user.first_name, id=refund_id)
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
    # Each prompt remembers its refund: a reply goes to the refund it answers. No FSM state is
    # set, so a ticket's reason prompt of the same person keeps working alongside.
    prompts = dict((await state.get_data()).get(REFUND_PROMPTS, {}))
    prompts[str(prompt.message_id)] = {
        "refund_id": refund_id,
        "attempt": callback_data.attempt,
        "pressed": message.message_id,
    }
    await state.update_data({REFUND_PROMPTS: prompts})


# --------------------------------------------------------------------------- typed reason


async def _prompt_for(message: Message, state: FSMContext) -> dict[str, Any] | bool:
    """Matches only a reply to one of this person's failure-reason prompts."""
    replied = message.reply_to_message
    if replied is None:
        return False
    prompts = (await state.get_data()).get(REFUND_PROMPTS, {})
    entry = prompts.get(str(replied.message_id))
    return {"refund_prompt": entry} if entry else False


async def reason_reply(
    message: Message,
    refund_prompt: dict[str, int],
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
    state: FSMContext,
) -> None:
    t = staff_translator(translations)
    assert message.from_user is not None and message.text is not None
    assert message.reply_to_message is not None  # _prompt_for matched a reply
    reason = clean_failure_reason(message.text)
    if reason is None:
        await message.reply(t("staff-refund-reason-invalid"))
        return
    prompts = dict((await state.get_data()).get(REFUND_PROMPTS, {}))
    prompts.pop(str(message.reply_to_message.message_id), None)
    await state.update_data({REFUND_PROMPTS: prompts})
    refund_id = int(refund_prompt["refund_id"])
    result = await report_refund(
        uow,
        refund_id=refund_id,
        action=Change.FAIL,
        user_id=message.from_user.id,
        is_staff=message.from_user.id in deps.staff_ids,
        rules=rules,
        now=clock.now(),
        reason=reason,
        attempt=refund_prompt.get("attempt"),
    )
    text, _ = await outcome_text(
        t,
        result,
        Change.FAIL,
        bot=bot,
        chat_id=message.chat.id,
        presser=message.from_user,
        tz=rules.tz,
    )
    if result.outcome is DeskOutcome.DONE:
        text = t("staff-refund-reason-done", id=refund_id)
    await message.reply(text)
    card = result.card
    pressed = refund_prompt.get("pressed")
    if card is not None and (pressed != card.message_id or result.outcome is not DeskOutcome.DONE):
        # The reasons shown where Failed was pressed give way to what fits now.
        await _set_buttons(bot, message.chat.id, pressed, refund_keyboard(t, card.refund))


# --------------------------------------------------------------------------- /refund


def refund_verbs(translations: Translations) -> list[tuple[str, Change]]:
    """Every verb ``/refund`` understands, in any of the shop's languages, longest first."""
    found = {(verb, change) for change, verbs in _ENGLISH_VERBS.items() for verb in verbs}
    for locale in LOCALES:
        t = translations.get(locale)
        for change in Change:
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


async def refund_command(
    message: Message,
    command: CommandObject,
    *,
    bot: Bot,
    uow: UnitOfWork,
    deps: Deps,
    rules: ShopRules,
    clock: Clock,
    translations: Translations,
) -> None:
    t = staff_translator(translations)
    assert message.from_user is not None
    user = message.from_user
    parsed = parse_refund_args(command.args or "", refund_verbs(translations))
    if parsed is None:
        await message.reply(t("staff-refund-usage"))
        return
    reference, action, reason = parsed
    staff = user.id in deps.staff_ids
    if action is None:
        shown = await show_refund(
            uow, reference=reference, user_id=user.id, is_staff=staff, now=clock.now()
        )
        if shown.card is None:
            refused = shown.outcome is DeskOutcome.NOT_STAFF
            await message.reply(
                t("staff-refund-not-staff" if refused else "staff-refund-not-found")
            )
            return
        names = await card_names(bot, message.chat.id, shown.card)
        text, markup = card_view(t, shown.card, rules.tz, names)
        await message.answer(text, reply_markup=markup)
        return
    if reason is not None:
        reason = clean_failure_reason(reason)
        if reason is None:
            await message.reply(t("staff-refund-reason-invalid"))
            return
    result = await report_refund(
        uow,
        refund_id=reference,
        action=action,
        user_id=user.id,
        is_staff=staff,
        rules=rules,
        now=clock.now(),
        reason=reason,
    )
    text, _ = await outcome_text(
        t, result, action, bot=bot, chat_id=message.chat.id, presser=user, tz=rules.tz
    )
    await message.reply(text)
