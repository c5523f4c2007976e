"""/start and /help: the shopper's first look at their orders."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from domain.policy import ShopRules
from domain.ports import Clock, UnitOfWork
from domain.services import shopper_home
from handlers.i18n import Translator
from handlers.link import contact_keyboard
from handlers.views import home_view


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    return router


async def start(
    message: Message, uow: UnitOfWork, rules: ShopRules, clock: Clock, i18n: Translator
) -> None:
    assert message.from_user is not None  # private chats always have a sender
    home = await shopper_home(uow, message.from_user.id, rules, clock.now())
    if home is None:
        await message.answer(
            i18n("start-unlinked", name=message.from_user.first_name),
            reply_markup=contact_keyboard(i18n),
        )
        return
    text, markup = home_view(i18n, home)
    await message.answer(text, reply_markup=markup)


async def help_(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("help-text"))
