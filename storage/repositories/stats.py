"""Staff's /stats: every number is one aggregate query; no order, ticket or case is loaded."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.cases import Direction
from domain.orders import OrderStatus, RefundStatus
from domain.ports import DayCount, ShopStats, StatsWindow
from domain.tickets import TicketStatus
from storage import dialect
from storage.repositories._rows import _cells
from storage.tables import CaseMessageRow, CaseRow, OrderRow, RefundRow, SurveyRow, TicketRow

#: A ticket counts as decided when staff decided it; a withdrawn one was not reviewed.
_DECIDED = (
    TicketStatus.APPROVED.value,
    TicketStatus.REJECTED.value,
    TicketStatus.EXCHANGE_OFFERED.value,
)
_OPEN_REFUND = (RefundStatus.REQUESTED.value, RefundStatus.PROCESSING.value)


def _between(column: Any, since: datetime, until: datetime) -> ColumnElement[bool]:
    return and_(column >= since, column <= until)


def _per_day(column: Any, starts: tuple[datetime, ...]) -> list[ColumnElement[Any]]:
    """One count per local day: rows whose ``column`` falls in ``[start, next start)``."""
    return [
        func.coalesce(func.sum(case((and_(column >= a, column < b), 1), else_=0)), 0)
        for a, b in pairwise(starts)
    ]


class SqlStats:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def summary(self, window: StatsWindow) -> ShopStats:
        since, until = window.since, window.until
        cancelled = and_(
            OrderRow.status == OrderStatus.CANCELLED.value,
            _between(OrderRow.cancelled_at, since, until),
        )
        by_reason = await self._grouped(OrderRow.cancel_reason, cancelled)
        by_path = await self._grouped(OrderRow.cancel_path, cancelled)
        filed = await self.session.scalar(
            select(func.count())
            .select_from(TicketRow)
            .where(_between(TicketRow.created_at, since, until))
        )
        decided, on_time, median = await self._reviews(window)
        pending, overdue = await self._refunds(window)
        ratings, average = await self._ratings(window)
        opened, answered, waiting, first_reply = await self._cases(window)
        return ShopStats(
            cancels_by_reason=by_reason,
            cancels_by_path=by_path,
            tickets_filed=filed or 0,
            tickets_decided=decided,
            decided_on_time=on_time,
            median_review=median,
            cases_opened=opened,
            cases_answered=answered,
            cases_waiting=waiting,
            median_first_reply=first_reply,
            refunds_pending=pending,
            refunds_overdue=overdue,
            ratings=ratings,
            rating_average=average,
            days=await self._days(window),
        )

    async def _grouped(self, column: Any, where: ColumnElement[bool]) -> dict[str | None, int]:
        rows = await self.session.execute(
            select(column, func.count()).select_from(OrderRow).where(where).group_by(column)
        )
        return {key: int(count) for key, count in map(_cells, rows)}

    async def _reviews(self, window: StatsWindow) -> tuple[int, int, timedelta | None]:
        """Tickets decided in the period; how many by their deadline's day (in the shop's
        timezone); and the median time from filing to decision."""
        decided = and_(
            TicketRow.status.in_(_DECIDED),
            _between(TicketRow.decided_at, window.since, window.until),
        )
        decided_day = dialect.local_date(
            self.session, TicketRow.decided_at, window.tz, window.until
        )
        on_time = func.coalesce(func.sum(case((decided_day <= TicketRow.deadline, 1), else_=0)), 0)
        found = (await self.session.execute(select(func.count(), on_time).where(decided))).one()
        count, kept = int(found[0] or 0), int(found[1] or 0)
        if not count:
            return 0, 0, None
        took = dialect.seconds_between(self.session, TicketRow.created_at, TicketRow.decided_at)
        return count, kept, await self._median(took, decided, count)

    async def _median(
        self, took: ColumnElement[float], where: ColumnElement[bool], count: int
    ) -> timedelta:
        """The median of ``took`` over the ``count`` (at least one) rows ``where`` selects:
        the middle one (or the middle two) of the sorted times, read by position."""
        middle = await self.session.scalars(
            select(took).where(where).order_by(took).offset((count - 1) // 2).limit(2 - count % 2)
        )
        seconds = [float(value) for value in middle]
        return timedelta(seconds=round(sum(seconds) / len(seconds)))

    async def _cases(self, window: StatsWindow) -> tuple[int, int, int, timedelta | None]:
        """Cases opened in the period; of them, those staff answered and those still
        waiting for staff; and the median time from the shopper's first message to staff's
        first message after it (clock time), over the answered ones."""
        opened_in = _between(CaseRow.opened_at, window.since, window.until)
        opened = await self.session.scalar(
            select(func.count()).select_from(CaseRow).where(opened_in)
        )
        if not opened:
            return 0, 0, 0, None
        shopper, staff = aliased(CaseMessageRow), aliased(CaseMessageRow)
        asked = (
            select(shopper.case_id, func.min(shopper.created_at).label("asked"))
            .join(CaseRow, CaseRow.id == shopper.case_id)
            .where(opened_in, shopper.direction == Direction.IN.value)
            .group_by(shopper.case_id)
            .subquery()
        )
        # Saved replies are staff messages too; anything staff wrote before the shopper's
        # first message (a greeting into an empty case) answers nothing.
        answered_at = (
            select(func.min(staff.created_at))
            .where(
                staff.case_id == asked.c.case_id,
                staff.direction == Direction.OUT.value,
                staff.created_at >= asked.c.asked,
            )
            .scalar_subquery()
        )
        firsts = select(asked.c.asked, answered_at.label("answered")).subquery()
        found = (
            await self.session.execute(
                select(func.count(), func.count(firsts.c.answered)).select_from(firsts)
            )
        ).one()
        wrote, answered = int(found[0] or 0), int(found[1] or 0)
        if not answered:
            return opened, 0, wrote, None
        took = dialect.seconds_between(self.session, firsts.c.asked, firsts.c.answered)
        median = await self._median(took, firsts.c.answered.is_not(None), answered)
        return opened, answered, wrote - answered, median

    async def _refunds(self, window: StatsWindow) -> tuple[int, int]:
        """Refunds still owed now, and those of them past their latest expected day."""
        late = case((RefundRow.expected_latest < window.today, 1), else_=0)
        found = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(late), 0)).where(
                    RefundRow.status.in_(_OPEN_REFUND)
                )
            )
        ).one()
        return int(found[0] or 0), int(found[1] or 0)

    async def _ratings(self, window: StatsWindow) -> tuple[int, float | None]:
        found = (
            await self.session.execute(
                select(func.count(SurveyRow.rating), func.avg(SurveyRow.rating)).where(
                    SurveyRow.rating.is_not(None),
                    _between(SurveyRow.rated_at, window.since, window.until),
                )
            )
        ).one()
        count = int(found[0] or 0)
        return count, (float(found[1]) if count else None)

    async def _days(self, window: StatsWindow) -> tuple[DayCount, ...]:
        starts = window.day_starts
        first, last = starts[0], starts[-1]
        cancels = (
            await self.session.execute(
                select(*_per_day(OrderRow.cancelled_at, starts)).where(
                    OrderRow.status == OrderStatus.CANCELLED.value,
                    OrderRow.cancelled_at >= first,
                    OrderRow.cancelled_at < last,
                )
            )
        ).one()
        tickets = (
            await self.session.execute(
                select(*_per_day(TicketRow.created_at, starts)).where(
                    TicketRow.created_at >= first, TicketRow.created_at < last
                )
            )
        ).one()
        days = [start.astimezone(window.tz).date() for start in starts[:-1]]
        return tuple(
            DayCount(day, int(c or 0), int(t or 0))
            for day, c, t in zip(days, _cells(cancels), _cells(tickets), strict=True)
        )
