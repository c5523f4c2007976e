"""The outbox: notifications queued with the change that causes them, claimed by the sender."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.notifications import encode
from domain.ports import (
    DeadNotification,
    Notification,
    OutboxMessage,
)
from storage import dialect
from storage.repositories._rows import _cells, _chunks, _rowcount
from storage.tables import (
    OutboxRow,
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
            "chain": notification.chain,
        }
        result = await self.session.execute(
            dialect.insert_ignoring_conflicts(self.session, OutboxRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[OutboxRow.dedupe_key])
        )
        return _rowcount(result) == 1

    async def claim(
        self, audience: str, *, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None:
        """Take the oldest due row of ``audience`` for sending, in one guarded statement.

        A row is due when it is pending and its time has come, or when it is
        being sent but its lease ran out (the sender crashed). While a row is
        being sent ``due_at`` holds the lease's end. The statement writes first
        and reads nothing before, so two senders (two processes on one SQLite
        file, or PostgreSQL) can never both win the same row.

        A row of a chain waits while an earlier row of its chain is unsettled
        (waiting, retrying or being sent): a case's messages go out in the order
        they were written, whatever failed or was held on the way.
        """
        earlier = aliased(OutboxRow)
        waits_behind = exists().where(
            earlier.chain == OutboxRow.chain,
            earlier.id < OutboxRow.id,
            earlier.status.in_(_CLAIMABLE),
        )
        due = and_(
            OutboxRow.audience == audience,
            OutboxRow.status.in_(_CLAIMABLE),
            OutboxRow.due_at <= now,
            or_(OutboxRow.chain.is_(None), ~waits_behind),
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
                row_id, kind, audience, customer_id, data, attempts = _cells(found)
                return OutboxMessage(
                    row_id, kind, audience, customer_id, data, attempts, lease=lease_until
                )
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
        return _rowcount(result) == 1

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
        return _rowcount(result) == 1

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
        return _rowcount(result) == 1

    async def renew(self, message: OutboxMessage, *, lease_until: datetime) -> bool:
        """Extend a claim still held; False when the lease already ran out or passed on."""
        result = await self.session.execute(
            update(OutboxRow).where(self._held(message)).values(due_at=lease_until)
        )
        return _rowcount(result) == 1

    async def message_id(self, dedupe_key: str) -> int | None:
        """The Telegram message a sent notification became (a staff card, to edit later)."""
        return await self.session.scalar(
            select(OutboxRow.message_id).where(OutboxRow.dedupe_key == dedupe_key)
        )

    async def existing(self, dedupe_keys: Sequence[str]) -> set[str]:
        """Which of these occasions were queued already (one query for a planner tick)."""
        found: set[str] = set()
        for chunk in _chunks(list(dedupe_keys)):
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

    async def dead(self, *, limit: int = 200) -> list[DeadNotification]:
        """Rows given up after a day of retries, oldest first."""
        found = await self.session.execute(
            select(
                OutboxRow.id,
                OutboxRow.kind,
                OutboxRow.audience,
                OutboxRow.attempts,
                OutboxRow.created_at,
                OutboxRow.last_error,
            )
            .where(OutboxRow.status == "dead")
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [
            DeadNotification(row_id, kind, audience, attempts, created_at, error)
            for row_id, kind, audience, attempts, created_at, error in found
        ]

    async def dead_count(self) -> int:
        counted = await self.session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "dead")
        )
        return int(counted or 0)

    async def requeue(self, ids: Sequence[int] | None) -> int:
        """Dead rows (all, or these) due again at once with a fresh retry budget; how many.

        Due from when they were written: already due for any sender's clock, and
        first in line, as the oldest news. Guarded by the status, so a row sent or
        re-queued meanwhile is left as it is.
        """
        revive = update(OutboxRow).where(OutboxRow.status == "dead")
        if ids is not None:
            revive = revive.where(OutboxRow.id.in_(list(ids)))
        result = await self.session.execute(
            revive.values(status="pending", due_at=OutboxRow.created_at, attempts=0)
        )
        return _rowcount(result)
