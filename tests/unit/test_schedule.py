"""When pushes may go out and when reminders fall due, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkdayCalendar
from domain.orders import PaymentChannel, Refund, RefundStatus
from domain.policy import ShopRules
from domain.schedule import arrival_check_due, digest_day, quiet_until, ticket_alert
from domain.tickets import Ticket, TicketKind, TicketReason, TicketStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = ShopRules(WorkdayCalendar(), SHANGHAI)


def local(day: int, hour: int, minute: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=tz).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "held_until"),
    [
        (local(26, 21, 59), None),
        (local(26, 22, 0), local(27, 8)),
        (local(26, 23, 30), local(27, 8)),
        (local(27, 3, 0), local(27, 8)),
        (local(27, 7, 59), local(27, 8)),
        (local(27, 8, 0), None),
        (local(27, 12, 0), None),
    ],
)
def test_pushes_wait_for_the_shoppers_morning(now: datetime, held_until: datetime | None) -> None:
    assert quiet_until(now, SHANGHAI) == held_until


def test_quiet_hours_follow_the_shoppers_own_timezone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 15:00 in Shanghai is 08:00 in Berlin: fine there; 05:00 Shanghai is 22:00 Berlin.
    assert quiet_until(local(26, 15), berlin) is None
    assert quiet_until(local(27, 5), berlin) == datetime(2026, 11, 27, 8, tzinfo=berlin)


def refund(latest: date) -> Refund:
    at = local(26, 10)
    return Refund(
        id=1,
        order_id=1,
        order_no="A1",
        amount_fen=600,
        channel=PaymentChannel.WECHAT,
        status=RefundStatus.PROCESSING,
        expected_earliest=latest,
        expected_latest=latest,
        created_at=at,
        updated_at=at,
    )


def test_arrival_is_asked_on_the_evening_of_the_last_expected_day() -> None:
    due = refund(date(2026, 11, 30))
    assert not arrival_check_due(due, local(30, 17, 59), SHANGHAI)
    assert arrival_check_due(due, local(30, 18), SHANGHAI)
    assert arrival_check_due(due, local(30, 18) + timedelta(days=3), SHANGHAI)


def ticket(deadline: date) -> Ticket:
    return Ticket(
        id=7,
        order_id=1,
        order_no="A1",
        customer_id=1,
        kind=TicketKind.CANCEL,
        reason=TicketReason.DUPLICATE,
        reason_text="",
        status=TicketStatus.OPEN,
        created_at=local(26, 10),
        deadline=deadline,
    )


def test_a_ticket_is_reminded_under_four_working_hours_and_alerted_when_overdue() -> None:
    open_ticket = ticket(date(2026, 11, 30))  # Monday; the working day ends at 18:00
    assert ticket_alert(open_ticket, RULES, local(30, 13, 59)) is None
    reminder = ticket_alert(open_ticket, RULES, local(30, 14, 1))
    assert reminder is not None and reminder.kind == "staff.ticket_reminder"
    assert reminder.dedupe_key == "ticket-reminder:7"
    overdue = ticket_alert(open_ticket, RULES, local(30, 18))
    assert overdue is not None and overdue.kind == "staff.ticket_overdue"


def test_working_hours_skip_the_weekend_for_reminders() -> None:
    # Deadline Monday: on Friday 17:00 there are 1 + 9 working hours left, so no reminder.
    assert ticket_alert(ticket(date(2026, 11, 30)), RULES, local(27, 17)) is None


def test_the_digest_is_due_from_nine_in_the_morning() -> None:
    assert digest_day(local(27, 8, 59), SHANGHAI) is None
    assert digest_day(local(27, 9), SHANGHAI) == date(2026, 11, 27)
