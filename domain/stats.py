"""Staff's period at a glance (``/stats [days]``): cancels by reason and by the way they
went, how long reviews took and how many kept their deadline, refunds still owed, the
shoppers' ratings, and the last two weeks day by day.

Days are the shop's local days: ``/stats 7`` is today and the six days before it, from
local midnight. The numbers are the storage's aggregates (``StatsRepository``); nothing
here loads orders or tickets one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from domain.policy import ShopRules
from domain.ports import ShopStats, StatsWindow, UnitOfWork
from domain.shopper import refuse_press, typed_text

DEFAULT_DAYS = 7
MAX_DAYS = 90
#: Days the chart shows, whatever period the numbers cover.
CHART_DAYS = 14
_NUMBER = re.compile(r"[0-9]{1,3}")


def parse_days(args: str | None) -> int | None:
    """``/stats`` alone is a week; a number of days from 1 to ``MAX_DAYS``; else None."""
    text = typed_text(args or "")
    if not text:
        return DEFAULT_DAYS
    if not _NUMBER.fullmatch(text):
        return None
    days = int(text)
    return days if 1 <= days <= MAX_DAYS else None


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """When ``day`` begins in ``tz``, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def stats_window(
    now: datetime, tz: tzinfo, days: int, chart_days: int = CHART_DAYS
) -> StatsWindow:
    """The last ``days`` local days up to ``now``, and the chart's ``chart_days`` days."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    chart_first = today - timedelta(days=chart_days - 1)
    starts = tuple(
        local_midnight(chart_first + timedelta(days=n), tz) for n in range(chart_days + 1)
    )
    return StatsWindow(
        since=local_midnight(first, tz), until=now, today=today, tz=tz, day_starts=starts
    )


@dataclass(frozen=True, slots=True)
class StatsReport:
    days: int
    first_day: date
    last_day: date
    stats: ShopStats

    @property
    def on_time_share(self) -> float | None:
        decided = self.stats.tickets_decided
        return self.stats.decided_on_time / decided if decided else None


async def staff_stats(
    uow: UnitOfWork, *, days: int, user_id: int, is_staff: bool, rules: ShopRules, now: datetime
) -> StatsReport | None:
    """The period's numbers, for staff only (anyone else is refused, and audited)."""
    if not is_staff:
        await refuse_press(uow, "stats_not_staff", now, who=f"tg:{user_id}", budget=rules.refusals)
        return None
    window = stats_window(now, rules.tz, days)
    async with uow:
        stats = await uow.stats.summary(window)
    first_day = window.since.astimezone(rules.tz).date()
    return StatsReport(days, first_day, window.today, stats)
