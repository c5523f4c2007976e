"""Use cases: each opens the unit of work, applies the rules, and commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.orders import (
    Coupon,
    Customer,
    Order,
    Product,
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
