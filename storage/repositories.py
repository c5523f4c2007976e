"""Repositories: read and write rows, hand back domain objects, never commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notifications import encode
from domain.orders import (
    CancelReason,
    Coupon,
    CouponStatus,
    Customer,
    Gateway,
    Order,
    OrderStatus,
    OrderTab,
    PaymentChannel,
    Product,
    ProductKind,
    Refund,
    RefundStatus,
    TabClause,
    normalize_phone,
)
from domain.ports import (
    AuditEntry,
    CustomerHistory,
    LinkOutcome,
    Notification,
    OrderPage,
    OutboxMessage,
    RefundChange,
    RefundDraft,
    RefundEvent,
    TicketDraft,
)
from domain.services import OrderRecord
from domain.tickets import (
    Evidence,
    RejectReason,
    Ticket,
    TicketKind,
    TicketReason,
    TicketStatus,
)
from storage.tables import (
    AuditRow,
    CouponRow,
    CustomerRow,
    LinkTokenRow,
    OrderRow,
    OutboxRow,
    ProductRow,
    RefundEventRow,
    RefundRow,
    TicketRow,
    UserPrefRow,
    WalletEntryRow,
)


def _phone(raw: str | None) -> str | None:
    """Phones are stored normalized so that a Telegram contact can be matched exactly."""
    if raw is None:
        return None
    return normalize_phone(raw) or raw


def _customer(row: CustomerRow) -> Customer:
    return Customer(
        id=row.id,
        code=row.code,
        name=row.name,
        phone=row.phone,
        telegram_id=row.telegram_id,
        unreachable_at=row.unreachable_at,
        timezone=row.timezone,
    )


def _coupon(row: CouponRow | None) -> Coupon | None:
    if row is None:
        return None
    return Coupon(
        id=row.id,
        code=row.code,
        title=row.title,
        discount_fen=row.discount_fen,
        returnable_on_cancel=row.returnable_on_cancel,
        expires_at=row.expires_at,
        status=CouponStatus(row.status),
    )


def _order(row: OrderRow, coupon: CouponRow | None, sku: str | None = None) -> Order:
    return Order(
        id=row.id,
        order_no=row.order_no,
        customer_id=row.customer_id,
        product_name=row.product_name,
        product_kind=ProductKind(row.product_kind),
        product_sku=sku,
        quantity=row.quantity,
        unit_price_fen=row.unit_price_fen,
        discount_fen=row.discount_fen,
        amount_paid_fen=row.amount_paid_fen,
        status=OrderStatus(row.status),
        payment_channel=PaymentChannel(row.payment_channel) if row.payment_channel else None,
        coupon=_coupon(coupon),
        placed_at=row.placed_at,
        paid_at=row.paid_at,
        delivered_at=row.delivered_at,
        completed_at=row.completed_at,
        cancelled_at=row.cancelled_at,
        card_key_activated=row.card_key_activated,
    )


def _tab_clause(clause: TabClause) -> ColumnElement[bool]:
    condition = OrderRow.status == clause.status.value
    if clause.kinds is not None:
        condition = and_(condition, OrderRow.product_kind.in_([k.value for k in clause.kinds]))
    return condition


class SqlCustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, customer_id: int) -> Customer | None:
        row = await self.session.get(CustomerRow, customer_id)
        return _customer(row) if row else None

    async def by_telegram(self, telegram_id: int) -> Customer | None:
        row = await self.session.scalar(
            select(CustomerRow).where(CustomerRow.telegram_id == telegram_id)
        )
        return _customer(row) if row else None

    async def by_code(self, code: str) -> Customer | None:
        row = await self.session.scalar(select(CustomerRow).where(CustomerRow.code == code))
        return _customer(row) if row else None

    async def upsert(self, customer: Customer, now: datetime) -> Customer:
        """Insert or update by the shop's customer code; the Telegram link is left alone."""
        row = await self.session.scalar(
            select(CustomerRow).where(CustomerRow.code == customer.code)
        )
        if row is None:
            row = CustomerRow(code=customer.code, created_at=now)
            self.session.add(row)
        row.name = customer.name
        row.phone = _phone(customer.phone)
        if customer.timezone:
            row.timezone = customer.timezone
        await self.session.flush()
        return _customer(row)

    async def by_phone(self, phone: str) -> list[Customer]:
        rows = await self.session.scalars(
            select(CustomerRow).where(CustomerRow.phone == phone).order_by(CustomerRow.id)
        )
        return [_customer(r) for r in rows]

    async def unbind_telegram(self, telegram_id: int) -> bool:
        result = await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id)
            .values(telegram_id=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def bind_telegram(self, customer_id: int, telegram_id: int) -> None:
        """Link a Telegram account to one customer, releasing it from any other first."""
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id, CustomerRow.id != customer_id)
            .values(telegram_id=None)
        )
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id)
            .values(telegram_id=telegram_id)
        )

    async def mark_unreachable(self, customer_id: int, now: datetime) -> None:
        """Telegram refused a message to them: later pushes fail at once, untried."""
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id, CustomerRow.unreachable_at.is_(None))
            .values(unreachable_at=now)
        )

    async def clear_unreachable(self, telegram_id: int) -> bool:
        """They wrote to the bot again, so it may write to them."""
        result = await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id, CustomerRow.unreachable_at.is_not(None))
            .values(unreachable_at=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class SqlOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert_many(self, records: Sequence[OrderRecord], now: datetime) -> int:
        """Bulk form of ``save_order`` for imports. Returns how many orders were new."""
        return await upsert_many(self.session, records, now)

    def _select(self):  # type: ignore[no-untyped-def]
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
        return OrderPage(orders=[_order(*r) for r in rows], total=total or 0)

    async def get(self, order_id: int) -> Order | None:
        result = (
            await self.session.execute(self._select().where(OrderRow.id == order_id))
        ).first()
        return _order(*result) if result else None

    async def by_number(self, order_no: str) -> Order | None:
        result = (
            await self.session.execute(self._select().where(OrderRow.order_no == order_no))
        ).first()
        return _order(*result) if result else None

    async def statuses_by_number(self, order_nos: Sequence[str]) -> dict[str, OrderStatus]:
        """The current status of each known order number (unknown numbers are left out).

        One query per 500 numbers, so an import checks a whole batch at once. The
        rows are locked for the rest of the transaction where the database can
        (PostgreSQL), so a shopper's cancel cannot slip in before the write.
        """
        if self.session.bind.dialect.name == "sqlite":
            # SQLite has no row locks and runs plain reads outside the transaction: take the
            # database's write lock first (a write that changes nothing), so no cancel can
            # commit between this read and the import's write.
            await self.session.execute(
                update(OrderRow).where(OrderRow.id == -1).values(status=OrderRow.status)
            )
        found: dict[str, OrderStatus] = {}
        for chunk in _chunks(list(dict.fromkeys(order_nos)), IN_CHUNK):
            rows = await self.session.execute(
                select(OrderRow.order_no, OrderRow.status)
                .where(OrderRow.order_no.in_(chunk))
                .with_for_update()
            )
            found.update((no, OrderStatus(status)) for no, status in rows)
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
        return _order(*result) if result else None

    async def number_for_customer(self, customer_id: int, order_no: str) -> Order | None:
        result = (
            await self.session.execute(
                self._select().where(
                    OrderRow.order_no == order_no, OrderRow.customer_id == customer_id
                )
            )
        ).first()
        return _order(*result) if result else None

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
        return result.rowcount == 1  # type: ignore[attr-defined]

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
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def return_coupon(self, coupon_id: int) -> bool:
        """Give a spent coupon back, once: only a coupon still marked used changes."""
        result = await self.session.execute(
            update(CouponRow)
            .where(CouponRow.id == coupon_id, CouponRow.status == CouponStatus.USED.value)
            .values(status=CouponStatus.AVAILABLE.value)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def transition(
        self, order_id: int, *, expected: OrderStatus, new: OrderStatus, at: datetime
    ) -> bool:
        """Move an order from ``expected`` to ``new`` in one guarded statement.

        False means someone else changed the order first; nothing was written.
        """
        values: dict[str, object] = {"status": new.value, "updated_at": at}
        if new is OrderStatus.CANCELLED:
            values["cancelled_at"] = at
        result = await self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.status == expected.value)
            .values(**values)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def _refund(row: RefundRow, order_no: str, customer_id: int) -> Refund:
    return Refund(
        id=row.id,
        order_id=row.order_id,
        order_no=order_no,
        amount_fen=row.amount_fen,
        channel=PaymentChannel(row.channel),
        status=RefundStatus(row.status),
        expected_earliest=row.expected_earliest,
        expected_latest=row.expected_latest,
        created_at=row.created_at,
        updated_at=row.updated_at,
        customer_id=customer_id,
        gateway=Gateway(row.gateway),
        attempt=row.attempt,
        provider_ref=row.provider_ref,
        submitted_at=row.submitted_at,
        succeeded_at=row.succeeded_at,
        failed_at=row.failed_at,
        failure_reason=row.failure_reason,
        shopper_confirmed_at=row.shopper_confirmed_at,
        shopper_not_yet_at=row.shopper_not_yet_at,
        arrival_asked_at=row.arrival_asked_at,
    )


def _event(row: RefundEventRow) -> RefundEvent:
    return RefundEvent(
        refund_id=row.refund_id,
        idempotency_key=row.idempotency_key,
        action=row.action,
        from_status=RefundStatus(row.from_status) if row.from_status else None,
        to_status=RefundStatus(row.to_status),
        attempt=row.attempt,
        actor=row.actor,
        at=row.at,
        note=row.note,
        provider_ref=row.provider_ref,
    )


class SqlRefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self):  # type: ignore[no-untyped-def]
        return select(RefundRow, OrderRow.order_no, OrderRow.customer_id).join(
            OrderRow, OrderRow.id == RefundRow.order_id
        )

    async def _one(self, *where: ColumnElement[bool]) -> Refund | None:
        found = (await self.session.execute(self._select().where(*where))).first()
        return _refund(*found) if found else None

    async def add(self, draft: RefundDraft, now: datetime) -> Refund:
        row = RefundRow(
            order_id=draft.order_id,
            idempotency_key=draft.idempotency_key,
            amount_fen=draft.amount_fen,
            channel=draft.channel.value,
            status=RefundStatus.REQUESTED.value,
            expected_earliest=draft.expected_earliest,
            expected_latest=draft.expected_latest,
            created_at=now,
            updated_at=now,
            gateway=draft.gateway.value,
            attempt=1,
        )
        self.session.add(row)
        await self.session.flush()
        found = await self.get(row.id)
        assert found is not None
        return found

    async def get(self, refund_id: int) -> Refund | None:
        return await self._one(RefundRow.id == refund_id)

    async def for_order(self, order_id: int) -> Refund | None:
        return await self._one(RefundRow.order_id == order_id)

    async def by_order_no(self, order_no: str) -> Refund | None:
        return await self._one(OrderRow.order_no == order_no)

    async def by_provider_ref(self, provider_ref: str) -> Refund | None:
        return await self._one(RefundRow.provider_ref == provider_ref)

    async def for_customer(self, customer_id: int, *, limit: int = 10) -> list[Refund]:
        rows = await self.session.execute(
            self._select()
            .where(OrderRow.customer_id == customer_id)
            .order_by(RefundRow.created_at.desc(), RefundRow.id.desc())
            .limit(limit)
        )
        return [_refund(*r) for r in rows]

    async def transition(self, refund: Refund, change: RefundChange) -> bool:
        """One guarded move: only from the status and attempt the caller saw."""
        values: dict[str, object] = {
            "status": change.status.value,
            "updated_at": change.at,
            "attempt": change.attempt,
        }
        if change.expected_earliest is not None:
            values["expected_earliest"] = change.expected_earliest
        if change.expected_latest is not None:
            values["expected_latest"] = change.expected_latest
        if change.provider_ref:
            values["provider_ref"] = change.provider_ref
        if change.status is RefundStatus.PROCESSING:
            # Pushed out now: the arrival window starts again, and so do the questions about it.
            values |= {
                "submitted_at": change.at,
                "arrival_asked_at": None,
                "shopper_not_yet_at": None,
                "shopper_confirmed_at": None,
            }
        elif change.status is RefundStatus.SUCCEEDED:
            values["succeeded_at"] = change.at
        elif change.status is RefundStatus.FAILED:
            values["failed_at"] = change.at
            values["failure_reason"] = change.failure_reason
        else:  # re-initiated: a new attempt starts clean, and will be asked about again
            values |= {
                # The old reference stays on the attempt's events; a new try gets a new one.
                "provider_ref": None,
                "submitted_at": None,
                "failed_at": None,
                "failure_reason": None,
                "shopper_confirmed_at": None,
                "shopper_not_yet_at": None,
                "arrival_asked_at": None,
            }
        result = await self.session.execute(
            update(RefundRow)
            .where(
                RefundRow.id == refund.id,
                RefundRow.status == change.expected.value,
                RefundRow.attempt == refund.attempt,
            )
            .values(**values)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def record_event(self, event: RefundEvent) -> bool:
        """False when an event with the same key exists: the action was done before."""
        if await self.event(event.idempotency_key) is not None:
            return False
        self.session.add(
            RefundEventRow(
                refund_id=event.refund_id,
                idempotency_key=event.idempotency_key,
                action=event.action,
                from_status=event.from_status.value if event.from_status else None,
                to_status=event.to_status.value,
                attempt=event.attempt,
                actor=event.actor,
                note=event.note,
                provider_ref=event.provider_ref,
                at=event.at,
            )
        )
        await self.session.flush()
        return True

    async def event(self, idempotency_key: str) -> RefundEvent | None:
        row = await self.session.scalar(
            select(RefundEventRow).where(RefundEventRow.idempotency_key == idempotency_key)
        )
        return _event(row) if row else None

    async def note_reference(self, event: RefundEvent, provider_ref: str) -> None:
        """Attach the provider's reference to an action reported without one."""
        await self.session.execute(
            update(RefundEventRow)
            .where(
                RefundEventRow.idempotency_key == event.idempotency_key,
                RefundEventRow.provider_ref.is_(None),
            )
            .values(provider_ref=provider_ref)
        )
        await self.session.execute(
            update(RefundRow)
            .where(
                RefundRow.id == event.refund_id,
                RefundRow.attempt == event.attempt,
                RefundRow.provider_ref.is_(None),
            )
            .values(provider_ref=provider_ref)
        )

    async def reference_attempt(self, refund_id: int, provider_ref: str) -> int | None:
        """The latest attempt of the refund that an action reported with ``provider_ref``."""
        return await self.session.scalar(
            select(func.max(RefundEventRow.attempt)).where(
                RefundEventRow.refund_id == refund_id,
                RefundEventRow.provider_ref == provider_ref,
            )
        )

    async def events(self, refund_id: int) -> list[RefundEvent]:
        rows = await self.session.scalars(
            select(RefundEventRow)
            .where(RefundEventRow.refund_id == refund_id)
            .order_by(RefundEventRow.at, RefundEventRow.id)
        )
        return [_event(r) for r in rows]

    async def shopper_answer(self, refund: Refund, *, arrived: bool, now: datetime) -> bool:
        column = RefundRow.shopper_confirmed_at if arrived else RefundRow.shopper_not_yet_at
        result = await self.session.execute(
            update(RefundRow)
            .where(RefundRow.id == refund.id, RefundRow.attempt == refund.attempt)
            .values({column: now})
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def awaiting_arrival(self, by: date, *, limit: int = 500) -> list[Refund]:
        """Open manual refunds due by ``by`` (last expected day) not yet asked or told about."""
        rows = await self.session.execute(
            self._select()
            .where(
                RefundRow.status.in_(
                    (RefundStatus.REQUESTED.value, RefundStatus.PROCESSING.value)
                ),
                RefundRow.gateway == Gateway.MANUAL.value,
                RefundRow.expected_latest <= by,
                RefundRow.arrival_asked_at.is_(None),
                RefundRow.shopper_confirmed_at.is_(None),
            )
            .order_by(RefundRow.expected_latest, RefundRow.id)
            .limit(limit)
        )
        return [_refund(*r) for r in rows]

    async def mark_arrival_asked(self, refund: Refund, now: datetime) -> bool:
        result = await self.session.execute(
            update(RefundRow)
            .where(
                RefundRow.id == refund.id,
                RefundRow.attempt == refund.attempt,
                RefundRow.arrival_asked_at.is_(None),
            )
            .values(arrival_asked_at=now)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def counts_pending(self) -> tuple[int, int]:
        """Refunds still owed: (requested or processing, failed and waiting for staff)."""
        rows = await self.session.execute(
            select(RefundRow.status, func.count())
            .where(
                RefundRow.status.in_(
                    (
                        RefundStatus.REQUESTED.value,
                        RefundStatus.PROCESSING.value,
                        RefundStatus.FAILED.value,
                    )
                )
            )
            .group_by(RefundRow.status)
        )
        counts = {status: n for status, n in rows}
        failed = counts.pop(RefundStatus.FAILED.value, 0)
        return sum(counts.values()), failed

    async def credit_wallet(self, refund: Refund, now: datetime) -> bool:
        """One ledger credit per refund (unique ``refund_id``); False if it was credited."""
        exists = await self.session.scalar(
            select(WalletEntryRow.id).where(WalletEntryRow.refund_id == refund.id)
        )
        if exists is not None:
            return False
        self.session.add(
            WalletEntryRow(
                customer_id=refund.customer_id,
                refund_id=refund.id,
                amount_fen=refund.amount_fen,
                created_at=now,
            )
        )
        await self.session.flush()
        return True

    async def wallet_balance(self, customer_id: int) -> int:
        return (
            await self.session.scalar(
                select(func.coalesce(func.sum(WalletEntryRow.amount_fen), 0)).where(
                    WalletEntryRow.customer_id == customer_id
                )
            )
            or 0
        )


#: Outbox rows a sender may take: waiting ones, and ones whose sender's lease ran out.
_CLAIMABLE = ("pending", "sending")
_CLAIM_TRIES = 5


class SqlOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, notification: Notification, now: datetime) -> bool:
        """Queue a message; False when one with the same dedupe key is already queued.

        One insert that skips a taken key, so two writers racing on the same occasion
        (a double tap, two planners) both succeed and exactly one row is written.
        """
        values = {
            "dedupe_key": notification.dedupe_key,
            "kind": notification.kind,
            "audience": notification.audience,
            "customer_id": notification.customer_id,
            "payload": encode(notification.payload),
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "due_at": notification.due_at,
        }
        dialect = self.session.bind.dialect.name
        insert_ignoring = pg_insert if dialect == "postgresql" else sqlite_insert
        result = await self.session.execute(
            insert_ignoring(OutboxRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[OutboxRow.dedupe_key])
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def claim(
        self, audience: str, *, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None:
        """Take the oldest due row of ``audience`` for sending, in one guarded statement.

        A row is due when it is pending and its time has come, or when it is
        being sent but its lease ran out (the sender crashed). While a row is
        being sent ``due_at`` holds the lease's end. The statement writes first
        and reads nothing before, so two senders (two processes on one SQLite
        file, or PostgreSQL) can never both win the same row.
        """
        due = and_(
            OutboxRow.audience == audience,
            OutboxRow.status.in_(_CLAIMABLE),
            OutboxRow.due_at <= now,
        )
        for _ in range(_CLAIM_TRIES):
            oldest = (
                select(OutboxRow.id)
                .where(due)
                .order_by(OutboxRow.due_at, OutboxRow.id)
                .limit(1)
                .scalar_subquery()
            )
            found = (
                await self.session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == oldest, due)
                    .values(status="sending", due_at=lease_until)
                    .returning(
                        OutboxRow.id,
                        OutboxRow.kind,
                        OutboxRow.audience,
                        OutboxRow.customer_id,
                        OutboxRow.payload,
                        OutboxRow.attempts,
                    )
                )
            ).first()
            if found is not None:
                return OutboxMessage(*found, lease=lease_until)
            if await self.session.scalar(select(OutboxRow.id).where(due).limit(1)) is None:
                return None
        return None  # others keep winning: let them send, come back on the next wake

    def _held(self, message: OutboxMessage) -> ColumnElement[bool]:
        return and_(
            OutboxRow.id == message.id,
            OutboxRow.status == "sending",
            OutboxRow.due_at == message.lease,
        )

    async def mark_sent(
        self, message: OutboxMessage, *, now: datetime, message_id: int | None
    ) -> bool:
        result = await self.session.execute(
            update(OutboxRow)
            .where(self._held(message))
            .values(status="sent", sent_at=now, message_id=message_id, last_error=None)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def retry(
        self, message: OutboxMessage, *, due_at: datetime, error: str, count_attempt: bool = True
    ) -> bool:
        result = await self.session.execute(
            update(OutboxRow)
            .where(self._held(message))
            .values(
                status="pending",
                due_at=due_at,
                attempts=message.attempts + (1 if count_attempt else 0),
                last_error=error[:300],
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def give_up(
        self, message: OutboxMessage, *, status: str, error: str, count_attempt: bool = True
    ) -> bool:
        """Settle a row that must not be tried again ("failed", "skipped" or "dead")."""
        result = await self.session.execute(
            update(OutboxRow)
            .where(self._held(message))
            .values(
                status=status,
                attempts=message.attempts + (1 if count_attempt else 0),
                last_error=error[:300],
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def renew(self, message: OutboxMessage, *, lease_until: datetime) -> bool:
        """Extend a claim still held; False when the lease already ran out or passed on."""
        result = await self.session.execute(
            update(OutboxRow).where(self._held(message)).values(due_at=lease_until)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def message_id(self, dedupe_key: str) -> int | None:
        """The Telegram message a sent notification became (a staff card, to edit later)."""
        return await self.session.scalar(
            select(OutboxRow.message_id).where(OutboxRow.dedupe_key == dedupe_key)
        )

    async def existing(self, dedupe_keys: Sequence[str]) -> set[str]:
        """Which of these occasions were queued already (one query for a planner tick)."""
        found: set[str] = set()
        for chunk in _chunks(list(dedupe_keys), IN_CHUNK):
            found.update(
                await self.session.scalars(
                    select(OutboxRow.dedupe_key).where(OutboxRow.dedupe_key.in_(chunk))
                )
            )
        return found

    async def last_created(self, kind: str) -> datetime | None:
        """When the latest row of ``kind`` was written (the previous digest, say)."""
        return await self.session.scalar(
            select(func.max(OutboxRow.created_at)).where(OutboxRow.kind == kind)
        )


class SqlLinkTokens:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, token: str, customer_id: int, created_at: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            LinkTokenRow(
                token=token, customer_id=customer_id, created_at=created_at, expires_at=expires_at
            )
        )

    async def consume(
        self, token: str, telegram_id: int, now: datetime
    ) -> tuple[LinkOutcome, int | None]:
        """Use a token once: the guarded update makes a second use (or a race) fail."""
        result = await self.session.execute(
            update(LinkTokenRow)
            .where(
                LinkTokenRow.token == token,
                LinkTokenRow.used_at.is_(None),
                LinkTokenRow.expires_at > now,
            )
            .values(used_at=now, used_by=telegram_id)
        )
        row = await self.session.scalar(select(LinkTokenRow).where(LinkTokenRow.token == token))
        if row is None:
            return LinkOutcome.UNKNOWN, None
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return LinkOutcome.LINKED, row.customer_id
        return (LinkOutcome.USED if row.used_at is not None else LinkOutcome.EXPIRED), None


class SqlPreferences:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def locale(self, telegram_id: int) -> str | None:
        return await self.session.scalar(
            select(UserPrefRow.locale).where(UserPrefRow.telegram_id == telegram_id)
        )

    async def set_locale(self, telegram_id: int, locale: str, now: datetime) -> None:
        changed = await self.session.execute(
            update(UserPrefRow)
            .where(UserPrefRow.telegram_id == telegram_id)
            .values(locale=locale, updated_at=now)
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            return
        self.session.add(UserPrefRow(telegram_id=telegram_id, locale=locale, updated_at=now))
        try:
            await self.session.flush()
        except IntegrityError:
            # Two presses at once both found no row. No savepoint (SQLite's driver would commit
            # at its release); this is the only write of its unit of work, so roll back and
            # update the row the other press created.
            await self.session.rollback()
            await self.session.execute(
                update(UserPrefRow)
                .where(UserPrefRow.telegram_id == telegram_id)
                .values(locale=locale, updated_at=now)
            )


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(
            AuditRow(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                order_id=entry.order_id,
                detail=dict(entry.detail),
            )
        )

    async def for_order(self, order_id: int) -> list[AuditEntry]:
        rows = await self.session.scalars(
            select(AuditRow).where(AuditRow.order_id == order_id).order_by(AuditRow.id)
        )
        return [
            AuditEntry(r.action, r.actor, r.at, order_id=r.order_id, detail=r.detail) for r in rows
        ]


#: Keys per ``IN (...)`` list, below SQLite's oldest limit of 999 bound parameters.
IN_CHUNK = 500


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    for chunk in _chunks(list(values), IN_CHUNK):
        found = await session.execute(select(column, table.id).where(column.in_(chunk)))
        ids.update((k, v) for k, v in found)
    new = {k for k in values if k not in ids}
    changes = [{"id": ids[k], **v} for k, v in values.items() if k in ids]
    if changes:
        await session.execute(update(table), changes)
    if new:
        rows = [{key: k, **values[k], **on_insert(k)} for k in values if k in new]
        inserted = await session.execute(insert(table).returning(column, table.id), rows)
        ids.update((k, v) for k, v in inserted)
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


def _evidence(items: list[dict[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            file_id=e["file_id"],
            file_unique_id=e["file_unique_id"],
            kind=e["kind"],
            size=e.get("size"),
            mime_type=e.get("mime_type"),
        )
        for e in items
    )


def _ticket(row: TicketRow, order_no: str) -> Ticket:
    return Ticket(
        id=row.id,
        order_id=row.order_id,
        order_no=order_no,
        customer_id=row.customer_id,
        kind=TicketKind(row.kind),
        reason=TicketReason(row.reason),
        reason_text=row.reason_text,
        status=TicketStatus(row.status),
        created_at=row.created_at,
        deadline=row.deadline,
        evidence=_evidence(row.evidence or []),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reject_reason=RejectReason(row.reject_reason) if row.reject_reason else None,
        decision_note=row.decision_note,
    )


class SqlTicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self):  # type: ignore[no-untyped-def]
        return select(TicketRow, OrderRow.order_no).join(
            OrderRow, OrderRow.id == TicketRow.order_id
        )

    async def _one(self, *where: ColumnElement[bool]) -> Ticket | None:
        found = (await self.session.execute(self._select().where(*where))).first()
        return _ticket(*found) if found else None

    async def add(self, draft: TicketDraft, now: datetime) -> Ticket | None:
        """File a ticket; None when the order already has an open one (even if filed just now)."""
        row = TicketRow(
            order_id=draft.order_id,
            open_order_id=draft.order_id,
            customer_id=draft.customer_id,
            kind=draft.kind.value,
            reason=draft.reason.value,
            reason_text=draft.reason_text,
            evidence=[_evidence_dict(e) for e in draft.evidence],
            evidence_count=len(draft.evidence),
            status=TicketStatus.OPEN.value,
            created_at=now,
            deadline=draft.deadline,
            updated_at=now,
        )
        if await self.open_for_order(draft.order_id) is not None:
            return None
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError:
            # Another filing for the order won the race. No savepoint: SQLite's driver would
            # commit at its release. Filing is the first write of its unit of work, so
            # rolling back here loses nothing else.
            await self.session.rollback()
            return None
        return await self.get(row.id)

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self._one(TicketRow.id == ticket_id)

    async def for_customer(self, customer_id: int, ticket_id: int) -> Ticket | None:
        return await self._one(TicketRow.id == ticket_id, TicketRow.customer_id == customer_id)

    async def open_for_order(self, order_id: int) -> Ticket | None:
        return await self._one(TicketRow.open_order_id == order_id)

    async def activation_confirmed(self, order_id: int) -> bool:
        """Whether staff already rejected a ticket for this order because the key was used."""
        found = await self.session.scalar(
            select(TicketRow.id).where(
                TicketRow.order_id == order_id,
                TicketRow.reject_reason == RejectReason.KEY_ACTIVATED.value,
            )
        )
        return found is not None

    async def list_for_customer(self, customer_id: int, *, limit: int = 10) -> list[Ticket]:
        rows = await self.session.execute(
            self._select()
            .where(TicketRow.customer_id == customer_id)
            .order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
            .limit(limit)
        )
        return [_ticket(*r) for r in rows]

    async def counts_between(self, since: datetime, until: datetime) -> tuple[int, int]:
        """Tickets filed, and tickets decided, in ``(since, until]``."""
        new = await self.session.scalar(
            select(func.count()).where(TicketRow.created_at > since, TicketRow.created_at <= until)
        )
        decided = await self.session.scalar(
            select(func.count()).where(TicketRow.decided_at > since, TicketRow.decided_at <= until)
        )
        return new or 0, decided or 0

    async def open_queue(self, *, limit: int = 20, due_by: date | None = None) -> list[Ticket]:
        """Open tickets, nearest deadline first; with ``due_by``, only those due by then."""
        due = TicketRow.deadline <= due_by if due_by is not None else true()
        rows = await self.session.execute(
            self._select()
            .where(TicketRow.status == TicketStatus.OPEN.value, due)
            .order_by(TicketRow.deadline, TicketRow.created_at, TicketRow.id)
            .limit(limit)
        )
        return [_ticket(*r) for r in rows]

    async def close(
        self,
        ticket_id: int,
        *,
        status: TicketStatus,
        now: datetime,
        decided_by: int | None = None,
        reject_reason: RejectReason | None = None,
        note: str | None = None,
    ) -> bool:
        """Close an open ticket in one guarded statement; False if it was already closed."""
        result = await self.session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.status == TicketStatus.OPEN.value)
            .values(
                status=status.value,
                open_order_id=None,
                decided_by=decided_by,
                decided_at=now,
                reject_reason=reject_reason.value if reject_reason else None,
                decision_note=note,
                updated_at=now,
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def add_evidence(self, ticket: Ticket, evidence: Evidence, now: datetime) -> bool:
        """Append a screenshot to the ticket as the caller saw it, in one guarded update.

        False when the ticket closed or gained a screenshot meanwhile: the caller
        looks again, so two uploads at once can neither lose one nor pass the limit.
        """
        items = [*(_evidence_dict(e) for e in ticket.evidence), _evidence_dict(evidence)]
        result = await self.session.execute(
            update(TicketRow)
            .where(
                TicketRow.id == ticket.id,
                TicketRow.status == TicketStatus.OPEN.value,
                TicketRow.evidence_count == len(ticket.evidence),
            )
            .values(evidence=items, evidence_count=len(items), updated_at=now)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def history(self, customer_id: int) -> CustomerHistory:
        orders = await self.session.scalar(
            select(func.count()).select_from(OrderRow).where(OrderRow.customer_id == customer_id)
        )
        cancelled = await self.session.scalar(
            select(func.count())
            .select_from(OrderRow)
            .where(
                OrderRow.customer_id == customer_id,
                OrderRow.status == OrderStatus.CANCELLED.value,
            )
        )
        tickets = await self.session.scalar(
            select(func.count()).select_from(TicketRow).where(TicketRow.customer_id == customer_id)
        )
        return CustomerHistory(orders or 0, cancelled or 0, tickets or 0)


def _evidence_dict(evidence: Evidence) -> dict[str, Any]:
    return {
        "file_id": evidence.file_id,
        "file_unique_id": evidence.file_unique_id,
        "kind": evidence.kind,
        "size": evidence.size,
        "mime_type": evidence.mime_type,
    }
