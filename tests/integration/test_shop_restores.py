"""Restores the shop's own order system must confirm (SHOP_MODE=http), against the fake
shop over HTTP: the refund is on hold while the shop decides, a lost answer is asked again
with the same key, and a staff-approved restore closes its ticket with the shop's yes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.shop_http import HttpShop
from domain.orders import OrderStatus, RefundStatus
from domain.ports import FixedClock, RequestKind
from domain.restore import CouponBack
from domain.review import ApplyOutcome, ReviewOutcome, file_ticket
from domain.shop import CancelRefused
from domain.shop_cancels import CancelDesk, Settled, settle_due
from domain.shop_cancels import _write_answer as write_answer
from domain.shopper_restore import RestoreOutcome, restore_order
from domain.staff import decide_ticket
from domain.tickets import TicketKind, TicketReason, TicketStatus, Verdict
from storage.tables import AuditRow, CancelRequestRow, OutboxRow, RefundRow, TicketRow
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.fakeshop import Behaviour, FakeShop
from tests.integration.test_import import NOW, RULES, Factory, order
from tests.integration.test_shop_cancels import (
    ALERT_AFTER,
    adapter,
    ask,
    count,
    fake_shop,
    paid_order,
    settle,
)

__all__ = ["adapter", "fake_shop"]  # the fake shop's fixtures, shared with the cancels' tests


async def cancelled_by_the_shopper(
    factory: Factory, tmp_path: Path, fake_shop: FakeShop, client: HttpShop
) -> int:
    found = await paid_order(factory, tmp_path, fake_shop)
    assert await settle(factory, client, await ask(factory, found)) is Settled.CANCELLED
    return found.id


async def refund_status(factory: Factory) -> tuple[str, int]:
    async with factory() as session:
        row = await session.scalar(select(RefundRow))
    assert row is not None
    return row.status, row.attempt


async def test_a_silent_shop_keeps_the_refund_on_hold_and_a_retry_restores_once(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    order_id = await cancelled_by_the_shopper(session_factory, tmp_path, fake_shop, adapter)
    found = await order(session_factory, "KM-1")
    assert found is not None
    # The shop restores but its answer is lost, then it fails the two retries of that round.
    fake_shop.script = [Behaviour.DROP, Behaviour.FAIL, Behaviour.FAIL]
    uows = SqlUnitOfWorkFactory(session_factory)
    desk = CancelDesk(uows, adapter, rules=RULES, clock=FixedClock(NOW), wait=5)
    async with session_factory() as session:
        asked = await restore_order(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=order_id,
            shown=CouponBack.NONE,
            actor="tg:1001",
            rules=RULES,
            now=NOW,
            with_shop=True,
        )
    assert asked.outcome is RestoreOutcome.REQUESTED and asked.request_id is not None

    assert await desk.confirm(asked.request_id) is None  # no answer that counts
    assert await refund_status(session_factory) == (RefundStatus.VOIDED.value, 1)
    waiting = await order(session_factory, "KM-1")
    assert waiting is not None and waiting.status is OrderStatus.CANCELLED
    assert waiting.restoring_since == NOW

    later = FixedClock(NOW + timedelta(minutes=1))
    settled = await settle_due(uows, adapter, rules=RULES, clock=later, alert_after=ALERT_AFTER)

    assert settled == 1
    back = await order(session_factory, "KM-1")
    assert back is not None and back.status is OrderStatus.PAID and back.restoring_since is None
    assert fake_shop.orders["KM-1"].restores == 1  # the retry's key got the first answer
    keys = {r.key for r in fake_shop.requests if (r.key or "").startswith("restore-")}
    assert len(keys) == 1
    assert await count(session_factory, AuditRow, AuditRow.action == "order.restored") == 1
    async with session_factory() as session:
        pushed = list(await session.scalars(select(OutboxRow.kind)))
    assert "customer.restore_settled" in pushed
    await desk.close()


async def test_staff_approving_a_restore_asks_the_shop_and_closes_the_ticket(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    order_id = await cancelled_by_the_shopper(session_factory, tmp_path, fake_shop, adapter)
    found = await order(session_factory, "KM-1")
    assert found is not None
    late = NOW + timedelta(hours=2)  # past the window: only staff restore it now
    async with session_factory() as session:
        filed = await file_ticket(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=order_id,
            reason=TicketReason.MISTAKEN,
            reason_text="",
            evidence=(),
            actor="tg:1001",
            rules=RULES,
            now=late,
            kind=TicketKind.RESTORE,
        )
    assert filed.outcome is ApplyOutcome.FILED and filed.ticket is not None
    uows = SqlUnitOfWorkFactory(session_factory)
    desk = CancelDesk(uows, adapter, rules=RULES, clock=FixedClock(late), wait=5)

    async with session_factory() as session:
        decided = await decide_ticket(
            SqlUnitOfWork(session),
            ticket_id=filed.ticket.id,
            reviewer_id=9001,
            is_staff=True,
            verdict=Verdict.APPROVE,
            rules=RULES,
            now=late,
            desk=desk,
        )

    assert decided.outcome is ReviewOutcome.DECIDED
    back = await order(session_factory, "KM-1")
    assert back is not None and back.status is OrderStatus.PAID
    async with session_factory() as session:
        ticket = await session.scalar(select(TicketRow))
        request = await session.scalar(
            select(CancelRequestRow).where(CancelRequestRow.kind == RequestKind.RESTORE.value)
        )
        decided_rows = list(
            await session.scalars(
                select(OutboxRow.payload).where(OutboxRow.kind == "customer.ticket_decided")
            )
        )
    assert ticket is not None and ticket.status == TicketStatus.APPROVED.value
    assert request is not None and request.actor == "staff:9001"
    assert [(p["kind"], p["restored_to"]) for p in decided_rows] == [("restore", "paid")]
    assert await refund_status(session_factory) == (RefundStatus.VOIDED.value, 1)
    await desk.close()


async def shopper_restores(factory: Factory, order_id: int, customer_id: int) -> int:
    """The shopper's restore, sent to the shop: phase one only (the refund withdrawn)."""
    async with factory() as session:
        asked = await restore_order(
            SqlUnitOfWork(session),
            customer_id=customer_id,
            order_id=order_id,
            shown=CouponBack.NONE,
            actor="tg:1001",
            rules=RULES,
            now=NOW,
            with_shop=True,
        )
    assert asked.outcome is RestoreOutcome.REQUESTED and asked.request_id is not None
    return asked.request_id


async def test_a_restore_the_shop_refuses_because_the_order_is_live_there_is_live_here_too(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    order_id = await cancelled_by_the_shopper(session_factory, tmp_path, fake_shop, adapter)
    found = await order(session_factory, "KM-1")
    assert found is not None
    # The shop's own staff undid the cancel and delivered the order meanwhile.
    fake_shop.orders["KM-1"].status = "delivered"
    request_id = await shopper_restores(session_factory, order_id, found.customer_id)

    assert await settle(session_factory, adapter, request_id) is Settled.RESTORED
    back = await order(session_factory, "KM-1")
    assert back is not None and back.status is OrderStatus.DELIVERED
    assert back.restoring_since is None
    # Delivered: nothing is owed, so the withdrawn refund stays withdrawn.
    assert await refund_status(session_factory) == (RefundStatus.VOIDED.value, 1)
    [restored] = await audit_rows(session_factory, "order.restored")
    assert restored.detail["to"] == "delivered"
    assert await audit_rows(session_factory, "order.restore_refused") == []


async def test_a_refusal_written_by_two_senders_gives_the_refund_back_once(
    session_factory: Factory, tmp_path: Path, fake_shop: FakeShop, adapter: HttpShop
) -> None:
    order_id = await cancelled_by_the_shopper(session_factory, tmp_path, fake_shop, adapter)
    found = await order(session_factory, "KM-1")
    assert found is not None
    fake_shop.orders["KM-1"].restorable = False
    request_id = await shopper_restores(session_factory, order_id, found.customer_id)
    async with session_factory() as session:
        pending = await SqlUnitOfWork(session).cancels.get(request_id)
    assert pending is not None
    refusal = CancelRefused(OrderStatus.CANCELLED, "funds reallocated")
    uows = SqlUnitOfWorkFactory(session_factory)

    # The first sender's lease ran out while the shop was slow; a second sender asked with
    # the same key and got the same answer. Both now write it, the stale one second.
    results = [
        await write_answer(
            uows,
            pending,
            found,
            refusal,
            rules=RULES,
            now=NOW,
            tell_shopper=True,
            alert_after=ALERT_AFTER,
        )
        for _ in range(2)
    ]

    assert [r.outcome for r in results] == [Settled.REFUSED, Settled.REFUSED]
    assert await refund_status(session_factory) == (RefundStatus.REQUESTED.value, 2)
    assert len(await audit_rows(session_factory, "order.restore_refused")) == 1
    assert len(await audit_rows(session_factory, "refund.reopen")) == 1
    async with session_factory() as session:
        pushed = list(
            await session.scalars(
                select(OutboxRow.kind).where(OutboxRow.kind == "customer.restore_settled")
            )
        )
    assert len(pushed) == 1


async def audit_rows(factory: Factory, action: str) -> list[AuditRow]:
    async with factory() as session:
        return list(await session.scalars(select(AuditRow).where(AuditRow.action == action)))
