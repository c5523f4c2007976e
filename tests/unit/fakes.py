"""One in-memory unit of work for use-case tests: the domain's ports, without a database.

It keeps the storage's contract where the use cases rely on it: writes are
seen only after ``commit`` (a rollback forgets them), transitions are guarded
by the expected status, a refund is one per idempotency key, and a queued
notification is one per dedupe key.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from domain.cases import Case, CaseMessage, CaseStatus, SavedReply
from domain.orders import (
    CancelPath,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
)
from domain.ports import (
    AuditEntry,
    CaseDraft,
    CaseMessageDraft,
    CustomerHistory,
    Notification,
    OrderPage,
    RefundChange,
    RefundDraft,
    RefundEvent,
    Survey,
    SurveyStatus,
)

_STAMP = {
    OrderStatus.CANCELLED: "cancelled_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.COMPLETED: "completed_at",
}


@dataclass
class _State:
    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    refunds: dict[int, Refund] = field(default_factory=dict)
    refund_events: dict[str, RefundEvent] = field(default_factory=dict)
    wallet: dict[int, int] = field(default_factory=dict)
    #: The wallet ledger's entry keys (a credit or debit per refund and try).
    credited: set[str] = field(default_factory=set)
    outbox: dict[str, Notification] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    cases: dict[int, Case] = field(default_factory=dict)
    #: Per case: awaiting the shopper's first message, and told of quiet hours until then.
    case_flags: dict[int, tuple[bool, datetime | None]] = field(default_factory=dict)
    case_messages: dict[int, CaseMessage] = field(default_factory=dict)
    album_taken: dict[int, int] = field(default_factory=dict)
    links: dict[tuple[str, int], int] = field(default_factory=dict)
    replies: dict[str, SavedReply] = field(default_factory=dict)
    cancel_paths: dict[int, CancelPath] = field(default_factory=dict)
    surveys: dict[int, Survey] = field(default_factory=dict)


class FakeCustomers:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def get(self, customer_id: int) -> Customer | None:
        return self._uow.state.customers.get(customer_id)

    async def by_telegram(self, telegram_id: int) -> Customer | None:
        found = [c for c in self._uow.state.customers.values() if c.telegram_id == telegram_id]
        return found[0] if found else None


class FakeOrders:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def get(self, order_id: int) -> Order | None:
        return self._uow.state.orders.get(order_id)

    async def by_number(self, order_no: str) -> Order | None:
        found = [o for o in self._uow.state.orders.values() if o.order_no == order_no]
        return found[0] if found else None

    async def for_customer(self, customer_id: int, order_id: int) -> Order | None:
        order = self._uow.state.orders.get(order_id)
        return order if order is not None and order.customer_id == customer_id else None

    async def transition(
        self, order_id: int, *, expected: OrderStatus, new: OrderStatus, at: datetime
    ) -> bool:
        order = self._uow.state.orders.get(order_id)
        if order is None or order.status is not expected:
            return False
        stamp = {_STAMP[new]: at} if new in _STAMP else {}
        self._uow.state.orders[order_id] = replace(order, status=new, **stamp)
        return True

    async def number_for_customer(self, customer_id: int, order_no: str) -> Order | None:
        found = [
            o
            for o in self._uow.state.orders.values()
            if o.order_no == order_no and o.customer_id == customer_id
        ]
        return found[0] if found else None

    async def recent_for_customer(self, customer_id: int, *, limit: int = 5) -> OrderPage:
        mine = [o for o in self._uow.state.orders.values() if o.customer_id == customer_id]
        mine.sort(key=lambda o: o.placed_at, reverse=True)
        return OrderPage(mine[:limit], len(mine))

    async def set_cancel_path(self, order_id: int, path: CancelPath) -> None:
        self._uow.state.cancel_paths[order_id] = path

    async def return_coupon(self, coupon_id: int) -> bool:
        return self._coupon(coupon_id, {CouponStatus.USED}, CouponStatus.AVAILABLE)

    async def take_coupon(self, coupon_id: int) -> bool:
        spendable = {CouponStatus.AVAILABLE, CouponStatus.EXPIRED}
        return self._coupon(coupon_id, spendable, CouponStatus.USED)

    async def keep_coupon(self, coupon_id: int) -> bool:
        return self._coupon(coupon_id, {CouponStatus.USED}, CouponStatus.USED)

    async def hold_cancelled(self, order_id: int, now: datetime) -> bool:
        order = self._uow.state.orders.get(order_id)
        return (
            order is not None
            and order.status is OrderStatus.CANCELLED
            and order.restoring_since is None
        )

    def _coupon(self, coupon_id: int, expected: set[CouponStatus], new: CouponStatus) -> bool:
        """One coupon row, as the orders that carry it see it."""
        carriers = [
            (order_id, order)
            for order_id, order in self._uow.state.orders.items()
            if order.coupon is not None and order.coupon.id == coupon_id
        ]
        if not carriers or carriers[0][1].coupon.status not in expected:  # type: ignore[union-attr]
            return False
        for order_id, order in carriers:
            moved = replace(order.coupon, status=new)  # type: ignore[type-var]
            self._uow.state.orders[order_id] = replace(order, coupon=moved)
        return True

    async def restore(self, order_id: int, *, to: OrderStatus, at: datetime) -> bool:
        order = self._uow.state.orders.get(order_id)
        if order is None or order.status is not OrderStatus.CANCELLED:
            return False
        self._uow.state.orders[order_id] = replace(
            order, status=to, cancelled_at=None, restoring_since=None, restored_at=at
        )
        return True

    async def mark_restoring(self, order_id: int, now: datetime) -> bool:
        order = self._uow.state.orders.get(order_id)
        if order is None or order.status is not OrderStatus.CANCELLED or order.restoring_since:
            return False
        self._uow.state.orders[order_id] = replace(order, restoring_since=now)
        return True

    async def clear_restoring(self, order_id: int, now: datetime) -> bool:
        order = self._uow.state.orders.get(order_id)
        if order is None or order.restoring_since is None:
            return False
        self._uow.state.orders[order_id] = replace(order, restoring_since=None)
        return True


class FakeRefunds:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._ids = uow.ids

    async def add(self, draft: RefundDraft, now: datetime) -> Refund:
        state = self._uow.state
        for refund in state.refunds.values():
            if refund.order_id == draft.order_id:
                return refund  # one refund per order, as the unique key in storage
        order = state.orders[draft.order_id]
        refund = Refund(
            id=next(self._ids),
            order_id=draft.order_id,
            order_no=order.order_no,
            amount_fen=draft.amount_fen,
            channel=draft.channel,
            status=RefundStatus.REQUESTED,
            expected_earliest=draft.expected_earliest,
            expected_latest=draft.expected_latest,
            created_at=now,
            updated_at=now,
            customer_id=order.customer_id,
            gateway=draft.gateway,
        )
        state.refunds[refund.id] = refund
        return refund

    async def get(self, refund_id: int) -> Refund | None:
        return self._uow.state.refunds.get(refund_id)

    async def for_order(self, order_id: int) -> Refund | None:
        found = [r for r in self._uow.state.refunds.values() if r.order_id == order_id]
        return found[0] if found else None

    async def transition(self, refund: Refund, change: RefundChange) -> bool:
        current = self._uow.state.refunds.get(refund.id)
        if current is None or current.status is not change.expected:
            return False
        if current.attempt != refund.attempt:
            return False
        moved: dict[str, Any] = {"status": change.status, "attempt": change.attempt}
        if change.status is RefundStatus.SUCCEEDED:
            moved["succeeded_at"] = change.at
        if change.status is RefundStatus.PROCESSING:
            moved["submitted_at"] = change.at
        if change.status is RefundStatus.FAILED:
            moved |= {"failed_at": change.at, "failure_reason": change.failure_reason}
        if change.expected_latest is not None:
            moved["expected_latest"] = change.expected_latest
        if change.expected_earliest is not None:
            moved["expected_earliest"] = change.expected_earliest
        if change.provider_ref is not None:
            moved["provider_ref"] = change.provider_ref
        if change.amount_fen is not None:
            moved["amount_fen"] = change.amount_fen
        if change.status is RefundStatus.REQUESTED:  # a new try starts clean
            moved |= {"provider_ref": None, "submitted_at": None, "failed_at": None}
        self._uow.state.refunds[refund.id] = replace(current, updated_at=change.at, **moved)
        return True

    async def record_event(self, event: RefundEvent) -> bool:
        events = self._uow.state.refund_events
        if event.idempotency_key in events:
            return False
        events[event.idempotency_key] = event
        return True

    async def events(self, refund_id: int) -> list[RefundEvent]:
        return [e for e in self._uow.state.refund_events.values() if e.refund_id == refund_id]

    async def credit_wallet(self, refund: Refund, now: datetime) -> bool:
        return self._ledger(f"credit:{refund.id}:{refund.attempt}", refund, refund.amount_fen)

    async def debit_wallet(self, refund: Refund, now: datetime) -> bool:
        return self._ledger(f"debit:{refund.id}:{refund.attempt}", refund, -refund.amount_fen)

    def _ledger(self, key: str, refund: Refund, amount: int) -> bool:
        state = self._uow.state
        if key in state.credited:
            return False
        state.credited.add(key)
        state.wallet[refund.customer_id] = state.wallet.get(refund.customer_id, 0) + amount
        return True

    async def wallet_balance(self, customer_id: int) -> int:
        return self._uow.state.wallet.get(customer_id, 0)


class FakeOutbox:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def add(self, notification: Notification, now: datetime) -> bool:
        outbox = self._uow.state.outbox
        if notification.dedupe_key in outbox:
            return False
        outbox[notification.dedupe_key] = notification
        return True


class FakeTickets:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def history(self, customer_id: int) -> CustomerHistory:
        mine = [o for o in self._uow.state.orders.values() if o.customer_id == customer_id]
        cancelled = sum(o.status is OrderStatus.CANCELLED for o in mine)
        return CustomerHistory(len(mine), cancelled, 0)


class FakeCases:
    """Cases as storage keeps them: one open per order and shopper, guarded moves, each
    message (by chat and id) once, each album item taken by one relay."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._ids = uow.ids

    def _with_order(self, case: Case) -> Case:
        order = self._uow.state.orders.get(case.order_id) if case.order_id else None
        return replace(case, order_no=order.order_no if order else None)

    async def add(self, draft: CaseDraft, now: datetime) -> Case | None:
        state = self._uow.state
        if any(
            c.customer_id == draft.customer_id
            and c.order_id == draft.order_id
            and c.status is CaseStatus.OPEN
            for c in state.cases.values()
        ):
            return None
        case = Case(
            next(self._ids),
            draft.customer_id,
            draft.order_id,
            None,
            draft.topic,
            CaseStatus.OPEN,
            now,
        )
        state.cases[case.id] = self._with_order(case)
        state.case_flags[case.id] = (True, None)
        return state.cases[case.id]

    async def get(self, case_id: int) -> Case | None:
        return self._uow.state.cases.get(case_id)

    async def for_customer(self, customer_id: int, case_id: int) -> Case | None:
        case = self._uow.state.cases.get(case_id)
        return case if case is not None and case.customer_id == customer_id else None

    async def latest(self, customer_id: int, order_id: int | None) -> Case | None:
        mine = [
            c
            for c in self._uow.state.cases.values()
            if c.customer_id == customer_id and c.order_id == order_id
        ]
        return max(mine, key=lambda c: c.id) if mine else None

    async def open_for_customer(self, customer_id: int, *, limit: int = 10) -> list[Case]:
        mine = [
            c
            for c in self._uow.state.cases.values()
            if c.customer_id == customer_id and c.status is CaseStatus.OPEN
        ]
        return sorted(mine, key=lambda c: c.id, reverse=True)[:limit]

    async def by_thread(self, chat_id: int, thread_id: int) -> Case | None:
        found = [
            c
            for c in self._uow.state.cases.values()
            if (c.staff_chat_id, c.thread_id) == (chat_id, thread_id)
        ]
        return found[0] if found else None

    async def by_link(self, place: str, message_id: int) -> Case | None:
        case_id = self._uow.state.links.get((place, message_id))
        return self._uow.state.cases.get(case_id) if case_id is not None else None

    async def transition(
        self, case_id: int, *, expected: CaseStatus, new: CaseStatus, now: datetime
    ) -> bool:
        state = self._uow.state
        case = state.cases.get(case_id)
        if case is None or case.status is not expected:
            return False
        if new is CaseStatus.OPEN:
            if any(
                c.customer_id == case.customer_id
                and c.order_id == case.order_id
                and c.status is CaseStatus.OPEN
                for c in state.cases.values()
            ):
                return False
            state.case_flags[case_id] = (True, None)
        closed_at = now if new is CaseStatus.CLOSED else None
        state.cases[case_id] = replace(
            case, status=new, closed_at=closed_at, changes=case.changes + 1
        )
        return True

    async def set_thread(self, case_id: int, chat_id: int, thread_id: int) -> bool:
        case = self._uow.state.cases[case_id]
        if case.thread_id is not None:
            return False
        self._uow.state.cases[case_id] = replace(case, thread_id=thread_id, staff_chat_id=chat_id)
        return True

    async def set_header(self, case_id: int, chat_id: int, message_id: int) -> None:
        case = self._uow.state.cases[case_id]
        self._uow.state.cases[case_id] = replace(
            case, header_message_id=message_id, staff_chat_id=chat_id
        )

    async def lose_place(self, case_id: int, chat_id: int) -> None:
        case = self._uow.state.cases[case_id]
        if case.staff_chat_id == chat_id:
            self._uow.state.cases[case_id] = replace(
                case, thread_id=None, header_message_id=None, staff_chat_id=None
            )

    async def first_message(self, case_id: int) -> bool:
        awaiting, told = self._uow.state.case_flags[case_id]
        self._uow.state.case_flags[case_id] = (False, told)
        return awaiting

    async def tell_quiet(self, case_id: int, until: datetime) -> bool:
        awaiting, told = self._uow.state.case_flags[case_id]
        if told is not None and told >= until:
            return False
        self._uow.state.case_flags[case_id] = (awaiting, until)
        return True

    async def add_message(self, draft: CaseMessageDraft, now: datetime) -> CaseMessage | None:
        incoming, messages = draft.incoming, self._uow.state.case_messages
        if any(
            (m.chat_id, m.message_id) == (incoming.chat_id, incoming.message_id)
            for m in messages.values()
        ):
            return None
        message = CaseMessage(
            next(self._ids),
            draft.case_id,
            draft.direction,
            draft.author,
            incoming.chat_id,
            incoming.message_id,
            incoming.kind,
            now,
            incoming.file_id,
            incoming.caption,
            incoming.media_group_id,
            incoming.text,
        )
        messages[message.id] = message
        return message

    async def message(self, message_id: int) -> CaseMessage | None:
        return self._uow.state.case_messages.get(message_id)

    async def take_album(self, lead: CaseMessage) -> list[CaseMessage]:
        taken = self._uow.state.album_taken
        for message in self._uow.state.case_messages.values():
            same = (message.case_id, message.media_group_id, message.direction)
            if same == (lead.case_id, lead.media_group_id, lead.direction):
                taken.setdefault(message.id, lead.id)
        mine = [m for m in self._uow.state.case_messages.values() if taken.get(m.id) == lead.id]
        return sorted(mine, key=lambda m: m.message_id)

    async def link(self, case_id: int, place: str, message_ids: Sequence[int]) -> None:
        for message_id in message_ids:
            self._uow.state.links.setdefault((place, message_id), case_id)

    async def opened_about(self, order_id: int, *, by: datetime) -> bool:
        return any(
            c.order_id == order_id and c.opened_at <= by for c in self._uow.state.cases.values()
        )


class FakeSavedReplies:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def all(self) -> list[SavedReply]:
        return sorted(self._uow.state.replies.values(), key=lambda r: r.name)

    async def get(self, name: str) -> SavedReply | None:
        return self._uow.state.replies.get(name)

    async def put(self, reply: SavedReply) -> bool:
        new = reply.name not in self._uow.state.replies
        self._uow.state.replies[reply.name] = reply
        return new

    async def delete(self, name: str) -> bool:
        return self._uow.state.replies.pop(name, None) is not None


class FakeSatisfaction:
    """One survey per case key; each answer a guarded move, as the table's."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def open(
        self,
        *,
        case: str,
        customer_id: int,
        order_id: int | None,
        status: SurveyStatus,
        now: datetime,
    ) -> Survey | None:
        surveys = self._uow.state.surveys
        if any(s.case == case for s in surveys.values()):
            return None
        survey = Survey(next(self._uow.ids), case, customer_id, order_id, status, now)
        surveys[survey.id] = survey
        return survey

    async def asked_since(self, customer_id: int, order_id: int, since: datetime) -> bool:
        return any(
            s.customer_id == customer_id
            and s.order_id == order_id
            and s.asked_at > since
            and s.status is not SurveyStatus.SUPPRESSED
            for s in self._uow.state.surveys.values()
        )

    async def for_customer(self, customer_id: int, survey_id: int) -> Survey | None:
        survey = self._uow.state.surveys.get(survey_id)
        return survey if survey is not None and survey.customer_id == customer_id else None

    async def get(self, survey_id: int) -> Survey | None:
        return self._uow.state.surveys.get(survey_id)

    def _move(self, survey_id: int, expected: SurveyStatus, **values: Any) -> bool:
        survey = self._uow.state.surveys.get(survey_id)
        if survey is None or survey.status is not expected:
            return False
        self._uow.state.surveys[survey_id] = replace(survey, **values)
        return True

    async def rate(self, survey_id: int, rating: int, now: datetime) -> bool:
        return self._move(
            survey_id, SurveyStatus.ASKED, status=SurveyStatus.RATED, rating=rating, rated_at=now
        )

    async def skip(self, survey_id: int, now: datetime) -> bool:
        return self._move(survey_id, SurveyStatus.ASKED, status=SurveyStatus.SKIPPED, rated_at=now)

    async def finish(self, survey_id: int, comment: str | None, now: datetime) -> bool:
        at = now if comment is not None else None
        return self._move(
            survey_id,
            SurveyStatus.RATED,
            status=SurveyStatus.DONE,
            comment=comment,
            commented_at=at,
        )


class FakeAudit:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def add(self, entry: AuditEntry) -> None:
        self._uow.state.audit.append(entry)

    async def for_order(self, order_id: int) -> list[AuditEntry]:
        return [entry for entry in self._uow.state.audit if entry.order_id == order_id]


class FakeUnitOfWork:
    """Committed state in ``committed``; the working copy in ``state`` until commit."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.committed = _State()
        self.state = _State()
        self.commits = 0
        self.customers = FakeCustomers(self)
        self.orders = FakeOrders(self)
        self.refunds = FakeRefunds(self)
        self.outbox = FakeOutbox(self)
        self.audit = FakeAudit(self)
        self.tickets = FakeTickets(self)
        self.cases = FakeCases(self)
        self.replies = FakeSavedReplies(self)
        self.satisfaction = FakeSatisfaction(self)

    def seed(self, *items: Customer | Order) -> None:
        """Put rows in as if committed earlier."""
        for item in items:
            if isinstance(item, Customer):
                self.state.customers[item.id] = item
            else:
                self.state.orders[item.id] = item
        self.committed = copy.deepcopy(self.state)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.committed = copy.deepcopy(self.state)
        self.commits += 1

    async def rollback(self) -> None:
        self.state = copy.deepcopy(self.committed)
