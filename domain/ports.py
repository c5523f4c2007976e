"""What the use cases need from the outside world, as Protocols.

Storage implements these on SQLAlchemy; unit tests implement them in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self

from domain.cases import Case, CaseMessage, CaseStatus, CaseTopic, Direction, Incoming, SavedReply
from domain.notifications import Kind, Payload, check
from domain.orders import (
    CancelPath,
    CancelReason,
    Coupon,
    Customer,
    Gateway,
    Order,
    OrderStatus,
    OrderTab,
    PaymentChannel,
    Product,
    Refund,
    RefundStatus,
)
from domain.tickets import (
    Evidence,
    RejectReason,
    Ticket,
    TicketKind,
    TicketReason,
    TicketStatus,
)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock tests (and simulations) move by hand."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    actor: str
    at: datetime
    order_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: Sequence[Order]
    total: int


@dataclass(frozen=True, slots=True)
class Notification:
    """A message for a shopper or the staff chat, queued with the change that causes it.

    ``kind`` names the text; ``payload`` holds the facts it shows (no rendered
    text: it is rendered in the recipient's language when sent), of the one type
    its kind carries. ``dedupe_key`` makes queueing the same news twice impossible.
    """

    kind: Kind
    audience: str  # "customer" or "staff"
    dedupe_key: str
    due_at: datetime
    customer_id: int | None = None
    payload: Payload = field(kw_only=True)
    #: Rows of one chain go out one after another, each only once the one before it is
    #: settled (a case's messages keep their order across retries and restarts).
    chain: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        check(self.kind, self.payload)


class LinkOutcome(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class RefundDraft:
    order_id: int
    idempotency_key: str
    amount_fen: int
    channel: PaymentChannel
    expected_earliest: date
    expected_latest: date
    gateway: Gateway = Gateway.MANUAL


@dataclass(frozen=True, slots=True)
class RefundChange:
    """One guarded move of a refund: from ``expected`` (at ``refund.attempt``) to ``status``."""

    expected: RefundStatus
    status: RefundStatus
    at: datetime
    attempt: int
    expected_earliest: date | None = None
    expected_latest: date | None = None
    provider_ref: str | None = None
    failure_reason: str | None = None
    #: A reopened refund owes what the order's new cancel owes.
    amount_fen: int | None = None


@dataclass(frozen=True, slots=True)
class RefundEvent:
    refund_id: int
    idempotency_key: str
    action: str
    from_status: RefundStatus | None
    to_status: RefundStatus
    attempt: int
    actor: str
    at: datetime
    note: str | None = None
    provider_ref: str | None = None


@dataclass(frozen=True, slots=True)
class TicketDraft:
    order_id: int
    customer_id: int
    kind: TicketKind
    reason: TicketReason
    reason_text: str
    deadline: date
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    """The short history staff see beside a ticket."""

    orders: int
    cancelled: int
    tickets: int


class CustomerRepository(Protocol):
    async def get(self, customer_id: int) -> Customer | None: ...
    async def by_telegram(self, telegram_id: int) -> Customer | None: ...
    async def by_code(self, code: str) -> Customer | None: ...
    async def by_phone(self, phone: str) -> list[Customer]: ...
    async def upsert(self, customer: Customer, now: datetime) -> Customer: ...
    async def bind_telegram(self, customer_id: int, telegram_id: int) -> None: ...
    async def claim_telegram(self, customer_id: int, telegram_id: int) -> bool: ...
    async def unbind_telegram(self, telegram_id: int) -> bool: ...
    async def mark_unreachable(self, customer_id: int, now: datetime) -> None: ...
    async def clear_unreachable(self, telegram_id: int) -> bool: ...


class OrderRepository(Protocol):
    async def get(self, order_id: int) -> Order | None: ...
    async def get_for_update(self, order_id: int) -> Order | None: ...
    async def by_number(self, order_no: str) -> Order | None: ...
    async def by_numbers(self, order_nos: Sequence[str]) -> dict[str, Order]: ...
    async def recent_for_customer(
        self,
        customer_id: int,
        *,
        statuses: Sequence[OrderStatus] | None = None,
        tab: OrderTab = OrderTab.ALL,
        limit: int = 5,
        offset: int = 0,
    ) -> OrderPage: ...
    async def upsert(
        self, order: Order, product: Product, coupon: Coupon | None, now: datetime
    ) -> bool: ...
    async def transition(
        self, order_id: int, *, expected: OrderStatus, new: OrderStatus, at: datetime
    ) -> bool: ...
    async def for_customer(self, customer_id: int, order_id: int) -> Order | None: ...
    async def number_for_customer(self, customer_id: int, order_no: str) -> Order | None: ...
    async def search_for_customer(
        self, customer_id: int, text: str, *, limit: int = 5, offset: int = 0
    ) -> OrderPage: ...
    async def set_cancel_reason(self, order_id: int, reason: CancelReason) -> bool: ...
    async def return_coupon(self, coupon_id: int) -> bool: ...
    async def take_coupon(self, coupon_id: int) -> bool: ...
    async def keep_coupon(self, coupon_id: int) -> bool: ...
    async def hold_cancelled(self, order_id: int, now: datetime) -> bool: ...
    async def restore(self, order_id: int, *, to: OrderStatus, at: datetime) -> bool: ...
    async def mark_restoring(self, order_id: int, now: datetime) -> bool: ...
    async def clear_restoring(self, order_id: int, now: datetime) -> bool: ...
    async def record_key_activated(self, order_id: int, now: datetime) -> bool: ...
    async def mark_cancelling(
        self, order_id: int, *, expected: OrderStatus, now: datetime
    ) -> bool: ...
    async def clear_cancelling(self, order_id: int, now: datetime) -> bool: ...
    async def set_cancel_path(self, order_id: int, path: CancelPath) -> None: ...


class RefundRepository(Protocol):
    async def add(self, draft: RefundDraft, now: datetime) -> Refund: ...
    async def get(self, refund_id: int) -> Refund | None: ...
    async def for_order(self, order_id: int) -> Refund | None: ...
    async def by_order_no(self, order_no: str) -> Refund | None: ...
    async def by_provider_ref(self, provider_ref: str) -> Refund | None: ...
    async def for_customer(self, customer_id: int, *, limit: int = 10) -> list[Refund]: ...
    async def hold_write_lock(self) -> None: ...
    async def reported_under(self, provider_ref: str, *, limit: int = 2) -> list[int]: ...
    async def transition(self, refund: Refund, change: RefundChange) -> bool: ...
    async def record_event(self, event: RefundEvent) -> bool: ...
    async def event(self, idempotency_key: str) -> RefundEvent | None: ...
    async def events(self, refund_id: int) -> list[RefundEvent]: ...
    async def reference_attempt(self, refund_id: int, provider_ref: str) -> int | None: ...
    async def note_reference(self, event: RefundEvent, provider_ref: str) -> None: ...
    async def shopper_answer(self, refund: Refund, *, arrived: bool, now: datetime) -> bool: ...
    async def awaiting_arrival(self, by: date, *, limit: int = 500) -> list[Refund]: ...
    async def mark_arrival_asked(self, refund: Refund, now: datetime) -> bool: ...
    async def counts_pending(self) -> tuple[int, int]: ...
    async def credit_wallet(self, refund: Refund, now: datetime) -> bool: ...
    async def debit_wallet(self, refund: Refund, now: datetime) -> bool: ...
    async def wallet_balance(self, customer_id: int) -> int: ...


class TicketRepository(Protocol):
    async def add(self, draft: TicketDraft, now: datetime) -> Ticket | None: ...
    async def get(self, ticket_id: int) -> Ticket | None: ...
    async def for_customer(self, customer_id: int, ticket_id: int) -> Ticket | None: ...
    async def open_for_order(self, order_id: int) -> Ticket | None: ...
    async def for_order(self, order_id: int) -> list[Ticket]: ...
    async def activation_confirmed(self, order_id: int) -> bool: ...
    async def list_for_customer(self, customer_id: int, *, limit: int = 10) -> list[Ticket]: ...
    async def open_queue(self, *, limit: int = 20, due_by: date | None = None) -> list[Ticket]: ...
    async def counts_between(self, since: datetime, until: datetime) -> tuple[int, int]: ...
    async def close(
        self,
        ticket_id: int,
        *,
        status: TicketStatus,
        now: datetime,
        decided_by: int | None = None,
        reject_reason: RejectReason | None = None,
        note: str | None = None,
    ) -> bool: ...
    async def add_evidence(self, ticket: Ticket, evidence: Evidence, now: datetime) -> bool: ...
    async def history(self, customer_id: int) -> CustomerHistory: ...


class SurveyStatus(StrEnum):
    """Where the one question about a case stands."""

    ASKED = "asked"  # queued for the shopper; no answer yet
    SUPPRESSED = "suppressed"  # not asked: asked about the same order a short while before
    SKIPPED = "skipped"  # the shopper chose not to rate
    RATED = "rated"  # rated; a comment may still come
    DONE = "done"  # rated, and the comment given or declined


@dataclass(frozen=True, slots=True)
class Survey:
    """The shopper's satisfaction with one case (a ticket decided, a refund arrived, ...).

    ``case`` names the case (``ticket:12``, ``refund:7``): one survey per case, ever.
    """

    id: int
    case: str
    customer_id: int
    order_id: int | None
    status: SurveyStatus
    asked_at: datetime
    rating: int | None = None
    rated_at: datetime | None = None
    comment: str | None = None
    commented_at: datetime | None = None


class SatisfactionRepository(Protocol):
    async def open(
        self,
        *,
        case: str,
        customer_id: int,
        order_id: int | None,
        status: SurveyStatus,
        now: datetime,
    ) -> Survey | None:
        """The case's survey, new; None when the case has one already (it stays as it is)."""
        ...

    async def asked_since(self, customer_id: int, order_id: int, since: datetime) -> bool: ...
    async def for_customer(self, customer_id: int, survey_id: int) -> Survey | None: ...
    async def get(self, survey_id: int) -> Survey | None: ...
    async def rate(self, survey_id: int, rating: int, now: datetime) -> bool: ...
    async def skip(self, survey_id: int, now: datetime) -> bool: ...
    async def finish(self, survey_id: int, comment: str | None, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class StatsWindow:
    """The period staff's /stats looks at, cut into the shop's local days.

    ``day_starts`` are the instants each local day of the chart begins, oldest first,
    with the end of the last one after them (so ``len(day_starts) - 1`` days).
    """

    since: datetime
    until: datetime
    #: The shop's local date at ``until``: an open refund expected before it is overdue.
    today: date
    tz: tzinfo
    day_starts: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    cancels: int
    tickets: int


@dataclass(frozen=True, slots=True)
class ShopStats:
    """What staff see of their period at a glance (``/stats``)."""

    #: Cancels by the shopper's stated reason (``None``: none given) and by the way they went
    #: (``None``: not recorded, e.g. imported already cancelled); keys as stored.
    cancels_by_reason: Mapping[str | None, int]
    cancels_by_path: Mapping[str | None, int]
    tickets_filed: int
    #: Decided (approved, rejected, exchange offered) in the period; withdrawn ones are not.
    tickets_decided: int
    decided_on_time: int
    #: Filing to decision, clock time (nights and weekends count).
    median_review: timedelta | None
    #: Cases (conversations with staff) opened in the period. Of them: answered, where a
    #: staff message (a saved reply too) followed the shopper's first message; waiting,
    #: where the shopper wrote and no staff message has followed yet. A case the shopper
    #: opened without writing is neither.
    cases_opened: int
    cases_answered: int
    cases_waiting: int
    #: The shopper's first message to staff's first message after it, over the answered
    #: cases; clock time, as ``median_review``.
    median_first_reply: timedelta | None
    refunds_pending: int
    refunds_overdue: int
    ratings: int
    rating_average: float | None
    days: tuple[DayCount, ...]

    @property
    def cancels(self) -> int:
        return sum(self.cancels_by_reason.values())


class StatsRepository(Protocol):
    async def summary(self, window: StatsWindow) -> ShopStats: ...


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A queued notification claimed for sending.

    ``lease`` is the claim: until it passes no other sender may take the row,
    and only the holder of this exact lease may settle it.
    """

    id: int
    #: As stored: a kind this release may not know, and its payload's JSON object.
    kind: str
    audience: str
    customer_id: int | None
    data: dict[str, Any]
    attempts: int
    lease: datetime


@dataclass(frozen=True, slots=True)
class DeadNotification:
    """A row given up after retrying for a day, as the operator lists it."""

    id: int
    kind: str
    audience: str
    attempts: int
    created_at: datetime
    last_error: str | None


class OutboxRepository(Protocol):
    async def add(self, notification: Notification, now: datetime) -> bool: ...
    async def claim(
        self, audience: str, *, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None: ...
    async def mark_sent(
        self, message: OutboxMessage, *, now: datetime, message_id: int | None
    ) -> bool: ...
    async def retry(
        self, message: OutboxMessage, *, due_at: datetime, error: str, count_attempt: bool = True
    ) -> bool: ...
    async def give_up(
        self, message: OutboxMessage, *, status: str, error: str, count_attempt: bool = True
    ) -> bool: ...
    async def renew(self, message: OutboxMessage, *, lease_until: datetime) -> bool: ...
    async def message_id(self, dedupe_key: str) -> int | None: ...
    async def existing(self, dedupe_keys: Sequence[str]) -> set[str]: ...
    async def last_created(self, kind: str) -> datetime | None: ...
    async def dead(self, *, limit: int = 200) -> list[DeadNotification]: ...
    async def dead_count(self) -> int: ...
    async def requeue(self, ids: Sequence[int] | None) -> int: ...


@dataclass(frozen=True, slots=True)
class CaseDraft:
    customer_id: int
    #: None: a question about no order in particular.
    order_id: int | None
    topic: CaseTopic


@dataclass(frozen=True, slots=True)
class CaseMessageDraft:
    case_id: int
    direction: Direction
    author: int
    incoming: Incoming


class CaseRepository(Protocol):
    async def add(self, draft: CaseDraft, now: datetime) -> Case | None: ...
    async def get(self, case_id: int) -> Case | None: ...
    async def for_customer(self, customer_id: int, case_id: int) -> Case | None: ...
    async def latest(self, customer_id: int, order_id: int | None) -> Case | None: ...
    async def open_for_customer(self, customer_id: int, *, limit: int = 10) -> list[Case]: ...
    async def by_thread(self, chat_id: int, thread_id: int) -> Case | None: ...
    async def by_link(self, place: str, message_id: int) -> Case | None: ...
    async def transition(
        self, case_id: int, *, expected: CaseStatus, new: CaseStatus, now: datetime
    ) -> bool: ...
    async def set_thread(self, case_id: int, chat_id: int, thread_id: int) -> bool: ...
    async def set_header(self, case_id: int, chat_id: int, message_id: int) -> None: ...
    async def lose_place(self, case_id: int, chat_id: int) -> None: ...
    async def first_message(self, case_id: int) -> bool: ...
    async def tell_quiet(self, case_id: int, until: datetime) -> bool: ...
    async def add_message(self, draft: CaseMessageDraft, now: datetime) -> CaseMessage | None: ...
    async def message(self, message_id: int) -> CaseMessage | None: ...
    async def take_album(self, lead: CaseMessage) -> list[CaseMessage]: ...
    async def link(self, case_id: int, place: str, message_ids: Sequence[int]) -> None: ...
    async def opened_about(self, order_id: int, *, by: datetime) -> bool:
        """Whether a case about this order was opened at or before ``by``."""
        ...


class SavedReplyRepository(Protocol):
    async def all(self) -> list[SavedReply]: ...
    async def get(self, name: str) -> SavedReply | None: ...
    async def put(self, reply: SavedReply) -> bool: ...
    async def delete(self, name: str) -> bool: ...


class LinkTokenRepository(Protocol):
    async def add(
        self, token: str, customer_id: int, created_at: datetime, expires_at: datetime
    ) -> None: ...
    async def consume(
        self, token: str, telegram_id: int, now: datetime
    ) -> tuple[LinkOutcome, int | None]: ...


class PreferenceRepository(Protocol):
    async def locale(self, telegram_id: int) -> str | None: ...
    async def set_locale(self, telegram_id: int, locale: str, now: datetime) -> None: ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    async def for_order(self, order_id: int) -> list[AuditEntry]: ...


class RequestKind(StrEnum):
    """What a request to the shop's order system asks for."""

    CANCEL = "cancel"
    RESTORE = "restore"  # undo a mistaken cancel: the order back to its status before


class CancelState(StrEnum):
    PENDING = "pending"  # asked, or to be asked again: no answer that counts yet
    ACCEPTED = "accepted"  # the shop cancelled; the bot's cancel is written
    REFUSED = "refused"  # the shop would not: the order had moved on there


@dataclass(frozen=True, slots=True)
class CancelRequest:
    """One request to the shop's order system to cancel an order."""

    id: int
    order_id: int
    idempotency_key: str
    expected_status: OrderStatus
    actor: str
    state: CancelState
    requested_at: datetime
    attempts: int
    next_try_at: datetime
    ticket_id: int | None = None
    reviewer_id: int | None = None
    last_error: str | None = None
    settled_at: datetime | None = None
    shop_status: OrderStatus | None = None
    refund_ref: str | None = None
    alerted_at: datetime | None = None
    kind: RequestKind = RequestKind.CANCEL
    #: For a restore: the status the order goes back to.
    target: OrderStatus | None = None


class CancelRequestRepository(Protocol):
    async def add(
        self,
        order_id: int,
        *,
        key: str,
        expected: OrderStatus,
        actor: str,
        now: datetime,
        ticket_id: int | None = None,
        reviewer_id: int | None = None,
        kind: RequestKind = RequestKind.CANCEL,
        target: OrderStatus | None = None,
    ) -> CancelRequest: ...
    async def get(self, request_id: int) -> CancelRequest | None: ...
    async def claim(self, request_id: int, *, now: datetime, until: datetime) -> bool: ...
    async def due(self, now: datetime, *, limit: int = 50) -> list[int]: ...
    async def settle(
        self,
        request_id: int,
        state: CancelState,
        *,
        now: datetime,
        shop_status: OrderStatus | None = None,
        refund_ref: str | None = None,
    ) -> bool: ...
    async def retry_later(self, request_id: int, *, next_try_at: datetime, error: str) -> None: ...
    async def mark_alerted(self, request_id: int, now: datetime) -> bool: ...


class ShopEventLog(Protocol):
    """The events the shop's system sent, by id, with the answer each got."""

    async def answer(self, event_id: str) -> dict[str, Any] | None: ...
    async def record(
        self, event_id: str, *, kind: str, answer: dict[str, Any], now: datetime
    ) -> bool: ...


class UnitOfWork(Protocol):
    # Read-only members, so an implementation may hold any class that keeps the contract.
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def refunds(self) -> RefundRepository: ...
    @property
    def tickets(self) -> TicketRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def link_tokens(self) -> LinkTokenRepository: ...
    @property
    def prefs(self) -> PreferenceRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def cancels(self) -> CancelRequestRepository: ...
    @property
    def shop_events(self) -> ShopEventLog: ...
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def replies(self) -> SavedReplyRepository: ...
    @property
    def satisfaction(self) -> SatisfactionRepository: ...
    @property
    def stats(self) -> StatsRepository: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


#: Opens a unit of work with a session of its own (``async with uows() as uow:``), for the
#: sender, the scheduler and commands that work outside one update.
UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]
