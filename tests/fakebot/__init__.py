"""Fake Telegram Bot API server and user-side helpers for end-to-end tests."""

from .client import (
    ACTIVITY_METHODS,
    REPLY_TIMEOUT,
    RESPONSE_METHODS,
    SETTLE_SECONDS,
    Actor,
    ChatView,
    FakeGroup,
    FakeUser,
)
from .server import (
    DEFAULT_TOKEN,
    ApiError,
    Call,
    CallbackAnswer,
    ChatInfo,
    FakeFile,
    FakeTelegram,
    LimitHit,
    MessageVersion,
    StoredMessage,
    UpdateRecord,
    Upload,
)

__all__ = [
    "ACTIVITY_METHODS",
    "DEFAULT_TOKEN",
    "REPLY_TIMEOUT",
    "RESPONSE_METHODS",
    "SETTLE_SECONDS",
    "Actor",
    "ApiError",
    "Call",
    "CallbackAnswer",
    "ChatInfo",
    "ChatView",
    "FakeFile",
    "FakeGroup",
    "FakeTelegram",
    "FakeUser",
    "LimitHit",
    "MessageVersion",
    "StoredMessage",
    "UpdateRecord",
    "Upload",
]
