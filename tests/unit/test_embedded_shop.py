"""Without a connected shop the bot's own database is the order system."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.orders import Order, OrderStatus, ProductKind
from domain.shop import CancelAccepted, CancelRefused, EmbeddedShop, cancel_key

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


class Fixed:
    def now(self) -> datetime:
        return NOW


def order(status: OrderStatus) -> Order:
    return Order(
        id=3,
        order_no="KM-3",
        customer_id=1,
        product_name="Steam 钱包 ¥50",
        product_kind=ProductKind.CARD_KEY,
        quantity=1,
        unit_price_fen=5000,
        amount_paid_fen=5000,
        status=status,
        placed_at=NOW,
    )


async def test_the_embedded_shop_accepts_an_order_still_as_expected() -> None:
    reply = await EmbeddedShop(Fixed()).request_cancel(
        order(OrderStatus.PAID), OrderStatus.PAID, "k"
    )

    assert reply == CancelAccepted(cancelled_at=NOW)


async def test_the_embedded_shop_refuses_an_order_that_moved_on() -> None:
    reply = await EmbeddedShop(Fixed()).request_cancel(
        order(OrderStatus.DELIVERED), OrderStatus.PAID, "k"
    )

    assert isinstance(reply, CancelRefused)
    assert reply.status is OrderStatus.DELIVERED


def test_a_cancel_key_is_stable_for_one_request_and_new_for_the_next() -> None:
    assert cancel_key(3, NOW) == cancel_key(3, NOW)
    assert cancel_key(3, NOW) != cancel_key(3, NOW.replace(second=1))
    assert cancel_key(3, NOW) != cancel_key(4, NOW)
