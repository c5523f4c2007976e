"""Staff reporting on manual refunds, against an in-memory unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Self
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkdayCalendar
from domain.notifications import Kind, RefundRequested
from domain.orders import Customer, Gateway, PaymentChannel, Refund, RefundStatus
from domain.policy import ShopRules
from domain.ports import AuditEntry, Notification, RefundChange, RefundEvent
from domain.refund_desk import (
    DeskOutcome,
    check_refund,
    clean_failure_reason,
    find_refund,
    report_refund,
    show_refund,
    staff_id,
)
from domain.refunds import RefundAction, refund_news

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
STAFF = 9001
OUTSIDER = 9100


@dataclass
class State:
    refunds: dict[int, Refund] = field(default_factory=dict)
    events: list[RefundEvent] = field(default_factory=list)
    outbox: dict[str, Notification] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


class FakeRefunds:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def state(self) -> State:
        return self.uow.working

    async def get(self, refund_id: int) -> Refund | None:
        return self.state.refunds.get(refund_id)

    async def by_order_no(self, order_no: str) -> Refund | None:
        return next((r for r in self.state.refunds.values() if r.order_no == order_no), None)

    async def transition(self, refund: Refund, change: RefundChange) -> bool:
        current = self.state.refunds[refund.id]
        if current.status is not change.expected or current.attempt != refund.attempt:
            return False
        self.state.refunds[refund.id] = replace(
            current,
            status=change.status,
            attempt=change.attempt,
            updated_at=change.at,
            expected_earliest=change.expected_earliest or current.expected_earliest,
            expected_latest=change.expected_latest or current.expected_latest,
            failure_reason=change.failure_reason,
        )
        return True

    async def record_event(self, event: RefundEvent) -> bool:
        if await self.event(event.idempotency_key) is not None:
            return False
        self.state.events.append(event)
        return True

    async def event(self, idempotency_key: str) -> RefundEvent | None:
        return next((e for e in self.state.events if e.idempotency_key == idempotency_key), None)

    async def events(self, refund_id: int) -> list[RefundEvent]:
        return [e for e in self.state.events if e.refund_id == refund_id]


class FakeCustomers:
    async def get(self, customer_id: int) -> Customer | None:
        return Customer(customer_id, "C1", "张三") if customer_id == 7 else None


class FakeOutbox:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    async def add(self, notification: Notification, now: datetime) -> bool:
        if notification.dedupe_key in self.uow.working.outbox:
            return False
        self.uow.working.outbox[notification.dedupe_key] = notification
        return True

    async def message_id(self, dedupe_key: str) -> int | None:
        return 555 if dedupe_key in self.uow.working.outbox else None


class FakeAudit:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, entry: AuditEntry) -> None:
        self.uow.working.audit.append(entry)


class FakeUnitOfWork:
    """What is committed survives; anything else is rolled back on leaving the block."""

    def __init__(self, state: State) -> None:
        self.committed = state
        self.working = copy.deepcopy(state)
        self.refunds = FakeRefunds(self)
        self.customers = FakeCustomers()
        self.outbox = FakeOutbox(self)
        self.audit = FakeAudit(self)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.committed.__dict__.update(copy.deepcopy(self.working).__dict__)

    async def rollback(self) -> None:
        self.working = copy.deepcopy(self.committed)


def refund(**changes: Any) -> Refund:
    values: dict[str, Any] = {
        "id": 3,
        "order_id": 30,
        "order_no": "KM-2002",
        "amount_fen": 4200,
        "channel": PaymentChannel.WECHAT,
        "status": RefundStatus.REQUESTED,
        "expected_earliest": date(2026, 11, 27),
        "expected_latest": date(2026, 12, 1),
        "created_at": NOW,
        "updated_at": NOW,
        "customer_id": 7,
    }
    values.update(changes)
    return Refund(**values)


@pytest.fixture
def state() -> State:
    found = State(refunds={3: refund()})
    found.outbox["refund-requested:3"] = Notification(
        Kind.STAFF_REFUND_REQUESTED,
        "staff",
        "refund-requested:3",
        NOW,
        payload=refund_news(RefundRequested, found.refunds[3]),
    )
    return found


async def report(state: State, action: RefundAction, **extra: Any):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "refund_id": 3,
        "user_id": STAFF,
        "is_staff": True,
        "rules": RULES,
        "now": NOW,
    }
    values.update(extra)
    return await report_refund(FakeUnitOfWork(state), action=action, **values)


async def test_staff_mark_submitted_and_get_the_card_back(state: State) -> None:
    result = await report(state, RefundAction.SUBMIT)
    assert result.outcome is DeskOutcome.DONE
    assert result.card is not None
    assert result.card.refund.status is RefundStatus.PROCESSING
    assert result.card.customer_name == "张三"
    assert result.card.message_id == 555
    assert [e.actor for e in result.card.events] == ["staff:9001"]
    assert [a.action for a in state.audit] == ["refund.submit"]
    assert "refund-updated:3:submit:1" in state.outbox


async def test_a_second_report_says_who_did_it_first(state: State) -> None:
    await report(state, RefundAction.SUBMIT)
    again = await report(state, RefundAction.SUBMIT, user_id=9002, now=NOW + timedelta(hours=1))
    assert again.outcome is DeskOutcome.ALREADY
    assert again.event is not None
    assert again.event.actor == "staff:9001" and again.event.at == NOW
    assert len(state.events) == 1


async def test_someone_not_staff_is_refused_audited_and_nothing_changes(state: State) -> None:
    result = await report(state, RefundAction.SUCCEED, user_id=OUTSIDER, is_staff=False)
    assert result.outcome is DeskOutcome.NOT_STAFF
    assert result.card is None
    assert [(a.action, a.actor) for a in state.audit] == [("refund.staff_refused", "tg:9100")]
    assert state.refunds[3].status is RefundStatus.REQUESTED
    assert state.events == []

    shown = await show_refund(
        FakeUnitOfWork(state), reference="3", user_id=OUTSIDER, is_staff=False, now=NOW
    )
    assert shown.outcome is DeskOutcome.NOT_STAFF and shown.card is None
    checked = await check_refund(
        FakeUnitOfWork(state),
        refund_id=3,
        action=RefundAction.FAIL,
        user_id=OUTSIDER,
        is_staff=False,
        now=NOW,
    )
    assert checked.outcome is DeskOutcome.NOT_STAFF
    assert len(state.audit) == 3


async def test_failing_needs_a_reason_and_keeps_it(state: State) -> None:
    missing = await report(state, RefundAction.FAIL, reason="  ")
    assert missing.outcome is DeskOutcome.NEEDS_REASON
    assert state.events == [] and state.audit == []
    failed = await report(state, RefundAction.FAIL, reason="账户异常")
    assert failed.outcome is DeskOutcome.DONE
    assert state.refunds[3].failure_reason == "账户异常"
    assert {"refund-failed-staff:3:1", "refund-failed:3:1"} <= set(state.outbox)


async def test_a_balance_refund_is_not_staffs_to_report(state: State) -> None:
    state.refunds[3] = refund(gateway=Gateway.BALANCE, channel=PaymentChannel.BALANCE)
    result = await report(state, RefundAction.SUBMIT)
    assert result.outcome is DeskOutcome.NOT_MANUAL
    checked = await check_refund(
        FakeUnitOfWork(state),
        refund_id=3,
        action=RefundAction.FAIL,
        user_id=STAFF,
        is_staff=True,
        now=NOW,
    )
    assert checked.outcome is DeskOutcome.NOT_MANUAL


async def test_the_reason_prompt_is_offered_only_where_failing_is_possible(state: State) -> None:
    async def check(action: RefundAction = RefundAction.FAIL) -> DeskOutcome:
        found = await check_refund(
            FakeUnitOfWork(state),
            refund_id=3,
            action=action,
            user_id=STAFF,
            is_staff=True,
            now=NOW,
        )
        return found.outcome

    assert await check() is DeskOutcome.READY
    await report(state, RefundAction.FAIL, reason="账户异常")
    assert await check() is DeskOutcome.ALREADY
    assert await check(RefundAction.REINITIATE) is DeskOutcome.READY
    await report(state, RefundAction.REINITIATE)
    assert state.refunds[3].attempt == 2
    # A stale re-initiate button: already done, by whom.
    assert await check(RefundAction.REINITIATE) is DeskOutcome.ALREADY
    assert await check() is DeskOutcome.READY
    state.refunds[3] = refund(status=RefundStatus.SUCCEEDED, attempt=2)
    assert await check() is DeskOutcome.NOT_ALLOWED
    missing = await check_refund(
        FakeUnitOfWork(state),
        refund_id=99,
        action=RefundAction.FAIL,
        user_id=STAFF,
        is_staff=True,
        now=NOW,
    )
    assert missing.outcome is DeskOutcome.NOT_FOUND


async def test_a_refund_is_found_by_number_or_by_its_order(state: State) -> None:
    assert await find_refund(FakeUnitOfWork(state), "3") == 3
    assert await find_refund(FakeUnitOfWork(state), "#3") == 3
    assert await find_refund(FakeUnitOfWork(state), "km-2002") == 3
    assert await find_refund(FakeUnitOfWork(state), "ＫＭ－２００２。") == 3
    assert await find_refund(FakeUnitOfWork(state), "4") is None
    assert await find_refund(FakeUnitOfWork(state), "9" * 30) is None
    typed = await report(state, RefundAction.SUBMIT, refund_id="KM-2002")
    assert typed.outcome is DeskOutcome.DONE
    unknown = await report(state, RefundAction.SUBMIT, refund_id="KM-404")
    assert unknown.outcome is DeskOutcome.NOT_FOUND


def test_failure_reasons_are_trimmed_and_bounded() -> None:
    assert clean_failure_reason("  银行卡\n已注销 ") == "银行卡 已注销"
    assert clean_failure_reason("   ") is None
    assert clean_failure_reason("因" * 201) is None
    assert clean_failure_reason("因" * 200) == "因" * 200


def test_staff_ids_are_read_from_actors() -> None:
    assert staff_id("staff:9001") == 9001
    assert staff_id("tg:9001") is None
    assert staff_id("gateway:balance") is None
    assert staff_id("staff:") is None
