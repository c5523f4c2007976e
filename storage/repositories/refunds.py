"""Refunds: their lifecycle, events, the shopper's answers and the shop wallet."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders import (
    Gateway,
    Refund,
    RefundStatus,
)
from domain.ports import (
    RefundChange,
    RefundDraft,
    RefundEvent,
)
from storage import dialect
from storage.repositories._rows import _cells, _event, _refund, _rowcount
from storage.tables import (
    OrderRow,
    RefundEventRow,
    RefundRow,
    WalletEntryRow,
)


class SqlRefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self):
        return select(RefundRow, OrderRow.order_no, OrderRow.customer_id).join(
            OrderRow, OrderRow.id == RefundRow.order_id
        )

    async def _one(self, *where: ColumnElement[bool]) -> Refund | None:
        found = (await self.session.execute(self._select().where(*where))).first()
        return _refund(*_cells(found)) if found else None

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

    async def hold_write_lock(self) -> None:
        """No refund may move between what a batch reads and what it writes."""
        await dialect.hold_write_lock(self.session, RefundRow)

    async def reported_under(self, provider_ref: str, *, limit: int = 2) -> list[int]:
        """The refunds a provider reference was ever reported under, by any attempt."""
        owners = await self.session.scalars(
            select(RefundEventRow.refund_id)
            .where(RefundEventRow.provider_ref == provider_ref)
            .distinct()
            .limit(limit)
        )
        return list(owners.all())

    async def for_customer(self, customer_id: int, *, limit: int = 10) -> list[Refund]:
        rows = await self.session.execute(
            self._select()
            .where(OrderRow.customer_id == customer_id)
            .order_by(RefundRow.created_at.desc(), RefundRow.id.desc())
            .limit(limit)
        )
        return [_refund(*_cells(r)) for r in rows]

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
        if change.amount_fen is not None:
            values["amount_fen"] = change.amount_fen
        if change.status is RefundStatus.VOIDED:
            pass  # withdrawn: what it was when withdrawn stays on the row
        elif change.status is RefundStatus.PROCESSING:
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
        else:  # re-initiated or reopened: a new attempt starts clean, and is asked about again
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
        return _rowcount(result) == 1

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
        return _rowcount(result) == 1

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
        return [_refund(*_cells(r)) for r in rows]

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
        return _rowcount(result) == 1

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
        """One ledger credit per refund and try; False if it was credited."""
        return await self._ledger(refund, f"credit:{refund.id}:{refund.attempt}", 1, now)

    async def debit_wallet(self, refund: Refund, now: datetime) -> bool:
        """Take a try's credit back (the order was restored), once; False if it was."""
        return await self._ledger(refund, f"debit:{refund.id}:{refund.attempt}", -1, now)

    async def _ledger(self, refund: Refund, key: str, sign: int, now: datetime) -> bool:
        exists = await self.session.scalar(
            select(WalletEntryRow.id).where(WalletEntryRow.entry_key == key)
        )
        if exists is not None:
            return False
        self.session.add(
            WalletEntryRow(
                customer_id=refund.customer_id,
                refund_id=refund.id,
                entry_key=key,
                amount_fen=sign * refund.amount_fen,
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
