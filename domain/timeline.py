"""An order's history in plain words: every change of the order, its tickets, its refund and
its coupon, oldest first.

Four sources say what happened, and each fact is read from one of them only:

* the order's own timestamps: placed, paid, delivered, completed (and cancelled, when
  nothing else recorded the cancel, e.g. an order imported already cancelled);
* its tickets: filed, then approved, rejected, an exchange offered, or withdrawn;
* its refund: requested, then each event (submitted, arrived, failed, started again);
* the audit log: the cancel and what became of the coupon, the shopper's answers, the
  requests to the shop's system, the satisfaction question.

The audit log grows with every feature. ``AUDIT_ENTRIES`` says what each known action
tells, in one line per action; its text is ``timeline-<what>`` in every language (and,
optionally, ``timeline-staff-<what>`` for staff's wording). An action that repeats a
ticket's or a refund's own record maps to None. An action the table does not know is left
out, never shown raw, and logged once.

Entries carry plain facts (amounts in fen, a channel, a preset reason), never ids. What
only staff may read (who did it, notes, the shop's internal steps) is kept apart on the
entry, and ``for_shopper`` leaves it out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.orders import Order, Refund
from domain.policy import RefusalBudget
from domain.ports import AuditEntry, RefundEvent, UnitOfWork
from domain.shopper import refuse_press, typed_text
from domain.tickets import Ticket, TicketStatus

log = logging.getLogger(__name__)

Fact = str | int


class By(StrEnum):
    """Who did it, as a timeline tells it."""

    SHOPPER = "shopper"
    STAFF = "staff"
    SHOP = "shop"  # the shop's own order system
    SYSTEM = "system"  # the bot, the shop wallet, an import file


def by_of(actor: str) -> tuple[By, int | None]:
    """Who an audit actor is, and the staff member's Telegram id when it is one."""
    kind, _, rest = actor.partition(":")
    if kind == "tg":
        return By.SHOPPER, None
    if kind == "staff" and rest.isdigit():
        return By.STAFF, int(rest)
    if kind == "shop":
        return By.SHOP, None
    return By.SYSTEM, None


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    #: What happened; names the text (``timeline-<what>``).
    what: str
    by: By
    #: What the text shows: amounts in fen, a channel, a preset reason, a coupon's title.
    facts: Mapping[str, Fact] = field(default_factory=dict)
    #: Staff only: a step inside the shop the shopper has no part in.
    internal: bool = False
    #: Staff only: who exactly (the audit actor, and a staff member's Telegram id).
    actor: str = ""
    staff_id: int | None = None
    #: Staff only: typed reasons, the shopper's own words, a provider's reference.
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRule:
    """What one audit action tells: its text, which of its details the text shows (``facts``)
    and which only staff read (``notes``), and whether the shopper sees it at all."""

    what: str
    facts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    internal: bool = False


#: Every audit action that may name an order. None: told by another source (the ticket's or
#: the refund's own record), so it is not told twice.
AUDIT_ENTRIES: dict[str, AuditRule | None] = {
    "order.cancelled": AuditRule("order-cancelled"),
    "order.cancel_reason": AuditRule("order-cancel-reason", facts=("reason",)),
    "order.cancel_requested": AuditRule("order-cancel-requested"),
    "order.cancel_refused": AuditRule(
        "order-cancel-refused", facts=("shop_status",), notes=("why",)
    ),
    "ticket.filed": None,
    "ticket.approved": None,
    "ticket.rejected": None,
    "ticket.exchange_offered": None,
    "ticket.withdrawn": None,
    "refund.submit": None,
    "refund.succeed": None,
    "refund.fail": None,
    "refund.reinitiate": None,
    "refund.reconciled": AuditRule(
        "refund-reconciled", notes=("file", "provider_ref"), internal=True
    ),
    "refund.shopper_arrived": AuditRule("refund-shopper-arrived"),
    "refund.shopper_not_yet": AuditRule("refund-shopper-not-yet"),
    "refund.shopper_asked_reinitiate": AuditRule("refund-shopper-asked"),
    "order.restored": AuditRule("order-restored"),
    "order.restore_requested": AuditRule("order-restore-requested", internal=True),
    "order.restore_refused": AuditRule("order-restore-refused"),
    "coupon.returned_by_staff": AuditRule("coupon-returned-by-staff"),
    "case.opened": AuditRule("case-opened"),
    "case.closed": AuditRule("case-closed"),
    "case.reopened": AuditRule("case-reopened"),
    "satisfaction.asked": AuditRule("satisfaction-asked", internal=True),
    "satisfaction.not_asked": AuditRule("satisfaction-not-asked", internal=True),
    "satisfaction.rated": AuditRule("satisfaction-rated", facts=("rating",), internal=True),
    "satisfaction.skipped": AuditRule("satisfaction-skipped", internal=True),
    "satisfaction.commented": AuditRule(
        "satisfaction-commented", notes=("comment",), internal=True
    ),
}

#: A refund's events, by action, as a timeline names them.
REFUND_EVENTS = {
    "submit": "refund-submitted",
    "succeed": "refund-succeeded",
    "fail": "refund-failed",
    "reinitiate": "refund-reinitiated",
    "void": "refund-voided",
    "reopen": "refund-reopened",
}

#: What became of the coupon at a cancel (the cancel's audit detail), when there was one.
_COUPON_AFTER_CANCEL = {
    "returned": "coupon-returned",
    "not_returned": "coupon-not-returned",
    "expired": "coupon-expired",
}

#: Which source comes first when two say something at the same instant: an approval is
#: told before the cancel it causes, the cancel before its refund, and staff-only steps
#: (the satisfaction question) after all of them.
_RANK_ORDER, _RANK_TICKET, _RANK_AUDIT, _RANK_REFUND, _RANK_INTERNAL = range(5)

_unknown_logged: set[str] = set()


def build_timeline(
    order: Order,
    *,
    audit: Sequence[AuditEntry] = (),
    tickets: Sequence[Ticket] = (),
    refund: Refund | None = None,
    refund_events: Sequence[RefundEvent] = (),
) -> list[Entry]:
    """Everything that happened to ``order``, oldest first (staff's full view)."""
    ranked: list[tuple[datetime, int, int, Entry]] = []

    def add(rank: int, entry: Entry) -> None:
        # The shop's inner steps follow what the shopper sees happen at the same instant.
        ranked.append((entry.at, _RANK_INTERNAL if entry.internal else rank, len(ranked), entry))

    for entry in _order_entries(order, cancel_audited=_cancel_audited(audit)):
        add(_RANK_ORDER, entry)
    for ticket in sorted(tickets, key=lambda t: (t.created_at, t.id)):
        for entry in _ticket_entries(ticket):
            add(_RANK_TICKET, entry)
    for row in audit:
        for entry in _audit_entries(row, order):
            add(_RANK_AUDIT, entry)
    if refund is not None:
        for entry in _refund_entries(refund, refund_events):
            add(_RANK_REFUND, entry)
    ranked.sort(key=lambda item: item[:3])
    return [entry for *_, entry in ranked]


def for_shopper(entries: Sequence[Entry]) -> list[Entry]:
    """What the shopper sees: what happened to their order, not the shop's inner steps."""
    return [entry for entry in entries if not entry.internal]


def _cancel_audited(audit: Sequence[AuditEntry]) -> bool:
    return any(row.action == "order.cancelled" for row in audit)


def _order_entries(order: Order, *, cancel_audited: bool) -> list[Entry]:
    placed: dict[str, Fact] = {"amount_fen": order.amount_paid_fen}
    entries = [Entry(order.placed_at, "order-placed", By.SHOPPER, placed)]
    if order.paid_at is not None:
        channel = order.payment_channel.value if order.payment_channel else ""
        paid: dict[str, Fact] = {"amount_fen": order.amount_paid_fen, "channel": channel}
        entries.append(Entry(order.paid_at, "order-paid", By.SHOPPER, paid))
    if order.delivered_at is not None:
        kind: dict[str, Fact] = {"kind": order.product_kind.value}
        entries.append(Entry(order.delivered_at, "order-delivered", By.SHOP, kind))
    if order.completed_at is not None:
        entries.append(Entry(order.completed_at, "order-completed", By.SHOP))
    if order.cancelled_at is not None and not cancel_audited:
        # Cancelled before the bot knew the order (imported so): who did it is not known.
        entries.append(Entry(order.cancelled_at, "order-cancelled", By.SYSTEM))
    return entries


def _ticket_entries(ticket: Ticket) -> list[Entry]:
    filed = Entry(
        ticket.created_at,
        "ticket-filed",
        By.SHOPPER,
        {"kind": ticket.kind.value, "reason": ticket.reason.value},
        note=ticket.reason_text or None,
    )
    if ticket.status is TicketStatus.OPEN or ticket.decided_at is None:
        return [filed]
    if ticket.status is TicketStatus.WITHDRAWN:
        return [filed, Entry(ticket.decided_at, "ticket-withdrawn", By.SHOPPER)]
    facts: dict[str, Fact] = {"kind": ticket.kind.value}
    if ticket.status is TicketStatus.REJECTED:
        # The shopper was told this reason: the preset, or what staff typed for them.
        facts["reason"] = ticket.reject_reason.value if ticket.reject_reason else "other"
        facts["reason_text"] = ticket.decision_note or ""
    decided = Entry(
        ticket.decided_at,
        f"ticket-{ticket.status.value}",
        By.STAFF,
        facts,
        actor=f"staff:{ticket.decided_by}" if ticket.decided_by else "",
        staff_id=ticket.decided_by,
    )
    return [filed, decided]


def _audit_entries(row: AuditEntry, order: Order) -> list[Entry]:
    if row.action not in AUDIT_ENTRIES:
        if row.action not in _unknown_logged:
            _unknown_logged.add(row.action)
            log.warning("timeline: audit action %r has no entry; it is left out", row.action)
        return []
    rule = AUDIT_ENTRIES[row.action]
    if rule is None:
        return []
    by, staff_id = by_of(row.actor)
    # A fact the row does not carry may be the order's own (``coupon_title``).
    known = {"coupon_title": order.coupon.title if order.coupon else ""}
    facts = {name: _plain(row.detail.get(name, known.get(name))) for name in rule.facts}
    notes = [str(row.detail[name]) for name in rule.notes if row.detail.get(name)]
    entry = Entry(
        row.at,
        rule.what,
        by,
        facts,
        internal=rule.internal,
        actor=row.actor,
        staff_id=staff_id,
        note=" · ".join(notes) or None,
    )
    entries = [entry]
    coupon = _COUPON_AFTER_CANCEL.get(str(row.detail.get("coupon")))
    if row.action == "order.cancelled" and coupon is not None and order.coupon is not None:
        facts = {"coupon_title": order.coupon.title}
        entries.append(replace(entry, what=coupon, facts=facts, note=None))
    return entries


def _plain(value: object) -> Fact:
    """A detail as a text may show it: numbers stay numbers, anything else is words."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _refund_entries(refund: Refund, events: Sequence[RefundEvent]) -> list[Entry]:
    money: dict[str, Fact] = {"amount_fen": refund.amount_fen, "channel": refund.channel.value}
    entries = [Entry(refund.created_at, "refund-requested", By.SYSTEM, money)]
    for event in sorted(events, key=lambda e: e.at):
        what = REFUND_EVENTS.get(event.action)
        if what is None:
            continue  # an action of a newer release: its audit row says it to staff
        by, staff_id = by_of(event.actor)
        facts = dict(money)
        if event.action == "fail":
            facts["reason"] = event.note or ""  # the shopper was told why
        notes = [n for n in (event.note, event.provider_ref) if n]
        entries.append(
            Entry(
                event.at,
                what,
                by,
                facts,
                actor=event.actor,
                staff_id=staff_id,
                note=" · ".join(notes) or None,
            )
        )
    return entries


def zone(name: str | None, default: tzinfo) -> tzinfo:
    """The shopper's timezone by its IANA name, else ``default`` (the shop's)."""
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


# --------------------------------------------------------------------------- use cases


@dataclass(frozen=True, slots=True)
class Timeline:
    order: Order
    entries: tuple[Entry, ...]
    open_ticket: Ticket | None = None
    refund: Refund | None = None


async def _timeline(uow: UnitOfWork, order: Order) -> Timeline:
    tickets = await uow.tickets.for_order(order.id)
    refund = await uow.refunds.for_order(order.id)
    entries = build_timeline(
        order,
        audit=await uow.audit.for_order(order.id),
        tickets=tickets,
        refund=refund,
        refund_events=await uow.refunds.events(refund.id) if refund else (),
    )
    still_open = next((t for t in tickets if t.status is TicketStatus.OPEN), None)
    return Timeline(order, tuple(entries), still_open, refund)


async def shopper_timeline(
    uow: UnitOfWork, *, customer_id: int, order_id: int, refusals: RefusalBudget, now: datetime
) -> Timeline | None:
    """The shopper's own order's history; a press for anyone else's is refused and audited."""
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            await refuse_press(
                uow, "timeline_not_owned", now, who=f"customer:{customer_id}", budget=refusals
            )
            return None
        found = await _timeline(uow, order)
    return Timeline(order, tuple(for_shopper(found.entries)))


async def staff_timeline(uow: UnitOfWork, order_no: str) -> Timeline | None:
    """Any order's full history by its number, for staff (``/order ORDER_NO``)."""
    number = typed_text(order_no)
    async with uow:
        order = await uow.orders.by_number(number) or await uow.orders.by_number(number.upper())
        if order is None:
            return None
        return await _timeline(uow, order)
