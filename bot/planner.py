"""Turns what has come due (arrival checks, reminders, the digest) into outbox rows.

Run by an APScheduler interval job and once at start, so whatever fell due while
the bot was down is written on the first tick after it comes back.
"""

from __future__ import annotations

import logging
from datetime import time

from domain.policy import ShopRules
from domain.ports import Clock
from domain.schedule import DIGEST_AT, PlanReport, plan_due
from storage.db import SessionFactory
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


class Planner:
    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        rules: ShopRules,
        clock: Clock,
        digest_at: time | None = DIGEST_AT,
    ) -> None:
        self.uows = SqlUnitOfWorkFactory(session_factory)
        self.digest_at = digest_at
        self.rules = rules
        self.clock = clock

    async def tick(self) -> PlanReport:
        async with self.uows() as uow:
            report = await plan_due(uow, self.rules, self.clock.now(), digest_at=self.digest_at)
        if report.total:
            log.info(
                "planned %s arrival checks, %s reminders, %s overdue alerts, %s digests, "
                "%s calendar reminders",
                report.arrival_checks,
                report.reminders,
                report.overdue,
                report.digests,
                report.calendar,
            )
        return report
