"""The one button that ends a refusal, an error or a finished step: where to go next.

No answer to a shopper is plain text alone. A card carries its own buttons; everything
else (no such order, nothing to search, a step left or expired, an empty list) ends in
one of these, so the shopper always has something to press. Pure functions: a Translator
in, a keyboard out.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.orders import OrderTab
from handlers.callbacks import (
    ContactAction,
    ContactCb,
    HelpCb,
    HelpTopic,
    ListCb,
    MenuCb,
    MenuTarget,
)
from handlers.i18n import Translator


def one_button(text: str, data: CallbackData) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text, callback_data=data)
    return builder.as_markup()


def orders_keyboard(t: Translator, *, cancelled: bool = False) -> InlineKeyboardMarkup:
    """📋 My orders (or 🗂 my cancelled orders): where a mistyped or missing order number,
    a search with nothing in it, or a step that ended goes on from."""
    if cancelled:
        return one_button(t("help-go-cancelled"), ListCb(tab=OrderTab.CANCELLED, page=0))
    return one_button(t("help-go-orders"), ListCb(tab=OrderTab.ALL, page=0))


def help_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """❓ Help: the menu of what the bot can do, for what it did not understand."""
    return one_button(t("help-button"), HelpCb(topic=HelpTopic.MENU))


def contact_menu_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """💬 Contact staff, asking which order first (as the help menu's entry does)."""
    return one_button(t("contact-button"), ContactCb(action=ContactAction.MENU))


def refunds_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return one_button(t("help-go-refunds"), MenuCb(target=MenuTarget.REFUNDS))


def tickets_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return one_button(t("help-go-tickets"), MenuCb(target=MenuTarget.TICKETS))
