"""User-side helpers: fake users and groups that chat with the bot through FakeTelegram."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import CallbackAnswer, FakeTelegram, StoredMessage, UpdateRecord

SETTLE_SECONDS = 0.15
"""How long the bot must stay quiet towards a chat before an action counts as answered."""
REPLY_TIMEOUT = 10.0
"""How long an action waits for the bot before failing."""

RESPONSE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "answerCallbackQuery",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "createForumTopic",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    }
)
# A chat action announces work rather than finishing it, so it only extends the quiet window.
ACTIVITY_METHODS = RESPONSE_METHODS | {"sendChatAction"}

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")
_media_group_ids = itertools.count(13_500_000_000_000_001)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities Telegram attaches to a user's text."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group(0)),
        }
        for match in _COMMAND_RE.finditer(text)
    ]


def _timeout_report(
    tg: FakeTelegram,
    headline: str,
    records: Sequence[UpdateRecord],
    started: float,
) -> str:
    lines = [headline]
    for record in records:
        fetched = "yes" if record.delivered_at is not None else "no"
        confirmed = "yes" if record.confirmed_at is not None else "no"
        state = f"fetched={fetched}, confirmed={confirmed}"
        if tg.tracking:
            handled = "yes" if record.handled_at is not None else "no"
            state += f", handled={handled}, matched={'no' if record.unhandled else 'yes'}"
        lines.append(f"  {record.describe()}: {state}")
    polls = [c for c in tg.call_log if c.method == "getUpdates" and c.at >= started]
    if not polls:
        lines.append("no getUpdates request arrived in that time: is the dispatcher polling?")
    calls = [c for c in tg.call_log if c.at >= started and c.method != "getUpdates"]
    if calls:
        lines.append("bot calls in that time:")
        lines.extend(f"  {call.summary()}" for call in calls[-25:])
    else:
        lines.append("the bot made no other calls in that time")
    if tg.unknown_calls:
        lines.append("unknown methods called: " + ", ".join(c.method for c in tg.unknown_calls))
    lines.extend(f"fake server error: {error}" for error in tg.internal_errors)
    return "\n".join(lines)


async def wait_quiet(
    tg: FakeTelegram,
    records: Sequence[UpdateRecord],
    chat_id: int | None,
    max_wait: float,
    settle: float,
    *,
    require_response: bool = False,
) -> None:
    """Wait until ``records`` were fetched, answered (if required) and the chat went quiet.

    ``chat_id=None`` watches bot output to every chat.
    """
    started = time.monotonic()
    deadline = started + max_wait
    callback_ids = [r.callback_query_id for r in records if r.callback_query_id]

    async def until(done: Any, failure: str) -> None:
        while not done():
            now = time.monotonic()
            if now >= deadline:
                raise AssertionError(_timeout_report(tg, failure, records, started))
            await tg.wait_for_change(deadline - now)

    def delivered() -> bool:
        for record in records:
            if record.dropped:
                msg = f"{record.describe()} never reaches the bot: {record.dropped}"
                raise AssertionError(msg)
        return all(record.delivered_at is not None for record in records)

    await until(delivered, f"the bot did not fetch the update(s) within {max_wait} s")
    since = min((r.delivered_at for r in records if r.delivered_at is not None), default=started)

    def handled() -> bool:
        if tg.fail_on_bot_errors:
            for record in records:
                if record.handler_error:
                    msg = f"the bot crashed handling {record.describe()}:\n{record.handler_error}"
                    raise AssertionError(msg)
        return all(record.handled_at is not None for record in records)

    if tg.tracking:
        await until(handled, f"the dispatcher did not finish the update(s) within {max_wait} s")
        if require_response and records and all(record.unhandled for record in records):
            described = ", ".join(record.describe() for record in records)
            msg = f"no handler of the dispatcher matched {described}"
            raise AssertionError(msg)

    def responded() -> bool:
        return any(
            call.method in RESPONSE_METHODS for call in tg.activity(chat_id, since, callback_ids)
        )

    if require_response and records:
        where = "any chat" if chat_id is None else f"chat {chat_id}"
        await until(responded, f"the bot did not respond in {where} within {max_wait} s")
    while True:
        activity = tg.activity(chat_id, 0.0, callback_ids)
        quiet_until = max([since, *(call.at for call in activity)]) + settle
        now = time.monotonic()
        if now >= quiet_until:
            return
        if now >= deadline:
            failure = f"the bot kept talking for {max_wait} s without a {settle} s pause"
            raise AssertionError(_timeout_report(tg, failure, records, started))
        await tg.wait_for_change(min(quiet_until, deadline) - now)


async def wait_fetched(tg: FakeTelegram, records: Sequence[UpdateRecord], max_wait: float) -> None:
    await wait_quiet(tg, records, None, max_wait, 0.0)


class ChatView:
    """Read what the bot has shown in one chat."""

    def __init__(self, tg: FakeTelegram, chat_id: int) -> None:
        self.tg = tg
        self.chat_id = chat_id

    def messages(self) -> list[StoredMessage]:
        """The bot's messages in this chat (not deleted), oldest first."""
        return self.tg.messages(self.chat_id, from_bot=True)

    def all_messages(self) -> list[StoredMessage]:
        """Everyone's messages in this chat, oldest first."""
        return self.tg.messages(self.chat_id)

    def texts(self) -> list[str]:
        return [message.content for message in self.messages()]

    def last_message(self) -> StoredMessage:
        messages = self.messages()
        if not messages:
            msg = f"the bot has no messages in chat {self.chat_id}"
            raise AssertionError(msg)
        return messages[-1]

    def last_text(self) -> str:
        """Current text (or caption) of the bot's latest message here, edits included."""
        return self.last_message().content

    def _keyboard_message(self) -> StoredMessage:
        for message in reversed(self.messages()):
            if message.inline_keyboard:
                return message
        texts = self.texts()[-3:]
        msg = f"no bot message with an inline keyboard in chat {self.chat_id}; last texts: {texts}"
        raise AssertionError(msg)

    def buttons(self, message: StoredMessage | int | None = None) -> list[str]:
        """Inline button texts, row by row, of ``message`` or the latest bot message."""
        if message is None:
            messages = self.messages()
            return messages[-1].buttons if messages else []
        return self._message(message).buttons

    def reply_keyboard(self) -> list[str]:
        """Texts of the reply keyboard the bot currently shows here ([] if removed or none)."""
        for message in reversed(self.messages()):
            markup = message.reply_markup or {}
            if "keyboard" in markup:
                return [
                    button if isinstance(button, str) else button["text"]
                    for row in markup["keyboard"]
                    for button in row
                ]
            if markup.get("remove_keyboard"):
                return []
        return []

    def _message(self, message: StoredMessage | int) -> StoredMessage:
        if isinstance(message, int):
            found = self.tg.message(self.chat_id, message)
            if found is None:
                msg = f"no message #{message} in chat {self.chat_id}"
                raise AssertionError(msg)
            return found
        if message.chat_id != self.chat_id:
            msg = f"message #{message.message_id} is in chat {message.chat_id}, not {self.chat_id}"
            raise AssertionError(msg)
        return message


class Actor(ChatView):
    """A user acting in one chat: every action queues the update a real client would cause.

    With ``thread_id`` the user writes in that forum topic of a supergroup.
    """

    def __init__(
        self, tg: FakeTelegram, user: FakeUser, chat_id: int, thread_id: int | None = None
    ) -> None:
        super().__init__(tg, chat_id)
        self.user = user
        self.thread_id = thread_id
        self._pending: list[UpdateRecord] = []
        self._last_action_at: float | None = None

    # -- plumbing ------------------------------------------------------------------------------

    async def _finish(self, records: list[UpdateRecord], wait: bool) -> None:
        self._last_action_at = min(record.enqueued_at for record in records)
        if not wait:
            self._pending.extend(records)
            return
        await wait_quiet(
            self.tg,
            records,
            self.chat_id,
            self.tg.reply_timeout,
            self.tg.settle_seconds,
            require_response=True,
        )

    def _message_content(self, text: str | None, key: str = "text") -> dict[str, Any]:
        if not text:
            return {}
        content: dict[str, Any] = {key: text}
        entities = command_entities(text)
        if entities:
            content["entities" if key == "text" else "caption_entities"] = entities
        return content

    async def _post(
        self,
        content: dict[str, Any],
        *,
        wait: bool,
        reply_to: StoredMessage | None = None,
    ) -> StoredMessage:
        message, record = self.tg.user_message(
            self.user, self.chat_id, content, reply_to=reply_to, thread_id=self.thread_id
        )
        await self._finish([record], wait)
        return message

    # -- actions -------------------------------------------------------------------------------

    async def send(
        self, text: str, *, reply_to: StoredMessage | None = None, wait: bool = True
    ) -> StoredMessage:
        """Send a text message (``/commands`` get bot_command entities)."""
        return await self._post(self._message_content(text), wait=wait, reply_to=reply_to)

    def _photo_content(
        self,
        data: bytes | None,
        size: int | None,
        caption: str | None,
        media_group_id: str | None,
    ) -> dict[str, Any]:
        sizes = self.tg.upload_photo(data, size)
        content: dict[str, Any] = {"photo": [variant.photo_size() for variant in sizes]}
        content.update(self._message_content(caption, "caption"))
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return content

    async def send_photo(
        self,
        data: bytes | None = None,
        size: int | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
        *,
        wait: bool = True,
    ) -> StoredMessage:
        """Send a photo; ``size`` alone fakes a photo of that many bytes without the bytes."""
        content = self._photo_content(data, size, caption, media_group_id)
        return await self._post(content, wait=wait)

    async def send_album(
        self,
        photos: Sequence[bytes | int],
        caption: str | None = None,
        *,
        wait: bool = True,
    ) -> list[StoredMessage]:
        """Send photos (bytes, or sizes in bytes) as one media group, caption on the first."""
        group_id = str(next(_media_group_ids))
        messages: list[StoredMessage] = []
        records: list[UpdateRecord] = []
        for index, photo in enumerate(photos):
            data = photo if isinstance(photo, bytes) else None
            size = photo if isinstance(photo, int) else None
            content = self._photo_content(data, size, caption if index == 0 else None, group_id)
            message, record = self.tg.user_message(
                self.user, self.chat_id, content, thread_id=self.thread_id
            )
            messages.append(message)
            records.append(record)
        await self._finish(records, wait)
        return messages

    async def send_document(
        self,
        file_name: str,
        mime_type: str,
        data: bytes | None = None,
        size: int | None = None,
        caption: str | None = None,
        *,
        wait: bool = True,
    ) -> StoredMessage:
        if data is None and size is None:
            size = 1024
        fake = self.tg.upload_file(
            "document", data=data, size=size, file_name=file_name, mime_type=mime_type
        )
        content = {"document": fake.document_dict(), **self._message_content(caption, "caption")}
        return await self._post(content, wait=wait)

    async def send_sticker(self, emoji: str = "👍", *, wait: bool = True) -> StoredMessage:
        fake = self.tg.upload_file("sticker", size=24_000, width=512, height=512)
        sticker = {
            "file_id": fake.file_id,
            "file_unique_id": fake.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": fake.size,
        }
        return await self._post({"sticker": sticker}, wait=wait)

    async def share_contact(
        self,
        phone_number: str,
        user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        *,
        wait: bool = True,
    ) -> StoredMessage:
        """Share a contact: by default the sender's own; another ``user_id`` fakes a stranger's."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.user.first_name,
            "user_id": self.user.id if user_id is None else user_id,
        }
        if last_name is not None:
            contact["last_name"] = last_name
        return await self._post({"contact": contact}, wait=wait)

    async def edit(self, message: StoredMessage, new_text: str, *, wait: bool = True) -> None:
        """Edit one of this user's earlier text messages (an ``edited_message`` update)."""
        if message.from_bot or message.data.get("from", {}).get("id") != self.user.id:
            msg = f"message #{message.message_id} was not sent by user {self.user.id}"
            raise AssertionError(msg)
        record = self.tg.user_edit(message, self._message_content(new_text))
        await self._finish([record], wait)

    def find_button(
        self, pattern: str | re.Pattern[str], message: StoredMessage | int | None = None
    ) -> tuple[StoredMessage, dict[str, Any]]:
        """The first inline button whose text equals or ``re.search``-matches ``pattern``."""
        target = self._keyboard_message() if message is None else self._message(message)
        buttons = [button for row in target.inline_keyboard for button in row]
        if isinstance(pattern, str):
            for button in buttons:
                if button["text"] == pattern:
                    return target, button
            try:
                regex = re.compile(pattern)
            except re.error:
                regex = re.compile(re.escape(pattern))
        else:
            regex = pattern
        for button in buttons:
            if regex.search(button["text"]):
                return target, button
        msg = (
            f"no button matching {regex.pattern!r} on message #{target.message_id} "
            f"({target.content!r}); buttons: {target.buttons}"
        )
        raise AssertionError(msg)

    async def press(
        self,
        pattern: str | re.Pattern[str],
        message: StoredMessage | int | None = None,
        *,
        wait: bool = True,
    ) -> CallbackAnswer | None:
        """Press an inline button; returns the bot's answerCallbackQuery (if any, once waited)."""
        target, button = self.find_button(pattern, message)
        if "callback_data" not in button:
            kind = next((k for k in button if k != "text"), "?")
            msg = f"button {button['text']!r} is a {kind} button, not a callback button: {button}"
            raise AssertionError(msg)
        return await self._callback(target, button["callback_data"], wait)

    async def press_data(
        self, data: str, message: StoredMessage | int | None = None, *, wait: bool = True
    ) -> CallbackAnswer | None:
        """Send a callback query with arbitrary (possibly forged) data."""
        target = self.last_message() if message is None else self._message(message)
        return await self._callback(target, data, wait)

    async def _callback(
        self, message: StoredMessage, data: str, wait: bool
    ) -> CallbackAnswer | None:
        if message.deleted:
            msg = f"message #{message.message_id} was deleted: its buttons cannot be pressed"
            raise AssertionError(msg)
        record = self.tg.user_callback(self.user, message, data)
        await self._finish([record], wait)
        assert record.callback_query_id is not None
        return self.tg.callback_answer(record.callback_query_id)

    # -- waiting -------------------------------------------------------------------------------

    async def settle(
        self, *, require_response: bool = True, max_wait: float | None = None
    ) -> None:
        """Wait for the bot to fetch, answer and finish with actions sent with ``wait=False``."""
        records, self._pending = self._pending, []
        await wait_quiet(
            self.tg,
            records,
            self.chat_id,
            self.tg.reply_timeout if max_wait is None else max_wait,
            self.tg.settle_seconds,
            require_response=require_response,
        )

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Assert the bot sends nothing to this chat (for ``seconds`` after pending updates)."""
        records, self._pending = self._pending, []
        start = min((r.enqueued_at for r in records), default=time.monotonic())
        await wait_fetched(self.tg, records, self.tg.reply_timeout)
        await asyncio.sleep(seconds)
        calls = self.tg.activity(self.chat_id, start)
        if calls:
            details = "\n".join(f"  {call.summary()}" for call in calls)
            msg = f"expected no bot output in chat {self.chat_id}, got:\n{details}"
            raise AssertionError(msg)

    # -- reading -------------------------------------------------------------------------------

    def replies(self) -> list[StoredMessage]:
        """Bot messages in this chat sent or edited since this actor's last action."""
        since = self._last_action_at or 0.0
        return [message for message in self.messages() if message.updated_at >= since]

    def callback_answers(self) -> list[CallbackAnswer]:
        return [
            answer
            for answer in self.tg.callback_answers
            if answer.user_id == self.user.id and answer.chat_id == self.chat_id
        ]

    def last_callback_answer(self) -> CallbackAnswer | None:
        answers = self.callback_answers()
        return answers[-1] if answers else None

    def alerts(self) -> list[str]:
        """Texts of the pop-up alerts (show_alert=True) answered to this user's presses."""
        return [a.text or "" for a in self.callback_answers() if a.show_alert]

    def toasts(self) -> list[str]:
        """Texts of the short notifications (show_alert=False) answered to this user's presses."""
        return [a.text for a in self.callback_answers() if not a.show_alert and a.text]


class FakeUser(Actor):
    """A Telegram user; as an actor it talks to the bot in its private chat (id == user id)."""

    def __init__(
        self,
        tg: FakeTelegram,
        user_id: int,
        *,
        first_name: str = "Tester",
        language_code: str | None = "zh-hans",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.deactivated = False
        self.started = True
        super().__init__(tg, self, user_id)

    def to_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            user["last_name"] = self.last_name
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    def block(self) -> None:
        """The user blocks the bot: sends to this chat fail with 403 from now on."""
        self.blocked = True

    def unblock(self) -> None:
        self.blocked = False

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"


class FakeGroup(ChatView):
    """A group or supergroup the bot is in; users act in it through ``as_user``."""

    def __init__(self, tg: FakeTelegram, chat_id: int, title: str) -> None:
        super().__init__(tg, chat_id)
        self.title = title
        self._actors: dict[tuple[int, int | None], Actor] = {}

    def add_member(self, user: FakeUser, status: str = "member") -> None:
        self.tg.set_member_status(self.chat_id, user.id, status)

    def set_status(self, user: FakeUser, status: str) -> None:
        self.tg.set_member_status(self.chat_id, user.id, status)

    def as_user(
        self, user: FakeUser, status: str | None = None, *, thread_id: int | None = None
    ) -> Actor:
        """An actor for ``user`` in this group (optionally setting their member status);
        with ``thread_id``, writing in that forum topic."""
        if status is not None:
            self.add_member(user, status)
        actor = self._actors.get((user.id, thread_id))
        if actor is None:
            actor = Actor(self.tg, user, self.chat_id, thread_id)
            self._actors[user.id, thread_id] = actor
        return actor

    def in_topic(self, actor: Actor, thread_id: int) -> Actor:
        """The same member, writing in a forum topic."""
        return self.as_user(actor.user, thread_id=thread_id)

    def remove_bot(self) -> None:
        """The bot gets kicked: sends to this chat fail with 403 from now on."""
        self.tg.chat(self.chat_id).bot_removed = True

    def __repr__(self) -> str:
        return f"FakeGroup(chat_id={self.chat_id}, title={self.title!r})"
