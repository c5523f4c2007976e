"""The screens of restoring a mistaken cancel: the confirmation, the result, why not.

The confirmation says exactly what happens (the status the order goes back to, the refund
withdrawn or the balance credit taken back, the coupon); the result says what did.
"""

from __future__ import annotations

from datetime import tzinfo

from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.orders import Gateway, Order, OrderStatus, RefundStatus
from domain.restore import CouponBack, Lost, RestorePlan
from domain.shopper import OrderCard
from handlers.callbacks import RestoreAction, RestoreCb
from handlers.i18n import Translator, money
from handlers.views import Rendered, card_keyboard, card_text


def status_name(t: Translator, order: Order, status: OrderStatus) -> str:
    """A status in the words that fit the goods, as the card names it."""
    specific = f"status-{status}-{order.product_kind}"
    return t(specific) if t.has(specific) else t(f"status-{status}")


def _money_line(t: Translator, plan: RestorePlan, *, done: bool) -> str | None:
    refund = plan.refund
    if refund is None:
        return None if done else t("restore-confirm-no-refund")
    amount = money(refund.amount_fen)
    if refund.gateway is Gateway.BALANCE and refund.status is RefundStatus.SUCCEEDED:
        return t("restore-done-balance" if done else "restore-confirm-balance", amount=amount)
    channel = t(f"channel-{refund.channel}")
    return t(
        "restore-done-refund" if done else "restore-confirm-refund", amount=amount, channel=channel
    )


def _coupon_line(t: Translator, plan: RestorePlan, *, done: bool) -> str | None:
    coupon = plan.order.coupon
    if coupon is None:
        return None
    if plan.coupon in (CouponBack.TAKEN, CouponBack.EXPIRED):
        step = "done" if done else "confirm"
        return t(f"restore-{step}-coupon-{plan.coupon}", title=coupon.title)
    return None if done else t("restore-confirm-coupon-kept", title=coupon.title)


def confirm_view(
    t: Translator, card: OrderCard, tz: tzinfo, *, with_shop: bool, head: str | None = None
) -> Rendered:
    """What restoring does, then the confirm and keep buttons."""
    plan = card.restore
    assert plan is not None  # only a cancelled order is confirmed
    order = card.order
    lines = [head] if head else []
    lines += [
        t("restore-confirm-title", order_no=order.order_no),
        t("confirm-product", product=order.product_name, quantity=str(order.quantity)),
        t("restore-confirm-status", status=status_name(t, order, plan.back_to)),
    ]
    lines += [
        line
        for line in (_money_line(t, plan, done=False), _coupon_line(t, plan, done=False))
        if line
    ]
    if plan.until is not None:
        lines.append(t("restore-confirm-until", until=t.datetime(plan.until, tz)))
    if with_shop:
        lines.append(t("restore-confirm-shop"))
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("restore-yes"),
        callback_data=RestoreCb(
            action=RestoreAction.CONFIRM, order_id=order.id, coupon=plan.coupon
        ),
    )
    builder.button(
        text=t("restore-no"), callback_data=RestoreCb(action=RestoreAction.KEEP, order_id=order.id)
    )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def restored_view(t: Translator, card: OrderCard, plan: RestorePlan, tz: tzinfo) -> Rendered:
    """What the restore did, then the order as it is now (it can be cancelled again)."""
    order = card.order
    lines = [
        t("restore-done", order_no=order.order_no, status=status_name(t, order, order.status))
    ]
    lines += [
        line
        for line in (_money_line(t, plan, done=True), _coupon_line(t, plan, done=True))
        if line
    ]
    return "\n".join([*lines, "", card_text(t, card, tz)]), card_keyboard(t, card)


def asked_shop_view(t: Translator, card: OrderCard, tz: tzinfo) -> Rendered:
    head = t("restore-asked-shop", order_no=card.order.order_no)
    return f"{head}\n\n{card_text(t, card, tz)}", card_keyboard(t, card)


def shop_confirmed_text(t: Translator, order: Order) -> str:
    return t(
        "restore-shop-confirmed",
        order_no=order.order_no,
        status=status_name(t, order, order.status),
    )


def shop_refused_view(
    t: Translator, card: OrderCard, tz: tzinfo, shop_status: OrderStatus | None
) -> Rendered:
    order = card.order
    status = status_name(t, order, shop_status or order.status)
    head = t("restore-shop-refused", order_no=order.order_no, status=status)
    return f"{head}\n\n{card_text(t, card, tz)}", card_keyboard(t, card)


def not_restored_view(t: Translator, card: OrderCard, tz: tzinfo, lost: Lost | None) -> Rendered:
    """Why the order cannot be restored now (lost a race a moment ago, or never could),
    then the card, whose buttons say what can still be done."""
    order = card.order
    plan = card.restore
    if plan is None:
        status = status_name(t, order, order.status)
        head = t("restore-already", order_no=order.order_no, status=status)
    elif lost is Lost.REFUND and plan.refund is not None:
        head = t(
            "restore-too-late",
            order_no=order.order_no,
            channel=t(f"channel-{plan.refund.channel}"),
        )
    else:
        head = t("restore-blocked", order_no=order.order_no)
    return f"{head}\n\n{card_text(t, card, tz)}", card_keyboard(t, card)
