"""``python -m bot demo-data [--bind TELEGRAM_USER_ID]``: a small, realistic demo shop.

Five customers, products of every kind and orders in every status with every
payment channel that fits it, so each answer the bot can give (cancel now,
apply, after-sales, refund routes, coupons returned, kept or expired) can be
tried. Times are relative to the clock, so the newest orders are minutes old
whenever the demo is loaded.

Order numbers (DEMO-0001…), customer codes (DEMO-C0001…), SKUs and coupon codes
are fixed: loading again updates the same rows (refreshing their times) and
creates nothing. An order whose status may no longer take the demo's (one a
shopper cancelled in the bot, see ``import_may_set``) is kept as it is. Every
code starts with DEMO- so that it cannot collide with the shop's real
customers, but the demo still belongs in a demo database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from domain.incoming import save_order
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    import_may_set,
)
from domain.ports import Clock
from domain.services import OrderRecord
from storage.db import SessionFactory
from storage.uow import SqlUnitOfWorkFactory

S = OrderStatus
K = ProductKind
P = PaymentChannel

#: Names and titles as a Chinese shop writes them; kept as data beside this module.
NAMES: dict[str, dict[str, str]] = json.loads(
    Path(__file__).with_name("demo_shop.json").read_text(encoding="utf-8")
)

#: The customer ``--bind`` links to the operator's Telegram account.
BIND_CODE = "DEMO-C0001"

CUSTOMERS = (
    Customer(id=0, code="DEMO-C0001", name=NAMES["customers"]["DEMO-C0001"], phone="13800138001"),
    Customer(id=0, code="DEMO-C0002", name=NAMES["customers"]["DEMO-C0002"], phone="13800138002"),
    Customer(id=0, code="DEMO-C0003", name=NAMES["customers"]["DEMO-C0003"], phone="13800138003"),
    Customer(id=0, code="DEMO-C0004", name=NAMES["customers"]["DEMO-C0004"], phone="13800138004"),
    Customer(id=0, code="DEMO-C0005", name=NAMES["customers"]["DEMO-C0005"]),
)

PRODUCTS = (
    Product(sku="WZRY-60", name=NAMES["products"]["WZRY-60"], kind=K.CARD_KEY, price_fen=600),
    Product(
        sku="STEAM-100", name=NAMES["products"]["STEAM-100"], kind=K.CARD_KEY, price_fen=10000
    ),
    Product(
        sku="CMCC-100", name=NAMES["products"]["CMCC-100"], kind=K.DIRECT_TOPUP, price_fen=9950
    ),
    Product(
        sku="YS-6480", name=NAMES["products"]["YS-6480"], kind=K.DIRECT_TOPUP, price_fen=64800
    ),
    Product(
        sku="DC-LOL-100",
        name=NAMES["products"]["DC-LOL-100"],
        kind=K.MANUAL_VIRTUAL,
        price_fen=9800,
    ),
    Product(sku="PAD-X1", name=NAMES["products"]["PAD-X1"], kind=K.PHYSICAL, price_fen=19900),
    Product(
        sku="GIFT-WZRY",
        name=NAMES["products"]["GIFT-WZRY"],
        kind=K.PHYSICAL,
        price_fen=3800,
    ),
)


@dataclass(frozen=True, slots=True)
class _DemoCoupon:
    title: str
    discount_fen: int
    returnable_on_cancel: bool
    #: Expiry relative to the demo's "now"; None: never expires.
    expires_in: timedelta | None
    status: CouponStatus = CouponStatus.USED


COUPONS = {
    "DEMO-CP-01": _DemoCoupon(NAMES["coupons"]["DEMO-CP-01"], 3000, True, timedelta(days=30)),
    # Expired an hour ago, after the order used it: cancelling cannot give it back.
    "DEMO-CP-02": _DemoCoupon(NAMES["coupons"]["DEMO-CP-02"], 200, True, timedelta(hours=-1)),
    "DEMO-CP-03": _DemoCoupon(NAMES["coupons"]["DEMO-CP-03"], 500, False, timedelta(days=60)),
    "DEMO-CP-04": _DemoCoupon(
        NAMES["coupons"]["DEMO-CP-04"], 2000, True, timedelta(days=15), CouponStatus.AVAILABLE
    ),
    "DEMO-CP-05": _DemoCoupon(NAMES["coupons"]["DEMO-CP-05"], 300, False, None),
    "DEMO-CP-06": _DemoCoupon(NAMES["coupons"]["DEMO-CP-06"], 2000, True, timedelta(days=7)),
}


@dataclass(frozen=True, slots=True)
class _DemoOrder:
    customer: str
    sku: str
    status: OrderStatus
    channel: PaymentChannel | None
    placed_ago: timedelta
    quantity: int = 1
    coupon: str | None = None
    activated: bool | None = None
    #: For cancelled orders: whether the goods had been delivered before cancelling.
    was_delivered: bool = False


def _ago(days: float = 0, hours: float = 0, minutes: float = 0) -> timedelta:
    return timedelta(days=days, hours=hours, minutes=minutes)


#: DEMO-0001, DEMO-0002, ... in this order. DEMO-C0001 comes first and has every situation;
#: its five newest orders (what /start shows) can all be cancelled or applied for.
ORDERS = (
    # DEMO-C0001, the customer --bind links
    _DemoOrder(
        "DEMO-C0001", "YS-6480", S.PENDING_PAYMENT, None, _ago(minutes=10), coupon="DEMO-CP-01"
    ),
    _DemoOrder("DEMO-C0001", "CMCC-100", S.PAID, P.WECHAT, _ago(hours=2), coupon="DEMO-CP-02"),
    _DemoOrder("DEMO-C0001", "WZRY-60", S.DELIVERING, P.ALIPAY, _ago(hours=1), quantity=5),
    _DemoOrder(
        "DEMO-C0001",
        "STEAM-100",
        S.DELIVERED,
        P.BANK_CARD,
        _ago(days=1),
        coupon="DEMO-CP-03",
        activated=False,
    ),
    _DemoOrder("DEMO-C0001", "WZRY-60", S.DELIVERED, P.BALANCE, _ago(days=3), activated=True),
    _DemoOrder("DEMO-C0001", "PAD-X1", S.DELIVERING, P.WECHAT, _ago(days=2)),
    _DemoOrder(
        "DEMO-C0001", "DC-LOL-100", S.PAID, P.BALANCE, _ago(minutes=30), coupon="DEMO-CP-05"
    ),
    _DemoOrder("DEMO-C0001", "GIFT-WZRY", S.COMPLETED, P.ALIPAY, _ago(days=20), quantity=2),
    _DemoOrder("DEMO-C0001", "YS-6480", S.CANCELLED, None, _ago(days=5)),
    _DemoOrder("DEMO-C0001", "CMCC-100", S.CANCELLED, P.WECHAT, _ago(days=8)),
    _DemoOrder("DEMO-C0001", "STEAM-100", S.DELIVERED, P.WECHAT, _ago(days=6)),
    # 李四 (C0002)
    _DemoOrder("DEMO-C0002", "STEAM-100", S.PENDING_PAYMENT, None, _ago(hours=5)),
    _DemoOrder("DEMO-C0002", "GIFT-WZRY", S.PAID, P.ALIPAY, _ago(hours=3)),
    _DemoOrder(
        "DEMO-C0002", "YS-6480", S.DELIVERING, P.BANK_CARD, _ago(hours=4), coupon="DEMO-CP-06"
    ),
    _DemoOrder("DEMO-C0002", "DC-LOL-100", S.DELIVERED, P.ALIPAY, _ago(days=2)),
    _DemoOrder(
        "DEMO-C0002", "WZRY-60", S.COMPLETED, P.WECHAT, _ago(days=15), quantity=10, activated=True
    ),
    _DemoOrder("DEMO-C0002", "PAD-X1", S.CANCELLED, P.BALANCE, _ago(days=4), coupon="DEMO-CP-04"),
    # 王五 (C0003)
    _DemoOrder("DEMO-C0003", "WZRY-60", S.PAID, P.BANK_CARD, _ago(hours=6), quantity=2),
    _DemoOrder("DEMO-C0003", "DC-LOL-100", S.DELIVERING, P.BALANCE, _ago(hours=8)),
    _DemoOrder("DEMO-C0003", "PAD-X1", S.DELIVERED, P.ALIPAY, _ago(days=4)),
    _DemoOrder("DEMO-C0003", "CMCC-100", S.COMPLETED, P.BANK_CARD, _ago(days=12)),
    _DemoOrder("DEMO-C0003", "YS-6480", S.CANCELLED, P.ALIPAY, _ago(days=3)),
    # 赵六 (C0004)
    _DemoOrder("DEMO-C0004", "CMCC-100", S.DELIVERING, P.WECHAT, _ago(minutes=50)),
    _DemoOrder("DEMO-C0004", "GIFT-WZRY", S.PENDING_PAYMENT, None, _ago(minutes=20)),
    _DemoOrder("DEMO-C0004", "DC-LOL-100", S.COMPLETED, P.BALANCE, _ago(days=10)),
    _DemoOrder(
        "DEMO-C0004",
        "STEAM-100",
        S.CANCELLED,
        P.BANK_CARD,
        _ago(days=6),
        activated=False,
        was_delivered=True,
    ),
    _DemoOrder("DEMO-C0004", "PAD-X1", S.DELIVERED, P.BALANCE, _ago(days=5)),
    # 孙小美 (C0005): no phone on file.
    _DemoOrder("DEMO-C0005", "STEAM-100", S.COMPLETED, P.ALIPAY, _ago(days=30), activated=True),
    _DemoOrder("DEMO-C0005", "WZRY-60", S.PAID, P.ALIPAY, _ago(minutes=5), quantity=3),
)

#: How long after payment the goods arrive, by kind (card keys and top-ups are automatic).
DELIVERY_TAKES = {
    K.CARD_KEY: timedelta(seconds=5),
    K.DIRECT_TOPUP: timedelta(minutes=2),
    K.MANUAL_VIRTUAL: timedelta(hours=2),
    K.PHYSICAL: timedelta(days=1, hours=6),
}
PAYMENT_TAKES = timedelta(minutes=1)
#: Orders confirm themselves this long after delivery (the usual 7-day window).
AUTO_COMPLETE = timedelta(days=7)
CANCEL_UNPAID_AFTER = timedelta(minutes=30)
CANCEL_PAID_AFTER = timedelta(hours=2)
CANCEL_DELIVERED_AFTER = timedelta(days=1)

_PAID = {S.PAID, S.DELIVERING, S.DELIVERED, S.COMPLETED}


@dataclass(frozen=True, slots=True)
class DemoReport:
    customers: int
    products: int
    orders: int
    #: The customer linked by ``--bind`` (with its telegram_id), else None.
    bound: Customer | None = None
    #: Orders that did not exist before this run (0 when the demo was already loaded).
    created: int = 0
    #: Orders left as they were because their status moved on in the bot (a shopper
    #: cancelled them): the demo's status would undo that. Included in ``orders``.
    kept: int = 0


def order_number(index: int) -> str:
    return f"DEMO-{index:04d}"


def _record(index: int, spec: _DemoOrder, now: datetime) -> OrderRecord:
    customer = next(c for c in CUSTOMERS if c.code == spec.customer)
    product = next(p for p in PRODUCTS if p.sku == spec.sku)
    coupon = None
    if spec.coupon is not None:
        terms = COUPONS[spec.coupon]
        coupon = Coupon(
            code=spec.coupon,
            title=terms.title,
            discount_fen=terms.discount_fen,
            returnable_on_cancel=terms.returnable_on_cancel,
            expires_at=now + terms.expires_in if terms.expires_in is not None else None,
            status=terms.status,
        )
    placed = now - spec.placed_ago
    paid = placed + PAYMENT_TAKES if spec.status in _PAID or spec.channel else None
    delivered = None
    if spec.status in (S.DELIVERED, S.COMPLETED) or spec.was_delivered:
        delivered = (paid or placed) + DELIVERY_TAKES[product.kind]
    completed = delivered + AUTO_COMPLETE if spec.status is S.COMPLETED and delivered else None
    cancelled = None
    if spec.status is S.CANCELLED:
        if delivered is not None:
            cancelled = delivered + CANCEL_DELIVERED_AFTER
        elif paid is not None:
            cancelled = paid + CANCEL_PAID_AFTER
        else:
            cancelled = placed + CANCEL_UNPAID_AFTER
    discount = coupon.discount_fen if coupon else 0
    order = Order(
        id=0,
        order_no=order_number(index),
        customer_id=0,
        product_name=product.name,
        product_kind=product.kind,
        product_sku=product.sku,
        quantity=spec.quantity,
        unit_price_fen=product.price_fen,
        discount_fen=discount,
        amount_paid_fen=product.price_fen * spec.quantity - discount,
        status=spec.status,
        payment_channel=spec.channel,
        coupon=coupon,
        placed_at=placed,
        paid_at=paid,
        delivered_at=delivered,
        completed_at=completed,
        cancelled_at=cancelled,
        card_key_activated=spec.activated,
    )
    return OrderRecord(customer=customer, product=product, order=order, coupon=coupon)


def demo_records(now: datetime) -> list[OrderRecord]:
    """Every demo order as it should stand at ``now`` (whole minutes, so reruns match)."""
    anchor = now.replace(second=0, microsecond=0)
    return [_record(i, spec, anchor) for i, spec in enumerate(ORDERS, start=1)]


async def load_demo(
    session_factory: SessionFactory,
    *,
    clock: Clock,
    bind: int | None = None,
) -> DemoReport:
    """Create or refresh the demo shop in one transaction; optionally link C0001 to ``bind``.

    Orders whose status the demo may not set any more (``import_may_set``: a
    shopper cancelled one while trying the bot) are left untouched and counted
    in ``kept``, so the demo can be reloaded at any time. Binding releases that
    Telegram id from whichever customer had it before.
    """
    # Whole minutes throughout (updated_at too), so a rerun within the minute writes
    # byte-identical rows.
    now = clock.now().replace(second=0, microsecond=0)
    records = demo_records(now)
    async with SqlUnitOfWorkFactory(session_factory)() as uow:
        current = await uow.orders.by_numbers([r.order.order_no for r in records])
        created = kept = 0
        for record in records:
            existing = current.get(record.order.order_no)
            if existing is not None and not import_may_set(existing.status, record.order.status):
                kept += 1
                continue
            created += await save_order(uow, record, now)
        bound = None
        if bind is not None:
            customer = await uow.customers.by_code(BIND_CODE)
            if customer is None:  # pragma: no cover - the records above create it
                raise LookupError(BIND_CODE)
            await uow.customers.bind_telegram(customer.id, bind)
            bound = await uow.customers.get(customer.id)
        await uow.commit()
    return DemoReport(
        customers=len(CUSTOMERS),
        products=len(PRODUCTS),
        orders=len(records),
        bound=bound,
        created=created,
        kept=kept,
    )
