"""APScheduler wiring. The scheduler holds no notifications: it only wakes the notifier.

Notifications are outbox rows; a job per message would be skipped when late
and lost in a crash. One interval job nudges the notifier every few seconds so
rows whose retry time has come (or whose sender crashed) go out even when no
update arrives to wake it.
"""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.notifier import Notifier

WAKE_JOB_ID = "outbox-wake"


def create_scheduler(notifier: Notifier, *, every_seconds: int) -> AsyncIOScheduler:
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
    return scheduler
