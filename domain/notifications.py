"""Every kind of notification and the facts each one carries, typed.

A row in the outbox stores its kind's value and its payload as a JSON object;
the values are the strings rows have always been written with, so rows queued
before a release still decode after it. ``encode``/``decode`` turn a payload
into that object and back, field by field, from the dataclass's own types.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any, Union, get_args, get_origin, get_type_hints

from domain.orders import OrderStatus, PaymentChannel, RefundAction, RefundStatus
from domain.policy import CouponOutcome
from domain.tickets import RejectReason, TicketKind, Verdict


class Kind(StrEnum):
    STAFF_TICKET_NEW = "staff.ticket_new"
    STAFF_TICKET_EVIDENCE = "staff.ticket_evidence"
    STAFF_TICKET_WITHDRAWN = "staff.ticket_withdrawn"
    STAFF_TICKET_REMINDER = "staff.ticket_reminder"
    STAFF_TICKET_OVERDUE = "staff.ticket_overdue"
    STAFF_DIGEST = "staff.digest"
    STAFF_DEAD_LETTER = "staff.dead_letter"
    STAFF_CALENDAR_WANTED = "staff.calendar_wanted"
    STAFF_REFUND_REQUESTED = "staff.refund_requested"
    STAFF_REFUND_UPDATED = "staff.refund_updated"
    STAFF_REFUND_FAILED = "staff.refund_failed"
    STAFF_REFUND_FOLLOWUP = "staff.refund_followup"
    CUSTOMER_TICKET_DECIDED = "customer.ticket_decided"
    CUSTOMER_REFUND_SUBMITTED = "customer.refund_submitted"
    CUSTOMER_REFUND_SUCCEEDED = "customer.refund_succeeded"
    CUSTOMER_REFUND_FAILED = "customer.refund_failed"
    CUSTOMER_REFUND_ARRIVAL_CHECK = "customer.refund_arrival_check"
    CUSTOMER_ORDER_CANCELLED = "customer.order_cancelled"
    CUSTOMER_CANCEL_SETTLED = "customer.cancel_settled"
    CUSTOMER_CANCEL_DELAYED = "customer.cancel_delayed"
    STAFF_SHOP_SILENT = "staff.shop_silent"
    STAFF_SHOP_REFUSED = "staff.shop_refused"
    CUSTOMER_LINK_ATTEMPT = "customer.link_attempt"
    CUSTOMER_RESTORE_SETTLED = "customer.restore_settled"
    CUSTOMER_COUPON_RETURNED = "customer.coupon_returned"
    STAFF_CASE_OPENED = "staff.case_opened"
    STAFF_CASE_MESSAGE = "staff.case_message"
    STAFF_CASE_CHANGED = "staff.case_changed"
    CUSTOMER_CASE_MESSAGE = "customer.case_message"
    CUSTOMER_CASE_CLOSED = "customer.case_closed"
    CUSTOMER_CASE_REOPENED = "customer.case_reopened"
    CUSTOMER_SATISFACTION_ASK = "customer.satisfaction_ask"


#: A conversation the shopper started is not a push: staff's answers are not held for the
#: shopper's night (a notice held till morning would also hold the case's later messages).
LIVE_KINDS = frozenset(
    {Kind.CUSTOMER_CASE_MESSAGE, Kind.CUSTOMER_CASE_CLOSED, Kind.CUSTOMER_CASE_REOPENED}
)


class FollowUp(StrEnum):
    """Why staff are asked to look at a refund again."""

    NOT_YET = "not_yet"  # the shopper said it has not arrived; looked at after the grace
    ASKED = "asked"  # the shopper asked staff to start it again (failed, or their bill says so)
    DUE = "due"  # its last expected day came and it is still open (or was never submitted)


# --------------------------------------------------------------------------- tickets


@dataclass(frozen=True, slots=True)
class TicketNew:
    ticket_id: int


@dataclass(frozen=True, slots=True)
class TicketEvidence:
    ticket_id: int
    file_id: str


@dataclass(frozen=True, slots=True)
class TicketWithdrawn:
    ticket_id: int


@dataclass(frozen=True, slots=True)
class TicketAlert:
    """A ticket near or past its review deadline."""

    ticket_id: int
    order_no: str
    deadline: date


@dataclass(frozen=True, slots=True)
class TicketReminder(TicketAlert):
    pass


@dataclass(frozen=True, slots=True)
class TicketOverdue(TicketAlert):
    pass


@dataclass(frozen=True, slots=True)
class TicketDecided:
    """A staff decision for the shopper; the refund's facts when approving started one."""

    ticket_id: int
    order_no: str
    verdict: Verdict
    reject_reason: RejectReason | None = None
    note: str | None = None
    amount_fen: int | None = None
    channel: PaymentChannel | None = None
    latest: date | None = None
    refund_status: RefundStatus | None = None
    #: What the ticket asked for; rows written before restores and coupons were cancels.
    kind: TicketKind = TicketKind.CANCEL
    #: An approved restore: the status the order is back in.
    restored_to: OrderStatus | None = None
    #: An approved coupon request: the coupon given back.
    coupon_title: str | None = None


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    """The shop cancelled a shopper's order on its own; the refund, if any, is read at send
    time, so the push shows where the money stands when it goes out."""

    order_id: int
    order_no: str
    coupon: CouponOutcome = CouponOutcome.NO_COUPON


@dataclass(frozen=True, slots=True)
class CancelSettled:
    """The shop's answer to a cancel the shopper stopped waiting for in the chat."""

    request_id: int
    order_id: int
    order_no: str
    accepted: bool
    coupon: CouponOutcome = CouponOutcome.NO_COUPON
    #: On refusal, the order's state in the shop (e.g. delivered meanwhile).
    shop_status: OrderStatus | None = None


@dataclass(frozen=True, slots=True)
class ShopSilent:
    """The shop's order system has not answered a cancel request for a while."""

    request_id: int
    order_id: int
    order_no: str
    since: datetime
    #: A restore of a mistaken cancel waits, not a cancel.
    restore: bool = False


@dataclass(frozen=True, slots=True)
class RestoreSettled:
    """The shop's answer to a restore the shopper stopped waiting for in the chat."""

    request_id: int
    order_id: int
    order_no: str
    accepted: bool
    #: On refusal, the order's state in the shop.
    shop_status: OrderStatus | None = None


@dataclass(frozen=True, slots=True)
class CouponReturned:
    """Staff gave a coupon back by hand (a dispute): the shopper hears it in their language."""

    order_id: int
    order_no: str
    title: str
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LinkAttempt:
    """Someone else's Telegram account shared this customer's phone number to link it."""

    at: datetime


@dataclass(frozen=True, slots=True)
class ShopRefusedApproval:
    """An approval the shop refused after staff stopped waiting: the ticket is open again."""

    request_id: int
    ticket_id: int
    order_no: str
    shop_status: OrderStatus
    restore: bool = False


@dataclass(frozen=True, slots=True)
class CancelDelayed(ShopSilent):
    """The shopper's side of the same silence: it takes longer, nothing is lost."""


# --------------------------------------------------------------------------- conversations


@dataclass(frozen=True, slots=True)
class CaseOpened:
    """A new case: its topic (or card) in the staff group, headed by its card."""

    case_id: int


@dataclass(frozen=True, slots=True)
class CaseRelay:
    """One recorded message of a case, to copy to the other side."""

    case_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class ShopperWrote(CaseRelay):
    pass


@dataclass(frozen=True, slots=True)
class StaffWrote(CaseRelay):
    pass


@dataclass(frozen=True, slots=True)
class CaseChanged:
    """The case was closed or reopened: its card, its topic and a note follow."""

    case_id: int
    closed: bool
    by_shopper: bool = False
    staff_id: int | None = None


@dataclass(frozen=True, slots=True)
class CaseNews:
    """The shopper's news that staff closed or reopened their case."""

    case_id: int
    order_no: str | None = None


@dataclass(frozen=True, slots=True)
class CaseClosed(CaseNews):
    pass


@dataclass(frozen=True, slots=True)
class CaseReopened(CaseNews):
    pass


@dataclass(frozen=True, slots=True)
class SatisfactionAsk:
    """The one question about a case that ended: how was it (1–5, or skip)?

    ``topic`` is the kind of case (``ticket``, ``refund``, ``conversation``), which words it.
    """

    survey_id: int
    order_no: str
    topic: str


# --------------------------------------------------------------------------- the staff chat


@dataclass(frozen=True, slots=True)
class Digest:
    day: date
    since: datetime
    new: int
    decided: int
    overdue: int
    refunds_pending: int
    refunds_failed: int


@dataclass(frozen=True, slots=True)
class CalendarWanted:
    """Next year's official holidays are not known: what the operator should add."""

    year: int


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A row that could not be delivered, for the staff chat's attention."""

    outbox_id: int
    kind: Kind
    error: str


# --------------------------------------------------------------------------- refunds


@dataclass(frozen=True, slots=True)
class RefundNews:
    """What every notification about a refund carries, as it was when the row was written."""

    refund_id: int
    order_no: str
    amount_fen: int
    channel: PaymentChannel
    latest: date
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class RefundRequested(RefundNews):
    pass


@dataclass(frozen=True, slots=True)
class RefundUpdated(RefundNews):
    action: RefundAction | None = None


@dataclass(frozen=True, slots=True)
class StaffRefundFailed(RefundNews):
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RefundFollowUp(RefundNews):
    status: RefundStatus | None = None
    why: FollowUp = FollowUp.NOT_YET


@dataclass(frozen=True, slots=True)
class RefundSubmitted(RefundNews):
    pass


@dataclass(frozen=True, slots=True)
class RefundSucceeded(RefundNews):
    pass


@dataclass(frozen=True, slots=True)
class RefundFailed(RefundNews):
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ArrivalCheck(RefundNews):
    pass


Payload = (
    OrderCancelled
    | RestoreSettled
    | CouponReturned
    | CancelSettled
    | ShopSilent
    | ShopRefusedApproval
    | LinkAttempt
    | SatisfactionAsk
    | CancelDelayed
    | TicketNew
    | TicketEvidence
    | TicketWithdrawn
    | TicketReminder
    | TicketOverdue
    | TicketDecided
    | Digest
    | CalendarWanted
    | DeadLetter
    | RefundRequested
    | RefundUpdated
    | StaffRefundFailed
    | RefundFollowUp
    | RefundSubmitted
    | RefundSucceeded
    | RefundFailed
    | ArrivalCheck
    | CaseOpened
    | ShopperWrote
    | StaffWrote
    | CaseChanged
    | CaseClosed
    | CaseReopened
)

#: The payload each kind carries; one class per kind, so a payload names its kind too.
PAYLOADS: Mapping[Kind, type[Payload]] = {
    Kind.STAFF_TICKET_NEW: TicketNew,
    Kind.STAFF_TICKET_EVIDENCE: TicketEvidence,
    Kind.STAFF_TICKET_WITHDRAWN: TicketWithdrawn,
    Kind.STAFF_TICKET_REMINDER: TicketReminder,
    Kind.STAFF_TICKET_OVERDUE: TicketOverdue,
    Kind.STAFF_DIGEST: Digest,
    Kind.STAFF_DEAD_LETTER: DeadLetter,
    Kind.STAFF_CALENDAR_WANTED: CalendarWanted,
    Kind.STAFF_REFUND_REQUESTED: RefundRequested,
    Kind.STAFF_REFUND_UPDATED: RefundUpdated,
    Kind.STAFF_REFUND_FAILED: StaffRefundFailed,
    Kind.STAFF_REFUND_FOLLOWUP: RefundFollowUp,
    Kind.CUSTOMER_TICKET_DECIDED: TicketDecided,
    Kind.CUSTOMER_REFUND_SUBMITTED: RefundSubmitted,
    Kind.CUSTOMER_REFUND_SUCCEEDED: RefundSucceeded,
    Kind.CUSTOMER_REFUND_FAILED: RefundFailed,
    Kind.CUSTOMER_REFUND_ARRIVAL_CHECK: ArrivalCheck,
    Kind.CUSTOMER_ORDER_CANCELLED: OrderCancelled,
    Kind.CUSTOMER_CANCEL_SETTLED: CancelSettled,
    Kind.CUSTOMER_CANCEL_DELAYED: CancelDelayed,
    Kind.STAFF_SHOP_SILENT: ShopSilent,
    Kind.STAFF_SHOP_REFUSED: ShopRefusedApproval,
    Kind.CUSTOMER_LINK_ATTEMPT: LinkAttempt,
    Kind.CUSTOMER_RESTORE_SETTLED: RestoreSettled,
    Kind.CUSTOMER_COUPON_RETURNED: CouponReturned,
    Kind.STAFF_CASE_OPENED: CaseOpened,
    Kind.STAFF_CASE_MESSAGE: ShopperWrote,
    Kind.STAFF_CASE_CHANGED: CaseChanged,
    Kind.CUSTOMER_CASE_MESSAGE: StaffWrote,
    Kind.CUSTOMER_CASE_CLOSED: CaseClosed,
    Kind.CUSTOMER_CASE_REOPENED: CaseReopened,
    Kind.CUSTOMER_SATISFACTION_ASK: SatisfactionAsk,
}


class UnknownKind(ValueError):
    """A row of a kind this release does not know (written by a newer or an older one)."""


class PayloadMismatch(TypeError):
    """A payload that is not the one its kind carries."""


def kind_of(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise UnknownKind(value) from None


# --------------------------------------------------------------------------- the codec


def check(kind: Kind, payload: Payload) -> None:
    """Raise when ``payload`` is not what ``kind`` carries (a row queued with the wrong one)."""
    if type(payload) is not PAYLOADS[kind]:
        raise PayloadMismatch(f"{kind} carries {PAYLOADS[kind].__name__}, not {payload!r}")


def encode(payload: Payload) -> dict[str, Any]:
    """The payload as a JSON-safe object: dates as ISO strings, enums as their values."""
    return {f.name: _to_json(getattr(payload, f.name)) for f in dataclasses.fields(payload)}


def decode(kind: str, data: Mapping[str, Any]) -> Payload:
    """The typed payload of a stored row; UnknownKind for a kind this release does not know.

    A field missing from an older row (or stored as null) takes its default.
    """
    cls = PAYLOADS[kind_of(kind)]
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        raw = data.get(f.name)
        has_default = f.default is not dataclasses.MISSING
        if raw is None and has_default:
            continue
        if f.name not in data:
            raise KeyError(f"{kind} payload has no {f.name!r}")
        values[f.name] = _from_json(hints[f.name], raw)
    return cls(**values)


def _to_json(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):  # datetime is a date: both keep their ISO form
        return value.isoformat()
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _from_json(hint: Any, raw: Any) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        if raw is None:
            return None
        (hint,) = (arg for arg in get_args(hint) if arg is not type(None))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(raw)
    if hint is bool and not isinstance(raw, bool):
        raise TypeError(f"not a JSON boolean: {raw!r}")
    reader = _READERS.get(hint)
    if reader is None:
        raise TypeError(f"no JSON form for {hint!r}")
    return reader(raw)


#: How a stored JSON value becomes each plain field type.
_READERS: dict[Any, Any] = {
    datetime: lambda raw: datetime.fromisoformat(str(raw)),
    date: lambda raw: date.fromisoformat(str(raw)),
    bool: lambda raw: raw,
    int: int,
    str: str,
}
