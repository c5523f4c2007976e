"""Tickets: applications for cancel, their evidence and their decision."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders import (
    OrderStatus,
)
from domain.ports import (
    CustomerHistory,
    TicketDraft,
)
from domain.tickets import (
    Evidence,
    RejectReason,
    Ticket,
    TicketStatus,
)
from storage.repositories._rows import _cells, _rowcount, _ticket
from storage.tables import (
    OrderRow,
    TicketRow,
)


class SqlTicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self):
        return select(TicketRow, OrderRow.order_no).join(
            OrderRow, OrderRow.id == TicketRow.order_id
        )

    async def _one(self, *where: ColumnElement[bool]) -> Ticket | None:
        found = (await self.session.execute(self._select().where(*where))).first()
        return _ticket(*_cells(found)) if found else None

    async def add(self, draft: TicketDraft, now: datetime) -> Ticket | None:
        """File a ticket; None when the order already has an open one (even if filed just now)."""
        row = TicketRow(
            order_id=draft.order_id,
            open_order_id=draft.order_id,
            customer_id=draft.customer_id,
            kind=draft.kind.value,
            reason=draft.reason.value,
            reason_text=draft.reason_text,
            evidence=[e.to_dict() for e in draft.evidence],
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

    async def for_order(self, order_id: int) -> list[Ticket]:
        """Every ticket of the order, oldest first (its history)."""
        rows = await self.session.execute(
            self._select()
            .where(TicketRow.order_id == order_id)
            .order_by(TicketRow.created_at, TicketRow.id)
        )
        return [_ticket(*_cells(r)) for r in rows]

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
        return [_ticket(*_cells(r)) for r in rows]

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
        return [_ticket(*_cells(r)) for r in rows]

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
        return _rowcount(result) == 1

    async def add_evidence(self, ticket: Ticket, evidence: Evidence, now: datetime) -> bool:
        """Append a screenshot to the ticket as the caller saw it, in one guarded update.

        False when the ticket closed or gained a screenshot meanwhile: the caller
        looks again, so two uploads at once can neither lose one nor pass the limit.
        """
        items = [*(e.to_dict() for e in ticket.evidence), evidence.to_dict()]
        result = await self.session.execute(
            update(TicketRow)
            .where(
                TicketRow.id == ticket.id,
                TicketRow.status == TicketStatus.OPEN.value,
                TicketRow.evidence_count == len(ticket.evidence),
            )
            .values(evidence=items, evidence_count=len(items), updated_at=now)
        )
        return _rowcount(result) == 1

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
