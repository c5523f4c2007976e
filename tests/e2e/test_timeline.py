"""🕓 记录 over the fake Bot API: an order's history as the shopper and as staff see it.

The order's application is rejected, filed again and approved, and its refund pushed out
and arrived; the shopper lives in Berlin, so their times are Berlin's.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from domain.orders import Coupon, ProductKind
from domain.ports import FixedClock
from handlers.callbacks import OrderAction, OrderCb
from storage.tables import AuditRow, CustomerRow
from tests.e2e.test_staff import Desk, open_desk, photo
from tests.fakebot import FakeTelegram, StoredMessage

#: Thursday 2026-11-26 10:00 in Shanghai is 03:00 in Berlin.
BERLIN = "Europe/Berlin"


def at(clock: FixedClock, moment: datetime) -> None:
    """Move the shared clock forward to ``moment`` (the notifier's pacing only adds to it)."""
    assert moment >= clock.current
    clock.current = moment


def refund_card(desk: Desk, order_no: str) -> StoredMessage:
    """The refund's card, whatever its title says now (it follows every change)."""
    return next(m for m in desk.group.messages() if f":订单 {order_no} · " in m.content)


async def story(desk: Desk) -> datetime:
    """KM-7: filed, rejected, filed again, approved, refunded. Returns when it started."""
    clock = desk.shop.clock
    start = clock.now()
    coupon = Coupon("CP-7", "满6减1", 100, returnable_on_cancel=True)
    await desk.order("KM-7", kind=ProductKind.CARD_KEY, price_fen=700, coupon=coupon)
    await desk.shop.link("C0001", 1001)
    async with desk.shop.session() as uow:
        await uow.session.execute(update(CustomerRow).values(timezone=BERLIN))
        await uow.commit()

    first = await desk.file("KM-7", evidence=(photo(desk.tg),))
    await desk.deliver()
    at(clock, start + timedelta(minutes=30))
    await desk.li.press("❌ 拒绝", desk.card(first))
    await desk.li.press("凭证不足", desk.card(first))

    at(clock, start + timedelta(hours=2))
    second = await desk.file("KM-7", text="我真的没有用过")
    await desk.deliver()
    at(clock, start + timedelta(hours=3))
    await desk.li.press("同意取消", desk.card(second))
    await desk.deliver()

    at(clock, start + timedelta(hours=4))
    await desk.wang.press("已提交", refund_card(desk, "KM-7"))
    at(clock, start + timedelta(days=1, hours=2))
    await desk.wang.press("已到账", refund_card(desk, "KM-7"))
    await desk.deliver()
    return start


async def test_the_shopper_reads_the_orders_history_in_plain_words_and_their_own_time(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await story(desk)
        shopper = desk.shopper
        await shopper.send("KM-7")
        # Staff cancelled it (an approved application): restoring is a request to them.
        assert shopper.buttons() == ["📝 申请客服恢复订单", "🕓 记录", "⬅ 返回订单列表"]
        await shopper.press("🕓 记录")

        text = shopper.last_text()
        lines = text.splitlines()
        assert lines[:3] == ["🕓 订单 KM-7 的记录", "商品:王者荣耀 60点券", ""]
        # Oldest first, in Berlin's time (Shanghai's 10:00 is Berlin's 03:00).
        assert lines[3:] == [
            "11月26日 02:50 您下单了(¥6.00)",
            "11月26日 02:50 支付成功:¥6.00 · 微信",
            "11月26日 02:50 卡密已发放",
            "11月26日 03:00 您申请核查卡密是否已激活(原因:未使用卡密)",
            "11月26日 03:30 审核未通过:凭证不足",
            "11月26日 05:00 您申请核查卡密是否已激活(原因:未使用卡密)",
            "11月26日 06:00 审核通过",
            "11月26日 06:00 订单已取消(申请已通过)",
            "11月26日 06:00 优惠券「满6减1」已退回",
            "11月26日 06:00 退款 ¥6.00 已申请,将原路退回微信",
            "11月26日 07:00 退款已提交到微信",
            "11月27日 05:00 退款 ¥6.00 已到账(微信)",
        ]
        # No ids, no staff, no codes of how the shop works inside.
        assert not re.search(r"#\d|900[12]|staff|tg:|李客服|王客服|我真的没有用过", text)
        assert shopper.buttons() == ["⬅ 返回订单"]

        await shopper.press("⬅ 返回订单")
        assert shopper.last_text().startswith("🧾 订单 KM-7")
        assert "🕓 记录" in shopper.buttons()


async def test_staff_see_the_same_history_with_who_did_it_and_the_notes(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await story(desk)
        await desk.li.send("/order KM-7")
        text = desk.li.last_text()
        lines = text.splitlines()
        start = lines.index("🕘 记录:")
        history = lines[start + 1 :]
        # Staff read the shop's time (Shanghai), who did each step, and the notes.
        assert history[:4] == [
            "11月26日(周四) 09:50 · 下单(¥6.00) · 顾客",
            "11月26日(周四) 09:50 · 支付成功:¥6.00 · 微信 · 顾客",
            "11月26日(周四) 09:50 · 卡密已发放 · 商城",
            "11月26日(周四) 10:00 · 提交工单:卡密激活核查(原因:未使用卡密) · 顾客",
        ]
        assert "　└ 卡密还没用过" in history
        assert "11月26日(周四) 10:30 · 拒绝申请:凭证不足 · 客服 李客服(9001)" in history
        assert "　└ 我真的没有用过" in history
        assert history[-8:] == [
            "11月26日(周四) 13:00 · 同意取消 · 客服 李客服(9001)",
            "11月26日(周四) 13:00 · 订单已取消 · 客服 李客服(9001)",
            "11月26日(周四) 13:00 · 优惠券「满6减1」已退回 · 客服 李客服(9001)",
            "11月26日(周四) 13:00 · 退款 ¥6.00 已申请,将原路退回微信 · 系统",
            # Asked once after the rejection; the approval the same day is the same story.
            "11月26日(周四) 13:00 · 未邀请评价(近期已就本单邀请过) · 系统",
            "11月26日(周四) 14:00 · 退款已提交到微信 · 客服 王客服(9002)",
            "11月27日(周五) 12:00 · 退款 ¥6.00 已到账(微信) · 客服 王客服(9002)",
            "11月27日(周五) 12:00 · 已邀请顾客评价 · 系统",
        ]
        assert "11月26日(周四) 10:30 · 已邀请顾客评价 · 系统" in history


async def test_another_shoppers_history_press_is_refused_and_audited(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await desk.order("KM-7")
        await desk.shop.add_order("KM-8", customer="C0002", name="李四")
        await desk.shop.link("C0001", 1001)
        await desk.shop.link("C0002", 1002)
        theirs = await desk.shop.order("KM-7")
        other = tg.user(1002, "李四")
        await other.send("KM-8")
        forged = OrderCb(action=OrderAction.TIMELINE, order_id=theirs.id).pack()
        answer = await other.press_data(forged)
        assert answer is not None and answer.show_alert
        assert "KM-7" not in other.last_text()
        assert other.last_text().startswith("🧾 订单 KM-8")
        rows = await desk.rows(AuditRow, AuditRow.action == "press.refused")
        assert [r.detail["why"] for r in rows] == ["timeline_not_owned"]
