"""A case's rows on their way: its place in the staff group (a forum topic headed by its
card, or the card alone), each message copied to the other side, and the news of a close
or reopen.

Every row of a case goes out in its chain's order (storage keeps the order), so the card
is always there before the first message, and a message waits rather than crossing into
another case. Copies are the bot's own messages: the shopper sees the shop speaking.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    ForumTopic,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    MediaUnion,
    Message,
    MessageId,
    ReplyParameters,
)

from domain.cases import Case, CaseMessage, CaseStatus, MessageKind
from domain.conversations import CaseView, case_view, staff_place
from domain.notifications import (
    CaseChanged,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    ShopperWrote,
    StaffWrote,
)
from handlers.conversation_views import closed_push, reopened_push, reply_keyboard
from handlers.i18n import Translator
from handlers.notices.base import Letter, NotReady, Outlet, Sent, Skip, send
from handlers.staff.case_views import case_card_view, change_note, topic_name
from handlers.staff.chat import edit_card, staff_name

log = logging.getLogger(__name__)

#: Telegram's words when the group has no topics, or the topic is gone.
_NOT_A_FORUM = "not a forum"
_THREAD_GONE = ("thread not found", "topic_id_invalid", "topic_deleted")
_TOPIC_UNCHANGED = "topic_not_modified"
_TOPIC_CLOSED = "topic_closed"
_SOURCE_GONE = "message to copy not found"
_CARD_GONE = "message to edit not found"
_NO_RIGHTS = ("not enough rights", "have no rights", "chat_admin_required")
#: How long cases do without topics after the bot was refused the right to make them.
TOPICS_AGAIN = timedelta(hours=1)
#: Telegram's limit for a caption a bot sends (a Premium shopper may write longer ones).
MAX_CAPTION = 1024


def _caption(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_CAPTION:
        return text
    return text[: MAX_CAPTION - 1] + "…"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a case lives in the staff group: its topic (or none), and its card."""

    thread_id: int | None
    header_id: int

    @property
    def reply_to(self) -> int | None:
        """Without a topic, the case's messages reply to its card (the reply chain)."""
        return self.header_id if self.thread_id is None else None


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


async def _view(out: Outlet, case_id: int) -> CaseView:
    async with out.uows() as uow:
        view = await case_view(uow, case_id, out.rules, out.clock.now())
    if view is None:
        raise Skip(f"case {case_id} not found")
    return view


async def _is_forum(out: Outlet, chat_id: int) -> bool:
    """Whether cases get topics: asked once (getChat) and remembered; after the bot was
    refused the right to make them, not until ``topics_again_at``."""
    again = out.staff_chat.topics_again_at
    if again is not None:
        if out.clock.now() < again:
            return False
        out.staff_chat.topics_again_at = out.staff_chat.is_forum = None
    if out.staff_chat.is_forum is None:
        chat = await out.call(chat_id, lambda: out.bot.get_chat(chat_id))
        out.staff_chat.is_forum = bool(chat.is_forum)
    return out.staff_chat.is_forum


async def _make_topic(out: Outlet, chat_id: int, t: Translator, view: CaseView) -> int | None:
    """A forum topic for the case, remembered at once (so a retry does not make another)."""
    name = topic_name(t, view)
    try:
        topic: ForumTopic = await out.call(
            chat_id, lambda: out.bot.create_forum_topic(chat_id, name)
        )
    except TelegramBadRequest as error:
        said = error.message.lower()
        if any(words in said for words in _NO_RIGHTS):
            # Not a reason to hold the group's rows: the card and reply threading serve.
            out.staff_chat.topics_again_at = out.clock.now() + TOPICS_AGAIN
            log.error(
                "The bot may not make forum topics in the staff group %s: %s. Cases get a "
                "card with reply threading instead. Fix: make the bot an administrator of the "
                "staff group with the Manage Topics right.",
                chat_id,
                error.message,
            )
            return None
        if _NOT_A_FORUM not in said:
            raise
        out.staff_chat.is_forum = False  # topics were turned off: reply threading instead
        return None
    async with out.uows() as uow:
        won = await uow.cases.set_thread(view.case.id, chat_id, topic.message_thread_id)
        await uow.commit()
        if won:
            return topic.message_thread_id
        current = await uow.cases.get(view.case.id)
    # Another sender made one meanwhile (two processes): that one is the case's.
    log.warning("case %s got a second topic %s", view.case.id, topic.message_thread_id)
    return current.thread_id if current is not None else None


async def ensure_place(
    out: Outlet, chat_id: int, t: Translator, case_id: int
) -> tuple[Place, Case]:
    """The case's topic and card, made now if they are not there yet."""
    view = await _view(out, case_id)
    case = view.case
    if case.staff_chat_id is not None and case.staff_chat_id != chat_id:
        # The staff group moved (upgraded, or another STAFF_CHAT_ID): the old topic and card
        # stay behind, and their ids could name another case's messages here.
        async with out.uows() as uow:
            await uow.cases.lose_place(case.id, case.staff_chat_id)
            await uow.commit()
        view = await _view(out, case_id)
        case = view.case
    thread_id = case.thread_id
    if case.header_message_id is not None:
        return Place(thread_id, case.header_message_id), case
    if thread_id is None and await _is_forum(out, chat_id):
        thread_id = await _make_topic(out, chat_id, t, view)
    text, markup = case_card_view(t, view, out.rules.tz, in_topic=thread_id is not None)
    header_id = await out.send_text(
        chat_id, text, reply_markup=markup, message_thread_id=thread_id
    )
    async with out.uows() as uow:
        await uow.cases.set_header(case.id, chat_id, header_id)
        await uow.cases.link(case.id, staff_place(chat_id), [header_id])
        await uow.commit()
    return Place(thread_id, header_id), case


async def case_opened(out: Outlet, letter: Letter[CaseOpened]) -> Sent:
    place, _ = await ensure_place(out, letter.chat_id, letter.t, letter.payload.case_id)
    return Sent(place.header_id)


# --------------------------------------------------------------------------- copies


async def _items(out: Outlet, message_id: int) -> list[CaseMessage]:
    """The message to copy, or with an album the items this row takes (none: sent already)."""
    async with out.uows() as uow:
        message = await uow.cases.message(message_id)
        if message is None:
            raise Skip(f"case message {message_id} not found")
        if message.media_group_id is None:
            return [message]
        items = await uow.cases.take_album(message)
        await uow.commit()
    if not items:
        raise Skip("sent with its album")
    return items


async def _copy_run(
    out: Outlet,
    chat_id: int,
    run: Sequence[CaseMessage],
    *,
    thread_id: int | None,
    reply_to: int | None,
    markup: InlineKeyboardMarkup | None,
) -> list[int]:
    """One message (a copy, or a saved reply's text), or an album of one kind."""
    first, reply = run[0], _reply(reply_to)
    if len(run) > 1:
        media: list[MediaUnion] = [
            InputMediaPhoto(media=item.file_id or "", caption=_caption(item.caption))
            if item.kind is MessageKind.PHOTO
            else InputMediaDocument(media=item.file_id or "", caption=_caption(item.caption))
            for item in run
        ]
        sent: list[Message] = await out.call(
            chat_id,
            lambda: out.bot.send_media_group(
                chat_id, media, message_thread_id=thread_id, reply_parameters=reply
            ),
        )
        return [message.message_id for message in sent]
    if first.kind is MessageKind.SAVED:
        text = first.text or ""
        return [
            await out.send_text(
                chat_id, text, reply_to=reply_to, message_thread_id=thread_id, reply_markup=markup
            )
        ]
    copied: MessageId = await out.call(
        chat_id,
        lambda: out.bot.copy_message(
            chat_id,
            first.chat_id,
            first.message_id,
            message_thread_id=thread_id,
            # Only a caption too long to send is replaced; otherwise the copy keeps its own.
            caption=_caption(first.caption) if first.caption != _caption(first.caption) else None,
            reply_parameters=reply,
            reply_markup=markup,
        ),
    )
    return [copied.message_id]


async def _copy(
    out: Outlet,
    chat_id: int,
    items: Sequence[CaseMessage],
    *,
    thread_id: int | None = None,
    reply_to: int | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> list[int]:
    """Copy the items in order: an album as albums of one kind each (Telegram groups
    photos with photos and files with files), anything else one by one."""
    sent: list[int] = []
    for _, group in groupby(items, key=lambda item: item.kind):
        run = list(group)
        try:
            sent += await _copy_run(
                out, chat_id, run, thread_id=thread_id, reply_to=reply_to, markup=markup
            )
        except TelegramBadRequest as error:
            if _SOURCE_GONE not in error.message.lower():
                raise
            log.warning("case message %s was deleted before it was relayed", run[0].id)
    if not sent:
        raise Skip("the message was deleted by its writer")
    return sent


async def shopper_wrote(out: Outlet, letter: Letter[ShopperWrote]) -> Sent:
    """The shopper's message in the case's topic (or under its card)."""
    chat_id, payload = letter.chat_id, letter.payload
    place, case = await ensure_place(out, chat_id, letter.t, payload.case_id)
    items = await _items(out, payload.message_id)
    try:
        sent = await _copy(out, chat_id, items, thread_id=place.thread_id, reply_to=place.reply_to)
    except TelegramBadRequest as error:
        await _topic_gone(out, case, place, error, chat_id)
        raise
    async with out.uows() as uow:
        await uow.cases.link(case.id, staff_place(chat_id), sent)
        await uow.commit()
    return Sent(sent[0])


async def _topic_gone(
    out: Outlet, case: Case, place: Place, error: TelegramBadRequest, chat_id: int
) -> None:
    """Staff deleted the case's topic (or turned topics off), or its card, or the bot may no
    longer use the topic (its admin rights were taken): forget the place, so the next try
    makes a new one (a card with reply threading when topics are barred), and wait for
    that try (``NotReady``) rather than hold the case's later messages behind a row that
    cannot succeed. Any other error is the caller's."""
    said = error.message.lower()
    in_topic = place.thread_id is not None
    topic_gone = in_topic and any(w in said for w in _THREAD_GONE)
    # The bot lost its admin rights: it may no longer open, or post in, a closed topic.
    topic_barred = in_topic and any(w in said for w in (*_NO_RIGHTS, _TOPIC_CLOSED))
    if not topic_gone and not topic_barred and _CARD_GONE not in said:
        return
    async with out.uows() as uow:
        await uow.cases.lose_place(case.id, chat_id)
        await uow.commit()
    out.staff_chat.is_forum = None
    if topic_barred:
        out.staff_chat.topics_again_at = out.clock.now() + TOPICS_AGAIN
        log.error(
            "The bot may no longer manage the topic of case %s in the staff group %s: %s. "
            "The case gets a new card with reply threading. Fix: make the bot an "
            "administrator of the staff group with the Manage Topics right.",
            case.id,
            chat_id,
            error.message,
        )
    raise NotReady("the case's topic or card is gone") from error


async def staff_wrote(out: Outlet, letter: Letter[StaffWrote]) -> Sent:
    """Staff's message in the shopper's chat, as the shop's own, with a button to answer."""
    items = await _items(out, letter.payload.message_id)
    markup = reply_keyboard(letter.t, letter.payload.case_id)
    sent = await _copy(out, letter.chat_id, items, markup=markup)
    return Sent(sent[0])


# --------------------------------------------------------------------------- closing, reopening


async def case_changed(out: Outlet, letter: Letter[CaseChanged]) -> Sent:
    """The card shows the case as it is now, the topic closes or opens with it, and a note
    says who did it."""
    chat_id, t, change = letter.chat_id, letter.t, letter.payload
    place, case = await ensure_place(out, chat_id, t, change.case_id)
    view = await _view(out, change.case_id)
    text, markup = case_card_view(t, view, out.rules.tz, in_topic=place.thread_id is not None)
    closing = view.case.status is CaseStatus.CLOSED
    # The note is the last thing that can fail: a retry redoes only what changes nothing
    # when done twice (the card's edit, the topic's reopening), never the note. A reopened
    # topic takes the note; a closed one is closed after it.
    try:
        await out.call(chat_id, lambda: edit_card(out.bot, chat_id, place.header_id, text, markup))
        if place.thread_id is not None and not closing:
            await _follow_topic(out, chat_id, place.thread_id, view.case.status)
        who = await staff_name(out.bot, chat_id, change.staff_id)
        note = await out.send_text(
            chat_id,
            change_note(t, change, who),
            reply_to=place.reply_to,
            message_thread_id=place.thread_id,
        )
    except TelegramBadRequest as error:
        # A deleted topic must not hold the case's later messages behind this row for a day.
        await _topic_gone(out, case, place, error, chat_id)
        raise
    if place.thread_id is not None and closing:
        try:
            await _follow_topic(out, chat_id, place.thread_id, view.case.status)
        except TelegramAPIError as error:  # the note is out: an open topic is only untidy
            log.warning("case %s: its topic stays open: %s", case.id, error.message)
    return Sent(note)


async def _follow_topic(out: Outlet, chat_id: int, thread_id: int, status: CaseStatus) -> None:
    """Close or reopen the topic as the case is now (a second close changes nothing)."""
    bot = out.bot
    try:
        if status is CaseStatus.CLOSED:
            await out.call(chat_id, lambda: bot.close_forum_topic(chat_id, thread_id))
        else:
            await out.call(chat_id, lambda: bot.reopen_forum_topic(chat_id, thread_id))
    except TelegramBadRequest as error:
        if _TOPIC_UNCHANGED not in error.message.lower():
            raise


async def _news_case(out: Outlet, case_id: int) -> Case:
    async with out.uows() as uow:
        case = await uow.cases.get(case_id)
    if case is None:
        raise Skip(f"case {case_id} not found")
    return case


async def case_closed(out: Outlet, letter: Letter[CaseClosed]) -> Sent:
    case = await _news_case(out, letter.payload.case_id)
    return await send(out, letter, closed_push(letter.t, case))


async def case_reopened(out: Outlet, letter: Letter[CaseReopened]) -> Sent:
    case = await _news_case(out, letter.payload.case_id)
    return await send(out, letter, reopened_push(letter.t, case))
