"""The audit log: one row for every change and every refused press."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports import (
    AuditEntry,
)
from storage.tables import (
    AuditRow,
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
