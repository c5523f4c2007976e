"""The help menu and its answers, rendered.

Numbers in the answers (working days a refund or a review takes, the restore window) come
from the rules themselves, so the help can never promise what the bot does not do. The
restore and coupon answers act on the shopper's own latest cancelled orders: one button
per order that can be restored or whose coupon staff can look at.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.orders import OrderTab, PaymentChannel
from domain.policy import REFUND_WORKDAYS, REVIEW_WORKDAYS, ShopRules
from domain.review import coupon_kept
from domain.shopper import OrderCard
from handlers.callbacks import (
    ContactAction,
    ContactCb,
    HelpCb,
    HelpTopic,
    ListCb,
    MenuCb,
    MenuTarget,
    OrderAction,
    OrderCb,
    RestoreAction,
    RestoreCb,
)
from handlers.i18n import Translator

Rendered = tuple[str, InlineKeyboardMarkup | None]

#: The questions in the menu's order; each has ``help-q-<topic>`` and ``help-a-<topic>``.
QUESTIONS = (
    HelpTopic.WHY_NOT,
    HelpTopic.STATUSES,
    HelpTopic.REFUND_LATE,
    HelpTopic.RESTORE,
    HelpTopic.COUPON,
    HelpTopic.REVIEW,
)
#: Answers about a cancelled order: they act on the shopper's own orders.
ABOUT_CANCELLED = frozenset({HelpTopic.RESTORE, HelpTopic.COUPON})

_ORDERS = ("help-go-orders", ListCb(tab=OrderTab.ALL, page=0))
_CANCELLED = ("help-go-cancelled", ListCb(tab=OrderTab.CANCELLED, page=0))
#: The one button that acts on each answer (for a cancelled order's answer: when no order
#: of the shopper's fits, the cancelled tab).
ACTIONS: dict[HelpTopic, tuple[str, CallbackData]] = {
    HelpTopic.WHY_NOT: _ORDERS,
    HelpTopic.STATUSES: _ORDERS,
    HelpTopic.REFUND_LATE: ("help-go-refunds", MenuCb(target=MenuTarget.REFUNDS)),
    HelpTopic.REVIEW: ("help-go-tickets", MenuCb(target=MenuTarget.TICKETS)),
    HelpTopic.RESTORE: _CANCELLED,
    HelpTopic.COUPON: _CANCELLED,
}


def menu_view(t: Translator) -> Rendered:
    builder = InlineKeyboardBuilder()
    for topic in QUESTIONS:
        builder.button(text=t(f"help-q-{topic.name.lower()}"), callback_data=HelpCb(topic=topic))
    builder.button(text=t("help-go-orders"), callback_data=ListCb(tab=OrderTab.ALL, page=0))
    # Whatever the questions do not cover, a person does: about an order, or about anything.
    builder.button(text=t("contact-button"), callback_data=ContactCb(action=ContactAction.MENU))
    builder.adjust(1)
    return f"{t('help-text')}\n\n{t('help-questions')}", builder.as_markup()


def _facts(rules: ShopRules) -> dict[str, str]:
    """The rules' own numbers, as the answers quote them."""
    wallet_low, wallet_high = REFUND_WORKDAYS[PaymentChannel.WECHAT]
    bank_low, bank_high = REFUND_WORKDAYS[PaymentChannel.BANK_CARD]
    return {
        "wallet_days": f"{wallet_low}–{wallet_high}",
        "bank_days": f"{bank_low}–{bank_high}",
        "review_days": f"1–{REVIEW_WORKDAYS}",
        "restore_minutes": str(int(rules.restore_window.total_seconds() // 60)),
    }


def _order_buttons(
    t: Translator, topic: HelpTopic, cards: Sequence[OrderCard]
) -> list[tuple[str, CallbackData]]:
    """One button per cancelled order the answer can act on."""
    buttons: list[tuple[str, CallbackData]] = []
    for card in cards:
        order, plan = card.order, card.restore
        if topic is HelpTopic.COUPON and coupon_kept(card):
            data: CallbackData = OrderCb(action=OrderAction.APPLY_COUPON, order_id=order.id)
            buttons.append((t("help-coupon-ask", order_no=order.order_no), data))
        elif topic is HelpTopic.RESTORE and plan is not None and plan.can_restore:
            data = RestoreCb(action=RestoreAction.ASK, order_id=order.id)
            buttons.append((t("help-restore-self", order_no=order.order_no), data))
        elif topic is HelpTopic.RESTORE and plan is not None and plan.may_ask_staff:
            data = OrderCb(action=OrderAction.APPLY_RESTORE, order_id=order.id)
            buttons.append((t("help-restore-staff", order_no=order.order_no), data))
    return buttons


def answer_view(
    t: Translator, topic: HelpTopic, rules: ShopRules, cards: Sequence[OrderCard] = ()
) -> Rendered:
    name = topic.name.lower()
    buttons = _order_buttons(t, topic, cards) if topic in ABOUT_CANCELLED else []
    if not buttons:
        label, data = ACTIONS[topic]
        buttons = [(t(label), data)]
    builder = InlineKeyboardBuilder()
    for text, data in buttons:
        builder.button(text=text, callback_data=data)
    builder.button(text=t("help-back"), callback_data=HelpCb(topic=HelpTopic.MENU))
    builder.adjust(1)
    text = f"{t(f'help-q-{name}')}\n\n{t(f'help-a-{name}', **_facts(rules))}"
    return text, builder.as_markup()
