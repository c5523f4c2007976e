"""Staff-side use cases around a review: deciding with what the card shows, order timelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Protocol, runtime_checkable

from domain.policy import ShopRules
from domain.ports import UnitOfWork
from domain.review import (
    ReviewOutcome,
    ReviewResult,
    StaffTicketView,
    exchange_allowed,
    review_ticket,
    staff_ticket_view,
)
from domain.shop_cancels import (
    CancelDesk,
    Settled,
    send_approval_to_shop,
    send_restore_to_shop,
)
from domain.shopper import OrderCard
from domain.tickets import RejectReason, Ticket, TicketKind, TicketStatus, Verdict
from domain.timeline import Entry, staff_timeline

#: Staff work these hours on working days; "time left" on a ticket counts only them.
DAY_START = time(9)
DAY_END = time(18)


def card_key(ticket_id: int) -> str:
    """The dedupe key of a ticket's staff card; its outbox row remembers the card's message."""
    return f"ticket-new:{ticket_id}"


@runtime_checkable
class WorkHours(Protocol):
    def work_hours_between(
        self, a: datetime, b: datetime, day_start: time = ..., day_end: time = ...
    ) -> float: ...


def hours_left(deadline: date, rules: ShopRules, now: datetime) -> float:
    """Working hours from ``now`` to the end of the deadline's working day (negative: overdue)."""
    end = datetime.combine(deadline, DAY_END, tzinfo=rules.tz)
    local = now.astimezone(rules.tz)
    if isinstance(rules.calendar, WorkHours):
        return rules.calendar.work_hours_between(local, end, DAY_START, DAY_END)
    return (end - local).total_seconds() / 3600  # a calendar without hours: wall-clock time


@dataclass(frozen=True, slots=True)
class StaffDecision:
    """A press on a staff card: what the use case said, and the card as it is now."""

    result: ReviewResult
    view: StaffTicketView | None = None
    card_message_id: int | None = None

    @property
    def outcome(self) -> ReviewOutcome:
        return self.result.outcome


async def decide_ticket(
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
    desk: CancelDesk | None = None,
) -> StaffDecision:
    """Decide (first decision wins), then read back the card to show everyone the outcome.

    An exchange is only offered for card keys: a forged press for other goods
    is treated like a press for a ticket that does not exist. With a ``desk`` (the
    shop's own order system decides cancels), an approval is asked of the shop first.
    """
    if verdict is Verdict.EXCHANGE and is_staff:
        view = await staff_ticket_view(uow, ticket_id, rules, now)
        if view is None or not exchange_allowed(view.ticket.kind, view.card.order.product_kind):
            return StaffDecision(ReviewResult(ReviewOutcome.NOT_FOUND))
    if verdict is Verdict.APPROVE and is_staff and desk is not None:
        held = await _ask_shop(uow, desk, ticket_id, reviewer_id, rules=rules, now=now)
        if held is not None:
            return await _with_card(uow, ReviewResult(held), ticket_id, rules, now)
    result = await review_ticket(
        uow,
        ticket_id=ticket_id,
        reviewer_id=reviewer_id,
        is_staff=is_staff,
        verdict=verdict,
        rules=rules,
        now=now,
        reject_reason=reject_reason,
        note=note,
    )
    if result.outcome in (ReviewOutcome.NOT_STAFF, ReviewOutcome.NOT_FOUND):
        return StaffDecision(result)
    return await _with_card(uow, result, ticket_id, rules, now)


async def _ask_shop(
    uow: UnitOfWork,
    desk: CancelDesk,
    ticket_id: int,
    reviewer_id: int,
    *,
    rules: ShopRules,
    now: datetime,
) -> ReviewOutcome | None:
    """Send the approval to the shop and wait a few seconds for its answer. None: nothing
    needs asking (closed, cancelled meanwhile, a coupon, a restore the bot cannot do), so
    the review itself decides (and says why)."""
    async with uow:
        ticket = await uow.tickets.get(ticket_id)
    if ticket is None or ticket.kind is TicketKind.COUPON:
        return None  # coupons are the bot's own: nothing to ask the shop
    if ticket.kind is TicketKind.RESTORE:
        sent = await send_restore_to_shop(
            uow, ticket_id=ticket_id, reviewer_id=reviewer_id, rules=rules, now=now
        )
    else:
        sent = await send_approval_to_shop(
            uow, ticket_id=ticket_id, reviewer_id=reviewer_id, now=now
        )
    if sent.awaiting:
        return ReviewOutcome.AWAITING_SHOP
    if sent.request_id is None:
        return None
    settled = await desk.confirm(sent.request_id)
    if settled is None:
        return ReviewOutcome.AWAITING_SHOP
    # Accepted: the ticket closed as approved with the cancel, by this reviewer.
    return (
        ReviewOutcome.ORDER_CHANGED
        if settled.outcome is Settled.REFUSED
        else ReviewOutcome.DECIDED
    )


class CardAccess(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    NOT_STAFF = "not_staff"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class StaffCard:
    access: CardAccess
    view: StaffTicketView | None = None


async def ticket_for_staff(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    reviewer_id: int,
    is_staff: bool,
    rules: ShopRules,
    now: datetime,
) -> StaffCard:
    """A card (or its reject menu) for a staff member; anyone else is refused and audited."""
    if not is_staff:
        await review_ticket(
            uow,
            ticket_id=ticket_id,
            reviewer_id=reviewer_id,
            is_staff=False,
            verdict=Verdict.REJECT,
            rules=rules,
            now=now,
        )
        return StaffCard(CardAccess.NOT_STAFF)
    view = await staff_ticket_view(uow, ticket_id, rules, now)
    if view is None:
        return StaffCard(CardAccess.NOT_FOUND)
    return StaffCard(CardAccess.CLOSED if view.ticket.status.closed else CardAccess.OPEN, view)


async def _with_card(
    uow: UnitOfWork, result: ReviewResult, ticket_id: int, rules: ShopRules, now: datetime
) -> StaffDecision:
    view, message_id = await ticket_with_card(uow, ticket_id, rules, now)
    return StaffDecision(result, view, message_id)


async def ticket_with_card(
    uow: UnitOfWork, ticket_id: int, rules: ShopRules, now: datetime
) -> tuple[StaffTicketView | None, int | None]:
    """A ticket as its staff card shows it, and the card's message once it is posted."""
    view = await staff_ticket_view(uow, ticket_id, rules, now)
    async with uow:
        message_id = await uow.outbox.message_id(card_key(ticket_id))
    return view, message_id


async def open_ticket_card(uow: UnitOfWork, ticket_id: int) -> tuple[Ticket | None, int | None]:
    """The ticket while it is still open (else None), and its card's message to reply to."""
    async with uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None or ticket.status is not TicketStatus.OPEN:
            return None, None
        return ticket, await uow.outbox.message_id(card_key(ticket_id))


@dataclass(frozen=True, slots=True)
class OrderTimeline:
    card: OrderCard
    entries: tuple[Entry, ...]
    open_ticket: Ticket | None


async def order_timeline(
    uow: UnitOfWork, order_no: str, rules: ShopRules, now: datetime
) -> OrderTimeline | None:
    """An order's facts and everything that happened to it, oldest first, for staff."""
    found = await staff_timeline(uow, order_no)
    if found is None:
        return None
    card = OrderCard(found.order, rules.decide(found.order, now), found.refund)
    return OrderTimeline(card, found.entries, found.open_ticket)
