"""Use cases of tickets: the shopper files, staff decide, once.

A ticket asks staff to cancel an order (or check a card key's activation), to restore a
cancel the shopper cannot undo alone (``restore``), or to give back a coupon the cancel
kept (``coupon``); approving does what was asked, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.coupons import CouponReturn, write_coupon_return
from domain.notifications import Kind, TicketDecided, TicketEvidence, TicketNew, TicketWithdrawn
from domain.orders import CancelPath, CouponStatus, Order, OrderStatus, ProductKind, Refund
from domain.policy import ShopRules, coupon_outcome, refund_plan
from domain.ports import AuditEntry, CustomerHistory, Notification, TicketDraft, UnitOfWork
from domain.restore import CouponBack, RestoreBlock, RestorePlan, restore_plan, write_restore
from domain.satisfaction import TICKET, ask_satisfaction, case_key
from domain.shopper import OrderCard, order_card, shopper, write_cancel
from domain.tickets import (
    MAX_EVIDENCE,
    Evidence,
    RejectReason,
    Ticket,
    TicketKind,
    TicketReason,
    TicketStatus,
    Verdict,
)


def staff(telegram_id: int) -> str:
    return f"staff:{telegram_id}"


def may_file(
    card_order: Order, decision_can_apply: bool, *, activation_confirmed: bool = False
) -> TicketKind | None:
    """Which ticket the shopper may file for this order, if any.

    The rules' "apply" decisions file a cancel application; a delivered card
    key the system shows as activated can still be disputed ("I have not used
    it", the article's FAQ 1): staff query the activation and decide — once.
    After staff confirmed the key was activated, only after-sales remains.
    """
    if (
        card_order.status is OrderStatus.DELIVERED
        and card_order.product_kind is ProductKind.CARD_KEY
    ):
        return None if activation_confirmed else TicketKind.ACTIVATION_CHECK
    if decision_can_apply:
        return TicketKind.CANCEL
    return None


def exchange_allowed(kind: TicketKind, product: ProductKind) -> bool:
    """An exchange is the negotiated way out of a card key's cancel (FAQ 1), nothing else."""
    return product is ProductKind.CARD_KEY and kind in (
        TicketKind.CANCEL,
        TicketKind.ACTIVATION_CHECK,
    )


def coupon_kept(card: OrderCard) -> bool:
    """A cancelled order whose coupon the cancel did not give back: the shopper may ask."""
    coupon, plan = card.order.coupon, card.restore
    return (
        plan is not None
        and coupon is not None
        and coupon.status is CouponStatus.USED
        and plan.coupon is CouponBack.NONE
    )


def may_request(
    card: OrderCard, wanted: TicketKind | None, *, activation_confirmed: bool = False
) -> TicketKind | None:
    """The ticket the shopper may file for this order: ``wanted`` (a restore, a coupon)
    when it fits the order, else the one the cancel rules allow (``may_file``)."""
    if wanted is TicketKind.RESTORE:
        plan = card.restore
        return wanted if plan is not None and plan.may_ask_staff else None
    if wanted is TicketKind.COUPON:
        return wanted if coupon_kept(card) else None
    return may_file(card.order, card.decision.can_apply, activation_confirmed=activation_confirmed)


class ApplyOutcome(StrEnum):
    FILED = "filed"
    MAY_APPLY = "may_apply"
    ALREADY_OPEN = "already_open"  # one open ticket per order: show that one
    NOT_ALLOWED = "not_allowed"  # the rules say cancel directly, or nothing to cancel
    NOT_FOUND = "not_found"  # not this shopper's order


@dataclass(frozen=True, slots=True)
class ApplyResult:
    outcome: ApplyOutcome
    card: OrderCard | None = None
    ticket: Ticket | None = None


async def check_application(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int,
    rules: ShopRules,
    now: datetime,
    kind: TicketKind | None = None,
) -> ApplyResult:
    """Whether the shopper may start an application (of ``kind``) for this order now."""
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            return ApplyResult(ApplyOutcome.NOT_FOUND)
        card = await order_card(uow, order, rules, now)
        existing = await uow.tickets.open_for_order(order.id)
        confirmed = await uow.tickets.activation_confirmed(order.id)
    if existing is not None:
        return ApplyResult(ApplyOutcome.ALREADY_OPEN, card, existing)
    if may_request(card, kind, activation_confirmed=confirmed) is None:
        return ApplyResult(ApplyOutcome.NOT_ALLOWED, card)
    return ApplyResult(ApplyOutcome.MAY_APPLY, card)


async def file_ticket(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int,
    reason: TicketReason,
    reason_text: str,
    evidence: tuple[Evidence, ...],
    actor: str,
    rules: ShopRules,
    now: datetime,
    kind: TicketKind | None = None,
) -> ApplyResult:
    """File the application and queue its card for the staff chat, in one transaction."""
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            return ApplyResult(ApplyOutcome.NOT_FOUND)
        card = await order_card(uow, order, rules, now)
        confirmed = await uow.tickets.activation_confirmed(order.id)
        filed = may_request(card, kind, activation_confirmed=confirmed)
        if filed is None:
            return ApplyResult(ApplyOutcome.NOT_ALLOWED, card)
        if reason is TicketReason.OTHER and not reason_text.strip():
            # An application needs a reason: a preset, or the shopper's own words.
            return ApplyResult(ApplyOutcome.MAY_APPLY, card)
        ticket = await uow.tickets.add(
            TicketDraft(
                order_id=order.id,
                customer_id=customer_id,
                kind=filed,
                reason=reason,
                reason_text=reason_text,
                deadline=rules.review_deadline(now),
                evidence=evidence[:MAX_EVIDENCE],
            ),
            now,
        )
        if ticket is None:
            return ApplyResult(
                ApplyOutcome.ALREADY_OPEN, card, await uow.tickets.open_for_order(order.id)
            )
        uow.audit.add(
            AuditEntry(
                "ticket.filed",
                actor,
                now,
                order_id=order.id,
                detail={"ticket": ticket.id, "kind": filed.value, "reason": reason.value},
            )
        )
        await uow.outbox.add(
            Notification(
                kind=Kind.STAFF_TICKET_NEW,
                audience="staff",
                dedupe_key=f"ticket-new:{ticket.id}",
                due_at=now,
                customer_id=customer_id,
                payload=TicketNew(ticket.id),
            ),
            now,
        )
        await uow.commit()
    return ApplyResult(ApplyOutcome.FILED, card, ticket)


class EvidenceOutcome(StrEnum):
    ADDED = "added"
    TOO_MANY = "too_many"
    CLOSED = "closed"
    NOT_FOUND = "not_found"


async def add_ticket_evidence(
    uow: UnitOfWork, *, customer_id: int, ticket_id: int, evidence: Evidence, now: datetime
) -> EvidenceOutcome:
    """More screenshots for an open ticket; staff see each one as it arrives."""
    async with uow:
        for _ in range(MAX_EVIDENCE + 1):  # each retry means another screenshot landed first
            ticket = await uow.tickets.for_customer(customer_id, ticket_id)
            if ticket is None:
                return EvidenceOutcome.NOT_FOUND
            if ticket.status.closed:
                return EvidenceOutcome.CLOSED
            if len(ticket.evidence) >= MAX_EVIDENCE:
                return EvidenceOutcome.TOO_MANY
            if await uow.tickets.add_evidence(ticket, evidence, now):
                break
        else:
            return EvidenceOutcome.TOO_MANY
        await uow.outbox.add(evidence_notice(ticket_id, evidence, customer_id, now), now)
        await uow.commit()
    return EvidenceOutcome.ADDED


def evidence_notice(
    ticket_id: int, evidence: Evidence, customer_id: int | None, now: datetime
) -> Notification:
    """One screenshot for the staff chat, sent as its own reply to the ticket's card."""
    return Notification(
        kind=Kind.STAFF_TICKET_EVIDENCE,
        audience="staff",
        dedupe_key=f"ticket-evidence:{ticket_id}:{evidence.file_unique_id}",
        due_at=now,
        customer_id=customer_id,
        payload=TicketEvidence(ticket_id, evidence.file_id),
    )


async def withdraw_ticket(
    uow: UnitOfWork, *, customer_id: int, ticket_id: int, actor: str, now: datetime
) -> Ticket | None:
    """Withdraw an open ticket. None when it is not the shopper's or no longer open."""
    async with uow:
        ticket = await uow.tickets.for_customer(customer_id, ticket_id)
        if ticket is None or not await uow.tickets.close(
            ticket_id, status=TicketStatus.WITHDRAWN, now=now
        ):
            return None
        uow.audit.add(
            AuditEntry("ticket.withdrawn", actor, now, ticket.order_id, {"ticket": ticket_id})
        )
        await uow.outbox.add(
            Notification(
                kind=Kind.STAFF_TICKET_WITHDRAWN,
                audience="staff",
                dedupe_key=f"ticket-withdrawn:{ticket_id}",
                due_at=now,
                customer_id=customer_id,
                payload=TicketWithdrawn(ticket_id),
            ),
            now,
        )
        await uow.commit()
        return await uow.tickets.get(ticket_id)


async def open_ticket_for(
    uow: UnitOfWork, *, customer_id: int, ticket_id: int, now: datetime
) -> Ticket | None:
    """The shopper's own open ticket; a press on any other is refused and audited."""
    async with uow:
        ticket = await uow.tickets.for_customer(customer_id, ticket_id)
        if ticket is not None and not ticket.status.closed:
            return ticket
        uow.audit.add(
            AuditEntry("press.refused", "shopper", now, detail={"why": "ticket_not_open"})
        )
        await uow.commit()
    return None


async def customer_tickets(uow: UnitOfWork, customer_id: int) -> list[Ticket]:
    async with uow:
        return await uow.tickets.list_for_customer(customer_id)


# --------------------------------------------------------------------------- staff


_CLOSING_STATUS = {
    Verdict.APPROVE: TicketStatus.APPROVED,
    Verdict.REJECT: TicketStatus.REJECTED,
    Verdict.EXCHANGE: TicketStatus.EXCHANGE_OFFERED,
}


class ReviewOutcome(StrEnum):
    DECIDED = "decided"
    ALREADY_DECIDED = "already_decided"  # the first decision won; here is who made it
    NOT_STAFF = "not_staff"
    NOT_FOUND = "not_found"
    ORDER_CHANGED = "order_changed"  # approve lost a race with the order's own change
    AWAITING_SHOP = "awaiting_shop"  # approved; the shop's order system has yet to confirm
    BY_HAND = "by_hand"  # a restore or a coupon the bot cannot do: staff are told what to do


@dataclass(frozen=True, slots=True)
class ReviewResult:
    outcome: ReviewOutcome
    ticket: Ticket | None = None
    #: For BY_HAND: why the bot cannot do what was asked.
    blocked: RestoreBlock | CouponReturn | None = None


@dataclass(frozen=True, slots=True)
class _Decision:
    ticket: Ticket
    verdict: Verdict
    reviewer_id: int
    reject_reason: RejectReason | None
    note: str | None

    @property
    def status(self) -> TicketStatus:
        return _CLOSING_STATUS[self.verdict]

    @property
    def actor(self) -> str:
        return staff(self.reviewer_id)


async def review_ticket(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    reviewer_id: int,
    is_staff: bool,
    verdict: Verdict,
    rules: ShopRules,
    now: datetime,
    reject_reason: RejectReason | None = None,
    note: str | None = None,
) -> ReviewResult:
    """Decide a ticket: the first decision wins, in one transaction with all it causes.

    Approving cancels the order exactly as a direct cancel does (refund,
    coupon, audit); either way the shopper's notification is queued in the
    same transaction.
    """
    async with uow:
        if not is_staff:
            return await _refuse_review(uow, ticket_id, reviewer_id, now)
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            return ReviewResult(ReviewOutcome.NOT_FOUND)
        if ticket.status.closed:
            return ReviewResult(ReviewOutcome.ALREADY_DECIDED, ticket)
        decision = _Decision(ticket, verdict, reviewer_id, reject_reason, note)
        if not await _close(uow, decision, now):
            await uow.rollback()
            return ReviewResult(ReviewOutcome.ALREADY_DECIDED, await uow.tickets.get(ticket_id))
        if reject_reason is RejectReason.KEY_ACTIVATED and verdict is Verdict.REJECT:
            # Staff looked the key up: the card shows it as activated from now on.
            await uow.orders.record_key_activated(ticket.order_id, now)
        done = _Done()
        if verdict is Verdict.APPROVE:
            done = await _approve(uow, decision, rules, now)
            if done.refused is not None:
                await uow.rollback()
                return done.refused
        _audit_decision(uow, decision, now)
        await _tell_shopper(uow, decision, done.refund, now, **done.news)
        await uow.commit()
        return ReviewResult(ReviewOutcome.DECIDED, await uow.tickets.get(ticket_id))


@dataclass(frozen=True, slots=True)
class _Done:
    """What approving did: the refund it started, the news for the shopper, or why not."""

    refund: Refund | None = None
    news: dict[str, Any] = field(default_factory=dict)
    refused: ReviewResult | None = None


async def _approve(uow: UnitOfWork, decision: _Decision, rules: ShopRules, now: datetime) -> _Done:
    """Do what the ticket asked for, inside the review's transaction."""
    ticket = decision.ticket
    if ticket.kind is TicketKind.RESTORE:
        return await _restore_approved(uow, decision, rules, now)
    if ticket.kind is TicketKind.COUPON:
        return await _coupon_approved(uow, decision, now)
    cancelled, refund = await _cancel_order(uow, decision, rules, now)
    if not cancelled:
        # The order moved between reading and writing; a second press re-reads it.
        return _Done(refused=ReviewResult(ReviewOutcome.ORDER_CHANGED, ticket))
    return _Done(refund)


async def _restore_approved(
    uow: UnitOfWork, decision: _Decision, rules: ShopRules, now: datetime
) -> _Done:
    """Restore the order as the shopper would, with the limits staff have too."""
    ticket = decision.ticket
    plan = await staff_restore_plan(uow, ticket.order_id, rules, now)
    if plan is None or plan.block is not None:
        blocked = plan.block if plan is not None else RestoreBlock.NOT_CANCELLED
        return _Done(refused=ReviewResult(ReviewOutcome.BY_HAND, ticket, blocked))
    done = await write_restore(uow, plan, actor=decision.actor, now=now, ticket=ticket.id)
    if done.lost is not None:
        # Someone moved first (the refund went out, the coupon was spent): read it again.
        again = await staff_restore_plan(uow, ticket.order_id, rules, now)
        blocked = again.block if again is not None else RestoreBlock.NOT_CANCELLED
        return _Done(refused=ReviewResult(ReviewOutcome.BY_HAND, ticket, blocked))
    return _Done(news={"restored_to": plan.back_to})


async def staff_restore_plan(
    uow: UnitOfWork, order_id: int, rules: ShopRules, now: datetime
) -> RestorePlan | None:
    order = await uow.orders.get(order_id)
    assert order is not None  # tickets reference existing orders; orders are kept
    return await restore_plan(uow, order, rules, now, by_staff=True)


async def _coupon_approved(uow: UnitOfWork, decision: _Decision, now: datetime) -> _Done:
    ticket = decision.ticket
    order = await uow.orders.get(ticket.order_id)
    assert order is not None
    outcome = await write_coupon_return(
        uow, order, actor=decision.actor, now=now, ticket_id=ticket.id
    )
    if outcome not in (CouponReturn.RETURNED, CouponReturn.NOT_SPENT):
        return _Done(refused=ReviewResult(ReviewOutcome.BY_HAND, ticket, outcome))
    # Back already (by another staff member): what was asked for has happened.
    title = order.coupon.title if order.coupon else None
    return _Done(news={"coupon_title": title})


async def approve_cancelled(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    reviewer_id: int,
    refund: Refund | None,
    now: datetime,
    restored_to: OrderStatus | None = None,
) -> bool:
    """Close an application as approved once its order is cancelled (or, for a restore,
    restored: ``restored_to``) as the shop confirmed, inside the caller's transaction;
    False when it was closed already."""
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or ticket.status.closed:
        return False
    decision = _Decision(ticket, Verdict.APPROVE, reviewer_id, None, None)
    if not await _close(uow, decision, now):
        return False
    _audit_decision(uow, decision, now)
    news = {"restored_to": restored_to} if restored_to is not None else {}
    await _tell_shopper(uow, decision, refund, now, **news)
    return True


async def _tell_shopper(
    uow: UnitOfWork, decision: _Decision, refund: Refund | None, now: datetime, **news: Any
) -> None:
    """The decision's news, then (the case being over) the one question how it went."""
    ticket = decision.ticket
    await uow.outbox.add(_decided_notice(decision, refund, now, **news), now)
    await ask_satisfaction(
        uow,
        customer_id=ticket.customer_id,
        case=case_key(TICKET, ticket.id),
        order_id=ticket.order_id,
        now=now,
    )


async def _refuse_review(
    uow: UnitOfWork, ticket_id: int, reviewer_id: int, now: datetime
) -> ReviewResult:
    uow.audit.add(
        AuditEntry(
            "ticket.review_refused", shopper(reviewer_id), now, detail={"ticket": ticket_id}
        )
    )
    await uow.commit()
    return ReviewResult(ReviewOutcome.NOT_STAFF)


async def _close(uow: UnitOfWork, decision: _Decision, now: datetime) -> bool:
    """The one guarded write that makes this decision the first; False when another won."""
    return await uow.tickets.close(
        decision.ticket.id,
        status=decision.status,
        now=now,
        decided_by=decision.reviewer_id,
        reject_reason=decision.reject_reason if decision.verdict is Verdict.REJECT else None,
        note=decision.note,
    )


async def _cancel_order(
    uow: UnitOfWork, decision: _Decision, rules: ShopRules, now: datetime
) -> tuple[bool, Refund | None]:
    """Cancel the ticket's order as a direct cancel would; False when the order moved."""
    order = await uow.orders.get(decision.ticket.order_id)
    assert order is not None  # tickets reference existing orders; orders are kept
    if order.status is OrderStatus.CANCELLED:
        # Cancelled meanwhile (e.g. by the shop's own system): what was asked for has
        # happened, so the ticket closes as approved with the refund already under way.
        return True, await uow.refunds.for_order(order.id)
    written = await write_cancel(
        uow,
        order,
        plan=refund_plan(order, now, rules.calendar, rules.tz),
        coupon=coupon_outcome(order.coupon, now),
        actor=decision.actor,
        now=now,
        path=await approved_path(uow, order.id, decided_at=now),
    )
    return written.changed, written.refund


async def approved_path(uow: UnitOfWork, order_id: int, *, decided_at: datetime) -> CancelPath:
    """How staff's /stats count the cancel of an approved application: settled in a
    conversation when the order had a case (staff and the shopper talked about it) by the
    time staff decided, else through the application alone."""
    if await uow.cases.opened_about(order_id, by=decided_at):
        return CancelPath.CONVERSATION
    return CancelPath.APPLICATION


def _audit_decision(uow: UnitOfWork, decision: _Decision, now: datetime) -> None:
    reason = decision.reject_reason.value if decision.reject_reason else None
    uow.audit.add(
        AuditEntry(
            f"ticket.{decision.status.value}",
            decision.actor,
            now,
            order_id=decision.ticket.order_id,
            detail={"ticket": decision.ticket.id, "reject_reason": reason},
        )
    )


def _decided_notice(
    decision: _Decision,
    refund: Refund | None,
    now: datetime,
    *,
    restored_to: OrderStatus | None = None,
    coupon_title: str | None = None,
) -> Notification:
    """The shopper's news of the decision, with the refund it started when there is one."""
    ticket = decision.ticket
    payload = TicketDecided(
        ticket_id=ticket.id,
        order_no=ticket.order_no,
        verdict=decision.verdict,
        reject_reason=decision.reject_reason,
        note=decision.note,
        kind=ticket.kind,
        restored_to=restored_to,
        coupon_title=coupon_title,
    )
    if refund is not None:
        payload = replace(
            payload,
            amount_fen=refund.amount_fen,
            channel=refund.channel,
            latest=refund.expected_latest,
            refund_status=refund.status,
        )
    return Notification(
        kind=Kind.CUSTOMER_TICKET_DECIDED,
        audience="customer",
        dedupe_key=f"ticket-decided:{ticket.id}",
        due_at=now,
        customer_id=ticket.customer_id,
        payload=payload,
    )


@dataclass(frozen=True, slots=True)
class StaffTicketView:
    """Everything a staff card shows: the ticket, its order and the customer's history."""

    ticket: Ticket
    card: OrderCard
    history: CustomerHistory
    customer_name: str


async def staff_ticket_view(
    uow: UnitOfWork, ticket_id: int, rules: ShopRules, now: datetime
) -> StaffTicketView | None:
    async with uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            return None
        order = await uow.orders.get(ticket.order_id)
        customer = await uow.customers.get(ticket.customer_id)
        assert order is not None and customer is not None
        history = await uow.tickets.history(ticket.customer_id)
        refund = await uow.refunds.for_order(order.id)
        # Staff see what approving a restore would do, with the limits staff have.
        plan = await restore_plan(uow, order, rules, now, by_staff=True)
    card = OrderCard(order, rules.decide(order, now), refund, plan)
    return StaffTicketView(ticket, card, history, customer.name)


async def open_tickets(uow: UnitOfWork, *, limit: int = 20) -> list[Ticket]:
    async with uow:
        return await uow.tickets.open_queue(limit=limit)
