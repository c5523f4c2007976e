"""Scheduled pushes over the fake Bot API: held through the shopper's night, sent once after
the bot was down past their time, with the real scheduler starting the planner."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import Runtime
from domain.orders import OrderStatus, ProductKind, RefundStatus
from domain.ports import FixedClock
from domain.refunds import RefundAction
from domain.review import file_ticket
from domain.schedule import plan_due
from domain.tickets import TicketReason
from storage.tables import OutboxRow
from tests.e2e.conftest import NOW, Shop, make_settings
from tests.e2e.test_refunds import (
    STAFF_CHAT,
    cancelled,
    change,
    deliver,
    linked_user,
    refund,
    shop,  # noqa: F401 - the fixture, with a notifier sleep that moves the clock
)
from tests.fakebot import FakeTelegram, StoredMessage

ARRIVAL = "应已退回您的微信"


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 wall-clock time in Shanghai, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


async def test_a_push_made_at_night_waits_for_the_shoppers_morning(
    shop: Shop,  # noqa: F811
    tg: FakeTelegram,
) -> None:
    pending = await cancelled(shop, "KM-Q")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    await deliver(shop, tg)
    seen = len(user.messages())

    # The provider's confirmation is recorded at 23:10: the shopper is asleep.
    shop.clock.current = shanghai(27, 23, 10)
    await change(shop, pending.id, RefundAction.SUCCEED)
    await deliver(shop, tg)
    assert len(user.messages()) == seen
    async with shop.session() as uow:
        [row] = await uow.session.execute(
            select(OutboxRow.status, OutboxRow.due_at, OutboxRow.attempts).where(
                OutboxRow.kind == "customer.refund_succeeded"
            )
        )
    assert tuple(row) == ("pending", shanghai(28, 8), 0)

    # A reply to what the shopper does at night is not held.
    await user.send("/refunds")
    assert "KM-Q" in user.last_text()
    seen = len(user.messages())

    shop.clock.current = shanghai(28, 7, 59)
    await deliver(shop, tg)
    assert len(user.messages()) == seen
    shop.clock.current = shanghai(28, 8)
    await deliver(shop, tg)
    # The news, then the question how it went (due ten minutes after, in the night too).
    assert len(user.messages()) == seen + 2
    news, question = user.messages()[-2:]
    assert "已到账" in news.content or "已退回" in news.content
    assert question.content.startswith("🙏 订单 KM-Q 的退款已到账")
    assert (await refund(shop, pending.id)).status is RefundStatus.SUCCEEDED


async def test_an_arrival_check_missed_while_the_bot_was_down_is_sent_once_after_restart(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    settings = make_settings(tg, tmp_path)
    first = Runtime(settings, clock=clock)
    await first.prepare()
    before = Shop(first, clock)
    pending = await cancelled(before, "KM-R")
    user = await linked_user(before, tg)
    await change(before, pending.id, RefundAction.SUBMIT)
    await first.close()  # down from Thursday; the last expected day is Tuesday 1 December

    clock.current = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00: two days late
    for _ in range(2):  # started twice: the second start finds nothing more to say
        runtime = Runtime(settings, clock=clock)
        await runtime.prepare()
        runtime.start_background()  # the scheduler's planner job runs at once
        try:
            for _ in range(300):
                if any(ARRIVAL in (m.text or "") for m in user.messages()):
                    break
                await asyncio.sleep(0.02)
            await tg.idle()
            await asyncio.sleep(0.2)  # a second tick, had there been one, would show by now
        finally:
            await runtime.close()
    checks = [m for m in user.messages() if ARRIVAL in (m.text or "")]
    assert len(checks) == 1
    assert "¥30.00" in checks[0].text
    assert checks[0].buttons == ["✅ 已到账", "⏳ 还没到"]


async def test_staff_are_reminded_then_alerted_and_get_the_morning_digest(
    shop: Shop,  # noqa: F811
    tg: FakeTelegram,
) -> None:
    await shop.add_order(
        "KM-T", status=OrderStatus.DELIVERED, kind=ProductKind.CARD_KEY, activated=False
    )
    order = await shop.order("KM-T")
    async with shop.session() as uow:
        filed = await file_ticket(
            uow,
            customer_id=order.customer_id,
            order_id=order.id,
            reason=TicketReason.UNUSED_KEY,
            reason_text="没用过",
            evidence=(),
            actor="tg:1001",
            rules=shop.runtime.rules,
            now=shop.clock.now(),
        )
    assert filed.ticket is not None
    ticket_id = filed.ticket.id
    await deliver(shop, tg)
    group = tg.group(STAFF_CHAT)
    [card] = [m for m in group.messages() if m.content.startswith(f"🆕 工单 #{ticket_id} ")]

    async def tick(at: datetime) -> None:
        shop.clock.current = at
        async with shop.session() as uow:
            await plan_due(uow, shop.runtime.rules, at, digest_at=time(9))
        await deliver(shop, tg)

    def said(prefix: str) -> list[StoredMessage]:
        return [m for m in group.messages() if m.content.startswith(prefix)]

    await tick(shanghai(30, 15))  # Monday 15:00: 3 working hours before the 18:00 deadline
    [reminder] = said("⏰")
    assert reminder.content == (
        f"⏰ 工单 #{ticket_id}(订单 KM-T)即将到审核截止:11月30日(周一) 18:00,"
        "剩余约 3 个工作小时。请尽快处理。"
    )
    assert reminder.data["reply_to_message"]["message_id"] == card.message_id
    await tick(shanghai(30, 18, 30))
    [overdue] = said("⚠")
    assert overdue.content == (
        f"⚠ 工单 #{ticket_id}(订单 KM-T)已超过审核截止(11月30日(周一) 18:00),顾客还在等待结果。"
    )
    await tick(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # Tuesday 09:00
    monday, tuesday = (m.content for m in said("📋"))
    assert monday.startswith("📋 每日汇总 · 11月30日(周一)")
    assert tuesday.startswith("📋 每日汇总 · 12月1日(周二)")
    assert "已超时未处理:1" in tuesday and "已超时未处理:0" in monday
    sent = len(group.messages())
    await tick(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert len(group.messages()) == sent  # each said once
