"""Lines from the shop's own system never undo what the bot recorded, and a live order the
shop cancelled is cancelled here as any cancel is: refund record, coupon, audit, the push."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.orders import CouponStatus, OrderStatus, PaymentChannel
from domain.ports import FixedClock
from domain.review import ReviewOutcome, file_ticket, review_ticket
from domain.tickets import TicketReason, Verdict
from storage.tables import AuditRow, OutboxRow, RefundRow
from storage.uow import SqlUnitOfWork
from tests.integration.conftest import Database
from tests.integration.test_import import (
    NOW,
    RULES,
    Factory,
    order,
    row,
    run,
    shopper_cancels,
    topup,
    write,
)
from tests.integration.test_outbox import StubBot, notifier

SHOP_CANCELLED_AT = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


def paid_card_with_coupon(order_no: str, **changes: Any) -> dict[str, Any]:
    """A paid card key not yet delivered, bought with a coupon returned on cancel."""
    return row(order_no, **({"status": "paid", "delivered_at": None} | changes))


async def audit(factory: Factory, order_id: int) -> list[tuple[str, str]]:
    async with factory() as session:
        rows = await session.execute(
            select(AuditRow.action, AuditRow.actor).where(AuditRow.order_id == order_id)
        )
        return [(action, actor) for action, actor in rows]


async def outbox_kinds(factory: Factory) -> list[tuple[str, int | None]]:
    async with factory() as session:
        rows = await session.execute(select(OutboxRow.kind, OutboxRow.customer_id))
        return [(kind, customer) for kind, customer in rows]


async def refund_rows(factory: Factory) -> list[tuple[int, str, str]]:
    async with factory() as session:
        rows = await session.execute(
            select(RefundRow.order_id, RefundRow.amount_fen, RefundRow.channel)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("batch_size", [500, 1])
async def test_a_line_for_an_order_cancelled_here_keeps_its_coupon_and_cancel_time(
    session_factory: Factory, tmp_path: Path, batch_size: int
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", paid_card_with_coupon("KM-C")))
    await shopper_cancels(session_factory, "KM-C")
    cancelled = await order(session_factory, "KM-C")
    assert cancelled is not None and cancelled.coupon is not None
    assert cancelled.coupon.status is CouponStatus.AVAILABLE
    # The shop's export saw the cancel later, with its own time and the coupon as used.
    line = paid_card_with_coupon(
        "KM-C", status="cancelled", cancelled_at="2026-11-26T18:00:00+08:00"
    )

    report, err = await run(
        session_factory, write(tmp_path / "b.jsonl", line), batch_size=batch_size
    )

    assert err == [] and report.updated == 1
    after = await order(session_factory, "KM-C")
    assert after is not None and after.coupon is not None
    assert after.coupon.status is CouponStatus.AVAILABLE
    assert after.cancelled_at == cancelled.cancelled_at == NOW
    assert len(await refund_rows(session_factory)) == 1


@pytest.mark.parametrize("batch_size", [500, 1])
async def test_a_line_never_undoes_a_card_key_activation_staff_found(
    session_factory: Factory, tmp_path: Path, batch_size: int
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", row("KM-K")))
    found = await order(session_factory, "KM-K")
    assert found is not None and found.card_key_activated is False
    async with session_factory() as session, SqlUnitOfWork(session) as uow:
        assert await uow.orders.record_key_activated(found.id, NOW)
        await uow.commit()

    report, err = await run(
        session_factory, write(tmp_path / "b.jsonl", row("KM-K")), batch_size=batch_size
    )

    assert err == [] and report.updated == 1
    after = await order(session_factory, "KM-K")
    assert after is not None and after.card_key_activated is True


@pytest.mark.parametrize("batch_size", [500, 1])
async def test_a_paid_order_the_shop_cancelled_gets_its_refund_audit_and_push(
    session_factory: Factory, tmp_path: Path, batch_size: int
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", topup("KM-S", "paid")))
    before = await order(session_factory, "KM-S")
    assert before is not None

    report, err = await run(
        session_factory,
        write(tmp_path / "b.jsonl", topup("KM-S", "cancelled")),
        batch_size=batch_size,
    )

    assert err == [] and (report.created, report.updated) == (0, 1)
    after = await order(session_factory, "KM-S")
    assert after is not None
    assert after.status is OrderStatus.CANCELLED
    assert after.cancelled_at == SHOP_CANCELLED_AT
    assert await refund_rows(session_factory) == [(before.id, 9950, PaymentChannel.ALIPAY.value)]
    assert ("order.cancelled", "shop") in await audit(session_factory, before.id)
    assert ("customer.order_cancelled", before.customer_id) in await outbox_kinds(session_factory)


async def test_a_shop_cancel_read_twice_refunds_once(
    session_factory: Factory, tmp_path: Path
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", topup("KM-S", "paid")))
    cancelled = write(tmp_path / "b.jsonl", topup("KM-S", "cancelled"), topup("KM-S", "cancelled"))

    await run(session_factory, cancelled)
    report, err = await run(session_factory, cancelled)

    assert err == [] and report.updated == 2
    assert len(await refund_rows(session_factory)) == 1
    kinds = [kind for kind, _ in await outbox_kinds(session_factory)]
    assert kinds.count("customer.order_cancelled") == 1


async def test_an_unpaid_order_the_shop_cancelled_has_nothing_to_refund(
    session_factory: Factory, tmp_path: Path
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", topup("KM-U", "pending_payment")))

    await run(
        session_factory,
        write(
            tmp_path / "b.jsonl", topup("KM-U", "cancelled", paid_at=None, payment_channel=None)
        ),
    )

    after = await order(session_factory, "KM-U")
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert await refund_rows(session_factory) == []


async def application_in_delivery(factory: Factory, tmp_path: Path, no: str) -> int:
    """A shopper's application for an instant top-up already in delivery: its ticket id."""
    await run(factory, write(tmp_path / f"{no}.jsonl", topup(no, "delivering")))
    found = await order(factory, no)
    assert found is not None
    async with factory() as session:
        filed = await file_ticket(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=found.id,
            reason=TicketReason.DUPLICATE,
            reason_text="",
            evidence=(),
            actor="tg:1001",
            rules=RULES,
            now=NOW,
        )
    assert filed.ticket is not None
    return filed.ticket.id


async def test_approving_the_ticket_of_an_order_the_shop_cancelled_tells_of_its_refund(
    session_factory: Factory, tmp_path: Path
) -> None:
    ticket_id = await application_in_delivery(session_factory, tmp_path, "KM-T")
    await run(session_factory, write(tmp_path / "b.jsonl", topup("KM-T", "cancelled")))

    async with session_factory() as session:
        review = await review_ticket(
            SqlUnitOfWork(session),
            ticket_id=ticket_id,
            reviewer_id=9001,
            is_staff=True,
            verdict=Verdict.APPROVE,
            rules=RULES,
            now=NOW,
        )

    assert review.outcome is ReviewOutcome.DECIDED
    async with session_factory() as session:
        (decided,) = (
            await session.scalars(
                select(OutboxRow.payload).where(OutboxRow.kind == "customer.ticket_decided")
            )
        ).all()
    # Not "本单无需退款": the refund the shop's cancel started, with its amount and channel.
    assert decided["amount_fen"] == 9950
    assert decided["channel"] == "alipay"


async def test_the_shopper_is_told_the_shop_cancelled_and_where_the_money_goes(
    database: Database, tmp_path: Path
) -> None:
    factory = database.session_factory
    await run(factory, write(tmp_path / "a.jsonl", topup("KM-P", "paid")))
    found = await order(factory, "KM-P")
    assert found is not None
    async with factory() as session, SqlUnitOfWork(session) as uow:
        await uow.customers.bind_telegram(found.customer_id, 5001)
        await uow.commit()
    await run(factory, write(tmp_path / "b.jsonl", topup("KM-P", "cancelled")))
    log: list[tuple[str, int, str]] = []

    sent = await notifier(database, StubBot(log, "bot"), FixedClock(NOW)).deliver_due()

    texts = [text for _, chat, text in log if chat == 5001]
    assert sent >= 1
    (push,) = [text for text in texts if "已由商城取消" in text]
    assert push.startswith("ℹ️ 您的订单 KM-P(中国移动 话费直充 100元)已由商城取消。")
    assert "¥99.50" in push and "支付宝" in push
