"""Linking a shopper's Telegram account: the shop's personal link, their phone number, /unlink."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from domain.orders import Customer
from domain.ports import LinkOutcome
from domain.services import shopper_home
from domain.shopper import PhoneLinkOutcome, link_with_phone, link_with_token, unlink
from handlers.context import Ctx
from handlers.i18n import Translator
from handlers.keyboards import orders_keyboard
from handlers.states import ApplyFlow
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
    PhoneLinkOutcome.TAKEN: "link-contact-taken",
}


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(by_token, CommandStart(deep_link=True))
    # A contact card sent while an application is open belongs to the application (which
    # says what it expects there), not to linking.
    router.message.register(by_contact, F.contact, ~StateFilter(ApplyFlow))
    router.message.register(unlink_account, Command("unlink"))
    return router


def contact_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    button = KeyboardButton(text=t("link-contact-button"), request_contact=True)
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)


def next_link_step(ctx: Ctx) -> InlineKeyboardMarkup | ReplyKeyboardMarkup:
    """After a link that did not work: the orders for a shopper linked already, else the
    other way to link (their phone number)."""
    return orders_keyboard(ctx.t) if ctx.linked is not None else contact_keyboard(ctx.t)


async def by_token(message: Message, command: CommandObject, ctx: Ctx) -> None:
    token = (command.args or "").strip()
    if not START_PARAMETER.fullmatch(token):
        await message.answer(ctx.t("link-unknown"), reply_markup=next_link_step(ctx))
        return
    result = await link_with_token(ctx.uow, ctx.user_id, token, ctx.now(), locale=ctx.t.locale)
    if result.customer is not None:
        await _welcome(message, result.customer, ctx)
    elif result.outcome is LinkOutcome.USED and ctx.linked is not None:
        text = ctx.t("link-used-linked", name=ctx.linked.name)
        await message.answer(text, reply_markup=next_link_step(ctx))
    else:
        text = ctx.t(TOKEN_FAILURE[result.outcome])
        await message.answer(text, reply_markup=next_link_step(ctx))


async def by_contact(message: Message, ctx: Ctx) -> None:
    assert message.contact is not None  # the filter said so
    result = await link_with_phone(
        ctx.uow,
        telegram_id=ctx.user_id,
        contact_user_id=message.contact.user_id,
        phone=message.contact.phone_number,
        now=ctx.now(),
        locale=ctx.t.locale,
    )
    if result.customer is not None:
        await _welcome(message, result.customer, ctx)
        return
    # Only a stranger's card is worth retrying (with their own); the phone route is done otherwise.
    retry = result.outcome is PhoneLinkOutcome.NOT_OWN_CONTACT
    markup = contact_keyboard(ctx.t) if retry else ReplyKeyboardRemove()
    await message.answer(ctx.t(PHONE_FAILURE[result.outcome]), reply_markup=markup)


async def unlink_account(message: Message, ctx: Ctx) -> None:
    done = await unlink(ctx.uow, ctx.user_id, ctx.now())
    if done:
        # What the shopper asked for, done: offering to link again at once would invite
        # the tap they just undid.
        await message.answer(ctx.t("link-unlinked"))
    else:
        await message.answer(ctx.t("link-not-linked"), reply_markup=contact_keyboard(ctx.t))


async def _welcome(message: Message, customer: Customer, ctx: Ctx) -> None:
    """Confirm the link, then show at once what /start would: proof that it worked."""
    # Two messages: one message cannot both remove the phone button and carry order buttons.
    linked = ctx.t("link-linked", name=customer.name)
    await message.answer(linked, reply_markup=ReplyKeyboardRemove())
    home = await shopper_home(ctx.uow, ctx.user_id, ctx.rules, ctx.now())
    if home is not None:
        text, markup = home_view(ctx.t, home)
        await message.answer(text, reply_markup=markup)
