"""A refund's life after the cancel: requested → processing → succeeded | failed (→ requested).

A refund not yet out (requested and never pushed, or a balance credit) is *voided* when the
shopper restores the order (FAQ 3), and *reopened* as a new try if the order is cancelled
again: one refund per order, whatever happens to the order, and never two owed at once.

The seed article's promise is "the money goes back by the original route":
WeChat and Alipay in 1–3 working days, a bank card in 3–5, the shop balance
at once. The shop cannot move WeChat money itself: for those routes the
*manual* gateway leaves the refund with staff, who push it out in the payment
provider's console and report back (buttons, ``/refund``, or the provider's
reconciliation file). The *balance* gateway credits our own wallet ledger in
the same transaction as the cancel, so the refund is done the moment the
order is cancelled.

Every change is one guarded transition (``WHERE status = :expected AND
attempt = :attempt``) written together with its event row, its audit row and
the notifications it causes. An action is keyed ``{action}:{refund}:{attempt}``:
the same action on the same attempt counts once, whether it is pressed twice,
typed after a press, or imported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from domain.notifications import (
    FollowUp,
    Kind,
    Payload,
    RefundFailed,
    RefundFollowUp,
    RefundNews,
    RefundRequested,
    RefundSubmitted,
    RefundSucceeded,
    RefundUpdated,
    StaffRefundFailed,
)
from domain.orders import Gateway, PaymentChannel, Refund, RefundAction, RefundStatus
from domain.policy import RefundPlan, ShopRules, arrival_window
from domain.ports import AuditEntry, Notification, RefundChange, RefundEvent, UnitOfWork
from domain.satisfaction import REFUND, ask_satisfaction, case_key

News = TypeVar("News", bound=RefundNews)


_FROM: dict[RefundAction, tuple[RefundStatus, ...]] = {
    RefundAction.SUBMIT: (RefundStatus.REQUESTED,),
    RefundAction.SUCCEED: (RefundStatus.REQUESTED, RefundStatus.PROCESSING),
    RefundAction.FAIL: (RefundStatus.REQUESTED, RefundStatus.PROCESSING),
    RefundAction.REINITIATE: (RefundStatus.FAILED,),
    # Withdrawn while nothing has gone out: requested and never pushed (checked by the
    # restore), or a balance credit that the same transaction takes back.
    RefundAction.VOID: (RefundStatus.REQUESTED, RefundStatus.SUCCEEDED),
    RefundAction.REOPEN: (RefundStatus.VOIDED,),
}
_TO: dict[RefundAction, RefundStatus] = {
    RefundAction.SUBMIT: RefundStatus.PROCESSING,
    RefundAction.SUCCEED: RefundStatus.SUCCEEDED,
    RefundAction.FAIL: RefundStatus.FAILED,
    RefundAction.REINITIATE: RefundStatus.REQUESTED,
    RefundAction.VOID: RefundStatus.VOIDED,
    RefundAction.REOPEN: RefundStatus.REQUESTED,
}

#: How long after the shopper says "not yet" staff are asked to look, if nothing moved.
FOLLOW_UP_GRACE = timedelta(hours=24)
MAX_FAILURE_REASON = 200


class RefundOutcome(StrEnum):
    DONE = "done"
    ALREADY = "already"  # the same action on the same attempt was done before
    NOT_ALLOWED = "not_allowed"  # the refund is in a state this action cannot leave
    NOT_FOUND = "not_found"
    NEEDS_REASON = "needs_reason"  # a failure must say why (the shopper is told)
    NOT_MANUAL = "not_manual"  # a balance refund is done by the shop itself
    VOIDED = "voided"  # the shopper restored the order: nothing is owed, nothing to push out


@dataclass(frozen=True, slots=True)
class RefundResult:
    outcome: RefundOutcome
    refund: Refund | None = None
    #: For ALREADY: the event that did it first (who and when).
    event: RefundEvent | None = None


def action_key(action: RefundAction, refund_id: int, attempt: int) -> str:
    return f"{action}:{refund_id}:{attempt}"


def updated_key(refund_id: int, action: RefundAction | str, attempt: int) -> str:
    """The dedupe key of the card update an action causes (``attempt``: the one after it)."""
    return f"refund-updated:{refund_id}:{action}:{attempt}"


def allowed(action: RefundAction, status: RefundStatus) -> bool:
    return status in _FROM[action]


async def earlier_event(
    uow: UnitOfWork, refund: Refund, action: RefundAction
) -> RefundEvent | None:
    """The event that already did ``action`` to the refund's current try, if any."""
    # For a re-initiation the key holds the failed attempt it starts again.
    earlier = await uow.refunds.event(action_key(action, refund.id, refund.attempt))
    if (
        earlier is None
        and action is RefundAction.REINITIATE
        and refund.status is not RefundStatus.FAILED
        and refund.attempt > 1
    ):
        # A second press of "re-initiate" arrives after the first moved to the next attempt.
        earlier = await uow.refunds.event(action_key(action, refund.id, refund.attempt - 1))
    return earlier


def refund_news(cls: type[News], refund: Refund, **extra: Any) -> News:
    """A notification's facts about a refund, as it is when the row is written."""
    return cls(
        refund_id=refund.id,
        order_no=refund.order_no,
        amount_fen=refund.amount_fen,
        channel=refund.channel,
        latest=refund.expected_latest,
        attempt=refund.attempt,
        **extra,
    )


async def pressed_before(
    uow: UnitOfWork, refund: Refund, action: RefundAction, attempt: int | None
) -> RefundEvent | None:
    """The event that already did ``action`` to the try ``attempt`` (default: the current).

    A button of an earlier try finds nothing, and is refused with the refund's state now;
    except "re-initiate", whose earlier try is the one it started again.
    """
    if attempt is None or attempt == refund.attempt:
        return await earlier_event(uow, refund, action)
    if action is not RefundAction.REINITIATE:
        return None
    return await uow.refunds.event(action_key(action, refund.id, attempt))


def gateway_for(channel: PaymentChannel) -> Gateway:
    return Gateway.BALANCE if channel is PaymentChannel.BALANCE else Gateway.MANUAL


# --------------------------------------------------------------------------- gateways


class RefundGateway(Protocol):
    """Moves the money once a refund is requested. Called inside the cancel's transaction."""

    async def start(
        self, uow: UnitOfWork, refund: Refund, *, actor: str, now: datetime
    ) -> Refund: ...


class BalanceGateway:
    """The shop wallet: a credit row in our ledger, and the refund has arrived."""

    async def start(self, uow: UnitOfWork, refund: Refund, *, actor: str, now: datetime) -> Refund:
        if not await uow.refunds.credit_wallet(refund, now):
            return refund  # credited before (one ledger row per refund): nothing more to do
        done = await _apply(
            uow,
            refund,
            RefundAction.SUCCEED,
            actor="gateway:balance",
            now=now,
            note=None,
            provider_ref=f"wallet:{refund.id}",
        )
        return done or refund


class ManualGateway:
    """WeChat, Alipay, bank card: staff push it out in the provider's console.

    Starting it is telling staff, with a card whose buttons report back. A refund reopened
    by a second cancel gets a card of its own: the first one says it was withdrawn.
    """

    async def start(self, uow: UnitOfWork, refund: Refund, *, actor: str, now: datetime) -> Refund:
        first = refund.attempt == 1
        await uow.outbox.add(
            Notification(
                kind=Kind.STAFF_REFUND_REQUESTED,
                audience="staff",
                dedupe_key=f"refund-requested:{refund.id}"
                if first
                else updated_key(refund.id, RefundAction.REOPEN, refund.attempt),
                due_at=now,
                customer_id=refund.customer_id or None,
                payload=refund_news(RefundRequested, refund),
            ),
            now,
        )
        return refund


GATEWAYS: dict[Gateway, RefundGateway] = {
    Gateway.BALANCE: BalanceGateway(),
    Gateway.MANUAL: ManualGateway(),
}


# --------------------------------------------------------------------------- restores


def withdrawable(refund: Refund) -> bool:
    """Whether the refund can still be taken back whole: nothing has left the shop by a
    route it does not control. (Whether it was ever pushed out is the restore's to check.)"""
    if refund.gateway is Gateway.BALANCE:
        return refund.status in (RefundStatus.REQUESTED, RefundStatus.SUCCEEDED)
    return (
        refund.status is RefundStatus.REQUESTED
        and refund.submitted_at is None
        and refund.provider_ref is None
    )


async def void_refund(
    uow: UnitOfWork, refund: Refund, *, actor: str, now: datetime
) -> Refund | None:
    """Withdraw a refund that has not gone out, inside the caller's transaction (a restore).

    One guarded move from the status the caller saw; a balance credit is taken back by a
    debit row in the ledger, in the same transaction. None: it moved first (staff pushed
    it out meanwhile) and nothing was written.
    """
    if not withdrawable(refund):
        return None
    done = await _apply(
        uow, refund, RefundAction.VOID, actor=actor, now=now, note=None, provider_ref=None
    )
    if done is not None and refund.status is RefundStatus.SUCCEEDED:
        await uow.refunds.debit_wallet(refund, now)
    return done


async def reopen_refund(
    uow: UnitOfWork, refund: Refund, plan: RefundPlan, *, actor: str, now: datetime
) -> Refund | None:
    """A restored order cancelled again owes its refund again: the voided refund becomes the
    next try, with the new cancel's amount and dates; the caller's gateway starts it."""
    return await _apply(
        uow,
        refund,
        RefundAction.REOPEN,
        actor=actor,
        now=now,
        note=None,
        provider_ref=None,
        plan=plan,
    )


# --------------------------------------------------------------------------- staff and imports


async def change_refund(
    uow: UnitOfWork,
    refund_id: int,
    action: RefundAction,
    *,
    actor: str,
    rules: ShopRules,
    now: datetime,
    reason: str | None = None,
    provider_ref: str | None = None,
    attempt: int | None = None,
) -> RefundResult:
    """Report what happened to a manual refund: one guarded transition, committed here.

    ``attempt``: the try a button was shown for; a press from before a re-initiation does
    not act on the new try.
    """
    async with uow:
        refund = await uow.refunds.get(refund_id)
        result = await _change(
            uow,
            refund,
            action,
            actor=actor,
            rules=rules,
            now=now,
            reason=reason,
            provider_ref=provider_ref,
            attempt=attempt,
        )
        if result.outcome is RefundOutcome.DONE:
            await uow.commit()
        else:
            await uow.rollback()
        return result


async def change_refund_in(
    uow: UnitOfWork,
    refund: Refund | None,
    action: RefundAction,
    *,
    actor: str,
    rules: ShopRules,
    now: datetime,
    reason: str | None = None,
    provider_ref: str | None = None,
) -> RefundResult:
    """As :func:`change_refund`, inside a transaction the caller owns (batch imports)."""
    return await _change(
        uow,
        refund,
        action,
        actor=actor,
        rules=rules,
        now=now,
        reason=reason,
        provider_ref=provider_ref,
    )


async def _change(
    uow: UnitOfWork,
    refund: Refund | None,
    action: RefundAction,
    *,
    actor: str,
    rules: ShopRules,
    now: datetime,
    reason: str | None,
    provider_ref: str | None,
    attempt: int | None = None,
) -> RefundResult:
    unreportable = _unreportable(refund)
    if unreportable is not None:
        return RefundResult(unreportable, refund)
    assert refund is not None  # _unreportable() said NOT_FOUND otherwise
    earlier = await pressed_before(uow, refund, action, attempt)
    if earlier is not None:
        if provider_ref and earlier.provider_ref is None:
            # The provider's record of what staff already reported: keep its reference, so
            # the same record read again after a re-initiation is known as the older try's.
            await uow.refunds.note_reference(earlier, provider_ref)
        return RefundResult(RefundOutcome.ALREADY, refund, earlier)
    note = (reason or "").strip()[:MAX_FAILURE_REASON] or None
    refusal = _refusal(refund, action, note, attempt)
    if refusal is not None:
        return RefundResult(refusal, refund)
    done = await _apply(
        uow,
        refund,
        action,
        actor=actor,
        now=now,
        note=note,
        provider_ref=provider_ref,
        rules=rules,
    )
    if done is None:
        # Someone else moved it between our read and our write: report what they did.
        current = await uow.refunds.get(refund.id)
        earlier = await uow.refunds.event(action_key(action, refund.id, refund.attempt))
        if earlier is not None:
            return RefundResult(RefundOutcome.ALREADY, current, earlier)
        # The shopper's restore may have won: the refund is withdrawn, nothing is owed.
        voided = current is not None and current.status is RefundStatus.VOIDED
        lost = RefundOutcome.VOIDED if voided else RefundOutcome.NOT_ALLOWED
        return RefundResult(lost, current)
    return RefundResult(RefundOutcome.DONE, done)


def _unreportable(refund: Refund | None) -> RefundOutcome | None:
    """Why nobody reports on this refund: none, the shop's own balance, or withdrawn."""
    if refund is None:
        return RefundOutcome.NOT_FOUND
    if refund.gateway is Gateway.BALANCE:
        # A balance refund is done by the shop itself at the cancel: nothing to report, ever.
        return RefundOutcome.NOT_MANUAL
    if refund.status is RefundStatus.VOIDED:
        return RefundOutcome.VOIDED
    return None


def _refusal(
    refund: Refund, action: RefundAction, note: str | None, attempt: int | None
) -> RefundOutcome | None:
    if attempt is not None and attempt != refund.attempt:
        return RefundOutcome.NOT_ALLOWED  # a button shown for an earlier try
    if not allowed(action, refund.status):
        return RefundOutcome.NOT_ALLOWED
    if action is RefundAction.FAIL and note is None:
        return RefundOutcome.NEEDS_REASON
    return None


async def _apply(
    uow: UnitOfWork,
    refund: Refund,
    action: RefundAction,
    *,
    actor: str,
    now: datetime,
    note: str | None,
    provider_ref: str | None,
    rules: ShopRules | None = None,
    plan: RefundPlan | None = None,
) -> Refund | None:
    """The writes of one transition; None when the guard lost (nothing written).

    ``plan``: what a reopened refund owes now, and by when.
    """
    new_status = _TO[action]
    earliest = latest = None
    new_attempt = refund.attempt
    if action in (RefundAction.SUBMIT, RefundAction.REINITIATE) and rules is not None:
        # The provider's 1–3 (3–5) working days count from when the money is pushed out.
        earliest, latest = arrival_window(refund.channel, now, rules.calendar, rules.tz)
        earliest = max(earliest, refund.expected_earliest)
        latest = max(latest, refund.expected_latest)
    if action in (RefundAction.REINITIATE, RefundAction.REOPEN):
        new_attempt = refund.attempt + 1
    if plan is not None:
        earliest, latest = plan.earliest, plan.latest
    change = RefundChange(
        expected=refund.status,
        status=new_status,
        at=now,
        attempt=new_attempt,
        expected_earliest=earliest,
        expected_latest=latest,
        provider_ref=provider_ref,
        failure_reason=note if action is RefundAction.FAIL else None,
        amount_fen=plan.amount_fen if plan is not None else None,
    )
    if not await uow.refunds.transition(refund, change):
        return None
    key = action_key(action, refund.id, refund.attempt)
    if not await uow.refunds.record_event(
        RefundEvent(
            refund_id=refund.id,
            idempotency_key=key,
            action=action.value,
            from_status=refund.status,
            to_status=new_status,
            attempt=refund.attempt,
            actor=actor,
            at=now,
            note=note,
            provider_ref=provider_ref,
        )
    ):
        return None
    after = await uow.refunds.get(refund.id)
    assert after is not None  # refunds are never deleted
    uow.audit.add(
        AuditEntry(
            f"refund.{action.value}",
            actor,
            now,
            order_id=refund.order_id,
            detail={
                "refund": refund.id,
                "from": refund.status.value,
                "to": new_status.value,
                "attempt": refund.attempt,
                "note": note,
                "provider_ref": provider_ref,
            },
        )
    )
    for notification in _notifications(after, action, note, now):
        await uow.outbox.add(notification, now)
    if action is RefundAction.SUCCEED and refund.gateway is Gateway.MANUAL and refund.customer_id:
        # The money the shopper waited days for arrived: that case is over. A balance refund
        # is credited with the cancel itself, which is no case of its own.
        await ask_satisfaction(
            uow,
            customer_id=refund.customer_id,
            case=case_key(REFUND, refund.id),
            order_id=refund.order_id,
            now=now,
        )
    return after


def _notifications(
    refund: Refund, action: RefundAction, note: str | None, now: datetime
) -> list[Notification]:
    customer = refund.customer_id or None
    out: list[Notification] = []

    def shopper(kind: Kind, key: str, payload: Payload) -> None:
        if customer is not None:
            out.append(Notification(kind, "customer", key, now, customer, payload=payload))

    if refund.gateway is Gateway.MANUAL and action is not RefundAction.REOPEN:
        # The card in the staff chat follows every change, whoever made it (a reopened
        # refund gets a new card when its gateway starts it again).
        out.append(
            Notification(
                Kind.STAFF_REFUND_UPDATED,
                "staff",
                updated_key(refund.id, action, refund.attempt),
                now,
                customer,
                payload=refund_news(RefundUpdated, refund, action=action),
            )
        )
    if action is RefundAction.SUBMIT:
        shopper(
            Kind.CUSTOMER_REFUND_SUBMITTED,
            f"refund-submitted:{refund.id}:{refund.attempt}",
            refund_news(RefundSubmitted, refund),
        )
    elif action is RefundAction.SUCCEED and refund.gateway is Gateway.MANUAL:
        # A balance refund is done inside the shopper's own cancel: its reply says so.
        shopper(
            Kind.CUSTOMER_REFUND_SUCCEEDED,
            f"refund-succeeded:{refund.id}",
            refund_news(RefundSucceeded, refund),
        )
    elif action is RefundAction.FAIL:
        shopper(
            Kind.CUSTOMER_REFUND_FAILED,
            f"refund-failed:{refund.id}:{refund.attempt}",
            refund_news(RefundFailed, refund, reason=note),
        )
        out.append(
            Notification(
                Kind.STAFF_REFUND_FAILED,
                "staff",
                f"refund-failed-staff:{refund.id}:{refund.attempt}",
                now,
                customer,
                payload=refund_news(StaffRefundFailed, refund, reason=note),
            )
        )
    return out


# --------------------------------------------------------------------------- the shopper's side


class ArrivalOutcome(StrEnum):
    THANKS = "thanks"  # "yes, it arrived": noted
    GUIDANCE = "guidance"  # "not yet": what to check, and staff will look after the grace
    ALREADY_ARRIVED = "already_arrived"  # the provider's record says it arrived
    STALE = "stale"  # the question was about an earlier try, re-initiated since
    FAILED = "failed"  # the provider refused it: staff re-initiate
    ASKED = "asked"  # staff were asked to look at it now
    NOT_FOUND = "not_found"  # not this shopper's refund (or no such refund)


@dataclass(frozen=True, slots=True)
class ArrivalResult:
    outcome: ArrivalOutcome
    refund: Refund | None = None
    follow_up_at: datetime | None = None


def _answer_refusal(
    refund: Refund, *, arrived: bool, attempt: int | None
) -> ArrivalOutcome | None:
    """Why the answer is not recorded, if it is not."""
    if attempt is not None and attempt != refund.attempt:
        return ArrivalOutcome.STALE
    if refund.status is RefundStatus.SUCCEEDED and not arrived:
        return ArrivalOutcome.ALREADY_ARRIVED
    if refund.status is RefundStatus.FAILED:
        return ArrivalOutcome.FAILED
    return None


async def shopper_refund(
    uow: UnitOfWork, customer_id: int, refund_id: int
) -> tuple[Refund, list[RefundEvent]] | None:
    """One of the shopper's own refunds with its history; None for anyone else's."""
    async with uow:
        refund = await uow.refunds.get(refund_id)
        if refund is None or refund.customer_id != customer_id:
            return None
        return refund, await uow.refunds.events(refund.id)


async def answer_arrival(
    uow: UnitOfWork,
    customer_id: int,
    refund_id: int,
    *,
    arrived: bool,
    actor: str,
    now: datetime,
    grace: timedelta = FOLLOW_UP_GRACE,
    attempt: int | None = None,
) -> ArrivalResult:
    """The shopper's answer to "has it arrived?". Their word is noted, never taken as proof.

    "Not yet" queues a staff follow-up ``grace`` later; it is dropped when it
    comes due if the provider's record says the money arrived meanwhile.
    """
    async with uow:
        refund = await uow.refunds.get(refund_id)
        if refund is None or refund.customer_id != customer_id:
            return ArrivalResult(ArrivalOutcome.NOT_FOUND)
        refusal = _answer_refusal(refund, arrived=arrived, attempt=attempt)
        if refusal is not None:
            return ArrivalResult(refusal, refund)
        if not arrived and refund.shopper_not_yet_at is not None:
            # An older message pressed again: staff are already due to look at it.
            return ArrivalResult(
                ArrivalOutcome.GUIDANCE, refund, refund.shopper_not_yet_at + grace
            )
        await uow.refunds.shopper_answer(refund, arrived=arrived, now=now)
        uow.audit.add(
            AuditEntry(
                "refund.shopper_arrived" if arrived else "refund.shopper_not_yet",
                actor,
                now,
                order_id=refund.order_id,
                detail={"refund": refund.id, "attempt": refund.attempt},
            )
        )
        follow_up_at = None
        if not arrived:
            follow_up_at = now + grace
            await uow.outbox.add(follow_up(refund, FollowUp.NOT_YET, due=follow_up_at), now)
        await uow.commit()
        after = await uow.refunds.get(refund_id)
    if arrived:
        return ArrivalResult(ArrivalOutcome.THANKS, after)
    return ArrivalResult(ArrivalOutcome.GUIDANCE, after, follow_up_at)


async def ask_staff_to_reinitiate(
    uow: UnitOfWork,
    customer_id: int,
    refund_id: int,
    *,
    actor: str,
    now: datetime,
    attempt: int | None = None,
) -> ArrivalResult:
    """A failed refund's one next step for the shopper: staff are asked at once (once per try)."""
    async with uow:
        refund = await uow.refunds.get(refund_id)
        if refund is None or refund.customer_id != customer_id:
            return ArrivalResult(ArrivalOutcome.NOT_FOUND)
        if attempt is not None and attempt != refund.attempt:
            return ArrivalResult(ArrivalOutcome.STALE, refund)  # a button of an earlier try
        if refund.status is RefundStatus.SUCCEEDED:
            return ArrivalResult(ArrivalOutcome.ALREADY_ARRIVED, refund)
        # Failed in our records, or the shopper's bill says 退款失败 before the provider's
        # file reached us: either way staff look at it now, once per attempt and state.
        if await uow.outbox.add(follow_up(refund, FollowUp.ASKED, due=now), now):
            uow.audit.add(
                AuditEntry(
                    "refund.shopper_asked_reinitiate",
                    actor,
                    now,
                    order_id=refund.order_id,
                    detail={"refund": refund.id, "attempt": refund.attempt},
                )
            )
        await uow.commit()
        return ArrivalResult(ArrivalOutcome.ASKED, refund, now)


def follow_up(refund: Refund, why: FollowUp, *, due: datetime) -> Notification:
    """The staff chat's "look at this refund" row; one per reason, attempt and state."""
    keys = {
        FollowUp.NOT_YET: f"refund-followup:{refund.id}:{refund.attempt}",
        FollowUp.ASKED: f"refund-asked:{refund.id}:{refund.attempt}:{refund.status}",
        FollowUp.DUE: f"refund-due:{refund.id}:{refund.attempt}",
    }
    return Notification(
        kind=Kind.STAFF_REFUND_FOLLOWUP,
        audience="staff",
        dedupe_key=keys[why],
        due_at=due,
        customer_id=refund.customer_id or None,
        payload=refund_news(RefundFollowUp, refund, status=refund.status, why=why),
    )
