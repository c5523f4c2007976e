"""The planner on a real SQLite file: each due notification is written once, even late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.orders import OrderStatus, ProductKind
from domain.refunds import RefundAction, answer_arrival, change_refund
from domain.schedule import plan_due
from domain.shopper import cancel_order
from storage.tables import OutboxRow, RefundRow
from storage.uow import SqlUnitOfWork
from tests.integration.test_tickets import NOW, RULES, Factory, add_order, file, uow


async def rows(factory: Factory, kind: str) -> list[OutboxRow]:
    async with factory() as session:
        found = await session.scalars(
            select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id)
        )
        return list(found)


async def cancelled_refund(
    factory: Factory, order_no: str = "A1", *, submitted: bool = True
) -> int:
    """A cancelled paid order's refund, pushed out by staff the same morning unless told not."""
    customer_id, order_id = await add_order(
        factory, order_no, OrderStatus.PAID, ProductKind.CARD_KEY
    )
    result = await cancel_order(
        uow(factory),
        customer_id=customer_id,
        order_id=order_id,
        actor="tg:1",
        rules=RULES,
        now=NOW,
    )
    assert result.card.refund is not None
    if submitted:
        done = await change_refund(
            uow(factory),
            result.card.refund.id,
            RefundAction.SUBMIT,
            actor="staff:9001",
            rules=RULES,
            now=NOW,
        )
        assert done.outcome == "done"
    return result.card.refund.id


async def test_a_refund_never_submitted_alerts_staff_not_the_shopper_and_is_asked_after_submit(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled_refund(session_factory, submitted=False)
    tuesday_evening = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    report = await plan_due(uow(session_factory), RULES, tuesday_evening)
    assert (report.arrival_checks, report.unsubmitted) == (0, 1)
    [alert] = await rows(session_factory, "staff.refund_followup")
    assert alert.dedupe_key == f"refund-due:{refund_id}:1"
    assert (alert.payload["why"], alert.payload["status"]) == ("due", "requested")
    assert (await plan_due(uow(session_factory), RULES, tuesday_evening)).total == 0

    # Pushed out on Wednesday: a new window (Alipay 1–3 working days → Saturday 5 Dec is not
    # a working day, so Monday 7 Dec), and the shopper is asked on its last evening.
    wednesday = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    submitted = await change_refund(
        uow(session_factory),
        refund_id,
        RefundAction.SUBMIT,
        actor="staff:9001",
        rules=RULES,
        now=wednesday,
    )
    assert submitted.refund is not None
    assert submitted.refund.expected_latest.isoformat() == "2026-12-07"
    assert submitted.refund.arrival_asked_at is None
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, friday)).arrival_checks == 0
    monday_evening = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, monday_evening)).arrival_checks == 1


async def test_arrival_check_is_written_once_on_the_evening_of_the_expected_day(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled_refund(session_factory)
    async with session_factory() as session:
        latest = (await session.get(RefundRow, refund_id)).expected_latest  # type: ignore[union-attr]
    # Alipay on Thursday 26 Nov: 1–3 working days → Tuesday 1 Dec.
    assert latest.isoformat() == "2026-12-01"
    before = datetime(2026, 12, 1, 9, 59, tzinfo=UTC)  # 17:59 in Shanghai
    assert (await plan_due(uow(session_factory), RULES, before)).arrival_checks == 0
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, at)).arrival_checks == 1
    assert (await plan_due(uow(session_factory), RULES, at + timedelta(hours=1))).total == 0
    [row] = await rows(session_factory, "customer.refund_arrival_check")
    assert row.dedupe_key == f"refund-arrival:{refund_id}:1"
    assert row.payload["amount_fen"] == 3000


async def test_a_planner_that_was_down_writes_what_it_missed_once(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled_refund(session_factory)
    four_days_late = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    report = await plan_due(uow(session_factory), RULES, four_days_late)
    assert report.arrival_checks == 1
    assert report.digests == 1
    again = await plan_due(uow(session_factory), RULES, four_days_late + timedelta(minutes=1))
    assert again.total == 0
    assert len(await rows(session_factory, "customer.refund_arrival_check")) == 1
    # The one digest after the gap counts from the previous digest (here: a day back).
    [digest] = await rows(session_factory, "staff.digest")
    assert digest.payload["refunds_pending"] == 1
    assert refund_id


async def test_no_arrival_check_once_the_refund_arrived_or_the_shopper_confirmed(
    session_factory: Factory,
) -> None:
    arrived = await cancelled_refund(session_factory, "A1")
    confirmed = await cancelled_refund(session_factory, "A2")
    await change_refund(
        uow(session_factory),
        arrived,
        RefundAction.SUCCEED,
        actor="staff:9001",
        rules=RULES,
        now=NOW,
    )
    async with session_factory() as session, SqlUnitOfWork(session) as work:
        refund = await work.refunds.get(confirmed)
        assert refund is not None
        customer_id = refund.customer_id
    result = await answer_arrival(
        uow(session_factory), customer_id, confirmed, arrived=True, actor="tg:1", now=NOW
    )
    assert result.refund is not None and result.refund.shopper_confirmed_at is not None
    late = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, late)).arrival_checks == 0


async def test_a_reinitiated_refund_is_asked_about_again_for_its_new_attempt(
    session_factory: Factory,
) -> None:
    refund_id = await cancelled_refund(session_factory)
    evening = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, evening)).arrival_checks == 1
    work = uow(session_factory)
    failed = await change_refund(
        work,
        refund_id,
        RefundAction.FAIL,
        actor="staff:9001",
        rules=RULES,
        now=evening,
        reason="账户异常",
    )
    assert failed.outcome == "done"
    again = await change_refund(
        uow(session_factory),
        refund_id,
        RefundAction.REINITIATE,
        actor="staff:9001",
        rules=RULES,
        now=evening,
    )
    assert again.refund is not None and again.refund.attempt == 2
    again = await change_refund(
        uow(session_factory),
        refund_id,
        RefundAction.SUBMIT,
        actor="staff:9001",
        rules=RULES,
        now=evening,
    )
    assert again.refund is not None
    # Pushed out again on Tuesday evening: 1–3 working days → Friday 4 Dec.
    assert again.refund.expected_latest.isoformat() == "2026-12-04"
    friday_evening = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, friday_evening)).arrival_checks == 1
    keys = [r.dedupe_key for r in await rows(session_factory, "customer.refund_arrival_check")]
    assert keys == [f"refund-arrival:{refund_id}:1", f"refund-arrival:{refund_id}:2"]


async def test_reminder_then_overdue_for_an_open_ticket_and_none_once_decided(
    session_factory: Factory,
) -> None:
    customer_id, order_id = await add_order(
        session_factory, "T1", OrderStatus.DELIVERED, ProductKind.CARD_KEY
    )
    filed = await file(session_factory, customer_id, order_id)
    deadline = filed.ticket.deadline
    # Two working days from Thursday: Monday 30 Nov, ending 18:00 Shanghai.
    assert deadline.isoformat() == "2026-11-30"
    monday_13 = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, monday_13)).reminders == 0
    monday_15 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert (await plan_due(uow(session_factory), RULES, monday_15)).reminders == 1
    assert (await plan_due(uow(session_factory), RULES, monday_15)).reminders == 0
    monday_19 = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    report = await plan_due(uow(session_factory), RULES, monday_19)
    assert (report.reminders, report.overdue) == (0, 1)
    assert len(await rows(session_factory, "staff.ticket_overdue")) == 1


async def test_a_ticket_found_overdue_after_downtime_gets_only_the_overdue_alert(
    session_factory: Factory,
) -> None:
    customer_id, order_id = await add_order(
        session_factory, "T2", OrderStatus.DELIVERED, ProductKind.CARD_KEY
    )
    await file(session_factory, customer_id, order_id)
    tuesday = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    report = await plan_due(uow(session_factory), RULES, tuesday)
    assert (report.reminders, report.overdue) == (0, 1)


async def test_one_digest_a_day_with_the_days_counts(session_factory: Factory) -> None:
    await cancelled_refund(session_factory, "A1")
    customer_id, order_id = await add_order(
        session_factory, "T3", OrderStatus.DELIVERED, ProductKind.CARD_KEY
    )
    await file(session_factory, customer_id, order_id)
    friday_9 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    assert (
        await plan_due(uow(session_factory), RULES, friday_9 - timedelta(minutes=1))
    ).digests == 0
    assert (await plan_due(uow(session_factory), RULES, friday_9)).digests == 1
    assert (
        await plan_due(uow(session_factory), RULES, friday_9 + timedelta(hours=5))
    ).digests == 0
    [digest] = await rows(session_factory, "staff.digest")
    assert digest.payload["new"] == 1
    assert digest.payload["refunds_pending"] == 1
    saturday_9 = friday_9 + timedelta(days=1)
    assert (await plan_due(uow(session_factory), RULES, saturday_9)).digests == 1
    second = (await rows(session_factory, "staff.digest"))[1]
    assert second.payload["new"] == 0  # counted since Friday's digest
    assert second.payload["since"] == friday_9.isoformat()
