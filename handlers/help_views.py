"""The help menu and its answers, rendered.

Numbers in the answers (working days a refund or a review takes) come from the rules
themselves, so the help can never promise what the bot does not do.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.orders import OrderTab, PaymentChannel
from domain.policy import REFUND_WORKDAYS, REVIEW_WORKDAYS
from handlers.callbacks import HelpCb, HelpTopic, ListCb, MenuCb, MenuTarget
from handlers.i18n import Translator

Rendered = tuple[str, InlineKeyboardMarkup | None]

#: The questions in the menu's order; each has ``help-q-<topic>`` and ``help-a-<topic>``.
QUESTIONS = (HelpTopic.WHY_NOT, HelpTopic.STATUSES, HelpTopic.REFUND_LATE, HelpTopic.REVIEW)

_ORDERS = ("help-go-orders", ListCb(tab=OrderTab.ALL, page=0))
#: The one button that acts on each answer.
ACTIONS: dict[HelpTopic, tuple[str, CallbackData]] = {
    HelpTopic.WHY_NOT: _ORDERS,
    HelpTopic.STATUSES: _ORDERS,
    HelpTopic.REFUND_LATE: ("help-go-refunds", MenuCb(target=MenuTarget.REFUNDS)),
    HelpTopic.REVIEW: ("help-go-tickets", MenuCb(target=MenuTarget.TICKETS)),
}


def menu_view(t: Translator) -> Rendered:
    builder = InlineKeyboardBuilder()
    for topic in QUESTIONS:
        builder.button(text=t(f"help-q-{topic.name.lower()}"), callback_data=HelpCb(topic=topic))
    builder.button(text=t("help-go-orders"), callback_data=ListCb(tab=OrderTab.ALL, page=0))
    builder.adjust(1)
    return f"{t('help-text')}\n\n{t('help-questions')}", builder.as_markup()


def _facts() -> dict[str, str]:
    """The rules' own numbers, as the answers quote them."""
    wallet_low, wallet_high = REFUND_WORKDAYS[PaymentChannel.WECHAT]
    bank_low, bank_high = REFUND_WORKDAYS[PaymentChannel.BANK_CARD]
    return {
        "wallet_days": f"{wallet_low}–{wallet_high}",
        "wallet_last": str(wallet_high),
        "bank_days": f"{bank_low}–{bank_high}",
        "bank_last": str(bank_high),
        "review_days": f"1–{REVIEW_WORKDAYS}",
    }


def answer_view(t: Translator, topic: HelpTopic) -> Rendered:
    name = topic.name.lower()
    label, data = ACTIONS[topic]
    builder = InlineKeyboardBuilder()
    builder.button(text=t(label), callback_data=data)
    builder.button(text=t("help-back"), callback_data=HelpCb(topic=HelpTopic.MENU))
    builder.adjust(1)
    text = f"{t(f'help-q-{name}')}\n\n{t(f'help-a-{name}', **_facts())}"
    return text, builder.as_markup()
