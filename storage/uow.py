"""Unit of work: repositories over one session; the use case decides when to commit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories import (
    SqlAuditLog,
    SqlCustomerRepository,
    SqlLinkTokens,
    SqlOrderRepository,
    SqlOutbox,
    SqlPreferences,
    SqlRefundRepository,
    SqlTicketRepository,
)


class SqlUnitOfWork:
    """One session per update (or CLI command); leaving a block without commit rolls back.

    The session is opened by whoever owns the update (the database middleware,
    a CLI command) so that every use case of that update shares it.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.customers = SqlCustomerRepository(session)
        self.orders = SqlOrderRepository(session)
        self.refunds = SqlRefundRepository(session)
        self.tickets = SqlTicketRepository(session)
        self.outbox = SqlOutbox(session)
        self.link_tokens = SqlLinkTokens(session)
        self.prefs = SqlPreferences(session)
        self.audit = SqlAuditLog(session)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Whatever was not committed by the use case must not leak into the next one.
        await self.session.rollback()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
