"""Who may reach which router: shoppers in private chats, staff in the staff group."""

from __future__ import annotations

from typing import Any

from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Chat, User

from handlers.deps import Deps


def in_private_chat(event: Any, event_chat: Chat | None = None) -> bool:
    """A message in a private chat, or a press on a message the bot sent to one."""
    if isinstance(event, CallbackQuery):
        message = event.message
        return message is not None and message.chat.type == ChatType.PRIVATE
    return event_chat is not None and event_chat.type == ChatType.PRIVATE


def in_staff_chat(_: Any, deps: Deps, event_chat: Chat | None = None) -> bool:
    return (
        event_chat is not None
        and deps.staff_chat_id is not None
        and event_chat.id == deps.staff_chat_id
    )


def is_staff(_: Any, deps: Deps, event_from_user: User | None = None) -> bool:
    return event_from_user is not None and deps.is_staff(event_from_user.id)
