"""One update's context, handed to every handler as ``ctx``.

A handler's signature names what it parses (the event, its callback data, its
command, its FSM state) and takes everything else from here: the unit of work,
the shop's rules and clock, the reader's language, who they are, and the answer
its press will get. Built by ``handlers.middlewares.UpdateContext`` on the two
parent routers and the fallback, so no handler lists the same six services again.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, tzinfo

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, User
from aiogram.utils.callback_answer import CallbackAnswer

from domain.orders import Customer
from domain.policy import ShopRules
from domain.ports import UnitOfWork
from domain.timeline import zone
from handlers.deps import Deps
from handlers.i18n import Translator


class NotLinked(LookupError):
    """A handler asked for the shopper of an update that has none: its router lacks the
    linked-shopper filter. A bug in the wiring, never the shopper's doing."""


@dataclass(slots=True)
class Ctx:
    bot: Bot
    uow: UnitOfWork
    deps: Deps
    #: The reader's language (their saved choice, else Telegram's).
    t: Translator
    user: User | None
    #: The shop's customer behind this Telegram user, if they have linked one.
    linked: Customer | None
    #: What the press will be answered with once its handler returns; ``None`` for a message.
    press: CallbackAnswer | None = None

    @property
    def rules(self) -> ShopRules:
        return self.deps.rules

    @property
    def tz(self) -> tzinfo:
        return self.deps.rules.tz

    @property
    def shopper_tz(self) -> tzinfo:
        """The shopper's own timezone when the shop knows it, else the shop's."""
        return zone(self.linked.timezone if self.linked else None, self.tz)

    def now(self) -> datetime:
        return self.deps.clock.now()

    @property
    def customer(self) -> Customer:
        """The linked shopper; only for handlers behind the linked-shopper filter."""
        if self.linked is None:
            raise NotLinked("this handler needs a linked shopper")
        return self.linked

    @property
    def user_id(self) -> int:
        if self.user is None:
            raise LookupError("this update has no sender")
        return self.user.id

    @property
    def is_staff(self) -> bool:
        return self.deps.is_staff(self.user.id if self.user else None)

    @property
    def staff_t(self) -> Translator:
        return self.deps.staff_t

    def toast(self, text: str | None) -> None:
        """The press's answer: a short note that fades (or nothing, for ``None``)."""
        if self.press is not None:
            self.press.text = text

    def alert(self, text: str) -> None:
        """The press's answer: a box the presser must close."""
        if self.press is not None:
            self.press.text = text
            self.press.show_alert = True

    async def answer_now(self, query: CallbackQuery) -> None:
        """Answer the press before slow work (a group send may wait a minute for the
        flood gate, past the press's answer window); the middleware then stays quiet."""
        if self.press is None or self.press.disabled:
            return
        with contextlib.suppress(TelegramBadRequest):
            await query.answer(self.press.text, show_alert=self.press.show_alert)
        self.press.disable()
