"""Linking a shopper's Telegram account: the shop's personal link, their phone number, /unlink."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove

from domain.orders import Customer
from domain.policy import ShopRules
from domain.ports import Clock, LinkOutcome, UnitOfWork
from domain.services import shopper_home
from domain.shopper import PhoneLinkOutcome, link_with_phone, link_with_token, unlink
from handlers.i18n import Translator
from handlers.views import home_view

#: What Telegram passes on as a start parameter; anything else cannot be one of our tokens.
START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")

TOKEN_FAILURE = {
    LinkOutcome.UNKNOWN: "link-unknown",
    LinkOutcome.EXPIRED: "link-expired",
    LinkOutcome.USED: "link-used",
}
PHONE_FAILURE = {
    PhoneLinkOutcome.NOT_OWN_CONTACT: "link-contact-not-own",
    PhoneLinkOutcome.NO_MATCH: "link-contact-no-match",
    PhoneLinkOutcome.AMBIGUOUS: "link-contact-ambiguous",
}


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(by_token, CommandStart(deep_link=True))
    router.message.register(by_contact, F.contact)
    router.message.register(unlink_account, Command("unlink"))
    return router


def contact_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    button = KeyboardButton(text=t("link-contact-button"), request_contact=True)
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)


async def by_token(
    message: Message,
    *,
    command: CommandObject,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
    customer: Customer | None,
) -> None:
    assert message.from_user is not None  # private chats always have a sender
    token = (command.args or "").strip()
    if not START_PARAMETER.fullmatch(token):
        await message.answer(i18n("link-unknown"))
        return
    result = await link_with_token(
        uow, message.from_user.id, token, clock.now(), locale=i18n.locale
    )
    if result.customer is not None:
        await _welcome(message, result.customer, uow=uow, rules=rules, clock=clock, i18n=i18n)
    elif result.outcome is LinkOutcome.USED and customer is not None:
        await message.answer(i18n("link-used-linked", name=customer.name))
    else:
        await message.answer(i18n(TOKEN_FAILURE[result.outcome]))


async def by_contact(
    message: Message, *, uow: UnitOfWork, rules: ShopRules, clock: Clock, i18n: Translator
) -> None:
    assert message.from_user is not None and message.contact is not None  # the filter said so
    result = await link_with_phone(
        uow,
        telegram_id=message.from_user.id,
        contact_user_id=message.contact.user_id,
        phone=message.contact.phone_number,
        now=clock.now(),
        locale=i18n.locale,
    )
    if result.customer is not None:
        await _welcome(message, result.customer, uow=uow, rules=rules, clock=clock, i18n=i18n)
        return
    # Only a stranger's card is worth retrying (with their own); the phone route is done otherwise.
    retry = result.outcome is PhoneLinkOutcome.NOT_OWN_CONTACT
    markup = contact_keyboard(i18n) if retry else ReplyKeyboardRemove()
    await message.answer(i18n(PHONE_FAILURE[result.outcome]), reply_markup=markup)


async def unlink_account(
    message: Message, uow: UnitOfWork, clock: Clock, i18n: Translator
) -> None:
    assert message.from_user is not None
    done = await unlink(uow, message.from_user.id, clock.now())
    await message.answer(i18n("link-unlinked" if done else "link-not-linked"))


async def _welcome(
    message: Message,
    customer: Customer,
    *,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    """Confirm the link, then show at once what /start would: proof that it worked."""
    assert message.from_user is not None
    # Two messages: one message cannot both remove the phone button and carry order buttons.
    await message.answer(
        i18n("link-linked", name=customer.name), reply_markup=ReplyKeyboardRemove()
    )
    home = await shopper_home(uow, message.from_user.id, rules, clock.now())
    if home is not None:
        text, markup = home_view(i18n, home)
        await message.answer(text, reply_markup=markup)
