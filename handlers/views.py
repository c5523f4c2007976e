"""Pure rendering: domain objects and a Translator in, text out."""

from __future__ import annotations

from bot.i18n import Translator, money
from domain.orders import Order
from domain.services import Home, OrderSummary


def order_line(t: Translator, summary: OrderSummary) -> str:
    order: Order = summary.order
    return t(
        "start-order-line",
        badge=t(f"badge-{summary.decision.decision}"),
        order_no=order.order_no,
        product=order.product_name,
        amount=money(order.amount_paid_fen),
        status=t(f"status-{order.status}"),
    )


def home_text(t: Translator, home: Home) -> str:
    name = home.customer.name
    if not home.recent:
        return t("start-linked-empty", name=name)
    lines = [t("start-linked-header", name=name, total=home.total_orders), ""]
    lines += [order_line(t, s) for s in home.recent]
    lines += ["", t("start-linked-footer")]
    return "\n".join(lines)
