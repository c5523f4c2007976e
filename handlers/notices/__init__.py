"""One renderer per notification kind: what the sender puts in a chat for each row."""

from __future__ import annotations

from collections.abc import Mapping

from domain.notifications import Kind
from handlers.notices import (
    accounts,
    cases,
    orders,
    refund_cards,
    refunds,
    reminders,
    restores,
    satisfaction,
    tickets,
)
from handlers.notices.base import Letter, NotReady, Outlet, Renderer, Sent, Skip

RENDERERS: Mapping[Kind, Renderer] = {
    Kind.STAFF_TICKET_NEW: tickets.ticket_card,
    Kind.STAFF_TICKET_EVIDENCE: tickets.evidence,
    Kind.STAFF_TICKET_WITHDRAWN: tickets.withdrawn,
    Kind.STAFF_TICKET_REMINDER: reminders.ticket_reminder,
    Kind.STAFF_TICKET_OVERDUE: reminders.ticket_overdue,
    Kind.STAFF_DIGEST: reminders.digest,
    Kind.STAFF_DEAD_LETTER: reminders.dead_letter,
    Kind.STAFF_CALENDAR_WANTED: reminders.calendar_wanted,
    Kind.STAFF_REFUND_REQUESTED: refund_cards.refund_requested,
    Kind.STAFF_REFUND_UPDATED: refund_cards.refund_updated,
    Kind.STAFF_REFUND_FAILED: refund_cards.refund_failed,
    Kind.STAFF_REFUND_FOLLOWUP: refund_cards.refund_followup,
    Kind.CUSTOMER_TICKET_DECIDED: tickets.decided,
    Kind.CUSTOMER_REFUND_SUBMITTED: refunds.refund_submitted,
    Kind.CUSTOMER_REFUND_SUCCEEDED: refunds.refund_succeeded,
    Kind.CUSTOMER_REFUND_FAILED: refunds.refund_failed,
    Kind.CUSTOMER_REFUND_ARRIVAL_CHECK: refunds.refund_arrival_check,
    Kind.CUSTOMER_ORDER_CANCELLED: orders.order_cancelled,
    Kind.CUSTOMER_CANCEL_SETTLED: orders.cancel_settled,
    Kind.CUSTOMER_CANCEL_DELAYED: orders.cancel_delayed,
    Kind.STAFF_SHOP_SILENT: orders.shop_silent,
    Kind.STAFF_SHOP_REFUSED: orders.shop_refused,
    Kind.CUSTOMER_LINK_ATTEMPT: accounts.link_attempt,
    Kind.CUSTOMER_RESTORE_SETTLED: restores.restore_settled,
    Kind.CUSTOMER_COUPON_RETURNED: restores.coupon_returned,
    Kind.STAFF_CASE_OPENED: cases.case_opened,
    Kind.STAFF_CASE_MESSAGE: cases.shopper_wrote,
    Kind.STAFF_CASE_CHANGED: cases.case_changed,
    Kind.CUSTOMER_CASE_MESSAGE: cases.staff_wrote,
    Kind.CUSTOMER_CASE_CLOSED: cases.case_closed,
    Kind.CUSTOMER_CASE_REOPENED: cases.case_reopened,
    Kind.CUSTOMER_SATISFACTION_ASK: satisfaction.satisfaction_ask,
}


class MissingRenderer(LookupError):
    """A kind the domain may queue that nothing would send."""


def check_renderers(renderers: Mapping[Kind, Renderer] = RENDERERS) -> None:
    """Raise unless every kind has a renderer: at start-up, not when its first row comes."""
    missing = [kind.value for kind in Kind if kind not in renderers]
    if missing:
        raise MissingRenderer(f"no renderer for {', '.join(missing)}")


__all__ = [
    "RENDERERS",
    "Letter",
    "MissingRenderer",
    "NotReady",
    "Outlet",
    "Renderer",
    "Sent",
    "Skip",
    "check_renderers",
]
