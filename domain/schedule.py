"""What is due to be said, and when: arrival checks, review reminders, the daily digest,
and the weekly reminder that next year's official holidays are still missing.

The scheduler never holds a message. Each tick turns "this is due now" into
an outbox row with a key that names the occasion (``refund-arrival:7:1``,
``ticket-overdue:12``, ``digest:2026-11-27``), so a tick that comes late —
after a restart, after hours of downtime — still writes each one exactly once,
and a second tick, or a second process, writes nothing more.

Quiet hours are the shopper's night (22:00–08:00 in their timezone): pushes
wait for the morning. Replies to what a shopper just did are not pushes and
are never held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from domain.notifications import (
    ArrivalCheck,
    CalendarWanted,
    Digest,
    FollowUp,
    Kind,
    TicketOverdue,
    TicketReminder,
)
from domain.orders import Refund, RefundStatus
from domain.policy import ShopRules
from domain.ports import Notification, UnitOfWork
from domain.refunds import follow_up, refund_news
from domain.staff import hours_left
from domain.tickets import Ticket

QUIET_START = time(22)
QUIET_END = time(8)
#: On the last expected day, the evening: "it should have arrived by now" is then true.
ARRIVAL_CHECK_AT = time(18)
#: Staff are reminded when an open ticket has less than this many working hours left.
REMINDER_HOURS = 4.0
DIGEST_AT = time(9)
#: Open tickets looked at per tick, nearest deadline first.
TICKETS_PER_TICK = 500


def quiet_until(now: datetime, tz: tzinfo) -> datetime | None:
    """The end of the shopper's night if ``now`` falls in it, else None."""
    local = now.astimezone(tz)
    if QUIET_END <= local.time() < QUIET_START:
        return None
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=tz)


def arrival_check_due(refund: Refund, now: datetime, tz: tzinfo) -> bool:
    """Whether the last expected day's evening has come (ask the shopper, or tell staff)."""
    due = datetime.combine(refund.expected_latest, ARRIVAL_CHECK_AT, tzinfo=tz)
    return now >= due


def arrival_check(refund: Refund, now: datetime) -> Notification:
    return Notification(
        kind=Kind.CUSTOMER_REFUND_ARRIVAL_CHECK,
        audience="customer",
        dedupe_key=f"refund-arrival:{refund.id}:{refund.attempt}",
        due_at=now,
        customer_id=refund.customer_id or None,
        payload=refund_news(ArrivalCheck, refund),
    )


def ticket_alert(ticket: Ticket, rules: ShopRules, now: datetime) -> Notification | None:
    """A reminder under 4 working hours left; an overdue alert once the time is up.

    A ticket found already overdue (the bot was down through its last hours)
    gets the overdue alert only: a "4 hours left" after the fact would mislead.
    """
    left = hours_left(ticket.deadline, rules, now)
    if left >= REMINDER_HOURS:
        return None
    payload: TicketOverdue | TicketReminder
    if left <= 0:
        kind, key = Kind.STAFF_TICKET_OVERDUE, f"ticket-overdue:{ticket.id}"
        payload = TicketOverdue(ticket.id, ticket.order_no, ticket.deadline)
    else:
        kind, key = Kind.STAFF_TICKET_REMINDER, f"ticket-reminder:{ticket.id}"
        payload = TicketReminder(ticket.id, ticket.order_no, ticket.deadline)
    return Notification(
        kind=kind,
        audience="staff",
        dedupe_key=key,
        due_at=now,
        customer_id=ticket.customer_id,
        payload=payload,
    )


def digest_day(now: datetime, tz: tzinfo, at: time = DIGEST_AT) -> date | None:
    """The day whose digest is due at ``now`` (from ``at`` local time), else None."""
    local = now.astimezone(tz)
    return local.date() if local.time() >= at else None


@dataclass
class PlanReport:
    arrival_checks: int = 0
    unsubmitted: int = 0  # refunds at their last expected day that staff never pushed out
    reminders: int = 0
    overdue: int = 0
    digests: int = 0
    calendar: int = 0
    keys: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.arrival_checks
            + self.unsubmitted
            + self.reminders
            + self.overdue
            + self.digests
            + self.calendar
        )


async def plan_due(
    uow: UnitOfWork, rules: ShopRules, now: datetime, *, digest_at: time | None = DIGEST_AT
) -> PlanReport:
    """Write every notification whose time has come and that was not written yet; commits.

    ``digest_at`` None: the shop turned the daily digest off.
    """
    report = PlanReport()
    async with uow:
        await _arrival_checks(uow, rules, now, report)
        await _ticket_alerts(uow, rules, now, report)
        if digest_at is not None:
            await _digest(uow, rules, now, report, digest_at)
        await _calendar_wanted(uow, rules, now, report)
        await uow.commit()
    return report


def calendar_reminder(rules: ShopRules, now: datetime) -> Notification | None:
    """Once a week while a year the shop's dates reach into has no official calendar.

    The key names the ISO week, so each week's reminder is written once however
    often the planner ticks, and a restart does not repeat it.
    """
    local = now.astimezone(rules.tz)
    year = rules.calendar.wanted_year(local.date())
    if year is None:
        return None
    iso = local.isocalendar()
    return Notification(
        kind=Kind.STAFF_CALENDAR_WANTED,
        audience="staff",
        dedupe_key=f"calendar-wanted:{year}:{iso.year}-W{iso.week:02d}",
        due_at=now,
        payload=CalendarWanted(year),
    )


async def _calendar_wanted(
    uow: UnitOfWork, rules: ShopRules, now: datetime, report: PlanReport
) -> None:
    row = calendar_reminder(rules, now)
    if row is None or await uow.outbox.existing([row.dedupe_key]):
        return
    if await uow.outbox.add(row, now):
        report.calendar += 1
        report.keys.append(row.dedupe_key)


async def _arrival_checks(
    uow: UnitOfWork, rules: ShopRules, now: datetime, report: PlanReport
) -> None:
    today = now.astimezone(rules.tz).date()
    for refund in await uow.refunds.awaiting_arrival(today):
        if not arrival_check_due(refund, now, rules.tz):
            continue
        # The mark and the row go together: written once per window, even with two planners.
        if not await uow.refunds.mark_arrival_asked(refund, now):
            continue
        if refund.status is RefundStatus.PROCESSING:
            row = arrival_check(refund, now)
        else:
            # Never pushed out: asking the shopper about money nobody sent would mislead;
            # staff are told instead. Submitting it later opens a new window and a new check.
            row = follow_up(refund, FollowUp.DUE, due=now)
        if await uow.outbox.add(row, now):
            if row.audience == "customer":
                report.arrival_checks += 1
            else:
                report.unsubmitted += 1
            report.keys.append(row.dedupe_key)


async def _ticket_alerts(
    uow: UnitOfWork, rules: ShopRules, now: datetime, report: PlanReport
) -> None:
    # Tickets due after the next working day have more than 4 working hours left.
    horizon = rules.calendar.add_workdays(now.astimezone(rules.tz).date(), 1)
    tickets = await uow.tickets.open_queue(limit=TICKETS_PER_TICK, due_by=horizon)
    rows = [row for t in tickets if (row := ticket_alert(t, rules, now)) is not None]
    # Overdue tickets stay open until decided: look their alerts up once, not insert per tick.
    done = await uow.outbox.existing([row.dedupe_key for row in rows])
    for row in rows:
        if row.dedupe_key not in done and await uow.outbox.add(row, now):
            if row.kind is Kind.STAFF_TICKET_OVERDUE:
                report.overdue += 1
            else:
                report.reminders += 1
            report.keys.append(row.dedupe_key)


async def _digest(
    uow: UnitOfWork, rules: ShopRules, now: datetime, report: PlanReport, at: time
) -> None:
    day = digest_day(now, rules.tz, at)
    if day is None:
        return
    key = f"digest:{day.isoformat()}"
    if await uow.outbox.existing([key]):
        return
    # A digest covers everything since the previous one, so days the bot was down are
    # counted in the first digest after it, not skipped and not sent as stale copies.
    since = await uow.outbox.last_created(Kind.STAFF_DIGEST) or now - timedelta(days=1)
    new, decided = await uow.tickets.counts_between(since, now)
    overdue = sum(
        1
        for ticket in await uow.tickets.open_queue(limit=TICKETS_PER_TICK, due_by=day)
        if hours_left(ticket.deadline, rules, now) <= 0
    )
    pending, failed = await uow.refunds.counts_pending()
    row = Notification(
        kind=Kind.STAFF_DIGEST,
        audience="staff",
        dedupe_key=key,
        due_at=now,
        payload=Digest(
            day=day,
            since=since,
            new=new,
            decided=decided,
            overdue=overdue,
            refunds_pending=pending,
            refunds_failed=failed,
        ),
    )
    if await uow.outbox.add(row, now):
        report.digests += 1
        report.keys.append(key)
