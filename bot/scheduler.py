"""APScheduler wiring. The scheduler holds no notifications: it only wakes the notifier.

Notifications are outbox rows; a job per message would be skipped when late
and lost in a crash. Two interval jobs run instead: the planner writes rows
for whatever has come due (reminders, arrival checks, the digest), and the
notifier is nudged every few seconds so rows whose retry time has come (or
whose sender crashed) go out even when no update arrives to wake it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.notifier import Notifier
from bot.planner import Planner
from domain.shop_cancels import CancelDesk

WAKE_JOB_ID = "outbox-wake"
CANCEL_JOB_ID = "shop-cancels"
PLAN_JOB_ID = "plan-due"

log = logging.getLogger(__name__)


def create_scheduler(
    notifier: Notifier,
    *,
    every_seconds: int,
    planner: Planner | None = None,
    plan_every_seconds: int = 60,
    desk: CancelDesk | None = None,
    retry_every_seconds: int = 15,
) -> AsyncIOScheduler:
    """A scheduler (not started) with the outbox wake-up job; start it inside the event loop."""
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def wake_outbox() -> None:
        # A coroutine job runs on the event loop itself; Event.set() is not thread-safe.
        notifier.wake()

    scheduler.add_job(
        wake_outbox,
        "interval",
        seconds=every_seconds,
        id=WAKE_JOB_ID,
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )
    if planner is not None:

        async def plan() -> None:
            try:
                report = await planner.tick()
            except Exception:  # the database may be briefly unavailable: the next tick retries
                log.exception("planning due notifications failed")
                return
            if report.total:
                notifier.wake()

        scheduler.add_job(
            plan,
            "interval",
            seconds=plan_every_seconds,
            id=PLAN_JOB_ID,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
            # First run at once: whatever came due while the bot was down is written now.
            next_run_time=datetime.now(UTC),
        )
    if desk is not None:

        async def ask_shop_again() -> None:
            try:
                await desk.retry_due()
            except Exception:  # the shop or the database may be briefly away: next tick
                log.exception("asking the shop again about pending cancels failed")

        scheduler.add_job(
            ask_shop_again,
            "interval",
            seconds=retry_every_seconds,
            id=CANCEL_JOB_ID,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler
