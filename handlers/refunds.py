"""/refunds: where each refund stands and by when the money should arrive."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, MagicData
from aiogram.types import Message

from bot.i18n import Translator
from domain.orders import Customer
from domain.ports import UnitOfWork
from domain.shopper import shopper_refunds
from handlers.views import refunds_text


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", Command("refunds"))
    router.message.register(unlinked, MagicData(F.customer.is_(None)))
    router.message.register(refunds)
    return router


async def unlinked(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("unlinked-hint"))


async def refunds(
    message: Message, *, customer: Customer, uow: UnitOfWork, i18n: Translator
) -> None:
    await message.answer(refunds_text(i18n, await shopper_refunds(uow, customer.id)))
