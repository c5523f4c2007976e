"""What a cancelled order's card says about undoing the cancel, and the buttons that act.

One line: until when the shopper may restore it, or why they cannot; then the one button
that acts on it (restore, or ask staff), and a request about a coupon the cancel kept.
Pure rendering, used by the card in ``handlers.views``.
"""

from __future__ import annotations

from datetime import tzinfo

from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.restore import RestoreBlock, RestorePlan
from domain.review import coupon_kept
from domain.shopper import OrderCard
from handlers.callbacks import OrderAction, OrderCb, RestoreAction, RestoreCb
from handlers.i18n import Translator


def restore_lines(
    t: Translator, card: OrderCard, tz: tzinfo, *, offer_only: bool = False
) -> list[str]:
    """The card's one line about restoring (``offer_only``: only when it can be done)."""
    plan = card.restore
    if plan is None or (offer_only and not plan.can_restore):
        return []
    return [restore_line(t, plan, tz)]


def restore_line(t: Translator, plan: RestorePlan, tz: tzinfo) -> str:
    if plan.block is None:
        until = t.datetime(plan.until, tz) if plan.until else ""
        return t("restore-line-open", until=until)
    args: dict[str, str | int] = {}
    if plan.block is RestoreBlock.REFUND_SENT and plan.refund is not None:
        args["channel"] = t(f"channel-{plan.refund.channel}")
    elif plan.block is RestoreBlock.WINDOW_PASSED:
        args["minutes"] = int(plan.window.total_seconds() // 60)
    elif plan.block is RestoreBlock.COUPON_USED and plan.order.coupon is not None:
        args["title"] = plan.order.coupon.title
    return t(f"restore-line-{plan.block}", **args)


def restore_buttons(
    t: Translator, builder: InlineKeyboardBuilder, card: OrderCard, *, offer_only: bool = False
) -> bool:
    """Add the button that acts on the card's restore line; True when one was added."""
    plan = card.restore
    if plan is None:
        return False
    order_id = card.order.id
    added = False
    if plan.can_restore:
        builder.button(
            text=t("card-restore"),
            callback_data=RestoreCb(action=RestoreAction.ASK, order_id=order_id),
        )
        added = True
    elif plan.may_ask_staff and not offer_only:
        builder.button(
            text=t("card-restore-ask-staff"),
            callback_data=OrderCb(action=OrderAction.APPLY_RESTORE, order_id=order_id),
        )
        added = True
    if not offer_only and coupon_kept(card):
        builder.button(
            text=t("card-coupon-ask-staff"),
            callback_data=OrderCb(action=OrderAction.APPLY_COUPON, order_id=order_id),
        )
        added = True
    return added
