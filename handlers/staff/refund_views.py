"""Manual refunds as the staff group sees them: the card, its buttons, its alerts, and the
presser's answer to a report.

Text comes from ``staff.ftl``; nothing here talks to Telegram or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.notifications import FollowUp
from domain.orders import Gateway, Refund, RefundStatus
from domain.orders import RefundAction as Change
from domain.ports import RefundEvent
from domain.refund_desk import DeskOutcome, DeskResult, RefundCard, staff_id
from handlers.callbacks import FailPreset, RefundButton, StaffRefundCb
from handlers.i18n import Translator, money
from handlers.staff.callbacks import RefundReasonCb

Rendered = tuple[str, InlineKeyboardMarkup | None]

#: What each of the card's buttons reports.
CHANGES: dict[RefundButton, Change] = {
    RefundButton.SUBMITTED: Change.SUBMIT,
    RefundButton.SUCCEEDED: Change.SUCCEED,
    RefundButton.FAILED: Change.FAIL,
    RefundButton.REINITIATE: Change.REINITIATE,
}
#: The buttons a refund's card offers in each state.
_BUTTONS: dict[RefundStatus, tuple[RefundButton, ...]] = {
    RefundStatus.REQUESTED: (
        RefundButton.SUBMITTED,
        RefundButton.SUCCEEDED,
        RefundButton.FAILED,
    ),
    RefundStatus.PROCESSING: (RefundButton.SUCCEEDED, RefundButton.FAILED),
    RefundStatus.FAILED: (RefundButton.REINITIATE,),
    RefundStatus.SUCCEEDED: (),
    RefundStatus.VOIDED: (),  # the order was restored: nothing to push out
}


# --------------------------------------------------------------------------- pieces


def status_text(t: Translator, status: RefundStatus) -> str:
    return t(f"staff-refund-status-{status}")


def _facts(t: Translator, refund: Refund) -> dict[str, str | int]:
    return {
        "id": refund.id,
        "order_no": refund.order_no,
        "amount": money(refund.amount_fen),
        "channel": t(f"channel-{refund.channel}"),
        "latest": t.date(refund.expected_latest),
        "status": status_text(t, refund.status),
    }


def who_text(t: Translator, actor: str, names: Mapping[int, str]) -> str:
    """Who did it, as staff would say it: a colleague's name, the wallet, an import file."""
    found = staff_id(actor)
    if found is not None:
        return names.get(found) or str(found)
    kind, _, detail = actor.partition(":")
    if kind == "gateway":
        return t("staff-refund-actor-wallet")
    if kind == "import":
        return t("staff-refund-actor-import", file=detail)
    if kind == "tg":
        return t("staff-refund-actor-shopper")
    return actor


def _event_line(t: Translator, event: RefundEvent, tz: tzinfo, names: Mapping[int, str]) -> str:
    args: dict[str, str | int] = {
        "time": t.datetime(event.at, tz),
        "action": t(f"staff-refund-action-{event.action}"),
        "who": who_text(t, event.actor, names),
    }
    if event.note:
        return t("staff-refund-line-event-note", note=event.note, **args)
    return t("staff-refund-line-event", **args)


# --------------------------------------------------------------------------- keyboards


def refund_keyboard(t: Translator, refund: Refund) -> InlineKeyboardMarkup | None:
    """The buttons that fit the refund's state now (none once it arrived)."""
    actions = _BUTTONS[refund.status] if refund.gateway is Gateway.MANUAL else ()
    if not actions:
        return None
    builder = InlineKeyboardBuilder()
    for action in actions:
        builder.button(
            text=t(f"staff-refund-btn-{CHANGES[action]}"),
            callback_data=StaffRefundCb(
                action=action, refund_id=refund.id, attempt=refund.attempt
            ),
        )
    builder.adjust(3)
    return builder.as_markup()


def reason_keyboard(t: Translator, refund_id: int, attempt: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for preset in FailPreset:
        builder.button(
            text=t(f"staff-refund-reason-{preset}"),
            callback_data=RefundReasonCb(refund_id=refund_id, attempt=attempt, reason=preset),
        )
    builder.button(
        text=t("staff-refund-btn-back"),
        callback_data=StaffRefundCb(
            action=RefundButton.OPEN, refund_id=refund_id, attempt=attempt
        ),
    )
    builder.adjust(1)
    return builder.as_markup()


# --------------------------------------------------------------------------- the card and alerts


def refund_card_text(t: Translator, card: RefundCard, tz: tzinfo, names: Mapping[int, str]) -> str:
    refund = card.refund
    facts = _facts(t, refund)
    lines = [
        t(f"staff-refund-card-title-{refund.status}", **facts),
        t("staff-refund-card-number", attempt=refund.attempt, **facts),
    ]
    if card.customer_name:
        lines.append(t("staff-refund-card-customer", name=card.customer_name))
    if refund.status.open:
        lines.append(
            t(
                "staff-refund-card-expected",
                earliest=t.date(refund.expected_earliest),
                latest=t.date(refund.expected_latest),
            )
        )
    if refund.status is RefundStatus.FAILED and refund.failure_reason:
        lines.append(t("staff-refund-card-reason", reason=refund.failure_reason))
    if refund.shopper_not_yet_at is not None and refund.status.open:
        lines.append(
            t("staff-refund-card-shopper-not-yet", time=t.datetime(refund.shopper_not_yet_at, tz))
        )
    if refund.shopper_confirmed_at is not None:
        when = t.datetime(refund.shopper_confirmed_at, tz)
        lines.append(t("staff-refund-card-shopper-arrived", time=when))
    lines += [
        t("staff-refund-card-timeline"),
        t("staff-refund-line-created", time=t.datetime(refund.created_at, tz)),
    ]
    lines += [_event_line(t, event, tz, names) for event in card.events]
    return "\n".join(lines)


def refund_card_view(
    t: Translator, card: RefundCard, tz: tzinfo, names: Mapping[int, str]
) -> Rendered:
    return refund_card_text(t, card, tz, names), refund_keyboard(t, card.refund)


def failed_text(t: Translator, refund: Refund, reason: str) -> str:
    facts = _facts(t, refund)
    return "\n".join(
        [
            t("staff-refund-failed-alert", reason=reason, **facts),
            t("staff-refund-failed-next", **facts),
        ]
    )


def followup_text(t: Translator, refund: Refund, why: FollowUp) -> str:
    """Why staff are asked to look: the shopper's word, or a refund at its last day."""
    facts = _facts(t, refund)
    if refund.status is RefundStatus.FAILED:
        reason = refund.failure_reason or ""
        first = t("staff-refund-followup-reinitiate", reason=reason, **facts)
        return "\n".join([first, t("staff-refund-followup-reinitiate-next")])
    if refund.status is RefundStatus.REQUESTED and why is FollowUp.DUE:
        # Promised by today and never pushed out: the one case with a different next step.
        return "\n".join(
            [t("staff-refund-followup-due", **facts), t("staff-refund-followup-submit", **facts)]
        )
    first = {
        FollowUp.NOT_YET: "staff-refund-followup-not-yet",
        FollowUp.ASKED: "staff-refund-followup-asked",
        FollowUp.DUE: "staff-refund-followup-due",
    }[why]
    return "\n".join([t(first, **facts), t("staff-refund-followup-check", **facts)])


# --------------------------------------------------------------------------- answers


#: Refusals that only need the refund's number.
_PLAIN = {
    DeskOutcome.NEEDS_REASON: "staff-refund-needs-reason",
    DeskOutcome.NOT_MANUAL: "staff-refund-not-manual",
    DeskOutcome.VOIDED: "staff-refund-voided",
}


def refusal_key(outcome: DeskOutcome) -> str:
    """Why a refund could not be shown: the asker is no staff, or there is no such refund."""
    return (
        "staff-refund-not-staff" if outcome is DeskOutcome.NOT_STAFF else "staff-refund-not-found"
    )


def refund_outcome_text(
    t: Translator, result: DeskResult, action: Change, who: str, tz: tzinfo
) -> tuple[str, bool]:
    """What the presser is told, and whether it deserves an alert rather than a toast.

    ``who`` did it before, for a report that someone already made.
    """
    refund = result.card.refund if result.card else None
    if result.outcome is DeskOutcome.NOT_STAFF:
        return t("staff-refund-not-staff"), True
    if refund is None or result.outcome is DeskOutcome.NOT_FOUND:
        return t("staff-refund-not-found"), True
    if result.outcome is DeskOutcome.DONE:
        return t(f"staff-refund-done-{action}", id=refund.id, attempt=refund.attempt), False
    action_text = t(f"staff-refund-action-{action}")
    if result.outcome is DeskOutcome.ALREADY and result.event is not None:
        when = t.datetime(result.event.at, tz)
        return t(
            "staff-refund-already", id=refund.id, who=who, time=when, action=action_text
        ), True
    if result.outcome in _PLAIN:
        return t(_PLAIN[result.outcome], id=refund.id, order_no=refund.order_no), True
    status = status_text(t, refund.status)
    return t("staff-refund-not-allowed", id=refund.id, status=status, action=action_text), True
