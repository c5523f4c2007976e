"""What the planner's staff rows say (review reminders, overdue alerts, the daily digest,
the missing holiday calendar), and the alert about a row that could not be delivered."""

from __future__ import annotations

from domain.calendar import CALENDAR_FILE_ENV
from domain.notifications import (
    CalendarWanted,
    DeadLetter,
    Digest,
    TicketAlert,
    TicketOverdue,
    TicketReminder,
)
from domain.staff import DAY_END, open_ticket_card
from handlers.notices.base import Letter, Outlet, Sent, Skip
from handlers.staff.ticket_views import left_text


async def _open_card(out: Outlet, alert: TicketAlert) -> int | None:
    """The ticket's card to reply to; Skip when the ticket was decided meanwhile."""
    async with out.uows() as uow:
        ticket, card_id = await open_ticket_card(uow, alert.ticket_id)
    if ticket is None:
        raise Skip(f"ticket {alert.ticket_id} is no longer open")
    return card_id


async def _alert(
    out: Outlet, letter: Letter[TicketReminder] | Letter[TicketOverdue], key: str, **extra: str
) -> Sent:
    t, alert = letter.t, letter.payload
    card = await _open_card(out, alert)
    text = t(
        key,
        id=alert.ticket_id,
        order_no=alert.order_no,
        deadline=t.promised(alert.deadline),
        time=DAY_END.strftime("%H:%M"),
        **extra,
    )
    return Sent(await out.send_text(letter.chat_id, text, reply_to=card))


async def ticket_reminder(out: Outlet, letter: Letter[TicketReminder]) -> Sent:
    left = left_text(letter.t, letter.payload.deadline, out.rules, out.clock.now())
    return await _alert(out, letter, "staff-reminder", left=left)


async def ticket_overdue(out: Outlet, letter: Letter[TicketOverdue]) -> Sent:
    return await _alert(out, letter, "staff-overdue")


async def digest(out: Outlet, letter: Letter[Digest]) -> Sent:
    t, day = letter.t, letter.payload
    text = t(
        "staff-digest",
        day=t.date(day.day),
        new=day.new,
        decided=day.decided,
        overdue=day.overdue,
        pending=day.refunds_pending,
        failed=day.refunds_failed,
    )
    return Sent(await out.send_text(letter.chat_id, text))


async def dead_letter(out: Outlet, letter: Letter[DeadLetter]) -> Sent:
    dead = letter.payload
    # One alert stands for the whole outage: it counts every row dead by the time it goes.
    async with out.uows() as uow:
        count = max(await uow.outbox.dead_count(), 1)
    text = letter.t(
        "staff-dead-letter",
        count=count,
        id=str(dead.outbox_id),
        kind=dead.kind.value,
        error=dead.error,
    )
    return Sent(await out.send_text(letter.chat_id, text))


async def calendar_wanted(out: Outlet, letter: Letter[CalendarWanted]) -> Sent:
    year = letter.payload.year
    # Built here, not in the locale file: Fluent would need every brace escaped.
    example = (
        f'{{"years": [{year}], "holidays": ["{year}-01-01", ...], '
        f'"workdays": ["{year}-MM-DD", ...]}}'
    )
    text = letter.t(
        "staff-calendar-wanted", year=str(year), env=CALENDAR_FILE_ENV, example=example
    )
    return Sent(await out.send_text(letter.chat_id, text))
