"""Orders: the shopper's lists and searches, guarded status moves, coupons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders import (
    CancelPath,
    CancelReason,
    Coupon,
    CouponStatus,
    Order,
    OrderStatus,
    OrderTab,
    Product,
    ProductKind,
)
from domain.ports import (
    OrderPage,
)
from domain.services import OrderRecord
from storage import dialect
from storage.repositories._rows import _cells, _chunks, _order, _rowcount, _tab_clause
from storage.repositories.imports import upsert_many
from storage.tables import (
    CouponRow,
    OrderRow,
    ProductRow,
)


class SqlOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert_many(self, records: Sequence[OrderRecord], now: datetime) -> int:
        """Bulk form of ``save_order`` for imports. Returns how many orders were new."""
        return await upsert_many(self.session, records, now)

    def _select(self):
        return (
            select(OrderRow, CouponRow, ProductRow.sku)
            .outerjoin(CouponRow, CouponRow.id == OrderRow.coupon_id)
            .join(ProductRow, ProductRow.id == OrderRow.product_id)
        )

    async def _page(
        self, where: Sequence[ColumnElement[bool]], limit: int, offset: int
    ) -> OrderPage:
        """One page of a customer's orders, newest first, and how many there are in all."""
        total = await self.session.scalar(select(func.count()).select_from(OrderRow).where(*where))
        rows = await self.session.execute(
            self._select()
            .where(*where)
            .order_by(OrderRow.placed_at.desc(), OrderRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return OrderPage(orders=[_order(*_cells(r)) for r in rows], total=total or 0)

    async def get(self, order_id: int) -> Order | None:
        result = (
            await self.session.execute(self._select().where(OrderRow.id == order_id))
        ).first()
        return _order(*_cells(result)) if result else None

    async def get_for_update(self, order_id: int) -> Order | None:
        """The order, locked for the rest of the transaction (on SQLite: the database's
        write lock), so no import or cancel can move it between this read and a write."""
        await dialect.hold_write_lock(self.session, OrderRow)
        result = (
            await self.session.execute(
                self._select().where(OrderRow.id == order_id).with_for_update(of=OrderRow)
            )
        ).first()
        return _order(*_cells(result)) if result else None

    async def by_number(self, order_no: str) -> Order | None:
        result = (
            await self.session.execute(self._select().where(OrderRow.order_no == order_no))
        ).first()
        return _order(*_cells(result)) if result else None

    async def by_numbers(self, order_nos: Sequence[str]) -> dict[str, Order]:
        """Each known order by its number (unknown numbers are left out).

        One query per 500 numbers, so an import checks a whole batch at once. The
        rows are locked for the rest of the transaction where the database can
        (PostgreSQL), so a shopper's cancel cannot slip in before the write.
        """
        # No cancel may commit between this read and the import's write.
        await dialect.hold_write_lock(self.session, OrderRow)
        found: dict[str, Order] = {}
        for chunk in _chunks(list(dict.fromkeys(order_nos))):
            rows = await self.session.execute(
                self._select()
                .where(OrderRow.order_no.in_(chunk))
                # Only the order rows: the coupon is on the nullable side of an outer join.
                .with_for_update(of=OrderRow)
            )
            for row in rows:
                order = _order(*_cells(row))
                found[order.order_no] = order
        return found

    async def recent_for_customer(
        self,
        customer_id: int,
        *,
        statuses: Sequence[OrderStatus] | None = None,
        tab: OrderTab = OrderTab.ALL,
        limit: int = 5,
        offset: int = 0,
    ) -> OrderPage:
        where: list[ColumnElement[bool]] = [OrderRow.customer_id == customer_id]
        if statuses:
            where.append(OrderRow.status.in_([s.value for s in statuses]))
        if tab.clauses:
            where.append(or_(*(_tab_clause(c) for c in tab.clauses)))
        return await self._page(where, limit, offset)

    async def upsert_product(self, product: Product) -> int:
        row = await self.session.scalar(select(ProductRow).where(ProductRow.sku == product.sku))
        if row is None:
            row = ProductRow(sku=product.sku)
            self.session.add(row)
        row.name, row.kind, row.price_fen = product.name, product.kind.value, product.price_fen
        await self.session.flush()
        return row.id

    async def upsert_coupon(self, coupon: Coupon, customer_id: int) -> int:
        row = await self.session.scalar(select(CouponRow).where(CouponRow.code == coupon.code))
        if row is None:
            row = CouponRow(code=coupon.code, customer_id=customer_id)
            self.session.add(row)
        row.title, row.discount_fen = coupon.title, coupon.discount_fen
        row.returnable_on_cancel, row.expires_at = coupon.returnable_on_cancel, coupon.expires_at
        row.status = coupon.status.value
        await self.session.flush()
        return row.id

    async def upsert(
        self, order: Order, product: Product, coupon: Coupon | None, now: datetime
    ) -> bool:
        """Insert or update an order by its number. Returns True when it was new."""
        product_id = await self.upsert_product(product)
        coupon_id = await self.upsert_coupon(coupon, order.customer_id) if coupon else None
        row = await self.session.scalar(
            select(OrderRow).where(OrderRow.order_no == order.order_no)
        )
        created = row is None
        if row is None:
            row = OrderRow(order_no=order.order_no)
            self.session.add(row)
        row.customer_id = order.customer_id
        row.product_id = product_id
        row.product_name = order.product_name
        row.product_kind = order.product_kind.value
        row.quantity = order.quantity
        row.unit_price_fen = order.unit_price_fen
        row.discount_fen = order.discount_fen
        row.amount_paid_fen = order.amount_paid_fen
        row.status = order.status.value
        row.payment_channel = order.payment_channel.value if order.payment_channel else None
        row.coupon_id = coupon_id
        row.placed_at = order.placed_at
        row.paid_at = order.paid_at
        row.delivered_at = order.delivered_at
        row.completed_at = order.completed_at
        row.cancelled_at = order.cancelled_at
        row.card_key_activated = order.card_key_activated
        row.updated_at = now
        await self.session.flush()
        return created

    async def for_customer(self, customer_id: int, order_id: int) -> Order | None:
        """The order only if it belongs to this customer: ids from buttons are never trusted."""
        result = (
            await self.session.execute(
                self._select().where(OrderRow.id == order_id, OrderRow.customer_id == customer_id)
            )
        ).first()
        return _order(*_cells(result)) if result else None

    async def number_for_customer(self, customer_id: int, order_no: str) -> Order | None:
        result = (
            await self.session.execute(
                self._select().where(
                    OrderRow.order_no == order_no, OrderRow.customer_id == customer_id
                )
            )
        ).first()
        return _order(*_cells(result)) if result else None

    async def search_for_customer(
        self, customer_id: int, text: str, *, limit: int = 5, offset: int = 0
    ) -> OrderPage:
        where = [
            OrderRow.customer_id == customer_id,
            OrderRow.product_name.icontains(text, autoescape=True),
        ]
        return await self._page(where, limit, offset)

    async def set_cancel_reason(self, order_id: int, reason: CancelReason) -> bool:
        result = await self.session.execute(
            update(OrderRow)
            .where(
                OrderRow.id == order_id,
                OrderRow.status == OrderStatus.CANCELLED.value,
                OrderRow.cancel_reason.is_(None),
            )
            .values(cancel_reason=reason.value)
        )
        return _rowcount(result) == 1

    async def set_cancel_path(self, order_id: int, path: CancelPath) -> None:
        """Note how a cancel went, in the cancel's own transaction (after its transition)."""
        await self.session.execute(
            update(OrderRow).where(OrderRow.id == order_id).values(cancel_path=path.value)
        )

    async def record_key_activated(self, order_id: int, now: datetime) -> bool:
        """Staff checked: the delivered card key was activated."""
        result = await self.session.execute(
            update(OrderRow)
            .where(
                OrderRow.id == order_id,
                OrderRow.product_kind == ProductKind.CARD_KEY.value,
            )
            .values(card_key_activated=True, updated_at=now)
        )
        return _rowcount(result) == 1

    async def return_coupon(self, coupon_id: int) -> bool:
        """Give a spent coupon back, once: only a coupon still marked used changes."""
        result = await self.session.execute(
            update(CouponRow)
            .where(CouponRow.id == coupon_id, CouponRow.status == CouponStatus.USED.value)
            .values(status=CouponStatus.AVAILABLE.value)
        )
        return _rowcount(result) == 1

    async def take_coupon(self, coupon_id: int) -> bool:
        """Spend a coupon given back by a cancel again, once: only one not spent since."""
        result = await self.session.execute(
            update(CouponRow)
            .where(
                CouponRow.id == coupon_id,
                CouponRow.status.in_((CouponStatus.AVAILABLE.value, CouponStatus.EXPIRED.value)),
            )
            .values(status=CouponStatus.USED.value)
        )
        return _rowcount(result) == 1

    async def keep_coupon(self, coupon_id: int) -> bool:
        """Whether the coupon is still spent, as a guarded write that changes nothing: it
        waits for, and then sees, a staff return of the same coupon being written."""
        result = await self.session.execute(
            update(CouponRow)
            .where(CouponRow.id == coupon_id, CouponRow.status == CouponStatus.USED.value)
            .values(status=CouponStatus.USED.value)
        )
        return _rowcount(result) == 1

    async def hold_cancelled(self, order_id: int, now: datetime) -> bool:
        """Hold a cancelled order, not being restored, as it is until the caller commits:
        a guarded write on the order's row, so a restore of it (which writes that row first)
        is either done before, and this refuses, or waits until after."""
        result = await self.session.execute(
            update(OrderRow)
            .where(
                OrderRow.id == order_id,
                OrderRow.status == OrderStatus.CANCELLED.value,
                OrderRow.restoring_since.is_(None),
            )
            .values(updated_at=now)
        )
        return _rowcount(result) == 1

    async def restore(self, order_id: int, *, to: OrderStatus, at: datetime) -> bool:
        """Undo a cancel in one guarded statement: only a cancelled order moves back to ``to``,
        and its cancel time, reason and any restore mark go with the cancel."""
        result = await self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.status == OrderStatus.CANCELLED.value)
            .values(
                status=to.value,
                cancelled_at=None,
                cancel_reason=None,
                restoring_since=None,
                restored_at=at,
                updated_at=at,
            )
        )
        return _rowcount(result) == 1

    async def mark_restoring(self, order_id: int, now: datetime) -> bool:
        """Mark a restore as sent to the shop, once: only a cancelled order not marked yet."""
        result = await self.session.execute(
            update(OrderRow)
            .where(
                OrderRow.id == order_id,
                OrderRow.status == OrderStatus.CANCELLED.value,
                OrderRow.restoring_since.is_(None),
            )
            .values(restoring_since=now, updated_at=now)
        )
        return _rowcount(result) == 1

    async def clear_restoring(self, order_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.restoring_since.is_not(None))
            .values(restoring_since=None, updated_at=now)
        )
        return _rowcount(result) == 1

    async def transition(
        self, order_id: int, *, expected: OrderStatus, new: OrderStatus, at: datetime
    ) -> bool:
        """Move an order from ``expected`` to ``new`` in one guarded statement.

        False means someone else changed the order first; nothing was written.
        """
        values: dict[str, object] = {"status": new.value, "updated_at": at}
        if new is OrderStatus.CANCELLED:
            # Cancelled is final: a cancel that was waiting for the shop is over too.
            values |= {"cancelled_at": at, "cancelling_since": None}
        result = await self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.status == expected.value)
            .values(**values)
        )
        return _rowcount(result) == 1

    async def mark_cancelling(
        self, order_id: int, *, expected: OrderStatus, now: datetime
    ) -> bool:
        """Mark a cancel as sent to the shop, once: only from ``expected`` and unmarked."""
        result = await self.session.execute(
            update(OrderRow)
            .where(
                OrderRow.id == order_id,
                OrderRow.status == expected.value,
                OrderRow.cancelling_since.is_(None),
            )
            .values(cancelling_since=now, updated_at=now)
        )
        return _rowcount(result) == 1

    async def clear_cancelling(self, order_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.cancelling_since.is_not(None))
            .values(cancelling_since=None, updated_at=now)
        )
        return _rowcount(result) == 1
