"""Cancelling an order: taps, facts on every message, and exactly one cancellation."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from domain.orders import Coupon, CouponStatus, OrderStatus, PaymentChannel
from storage.tables import AuditRow, CouponRow, RefundRow
from tests.e2e.conftest import Shop
from tests.fakebot import FakeTelegram


async def refunds_for(shop: Shop, order_no: str) -> list[tuple[int, str, str]]:
    """(amount in fen, channel, status) of each refund of the order."""
    order = await shop.order(order_no)
    async with shop.session() as uow:
        rows = await uow.session.execute(
            select(RefundRow.amount_fen, RefundRow.channel, RefundRow.status).where(
                RefundRow.order_id == order.id
            )
        )
        return [tuple(r) for r in rows]


async def test_recent_pending_order_cancels_in_three_taps(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-1001", status=OrderStatus.PENDING_PAYMENT, minutes_ago=2)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("/start")
    await user.press(r"KM-1001")  # tap 1: the order
    assert "可以直接取消" in user.last_text()
    assert "尚未支付,取消后无需退款" in user.last_text()
    await user.press("取消订单")  # tap 2
    assert "确认取消订单 KM-1001" in user.last_text()
    assert "无需退款" in user.last_text()
    await user.press("确认取消")  # tap 3

    assert "订单 KM-1001 已取消" in user.last_text()
    assert "无需退款" in user.last_text()
    assert (await shop.order("KM-1001")).status is OrderStatus.CANCELLED
    assert await refunds_for(shop, "KM-1001") == []


async def test_paid_order_cancel_names_amount_route_date_and_coupon(
    shop: Shop, tg: FakeTelegram
) -> None:
    coupon = Coupon("CP-8", "满50减8", 800, returnable_on_cancel=True)
    await shop.add_order("KM-2002", price_fen=5000, coupon=coupon, channel=PaymentChannel.WECHAT)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("/cancel KM-2002")  # straight to the confirmation
    confirm = user.last_text()
    assert "确认取消订单 KM-2002" in confirm
    assert "¥42.00 原路退回微信" in confirm
    assert "11月27日(周五) 至 12月1日(周二)" in confirm
    assert "优惠券「满50减8」将退回" in confirm
    await user.press("确认取消")

    done = user.last_text()
    assert "订单 KM-2002 已取消" in done
    assert "退款 ¥42.00 已申请,原路退回微信,预计 12月1日(周二) 前到账" in done
    assert "优惠券「满50减8」已退回" in done
    refunds = await refunds_for(shop, "KM-2002")
    assert refunds == [(4200, "wechat", "requested")]
    async with shop.session() as uow:
        coupon_status = await uow.session.scalar(
            select(CouponRow.status).where(CouponRow.code == "CP-8")
        )
        audit = await uow.session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "order.cancelled")
        )
    assert coupon_status == CouponStatus.AVAILABLE.value
    assert audit == 1


async def test_reason_is_asked_after_success_and_recorded_once(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-3003", status=OrderStatus.PENDING_PAYMENT)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-3003")
    await user.press("确认取消")
    # A mistaken cancel can be undone from right here (FAQ 3).
    assert user.buttons() == ["重复下单", "信息填错", "不想要了", "其他", "↩ 恢复订单"]
    order = await shop.order("KM-3003")
    await user.press("重复下单")
    assert "已记录取消原因:重复下单" in user.last_text()
    assert "订单 KM-3003 已取消" in user.last_text()
    assert user.buttons() == ["↩ 恢复订单"]
    # A second tap from another device's copy of the old buttons changes nothing.
    await user.press_data(f"rs:{order.id}:other")
    async with shop.session() as uow:
        reasons = await uow.session.scalars(
            select(AuditRow.detail).where(AuditRow.action == "order.cancel_reason")
        )
        assert list(reasons) == [{"reason": "duplicate"}]


async def test_double_press_and_two_devices_cancel_exactly_once(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-4004", price_fen=1000)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-4004")
    confirmation = user.last_message()

    await asyncio.gather(
        user.press("确认取消", message=confirmation, wait=False),
        user.press("确认取消", message=confirmation, wait=False),
    )
    await user.settle()
    await tg.idle()

    assert (await shop.order("KM-4004")).status is OrderStatus.CANCELLED
    assert len(await refunds_for(shop, "KM-4004")) == 1
    async with shop.session() as uow:
        cancelled = await uow.session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "order.cancelled")
        )
    assert cancelled == 1
    # The message keeps the success, its refund date and the reason question; the second
    # press only gets a short notice.
    shown = tg.message(user.chat_id, confirmation.message_id)
    assert shown is not None
    assert "✅ 订单 KM-4004 已取消。" in shown.content
    assert "预计" in shown.content and "前到账" in shown.content
    assert "已经取消过了" not in shown.content
    assert shown.buttons == ["重复下单", "信息填错", "不想要了", "其他", "↩ 恢复订单"]
    assert user.toasts().count("已经取消好了,不用再按。") == 1


async def test_stale_card_shows_the_current_state(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-5005")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-5005")
    stale = user.last_message()
    # Meanwhile the shop starts delivering the card key.
    await shop.add_order("KM-5005", status=OrderStatus.DELIVERING)
    await user.press("确认取消", message=stale)
    assert "现在不能直接取消" in user.last_text()
    assert "申请取消" in " ".join(user.buttons())
    assert (await shop.order("KM-5005")).status is OrderStatus.DELIVERING


async def test_another_customers_order_and_forged_data_are_refused(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-6006", customer="C0002", name="李四")
    await shop.add_order("KM-6007")
    await shop.link("C0001", 1001)
    theirs = await shop.order("KM-6006")
    user = tg.user(1001)
    await user.send("/start")
    before = len(user.messages())

    await user.press_data(f"od:y:{theirs.id}")
    assert "不属于您的账号" in user.alerts()[-1]
    await user.press_data("od:y:not-a-number")
    await user.press_data("od:zz:1")
    assert len(user.messages()) == before  # nothing shown
    assert (await shop.order("KM-6006")).status is OrderStatus.PAID
    async with shop.session() as uow:
        refused = list(
            await uow.session.scalars(
                select(AuditRow.detail).where(AuditRow.action == "press.refused")
            )
        )
    assert {"why": "cancel_not_owned"} in refused
    assert all("6006" not in str(d) and "1001" not in str(d) for d in refused)


async def test_search_by_number_name_and_other_customers_number(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-7001", product="原神 创世结晶 6480")
    await shop.add_order("KM-7002", product="王者荣耀 60点券")
    await shop.add_order("KM-7003", product="王者荣耀 300点券")
    await shop.add_order("KM-7009", customer="C0002", name="李四", product="王者荣耀 60点券")
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("KM-7001")
    assert "订单 KM-7001" in user.last_text() and "原神" in user.last_text()
    await user.send("王者荣耀")
    assert "共 2 笔" in user.last_text()
    assert not any("KM-7009" in b for b in user.buttons())
    await user.send("KM-7009")
    assert "没有找到订单号 KM-7009" in user.last_text()
    await user.send("不存在的商品")
    assert "没有找到包含「不存在的商品」的订单" in user.last_text()


async def test_status_tabs_and_pages(shop: Shop, tg: FakeTelegram) -> None:
    for i in range(7):
        await shop.add_order(f"KM-8{i:03d}", minutes_ago=i + 1)
    await shop.add_order("KM-8999", status=OrderStatus.PENDING_PAYMENT, minutes_ago=100)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/orders")
    assert "共 8 笔,第 1/2 页" in user.last_text()
    assert sum("KM-8" in b for b in user.buttons()) == 5
    await user.press("下一页")
    assert "第 2/2 页" in user.last_text()
    assert sum("KM-8" in b for b in user.buttons()) == 3
    await user.press("待支付")
    assert "共 1 笔" in user.last_text()
    assert any("KM-8999" in b for b in user.buttons())


async def test_unlinked_user_cannot_list_or_press(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-9009")
    order = await shop.order("KM-9009")
    stranger = tg.user(5005)
    await stranger.send("/orders")
    assert "还没有关联" in stranger.last_text()
    await stranger.send("KM-9009")
    assert "还没有关联" in stranger.last_text()
    await stranger.press_data(f"od:y:{order.id}")
    assert "请先关联" in stranger.alerts()[-1]
    assert (await shop.order("KM-9009")).status is OrderStatus.PAID


async def test_english_cancel_flow(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-1111", channel=PaymentChannel.ALIPAY, price_fen=1999)
    await shop.link("C0001", 1001)
    user = tg.user(1001, language_code="en")
    await user.send("/cancel KM-1111")
    assert "¥19.99 goes back to your Alipay" in user.last_text()
    await user.press("Yes, cancel it")
    assert "Order KM-1111 is cancelled" in user.last_text()
    assert "expected by Tue 1 Dec" in user.last_text()


async def test_refunds_lists_each_refund_with_its_date(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-R1", price_fen=3000, channel=PaymentChannel.BANK_CARD)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/refunds")
    assert "没有退款记录" in user.last_text()
    await user.send("/cancel KM-R1")
    await user.press("确认取消")
    await user.send("/refunds")
    text = user.last_text()
    assert "订单 KM-R1" in text
    assert "退款 ¥30.00 已申请,原路退回银行卡,预计 12月3日(周四) 前到账" in text


async def test_every_button_refuses_another_customers_order(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-X1", customer="C0002", name="李四", status=OrderStatus.DELIVERING)
    await shop.add_order("KM-X2")
    await shop.link("C0001", 1001)
    theirs = await shop.order("KM-X1")
    user = tg.user(1001)
    await user.send("/start")
    before = len(user.messages())
    for action in ("o", "c", "y", "n", "a", "s"):
        await user.press_data(f"od:{action}:{theirs.id}")
        assert "不属于您的账号" in user.alerts()[-1], action
    await user.press_data(f"rs:{theirs.id}:other")
    assert len(user.messages()) == before
    assert all("KM-X1" not in text for text in user.texts())
    async with shop.session() as uow:
        refused = await uow.session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "press.refused")
        )
    assert refused == 7
    assert (await shop.order("KM-X1")).status is OrderStatus.DELIVERING


async def test_huge_or_malformed_ids_are_refused_politely(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-Y1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/start")
    before = len(user.messages())
    for data in ("od:o:9999999999999999999999999", "ls:all:99999999999", "rs:0:other", "sr:-1"):
        await user.press_data(data)
        assert "按钮已失效" in user.alerts()[-1], data
    assert len(user.messages()) == before


async def test_losing_confirm_shows_the_cancellation_not_an_error(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-Z1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-Z1")
    first = user.last_message()
    await user.send("/cancel KM-Z1")
    second = user.last_message()
    await asyncio.gather(
        user.press("确认取消", message=first, wait=False),
        user.press("确认取消", message=second, wait=False),
    )
    await tg.idle()
    texts = [m.text for m in (user.messages()[-2], user.messages()[-1])]
    assert sum("✅ 订单 KM-Z1 已取消。" in t for t in texts) == 1
    assert sum("已经取消过了" in t for t in texts) == 1
    assert not [a for a in user.alerts() if "出了点问题" in a]


async def test_fully_discounted_paid_order_says_nothing_to_refund(
    shop: Shop, tg: FakeTelegram
) -> None:
    coupon = Coupon("CP-FREE", "新人免单", 500, returnable_on_cancel=False)
    await shop.add_order("KM-F1", price_fen=500, coupon=coupon)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-F1")
    assert "实付 ¥0.00,取消后无需退款" in user.last_text()
    assert "尚未支付" not in user.last_text()


async def test_overlong_order_number_is_called_out(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-L1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("KM" + "1" * 200)
    assert "不是有效的订单号" in user.last_text()
    await user.send("/cancel KM" + "1" * 200)
    assert "不是有效的订单号" in user.last_text()


async def test_commands_for_another_bot_in_a_group_are_left_alone(
    shop: Shop, tg: FakeTelegram
) -> None:
    group = tg.group(-100555, "Players")
    member = tg.user(1001)
    group.add_member(member)
    actor = group.as_user(member)
    await actor.send("/orders@test_shop_bot")
    assert "私聊" in group.last_text()
    count = len(group.messages())
    await actor.send("/roll@dice_bot", wait=False)
    await actor.expect_silence()
    assert len(group.messages()) == count


async def test_order_numbers_typed_on_a_chinese_keyboard_are_understood(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-A1", status=OrderStatus.PENDING_PAYMENT)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    for typed in ("ＫＭ－Ａ１", "KM-A1。", "「KM-A1」", "km-a1,"):
        await user.send(typed)
        assert "🧾 订单 KM-A1" in user.last_text(), typed
    await user.send("/cancel KM-A1。")
    assert "确认取消订单 KM-A1" in user.last_text()
