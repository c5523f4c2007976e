"""Cases in the staff group: what staff write in a case's topic (or in reply to its card or
its messages) goes to that case's shopper; /close, /reopen and the card's buttons; saved
replies (/reply NAME, managed with /replies).

Only ``STAFF_IDS`` reach shoppers: what anyone else writes is never relayed. A message in
no case's topic or reply chain is talk among staff and is left alone, as are service
messages (a topic closed by hand, a member joining).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ContentType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from domain.conversations import (
    StaffOutcome,
    StaffResult,
    Where,
    close_case,
    delete_reply,
    reopen_case,
    reply_name,
    reply_text,
    save_reply,
    saved_replies,
    send_saved_reply,
    staff_writes,
)
from handlers.context import Ctx
from handlers.conversation import incoming_of
from handlers.filters import is_staff
from handlers.staff.callbacks import StaffCaseAction, StaffCaseCb
from handlers.staff.case_views import (
    bad_reply_text,
    outcome_text,
    replies_view,
    reply_outcome_text,
)
from handlers.staff.chat import say

COMMANDS = ("close", "reopen", "reply", "replies")
#: What a person writes (as opposed to service messages); only some of it is passed on.
WRITTEN = frozenset(
    {
        ContentType.TEXT,
        ContentType.PHOTO,
        ContentType.DOCUMENT,
        ContentType.STICKER,
        ContentType.VOICE,
        ContentType.VIDEO,
        ContentType.VIDEO_NOTE,
        ContentType.AUDIO,
        ContentType.ANIMATION,
        ContentType.LOCATION,
        ContentType.CONTACT,
        ContentType.POLL,
    }
)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(close_command, Command("close"), is_staff)
    router.message.register(reopen_command, Command("reopen"), is_staff)
    router.message.register(reply_command, Command("reply"), is_staff)
    router.message.register(replies_command, Command("replies"), is_staff)
    router.message.register(staff_only, Command(*COMMANDS))
    router.callback_query.register(on_press, StaffCaseCb.filter())
    # Other commands are never relayed; what non-staff write is not even looked at.
    router.message.register(
        staff_message, is_staff, F.content_type.in_(WRITTEN), ~F.text.startswith("/")
    )
    return router


def where(message: Message) -> Where:
    """The topic a message is in, and the message it replies to (the case's card, a copy)."""
    thread_id = message.message_thread_id if message.is_topic_message else None
    replied = message.reply_to_message
    return Where(
        thread_id=thread_id,
        replied_to=replied.message_id if replied else None,
        chat_id=message.chat.id,
    )


async def _answer(message: Message, command: str, result: StaffResult, ctx: Ctx) -> None:
    """Say why a command did not go through (when it did, the topic's note says so)."""
    if result.outcome is StaffOutcome.NO_CASE:
        await message.reply(ctx.staff_t("staff-case-not-here", command=command))
        return
    text = outcome_text(ctx.staff_t, result.outcome, result.case, name=result.text or "")
    if text is not None:
        await message.reply(text)


# --------------------------------------------------------------------------- messages


async def staff_message(message: Message, ctx: Ctx) -> None:
    result = await staff_writes(
        ctx.uow,
        where=where(message),
        staff_id=ctx.user_id,
        is_staff=ctx.is_staff,
        incoming=incoming_of(message),
        now=ctx.now(),
    )
    if result.outcome in (StaffOutcome.CLOSED, StaffOutcome.UNSUPPORTED):
        await _answer(message, "", result, ctx)


# --------------------------------------------------------------------------- close, reopen


async def close_command(message: Message, ctx: Ctx) -> None:
    result = await close_case(
        ctx.uow, where=where(message), staff_id=ctx.user_id, is_staff=ctx.is_staff, now=ctx.now()
    )
    await _answer(message, "/close", result, ctx)


async def reopen_command(message: Message, ctx: Ctx) -> None:
    result = await reopen_case(
        ctx.uow, where=where(message), staff_id=ctx.user_id, is_staff=ctx.is_staff, now=ctx.now()
    )
    await _answer(message, "/reopen", result, ctx)


async def on_press(query: CallbackQuery, callback_data: StaffCaseCb, ctx: Ctx) -> None:
    """The card's close / reopen: the card, the topic and the shopper follow via the outbox."""
    change = close_case if callback_data.action is StaffCaseAction.CLOSE else reopen_case
    result = await change(
        ctx.uow,
        where=Where(case_id=callback_data.case_id),
        staff_id=ctx.user_id,
        is_staff=ctx.is_staff,
        now=ctx.now(),
    )
    if result.outcome is StaffOutcome.DONE and result.case is not None:
        closed = callback_data.action is StaffCaseAction.CLOSE
        key = "staff-case-closed-toast" if closed else "staff-case-reopened-toast"
        say(ctx, ctx.staff_t(key, id=result.case.id), False)
        return
    text = outcome_text(ctx.staff_t, result.outcome, result.case)
    say(ctx, text or ctx.staff_t("staff-case-gone"), True)


# --------------------------------------------------------------------------- saved replies


async def reply_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    name = reply_name(command.args or "")
    if name is None:
        await message.reply(ctx.staff_t("staff-reply-usage"))
        return
    incoming = incoming_of(message)
    assert incoming is not None  # a command is a text
    result = await send_saved_reply(
        ctx.uow,
        where=where(message),
        name=name,
        staff_id=ctx.user_id,
        is_staff=ctx.is_staff,
        incoming=incoming,
        now=ctx.now(),
    )
    if result.outcome is StaffOutcome.DONE:
        await message.reply(ctx.staff_t("staff-reply-sent", name=name, text=result.text or ""))
    elif result.outcome is StaffOutcome.UNKNOWN_REPLY:
        await message.reply(ctx.staff_t("staff-reply-unknown", name=name))
    else:
        await _answer(message, "/reply", result, ctx)


async def replies_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """``/replies`` lists; ``/replies add NAME TEXT`` saves; ``/replies del NAME`` deletes."""
    verb, _, rest = (command.args or "").strip().partition(" ")
    verb = verb.lower()
    if not verb:
        await message.reply(replies_view(ctx.staff_t, await saved_replies(ctx.uow)))
    elif verb in ("add", "del", "delete"):
        await _change_reply(message, verb, rest, ctx)
    else:
        await message.reply(ctx.staff_t("staff-replies-usage"))


async def _change_reply(message: Message, verb: str, rest: str, ctx: Ctx) -> None:
    raw_name, _, raw_text = rest.strip().partition(" ")
    name = reply_name(raw_name)
    if name is None:
        await message.reply(ctx.staff_t("staff-replies-bad-name"))
        return
    if verb == "add":
        text = reply_text(raw_text)
        if text is None:
            await message.reply(bad_reply_text(ctx.staff_t))
            return
        outcome = await save_reply(
            ctx.uow,
            name=name,
            text=text,
            staff_id=ctx.user_id,
            is_staff=ctx.is_staff,
            now=ctx.now(),
        )
    else:
        outcome = await delete_reply(
            ctx.uow, name=name, staff_id=ctx.user_id, is_staff=ctx.is_staff, now=ctx.now()
        )
    await message.reply(reply_outcome_text(ctx.staff_t, outcome, name))


async def staff_only(message: Message, ctx: Ctx) -> None:
    await message.reply(ctx.staff_t("staff-only"))
