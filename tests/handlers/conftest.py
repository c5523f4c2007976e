"""The real Dispatcher fed updates in process: no network, a Bot whose session answers itself.

Faster than the end-to-end tier (no polling, no HTTP), closer than unit tests
(the real routers, filters, middlewares and use cases over a real SQLite file).
What the bot sent is read from the session's record of Bot API calls.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)

from bot.config import Settings
from bot.demo import load_demo
from bot.factory import create_dispatcher, create_rules
from domain.ports import FixedClock
from handlers.i18n import Translations
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.e2e.conftest import HandlerFailures
from tests.fakebot import DEFAULT_TOKEN

#: Thursday 2026-11-26 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
TOKEN = DEFAULT_TOKEN
STAFF_CHAT = -1001
STAFF = 9001
SHOPPER = 7001


@dataclass
class Call:
    method: TelegramMethod[Any]

    @property
    def name(self) -> str:
        return type(self.method).__name__


class InProcessSession(BaseSession):
    """Answers every Bot API call at once, as Telegram would, and keeps a record of it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self._message_ids = itertools.count(100)

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("no files are downloaded here")
        yield b""  # pragma: no cover

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (the signature is aiogram's)
    ) -> TelegramType:
        self.calls.append(Call(method))
        if isinstance(method, SendMessage | EditMessageText):
            markup = method.reply_markup
            chat_id = method.chat_id if isinstance(method.chat_id, int) else 0
            message_id = (
                method.message_id
                if isinstance(method, EditMessageText) and method.message_id
                else next(self._message_ids)
            )
            return Message(  # type: ignore[return-value]
                message_id=message_id,
                date=NOW,
                chat=Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup"),
                text=method.text,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
        return True  # type: ignore[return-value]


@dataclass
class Chatter:
    """One person typing and pressing, and what the bot answered them."""

    harness: Harness
    user_id: int
    chat_id: int
    first_name: str = "张三"
    language_code: str = "zh-hans"
    _updates: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _user(self) -> User:
        return User(
            id=self.user_id,
            is_bot=False,
            first_name=self.first_name,
            language_code=self.language_code,
        )

    def _chat(self) -> Chat:
        return Chat(id=self.chat_id, type="private" if self.chat_id > 0 else "supergroup")

    async def send(self, text: str) -> None:
        message = Message(
            message_id=next(self.harness.ids),
            date=NOW,
            chat=self._chat(),
            from_user=self._user(),
            text=text,
            entities=_command_entities(text),
        )
        await self.harness.feed(Update(update_id=next(self.harness.ids), message=message))

    async def press(self, label: str) -> None:
        """Press the button whose text contains ``label`` on the last keyboard sent here."""
        message, data = self._button(label)
        query = CallbackQuery(
            id=str(next(self.harness.ids)),
            from_user=self._user(),
            chat_instance="ci",
            message=message,
            data=data,
        )
        await self.harness.feed(Update(update_id=next(self.harness.ids), callback_query=query))

    def _button(self, label: str) -> tuple[Message, str]:
        for call in reversed(self.harness.session.calls):
            method = call.method
            if not isinstance(method, SendMessage | EditMessageText):
                continue
            if method.chat_id != self.chat_id:
                continue
            markup = method.reply_markup
            if not isinstance(markup, InlineKeyboardMarkup):
                continue
            for row in markup.inline_keyboard:
                for button in row:
                    if label in button.text and button.callback_data:
                        message = Message(
                            message_id=getattr(method, "message_id", None) or 1,
                            date=NOW,
                            chat=self._chat(),
                            text=method.text,
                            reply_markup=markup,
                        )
                        return message, button.callback_data
        raise AssertionError(f"no button {label!r} in chat {self.chat_id}")

    def texts(self) -> list[str]:
        return [
            call.method.text
            for call in self.harness.session.calls
            if isinstance(call.method, SendMessage | EditMessageText)
            and call.method.chat_id == self.chat_id
        ]

    def last_text(self) -> str:
        texts = self.texts()
        assert texts, f"the bot sent nothing to chat {self.chat_id}"
        return texts[-1]

    def answers(self) -> list[AnswerCallbackQuery]:
        return [
            call.method
            for call in self.harness.session.calls
            if isinstance(call.method, AnswerCallbackQuery)
        ]


def _command_entities(text: str) -> list[dict[str, Any]] | None:
    if not text.startswith("/"):
        return None
    length = len(text.split(maxsplit=1)[0].encode("utf-16-le")) // 2
    return [{"type": "bot_command", "offset": 0, "length": length}]


@dataclass
class Harness:
    dispatcher: Dispatcher
    bot: Bot
    session: InProcessSession
    uows: SqlUnitOfWorkFactory
    clock: FixedClock
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def feed(self, update: Update) -> None:
        await self.dispatcher.feed_update(self.bot, update)

    def shopper(self, user_id: int = SHOPPER, **kwargs: Any) -> Chatter:
        return Chatter(self, user_id, user_id, **kwargs)

    def in_staff_chat(self, user_id: int = STAFF, **kwargs: Any) -> Chatter:
        return Chatter(self, user_id, STAFF_CHAT, **kwargs)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        staff_chat_id=STAFF_CHAT,
        staff_ids=str(STAFF),
        daily_digest_at="off",
        # Updates are fed at one fixed instant, faster than any person: throttling has
        # tests of its own (tests/e2e/test_flood.py).
        throttle_per_second=0,
    )
    engine = create_engine(settings.database_url)
    await upgrade(engine)
    session_factory = create_session_factory(engine)
    clock = FixedClock(NOW)
    await load_demo(session_factory, clock=clock, bind=SHOPPER)
    rules = create_rules(settings)
    translations = Translations(settings.default_locale, estimated=rules.calendar.is_estimate)
    dispatcher = create_dispatcher(settings, session_factory, clock, rules, translations)
    session = InProcessSession()
    bot = Bot(token=TOKEN, session=session)
    failures = HandlerFailures()
    logging.getLogger("bot.factory").addHandler(failures)
    try:
        yield Harness(dispatcher, bot, session, SqlUnitOfWorkFactory(session_factory), clock)
    finally:
        logging.getLogger("bot.factory").removeHandler(failures)
        await engine.dispose()
    crashes = [r.exc_info[1] for r in failures.records if r.exc_info]
    assert not crashes, f"a handler crashed: {crashes!r}"
