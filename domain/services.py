"""Use cases: each opens the unit of work, applies the rules, and commits once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.orders import (
    Coupon,
    Customer,
    Order,
    Product,
    check_order,
    check_status_change,
)
from domain.policy import CancelDecision, ShopRules
from domain.ports import UnitOfWork

RECENT_ORDERS = 5


@dataclass(frozen=True, slots=True)
class OrderSummary:
    order: Order
    decision: CancelDecision


@dataclass(frozen=True, slots=True)
class Home:
    """What a shopper sees first: who they are to the shop and their latest orders."""

    customer: Customer
    recent: list[OrderSummary]
    total_orders: int


async def shopper_home(
    uow: UnitOfWork, telegram_id: int, rules: ShopRules, now: datetime
) -> Home | None:
    """The linked customer's most recent orders with what can be done about each.

    None means this Telegram account is not linked to any customer.
    """
    async with uow:
        customer = await uow.customers.by_telegram(telegram_id)
        if customer is None:
            return None
        page = await uow.orders.recent_for_customer(customer.id, limit=RECENT_ORDERS)
        return Home(
            customer=customer,
            recent=[OrderSummary(o, rules.decide(o, now)) for o in page.orders],
            total_orders=page.total,
        )


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """One order as another system describes it, before it has database ids."""

    customer: Customer
    product: Product
    order: Order  # id and customer_id are ignored; the customer above is matched by code
    coupon: Coupon | None = None


async def save_order(uow: UnitOfWork, record: OrderRecord, now: datetime) -> bool:
    """Insert or update one order by its number (imports, demo data). True when it was new.

    Refuses (``OrderDataError``, before writing anything) facts that contradict
    each other and a status the order may not take any more: an order cancelled
    in the bot stays cancelled, and no order moves backwards (``import_may_set``).
    The caller commits, so a batch of rows can share one transaction.
    """
    o = record.order
    check_order(o, record.coupon)
    existing = await uow.orders.statuses_by_number([o.order_no])
    check_status_change(o.order_no, existing.get(o.order_no), o.status)
    customer = await uow.customers.upsert(record.customer, now)
    order = replace(o, customer_id=customer.id)
    return await uow.orders.upsert(order, record.product, record.coupon, now)
