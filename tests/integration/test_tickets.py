"""Apply-for-cancel tickets on a real SQLite file: filing, one open per order, one decision."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.calendar import WorkdayCalendar
from domain.incoming import save_order
from domain.orders import Customer, Order, OrderStatus, PaymentChannel, Product, ProductKind
from domain.policy import ShopRules
from domain.review import (
    ApplyOutcome,
    EvidenceOutcome,
    ReviewOutcome,
    Verdict,
    add_ticket_evidence,
    check_application,
    file_ticket,
    review_ticket,
    staff_ticket_view,
    withdraw_ticket,
)
from domain.services import OrderRecord
from domain.tickets import Evidence, RejectReason, TicketKind, TicketReason, TicketStatus
from storage.tables import AuditRow, OutboxRow, RefundRow
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
Factory = async_sessionmaker[AsyncSession]


def uow(factory: Factory) -> SqlUnitOfWork:
    return SqlUnitOfWork(factory())


async def add_order(
    factory: Factory, order_no: str, status: OrderStatus, kind: ProductKind, **extra: object
) -> tuple[int, int]:
    delivered = NOW if status is OrderStatus.DELIVERED else None
    record = OrderRecord(
        customer=Customer(id=0, code="C1", name="张三"),
        product=Product("SKU-1", "王者荣耀 60点券", kind, 3000),
        order=Order(
            id=0,
            order_no=order_no,
            customer_id=0,
            product_name="王者荣耀 60点券",
            product_kind=kind,
            quantity=1,
            unit_price_fen=3000,
            amount_paid_fen=3000,
            status=status,
            payment_channel=PaymentChannel.ALIPAY,
            placed_at=NOW,
            paid_at=NOW,
            delivered_at=delivered,
            **extra,  # type: ignore[arg-type]
        ),
    )
    async with factory() as session, SqlUnitOfWork(session) as work:
        await save_order(work, record, NOW)
        await work.commit()
        order = await work.orders.by_number(order_no)
    assert order is not None
    return order.customer_id, order.id


async def file(factory: Factory, customer_id: int, order_id: int, **extra: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "reason": TicketReason.DUPLICATE,
        "reason_text": "",
        "evidence": (),
        "actor": "tg:1001",
        "rules": RULES,
        "now": NOW,
    }
    values.update(extra)
    return await file_ticket(uow(factory), customer_id=customer_id, order_id=order_id, **values)  # type: ignore[arg-type]


async def count(factory: Factory, table: type, *where: object) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where)) or 0  # type: ignore[arg-type]


async def test_filing_queues_the_staff_card_and_promises_a_deadline(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory, "KM-1", OrderStatus.DELIVERING, ProductKind.DIRECT_TOPUP
    )
    result = await file(session_factory, customer, order, reason_text="下错单了")
    assert result.outcome is ApplyOutcome.FILED
    assert result.ticket is not None
    assert result.ticket.kind is TicketKind.CANCEL
    assert result.ticket.deadline == date(2026, 11, 30)  # two working days after Thursday
    assert await count(session_factory, OutboxRow, OutboxRow.kind == "staff.ticket_new") == 1


async def test_one_open_ticket_per_order(session_factory: Factory) -> None:
    customer, order = await add_order(
        session_factory, "KM-2", OrderStatus.DELIVERING, ProductKind.CARD_KEY
    )
    first, second = await asyncio.gather(
        file(session_factory, customer, order), file(session_factory, customer, order)
    )
    outcomes = sorted([first.outcome, second.outcome])
    assert outcomes == [ApplyOutcome.ALREADY_OPEN, ApplyOutcome.FILED]
    again = await check_application(
        uow(session_factory), customer_id=customer, order_id=order, rules=RULES, now=NOW
    )
    assert again.outcome is ApplyOutcome.ALREADY_OPEN
    assert again.ticket is not None and again.ticket.status is TicketStatus.OPEN


async def test_an_order_that_cancels_directly_cannot_be_applied_for(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory, "KM-3", OrderStatus.PAID, ProductKind.CARD_KEY
    )
    result = await file(session_factory, customer, order)
    assert result.outcome is ApplyOutcome.NOT_ALLOWED


async def test_unused_delivered_key_files_an_activation_check(session_factory: Factory) -> None:
    customer, order = await add_order(
        session_factory,
        "KM-4",
        OrderStatus.DELIVERED,
        ProductKind.CARD_KEY,
        card_key_activated=False,
    )
    result = await file(session_factory, customer, order, reason=TicketReason.UNUSED_KEY)
    assert result.ticket is not None and result.ticket.kind is TicketKind.ACTIVATION_CHECK


async def test_approve_cancels_like_a_direct_cancel_and_tells_the_shopper(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory, "KM-5", OrderStatus.DELIVERING, ProductKind.DIRECT_TOPUP
    )
    ticket = (await file(session_factory, customer, order)).ticket
    assert ticket is not None
    result = await review_ticket(
        uow(session_factory),
        ticket_id=ticket.id,
        reviewer_id=9001,
        is_staff=True,
        verdict=Verdict.APPROVE,
        rules=RULES,
        now=NOW,
    )
    assert result.outcome is ReviewOutcome.DECIDED
    assert result.ticket is not None and result.ticket.decided_by == 9001
    async with session_factory() as session:
        work = SqlUnitOfWork(session)
        cancelled = await work.orders.get(order)
        refund = await work.refunds.for_order(order)
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
    assert refund is not None and refund.amount_fen == 3000
    assert refund.expected_latest == date(2026, 12, 1)  # Alipay: 3 working days from approval
    assert (
        await count(session_factory, OutboxRow, OutboxRow.kind == "customer.ticket_decided") == 1
    )


@pytest.mark.parametrize("second", [Verdict.REJECT, Verdict.APPROVE])
async def test_two_staff_at_the_same_moment_make_one_decision(
    session_factory: Factory, second: Verdict
) -> None:
    customer, order = await add_order(
        session_factory, "KM-6", OrderStatus.DELIVERING, ProductKind.CARD_KEY
    )
    ticket = (await file(session_factory, customer, order)).ticket
    assert ticket is not None

    async def decide(staff_id: int, verdict: Verdict):  # type: ignore[no-untyped-def]
        return await review_ticket(
            uow(session_factory),
            ticket_id=ticket.id,
            reviewer_id=staff_id,
            is_staff=True,
            verdict=verdict,
            rules=RULES,
            now=NOW,
            reject_reason=RejectReason.ALREADY_SHIPPED,
        )

    results = await asyncio.gather(decide(9001, Verdict.APPROVE), decide(9002, second))
    outcomes = sorted(r.outcome for r in results)
    assert outcomes == [ReviewOutcome.ALREADY_DECIDED, ReviewOutcome.DECIDED]
    loser = next(r for r in results if r.outcome is ReviewOutcome.ALREADY_DECIDED)
    winner = next(r for r in results if r.outcome is ReviewOutcome.DECIDED)
    assert loser.ticket is not None and winner.ticket is not None
    assert loser.ticket.decided_by == winner.ticket.decided_by
    assert await count(session_factory, RefundRow) <= 1
    assert (
        await count(session_factory, OutboxRow, OutboxRow.kind == "customer.ticket_decided") == 1
    )


async def test_reject_stores_the_reason_and_leaves_the_order(session_factory: Factory) -> None:
    customer, order = await add_order(
        session_factory,
        "KM-7",
        OrderStatus.DELIVERED,
        ProductKind.CARD_KEY,
        card_key_activated=None,
    )
    ticket = (await file(session_factory, customer, order)).ticket
    assert ticket is not None
    result = await review_ticket(
        uow(session_factory),
        ticket_id=ticket.id,
        reviewer_id=9002,
        is_staff=True,
        verdict=Verdict.REJECT,
        rules=RULES,
        now=NOW,
        reject_reason=RejectReason.OTHER,
        note="卡密已在 11-25 使用",
    )
    assert result.ticket is not None
    assert result.ticket.status is TicketStatus.REJECTED
    assert result.ticket.reject_reason is RejectReason.OTHER
    assert result.ticket.decision_note == "卡密已在 11-25 使用"
    async with session_factory() as session:
        kept = await SqlUnitOfWork(session).orders.get(order)
    assert kept is not None and kept.status is OrderStatus.DELIVERED


async def test_non_staff_press_is_refused_and_audited(session_factory: Factory) -> None:
    customer, order = await add_order(
        session_factory, "KM-8", OrderStatus.DELIVERING, ProductKind.CARD_KEY
    )
    ticket = (await file(session_factory, customer, order)).ticket
    assert ticket is not None
    result = await review_ticket(
        uow(session_factory),
        ticket_id=ticket.id,
        reviewer_id=4242,
        is_staff=False,
        verdict=Verdict.APPROVE,
        rules=RULES,
        now=NOW,
    )
    assert result.outcome is ReviewOutcome.NOT_STAFF
    assert await count(session_factory, AuditRow, AuditRow.action == "ticket.review_refused") == 1
    view = await staff_ticket_view(uow(session_factory), ticket.id, RULES, NOW)
    assert view is not None and view.ticket.status is TicketStatus.OPEN
    assert view.history.tickets == 1 and view.history.orders == 1


async def test_withdrawn_ticket_cannot_be_decided_and_evidence_has_a_limit(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory, "KM-9", OrderStatus.DELIVERING, ProductKind.CARD_KEY
    )
    shots = tuple(Evidence(f"file-{i}", f"u-{i}", "photo", 1000) for i in range(2))
    ticket = (await file(session_factory, customer, order, evidence=shots)).ticket
    assert ticket is not None and len(ticket.evidence) == 2
    extra = Evidence("file-3", "u-3", "photo", 1000)
    added = await add_ticket_evidence(
        uow(session_factory), customer_id=customer, ticket_id=ticket.id, evidence=extra, now=NOW
    )
    assert added is EvidenceOutcome.ADDED
    fourth = Evidence("file-4", "u-4", "photo", 1000)
    refused = await add_ticket_evidence(
        uow(session_factory), customer_id=customer, ticket_id=ticket.id, evidence=fourth, now=NOW
    )
    assert refused is EvidenceOutcome.TOO_MANY
    withdrawn = await withdraw_ticket(
        uow(session_factory), customer_id=customer, ticket_id=ticket.id, actor="tg:1", now=NOW
    )
    assert withdrawn is not None and withdrawn.status is TicketStatus.WITHDRAWN
    late = await review_ticket(
        uow(session_factory),
        ticket_id=ticket.id,
        reviewer_id=9001,
        is_staff=True,
        verdict=Verdict.APPROVE,
        rules=RULES,
        now=NOW,
    )
    assert late.outcome is ReviewOutcome.ALREADY_DECIDED
    # A new application is possible once the old one is closed.
    assert (await file(session_factory, customer, order)).outcome is ApplyOutcome.FILED


async def test_activated_key_can_still_be_disputed_as_unused(session_factory: Factory) -> None:
    customer, order = await add_order(
        session_factory,
        "KM-10",
        OrderStatus.DELIVERED,
        ProductKind.CARD_KEY,
        card_key_activated=True,
    )
    result = await file(session_factory, customer, order, reason=TicketReason.UNUSED_KEY)
    assert result.outcome is ApplyOutcome.FILED
    assert result.ticket is not None and result.ticket.kind is TicketKind.ACTIVATION_CHECK


async def test_completed_orders_cannot_be_applied_for(session_factory: Factory) -> None:
    customer, order = await add_order(
        session_factory, "KM-11", OrderStatus.DELIVERED, ProductKind.DIRECT_TOPUP
    )
    assert (await file(session_factory, customer, order)).outcome is ApplyOutcome.NOT_ALLOWED


async def test_staff_confirming_an_activated_key_ends_the_dispute(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory,
        "KM-12",
        OrderStatus.DELIVERED,
        ProductKind.CARD_KEY,
        card_key_activated=None,
    )
    ticket = (await file(session_factory, customer, order, reason=TicketReason.UNUSED_KEY)).ticket
    assert ticket is not None
    await review_ticket(
        uow(session_factory),
        ticket_id=ticket.id,
        reviewer_id=9001,
        is_staff=True,
        verdict=Verdict.REJECT,
        rules=RULES,
        now=NOW,
        reject_reason=RejectReason.KEY_ACTIVATED,
    )
    async with session_factory() as session:
        checked = await SqlUnitOfWork(session).orders.get(order)
    assert checked is not None and checked.card_key_activated is True
    again = await file(session_factory, customer, order, reason=TicketReason.UNUSED_KEY)
    assert again.outcome is ApplyOutcome.NOT_ALLOWED


async def test_approving_an_order_cancelled_meanwhile_closes_the_ticket(
    session_factory: Factory,
) -> None:
    customer, order = await add_order(
        session_factory, "KM-13", OrderStatus.DELIVERING, ProductKind.CARD_KEY
    )
    ticket = (await file(session_factory, customer, order)).ticket
    assert ticket is not None
    async with session_factory() as session, SqlUnitOfWork(session) as work:
        await work.orders.transition(
            order, expected=OrderStatus.DELIVERING, new=OrderStatus.CANCELLED, at=NOW
        )
        await work.commit()
    result = await review_ticket(
        uow(session_factory),
        ticket_id=ticket.id,
        reviewer_id=9001,
        is_staff=True,
        verdict=Verdict.APPROVE,
        rules=RULES,
        now=NOW,
    )
    assert result.outcome is ReviewOutcome.DECIDED
    assert result.ticket is not None and result.ticket.status is TicketStatus.APPROVED
    assert await count(session_factory, RefundRow) == 0  # nothing new was paid out


async def test_an_older_open_ticket_is_still_the_shoppers_to_act_on(
    session_factory: Factory,
) -> None:
    from domain.review import open_ticket_for

    tickets = []
    for i in range(12):  # more than the /tickets list shows
        customer, order = await add_order(
            session_factory, f"KM-O{i}", OrderStatus.DELIVERING, ProductKind.CARD_KEY
        )
        ticket = (await file(session_factory, customer, order)).ticket
        assert ticket is not None
        tickets.append(ticket)
    oldest = tickets[0]
    found = await open_ticket_for(
        uow(session_factory), customer_id=customer, ticket_id=oldest.id, now=NOW
    )
    assert found is not None and found.id == oldest.id
    assert (
        await open_ticket_for(
            uow(session_factory), customer_id=customer + 1, ticket_id=oldest.id, now=NOW
        )
        is None
    )
    assert await count(session_factory, AuditRow, AuditRow.action == "press.refused") == 1
