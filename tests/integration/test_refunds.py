"""The refund lifecycle on a real SQLite file: each action counts once, guards lose cleanly."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.calendar import WorkdayCalendar
from domain.incoming import save_order
from domain.orders import (
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    Refund,
    RefundStatus,
)
from domain.policy import ShopRules
from domain.ports import RefundEvent
from domain.refunds import (
    RefundAction,
    RefundOutcome,
    RefundResult,
    change_refund,
    change_refund_in,
)
from domain.review import ApplyOutcome, ReviewOutcome, Verdict, file_ticket, review_ticket
from domain.services import OrderRecord
from domain.shopper import cancel_order
from domain.tickets import TicketReason
from storage.repositories import SqlRefundRepository
from storage.tables import AuditRow, OutboxRow, RefundEventRow, RefundRow
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
Factory = async_sessionmaker[AsyncSession]


def uow(factory: Factory) -> SqlUnitOfWork:
    return SqlUnitOfWork(factory())


async def add_order(
    factory: Factory,
    order_no: str,
    status: OrderStatus = OrderStatus.PAID,
    kind: ProductKind = ProductKind.CARD_KEY,
) -> tuple[int, int]:
    record = OrderRecord(
        customer=Customer(id=0, code="C1", name="张三"),
        product=Product("SKU-1", "王者荣耀 60点券", kind, 4200),
        order=Order(
            id=0,
            order_no=order_no,
            customer_id=0,
            product_name="王者荣耀 60点券",
            product_kind=kind,
            quantity=1,
            unit_price_fen=4200,
            amount_paid_fen=4200,
            status=status,
            payment_channel=PaymentChannel.WECHAT,
            placed_at=NOW - timedelta(minutes=10),
            paid_at=NOW - timedelta(minutes=10),
        ),
    )
    async with factory() as session, SqlUnitOfWork(session) as work:
        await save_order(work, record, NOW)
        await work.commit()
        order = await work.orders.by_number(order_no)
    assert order is not None
    return order.customer_id, order.id


async def cancelled(factory: Factory, order_no: str = "KM-1") -> int:
    """A paid WeChat order the shopper cancelled: its manual refund's id."""
    customer, order = await add_order(factory, order_no)
    await cancel_order(
        uow(factory), customer_id=customer, order_id=order, actor="tg:1001", rules=RULES, now=NOW
    )
    async with factory() as session:
        refund_id = await session.scalar(select(RefundRow.id).where(RefundRow.order_id == order))
    assert refund_id is not None
    return refund_id


async def change(
    factory: Factory,
    refund_id: int,
    action: RefundAction,
    *,
    actor: str = "staff:9001",
    now: datetime = NOW,
    reason: str | None = None,
) -> RefundResult:
    return await change_refund(
        uow(factory), refund_id, action, actor=actor, rules=RULES, now=now, reason=reason
    )


async def count(factory: Factory, table: type, *where: object) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where)) or 0  # type: ignore[arg-type]


async def current(factory: Factory, refund_id: int) -> Refund:
    async with factory() as session:
        found = await SqlRefundRepository(session).get(refund_id)
    assert found is not None
    return found


async def test_approving_one_ticket_twice_at_once_creates_one_refund(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory, "KM-T", OrderStatus.DELIVERING, ProductKind.DIRECT_TOPUP
    )
    filed = await file_ticket(
        uow(session_factory),
        customer_id=customer,
        order_id=order,
        reason=TicketReason.DUPLICATE,
        reason_text="",
        evidence=(),
        actor="tg:1001",
        rules=RULES,
        now=NOW,
    )
    assert filed.outcome is ApplyOutcome.FILED and filed.ticket is not None

    def approve(reviewer: int):  # type: ignore[no-untyped-def]
        return review_ticket(
            uow(session_factory),
            ticket_id=filed.ticket.id,  # type: ignore[union-attr]
            reviewer_id=reviewer,
            is_staff=True,
            verdict=Verdict.APPROVE,
            rules=RULES,
            now=NOW,
        )

    first, second = await asyncio.gather(approve(9001), approve(9002))
    outcomes = sorted([first.outcome, second.outcome])
    assert outcomes == [ReviewOutcome.ALREADY_DECIDED, ReviewOutcome.DECIDED]
    assert await count(session_factory, RefundRow) == 1
    kind = OutboxRow.kind == "staff.refund_requested"
    assert await count(session_factory, OutboxRow, kind) == 1


async def test_submitting_twice_counts_once_and_names_the_first(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled(session_factory)
    first = await change(session_factory, refund_id, RefundAction.SUBMIT)
    later = NOW + timedelta(minutes=3)
    second = await change(
        session_factory, refund_id, RefundAction.SUBMIT, actor="staff:9002", now=later
    )

    assert first.outcome is RefundOutcome.DONE
    assert first.refund is not None and first.refund.status is RefundStatus.PROCESSING
    assert second.outcome is RefundOutcome.ALREADY
    assert second.event is not None
    assert (second.event.actor, second.event.at) == ("staff:9001", NOW)
    assert await count(session_factory, RefundEventRow) == 1
    assert await count(session_factory, AuditRow, AuditRow.action == "refund.submit") == 1
    updated = OutboxRow.kind == "staff.refund_updated"
    assert await count(session_factory, OutboxRow, updated) == 1


async def test_failing_without_a_reason_is_refused_and_writes_nothing(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled(session_factory)
    for reason in (None, "", "   "):
        result = await change(session_factory, refund_id, RefundAction.FAIL, reason=reason)
        assert result.outcome is RefundOutcome.NEEDS_REASON
    assert (await current(session_factory, refund_id)).status is RefundStatus.REQUESTED
    assert await count(session_factory, RefundEventRow) == 0
    assert await count(session_factory, AuditRow, AuditRow.action == "refund.fail") == 0


async def test_reinitiating_a_failed_refund_starts_attempt_two_with_new_dates(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled(session_factory)
    before = await current(session_factory, refund_id)
    assert before.expected_latest == date(2026, 12, 1)  # WeChat: 1-3 working days
    await change(session_factory, refund_id, RefundAction.SUBMIT)
    failed = await change(session_factory, refund_id, RefundAction.FAIL, reason="账户异常")
    assert failed.outcome is RefundOutcome.DONE
    assert failed.refund is not None and failed.refund.failure_reason == "账户异常"

    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    again = await change(session_factory, refund_id, RefundAction.REINITIATE, now=monday)
    assert again.outcome is RefundOutcome.DONE
    refund = again.refund
    assert refund is not None
    assert refund.status is RefundStatus.REQUESTED
    assert refund.attempt == 2
    assert refund.failure_reason is None and refund.failed_at is None
    assert (refund.expected_earliest, refund.expected_latest) == (
        date(2026, 12, 1),
        date(2026, 12, 3),
    )

    # The second try is its own: it can be submitted and fail again, keyed anew.
    assert (
        await change(session_factory, refund_id, RefundAction.SUBMIT, now=monday)
    ).outcome is RefundOutcome.DONE
    # A second press of the same re-initiate reports the first one.
    stale = await change(session_factory, refund_id, RefundAction.REINITIATE, actor="staff:9002")
    assert stale.outcome is RefundOutcome.ALREADY
    assert stale.event is not None and stale.event.actor == "staff:9001"
    async with session_factory() as session:
        keys = list(
            await session.scalars(
                select(RefundEventRow.idempotency_key).order_by(RefundEventRow.id)
            )
        )
    assert keys == [
        f"submit:{refund_id}:1",
        f"fail:{refund_id}:1",
        f"reinitiate:{refund_id}:1",
        f"submit:{refund_id}:2",
    ]


async def test_a_guarded_transition_that_loses_writes_nothing(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled(session_factory)
    stale = await current(session_factory, refund_id)  # read while still requested
    await change(session_factory, refund_id, RefundAction.SUCCEED, actor="import:recon")
    outbox_before = await count(session_factory, OutboxRow)

    async with session_factory() as session, SqlUnitOfWork(session) as work:
        result = await change_refund_in(
            work,
            stale,
            RefundAction.FAIL,
            actor="staff:9001",
            rules=RULES,
            now=NOW,
            reason="账户异常",
        )
        await work.commit()

    assert result.outcome is RefundOutcome.NOT_ALLOWED
    assert result.refund is not None and result.refund.status is RefundStatus.SUCCEEDED
    assert (await current(session_factory, refund_id)).failure_reason is None
    assert await count(session_factory, RefundEventRow) == 1
    assert await count(session_factory, AuditRow, AuditRow.action == "refund.fail") == 0
    assert await count(session_factory, OutboxRow) == outbox_before


class _LateRefunds(SqlRefundRepository):
    """Reads the event table before a rival's event landed (the first look finds nothing)."""

    looked = False

    async def event(self, idempotency_key: str) -> RefundEvent | None:
        if not self.looked:
            self.looked = True
            return None
        return await super().event(idempotency_key)


async def test_losing_the_race_to_the_same_action_reports_the_winner(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled(session_factory)
    stale = await current(session_factory, refund_id)
    await change(session_factory, refund_id, RefundAction.SUBMIT)

    async with session_factory() as session, SqlUnitOfWork(session) as work:
        work.refunds = _LateRefunds(session)
        result = await change_refund_in(
            work, stale, RefundAction.SUBMIT, actor="staff:9002", rules=RULES, now=NOW
        )
        await work.commit()

    assert result.outcome is RefundOutcome.ALREADY
    assert result.event is not None and result.event.actor == "staff:9001"
    assert await count(session_factory, RefundEventRow) == 1
    assert await count(session_factory, AuditRow, AuditRow.action == "refund.submit") == 1
