"""The shopper's refunds rendered: timelines, the one next step, pushes and answers to presses.

"Arrived" is only ever said on evidence: the provider's record (reported by
staff or imported) or our own wallet ledger, which is what ``SUCCEEDED``
means. The shopper's own "yes" is shown as theirs, never as the provider's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.cases import CaseTopic
from domain.orders import Gateway, PaymentChannel, Refund, RefundStatus
from domain.orders import RefundAction as Move
from domain.ports import RefundEvent
from handlers.callbacks import FailPreset, RefundButton, RefundCb
from handlers.conversation_views import add_contact_button
from handlers.i18n import Translator, money
from handlers.keyboards import orders_keyboard, refunds_keyboard
from handlers.views import refund_line

Rendered = tuple[str, InlineKeyboardMarkup | None]


# --------------------------------------------------------------------------- the next step


def is_late(refund: Refund, now: datetime, tz: tzinfo) -> bool:
    """Whether the promised last day is over and the money is still not recorded as arrived."""
    if not refund.status.open or refund.gateway is not Gateway.MANUAL:
        return False
    return now.astimezone(tz).date() > refund.expected_latest


def asked_or_late(refund: Refund, now: datetime, tz: tzinfo) -> bool:
    """Whether "has it arrived?" is a fair question: the money was sent, and the shopper was
    asked or its last day is over. (Never sent: staff were alerted; the bill shows nothing.)"""
    if refund.status is not RefundStatus.PROCESSING:
        return False
    return refund.arrival_asked_at is not None or is_late(refund, now, tz)


def next_step(refund: Refund, now: datetime, tz: tzinfo) -> RefundButton:
    """The one thing worth pressing for this refund now."""
    if refund.status is RefundStatus.FAILED:
        return RefundButton.ASK_STAFF
    unanswered = refund.shopper_confirmed_at is None and refund.shopper_not_yet_at is None
    if unanswered and asked_or_late(refund, now, tz):
        return RefundButton.NOT_YET
    return RefundButton.OPEN


_LIST_BUTTON = {
    RefundButton.OPEN: "refunds-button-open",
    RefundButton.NOT_YET: "refunds-button-not-yet",
    RefundButton.ASK_STAFF: "refunds-button-ask-staff",
}
_BUTTON = {
    RefundButton.OPEN: "refund-button-open",
    RefundButton.NOT_YET: "refund-button-not-yet",
    RefundButton.ASK_STAFF: "refund-button-ask-staff",
    RefundButton.ARRIVED: "refund-button-arrived",
}


def _keyboard(
    t: Translator,
    refund_id: int,
    *actions: RefundButton,
    attempt: int | None = None,
    contact: int | None = None,
) -> InlineKeyboardMarkup:
    """The refund's buttons; with ``contact`` (the order's id) a 💬 row to talk to staff."""
    builder = InlineKeyboardBuilder()
    for action in actions:
        data = RefundCb(action=action, refund_id=refund_id, attempt=attempt)
        builder.button(text=t(_BUTTON[action]), callback_data=data)
    if contact is not None:
        add_contact_button(t, builder, contact, CaseTopic.REFUND)
    builder.adjust(len(actions), 1)
    return builder.as_markup()


def _failed(refund: Refund) -> int | None:
    """A failed refund's order: staff must start it again, so the shopper may talk to them."""
    return refund.order_id if refund.status is RefundStatus.FAILED else None


# --------------------------------------------------------------------------- the timeline


def _channel(t: Translator, channel: PaymentChannel) -> str:
    return t(f"channel-{channel}")


def failure_reason(t: Translator, reason: str | None) -> str:
    """The provider's reason in the shopper's language when staff picked a preset for it.

    Presets are stored as staff saw them, in the shop's language; typed reasons stay as typed.
    """
    if not reason:
        return t("refund-no-reason")
    for preset in FailPreset:
        key = f"staff-refund-reason-{preset}"
        if reason == t.in_default(key):
            return t(key)
    return reason


def _failed_line(t: Translator, reason: str | None, at: datetime | None, tz: tzinfo) -> str:
    return t(
        "refund-step-failed",
        reason=failure_reason(t, reason),
        at=t.datetime(at, tz) if at is not None else "",
    )


def _earlier_attempts(
    t: Translator, refund: Refund, events: Sequence[RefundEvent], tz: tzinfo
) -> list[str]:
    """What happened to attempts before this one: each submission, failure and restart."""
    channel = _channel(t, refund.channel)
    lines: list[str] = []
    for event in events:
        if event.attempt >= refund.attempt:
            continue
        if event.action == Move.SUBMIT:
            lines.append(t("refund-step-submitted", channel=channel, at=t.datetime(event.at, tz)))
        elif event.action == Move.FAIL:
            lines.append(_failed_line(t, event.note, event.at, tz))
        elif event.action == Move.REINITIATE:
            lines.append(
                t("refund-step-attempt-at", attempt=event.attempt + 1, at=t.datetime(event.at, tz))
            )
        elif event.action in (Move.VOID, Move.REOPEN):
            step = "voided" if event.action == Move.VOID else "reopened"
            lines.append(t(f"refund-step-{step}", at=t.datetime(event.at, tz)))
    return lines


def timeline(
    t: Translator,
    refund: Refund,
    tz: tzinfo,
    now: datetime,
    events: Sequence[RefundEvent] | None = None,
) -> list[str]:
    """Requested, submitted, expected by, arrived or failed; ``events`` adds earlier attempts."""
    channel = _channel(t, refund.channel)
    lines = [t("refund-step-requested", at=t.datetime(refund.created_at, tz))]
    if events is not None and refund.attempt > 1:
        lines += _earlier_attempts(t, refund, events, tz)
    elif refund.attempt > 1:
        lines.append(t("refund-step-attempt", attempt=refund.attempt))
    manual = refund.gateway is Gateway.MANUAL
    if refund.submitted_at is not None:
        lines.append(
            t("refund-step-submitted", channel=channel, at=t.datetime(refund.submitted_at, tz))
        )
    elif refund.status is RefundStatus.REQUESTED and manual:
        lines.append(t("refund-step-waiting", channel=channel))
    if refund.status.open:
        key = "refund-step-overdue" if is_late(refund, now, tz) else "refund-step-expected"
        lines.append(t(key, date=t.date(refund.expected_latest)))
    elif refund.status is RefundStatus.SUCCEEDED:
        at = refund.succeeded_at or refund.updated_at
        lines.append(t("refund-step-succeeded", channel=channel, at=t.datetime(at, tz)))
    elif refund.status is RefundStatus.VOIDED:
        lines.append(t("refund-step-voided", at=t.datetime(refund.updated_at, tz)))
    else:
        lines.append(_failed_line(t, refund.failure_reason, refund.failed_at, tz))
    if refund.shopper_not_yet_at is not None and refund.status.open:
        lines.append(t("refund-step-not-yet", at=t.datetime(refund.shopper_not_yet_at, tz)))
    if refund.shopper_confirmed_at is not None:
        key = (
            "refund-step-confirmed"
            if refund.status is RefundStatus.SUCCEEDED
            else "refund-step-confirmed-unverified"
        )
        lines.append(t(key, channel=channel, at=t.datetime(refund.shopper_confirmed_at, tz)))
    return ["  " + line for line in lines]


# --------------------------------------------------------------------------- /refunds


def refunds_view(t: Translator, refunds: Sequence[Refund], tz: tzinfo, now: datetime) -> Rendered:
    """Most recent first, each with its timeline and one button for what to do next."""
    if not refunds:
        # Refunds come from cancelling a paid order: the orders are where that starts.
        return t("refunds-empty"), orders_keyboard(t)
    lines = [t("refunds-header", count=len(refunds)), ""]
    builder = InlineKeyboardBuilder()
    for refund in refunds:
        lines += [t("refunds-order", order_no=refund.order_no), refund_line(t, refund)]
        lines += [*timeline(t, refund, tz, now), ""]
        action = next_step(refund, now, tz)
        builder.button(
            text=t(_LIST_BUTTON[action], order_no=refund.order_no),
            callback_data=RefundCb(action=action, refund_id=refund.id, attempt=refund.attempt),
        )
    builder.adjust(1)
    return "\n".join(lines).rstrip(), builder.as_markup()


def refund_detail_view(
    t: Translator,
    refund: Refund,
    events: Sequence[RefundEvent],
    tz: tzinfo,
    now: datetime,
) -> Rendered:
    lines = [
        t("refund-detail-title", order_no=refund.order_no),
        refund_line(t, refund),
        "",
        *timeline(t, refund, tz, now, events),
    ]
    action = next_step(refund, now, tz)
    markup = (
        # Nothing to do for this one yet: the way back to all of the shopper's refunds.
        refunds_keyboard(t)
        if action is RefundButton.OPEN
        else _keyboard(t, refund.id, action, attempt=refund.attempt, contact=_failed(refund))
    )
    return "\n".join(lines), markup


# --------------------------------------------------------------------------- answers to presses


def _facts(t: Translator, refund: Refund) -> dict[str, str]:
    return {
        "order_no": refund.order_no,
        "amount": money(refund.amount_fen),
        "channel": _channel(t, refund.channel),
    }


def thanks_view(t: Translator, refund: Refund) -> Rendered:
    return t("refund-thanks", **_facts(t, refund)), _keyboard(t, refund.id, RefundButton.OPEN)


def guidance_view(t: Translator, refund: Refund, follow_up_at: datetime, tz: tzinfo) -> Rendered:
    """The seed's advice: look at the provider's bill; "refunding" waits, "failed" asks staff."""
    text = t(
        "refund-guidance",
        where=t(f"refund-where-{refund.channel}"),
        follow_up=t.datetime(follow_up_at, tz),
        **_facts(t, refund),
    )
    return text, _keyboard(
        t, refund.id, RefundButton.ASK_STAFF, RefundButton.OPEN, attempt=refund.attempt
    )


def already_arrived_view(t: Translator, refund: Refund, tz: tzinfo) -> Rendered:
    at = refund.succeeded_at or refund.updated_at
    text = t(
        "refund-already-arrived",
        at=t.datetime(at, tz),
        where=t(f"refund-where-{refund.channel}"),
        **_facts(t, refund),
    )
    return text, _keyboard(t, refund.id, RefundButton.OPEN)


def failed_view(t: Translator, refund: Refund) -> Rendered:
    text = t(
        "refund-failed-now",
        reason=failure_reason(t, refund.failure_reason),
        **_facts(t, refund),
    )
    markup = _keyboard(
        t, refund.id, RefundButton.ASK_STAFF, attempt=refund.attempt, contact=refund.order_id
    )
    return text, markup


def asked_staff_view(t: Translator, refund: Refund) -> Rendered:
    # Failed in our records: staff start it again. Still open here (the shopper's bill says
    # it failed): staff check with the provider first, and promise no more than that.
    key = "refund-asked-staff" if refund.status is RefundStatus.FAILED else "refund-asked-check"
    markup = _keyboard(t, refund.id, RefundButton.OPEN, contact=_failed(refund))
    return t(key, **_facts(t, refund)), markup


def submitted_push(
    t: Translator,
    refund_id: int,
    *,
    order_no: str,
    amount_fen: int,
    channel: PaymentChannel,
    latest: date,
    attempt: int,
) -> Rendered:
    key = "push-refund-resubmitted" if attempt > 1 else "push-refund-submitted"
    text = t(
        key,
        order_no=order_no,
        amount=money(amount_fen),
        channel=_channel(t, channel),
        latest=t.date(latest),
        attempt=attempt,
    )
    return text, _keyboard(t, refund_id, RefundButton.OPEN)


def succeeded_push(
    t: Translator, refund_id: int, *, order_no: str, amount_fen: int, channel: PaymentChannel
) -> Rendered:
    key = (
        "push-refund-succeeded-balance"
        if channel is PaymentChannel.BALANCE
        else "push-refund-succeeded"
    )
    text = t(key, order_no=order_no, amount=money(amount_fen), channel=_channel(t, channel))
    return text, _keyboard(t, refund_id, RefundButton.OPEN)


def failed_push(
    t: Translator,
    refund_id: int,
    *,
    order_no: str,
    amount_fen: int,
    channel: PaymentChannel,
    reason: str | None,
    attempt: int | None = None,
    order_id: int | None = None,
) -> Rendered:
    text = t(
        "push-refund-failed",
        order_no=order_no,
        amount=money(amount_fen),
        channel=_channel(t, channel),
        reason=failure_reason(t, reason),
    )
    markup = _keyboard(t, refund_id, RefundButton.ASK_STAFF, attempt=attempt, contact=order_id)
    return text, markup


def arrival_check_push(t: Translator, refund: Refund) -> Rendered:
    text = t("push-refund-arrival-check", **_facts(t, refund))
    return text, _keyboard(
        t, refund.id, RefundButton.ARRIVED, RefundButton.NOT_YET, attempt=refund.attempt
    )
