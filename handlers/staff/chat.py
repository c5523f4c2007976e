"""What the staff handlers and notices do in the group itself: names, edits, prompts.

The database keeps only Telegram ids; names are asked from the group. Every edit
here tolerates a card that is unchanged or was deleted meanwhile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    User,
)

from domain.refund_desk import RefundCard, staff_id
from handlers.context import Ctx

# --------------------------------------------------------------------------- who


async def staff_name(bot: Bot, chat_id: int, user_id: int | None) -> str:
    """A decider's first name, asked from the group (the database keeps only the id)."""
    if user_id is None:
        return ""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramAPIError:
        return str(user_id)
    return member.user.first_name


async def presser_or_staff_name(bot: Bot, chat_id: int, user_id: int | None, presser: User) -> str:
    """The presser's own name when they did it (no need to ask), else the doer's from the group."""
    if user_id == presser.id:
        return presser.first_name
    return await staff_name(bot, chat_id, user_id)


async def staff_names(bot: Bot, chat_id: int, actors: Iterable[str]) -> dict[int, str]:
    """First names of the staff among ``actors``, asked from the group once each."""
    ids = {found for actor in actors if (found := staff_id(actor)) is not None}
    return {user_id: await staff_name(bot, chat_id, user_id) for user_id in sorted(ids)}


async def refund_card_names(bot: Bot, chat_id: int, card: RefundCard) -> dict[int, str]:
    return await staff_names(bot, chat_id, (event.actor for event in card.events))


# --------------------------------------------------------------------------- presses


def pressed(query: CallbackQuery) -> tuple[int, int]:
    """The chat and message a press was on."""
    message = query.message
    assert message is not None  # the parent router only sees presses in the staff chat
    return message.chat.id, message.message_id


def say(ctx: Ctx, text: str, alert: bool) -> None:
    """The press's answer: an alert the presser must close, or a toast."""
    if alert:
        ctx.alert(text)
    else:
        ctx.toast(text)


# --------------------------------------------------------------------------- edits


async def edit_card(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Show the card as it is now; an unchanged or vanished card is fine."""
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )


async def set_buttons(
    bot: Bot, chat_id: int, message_id: int | None, markup: InlineKeyboardMarkup | None
) -> None:
    """Show the buttons that fit now; an unchanged or vanished message is fine."""
    if message_id is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=markup
        )


# --------------------------------------------------------------------------- typed replies


async def ask_in_reply(bot: Bot, chat_id: int, user: User, text: str) -> Message:
    """A prompt for ``user`` to answer by replying; ``text`` starts with their first name."""
    # Mentioning the presser makes the forced reply open only on their phone.
    mention = MessageEntity(
        type="text_mention",
        offset=0,
        length=len(user.first_name.encode("utf-16-le")) // 2,
        user=user,
    )
    return await bot.send_message(
        chat_id, text, entities=[mention], reply_markup=ForceReply(selective=True)
    )


async def usable_text(
    message: Message, text: str, clean: Callable[[str], str | None], invalid: str, ctx: Ctx
) -> str | None:
    """``text`` as ``clean`` keeps it; None, and the typer told ``invalid``, when it cannot."""
    cleaned = clean(text)
    if cleaned is None:
        await message.reply(ctx.staff_t(invalid))
    return cleaned


async def remember_prompt(
    state: FSMContext, key: str, prompt_id: int, entry: dict[str, Any]
) -> None:
    """Keep what a prompt is about under ``key``, by the prompt's message id."""
    prompts = dict((await state.get_data()).get(key, {}))
    prompts[str(prompt_id)] = entry
    await state.update_data({key: prompts})


async def forget_prompt(state: FSMContext, key: str, reply: Message) -> dict[str, Any]:
    """Drop the prompt ``reply`` answered; returns the prompts still open under ``key``."""
    assert reply.reply_to_message is not None  # PromptReply matched a reply
    prompts = dict((await state.get_data()).get(key, {}))
    prompts.pop(str(reply.reply_to_message.message_id), None)
    await state.update_data({key: prompts})
    return prompts


class PromptReply(Filter):
    """Matches only a reply to one of this person's prompts kept under ``key`` (FSM data is
    per chat and user); the handler gets that prompt's entry as ``prompt``."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, state: FSMContext) -> dict[str, Any] | bool:
        replied = message.reply_to_message
        if replied is None:
            return False
        entry = (await state.get_data()).get(self.key, {}).get(str(replied.message_id))
        return {"prompt": entry} if entry else False
