"""The order import's bulk writes: many rows per statement, upserted by key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.services import OrderRecord
from storage.repositories._rows import _cells, _chunks, _phone
from storage.tables import (
    CouponRow,
    CustomerRow,
    OrderRow,
    ProductRow,
)


async def _upsert_by_key(
    session: AsyncSession,
    table: Any,
    key: str,
    values: dict[str, dict[str, Any]],
    on_insert: Callable[[str], dict[str, Any]],
) -> tuple[dict[str, int], set[str]]:
    """Insert or update rows of ``table`` by a unique ``key`` column, a few statements in all.

    Returns the id of every key and the set of keys that were new.
    """
    column = getattr(table, key)
    ids: dict[str, int] = {}
    for chunk in _chunks(list(values)):
        found = await session.execute(select(column, table.id).where(column.in_(chunk)))
        ids.update(_cells(r) for r in found)
    new = {k for k in values if k not in ids}
    changes = [{"id": ids[k], **v} for k, v in values.items() if k in ids]
    if changes:
        await session.execute(update(table), changes)
    if new:
        rows = [{key: k, **values[k], **on_insert(k)} for k in values if k in new]
        inserted = await session.execute(insert(table).returning(column, table.id), rows)
        ids.update(_cells(r) for r in inserted)
    return ids, new


async def upsert_many(session: AsyncSession, records: Sequence[OrderRecord], now: datetime) -> int:
    """Upsert checked records the way ``save_order`` does one after another; returns how many
    orders were new. The caller commits.

    ``save_order`` costs about nine database round trips a row; this does the
    same work in about a dozen statements per batch, whatever its size. When
    two rows name the same customer, product, coupon or order the later row's
    values win, exactly as saving them in file order would leave them.
    The import tests check that both ways leave identical rows.

    Like ``upsert``, it writes what it is given: callers check the records first
    (``check_order``, and ``import_may_set`` against ``statuses_by_number``), as
    ``save_order`` does for one record.
    """
    customers: dict[str, dict[str, Any]] = {}
    products: dict[str, dict[str, Any]] = {}
    coupons: dict[str, dict[str, Any]] = {}
    coupon_owner: dict[str, str] = {}
    orders: dict[str, tuple[OrderRecord, str | None]] = {}
    for record in records:
        c, p, o = record.customer, record.product, record.order
        # Later lines win, except that a line without a timezone keeps the one known.
        customer = customers.setdefault(c.code, {})
        customer.update(name=c.name, phone=_phone(c.phone))
        if c.timezone:
            customer["timezone"] = c.timezone
        products[p.sku] = {"name": p.name, "kind": p.kind.value, "price_fen": p.price_fen}
        coupon = record.coupon
        if coupon is not None:
            coupons[coupon.code] = {
                "title": coupon.title,
                "discount_fen": coupon.discount_fen,
                "returnable_on_cancel": coupon.returnable_on_cancel,
                "expires_at": coupon.expires_at,
                "status": coupon.status.value,
            }
            # A coupon belongs to whoever first used it; later rows do not move it.
            coupon_owner.setdefault(coupon.code, c.code)
        orders[o.order_no] = (record, coupon.code if coupon else None)

    customer_ids, _ = await _upsert_by_key(
        session, CustomerRow, "code", customers, lambda _code: {"created_at": now}
    )
    product_ids, _ = await _upsert_by_key(session, ProductRow, "sku", products, lambda _s: {})
    coupon_ids, _ = await _upsert_by_key(
        session,
        CouponRow,
        "code",
        coupons,
        lambda code: {"customer_id": customer_ids[coupon_owner[code]]},
    )
    order_values: dict[str, dict[str, Any]] = {}
    for order_no, (record, coupon_code) in orders.items():
        o = record.order
        order_values[order_no] = {
            "customer_id": customer_ids[record.customer.code],
            "product_id": product_ids[record.product.sku],
            "product_name": o.product_name,
            "product_kind": o.product_kind.value,
            "quantity": o.quantity,
            "unit_price_fen": o.unit_price_fen,
            "discount_fen": o.discount_fen,
            "amount_paid_fen": o.amount_paid_fen,
            "status": o.status.value,
            "payment_channel": o.payment_channel.value if o.payment_channel else None,
            "coupon_id": coupon_ids[coupon_code] if coupon_code else None,
            "placed_at": o.placed_at,
            "paid_at": o.paid_at,
            "delivered_at": o.delivered_at,
            "completed_at": o.completed_at,
            "cancelled_at": o.cancelled_at,
            "card_key_activated": o.card_key_activated,
            "updated_at": now,
        }
    _, new_orders = await _upsert_by_key(
        session, OrderRow, "order_no", order_values, lambda _no: {}
    )
    return len(new_orders)
