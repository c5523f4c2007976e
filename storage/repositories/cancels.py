"""Requests to the shop's order system to cancel an order, and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders import OrderStatus
from domain.ports import CancelRequest, CancelState, RequestKind
from storage.repositories._rows import _rowcount
from storage.tables import CancelRequestRow


def _request(row: CancelRequestRow) -> CancelRequest:
    return CancelRequest(
        id=row.id,
        order_id=row.order_id,
        idempotency_key=row.idempotency_key,
        expected_status=OrderStatus(row.expected_status),
        actor=row.actor,
        state=CancelState(row.state),
        requested_at=row.requested_at,
        attempts=row.attempts,
        next_try_at=row.next_try_at,
        ticket_id=row.ticket_id,
        reviewer_id=row.reviewer_id,
        last_error=row.last_error,
        settled_at=row.settled_at,
        shop_status=OrderStatus(row.shop_status) if row.shop_status else None,
        refund_ref=row.refund_ref,
        alerted_at=row.alerted_at,
        kind=RequestKind(row.kind),
        target=OrderStatus(row.target_status) if row.target_status else None,
    )


class SqlCancelRequests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        order_id: int,
        *,
        key: str,
        expected: OrderStatus,
        actor: str,
        now: datetime,
        ticket_id: int | None = None,
        reviewer_id: int | None = None,
        kind: RequestKind = RequestKind.CANCEL,
        target: OrderStatus | None = None,
    ) -> CancelRequest:
        row = CancelRequestRow(
            kind=kind.value,
            target_status=target.value if target else None,
            order_id=order_id,
            idempotency_key=key,
            expected_status=expected.value,
            actor=actor,
            ticket_id=ticket_id,
            reviewer_id=reviewer_id,
            state=CancelState.PENDING.value,
            requested_at=now,
            attempts=0,
            next_try_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _request(row)

    async def get(self, request_id: int) -> CancelRequest | None:
        row = await self.session.get(CancelRequestRow, request_id, populate_existing=True)
        return _request(row) if row else None

    async def claim(self, request_id: int, *, now: datetime, until: datetime) -> bool:
        """Take a pending request for one try; False while another sender holds it."""
        result = await self.session.execute(
            update(CancelRequestRow)
            .where(
                CancelRequestRow.id == request_id,
                CancelRequestRow.state == CancelState.PENDING.value,
                or_(CancelRequestRow.lease_until.is_(None), CancelRequestRow.lease_until <= now),
            )
            .values(lease_until=until, attempts=CancelRequestRow.attempts + 1)
        )
        return _rowcount(result) == 1

    async def due(self, now: datetime, *, limit: int = 50) -> list[int]:
        rows = await self.session.scalars(
            select(CancelRequestRow.id)
            .where(
                CancelRequestRow.state == CancelState.PENDING.value,
                CancelRequestRow.next_try_at <= now,
                or_(CancelRequestRow.lease_until.is_(None), CancelRequestRow.lease_until <= now),
            )
            .order_by(CancelRequestRow.next_try_at)
            .limit(limit)
        )
        return list(rows)

    async def settle(
        self,
        request_id: int,
        state: CancelState,
        *,
        now: datetime,
        shop_status: OrderStatus | None = None,
        refund_ref: str | None = None,
    ) -> bool:
        """Record the shop's answer, once: only a request still pending changes."""
        result = await self.session.execute(
            update(CancelRequestRow)
            .where(
                CancelRequestRow.id == request_id,
                CancelRequestRow.state == CancelState.PENDING.value,
            )
            .values(
                state=state.value,
                settled_at=now,
                lease_until=None,
                shop_status=shop_status.value if shop_status else None,
                refund_ref=refund_ref,
            )
        )
        return _rowcount(result) == 1

    async def retry_later(self, request_id: int, *, next_try_at: datetime, error: str) -> None:
        # Only a request still pending: one settled meanwhile by another sender stays so.
        await self.session.execute(
            update(CancelRequestRow)
            .where(
                CancelRequestRow.id == request_id,
                CancelRequestRow.state == CancelState.PENDING.value,
            )
            .values(next_try_at=next_try_at, lease_until=None, last_error=error[:300])
        )

    async def mark_alerted(self, request_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(CancelRequestRow)
            .where(CancelRequestRow.id == request_id, CancelRequestRow.alerted_at.is_(None))
            .values(alerted_at=now)
        )
        return _rowcount(result) == 1
