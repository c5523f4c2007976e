"""The staff group over the fake Bot API: cards from the outbox, decisions, commands, pacing.

Tickets are filed straight through the use case (the shopper's application
flow is tested on its own); the notifier then delivers them like in production.
The notifier's clock and sleep are virtual here: waits for a sending slot move
the clock instead of taking real time, so paced bursts run in a moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Runtime
from domain.orders import OrderStatus, PaymentChannel, ProductKind
from domain.ports import FixedClock
from domain.review import ApplyOutcome, file_ticket
from domain.tickets import Evidence, RejectReason, TicketReason, TicketStatus
from handlers.staff.callbacks import StaffTicketAction, StaffTicketCb
from storage.tables import AuditRow, OutboxRow, RefundRow, TicketRow
from tests.e2e.conftest import NOW, HandlerFailures, Shop, make_settings
from tests.fakebot import Actor, FakeGroup, FakeTelegram, FakeUser, StoredMessage

STAFF_CHAT = -1001


@dataclass
class Desk:
    """The shop, its staff group and the people in it."""

    shop: Shop
    tg: FakeTelegram
    group: FakeGroup
    shopper: FakeUser
    li: Actor  # staff 9001
    wang: Actor  # staff 9002
    outsider: Actor  # a group member who is not staff
    #: Every Bot API request the bot made: method, chat, virtual time.
    requests: list[tuple[str, Any, datetime]] = field(default_factory=list)

    @property
    def runtime(self) -> Runtime:
        return self.shop.runtime

    async def order(self, order_no: str, **kwargs: Any) -> None:
        kwargs.setdefault("status", OrderStatus.DELIVERED)
        kwargs.setdefault("kind", ProductKind.CARD_KEY)
        kwargs.setdefault("activated", False)
        await self.shop.add_order(order_no, **kwargs)

    async def file(
        self,
        order_no: str,
        *,
        evidence: tuple[Evidence, ...] = (),
        reason: TicketReason = TicketReason.UNUSED_KEY,
        text: str = "卡密还没用过",
    ) -> int:
        order = await self.shop.order(order_no)
        async with self.shop.session() as uow:
            result = await file_ticket(
                uow,
                customer_id=order.customer_id,
                order_id=order.id,
                reason=reason,
                reason_text=text,
                evidence=evidence,
                actor="tg:1001",
                rules=self.runtime.rules,
                now=self.shop.clock.now(),
            )
        assert result.outcome is ApplyOutcome.FILED and result.ticket is not None
        return result.ticket.id

    async def unsent(self) -> int:
        return await self.shop.unsent()

    async def deliver(self) -> None:
        """Wake the notifier and wait until nothing due is left and the bot went quiet."""
        self.runtime.notifier.wake()
        for _ in range(1000):
            if not await self.unsent():
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the outbox was not delivered")
        await self.tg.idle()

    def cards(self) -> list[StoredMessage]:
        return [m for m in self.group.messages() if m.content.startswith("🆕 工单")]

    def card(self, ticket_id: int) -> StoredMessage:
        found = [m for m in self.cards() if m.content.startswith(f"🆕 工单 #{ticket_id} ")]
        assert found, f"no card for ticket {ticket_id}: {[m.content for m in self.cards()]}"
        return found[0]

    async def rows(self, table: Any, *where: Any) -> list[Any]:
        async with self.shop.session() as uow:
            found = list(await uow.session.scalars(select(table).where(*where)))
            uow.session.expunge_all()  # readable after the session ends
        return found

    def times(self, method: str, chat_id: int) -> list[datetime]:
        return [at for m, chat, at in self.requests if m == method and chat == chat_id]


def _virtual(clock: FixedClock) -> Callable[[float], Awaitable[None]]:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return sleep


@contextlib.asynccontextmanager
async def open_desk(
    tg: FakeTelegram, tmp_path: Path, *, start: datetime = NOW, **overrides: object
) -> AsyncIterator[Desk]:
    """The running bot with its staff group, its clock at ``start``; ``overrides`` change
    its settings."""
    failures = HandlerFailures()
    logging.getLogger("bot.factory").addHandler(failures)
    clock = FixedClock(start)
    settings = make_settings(tg, tmp_path, **overrides)
    runtime = Runtime(settings, clock=clock, sleep=_virtual(clock))
    requests: list[tuple[str, Any, datetime]] = []

    async def record(make_request: Any, bot: Any, method: Any) -> Any:
        requests.append((type(method).__name__, getattr(method, "chat_id", None), clock.now()))
        return await make_request(bot, method)

    runtime.bot.session.middleware(record)
    tg.track(runtime.dispatcher)
    group = tg.group(STAFF_CHAT, "客服组")
    people = {9001: "李客服", 9002: "王客服", 9100: "路人"}
    actors = {}
    for user_id, name in people.items():
        user = tg.user(user_id, name)
        group.add_member(user)
        actors[user_id] = group.as_user(user)
    await runtime.prepare()
    polling = asyncio.create_task(runtime.poll(handle_signals=False))
    shop = Shop(runtime, clock)
    try:
        yield Desk(
            shop,
            tg,
            group,
            tg.user(1001, "张三"),
            actors[9001],
            actors[9002],
            actors[9100],
            requests,
        )
    finally:
        await runtime.stop()
        await polling
        await runtime.close()
        logging.getLogger("bot.factory").removeHandler(failures)
    crashes = [r.exc_info[1] for r in failures.records if r.exc_info]
    assert not crashes, f"a handler crashed: {crashes!r}"


@pytest.fixture
async def desk(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Desk]:
    async with open_desk(tg, tmp_path) as opened:
        yield opened


def photo(tg: FakeTelegram) -> Evidence:
    original = tg.upload_photo(size=50_000)[-1]
    return Evidence(original.file_id, original.file_unique_id, "photo", original.size)


async def linked(desk: Desk, *order_nos: str) -> None:
    for order_no in order_nos:
        await desk.order(order_no)
    await desk.shop.link("C0001", 1001)


# --------------------------------------------------------------------------- cards and approve


async def test_card_reaches_the_staff_chat_and_approve_cancels_and_tells_the_shopper(
    desk: Desk,
) -> None:
    await linked(desk, "KM-1")
    shot = photo(desk.tg)
    ticket_id = await desk.file("KM-1", evidence=(shot,))
    await desk.deliver()

    card = desk.card(ticket_id)
    text = card.content
    assert "卡密激活核查" in text
    assert "⏰ 截止:" in text and "个工作小时" in text
    assert "👤 客户:张三 · 订单 1 笔 · 已取消 0 笔 · 工单 1 个" in text
    assert "🧾 订单 KM-1 · 王者荣耀 60点券(卡密)× 1" in text
    assert "💰 实付 ¥6.00 · 微信" in text
    assert "🔑 卡密:未激活" in text
    assert "📝 原因:未使用卡密" in text and "💬 卡密还没用过" in text
    assert "🖼 凭证 1 张" in text
    assert card.buttons == ["✅ 同意取消", "❌ 拒绝", "🔁 协商换货"]
    # The screenshot is re-sent by its file id, as a reply to the card: never downloaded.
    shots = [m for m in desk.group.messages() if m.photo]
    assert len(shots) == 1
    assert shots[0].data["reply_to_message"]["message_id"] == card.message_id
    sent_photo = desk.tg.calls("sendPhoto", chat_id=STAFF_CHAT)[0]
    assert sent_photo.params["photo"] == shot.file_id
    assert not desk.tg.downloads

    await desk.li.press("同意取消", card)

    card = desk.card(ticket_id)
    assert "✅ 已同意取消 · 李客服 · 11月26日(周四)" in card.content
    assert card.buttons == []
    assert (await desk.shop.order("KM-1")).status is OrderStatus.CANCELLED
    refunds = await desk.rows(RefundRow)
    assert [r.amount_fen for r in refunds] == [600]
    await desk.deliver()
    news = desk.shopper.last_text()
    assert "您对订单 KM-1 的取消申请已通过,订单已取消" in news
    assert "退款 ¥6.00 将原路退回微信" in news
    assert desk.shopper.buttons() == ["💬 联系客服"]  # "any question: contact staff"
    assert any("💸 请退款:订单 KM-1 · ¥6.00 · 原路退回微信" in t for t in desk.group.texts())
    assert not any(m.buttons for m in desk.cards())


async def test_approving_a_balance_paid_order_tells_the_shopper_the_money_is_back(
    desk: Desk,
) -> None:
    await desk.order("KM-B", channel=PaymentChannel.BALANCE)
    await desk.shop.link("C0001", 1001)
    ticket_id = await desk.file("KM-B")
    await desk.deliver()
    await desk.li.press("同意取消", desk.card(ticket_id))
    await desk.deliver()
    news = desk.shopper.last_text()
    assert "💰 ¥6.00 已退回您的余额。" in news and "预计" not in news
    [refund] = await desk.rows(RefundRow)
    assert (refund.gateway, refund.status) == ("balance", "succeeded")
    # Nothing for staff to push out: no refund card.
    assert not any(t.startswith("💸 请退款") for t in desk.group.texts())


async def test_reject_with_a_preset_reason_and_back(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    card = desk.card(ticket_id)

    await desk.li.press("❌ 拒绝", card)
    assert desk.card(ticket_id).buttons == [
        "卡密已激活",
        "商品已发货",
        "凭证不足",
        "其他(输入原因)",
        "⬅ 返回",
    ]
    await desk.li.press("⬅ 返回", card)
    assert desk.card(ticket_id).buttons == ["✅ 同意取消", "❌ 拒绝", "🔁 协商换货"]
    await desk.li.press("❌ 拒绝", card)
    await desk.li.press("凭证不足", card)

    card = desk.card(ticket_id)
    assert "❌ 已拒绝(凭证不足)· 李客服" in card.content
    assert card.buttons == []
    [ticket] = await desk.rows(TicketRow)
    assert ticket.status == TicketStatus.REJECTED.value
    assert ticket.reject_reason == RejectReason.INSUFFICIENT_EVIDENCE.value
    assert ticket.decided_by == 9001
    assert (await desk.shop.order("KM-1")).status is OrderStatus.DELIVERED
    await desk.deliver()
    news = desk.shopper.last_text()
    assert "您对订单 KM-1 的取消申请未通过" in news
    assert "原因:凭证不足,无法核实。" in news
    await desk.shopper.press("💬 联系客服")
    assert "已为您联系客服(订单 KM-1)" in desk.shopper.last_text()


async def test_reject_with_a_typed_reason_takes_the_pressers_next_message(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    card = desk.card(ticket_id)
    await desk.li.press("❌ 拒绝", card)
    await desk.li.press("其他(输入原因)", card)
    prompt = desk.group.last_message()
    assert "李客服,请直接回复本消息" in prompt.content
    assert prompt.reply_markup == {"force_reply": True, "selective": True}

    # Someone else chatting in the group decides nothing.
    await desk.wang.send("这单我看一下", wait=False)
    await desk.wang.expect_silence()
    assert (await desk.rows(TicketRow))[0].status == TicketStatus.OPEN.value

    await desk.li.send("游戏内已查到充值记录", reply_to=prompt)

    assert "工单 #1 已拒绝" in desk.li.last_text()
    card = desk.card(ticket_id)
    assert "❌ 已拒绝(游戏内已查到充值记录)· 李客服" in card.content
    assert card.buttons == []
    [ticket] = await desk.rows(TicketRow)
    assert ticket.reject_reason == RejectReason.OTHER.value
    assert ticket.decision_note == "游戏内已查到充值记录"
    await desk.deliver()
    assert "原因:游戏内已查到充值记录" in desk.shopper.last_text()
    # The state is gone: the next message is just chat.
    await desk.li.send("好的", wait=False)
    await desk.li.expect_silence()


async def test_exchange_is_offered_and_the_shopper_is_told(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    await desk.wang.press("协商换货", desk.card(ticket_id))
    assert "🔁 已转协商换货 · 王客服" in desk.card(ticket_id).content
    await desk.deliver()
    assert "客服将联系您,协商更换其他商品" in desk.shopper.last_text()
    assert (await desk.shop.order("KM-1")).status is OrderStatus.DELIVERED


# --------------------------------------------------------------------------- races and refusals


async def test_approve_and_reject_at_the_same_moment_decide_once(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    card = desk.card(ticket_id)
    await desk.wang.press("❌ 拒绝", card)

    approve = StaffTicketCb(action=StaffTicketAction.APPROVE, ticket_id=ticket_id).pack()
    await desk.li.press_data(approve, card, wait=False)
    await desk.wang.press("凭证不足", card, wait=False)
    await desk.li.settle()
    await desk.wang.settle()

    decisions = await desk.rows(
        AuditRow, AuditRow.action.in_(["ticket.approved", "ticket.rejected"])
    )
    assert len(decisions) == 1
    assert len(await desk.rows(OutboxRow, OutboxRow.kind == "customer.ticket_decided")) == 1
    [ticket] = await desk.rows(TicketRow)
    winner, loser = (desk.li, desk.wang) if ticket.decided_by == 9001 else (desk.wang, desk.li)
    text = desk.card(ticket_id).content
    assert (text.count("已同意取消") + text.count("已拒绝")) == 1
    assert winner.user.first_name in text
    assert desk.card(ticket_id).buttons == []
    [alert] = loser.alerts()
    assert f"该工单已由 {winner.user.first_name} 于 11月26日(周四)" in alert
    assert not winner.alerts()


async def test_non_staff_press_is_refused_and_audited(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    card = desk.card(ticket_id)

    await desk.outsider.press("同意取消", card)
    await desk.outsider.press("❌ 拒绝", card)

    assert desk.outsider.alerts() == ["⛔ 只有本店客服可以处理工单。"] * 2
    refused = await desk.rows(AuditRow, AuditRow.action == "ticket.review_refused")
    assert [r.actor for r in refused] == ["tg:9100", "tg:9100"]
    assert (await desk.rows(TicketRow))[0].status == TicketStatus.OPEN.value
    assert desk.card(ticket_id).buttons == ["✅ 同意取消", "❌ 拒绝", "🔁 协商换货"]
    await desk.outsider.send("/queue")
    assert desk.outsider.last_text() == "⛔ 这些命令只供客服使用。"


async def test_forged_ticket_ids_are_refused(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    card = desk.card(ticket_id)

    forged = StaffTicketCb(action=StaffTicketAction.APPROVE, ticket_id=99_999).pack()
    await desk.li.press_data(forged, card)
    assert desk.li.alerts() == ["找不到这个工单。"]
    await desk.li.press_data("st:a:-5", card)  # fails to parse: the fallback refuses it
    assert len(desk.li.alerts()) == 2
    assert (await desk.rows(TicketRow))[0].status == TicketStatus.OPEN.value


async def test_a_press_on_a_decided_card_shows_who_decided(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    card = desk.card(ticket_id)
    await desk.li.press("同意取消", card)
    # A stale copy of the card (e.g. from /ticket earlier) still has buttons.
    reject = StaffTicketCb(action=StaffTicketAction.REJECT, ticket_id=ticket_id).pack()
    await desk.wang.press_data(reject, card)
    when = "11月26日(周四) 10:00"
    assert desk.wang.alerts() == [
        f"该工单已由 李客服 于 {when} 处理:✅ 已同意取消 · 李客服 · {when}"
    ]


# --------------------------------------------------------------------------- commands


async def test_queue_ticket_and_order_commands(desk: Desk) -> None:
    await linked(desk, "KM-1", "KM-2")
    first = await desk.file("KM-1")
    second = await desk.file("KM-2", reason=TicketReason.DUPLICATE, text="")
    await desk.deliver()

    await desk.li.send("/queue")
    listing = desk.li.last_text()
    assert listing.startswith("📋 待处理工单 2 个")
    assert f"#{first} · KM-1 · 卡密激活核查 · 截止 11月30日(周一) · 剩余约" in listing
    assert desk.li.buttons()[0].startswith(f"#{first} KM-1 · 剩余约")
    await desk.li.press(f"#{second} KM-2")
    opened = desk.group.last_message()
    assert opened.content.startswith(f"🆕 工单 #{second} ")
    assert opened.buttons == ["✅ 同意取消", "❌ 拒绝", "🔁 协商换货"]

    # Deciding on the copy also updates the card posted by the notifier.
    await desk.li.press("同意取消", opened)
    assert "已同意取消" in desk.tg.message(STAFF_CHAT, opened.message_id).content  # type: ignore[union-attr]
    assert "已同意取消" in desk.card(second).content

    await desk.li.send(f"/ticket {first}")
    assert desk.li.last_text().startswith(f"🆕 工单 #{first} ")
    await desk.li.send("/ticket abc")
    assert desk.li.last_text().startswith("用法:/ticket")
    await desk.li.send("/ticket 777")
    assert desk.li.last_text() == "找不到这个工单。"

    await desk.li.send("/order KM-2")
    timeline = desk.li.last_text()
    assert "🧾 订单 KM-2" in timeline
    assert "📦 状态:已取消" in timeline
    assert "💰 退款 ¥6.00" in timeline
    lines = timeline.splitlines()
    filed = next(i for i, line in enumerate(lines) if "提交工单:卡密激活核查" in line)
    assert lines[filed].endswith(" · 顾客")
    approved = next(i for i, line in enumerate(lines) if "同意取消 · 客服 李客服(9001)" in line)
    cancelled = next(i for i, line in enumerate(lines) if "订单已取消 · 客服 李客服(9001)" in line)
    assert filed < approved < cancelled  # the approval, then the cancel it caused
    await desk.li.send("/order km-1")  # typed in lower case
    assert f"📝 有待处理的工单 #{first}" in desk.li.last_text()
    await desk.li.send("/order NOPE-1")
    assert desk.li.last_text() == "找不到订单 NOPE-1。"

    await desk.li.send("/queue")
    assert desk.li.last_text().startswith("📋 待处理工单 1 个")


# --------------------------------------------------------------------------- delivery limits


async def test_a_burst_of_thirty_tickets_is_paced_not_dropped(desk: Desk) -> None:
    order_nos = [f"KM-{n:02d}" for n in range(30)]
    await linked(desk, *order_nos)
    started = desk.shop.clock.now()
    for order_no in order_nos:
        await desk.file(order_no)
    await desk.deliver()

    assert len(desk.cards()) == 30
    assert {m.content.split(" ")[2] for m in desk.cards()} == {f"#{n}" for n in range(1, 31)}
    sends = desk.times("SendMessage", STAFF_CHAT)
    assert len(sends) == 30
    limit = desk.runtime.settings.staff_messages_per_minute
    assert limit == 18
    for early, late in zip(sends, sends[limit:], strict=False):
        assert late - early >= timedelta(minutes=1), (early, late)
    # The first minute's budget went out at once, the rest a minute later: paced, not slow.
    assert sends[limit - 1] == started
    assert sends[-1] - started == timedelta(minutes=1)


async def test_retry_after_pauses_sending_then_sends(desk: Desk) -> None:
    await linked(desk, "KM-1")
    desk.tg.fail_next("sendMessage", 429, retry_after=7, chat_id=STAFF_CHAT)
    ticket_id = await desk.file("KM-1")
    await desk.deliver()

    assert desk.card(ticket_id)
    first, second = desk.times("SendMessage", STAFF_CHAT)
    assert second - first >= timedelta(seconds=7)
    [row] = await desk.rows(OutboxRow, OutboxRow.kind == "staff.ticket_new")
    assert row.status == "sent" and row.attempts == 0
    assert row.message_id == desk.card(ticket_id).message_id


async def test_a_shopper_who_blocked_the_bot_is_marked_unreachable(desk: Desk) -> None:
    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    desk.shopper.block()
    await desk.li.press("同意取消", desk.card(ticket_id))
    await desk.deliver()

    [row] = await desk.rows(OutboxRow, OutboxRow.kind == "customer.ticket_decided")
    assert row.status == "failed"
    assert row.last_error.startswith("unreachable")
    assert row.attempts == 1
    assert len(desk.tg.calls("sendMessage", chat_id=1001)) == 1  # tried once, never again


async def test_a_customer_without_telegram_is_skipped(desk: Desk) -> None:
    await desk.order("KM-1")  # never linked
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    await desk.li.press("协商换货", desk.card(ticket_id))
    await desk.deliver()
    [row] = await desk.rows(OutboxRow, OutboxRow.kind == "customer.ticket_decided")
    assert row.status == "skipped"


async def test_withdrawn_ticket_updates_the_card(desk: Desk) -> None:
    from domain.review import withdraw_ticket

    await linked(desk, "KM-1")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()
    order = await desk.shop.order("KM-1")
    async with desk.shop.session() as uow:
        assert await withdraw_ticket(
            uow,
            customer_id=order.customer_id,
            ticket_id=ticket_id,
            actor="tg:1001",
            now=desk.shop.clock.now(),
        )
    await desk.deliver()
    card = desk.card(ticket_id)
    assert "↩ 顾客已撤回申请" in card.content
    assert card.buttons == []
    notice = desk.group.last_message()
    assert notice.content == "↩ 顾客撤回了工单 #1(订单 KM-1),无需处理。"
    assert notice.data["reply_to_message"]["message_id"] == card.message_id


async def test_each_typed_reason_goes_to_the_prompt_it_answers(desk: Desk) -> None:
    await linked(desk, "KM-1")
    await linked(desk, "KM-2")
    first = await desk.file("KM-1")
    second = await desk.file("KM-2")
    await desk.deliver()
    await desk.li.press("❌ 拒绝", desk.card(first))
    await desk.li.press("其他(输入原因)", desk.card(first))
    first_prompt = desk.group.last_message()
    await desk.li.press("❌ 拒绝", desk.card(second))
    await desk.li.press("其他(输入原因)", desk.card(second))
    second_prompt = desk.group.last_message()

    # Talking without replying to a prompt decides nothing.
    await desk.li.send("稍等,我查一下", wait=False)
    await desk.li.expect_silence()
    await desk.li.send("第一单的原因", reply_to=first_prompt)
    await desk.li.send("第二单的原因", reply_to=second_prompt)

    notes = {row.id: (row.status, row.decision_note) for row in await desk.rows(TicketRow)}
    assert notes == {first: ("rejected", "第一单的原因"), second: ("rejected", "第二单的原因")}


async def test_a_ticket_prompt_and_a_refund_prompt_open_together_each_get_their_answer(
    desk: Desk,
) -> None:
    await linked(desk, "KM-1")
    await linked(desk, "KM-2")
    approved = await desk.file("KM-1")
    rejected = await desk.file("KM-2")
    await desk.deliver()
    await desk.li.press("✅ 同意取消", desk.card(approved))
    await desk.deliver()
    [refund_card] = [m for m in desk.group.messages() if m.content.startswith("💸 请退款")]
    await desk.li.press("❌ 拒绝", desk.card(rejected))
    await desk.li.press("其他(输入原因)", desk.card(rejected))
    ticket_prompt = desk.group.last_message()
    await desk.li.press("❌ 失败", refund_card)
    refund_prompt = desk.group.last_message()

    # The refund's reason is not taken for the ticket, and answering it keeps the other open.
    await desk.li.send("收款账户已冻结", reply_to=refund_prompt)
    [refund] = await desk.rows(RefundRow)
    assert (refund.status, refund.failure_reason) == ("failed", "收款账户已冻结")
    [open_ticket] = await desk.rows(TicketRow, TicketRow.id == rejected)
    assert open_ticket.status == "open"
    await desk.li.send("卡密已被使用", reply_to=ticket_prompt)
    [closed] = await desk.rows(TicketRow, TicketRow.id == rejected)
    assert (closed.status, closed.decision_note) == ("rejected", "卡密已被使用")


async def test_ticket_command_with_a_superscript_digit_gets_the_usage_hint(desk: Desk) -> None:
    await desk.li.send("/ticket ²")
    assert "/ticket" in desk.li.last_text()
