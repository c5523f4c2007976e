"""Unit of work: repositories over one session; the use case decides when to commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import (
    SqlAuditLog,
    SqlCancelRequests,
    SqlCaseRepository,
    SqlCustomerRepository,
    SqlLinkTokens,
    SqlOrderRepository,
    SqlOutbox,
    SqlPreferences,
    SqlRefundRepository,
    SqlSatisfaction,
    SqlSavedReplies,
    SqlShopEvents,
    SqlStats,
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
        self.cancels = SqlCancelRequests(session)
        self.shop_events = SqlShopEvents(session)
        self.cases = SqlCaseRepository(session)
        self.replies = SqlSavedReplies(session)
        self.satisfaction = SqlSatisfaction(session)
        self.stats = SqlStats(session)

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


class SqlUnitOfWorkFactory:
    """A unit of work over a session of its own, for work outside an update.

    The sender, the scheduler and CLI commands open one per step
    (``async with uows() as uow:``) and never see a session themselves.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[SqlUnitOfWork]:
        async with self.session_factory() as session, SqlUnitOfWork(session) as uow:
            yield uow
