"""Manual refunds in the staff group: the card, its buttons, typed reasons and /refund.

A shopper cancels a paid order through the bot; the notifier posts the refund's
card to the staff group like in production, and staff report back on it.
Customer pushes are another area's: here only the staff chat and the database
are checked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import Runtime
from domain.orders import PaymentChannel, Refund, RefundStatus
from domain.ports import FixedClock, RefundEvent
from domain.refund_desk import RefundCard
from domain.refunds import FollowUp, ask_staff_to_reinitiate, change_refund
from domain.refunds import RefundAction as ChangeAction
from handlers.callbacks import RefundButton, StaffRefundCb
from handlers.i18n import Translations
from handlers.staff.refund_views import failed_text, followup_text
from handlers.staff.refund_views import refund_card_view as card_view
from handlers.staff.refunds import parse_refund_args, refund_verbs
from storage.tables import AuditRow, OutboxRow, RefundEventRow, RefundRow
from tests.e2e.conftest import NOW, HandlerFailures, Shop, make_settings
from tests.e2e.test_staff import STAFF_CHAT, _virtual
from tests.fakebot import Actor, FakeGroup, FakeTelegram, FakeUser, StoredMessage

SUBMITTED = "📤 已提交"
ARRIVED = "✅ 已到账"
FAILED = "❌ 失败"
REINITIATE = "🔁 重新发起"


@dataclass
class Desk:
    shop: Shop
    tg: FakeTelegram
    group: FakeGroup
    shopper: FakeUser
    li: Actor  # staff 9001
    wang: Actor  # staff 9002
    outsider: Actor  # in the group, not staff

    async def unsent(self) -> int:
        return await self.shop.unsent()

    async def deliver(self) -> None:
        """Wake the notifier and wait until nothing due is left and the bot went quiet."""
        self.shop.runtime.notifier.wake()
        for _ in range(1000):
            if not await self.unsent():
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the outbox was not delivered")
        await self.tg.idle()

    async def cancel(self, order_no: str, channel: PaymentChannel = PaymentChannel.WECHAT) -> int:
        """The shopper cancels a paid order in the bot; returns the refund's id."""
        await self.shop.add_order(order_no, price_fen=4200, channel=channel)
        await self.shopper.send(f"/cancel {order_no}")
        await self.shopper.press("确认取消")
        assert f"订单 {order_no} 已取消" in self.shopper.last_text()
        [refund] = await self.rows(RefundRow)
        await self.deliver()
        return int(refund.id)

    def card(self, order_no: str = "KM-2002") -> StoredMessage:
        found = [m for m in self.group.messages() if f":订单 {order_no} · " in m.content]
        assert found, f"no refund card for {order_no}: {self.group.texts()}"
        return found[0]  # the notifier's card comes first; /refund N posts copies later

    def reply_to(self, message: StoredMessage) -> str:
        """The bot's answer to one message (alerts may arrive in the group after it)."""
        [found] = [
            m
            for m in self.group.messages()
            if m.data.get("reply_to_message", {}).get("message_id") == message.message_id
        ]
        return found.content

    async def rows(self, table: Any, *where: Any) -> list[Any]:
        async with self.shop.session() as uow:
            found = list(await uow.session.scalars(select(table).where(*where)))
            uow.session.expunge_all()
        return found

    async def refund(self) -> Any:
        [refund] = await self.rows(RefundRow)
        return refund

    async def events(self) -> list[tuple[str, str, int]]:
        rows = await self.rows(RefundEventRow)
        return [(r.action, r.actor, r.attempt) for r in sorted(rows, key=lambda r: r.id)]


@pytest.fixture
async def desk(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Desk]:
    failures = HandlerFailures()
    logging.getLogger("bot.factory").addHandler(failures)
    clock = FixedClock(NOW)
    runtime = Runtime(make_settings(tg, tmp_path), clock=clock, sleep=_virtual(clock))
    tg.track(runtime.dispatcher)
    group = tg.group(STAFF_CHAT, "客服组")
    actors = {}
    for user_id, name in {9001: "李客服", 9002: "王客服", 9100: "路人"}.items():
        user = tg.user(user_id, name)
        group.add_member(user)
        actors[user_id] = group.as_user(user)
    await runtime.prepare()
    polling = asyncio.create_task(runtime.poll(handle_signals=False))
    shop = Shop(runtime, clock)
    shopper = tg.user(1001, "张三")
    try:
        await shop.add_order("KM-0000")  # the customer exists before linking
        await shop.link("C0001", 1001)
        yield Desk(shop, tg, group, shopper, actors[9001], actors[9002], actors[9100])
    finally:
        await runtime.stop()
        await polling
        await runtime.close()
        logging.getLogger("bot.factory").removeHandler(failures)
    crashes = [r.exc_info[1] for r in failures.records if r.exc_info]
    assert not crashes, f"a handler crashed: {crashes!r}"


# --------------------------------------------------------------------------- the card


async def test_a_cancelled_wechat_order_puts_a_refund_card_with_buttons_in_the_staff_chat(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")

    assert len([m for m in desk.group.messages() if "订单 KM-2002" in m.content]) == 1
    card = desk.card()
    text = card.content
    assert text.startswith("💸 请退款:订单 KM-2002 · ¥42.00 · 原路退回微信")
    assert f"🔖 退款 #{refund_id} · 待提交 · 第 1 次" in text
    assert "👤 客户:张三" in text
    assert "📅 预计 11月27日(周五) 至 12月1日(周二) 到账" in text
    assert "· 11月26日(周四) 10:00 申请退款" in text
    assert card.buttons == [SUBMITTED, ARRIVED, FAILED]
    [row] = await desk.rows(OutboxRow, OutboxRow.kind == "staff.refund_requested")
    assert row.status == "sent" and row.message_id == card.message_id


async def test_submitted_edits_the_card_to_processing_and_records_who(desk: Desk) -> None:
    refund_id = await desk.cancel("KM-2002")
    card = desk.card()
    desk.shop.clock.advance(minutes=5)

    answer = await desk.li.press(SUBMITTED, card)
    assert answer is not None and answer.text == f"✅ 已标记退款 #{refund_id}:已提交"
    assert not answer.show_alert
    await desk.deliver()

    card = desk.card()
    assert card.content.startswith("⏳ 退款处理中:订单 KM-2002")
    assert f"🔖 退款 #{refund_id} · 已提交,处理中 · 第 1 次" in card.content
    assert "· 11月26日(周四) 10:05 已提交 · 李客服" in card.content
    assert card.buttons == [ARRIVED, FAILED]
    refund = await desk.refund()
    assert refund.status == RefundStatus.PROCESSING.value
    assert refund.submitted_at is not None
    assert await desk.events() == [("submit", "staff:9001", 1)]
    [audit] = await desk.rows(AuditRow, AuditRow.action == "refund.submit")
    assert audit.actor == "staff:9001"
    assert audit.detail["from"] == "requested" and audit.detail["to"] == "processing"


async def test_failed_asks_for_a_reason_and_the_reply_fails_it_with_a_reinitiate_alert(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")
    await desk.li.press(SUBMITTED, desk.card())
    await desk.deliver()

    await desk.li.press(FAILED, desk.card())
    prompt = desk.group.last_message()
    assert f"李客服,请直接回复本消息,输入退款 #{refund_id} 失败的原因" in prompt.content
    assert prompt.reply_markup == {"force_reply": True, "selective": True}
    assert desk.card().buttons == ["账户异常", "原路退回被拒", "银行卡已注销", "⬅ 返回"]

    # Talk in the group that does not answer the prompt changes nothing.
    await desk.wang.send("这笔我看看", wait=False)
    await desk.wang.expect_silence()
    assert (await desk.refund()).status == RefundStatus.PROCESSING.value

    reason = await desk.li.send("收款账户已冻结", reply_to=prompt)
    await desk.deliver()
    assert desk.reply_to(reason) == f"❌ 退款 #{refund_id} 已标记为失败,原因已告知顾客。"

    refund = await desk.refund()
    assert refund.status == RefundStatus.FAILED.value
    assert refund.failure_reason == "收款账户已冻结"
    card = desk.card()
    assert card.content.startswith("❌ 退款失败:订单 KM-2002")
    assert "❗ 失败原因:收款账户已冻结" in card.content
    assert card.buttons == [REINITIATE]
    [alert] = [m for m in desk.group.messages() if m.content.startswith(f"❌ 退款 #{refund_id}(")]
    assert "失败:收款账户已冻结" in alert.content
    assert "下一步:" in alert.content
    assert alert.data["reply_to_message"]["message_id"] == card.message_id
    assert alert.buttons == [REINITIATE]
    events = await desk.events()
    assert events == [("submit", "staff:9001", 1), ("fail", "staff:9001", 1)]
    [audit] = await desk.rows(AuditRow, AuditRow.action == "refund.fail")
    assert audit.detail["note"] == "收款账户已冻结"

    # Re-initiate from the alert: a new attempt with new dates, the card follows.
    desk.shop.clock.advance(days=1)
    answer = await desk.wang.press(REINITIATE, alert)
    assert answer is not None and answer.text == f"✅ 已标记退款 #{refund_id}:重新发起(第 2 次)"
    await desk.deliver()
    refund = await desk.refund()
    assert refund.status == RefundStatus.REQUESTED.value
    assert refund.attempt == 2
    assert refund.failure_reason is None
    assert refund.expected_latest.isoformat() == "2026-12-02"
    card = desk.card()
    assert f"🔖 退款 #{refund_id} · 待提交 · 第 2 次" in card.content
    assert "重新发起 · 王客服" in card.content
    assert card.buttons == [SUBMITTED, ARRIVED, FAILED]
    # The alert was about the first try: it keeps its text, the card takes over the buttons.
    assert desk.tg.message(STAFF_CHAT, alert.message_id).buttons == []  # type: ignore[union-attr]


async def test_a_preset_reason_fails_it_at_once_and_back_restores_the_buttons(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")
    card = desk.card()
    await desk.li.press(FAILED, card)
    await desk.li.press("⬅ 返回", card)
    assert desk.card().buttons == [SUBMITTED, ARRIVED, FAILED]
    assert (await desk.refund()).status == RefundStatus.REQUESTED.value

    await desk.li.press(FAILED, card)
    answer = await desk.li.press("银行卡已注销", card)
    assert answer is not None
    assert answer.text == f"✅ 已标记退款 #{refund_id}:失败,原因已告知顾客"
    await desk.deliver()
    refund = await desk.refund()
    assert refund.status == RefundStatus.FAILED.value
    assert refund.failure_reason == "银行卡已注销"
    assert desk.card().buttons == [REINITIATE]

    # The prompt left open by the first press now answers that it is done already.
    prompt = next(m for m in desk.group.messages() if "请直接回复本消息" in m.content)
    await desk.li.send("其他原因", reply_to=prompt)
    assert f"退款 #{refund_id} 已由 李客服 于 11月26日(周四) 10:00 标记为「失败」" in (
        desk.li.last_text()
    )
    assert len(await desk.events()) == 1


# --------------------------------------------------------------------------- /refund


async def test_refund_command_reports_and_shows_the_card(desk: Desk) -> None:
    refund_id = await desk.cancel("KM-2002")

    await desk.li.send(f"/refund {refund_id}")
    copy = desk.li.last_message()
    assert copy.content.startswith("💸 请退款:订单 KM-2002")
    assert copy.buttons == [SUBMITTED, ARRIVED, FAILED]
    await desk.li.send("/refund km-2002")  # the order's number, as typed
    assert desk.li.last_text().startswith("💸 请退款:订单 KM-2002")

    await desk.li.send("/refund KM-2002 已提交")
    assert desk.li.last_text() == f"✅ 已标记退款 #{refund_id}:已提交"
    await desk.li.send(f"/refund {refund_id} failed")
    assert desk.li.last_text().startswith("标记失败需要写明原因")
    await desk.li.send(f"/refund {refund_id} succeeded")
    assert desk.li.last_text() == f"✅ 已标记退款 #{refund_id}:已到账"
    await desk.deliver()

    refund = await desk.refund()
    assert refund.status == RefundStatus.SUCCEEDED.value
    assert refund.succeeded_at is not None
    card = desk.card()
    assert card.content.startswith("✅ 退款已到账:订单 KM-2002")
    assert card.buttons == []
    assert await desk.events() == [("submit", "staff:9001", 1), ("succeed", "staff:9001", 1)]

    await desk.li.send(f"/refund {refund_id} 失败 账户异常")
    assert desk.li.last_text() == (f"退款 #{refund_id} 当前状态为「已到账」,不能标记为「失败」。")
    await desk.li.send(f"/refund {refund_id} maybe")
    assert desk.li.last_text().startswith("用法:/refund")
    await desk.li.send("/refund")
    assert desk.li.last_text().startswith("用法:/refund")
    await desk.li.send("/refund 777 submitted")
    assert desk.li.last_text() == "找不到这笔退款。"
    await desk.li.send("/refund NOPE-1")
    assert desk.li.last_text() == "找不到这笔退款。"


async def test_refund_command_fails_with_a_typed_reason(desk: Desk) -> None:
    refund_id = await desk.cancel("KM-2002")
    typed = await desk.wang.send(f"/refund {refund_id} failed 原路退回被拒,需换卡")
    assert desk.reply_to(typed) == f"✅ 已标记退款 #{refund_id}:失败,原因已告知顾客"
    await desk.deliver()
    refund = await desk.refund()
    assert refund.failure_reason == "原路退回被拒,需换卡"
    assert desk.card().buttons == [REINITIATE]
    await desk.wang.send(f"/refund {refund_id} 重新发起")
    assert desk.wang.last_text() == f"✅ 已标记退款 #{refund_id}:重新发起(第 2 次)"
    assert (await desk.refund()).attempt == 2


# --------------------------------------------------------------------------- once, and only staff


async def test_a_double_press_counts_once_and_the_second_presser_is_told_who(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")
    card = desk.card()
    data = StaffRefundCb(action=RefundButton.SUBMITTED, refund_id=refund_id, attempt=1).pack()
    await desk.li.press_data(data, card, wait=False)
    await desk.wang.press_data(data, card, wait=False)
    await desk.li.settle()
    await desk.wang.settle()

    [(action, actor, attempt)] = await desk.events()
    assert (action, attempt) == ("submit", 1)
    winner, loser = (desk.li, desk.wang) if actor == "staff:9001" else (desk.wang, desk.li)
    assert winner.toasts() == [f"✅ 已标记退款 #{refund_id}:已提交"]
    assert loser.alerts() == [
        f"退款 #{refund_id} 已由 {winner.user.first_name} 于 11月26日(周四) 10:00 "
        "标记为「已提交」。"
    ]
    assert len(await desk.rows(AuditRow, AuditRow.action == "refund.submit")) == 1
    await desk.deliver()
    assert len(await desk.rows(OutboxRow, OutboxRow.kind == "staff.refund_updated")) == 1

    # A second re-initiate of the same failure is the first one's too.
    await desk.li.send(f"/refund {refund_id} failed 账户异常")
    await desk.li.send(f"/refund {refund_id} reinitiate")
    await desk.wang.send(f"/refund {refund_id} reinitiate")
    assert desk.wang.last_text() == (
        f"退款 #{refund_id} 已由 李客服 于 11月26日(周四) 10:00 标记为「重新发起」。"
    )
    assert (await desk.refund()).attempt == 2


async def test_a_non_staff_press_or_command_is_refused_audited_and_changes_nothing(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")
    card = desk.card()

    await desk.outsider.press(SUBMITTED, card)
    await desk.outsider.press(FAILED, card)
    await desk.outsider.send(f"/refund {refund_id} succeeded")
    assert desk.outsider.last_text() == "⛔ 只有本店客服可以处理退款。"
    await desk.outsider.send(f"/refund {refund_id}")
    assert desk.outsider.last_text() == "⛔ 只有本店客服可以处理退款。"

    assert desk.outsider.alerts() == ["⛔ 只有本店客服可以处理退款。"] * 2
    refused = await desk.rows(AuditRow, AuditRow.action == "refund.staff_refused")
    assert [r.actor for r in refused] == ["tg:9100"] * 4
    assert (await desk.refund()).status == RefundStatus.REQUESTED.value
    assert await desk.events() == []
    assert desk.card().buttons == [SUBMITTED, ARRIVED, FAILED]
    assert not [m for m in desk.group.messages() if "请直接回复本消息" in m.content]


async def test_forged_refund_ids_are_refused(desk: Desk) -> None:
    await desk.cancel("KM-2002")
    card = desk.card()
    forged = StaffRefundCb(action=RefundButton.SUCCEEDED, refund_id=99_999, attempt=1).pack()
    await desk.li.press_data(forged, card)
    assert desk.li.alerts() == ["找不到这笔退款。"]
    failed = StaffRefundCb(action=RefundButton.FAILED, refund_id=99_999, attempt=1).pack()
    await desk.li.press_data(failed, card)
    assert desk.li.alerts()[-1] == "找不到这笔退款。"
    await desk.li.press_data("sf:k:-3", card)  # fails to parse: the fallback refuses it
    assert len(desk.li.alerts()) == 3
    assert (await desk.refund()).status == RefundStatus.REQUESTED.value
    assert desk.card().buttons == [SUBMITTED, ARRIVED, FAILED]


async def test_a_balance_refund_needs_nothing_from_staff(desk: Desk) -> None:
    refund_id = await desk.cancel("KM-3003", PaymentChannel.BALANCE)
    assert not [m for m in desk.group.messages() if "KM-3003" in m.content]
    refund = await desk.refund()
    assert refund.status == RefundStatus.SUCCEEDED.value

    press = StaffRefundCb(action=RefundButton.SUBMITTED, refund_id=refund_id, attempt=1).pack()
    await desk.li.send("/queue")
    await desk.li.press_data(press, desk.li.last_message())
    notice = f"退款 #{refund_id} 退回顾客余额,已即时到账,无需处理。"
    assert desk.li.alerts() == [notice]
    await desk.li.send(f"/refund {refund_id} failed 账户异常")
    assert desk.li.last_text() == notice
    assert [e[0] for e in await desk.events()] == ["succeed"]
    await desk.li.send(f"/refund {refund_id}")
    card = desk.li.last_text()
    assert "店铺余额(自动)" in card and "gateway" not in card


async def test_a_button_from_before_a_re_initiation_does_not_move_the_new_try(desk: Desk) -> None:
    refund_id = await desk.cancel("KM-2002")
    await desk.li.send(f"/refund {refund_id} submitted")
    await desk.li.send(f"/refund {refund_id} failed 账户异常")
    await desk.li.send(f"/refund {refund_id} reinitiate")
    await desk.deliver()
    assert (await desk.refund()).attempt == 2

    # "Arrived" as it was on a follow-up message shown during the first try.
    old = StaffRefundCb(action=RefundButton.SUCCEEDED, refund_id=refund_id, attempt=1).pack()
    await desk.li.press_data(old, desk.card())
    refund = await desk.refund()
    assert (refund.status, refund.attempt) == (RefundStatus.REQUESTED.value, 2)
    assert [e[0] for e in await desk.events()] == ["submit", "fail", "reinitiate"]
    assert desk.li.alerts()[-1] == f"退款 #{refund_id} 当前状态为「待提交」,不能标记为「已到账」。"
    # "Submitted" from the first try: done then, not now; the presser is told the state now.
    old = StaffRefundCb(action=RefundButton.SUBMITTED, refund_id=refund_id, attempt=1).pack()
    await desk.li.press_data(old, desk.card())
    assert desk.li.alerts()[-1] == f"退款 #{refund_id} 当前状态为「待提交」,不能标记为「已提交」。"
    # The alert about the failed first try keeps its text and loses its buttons.
    [alert] = [m for m in desk.group.messages() if m.content.startswith(f"❌ 退款 #{refund_id}(")]
    await desk.li.press(REINITIATE, alert)
    pressed = desk.tg.message(STAFF_CHAT, alert.message_id)
    assert pressed is not None and pressed.buttons == []


async def test_a_failure_alert_sent_after_the_refund_was_started_again_has_no_buttons(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")
    await desk.deliver()
    async with desk.shop.session() as uow:
        for action, reason in ((ChangeAction.FAIL, "账户异常"), (ChangeAction.REINITIATE, None)):
            await change_refund(
                uow,
                refund_id,
                action,
                actor="staff:9002",
                rules=desk.shop.runtime.rules,
                now=desk.shop.clock.now(),
                reason=reason,
            )
    await desk.deliver()  # the alert goes out only now, after the re-initiation

    [alert] = [m for m in desk.group.messages() if m.content.startswith(f"❌ 退款 #{refund_id}(")]
    assert alert.buttons == []
    assert desk.card().buttons == [SUBMITTED, ARRIVED, FAILED]


# --------------------------------------------------------------------------- follow-ups


async def test_a_shoppers_request_to_reinitiate_reaches_staff_with_the_button(
    desk: Desk,
) -> None:
    refund_id = await desk.cancel("KM-2002")
    await desk.li.send(f"/refund {refund_id} failed 账户异常")
    await desk.deliver()
    customer_id = (await desk.shop.order("KM-2002")).customer_id
    async with desk.shop.session() as uow:
        await ask_staff_to_reinitiate(
            uow, customer_id, refund_id, actor="tg:1001", now=desk.shop.clock.now()
        )
    await desk.deliver()

    [ask] = [m for m in desk.group.messages() if m.content.startswith("🙋 顾客请求重新发起")]
    assert f"退款 #{refund_id}(订单 KM-2002 · ¥42.00 · 微信)" in ask.content
    assert "失败原因:账户异常" in ask.content
    assert ask.data["reply_to_message"]["message_id"] == desk.card().message_id
    assert ask.buttons == [REINITIATE]
    await desk.li.press(REINITIATE, ask)
    assert (await desk.refund()).attempt == 2


async def test_a_deleted_card_is_posted_again_and_followed_from_then_on(desk: Desk) -> None:
    refund_id = await desk.cancel("KM-2002")
    first = desk.card()
    await desk.shop.runtime.bot.delete_message(STAFF_CHAT, first.message_id)

    await desk.li.send(f"/refund {refund_id} submitted")
    await desk.deliver()
    [second] = [m for m in desk.group.messages() if m.content.startswith("⏳ 退款处理中")]
    assert second.buttons == [ARRIVED, FAILED]

    await desk.li.send(f"/refund {refund_id} succeeded")
    await desk.deliver()
    cards = [m for m in desk.group.messages() if ":订单 KM-2002 · " in m.content]
    assert [m.message_id for m in cards] == [second.message_id]
    assert cards[0].content.startswith("✅ 退款已到账")


# --------------------------------------------------------------------------- wording


def test_the_card_and_alerts_read_in_english_when_the_shop_speaks_english() -> None:
    t = Translations("en").get(None)
    refund = Refund(
        id=4,
        order_id=1,
        order_no="KM-9",
        amount_fen=1250,
        channel=PaymentChannel.ALIPAY,
        status=RefundStatus.FAILED,
        expected_earliest=NOW.date(),
        expected_latest=NOW.date(),
        created_at=NOW,
        updated_at=NOW,
        customer_id=1,
        failure_reason="Account problem",
    )
    event = RefundEvent(
        4,
        "fail:4:1",
        "fail",
        RefundStatus.REQUESTED,
        RefundStatus.FAILED,
        1,
        "staff:9001",
        NOW,
        "Account problem",
    )
    card = RefundCard(refund, "Ann", (event,), 7)
    text, markup = card_view(t, card, ZoneInfo("Asia/Shanghai"), {9001: "Li"})
    assert text.startswith("❌ Refund failed: order KM-9 · ¥12.50 · back to Alipay")
    assert "🔖 Refund #4 · failed · attempt 1" in text
    assert "refund requested" in text and "failed (Account problem) · Li" in text
    assert markup is not None
    assert [b.text for row in markup.inline_keyboard for b in row] == ["🔁 Re-initiate"]
    alert = failed_text(t, refund, "Account problem")
    asked = followup_text(t, refund, FollowUp.ASKED)
    for shown in (text, alert, asked):
        assert "staff-refund" not in shown
    assert "Next:" in alert
    assert asked.startswith("🙋 The customer asks to re-initiate refund #4")


def test_refund_verbs_in_both_languages(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="handlers.i18n")
    verbs = refund_verbs(Translations("zh"))
    assert [r.getMessage() for r in caplog.records] == []  # every verb has its words
    assert {change for _, change in verbs} == {
        ChangeAction.SUBMIT,
        ChangeAction.SUCCEED,
        ChangeAction.FAIL,
        ChangeAction.REINITIATE,
    }
    parsed = parse_refund_args("KM-1 失败:银行卡已注销", verbs)
    assert parsed is not None and parsed[1:] == (ChangeAction.FAIL, "银行卡已注销")
    assert parse_refund_args("12 Submitted", verbs) == ("12", ChangeAction.SUBMIT, None)
    assert parse_refund_args("12 arrived", verbs) == ("12", ChangeAction.SUCCEED, None)
    assert parse_refund_args("12 failedx", verbs) is None
    assert parse_refund_args("12 submitted now", verbs) is None
    assert parse_refund_args("", verbs) is None
