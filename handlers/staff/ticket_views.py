"""Tickets as the staff group sees them: cards, their buttons, /queue, /order timelines, the
presser's answer to a decision, and the shopper's news of it.

Text comes from ``staff.ftl``; nothing here talks to Telegram or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.coupons import CouponReturn, returnable_by_staff
from domain.orders import Order, ProductKind
from domain.policy import ShopRules
from domain.restore import CouponBack, RestoreBlock
from domain.review import ReviewOutcome, StaffTicketView, exchange_allowed
from domain.shopper import OrderCard
from domain.staff import CardAccess, OrderTimeline, StaffDecision, hours_left
from domain.tickets import REJECTS, RejectReason, Ticket, TicketKind, TicketStatus
from handlers.coupon_views import coupon_expiry
from handlers.i18n import Translator, money
from handlers.restore_views import status_name
from handlers.staff.callbacks import RejectCb, StaffCouponCb, StaffTicketAction, StaffTicketCb
from handlers.timeline_views import fit, staff_lines
from handlers.views import refund_line, status_label

Rendered = tuple[str, InlineKeyboardMarkup | None]

#: Why a press on a card is refused, when it is.
CARD_REFUSALS = {
    CardAccess.NOT_STAFF: "staff-alert-not-staff",
    CardAccess.NOT_FOUND: "staff-alert-not-found",
}


# --------------------------------------------------------------------------- pieces


def left_text(t: Translator, deadline: date, rules: ShopRules, now: datetime) -> str:
    hours = hours_left(deadline, rules, now)
    shown = f"{abs(hours):.1f}".removesuffix(".0")
    return t("staff-left-hours" if hours >= 0 else "staff-left-overdue", hours=shown)


def of_kind(t: Translator, key: str, kind: TicketKind) -> str:
    """The key's wording for this kind of ticket (a restore, a coupon), else the cancel's."""
    specific = f"{key}-{kind}"
    return specific if t.has(specific) else key


def ticket_outcome_text(t: Translator, ticket: Ticket, who: str, tz: tzinfo) -> str:
    """What happened to a closed ticket, by whom and when."""
    at = t.datetime(ticket.decided_at, tz) if ticket.decided_at else ""
    if ticket.status is TicketStatus.REJECTED:
        reason = ticket.decision_note or t(f"staff-reject-{ticket.reject_reason or 'other'}")
        return t("staff-outcome-rejected", reason=reason, who=who, time=at)
    return t(of_kind(t, f"staff-outcome-{ticket.status}", ticket.kind), who=who, time=at)


def _key_line(t: Translator, activated: bool | None) -> str:
    if activated is None:
        return t("staff-card-key-unknown")
    return t("staff-card-key-true" if activated else "staff-card-key-false")


def order_lines(t: Translator, card: OrderCard) -> list[str]:
    """The order's facts, as both the ticket card and /order show them."""
    order = card.order
    lines = [
        t(
            "staff-card-order",
            order_no=order.order_no,
            product=order.product_name,
            kind=t(f"kind-{order.product_kind}"),
            quantity=str(order.quantity),
        )
    ]
    if order.payment_channel is not None and order.paid_at is not None:
        channel = t(f"channel-{order.payment_channel}")
        lines.append(t("staff-card-paid", amount=money(order.amount_paid_fen), channel=channel))
    else:
        lines.append(t("staff-card-unpaid", amount=money(order.amount_paid_fen)))
    lines.append(t("staff-card-status", status=status_label(t, order)))
    if order.product_kind is ProductKind.CARD_KEY:
        lines.append(_key_line(t, order.card_key_activated))
    if card.refund is not None:
        lines.append(refund_line(t, card.refund))
    return lines


# --------------------------------------------------------------------------- the card


def ticket_card_text(
    t: Translator, view: StaffTicketView, rules: ShopRules, now: datetime, who: str = ""
) -> str:
    ticket, history = view.ticket, view.history
    lines = [t("staff-card-title", id=ticket.id, kind=t(f"staff-kind-{ticket.kind}"))]
    if not ticket.status.closed:
        left = left_text(t, ticket.deadline, rules, now)
        lines.append(t("staff-card-deadline", deadline=t.promised(ticket.deadline), left=left))
    lines.append(
        t(
            "staff-card-customer",
            name=view.customer_name,
            orders=history.orders,
            cancelled=history.cancelled,
            tickets=history.tickets,
        )
    )
    lines += order_lines(t, view.card)
    if ticket.kind is TicketKind.RESTORE and not ticket.status.closed:
        lines += restore_plan_lines(t, view.card)
    lines.append(t("staff-card-reason", reason=t(f"staff-reason-{ticket.reason}")))
    if ticket.reason_text:
        lines.append(t("staff-card-text", text=ticket.reason_text))
    count = len(ticket.evidence)
    lines.append(t("staff-card-evidence", count=count) if count else t("staff-card-no-evidence"))
    if ticket.status.closed:
        lines += ["", ticket_outcome_text(t, ticket, who, rules.tz)]
    return "\n".join(lines)


def decision_keyboard(t: Translator, view: StaffTicketView) -> InlineKeyboardMarkup | None:
    ticket, order = view.ticket, view.card.order
    builder = InlineKeyboardBuilder()
    decisions = 0
    if not ticket.status.closed:
        builder.button(
            text=t(of_kind(t, "staff-btn-approve", ticket.kind)),
            callback_data=StaffTicketCb(action=StaffTicketAction.APPROVE, ticket_id=ticket.id),
        )
        builder.button(
            text=t("staff-btn-reject"),
            callback_data=StaffTicketCb(action=StaffTicketAction.REJECT, ticket_id=ticket.id),
        )
        decisions = 2
        if exchange_allowed(ticket.kind, order.product_kind):
            builder.button(
                text=t("staff-btn-exchange"),
                callback_data=StaffTicketCb(
                    action=StaffTicketAction.EXCHANGE, ticket_id=ticket.id
                ),
            )
            decisions = 3
    # A dispute about a coupon the cancel kept: staff may give it back from any card.
    if ticket.kind is not TicketKind.COUPON and returnable_by_staff(order) and order.coupon:
        builder.button(
            text=t("staff-btn-return-coupon", title=order.coupon.title),
            callback_data=StaffCouponCb(order_id=order.id, ticket_id=ticket.id),
        )
    if not builder.buttons:
        return None
    builder.adjust(*([decisions] if decisions else []), 1)
    return builder.as_markup()


def restore_plan_lines(t: Translator, card: OrderCard) -> list[str]:
    """What approving a restore would do, as staff may do it (or that it cannot be done)."""
    plan = card.restore
    if plan is None:
        return []
    order = card.order
    status = status_name(t, order, plan.back_to)
    if plan.block is not None:
        return [by_hand_text(t, plan.block, card)]
    if plan.refund is not None:
        lines = [
            t("staff-card-restore-refund", status=status, amount=money(plan.refund.amount_fen))
        ]
    else:
        lines = [t("staff-card-restore-plan", status=status)]
    if plan.coupon is CouponBack.USED_ELSEWHERE and order.coupon is not None:
        discount = money(order.coupon.discount_fen)
        lines.append(
            t("staff-card-restore-coupon-elsewhere", title=order.coupon.title, discount=discount)
        )
    return lines


def by_hand_text(t: Translator, blocked: RestoreBlock, card: OrderCard) -> str:
    """Why the bot cannot restore the order, and what staff can do by hand instead."""
    order = card.order
    refund = refund_line(t, card.refund) if card.refund is not None else ""
    return t(
        f"staff-restore-by-hand-{blocked}",
        order_no=order.order_no,
        status=status_label(t, order),
        refund=refund.removeprefix("💰 "),
    )


def coupon_reply(t: Translator, outcome: CouponReturn, order: Order | None, tz: tzinfo) -> str:
    """What staff are told about a coupon they gave back (or could not)."""
    coupon = order.coupon if order is not None else None
    return t(
        f"staff-coupon-{outcome}",
        order_no=order.order_no if order is not None else "",
        title=coupon.title if coupon is not None else "",
        status=status_label(t, order) if order is not None else "",
        expiry=coupon_expiry(t, coupon, tz) if coupon is not None else "",
    )


def reject_keyboard(
    t: Translator, ticket_id: int, kind: TicketKind = TicketKind.CANCEL
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for reason in REJECTS[kind]:
        builder.button(
            text=t(f"staff-btn-reject-{reason}"),
            callback_data=RejectCb(ticket_id=ticket_id, reason=reason),
        )
    builder.button(
        text=t("staff-btn-back"),
        callback_data=StaffTicketCb(action=StaffTicketAction.BACK, ticket_id=ticket_id),
    )
    builder.adjust(2, 2, 1)
    return builder.as_markup()


def ticket_card_view(
    t: Translator, view: StaffTicketView, rules: ShopRules, now: datetime, who: str = ""
) -> Rendered:
    return ticket_card_text(t, view, rules, now, who), decision_keyboard(t, view)


#: Outcomes told the same way whatever the ticket: (text, whether it is an alert).
_PLAIN_REPLIES = {
    ReviewOutcome.NOT_STAFF: ("staff-alert-not-staff", True),
    ReviewOutcome.NOT_FOUND: ("staff-alert-not-found", True),
    ReviewOutcome.ORDER_CHANGED: ("staff-alert-order-changed", True),
    ReviewOutcome.AWAITING_SHOP: ("staff-toast-awaiting-shop", False),
}


def decision_reply(
    t: Translator, decision: StaffDecision, who: str, tz: tzinfo
) -> tuple[str, bool]:
    """What the presser is told about the decision, and whether it is an alert."""
    view = decision.view
    blocked = decision.result.blocked
    if decision.outcome is ReviewOutcome.BY_HAND and view is not None and blocked is not None:
        if isinstance(blocked, RestoreBlock):
            return by_hand_text(t, blocked, view.card), True
        return coupon_reply(t, blocked, view.card.order, tz), True
    if decision.outcome in _PLAIN_REPLIES or view is None:
        key, alert = _PLAIN_REPLIES.get(decision.outcome, ("staff-alert-not-found", True))
        if view is not None:
            key = of_kind(t, key, view.ticket.kind)
        return t(key, id=view.ticket.id if view else 0), alert
    ticket = view.ticket
    outcome = ticket_outcome_text(t, ticket, who, tz)
    if decision.outcome is ReviewOutcome.DECIDED:
        return t("staff-toast-done", outcome=outcome), False
    at = t.datetime(ticket.decided_at, tz) if ticket.decided_at else ""
    if ticket.status is TicketStatus.WITHDRAWN:
        return t("staff-alert-withdrawn", time=at), True
    return t("staff-alert-already", who=who, time=at, outcome=outcome), True


# --------------------------------------------------------------------------- commands


def queue_view(t: Translator, tickets: list[Ticket], rules: ShopRules, now: datetime) -> Rendered:
    if not tickets:
        return t("staff-queue-empty"), None
    lines = [t("staff-queue-header", count=len(tickets))]
    builder = InlineKeyboardBuilder()
    for ticket in tickets:
        left = left_text(t, ticket.deadline, rules, now)
        lines.append(
            t(
                "staff-queue-line",
                id=ticket.id,
                order_no=ticket.order_no,
                kind=t(f"staff-kind-{ticket.kind}"),
                deadline=t.promised(ticket.deadline),
                left=left,
            )
        )
        builder.button(
            text=t("staff-queue-button", id=ticket.id, order_no=ticket.order_no, left=left),
            callback_data=StaffTicketCb(action=StaffTicketAction.OPEN, ticket_id=ticket.id),
        )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def order_timeline_text(
    t: Translator, timeline: OrderTimeline, tz: tzinfo, names: Mapping[int, str]
) -> str:
    """/order: the order's facts, then everything that happened to it, who did it, and the
    notes; the most recent part when it is longer than one message."""
    head = order_lines(t, timeline.card)
    if timeline.open_ticket is not None:
        head.append(t("staff-order-open-ticket", id=timeline.open_ticket.id))
    head.append("")
    lines = staff_lines(t, timeline.entries, tz, names)
    if not lines:
        return "\n".join([*head, t("staff-order-no-timeline")])
    return fit([*head, t("staff-order-timeline")], lines, t)


# --------------------------------------------------------------------------- notices


def decided_text(t: Translator, payload: Mapping[str, Any]) -> str:
    """The shopper's news of a staff decision, in the shopper's language."""
    order_no = str(payload["order_no"])
    verdict = payload["verdict"]
    kind = TicketKind(str(payload.get("kind") or TicketKind.CANCEL))
    if verdict == "approve" and kind in _APPROVED:
        lines = [_approved_text(t, kind, order_no, payload)]
    elif verdict == "approve":
        lines = [t("decided-approved", order_no=order_no)]
        if payload.get("amount_fen") and payload.get("refund_status") == "succeeded":
            # A balance refund is credited with the approval itself: it has arrived.
            lines.append(
                t(
                    "decided-refund-done",
                    amount=money(int(payload["amount_fen"])),
                    channel=t(f"channel-{payload['channel']}"),
                )
            )
        elif payload.get("amount_fen"):
            lines.append(
                t(
                    "decided-refund",
                    amount=money(int(payload["amount_fen"])),
                    channel=t(f"channel-{payload['channel']}"),
                    latest=t.date(date.fromisoformat(str(payload["latest"]))),
                )
            )
        else:
            lines.append(t("decided-no-refund"))
    elif verdict == "reject":
        preset = payload.get("reject_reason")
        note = payload.get("note")
        reason = (
            str(note)
            if note
            else t(f"decided-reason-{preset}")
            if preset and preset != RejectReason.OTHER
            else ""
        )
        lines = [t(of_kind(t, "decided-rejected", kind), order_no=order_no)]
        if reason:
            lines.append(t("decided-reason", reason=reason))
    else:
        lines = [t("decided-exchange", order_no=order_no)]
    lines.append(t("decided-footer"))
    return "\n".join(lines)


#: The shopper's news of an approved restore or coupon request.
_APPROVED = {TicketKind.RESTORE: "decided-restored", TicketKind.COUPON: "decided-coupon"}


def _approved_text(
    t: Translator, kind: TicketKind, order_no: str, payload: Mapping[str, Any]
) -> str:
    restored = payload.get("restored_to")
    status = t(f"status-{restored}") if restored else ""
    title = str(payload.get("coupon_title") or "")
    return t(_APPROVED[kind], order_no=order_no, status=status, title=title)
