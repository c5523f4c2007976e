"""A fake Telegram Bot API server that a real aiogram bot can poll over HTTP.

The fake speaks the wire format aiogram uses (form fields with JSON-encoded complex values,
multipart uploads, ``{"ok": ..., "result": ...}`` answers) and keeps enough state (chats,
messages, files, callback queries, the update queue) to reproduce Telegram's common errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import math
import mimetypes
import re
import struct
import sys
import time
import traceback
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiogram.dispatcher.event.bases import UNHANDLED, CancelHandler, SkipHandler
from aiohttp import BodyPartReader, web

from .client import (
    ACTIVITY_METHODS,
    REPLY_TIMEOUT,
    SETTLE_SECONDS,
    FakeGroup,
    FakeUser,
    wait_quiet,
)

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
DEFAULT_USERNAME = "test_shop_bot"
DEFAULT_FIRST_NAME = "Test Shop Bot"

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
MAX_LONG_POLL_SECONDS = 50.0
MIN_MEDIA_GROUP = 2
MAX_MEDIA_GROUP = 10
#: An uploaded photo's limits (sendPhoto): its size, its width and height together, and
#: how much longer one side may be than the other.
MAX_PHOTO_UPLOAD = 10 * 1024 * 1024
MAX_PHOTO_SIDES = 10_000
MAX_PHOTO_RATIO = 20
DEFAULT_PHOTO_SIZE = 150_000
DEFAULT_PHOTO_DIMENSIONS = (1280, 960)
PHOTO_THUMB_SIDES = (90, 320, 800)
DOWNLOAD_CHUNK = 1 << 20

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_TOO_MANY_REQUESTS = 429
#: Methods Telegram's flood limits count: each puts a message in a chat or changes one.
_LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "copyMessages",
        # A topic made, renamed, closed or reopened posts a service message in the group.
        "createForumTopic",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    }
)
#: The colours Telegram accepts for a topic's icon.
TOPIC_ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
MAX_TOPIC_NAME = 128
MAX_COPY_MESSAGES = 100

# Sent as plain form strings by aiogram and never JSON: decoding them would turn a text such
# as "123" or "true" into a number or a bool.
_RAW_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "photo",
        "document",
        "sticker",
        "video",
        "audio",
        "animation",
        "voice",
        "thumbnail",
        "file_id",
        "action",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
        "ip_address",
        "emoji",
        "title",
        "description",
        "short_description",
        "name",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "certificate",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_MEMBER_STATUSES = frozenset(
    {"creator", "administrator", "member", "restricted", "left", "kicked"}
)

# Telegram's default when a bot never passed allowed_updates.
_DEFAULT_EXCLUDED_UPDATES = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)


class ApiError(Exception):
    """An error answer of the Bot API (raised inside method handlers)."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# ---------------------------------------------------------------------------------------------
# Records exposed to tests
# ---------------------------------------------------------------------------------------------


@dataclass
class Upload:
    """A file part of a multipart request."""

    name: str
    file_name: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One request the bot made to the fake API."""

    method: str
    params: dict[str, Any]
    at: float
    chat_id: int | None
    response_ok: bool | None = None
    error_code: int | None = None
    description: str | None = None
    result: Any = None
    uploads: list[Upload] = field(default_factory=list)

    def summary(self) -> str:
        if self.response_ok is None:
            status = "pending"
        else:
            status = "ok" if self.response_ok else f"{self.error_code} {self.description}"
        shown = {k: v for k, v in self.params.items() if k not in {"chat_id", "reply_markup"}}
        if "reply_markup" in self.params:
            shown["buttons"] = _markup_texts(self.params["reply_markup"])
        return f"{self.method}(chat={self.chat_id}, {_short(shown)}) -> {status}"


@dataclass
class UpdateRecord:
    """An update queued for the bot, with its delivery history."""

    update_id: int
    payload: dict[str, Any]
    kind: str
    chat_id: int | None
    callback_query_id: str | None
    enqueued_at: float
    delivered_at: float | None = None
    last_delivered_at: float | None = None
    delivery_count: int = 0
    confirmed_at: float | None = None
    dropped: str | None = None
    handling_started_at: float | None = None
    handled_at: float | None = None
    unhandled: bool = False
    handler_error: str | None = None

    @property
    def pending(self) -> bool:
        return self.confirmed_at is None and self.dropped is None

    def describe(self) -> str:
        event = self.payload.get(self.kind, {})
        if self.kind == "callback_query":
            detail = f"data={event.get('data')!r}"
        else:
            content = event.get("text") or event.get("caption")
            detail = (
                repr(content)
                if content
                else "/".join(k for k in ("photo", "document", "sticker", "contact") if k in event)
            )
        return f"update #{self.update_id} ({self.kind} {detail})"


@dataclass
class CallbackAnswer:
    query_id: str
    user_id: int
    chat_id: int | None
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    at: float


@dataclass
class CallbackQueryRecord:
    query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    created_at: float
    answer: CallbackAnswer | None = None


@dataclass
class MessageVersion:
    """The visible state of a message at one point (kept for edit histories)."""

    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    at: float


@dataclass
class StoredMessage:
    """A message in a chat, as Telegram would describe it (``data``) plus test metadata."""

    chat_id: int
    message_id: int
    from_bot: bool
    data: dict[str, Any]
    sent_at: float
    parse_mode: str | None = None
    source_text: str | None = None
    reply_markup: dict[str, Any] | None = None
    method: str | None = None
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    updated_at: float = 0.0

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.sent_at

    @property
    def text(self) -> str | None:
        return self.data.get("text")

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has ("" for neither)."""
        return self.data.get("text") or self.data.get("caption") or ""

    @property
    def entities(self) -> list[dict[str, Any]]:
        return self.data.get("entities") or self.data.get("caption_entities") or []

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.data.get("photo")

    @property
    def document(self) -> dict[str, Any] | None:
        return self.data.get("document")

    @property
    def media_group_id(self) -> str | None:
        return self.data.get("media_group_id")

    @property
    def thread_id(self) -> int | None:
        """The forum topic it is in (None: a chat without topics, or the General topic)."""
        return self.data.get("message_thread_id") if self.data.get("is_topic_message") else None

    @property
    def reply_to_id(self) -> int | None:
        replied = self.data.get("reply_to_message")
        return replied.get("message_id") if replied else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.data.get("reply_markup") or {}
        return markup.get("inline_keyboard") or []

    @property
    def buttons(self) -> list[str]:
        return [button["text"] for row in self.inline_keyboard for button in row]

    @property
    def versions(self) -> list[MessageVersion]:
        """Every state of the message, oldest first, the current one last."""
        return [*self.history, self._version()]

    def _version(self) -> MessageVersion:
        return MessageVersion(
            text=self.text,
            caption=self.caption,
            parse_mode=self.parse_mode,
            reply_markup=self.reply_markup,
            at=self.updated_at,
        )


@dataclass
class FakeFile:
    file_id: str
    file_unique_id: str
    kind: str
    size: int
    file_path: str
    data: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    photo_set: list[FakeFile] | None = None

    def content(self) -> bytes:
        return self.data if self.data is not None else bytes(self.size)

    def photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.size,
        }

    def document_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name is not None:
            doc["file_name"] = self.file_name
        if self.mime_type is not None:
            doc["mime_type"] = self.mime_type
        return doc


@dataclass
class ChatInfo:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bot_removed: bool = False
    #: A supergroup with topics (Telegram: "Optional. True, if the supergroup chat is a forum").
    is_forum: bool = False

    def to_dict(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                chat[key] = value
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass
class ForumTopic:
    """A topic of a forum supergroup: the thread of the service message that created it."""

    chat_id: int
    thread_id: int
    name: str
    icon_color: int
    closed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | None
    #: Matching calls still let through before this failure starts.
    skip: int = 0


@dataclass
class LimitHit:
    """A call refused with 429 by the emulated limits: which limit, where, and when."""

    scope: str  # "chat" (a private chat's pace), "group" (a group's minute), "global"
    method: str
    chat_id: int | None
    at: float
    retry_after: int


@dataclass
class _Limits:
    """Telegram's flood limits as :meth:`FakeTelegram.enforce_limits` set them."""

    per_chat_per_second: float
    burst: int
    group_per_minute: int
    global_per_second: int
    clock: Callable[[], float]
    #: Per private chat: tokens left and when they were counted.
    buckets: dict[int, tuple[float, float]] = field(default_factory=dict)
    groups: dict[int, deque[float]] = field(default_factory=dict)
    sent: deque[float] = field(default_factory=deque)

    def check(self, method: str, chat_id: int | None, count: int = 1) -> LimitHit | None:
        """Count one call (an album: each of its ``count`` messages), or the limit it is
        over (then it counts for nothing)."""
        if method not in _LIMITED_METHODS or chat_id is None:
            return None
        now = self.clock()
        while self.sent and self.sent[0] <= now - 1:
            self.sent.popleft()
        if len(self.sent) + count > self.global_per_second:
            leaving = min(len(self.sent) + count - self.global_per_second, len(self.sent))
            wait = self.sent[leaving - 1] + 1 - now if leaving else 1
            return LimitHit("global", method, chat_id, now, _seconds(wait))
        if chat_id < 0:
            times = self.groups.setdefault(chat_id, deque())
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) + count > self.group_per_minute:
                # Room comes back as the oldest messages of the minute leave it.
                oldest = times[min(len(times) + count - self.group_per_minute, len(times)) - 1]
                return LimitHit("group", method, chat_id, now, _seconds(oldest + 60 - now))
            times.extend([now] * count)
        else:
            tokens, at = self.buckets.get(chat_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.per_chat_per_second)
            if tokens < 1:
                self.buckets[chat_id] = (tokens, now)
                wait = (1 - tokens) / self.per_chat_per_second
                return LimitHit("chat", method, chat_id, now, _seconds(wait))
            self.buckets[chat_id] = (tokens - 1, now)
        self.sent.extend([now] * count)
        return None


def _seconds(wait: float) -> int:
    """Telegram's retry_after: whole seconds, at least one."""
    return max(1, math.ceil(wait - 1e-9))


@dataclass
class _Request:
    method: str
    params: dict[str, Any]
    uploads: dict[str, Upload]
    http: web.Request
    call: Call

    def get(self, name: str, default: Any = None) -> Any:
        value = self.params.get(name)
        return default if value is None else value

    def require(self, name: str) -> Any:
        value = self.params.get(name)
        if value is None or value == "":
            raise _bad_request(f"{name} is empty")
        return value

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise _bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise _bad_request(f"invalid {name} specified") from exc

    def flag(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, str):
            return value.lower() in {"true", "1"}
        return bool(value)


# ---------------------------------------------------------------------------------------------
# Text formatting (parse_mode) as Telegram applies it
# ---------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode())


def _cant_parse(detail: str) -> ApiError:
    return _bad_request(f"can't parse entities: {detail}")


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
_HTML_ATTR_RE = re.compile(r"""([A-Za-z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


@dataclass
class _OpenEntity:
    marker: str
    type: str | None
    offset: int
    byte_offset: int
    extra: dict[str, Any] = field(default_factory=dict)


class _EntityBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.units = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.units += utf16_len(text)

    def close(self, opened: _OpenEntity) -> None:
        if opened.type and self.units > opened.offset:
            self.entities.append(
                {
                    "type": opened.type,
                    "offset": opened.offset,
                    "length": self.units - opened.offset,
                    **opened.extra,
                }
            )

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def _html_attrs(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
        for m in _HTML_ATTR_RE.finditer(raw)
    }


def _html_open(
    name: str, attrs: dict[str, str], stack: list[_OpenEntity], at: int
) -> tuple[str | None, dict[str, Any]]:
    entity_type: str | None = _HTML_TAGS[name]
    extra: dict[str, Any] = {}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _cant_parse(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    if name == "a":
        href = attrs.get("href")
        if not href:
            entity_type = None
        elif match := re.fullmatch(r"tg://user\?id=(\d+)", href):
            entity_type = "text_mention"
            extra["user"] = {"id": int(match.group(1)), "is_bot": False, "first_name": "User"}
        else:
            extra["url"] = href
    elif name == "code" and stack and stack[-1].marker == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].extra["language"] = language.removeprefix("language-")
            entity_type = None
    elif name == "blockquote" and "expandable" in attrs:
        entity_type = "expandable_blockquote"
    elif name == "tg-emoji":
        extra["custom_emoji_id"] = attrs.get("emoji-id", "")
    return entity_type, extra


def _html_tag(source: str, index: int, builder: _EntityBuilder, stack: list[_OpenEntity]) -> int:
    """Handle the tag starting at ``source[index] == "<"``; return the index after it."""
    at = _byte_offset(source, index)
    end = source.find(">", index)
    if end < 0:
        raise _cant_parse(f"Can't find end of the tag starting at byte offset {at}")
    body = source[index + 1 : end]
    if body.startswith("/"):
        name = body[1:].strip().lower()
        if not stack:
            raise _cant_parse(f"Unexpected end tag at byte offset {at}")
        opened = stack.pop()
        if name != opened.marker:
            raise _cant_parse(
                f'Unmatched end tag at byte offset {at}, expected "</{opened.marker}>", '
                f'found "</{name}>"'
            )
        builder.close(opened)
        return end + 1
    match = _HTML_TAG_NAME_RE.match(body)
    name = match.group(0).lower() if match else ""
    if name not in _HTML_TAGS:
        raise _cant_parse(f'Unsupported start tag "{name}" at byte offset {at}')
    entity_type, extra = _html_open(name, _html_attrs(body[len(name) :]), stack, at)
    stack.append(_OpenEntity(name, entity_type, builder.units, at, extra))
    return end + 1


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: plain text plus entities, or a 400 like the real API."""
    builder = _EntityBuilder()
    stack: list[_OpenEntity] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "<":
            index = _html_tag(source, index, builder, stack)
        elif char == "&":
            match = _HTML_ENTITY_RE.match(source, index)
            builder.add(html.unescape(match.group(0)) if match else "&")
            index = match.end() if match else index + 1
        else:
            stop = min(
                (p for p in (source.find("<", index), source.find("&", index)) if p >= 0),
                default=len(source),
            )
            builder.add(source[index:stop])
            index = stop
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].marker}"')
    return builder.result()


_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_MARKERS = {
    "*": ("bold", "Bold"),
    "_": ("italic", "Italic"),
    "__": ("underline", "Underline"),
    "~": ("strikethrough", "Strikethrough"),
    "||": ("spoiler", "Spoiler"),
}


def _md_code(source: str, index: int, builder: _EntityBuilder, *, escapes: bool) -> int:
    """Consume a `code` or ```pre``` span starting at ``index``; return the index after it."""
    at = _byte_offset(source, index)
    fence = "```" if source.startswith("```", index) else "`"
    end = source.find(fence, index + len(fence))
    if end < 0:
        kind = "Pre" if fence == "```" else "Code"
        raise _cant_parse(f"Can't find end of {kind} entity at byte offset {at}")
    inner = source[index + len(fence) : end]
    extra: dict[str, Any] = {}
    if fence == "```":
        first, newline, rest = inner.partition("\n")
        if newline and first and " " not in first:
            extra["language"] = first
            inner = rest
    if escapes:
        inner = re.sub(r"\\([`\\])", r"\1", inner)
    opened = _OpenEntity(fence, "pre" if fence == "```" else "code", builder.units, at, extra)
    builder.add(inner)
    builder.close(opened)
    return end + len(fence)


def _md_link_end(source: str, index: int) -> tuple[str, int] | None:
    """For ``](url)`` at ``index`` return the url and the index after ``)``."""
    if not source.startswith("](", index):
        return None
    end = source.find(")", index + 2)
    if end < 0:
        return None
    return source[index + 2 : end].replace("\\)", ")").replace("\\\\", "\\"), end + 1


def _md2_toggle(marker: str, stack: list[_OpenEntity], builder: _EntityBuilder, at: int) -> None:
    position = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].marker == marker), None)
    if position is None:
        stack.append(_OpenEntity(marker, _MD2_MARKERS[marker][0], builder.units, at))
    else:
        builder.close(stack.pop(position))


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    builder = _EntityBuilder()
    stack: list[_OpenEntity] = []
    index = 0
    while index < len(source):
        char = source[index]
        at = _byte_offset(source, index)
        pair = source[index : index + 2]
        marker = pair if pair in {"__", "||"} else char
        if char == "\\" and index + 1 < len(source) and ord(source[index + 1]) <= 126:
            builder.add(source[index + 1])
            index += 2
        elif char == "`":
            index = _md_code(source, index, builder, escapes=True)
        elif marker in _MD2_MARKERS:
            _md2_toggle(marker, stack, builder, at)
            index += len(marker)
        elif char == "[":
            stack.append(_OpenEntity("[", "text_link", builder.units, at))
            index += 1
        elif char == "]" and stack and stack[-1].marker == "[":
            link = _md_link_end(source, index)
            if link is None:
                raise _cant_parse(f"Can't find end of a url at byte offset {at}")
            opened = stack.pop()
            opened.extra["url"] = link[0]
            builder.close(opened)
            index = link[1]
        elif char == ">" and (index == 0 or source[index - 1] == "\n"):
            index += 1
        elif char in _MD2_RESERVED:
            raise _cant_parse(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            builder.add(char)
            index += 1
    if stack:
        opened = stack[-1]
        name = "TextUrl" if opened.marker == "[" else _MD2_MARKERS[opened.marker][1]
        raise _cant_parse(f"Can't find end of {name} entity at byte offset {opened.byte_offset}")
    return builder.result()


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's legacy Markdown mode."""
    builder = _EntityBuilder()
    index = 0
    while index < len(source):
        char = source[index]
        at = _byte_offset(source, index)
        if char == "\\" and index + 1 < len(source) and source[index + 1] in "_*`[":
            builder.add(source[index + 1])
            index += 2
        elif char == "`":
            index = _md_code(source, index, builder, escapes=False)
        elif char in "*_":
            end = source.find(char, index + 1)
            if end < 0:
                raise _cant_parse(f"Can't find end of the entity starting at byte offset {at}")
            opened = _OpenEntity(char, "bold" if char == "*" else "italic", builder.units, at)
            builder.add(source[index + 1 : end])
            builder.close(opened)
            index = end + 1
        elif char == "[":
            close = source.find("]", index + 1)
            link = _md_link_end(source, close) if close >= 0 else None
            if link is None:
                raise _cant_parse(f"Can't find end of the entity starting at byte offset {at}")
            opened = _OpenEntity("[", "text_link", builder.units, at, {"url": link[0]})
            builder.add(source[index + 1 : close])
            builder.close(opened)
            index = link[1]
        else:
            builder.add(char)
            index += 1
    return builder.result()


def _strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims surrounding whitespace of texts and shifts entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def format_text(
    source: str, parse_mode: str | None, entities: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(entities, list):
        return _strip_text(source, [dict(e) for e in entities if isinstance(e, dict)])
    mode = (parse_mode or "").lower()
    parsers: dict[str, Callable[[str], tuple[str, list[dict[str, Any]]]]] = {
        "html": parse_html,
        "markdownv2": parse_markdown_v2,
        "markdown": parse_markdown,
    }
    if not mode:
        return _strip_text(source, [])
    if mode not in parsers:
        raise _bad_request(f"unsupported parse_mode {parse_mode}")
    return _strip_text(*parsers[mode](source))


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _markup_texts(markup: Any) -> list[str]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [
        button.get("text", "") if isinstance(button, dict) else str(button)
        for row in rows
        if isinstance(row, list)
        for button in row
    ]


def _decode_param(name: str, raw: str) -> Any:
    if name in _RAW_STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG image, if ``data`` is one."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if not data.startswith(b"\xff\xd8"):
        return None
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if 0xC0 <= marker <= 0xCF and marker not in {0xC4, 0xC8, 0xCC}:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        index += 2 + length
    return None


def _check_photo(data: bytes) -> None:
    """Telegram's checks of an uploaded photo: an image it can read, at most 10 MB, width
    and height at most 10000 together and at most 20 times the one the other."""
    if len(data) > MAX_PHOTO_UPLOAD:
        raise _bad_request("PHOTO_SAVE_FILE_INVALID")
    size = image_size(data)
    if size is None:
        raise _bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(
        width, height
    ):
        raise _bad_request("PHOTO_INVALID_DIMENSIONS")


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------

_Handler = Callable[[_Request], Any]


class FakeTelegram:
    """Fake Bot API on 127.0.0.1 with Telegram's update queue, chats, messages and files."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = DEFAULT_USERNAME,
        first_name: str = DEFAULT_FIRST_NAME,
        default_member_status: str = "member",
        reply_timeout: float = REPLY_TIMEOUT,
        settle_seconds: float = SETTLE_SECONDS,
        fail_on_bot_errors: bool = True,
    ) -> None:
        bot_id, sep, secret = token.partition(":")
        if not (sep and bot_id.isdigit() and secret):
            msg = f"malformed bot token {token!r}"
            raise ValueError(msg)
        self.token = token
        self.bot_id = int(bot_id)
        self.username = username
        self.first_name = first_name
        self.default_member_status = default_member_status
        self.reply_timeout = reply_timeout
        self.settle_seconds = settle_seconds
        self.fail_on_bot_errors = fail_on_bot_errors
        self.tracking = False

        self.call_log: list[Call] = []
        self.unknown_calls: list[Call] = []
        self.internal_errors: list[str] = []
        self.downloads: list[str] = []
        self.updates: list[UpdateRecord] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None

        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._chats: dict[int, ChatInfo] = {}
        self._messages: dict[int, dict[int, StoredMessage]] = {}
        self._last_message_id: dict[int, int] = {}
        self._files: dict[str, FakeFile] = {}
        self._file_paths: dict[str, FakeFile] = {}
        self._callbacks: dict[str, CallbackQueryRecord] = {}
        self._member_status: dict[tuple[int, int], str] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._migrated: dict[int, int] = {}
        self._topics: dict[int, dict[int, ForumTopic]] = {}
        self._limits: _Limits | None = None
        self.limit_hits: list[LimitHit] = []
        self._records: dict[int, UpdateRecord] = {}
        self._update_ids = itertools.count(100_000_001)
        self._file_counter = itertools.count(1)
        self._query_counter = itertools.count(1)
        self._media_group_counter = itertools.count(13_000_000_000_000_001)
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._methods: dict[str, tuple[str, _Handler]] = {}
        for name, handler in self._method_table().items():
            self._methods[name.lower()] = (name, handler)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc_type is None and self.internal_errors:
            msg = "the fake Telegram server crashed:\n" + "\n".join(self.internal_errors)
            raise AssertionError(msg)

    @property
    def base_url(self) -> str:
        if self._port is None:
            msg = "FakeTelegram is not started"
            raise RuntimeError(msg)
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def new_bot(self, **bot_kwargs: Any) -> Bot:
        """An aiogram Bot talking to this fake; the caller closes ``bot.session``."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **bot_kwargs)

    @asynccontextmanager
    async def running(
        self, dp: Dispatcher, bot: Bot, **polling_kwargs: Any
    ) -> AsyncIterator[asyncio.Task[None]]:
        """Poll this fake with ``dp`` for the duration of the block, then shut down cleanly."""
        polling_kwargs.setdefault("handle_signals", False)
        polling_kwargs.setdefault("polling_timeout", 1)
        self.track(dp)
        started = time.monotonic()
        task = asyncio.create_task(dp.start_polling(bot, **polling_kwargs))
        try:
            await self._wait_for_poll(task, started)
            yield task
        finally:
            if not task.done():
                with contextlib.suppress(RuntimeError):
                    await dp.stop_polling()
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.tracking = False
            await bot.session.close()

    def track(self, dp: Dispatcher) -> None:
        """Let waits see when ``dp`` has finished each update (and whether it crashed).

        Without this, actions only rely on the bot's output and the settle window.
        """
        self.tracking = True
        manager = dp.update.outer_middleware
        if self._track_update in manager:
            return
        # Outermost, so that exceptions the dispatcher's error handlers absorb are not reported.
        existing = list(manager)
        for middleware in existing:
            manager.unregister(middleware)
        manager.register(self._track_update)
        for middleware in existing:
            manager.register(middleware)

    async def _track_update(
        self,
        handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
        event: Any,
        data: dict[str, Any],
    ) -> Any:
        record = self._records.get(getattr(event, "update_id", -1))
        if record is None:
            return await handler(event, data)
        record.handling_started_at = time.monotonic()
        try:
            result = await handler(event, data)
        except (SkipHandler, CancelHandler):
            record.unhandled = True
            raise
        except Exception as exc:
            record.handler_error = "".join(traceback.format_exception(exc))
            raise
        else:
            record.unhandled = result is UNHANDLED
            return result
        finally:
            record.handled_at = time.monotonic()
            self._notify()

    async def _wait_for_poll(self, task: asyncio.Task[None], started: float) -> None:
        deadline = started + self.reply_timeout
        while not any(c.method == "getUpdates" and c.at >= started for c in self.call_log):
            if task.done():
                await task
                msg = "polling stopped before fetching updates"
                raise AssertionError(msg)
            if time.monotonic() >= deadline:
                msg = "the bot did not start polling the fake Telegram server"
                raise AssertionError(msg)
            await self.wait_for_change(0.05)

    # -- change notification -------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_change(self, max_wait: float) -> None:
        """Sleep until the fake's state changes (a call, an update, a delivery) or max_wait."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(max_wait, 0)):
                await event.wait()

    # -- test-side registry --------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Tester",
        language_code: str | None = "zh-hans",
        username: str | None = None,
        *,
        last_name: str | None = None,
    ) -> FakeUser:
        """The user with this id (created with a private chat on first use)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        user = FakeUser(
            self,
            user_id,
            first_name=first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )
        self._users[user_id] = user
        self._chats[user_id] = ChatInfo(
            id=user_id,
            type="private",
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
        return user

    def group(
        self,
        chat_id: int,
        title: str = "Group",
        *,
        chat_type: str | None = None,
        username: str | None = None,
        forum: bool = False,
    ) -> FakeGroup:
        """A group the bot is in; ``forum`` makes it a supergroup with topics."""
        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        if chat_type is None:
            chat_type = "supergroup" if forum or str(chat_id).startswith("-100") else "group"
        if forum and chat_type != "supergroup":
            msg = "only a supergroup can have topics"
            raise ValueError(msg)
        self._chats[chat_id] = ChatInfo(
            id=chat_id, type=chat_type, title=title, username=username, is_forum=forum
        )
        group = FakeGroup(self, chat_id, title)
        self._groups[chat_id] = group
        return group

    def chat(self, chat_id: int) -> ChatInfo:
        return self._chats[chat_id]

    def set_forum(self, chat_id: int, on: bool) -> None:
        """An admin turns the supergroup's topics on or off (off: its topics are gone)."""
        chat = self._chats[chat_id]
        if on and chat.type != "supergroup":
            msg = "only a supergroup can have topics"
            raise ValueError(msg)
        chat.is_forum = on
        if not on:
            self._topics.pop(chat_id, None)

    def topics(self, chat_id: int) -> list[ForumTopic]:
        """The chat's topics, oldest first."""
        return sorted(self._topics.get(chat_id, {}).values(), key=lambda topic: topic.thread_id)

    def topic(self, chat_id: int, thread_id: int) -> ForumTopic | None:
        return self._topics.get(chat_id, {}).get(thread_id)

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An admin deletes a topic with its messages."""
        self._topics.get(chat_id, {}).pop(thread_id, None)
        for message in self.messages(chat_id):
            if message.thread_id == thread_id:
                message.deleted = True

    def topic_messages(
        self, chat_id: int, thread_id: int, *, from_bot: bool | None = None
    ) -> list[StoredMessage]:
        """Messages in one topic (its creation message first), oldest first."""
        return [m for m in self.messages(chat_id, from_bot=from_bot) if m.thread_id == thread_id]

    def upgrade_group(
        self, chat_id: int, new_chat_id: int, *, by: FakeUser | None = None
    ) -> FakeGroup:
        """The group becomes a supergroup with a new id, as Telegram does on an upgrade.

        Every later call to the old id fails with 400 and ``migrate_to_chat_id``. With
        ``by`` (the admin who upgraded it), the bot also gets Telegram's two service
        messages: ``migrate_to_chat_id`` in the old group, ``migrate_from_chat_id`` in
        the new one.
        """
        old = self._groups[chat_id]
        group = self.group(new_chat_id, old.title, chat_type="supergroup")
        for (chat, user), status in list(self._member_status.items()):
            if chat == chat_id:
                self._member_status[new_chat_id, user] = status
        self._migrated[chat_id] = new_chat_id
        if by is not None:
            self.user_message(by, chat_id, {"migrate_to_chat_id": new_chat_id})
            self.user_message(by, new_chat_id, {"migrate_from_chat_id": chat_id})
        return group

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in _MEMBER_STATUSES:
            msg = f"unknown chat member status {status!r}"
            raise ValueError(msg)
        self._member_status[chat_id, user_id] = status

    def member_status(self, chat_id: int, user_id: int) -> str:
        if user_id == self.bot_id and self._chats[chat_id].type != "private":
            return self._member_status.get((chat_id, user_id), "administrator")
        return self._member_status.get((chat_id, user_id), self.default_member_status)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    # -- fault injection -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        *,
        chat_id: int | None = None,
        after: int = 0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally to one chat) fail.

        ``after`` lets that many matching calls succeed first: a 429 in the middle of a burst.
        """
        if description is None:
            if error_code == _TOO_MANY_REQUESTS:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(error_code, "Error")
        if error_code == _TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1
        failure = _Failure(error_code, description, retry_after, times, chat_id, after)
        self._failures.setdefault(method.lower(), []).append(failure)

    def fail_always(
        self, method: str, error_code: int, description: str | None = None, *, chat_id: int
    ) -> None:
        """Make every call of ``method`` to ``chat_id`` fail from now on (an outage)."""
        self.fail_next(method, error_code, description, times=sys.maxsize, chat_id=chat_id)

    def clear_failures(self) -> None:
        """Forget every failure not yet served."""
        self._failures.clear()

    def enforce_limits(
        self,
        *,
        per_chat_per_second: float = 1.0,
        burst: int = 3,
        group_per_minute: int = 20,
        global_per_second: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Answer 429 (with ``retry_after``) like Telegram when the bot goes over its limits.

        Messages and edits count: in a private chat a token bucket (``burst`` at once,
        then ``per_chat_per_second``), in a group (negative id) ``group_per_minute`` in
        any 60 s, and ``global_per_second`` across all chats in any second. Only the call
        over a limit is refused; the others go on. ``clock`` (seconds) is what they are
        measured on: real time, or a test's virtual clock. Off until called.
        """
        self._limits = _Limits(
            per_chat_per_second, burst, group_per_minute, global_per_second, clock
        )

    def lift_limits(self) -> None:
        self._limits = None

    def _take_failure(self, method: str, chat_id: int | None) -> ApiError | None:
        queue = self._failures.get(method.lower(), [])
        for failure in queue:
            if failure.chat_id is None or failure.chat_id == chat_id:
                if failure.skip:
                    failure.skip -= 1
                    continue
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.remove(failure)
                return ApiError(
                    failure.error_code, failure.description, retry_after=failure.retry_after
                )
        return None

    # -- inspection ----------------------------------------------------------------------------

    def calls(self, method: str | None = None, *, chat_id: int | None = None) -> list[Call]:
        return [
            call
            for call in self.call_log
            if (method is None or call.method.lower() == method.lower())
            and (chat_id is None or call.chat_id == chat_id)
        ]

    def messages(
        self, chat_id: int, *, from_bot: bool | None = None, include_deleted: bool = False
    ) -> list[StoredMessage]:
        stored = self._messages.get(chat_id, {})
        return [
            message
            for _, message in sorted(stored.items())
            if (include_deleted or not message.deleted)
            and (from_bot is None or message.from_bot == from_bot)
        ]

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def file(self, file_id: str) -> FakeFile | None:
        return self._files.get(file_id)

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        record = self._callbacks.get(query_id)
        return record.answer if record else None

    def pending_updates(self) -> list[UpdateRecord]:
        return [record for record in self.updates if record.pending]

    def activity(
        self, chat_id: int | None, since: float, callback_ids: Iterable[str] = ()
    ) -> list[Call]:
        """Bot output (messages, edits, answers, chat actions) towards a chat since a time."""
        ids = set(callback_ids)
        return [
            call
            for call in self.call_log
            if call.at >= since
            and call.method in ACTIVITY_METHODS
            and (
                chat_id is None
                or call.chat_id == chat_id
                or call.params.get("callback_query_id") in ids
            )
        ]

    async def idle(self, max_wait: float | None = None, settle: float | None = None) -> None:
        """Wait until every queued update was fetched and the bot went quiet in all chats."""
        max_wait = self.reply_timeout if max_wait is None else max_wait
        settle = self.settle_seconds if settle is None else settle
        await wait_quiet(self, [r for r in self.updates if r.pending], None, max_wait, settle)

    # -- user side: producing updates ----------------------------------------------------------

    def enqueue(
        self,
        kind: str,
        event: dict[str, Any],
        *,
        chat_id: int | None = None,
        callback_query_id: str | None = None,
    ) -> UpdateRecord:
        """Queue a raw update of type ``kind`` (``event`` is its object) for the bot."""
        update_id = next(self._update_ids)
        record = UpdateRecord(
            update_id=update_id,
            payload={"update_id": update_id, kind: event},
            kind=kind,
            chat_id=chat_id,
            callback_query_id=callback_query_id,
            enqueued_at=time.monotonic(),
        )
        # Like Telegram, the filter applies when an update is created, not when it is fetched.
        if not self._is_allowed(kind):
            record.dropped = f"{kind} is not in the bot's allowed_updates {self.allowed_updates}"
        self.updates.append(record)
        self._records[update_id] = record
        self._notify()
        return record

    def _next_message_id(self, chat_id: int) -> int:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        return message_id

    def _store(self, message: StoredMessage) -> StoredMessage:
        self._messages.setdefault(message.chat_id, {})[message.message_id] = message
        return message

    def user_message(
        self,
        user: FakeUser,
        chat_id: int,
        content: dict[str, Any],
        *,
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
    ) -> tuple[StoredMessage, UpdateRecord]:
        """Store a message written by ``user`` in ``chat_id`` and queue it as an update.

        With ``thread_id`` it is written in that forum topic: like Telegram, it carries
        ``message_thread_id`` and ``is_topic_message``, and a message that replies to
        nothing replies to the topic's creation message.
        """
        chat = self._chats[chat_id]
        user.started = True
        data: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": user.to_dict(),
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **content,
        }
        if thread_id is not None:
            topic = self.topic(chat_id, thread_id)
            if topic is None:
                msg = f"no topic {thread_id} in chat {chat_id}"
                raise AssertionError(msg)
            data |= {"message_thread_id": thread_id, "is_topic_message": True}
            reply_to = reply_to or self.message(chat_id, thread_id)
        if reply_to is not None:
            data["reply_to_message"] = _without_reply(reply_to.data)
        message = self._store(
            StoredMessage(
                chat_id=chat_id,
                message_id=data["message_id"],
                from_bot=False,
                data=data,
                sent_at=time.monotonic(),
                source_text=content.get("text"),
            )
        )
        record = self.enqueue("message", copy.deepcopy(data), chat_id=chat_id)
        return message, record

    def user_edit(self, message: StoredMessage, content: dict[str, Any]) -> UpdateRecord:
        now = time.monotonic()
        message.history.append(message._version())
        for key in ("text", "entities", "caption", "caption_entities"):
            message.data.pop(key, None)
        message.data.update(content)
        message.data["edit_date"] = int(time.time())
        message.source_text = content.get("text")
        message.updated_at = now
        return self.enqueue("edited_message", copy.deepcopy(message.data), chat_id=message.chat_id)

    def user_callback(
        self, user: FakeUser, message: StoredMessage, data: str | None
    ) -> UpdateRecord:
        query_id = str(4_611_686_018_427_387_904 + next(self._query_counter))
        self._callbacks[query_id] = CallbackQueryRecord(
            query_id=query_id,
            user_id=user.id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            data=data,
            created_at=time.monotonic(),
        )
        event: dict[str, Any] = {
            "id": query_id,
            "from": user.to_dict(),
            "message": copy.deepcopy(message.data),
            "chat_instance": str(abs(message.chat_id) * 7919 + 1),
        }
        if data is not None:
            event["data"] = data
        return self.enqueue(
            "callback_query", event, chat_id=message.chat_id, callback_query_id=query_id
        )

    def upload_file(
        self,
        kind: str,
        *,
        data: bytes | None = None,
        size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> FakeFile:
        """Register a file (as if uploaded to Telegram); ``size`` alone fakes a big file."""
        if data is not None and size is not None and size != len(data):
            msg = "pass either data or size (or a size equal to len(data))"
            raise ValueError(msg)
        number = next(self._file_counter)
        prefixes = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}
        prefix = prefixes.get(kind, "CAACAgIAAxkBAAI")
        folders = {"photo": "photos", "document": "documents", "sticker": "stickers"}
        if kind == "photo":
            extension = ".jpg"
        elif kind == "sticker":
            extension = ".webp"
        else:
            extension = mimetypes.guess_extension(mime_type or "") or ""
            if file_name and "." in file_name:
                extension = "." + file_name.rsplit(".", 1)[1]
        fake = FakeFile(
            file_id=f"{prefix}{number:06d}{self.bot_id % 1000:03d}fAkEiD",
            file_unique_id=f"AQAD{number:06d}",
            kind=kind,
            size=len(data) if data is not None else (size or 0),
            file_path=f"{folders.get(kind, 'files')}/file_{number}{extension}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._files[fake.file_id] = fake
        self._file_paths[fake.file_path] = fake
        return fake

    def upload_photo(self, data: bytes | None = None, size: int | None = None) -> list[FakeFile]:
        """Register a photo in Telegram's several sizes; the last one is the original."""
        if data is not None:
            if size is not None and size != len(data):
                msg = "pass either data or size (or a size equal to len(data))"
                raise ValueError(msg)
            size = len(data)
        elif size is None:
            size = DEFAULT_PHOTO_SIZE
        width, height = (image_size(data) if data else None) or DEFAULT_PHOTO_DIMENSIONS
        longest = max(width, height, 1)
        variants: list[FakeFile] = []
        for side in PHOTO_THUMB_SIDES:
            if side >= longest:
                break
            thumb_w = max(1, width * side // longest)
            thumb_h = max(1, height * side // longest)
            thumb_size = max(1, size * thumb_w * thumb_h // (width * height))
            variants.append(
                self.upload_file("photo", size=thumb_size, width=thumb_w, height=thumb_h)
            )
        if data is not None:
            variants.append(self.upload_file("photo", data=data, width=width, height=height))
        else:
            variants.append(self.upload_file("photo", size=size, width=width, height=height))
        for variant in variants:
            variant.photo_set = variants
        return variants

    # -- HTTP entry points ---------------------------------------------------------------------

    def _known_token(self, token: str) -> bool:
        return token == self.token

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = {k: _decode_param(k, v) for k, v in request.query.items()}
        uploads: dict[str, Upload] = {}
        content_type = request.content_type
        if content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    uploads[part.name] = Upload(
                        name=part.name,
                        file_name=part.filename,
                        content_type=part.headers.get("Content-Type", ""),
                        data=bytes(await part.read()),
                    )
                else:
                    params[part.name] = _decode_param(part.name, await part.text())
        elif content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                for key, value in body.items():
                    params[key] = _decode_param(key, value) if isinstance(value, str) else value
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = _decode_param(key, value)
        return params, uploads

    async def _handle_method(self, request: web.Request) -> web.Response:
        if not self._known_token(request.match_info["token"]):
            error = ApiError(401, "Unauthorized")
            return web.json_response(error.to_json(), status=401)
        params, uploads = await self._read_params(request)
        requested = request.match_info["method"]
        canonical, handler = self._methods.get(requested.lower(), (requested, None))
        call = Call(
            method=canonical,
            params=params,
            at=time.monotonic(),
            chat_id=self._call_chat(params),
            uploads=list(uploads.values()),
        )
        self.call_log.append(call)
        self._notify()
        try:
            if handler is None:
                self.unknown_calls.append(call)
                raise ApiError(404, "Not Found: method not found")
            failure = self._take_failure(canonical, call.chat_id)
            if failure is not None:
                raise failure
            if call.chat_id in self._migrated:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    migrate_to_chat_id=self._migrated[call.chat_id],
                )
            hit = (
                self._limits.check(canonical, call.chat_id, _message_count(params))
                if self._limits
                else None
            )
            if hit is not None:
                self.limit_hits.append(hit)
                raise ApiError(
                    _TOO_MANY_REQUESTS,
                    f"Too Many Requests: retry after {hit.retry_after}",
                    retry_after=hit.retry_after,
                )
            result = handler(_Request(canonical, params, uploads, request, call))
            if isinstance(result, Awaitable):
                result = await result
        except ApiError as error:
            call.response_ok = False
            call.error_code = error.error_code
            call.description = error.description
            self._notify()
            return web.json_response(error.to_json(), status=error.error_code)
        except Exception:
            self.internal_errors.append(f"{canonical}: {traceback.format_exc()}")
            call.response_ok = False
            call.error_code = 500
            call.description = "Internal Server Error"
            self._notify()
            body = ApiError(500, "Internal Server Error").to_json()
            return web.json_response(body, status=500)
        call.response_ok = True
        call.result = result
        self._notify()
        return web.json_response({"ok": True, "result": result})

    def _call_chat(self, params: dict[str, Any]) -> int | None:
        query_id = params.get("callback_query_id")
        if query_id is not None:
            record = self._callbacks.get(str(query_id))
            return record.chat_id if record else None
        value = params.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value.lstrip("-").isdigit():
                return int(value)
            for chat in self._chats.values():
                if chat.username and f"@{chat.username}" == value:
                    return chat.id
        return None

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        if not self._known_token(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        path = request.match_info["path"]
        fake = self._file_paths.get(path)
        if fake is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        self.downloads.append(path)
        if fake.data is not None:
            return web.Response(body=fake.data, content_type="application/octet-stream")
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.content_length = fake.size
        await response.prepare(request)
        remaining = fake.size
        chunk = bytes(min(DOWNLOAD_CHUNK, fake.size))
        while remaining > 0:
            step = min(remaining, len(chunk))
            await response.write(chunk[:step])
            remaining -= step
        await response.write_eof()
        return response

    # -- method table --------------------------------------------------------------------------

    def _method_table(self) -> dict[str, _Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": _true,
            "close": _true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageCaption": self._edit_message_caption,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "getFile": self._get_file,
            "copyMessage": self._copy_message,
            "copyMessages": self._copy_messages,
            "forwardMessage": self._forward_message,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }

    # -- updates and webhooks ------------------------------------------------------------------

    def _get_me(self, _: _Request) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        now = time.monotonic()
        pending = self.pending_updates()
        if offset < 0:
            keep = {r.update_id for r in pending[offset:]}
            confirmed = [r for r in pending if r.update_id not in keep]
        else:
            confirmed = [r for r in pending if r.update_id < offset]
        for record in confirmed:
            record.confirmed_at = now

    def _is_allowed(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    async def _get_updates(self, request: _Request) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(request.int("limit", 100) or 100, 1), 100)
        timeout = min(max(request.int("timeout", 0) or 0, 0), MAX_LONG_POLL_SECONDS)
        allowed = request.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed] or None
        self._confirm(request.int("offset"))
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
            pending = self.pending_updates()
            remaining = deadline - time.monotonic()
            if pending or self._closing or remaining <= 0:
                break
            await self.wait_for_change(remaining)
        transport = request.http.transport
        if self._closing or transport is None or transport.is_closing():
            # Nobody will read this answer: do not count the updates as handed out.
            return []
        batch = pending[:limit]
        now = time.monotonic()
        for record in batch:
            if record.delivered_at is None:
                record.delivered_at = now
            record.last_delivered_at = now
            record.delivery_count += 1
        self._notify()
        return [record.payload for record in batch]

    def _delete_webhook(self, request: _Request) -> bool:
        self.webhook_url = ""
        if request.flag("drop_pending_updates"):
            for record in self.pending_updates():
                record.dropped = "dropped by deleteWebhook(drop_pending_updates=True)"
            self._notify()
        return True

    def _set_webhook(self, request: _Request) -> bool:
        url = str(request.get("url", ""))
        if url and not url.startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        allowed = request.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed] or None
        if request.flag("drop_pending_updates"):
            for record in self.pending_updates():
                record.dropped = "dropped by setWebhook(drop_pending_updates=True)"
            self._notify()
        return True

    def _get_webhook_info(self, _: _Request) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates()),
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    # -- commands ------------------------------------------------------------------------------

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    def _set_my_commands(self, request: _Request) -> bool:
        commands = request.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands is empty")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(name)):
                raise _bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(request.get("scope"), request.get("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, request: _Request) -> list[dict[str, Any]]:
        return self.commands(request.get("scope"), request.get("language_code", ""))

    def _delete_my_commands(self, request: _Request) -> bool:
        key = self._commands_key(request.get("scope"), request.get("language_code"))
        self._commands.pop(key, None)
        return True

    # -- chats ---------------------------------------------------------------------------------

    def _chat(self, request: _Request, name: str = "chat_id") -> ChatInfo:
        value = request.require(name)
        chat_id: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            chat_id = value
        elif isinstance(value, str):
            if value.lstrip("-").isdigit():
                chat_id = int(value)
            else:
                chat_id = next(
                    (
                        c.id
                        for c in self._chats.values()
                        if c.username and value == f"@{c.username}"
                    ),
                    None,
                )
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise _bad_request("chat not found")
        return chat

    def _check_writable(self, chat: ChatInfo) -> None:
        if chat.type == "private":
            user = self._users[chat.id]
            if user.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if user.deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if not user.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_removed:
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    def _get_chat(self, request: _Request) -> dict[str, Any]:
        chat = self._chat(request)
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, request: _Request) -> dict[str, Any]:
        chat = self._chat(request)
        user_id = request.int("user_id")
        if user_id is None:
            raise _bad_request("user_id is empty")
        if user_id == self.bot_id:
            user = self.bot_user
        elif user_id in self._users:
            user = self._users[user_id].to_dict()
        else:
            raise _bad_request("user not found")
        return _chat_member(self.member_status(chat.id, user_id), user)

    def _send_chat_action(self, request: _Request) -> bool:
        chat = self._chat(request)
        self._check_writable(chat)
        if request.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    # -- sending -------------------------------------------------------------------------------

    def _markup(self, request: _Request) -> dict[str, Any] | None:
        markup = request.get("reply_markup")
        if markup is None:
            return None
        if isinstance(markup, str):
            try:
                markup = json.loads(markup)
            except ValueError as exc:
                raise _bad_request("can't parse reply keyboard markup JSON object") from exc
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad_request("can't parse inline keyboard markup JSON object")
            for row in rows:
                for button in row:
                    _check_inline_button(button)
        elif not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _reply_target(self, request: _Request, chat: ChatInfo) -> StoredMessage | None:
        parameters = request.get("reply_parameters")
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow_missing = bool(parameters.get("allow_sending_without_reply"))
            target_chat = parameters.get("chat_id", chat.id)
        else:
            message_id = request.int("reply_to_message_id")
            allow_missing = request.flag("allow_sending_without_reply")
            target_chat = chat.id
        if message_id is None:
            return None
        target = self.message(target_chat if isinstance(target_chat, int) else chat.id, message_id)
        if target is None or target.deleted:
            if allow_missing:
                return None
            raise _bad_request("message to be replied not found")
        return target

    def _new_bot_message(
        self,
        request: _Request,
        chat: ChatInfo,
        content: dict[str, Any],
        *,
        markup: dict[str, Any] | None,
        reply_to: StoredMessage | None = None,
        parse_mode: str | None = None,
        source_text: str | None = None,
    ) -> StoredMessage:
        data: dict[str, Any] = {
            "message_id": self._next_message_id(chat.id),
            "from": self.bot_user,
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **content,
        }
        topic = self._thread(request, chat)
        if topic is not None:
            data |= {"message_thread_id": topic.thread_id, "is_topic_message": True}
            # In a topic, a message that replies to nothing replies to its creation message.
            reply_to = reply_to or self.message(chat.id, topic.thread_id)
        if reply_to is not None:
            data["reply_to_message"] = _without_reply(reply_to.data)
        if _inline_rows(markup):
            data["reply_markup"] = markup
        return self._store(
            StoredMessage(
                chat_id=chat.id,
                message_id=data["message_id"],
                from_bot=True,
                data=data,
                sent_at=time.monotonic(),
                parse_mode=parse_mode,
                source_text=source_text,
                reply_markup=markup,
                method=request.method,
            )
        )

    def _text_content(self, request: _Request, *, edit: bool) -> tuple[dict[str, Any], str]:
        source = request.get("text")
        if not isinstance(source, str) or not source.strip():
            raise _bad_request("message text is empty")
        parse_mode = request.get("parse_mode")
        text, entities = format_text(source, parse_mode, request.get("entities"))
        if not text:
            raise _bad_request("message text is empty")
        if len(text) > MAX_MESSAGE_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG" if edit else "message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return content, source

    def _caption_content(self, caption: Any, parse_mode: Any, entities: Any) -> dict[str, Any]:
        if not isinstance(caption, str) or not caption:
            return {}
        text, parsed = format_text(caption, parse_mode, entities)
        if len(text) > MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        content: dict[str, Any] = {"caption": text} if text else {}
        if parsed:
            content["caption_entities"] = parsed
        return content

    def _send_message(self, request: _Request) -> dict[str, Any]:
        chat = self._chat(request)
        self._check_writable(chat)
        content, source = self._text_content(request, edit=False)
        markup = self._markup(request)
        reply_to = self._reply_target(request, chat)
        message = self._new_bot_message(
            request,
            chat,
            content,
            markup=markup,
            reply_to=reply_to,
            parse_mode=request.get("parse_mode"),
            source_text=source,
        )
        return message.data

    def _media(self, request: _Request, value: Any, kind: str) -> FakeFile:
        """Resolve a photo/document argument: an upload, an existing file_id, or a URL."""
        if not isinstance(value, str) or not value:
            raise _bad_request(f"there is no {kind} in the request")
        if value.startswith("attach://"):
            upload = request.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, WRONG_FILE)
            if not upload.data:
                raise _bad_request("file must be non-empty")
            if kind == "photo":
                _check_photo(upload.data)
                return self.upload_photo(upload.data)[-1]
            mime_type = mimetypes.guess_type(upload.file_name)[0] or "application/octet-stream"
            return self.upload_file(
                "document", data=upload.data, file_name=upload.file_name, mime_type=mime_type
            )
        if value.startswith(("http://", "https://")):
            raise _bad_request("failed to get HTTP URL content")
        fake = self._files.get(value)
        if fake is None:
            raise ApiError(400, WRONG_FILE)
        if fake.kind != kind:
            raise _bad_request(
                f"can't use file of type {fake.kind.capitalize()} as {kind.capitalize()}"
            )
        return fake

    @staticmethod
    def _media_content(fake: FakeFile) -> dict[str, Any]:
        if fake.kind == "photo":
            return {"photo": [v.photo_size() for v in (fake.photo_set or [fake])]}
        return {"document": fake.document_dict()}

    def _send_file(self, request: _Request, kind: str) -> dict[str, Any]:
        chat = self._chat(request)
        self._check_writable(chat)
        fake = self._media(request, request.get(kind), kind)
        caption = self._caption_content(
            request.get("caption"), request.get("parse_mode"), request.get("caption_entities")
        )
        message = self._new_bot_message(
            request,
            chat,
            {**self._media_content(fake), **caption},
            markup=self._markup(request),
            reply_to=self._reply_target(request, chat),
            parse_mode=request.get("parse_mode"),
            source_text=request.get("caption"),
        )
        return message.data

    def _send_photo(self, request: _Request) -> dict[str, Any]:
        return self._send_file(request, "photo")

    def _send_document(self, request: _Request) -> dict[str, Any]:
        return self._send_file(request, "document")

    def _send_media_group(self, request: _Request) -> list[dict[str, Any]]:
        chat = self._chat(request)
        self._check_writable(chat)
        media = request.get("media")
        if not isinstance(media, list) or not MIN_MEDIA_GROUP <= len(media) <= MAX_MEDIA_GROUP:
            raise _bad_request("wrong number of media elements specified")
        kinds = {item.get("type") for item in media if isinstance(item, dict)}
        if not kinds <= {"photo", "document"} or len(kinds) != 1:
            raise _bad_request("MEDIA_GROUP_INVALID")
        files = [self._media(request, item.get("media"), item["type"]) for item in media]
        reply_to = self._reply_target(request, chat)
        group_id = str(next(self._media_group_counter))
        results = []
        for item, fake in zip(media, files, strict=True):
            caption = self._caption_content(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            content = {**self._media_content(fake), **caption, "media_group_id": group_id}
            message = self._new_bot_message(
                request,
                chat,
                content,
                markup=None,
                reply_to=reply_to,
                parse_mode=item.get("parse_mode"),
                source_text=item.get("caption"),
            )
            results.append(message.data)
        return results

    def _get_file(self, request: _Request) -> dict[str, Any]:
        fake = self._files.get(str(request.require("file_id")))
        if fake is None:
            raise _bad_request("invalid file_id")
        if fake.size > MAX_DOWNLOAD_SIZE:
            raise _bad_request("file is too big")
        return {
            "file_id": fake.file_id,
            "file_unique_id": fake.file_unique_id,
            "file_size": fake.size,
            "file_path": fake.file_path,
        }

    def _source_message(self, request: _Request, what: str) -> StoredMessage:
        source_chat = self._chat(request, "from_chat_id")
        message_id = request.int("message_id")
        source = self.message(source_chat.id, message_id) if message_id is not None else None
        if source is None or source.deleted:
            raise _bad_request(f"message to {what} not found")
        return source

    def _copy_message(self, request: _Request) -> dict[str, Any]:
        chat = self._chat(request)
        self._check_writable(chat)
        source = self._source_message(request, "copy")
        content = _copied_content(source)
        if request.get("caption") is not None:
            content.pop("caption_entities", None)
            content.update(
                self._caption_content(
                    request.get("caption"),
                    request.get("parse_mode"),
                    request.get("caption_entities"),
                )
            )
        elif "caption" in source.data:
            content["caption"] = source.data["caption"]
            if "caption_entities" in source.data:
                content["caption_entities"] = source.data["caption_entities"]
        message = self._new_bot_message(
            request,
            chat,
            content,
            markup=self._markup(request),
            reply_to=self._reply_target(request, chat),
            parse_mode=request.get("parse_mode") or source.parse_mode,
            source_text=source.source_text,
        )
        return {"message_id": message.message_id}

    def _copy_messages(self, request: _Request) -> list[dict[str, int]]:
        """Copies of several messages; missing ones are skipped, albums stay albums."""
        chat = self._chat(request)
        self._check_writable(chat)
        source_chat = self._chat(request, "from_chat_id")
        ids = request.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_COPY_MESSAGES:
            raise _bad_request("message_ids must be a list of 1-100 message identifiers")
        if any(not isinstance(i, int) for i in ids) or ids != sorted(set(ids)):
            raise _bad_request("message identifiers must be in a strictly increasing order")
        found = [
            source
            for message_id in ids
            if (source := self.message(source_chat.id, message_id)) is not None
            and not source.deleted
        ]
        if not found:
            raise _bad_request("message to copy not found")
        albums: dict[str, str] = {}
        copied = []
        for source in found:
            content = _copied_content(source)
            if not request.flag("remove_caption") and "caption" in source.data:
                content["caption"] = source.data["caption"]
            if source.media_group_id is not None:
                new_group = albums.setdefault(
                    source.media_group_id, str(next(self._media_group_counter))
                )
                content["media_group_id"] = new_group
            message = self._new_bot_message(
                request,
                chat,
                content,
                markup=None,
                parse_mode=source.parse_mode,
                source_text=source.source_text,
            )
            copied.append({"message_id": message.message_id})
        return copied

    def _forward_message(self, request: _Request) -> dict[str, Any]:
        chat = self._chat(request)
        self._check_writable(chat)
        source = self._source_message(request, "forward")
        content = {
            k: v
            for k, v in source.data.items()
            if k
            in {
                "text",
                "entities",
                "photo",
                "document",
                "sticker",
                "contact",
                "caption",
                "caption_entities",
            }
        }
        content["forward_origin"] = {
            "type": "user",
            "date": source.data["date"],
            "sender_user": source.data["from"],
        }
        message = self._new_bot_message(
            request,
            chat,
            content,
            markup=None,
            parse_mode=source.parse_mode,
            source_text=source.source_text,
        )
        return message.data

    # -- forum topics ------------------------------------------------------------------------

    def _thread(self, request: _Request, chat: ChatInfo) -> ForumTopic | None:
        """The topic ``message_thread_id`` names, checked as Telegram does."""
        thread_id = request.int("message_thread_id")
        if thread_id is None:
            return None
        topic = self.topic(chat.id, thread_id) if chat.is_forum else None
        if topic is None:
            raise _bad_request("message thread not found")
        if topic.closed and self.member_status(chat.id, self.bot_id) not in {
            "administrator",
            "creator",
        }:
            raise _bad_request("TOPIC_CLOSED")
        return topic

    def _forum(self, request: _Request) -> ChatInfo:
        chat = self._chat(request)
        self._check_writable(chat)
        if not chat.is_forum:
            raise _bad_request("the chat is not a forum")
        if self.member_status(chat.id, self.bot_id) not in {"administrator", "creator"}:
            raise _bad_request("not enough rights to manage topics")
        return chat

    def _existing_topic(self, request: _Request, chat: ChatInfo) -> ForumTopic:
        thread_id = request.int("message_thread_id")
        topic = self.topic(chat.id, thread_id) if thread_id is not None else None
        if topic is None:
            raise _bad_request("TOPIC_ID_INVALID")
        return topic

    def _topic_service(
        self, request: _Request, chat: ChatInfo, topic: ForumTopic, event: dict[str, Any]
    ) -> StoredMessage:
        """The service message a topic change posts in the topic (not an update for the bot:
        Telegram does not send a bot its own messages)."""
        data: dict[str, Any] = {
            "message_id": self._next_message_id(chat.id),
            "from": self.bot_user,
            "chat": chat.to_dict(),
            "date": int(time.time()),
            "message_thread_id": topic.thread_id,
            "is_topic_message": True,
            **event,
        }
        creation = self.message(chat.id, topic.thread_id)
        if creation is not None and creation.message_id != data["message_id"]:
            data["reply_to_message"] = _without_reply(creation.data)
        return self._store(
            StoredMessage(
                chat_id=chat.id,
                message_id=data["message_id"],
                from_bot=True,
                data=data,
                sent_at=time.monotonic(),
                method=request.method,
            )
        )

    def _create_forum_topic(self, request: _Request) -> dict[str, Any]:
        chat = self._forum(request)
        name = request.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _bad_request("TOPIC_TITLE_EMPTY")
        if len(name) > MAX_TOPIC_NAME:
            raise _bad_request("TOPIC_TITLE_TOO_LONG")
        color = request.int("icon_color", TOPIC_ICON_COLORS[0])
        if color not in TOPIC_ICON_COLORS:
            raise _bad_request("TOPIC_ICON_COLOR_INVALID")
        assert color is not None
        # A topic is the thread of its creation message: its id is that message's.
        thread_id = self._last_message_id.get(chat.id, 0) + 1
        topic = ForumTopic(chat.id, thread_id, name, color)
        self._topics.setdefault(chat.id, {})[thread_id] = topic
        self._topic_service(
            request, chat, topic, {"forum_topic_created": {"name": name, "icon_color": color}}
        )
        return topic.to_dict()

    def _edit_forum_topic(self, request: _Request) -> bool:
        chat = self._forum(request)
        topic = self._existing_topic(request, chat)
        name = request.get("name")
        if name is None or name == topic.name:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_TOPIC_NAME:
            raise _bad_request("TOPIC_TITLE_EMPTY")
        topic.name = name
        self._topic_service(request, chat, topic, {"forum_topic_edited": {"name": name}})
        return True

    def _close_forum_topic(self, request: _Request) -> bool:
        return self._set_topic_closed(request, closed=True)

    def _reopen_forum_topic(self, request: _Request) -> bool:
        return self._set_topic_closed(request, closed=False)

    def _set_topic_closed(self, request: _Request, *, closed: bool) -> bool:
        chat = self._forum(request)
        topic = self._existing_topic(request, chat)
        if topic.closed == closed:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        event = "forum_topic_closed" if closed else "forum_topic_reopened"
        self._topic_service(request, chat, topic, {event: {}})
        return True

    # -- editing -------------------------------------------------------------------------------

    def _editable(self, request: _Request) -> tuple[ChatInfo, StoredMessage]:
        if request.get("inline_message_id") is not None:
            raise _bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(request)
        message_id = request.int("message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        message = self.message(chat.id, message_id)
        if message is None or message.deleted:
            raise _bad_request("message to edit not found")
        self._check_writable(chat)
        if not message.from_bot:
            raise _bad_request("message can't be edited")
        return chat, message

    def _apply_edit(
        self,
        message: StoredMessage,
        replaced: tuple[str, ...],
        content: dict[str, Any],
        markup: dict[str, Any] | None,
        *,
        parse_mode: str | None,
        source_text: str | None,
    ) -> dict[str, Any]:
        keys = ("text", "entities", "caption", "caption_entities")
        old = {k: message.data[k] for k in keys if k in message.data}
        new = {k: v for k, v in old.items() if k not in replaced}
        new.update({k: v for k, v in content.items() if v})
        new_inline = markup if _inline_rows(markup) else None
        if new == old and new_inline == message.data.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        message.history.append(message._version())
        for key in keys:
            message.data.pop(key, None)
        message.data.update(new)
        message.data.pop("reply_markup", None)
        if new_inline is not None:
            message.data["reply_markup"] = new_inline
        message.data["edit_date"] = int(time.time())
        message.reply_markup = markup
        message.parse_mode = parse_mode
        message.source_text = source_text
        message.updated_at = time.monotonic()
        return message.data

    def _edit_message_text(self, request: _Request) -> dict[str, Any]:
        _, message = self._editable(request)
        if "text" not in message.data:
            raise _bad_request("there is no text in the message to edit")
        content, source = self._text_content(request, edit=True)
        return self._apply_edit(
            message,
            ("text", "entities"),
            content,
            self._markup(request),
            parse_mode=request.get("parse_mode"),
            source_text=source,
        )

    def _edit_message_caption(self, request: _Request) -> dict[str, Any]:
        _, message = self._editable(request)
        if not any(k in message.data for k in ("photo", "document")):
            raise _bad_request("there is no caption in the message to edit")
        content = self._caption_content(
            request.get("caption"), request.get("parse_mode"), request.get("caption_entities")
        )
        return self._apply_edit(
            message,
            ("caption", "caption_entities"),
            content,
            self._markup(request),
            parse_mode=request.get("parse_mode"),
            source_text=request.get("caption"),
        )

    def _edit_message_reply_markup(self, request: _Request) -> dict[str, Any]:
        _, message = self._editable(request)
        return self._apply_edit(
            message,
            (),
            {},
            self._markup(request),
            parse_mode=message.parse_mode,
            source_text=message.source_text,
        )

    def _delete_message(self, request: _Request) -> bool:
        chat = self._chat(request)
        message_id = request.int("message_id")
        message = self.message(chat.id, message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise _bad_request("message to delete not found")
        if chat.type != "private" and not message.from_bot:
            status = self.member_status(chat.id, self.bot_id)
            if status not in {"administrator", "creator"}:
                raise _bad_request("message can't be deleted")
        message.deleted = True
        return True

    # -- callback queries ----------------------------------------------------------------------

    def _answer_callback_query(self, request: _Request) -> bool:
        query_id = str(request.require("callback_query_id"))
        record = self._callbacks.get(query_id)
        if record is None or record.answer is not None:
            raise ApiError(400, QUERY_INVALID)
        text = request.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        record.answer = CallbackAnswer(
            query_id=query_id,
            user_id=record.user_id,
            chat_id=record.chat_id,
            text=text if isinstance(text, str) else None,
            show_alert=request.flag("show_alert"),
            url=request.get("url"),
            cache_time=request.int("cache_time"),
            at=time.monotonic(),
        )
        self.callback_answers.append(record.answer)
        return True


def _true(_: _Request) -> bool:
    return True


def _message_count(params: dict[str, Any]) -> int:
    """How many messages a call puts in its chat: an album or a batch of copies counts each."""
    for batch in ("media", "message_ids"):
        items = params.get(batch)
        if isinstance(items, list) and items:
            return len(items)
    return 1


def _without_reply(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "reply_to_message"}


def _copied_content(source: StoredMessage) -> dict[str, Any]:
    """What a copy keeps of a message: its content, not its sender, date or buttons."""
    return {
        k: v
        for k, v in source.data.items()
        if k in {"text", "entities", "photo", "document", "sticker", "contact"}
    }


def _inline_rows(markup: dict[str, Any] | None) -> bool:
    return bool(markup and any(markup.get("inline_keyboard") or []))


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")


def _chat_member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_send_welcome_messages=False,
        )
    elif status == "restricted":
        member.update(
            {
                key: False
                for key in (
                    "can_send_messages",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_react_to_messages",
                    "can_edit_tag",
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_manage_topics",
                )
            },
            is_member=True,
            until_date=0,
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member
