"""A shop export line over an order the bot changed since: what of it may be written."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.incoming import take_line
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
)
from domain.services import OrderRecord

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
COUPON = Coupon("CP-1", "满50减8", 800, returnable_on_cancel=True, id=1)


def order(**changes: object) -> Order:
    base = Order(
        id=7,
        order_no="KM-7",
        customer_id=1,
        product_name="点券",
        product_kind=ProductKind.CARD_KEY,
        quantity=1,
        unit_price_fen=5000,
        discount_fen=800,
        amount_paid_fen=4200,
        status=OrderStatus.PAID,
        payment_channel=PaymentChannel.WECHAT,
        placed_at=NOW - timedelta(minutes=10),
        paid_at=NOW - timedelta(minutes=10),
        coupon=COUPON,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_stale_export_of_a_restored_cancel_keeps_the_coupon_spent_on_the_order() -> None:
    # The shopper cancelled at NOW (the coupon came back) and restored it a minute later
    # (the coupon is spent on the order again); the shop's export still has the cancel.
    restored = order(restored_at=NOW + timedelta(minutes=1))
    line = OrderRecord(
        customer=Customer(id=0, code="C1", name="张三"),
        product=Product("SKU-1", "点券", ProductKind.CARD_KEY, 5000),
        order=order(id=0, status=OrderStatus.CANCELLED, cancelled_at=NOW, coupon=None),
        coupon=replace(COUPON, status=CouponStatus.AVAILABLE),
    )

    taken = take_line(restored, line)

    assert taken.shop_cancel is None
    assert taken.record.order.status is OrderStatus.PAID
    assert taken.record.coupon is not None
    assert taken.record.coupon.status is CouponStatus.USED
