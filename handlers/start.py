"""/start: the shopper's first look at their orders."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from domain.services import shopper_home
from handlers.context import Ctx
from handlers.link import contact_keyboard
from handlers.views import home_view


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    return router


async def start(message: Message, ctx: Ctx) -> None:
    home = await shopper_home(ctx.uow, ctx.user_id, ctx.rules, ctx.now())
    if home is None:
        name = message.from_user.first_name if message.from_user else ""
        await message.answer(
            ctx.t("start-unlinked", name=name), reply_markup=contact_keyboard(ctx.t)
        )
        return
    text, markup = home_view(ctx.t, home)
    await message.answer(text, reply_markup=markup)
