"""Rows to domain objects, shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, Row, and_

from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Gateway,
    Order,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    Refund,
    RefundStatus,
    TabClause,
    normalize_phone,
)
from domain.ports import (
    RefundEvent,
)
from domain.tickets import (
    Evidence,
    RejectReason,
    Ticket,
    TicketKind,
    TicketReason,
    TicketStatus,
)
from storage.tables import (
    CouponRow,
    CustomerRow,
    OrderRow,
    RefundEventRow,
    RefundRow,
    TicketRow,
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
        cancelling_since=row.cancelling_since,
        restoring_since=row.restoring_since,
        restored_at=row.restored_at,
    )


def _tab_clause(clause: TabClause) -> ColumnElement[bool]:
    condition = OrderRow.status == clause.status.value
    if clause.kinds is not None:
        condition = and_(condition, OrderRow.product_kind.in_([k.value for k in clause.kinds]))
    return condition


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


def _evidence(items: list[dict[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(Evidence.from_dict(e) for e in items)


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


#: Keys per ``IN (...)`` list, below SQLite's oldest limit of 999 bound parameters.
IN_CHUNK = 500


def _chunks(items: list[str]) -> Iterator[list[str]]:
    size = IN_CHUNK  # read when called, so a test can make the lists short
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _cells(row: Row[Any]) -> tuple[Any, ...]:
    """A result row's columns, to hand on to a mapper (typed loosely, as rows are)."""
    return tuple(row)


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched. ``execute()`` is typed as returning a plain
    ``Result``; for those statements it is a ``CursorResult``, which counts them."""
    return cast(CursorResult[Any], result).rowcount
