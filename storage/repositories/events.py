"""Events from the shop's order system, kept by id with the answer each got."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import dialect
from storage.repositories._rows import _rowcount
from storage.tables import ShopEventRow


class SqlShopEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def answer(self, event_id: str) -> dict[str, Any] | None:
        found = await self.session.scalar(
            select(ShopEventRow.answer).where(ShopEventRow.event_id == event_id)
        )
        return dict(found) if found is not None else None

    async def record(
        self, event_id: str, *, kind: str, answer: dict[str, Any], now: datetime
    ) -> bool:
        """Keep the answer; False when the same event was recorded first by another."""
        result = await self.session.execute(
            dialect.insert_ignoring_conflicts(self.session, ShopEventRow)
            .values(event_id=event_id, kind=kind, received_at=now, answer=answer)
            .on_conflict_do_nothing(index_elements=[ShopEventRow.event_id])
        )
        return _rowcount(result) == 1
