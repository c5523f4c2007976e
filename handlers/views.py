"""Pure rendering: domain objects and a Translator in, text and keyboards out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.orders import (
    CancelReason,
    Order,
    OrderStatus,
    OrderTab,
    PaymentChannel,
    Refund,
    RefundStatus,
)
from domain.policy import (
    CancelDecision,
    CouponOutcome,
    Decision,
    NextStep,
    Reason,
    RefundPlan,
)
from domain.services import Home, OrderSummary
from domain.shop_cancels import Settled, SettleResult
from domain.shopper import CancelOutcome, CancelResult, OrderCard, OrderList
from handlers.callbacks import HelpCb, HelpTopic, ListCb, OrderAction, OrderCb, ReasonCb, SearchCb
from handlers.coupon_views import coupon_line
from handlers.i18n import Translator, money
from handlers.restore_card import restore_buttons, restore_lines

PRODUCT_IN_BUTTON = 14  # characters of the product name that fit a button on a phone

Rendered = tuple[str, InlineKeyboardMarkup | None]


# --------------------------------------------------------------------------- lines


def order_line(t: Translator, summary: OrderSummary) -> str:
    order: Order = summary.order
    return t(
        "start-order-line",
        badge=t(f"badge-{summary.decision.decision}"),
        order_no=order.order_no,
        product=order.product_name,
        amount=money(order.amount_paid_fen),
        status=status_label(t, order),
    )


def status_label(t: Translator, order: Order) -> str:
    """The status in words that fit the goods: a parcel is "received", a top-up "credited"."""
    if order.cancelling_since is not None and order.status is not OrderStatus.CANCELLED:
        return t("status-cancelling")
    specific = f"status-{order.status}-{order.product_kind}"
    return t(specific) if t.has(specific) else t(f"status-{order.status}")


def _short(name: str) -> str:
    return name if len(name) <= PRODUCT_IN_BUTTON else name[: PRODUCT_IN_BUTTON - 1] + "…"


def order_button_text(t: Translator, summary: OrderSummary) -> str:
    return t(
        "list-button",
        icon=t(f"icon-{summary.decision.decision}"),
        order_no=summary.order.order_no,
        product=_short(summary.order.product_name),
        amount=money(summary.order.amount_paid_fen),
    )


def money_lines(t: Translator, order: Order, decision: CancelDecision, tz: tzinfo) -> list[str]:
    """What would happen to the money and the coupon, before anything is pressed."""
    if decision.decision not in (Decision.CANCEL_NOW, Decision.APPLY):
        return []
    lines = [_refund_plan_line(t, order, decision.refund, decision.decision)]
    if order.coupon is not None and (line := coupon_line(t, order.coupon, decision.coupon, tz)):
        lines.append(line)
    return lines


def _refund_plan_line(
    t: Translator, order: Order, plan: RefundPlan | None, decision: Decision
) -> str:
    if plan is None:
        return _no_refund(t, order)
    channel = t(f"channel-{plan.channel}")
    amount = money(plan.amount_fen)
    if decision is Decision.APPLY:
        return t(
            "money-refund-if-approved",
            amount=amount,
            channel=channel,
            latest=t.promised(plan.latest),
        )
    if plan.instant:
        return t("money-refund-instant", amount=amount, channel=channel)
    return t(
        "money-refund",
        amount=amount,
        channel=channel,
        earliest=t.date(plan.earliest),
        latest=t.date(plan.latest),
    )


def _no_refund(t: Translator, order: Order) -> str:
    # A paid order can still have nothing to refund: a coupon covered the whole price.
    return t("money-zero") if order.paid_at is not None else t("money-none")


def refund_line(t: Translator, refund: Refund) -> str:
    channel = t(f"channel-{refund.channel}")
    amount = money(refund.amount_fen)
    if refund.channel is PaymentChannel.BALANCE and refund.status in (
        RefundStatus.REQUESTED,
        RefundStatus.SUCCEEDED,
    ):
        # The wallet credit is instant, but "arrived" is only said once it is recorded.
        key = (
            "refund-line-instant"
            if refund.status is RefundStatus.SUCCEEDED
            else "refund-line-instant-requested"
        )
        return t(key, amount=amount, channel=channel)
    return t(
        f"refund-line-{refund.status}",
        amount=amount,
        channel=channel,
        latest=t.date(refund.expected_latest),
    )


# --------------------------------------------------------------------------- home and lists


def home_text(t: Translator, home: Home) -> str:
    name = home.customer.name
    if not home.recent:
        return t("start-linked-empty", name=name)
    lines = [t("start-linked-header", name=name, total=home.total_orders), ""]
    lines += [order_line(t, s) for s in home.recent]
    lines += ["", t("start-linked-footer")]
    return "\n".join(lines)


def home_view(t: Translator, home: Home) -> Rendered:
    builder = InlineKeyboardBuilder()
    for summary in home.recent:
        builder.button(
            text=order_button_text(t, summary),
            callback_data=OrderCb(action=OrderAction.OPEN, order_id=summary.order.id),
        )
    builder.button(text=t("list-all-orders"), callback_data=ListCb(tab=OrderTab.ALL, page=0))
    builder.button(text=t("help-button"), callback_data=HelpCb(topic=HelpTopic.MENU))
    builder.adjust(1)
    return home_text(t, home), builder.as_markup()


def _tab_rows(t: Translator, builder: InlineKeyboardBuilder, current: OrderTab) -> None:
    for tab in OrderTab:
        label = t(f"tab-{tab}")
        builder.button(
            text=f"· {label} ·" if tab is current else label,
            callback_data=ListCb(tab=tab, page=0),
        )


def list_view(t: Translator, orders: OrderList) -> Rendered:
    tab = t(f"tab-{orders.tab}")
    builder = InlineKeyboardBuilder()
    _tab_rows(t, builder, orders.tab)
    for summary in orders.items:
        builder.button(
            text=order_button_text(t, summary),
            callback_data=OrderCb(action=OrderAction.OPEN, order_id=summary.order.id),
        )
    paging = _paging(t, orders, lambda page: ListCb(tab=orders.tab, page=page))
    for text, data in paging:
        builder.button(text=text, callback_data=data)
    builder.adjust(3, 3, *([1] * len(orders.items)), len(paging) or 1)
    if not orders.total:
        return t("list-empty", tab=tab), builder.as_markup()
    header = t(
        "list-header", tab=tab, total=orders.total, page=orders.page + 1, pages=orders.pages
    )
    return f"{header}\n{t('list-hint')}", builder.as_markup()


def search_view(t: Translator, found: OrderList, *, by_number: bool = False) -> Rendered:
    query = found.query or ""
    builder = InlineKeyboardBuilder()
    for summary in found.items:
        builder.button(
            text=order_button_text(t, summary),
            callback_data=OrderCb(action=OrderAction.OPEN, order_id=summary.order.id),
        )
    paging = _paging(t, found, lambda page: SearchCb(page=page))
    for text, data in paging:
        builder.button(text=text, callback_data=data)
    builder.button(text=t("list-all-orders"), callback_data=ListCb(tab=OrderTab.ALL, page=0))
    builder.adjust(*([1] * len(found.items)), *([len(paging)] if paging else []), 1)
    if not found.total:
        key = "search-no-order" if by_number else "search-empty"
        return t(key, query=query, order_no=query), builder.as_markup()
    text = t(
        "search-header", query=query, total=found.total, page=found.page + 1, pages=found.pages
    )
    return text, builder.as_markup()


def _paging(
    t: Translator, orders: OrderList, make: Callable[[int], CallbackData]
) -> list[tuple[str, CallbackData]]:
    buttons: list[tuple[str, CallbackData]] = []
    if orders.page > 0:
        buttons.append((t("list-prev"), make(orders.page - 1)))
    if orders.page + 1 < orders.pages:
        buttons.append((t("list-next"), make(orders.page + 1)))
    return buttons


# --------------------------------------------------------------------------- the order card


def card_text(t: Translator, card: OrderCard, tz: tzinfo) -> str:
    order, decision = card.order, card.decision
    lines = [
        t("card-title", order_no=order.order_no),
        t(
            "card-product",
            product=order.product_name,
            kind=t(f"kind-{order.product_kind}"),
            quantity=str(order.quantity),
        ),
        t("card-unit-price", price=money(order.unit_price_fen)),
    ]
    if order.coupon is not None:
        lines.append(
            t("card-coupon", title=order.coupon.title, discount=money(order.coupon.discount_fen))
        )
    extra_discount = order.discount_fen - (order.coupon.discount_fen if order.coupon else 0)
    if extra_discount > 0:
        lines.append(t("card-discount", discount=money(extra_discount)))
    if order.payment_channel is not None and order.paid_at is not None:
        channel = t(f"channel-{order.payment_channel}")
        lines.append(t("card-paid", amount=money(order.amount_paid_fen), channel=channel))
    else:
        lines.append(t("card-unpaid", amount=money(order.amount_paid_fen)))
    for key, moment in (
        ("card-placed", order.placed_at),
        ("card-paid-at", order.paid_at),
        ("card-delivered-at", order.delivered_at),
        ("card-cancelled-at", order.cancelled_at),
    ):
        if moment is not None:
            lines.append(t(key, time=t.datetime(moment, tz)))
    lines += [
        t("card-status", status=status_label(t, order)),
        "",
        t(f"reason-{decision.reason}"),
    ]
    lines += money_lines(t, order, decision, tz)
    # A withdrawn refund (the order restored, or being restored) is no money on its way.
    if card.refund is not None and card.refund.status is not RefundStatus.VOIDED:
        lines.append(refund_line(t, card.refund))
    lines += restore_lines(t, card, tz)
    return "\n".join(lines)


def card_keyboard(t: Translator, card: OrderCard) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    order_id = card.order.id
    step = card.decision.next_step
    if step is NextStep.CONFIRM_CANCEL:
        builder.button(
            text=t("card-cancel"),
            callback_data=OrderCb(action=OrderAction.CANCEL, order_id=order_id),
        )
    elif step in (NextStep.APPLY_FOR_CANCEL, NextStep.REQUEST_ACTIVATION_CHECK):
        builder.button(
            text=t("card-apply"),
            callback_data=OrderCb(action=OrderAction.APPLY, order_id=order_id),
        )
    elif step in (
        NextStep.NEGOTIATE_EXCHANGE,
        NextStep.RETURN_REFUND,
        NextStep.CONTACT_AFTER_SALES,
    ):
        builder.button(
            text=t("card-after-sales"),
            callback_data=OrderCb(action=OrderAction.AFTER_SALES, order_id=order_id),
        )
        if card.decision.reason is Reason.CARD_KEY_ACTIVATED:
            # The shop's record can be wrong: the shopper may ask staff to check (FAQ 1).
            builder.button(
                text=t("card-not-used"),
                callback_data=OrderCb(action=OrderAction.APPLY, order_id=order_id),
            )
    restore_buttons(t, builder, card)
    builder.button(
        text=t("card-timeline"),
        callback_data=OrderCb(action=OrderAction.TIMELINE, order_id=order_id),
    )
    builder.button(text=t("card-back"), callback_data=ListCb(tab=OrderTab.ALL, page=0))
    builder.adjust(1)
    return builder.as_markup()


def card_view(t: Translator, card: OrderCard, tz: tzinfo) -> Rendered:
    return card_text(t, card, tz), card_keyboard(t, card)


def confirm_view(t: Translator, card: OrderCard, tz: tzinfo) -> Rendered:
    order = card.order
    lines = [
        t("confirm-title", order_no=order.order_no),
        t("confirm-product", product=order.product_name, quantity=str(order.quantity)),
        *money_lines(t, order, card.decision, tz),
    ]
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("confirm-yes"), callback_data=OrderCb(action=OrderAction.CONFIRM, order_id=order.id)
    )
    builder.button(
        text=t("confirm-no"), callback_data=OrderCb(action=OrderAction.KEEP, order_id=order.id)
    )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def cancel_facts(
    t: Translator, order: Order, refund: Refund | None, coupon: CouponOutcome, tz: tzinfo
) -> list[str]:
    """What a cancel did with the money and the coupon, as lines."""
    lines = [refund_line(t, refund) if refund is not None else _no_refund(t, order)]
    if order.coupon is not None and (line := coupon_line(t, order.coupon, coupon, tz, done=True)):
        lines.append(line)
    return lines


def shop_cancelled_text(
    t: Translator, order: Order, refund: Refund | None, coupon: CouponOutcome, tz: tzinfo
) -> str:
    """The shopper's news that the shop cancelled their order on its own side."""
    title = t("shop-cancelled", order_no=order.order_no, product=order.product_name)
    return "\n".join([title, *cancel_facts(t, order, refund, coupon, tz)])


def cancelled_view(t: Translator, result: CancelResult, tz: tzinfo) -> Rendered:
    """The success message: the same facts as the confirmation, now as what happened."""
    assert result.card is not None
    order = result.card.order
    lines = [t("cancel-done", order_no=order.order_no)]
    lines += cancel_facts(t, order, result.card.refund, result.coupon, tz)
    lines += restore_lines(t, result.card, tz, offer_only=True)
    lines += ["", t("cancel-ask-reason")]
    builder = InlineKeyboardBuilder()
    for reason in CancelReason:
        builder.button(
            text=t(f"cancel-reason-{reason}"),
            callback_data=ReasonCb(order_id=order.id, reason=reason),
        )
    # A mistaken cancel is noticed right here: its undo is one tap away (FAQ 3).
    restorable = restore_buttons(t, builder, result.card, offer_only=True)
    builder.adjust(2, 2, *([1] if restorable else []))
    return "\n".join(lines), builder.as_markup()


def not_cancelled_view(t: Translator, result: CancelResult, tz: tzinfo) -> Rendered:
    """A press that lost the race or came from a stale card: the order as it is now."""
    assert result.card is not None
    order = result.card.order
    if result.card.order.status is OrderStatus.CANCELLED:
        head = t("cancel-already", order_no=order.order_no)
    else:
        head = t("cancel-not-allowed", order_no=order.order_no, status=status_label(t, order))
    return f"{head}\n\n{card_text(t, result.card, tz)}", card_keyboard(t, result.card)


def shop_confirmed_text(
    t: Translator, order: Order, refund: Refund | None, coupon: CouponOutcome, tz: tzinfo
) -> str:
    """A cancel the shop confirmed after the shopper stopped waiting in the chat."""
    head = t("cancel-shop-confirmed", order_no=order.order_no)
    return "\n".join([head, *cancel_facts(t, order, refund, coupon, tz)])


def shop_refused_view(t: Translator, card: OrderCard, tz: tzinfo) -> Rendered:
    """The shop would not cancel (it delivered meanwhile): why, and what can still be done."""
    order = card.order
    head = t("cancel-shop-refused", order_no=order.order_no, status=status_label(t, order))
    return f"{head}\n\n{card_text(t, card, tz)}", card_keyboard(t, card)


def settled_view(t: Translator, settled: SettleResult, tz: tzinfo) -> Rendered:
    """The shop's answer to a cancel, in the message the shopper pressed."""
    card = settled.card
    assert card is not None  # a settled answer always carries the order as it is now
    if settled.outcome is Settled.CANCELLED:
        return cancelled_view(t, CancelResult(CancelOutcome.CANCELLED, card, settled.coupon), tz)
    return shop_refused_view(t, card, tz)


def refunds_text(t: Translator, refunds: list[Refund]) -> str:
    if not refunds:
        return t("refunds-empty")
    lines = [t("refunds-header", count=len(refunds)), ""]
    for refund in refunds:
        lines += [t("refunds-order", order_no=refund.order_no), refund_line(t, refund), ""]
    return "\n".join(lines).rstrip()
