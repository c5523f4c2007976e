"""Coupons (FAQ 4), end to end: each coupon's rule and expiry on the confirmation and the
success, the shopper's request about a coupon that did not come back, and staff giving one
back by hand (``/coupon ORDER_NO return`` and the card's button), audited and told."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.orders import Coupon, CouponStatus, OrderStatus
from storage.tables import AuditRow, CouponRow, OutboxRow, TicketRow
from tests.e2e.test_staff_refunds import Desk, desk

__all__ = ["desk"]  # the staff group's fixture, shared with the refund cards' tests

#: 23:59:59 on 31 December in Shanghai.
END_OF_YEAR = datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)
RETURNABLE = Coupon("CP-R", "满50减8", 800, returnable_on_cancel=True, expires_at=END_OF_YEAR)
KEPT = Coupon("CP-K", "新人券", 500, returnable_on_cancel=False, expires_at=END_OF_YEAR)
ASK_COUPON = "🎟 优惠券没退回?请客服处理"


async def cancel(desk: Desk, order_no: str, coupon: Coupon) -> None:
    await desk.shop.add_order(order_no, price_fen=5000, coupon=coupon)
    await desk.shopper.send(f"/cancel {order_no}")
    await desk.shopper.press("确认取消")
    await desk.deliver()


async def coupon_status(desk: Desk, code: str) -> str:
    [row] = await desk.rows(CouponRow, CouponRow.code == code)
    return str(row.status)


async def test_the_coupons_rule_and_expiry_are_named_before_and_after_the_cancel(
    desk: Desk,
) -> None:
    await desk.shop.add_order("KM-C1", price_fen=5000, coupon=RETURNABLE)
    user = desk.shopper

    await user.send("/cancel KM-C1")
    assert (
        "🎟 优惠券「满50减8」将退回您的账户(此券规则:取消可退;有效期至 12月31日(周四))。"
        in user.last_text()
    )
    await user.press("确认取消")
    assert (
        "🎟 优惠券「满50减8」已退回您的账户(此券规则:取消可退;有效期至 12月31日(周四))。"
        in user.last_text()
    )

    await desk.shop.add_order("KM-C2", price_fen=5000, coupon=KEPT)
    await user.send("/cancel KM-C2")
    kept = "🎟 优惠券「新人券」按规则不退回(此券规则:取消不退;有效期至 12月31日(周四))。"
    assert kept in user.last_text()
    await user.press("确认取消")
    assert kept in user.last_text()


async def test_the_english_lines_name_the_rule_and_the_expiry_too(desk: Desk) -> None:
    await desk.shop.add_order("KM-C3", price_fen=5000, coupon=KEPT)
    user = desk.shopper
    await user.send("/lang")
    await user.press("English")

    await user.send("/cancel KM-C3")

    assert (
        "🎟 The coupon “新人券” is not returned, by its rules "
        "(rule: kept on cancel; valid until Thu 31 Dec)." in user.last_text()
    )


async def test_staff_give_a_kept_coupon_back_by_command_and_the_shopper_is_told(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-C4", KEPT)
    assert await coupon_status(desk, "CP-K") == CouponStatus.USED.value

    reply = await desk.li.send("/coupon KM-C4 return")

    assert desk.reply_to(reply) == (
        "🎟 已把订单 KM-C4 的优惠券「新人券」退回顾客账户(有效期至 12月31日(周四)),顾客已收到通知。"
    )
    assert await coupon_status(desk, "CP-K") == CouponStatus.AVAILABLE.value
    [returned] = await desk.rows(AuditRow, AuditRow.action == "coupon.returned_by_staff")
    assert returned.actor == "staff:9001" and returned.detail["coupon"] == "CP-K"
    await desk.deliver()
    assert (
        "🎟 客服已把订单 KM-C4 的优惠券「新人券」退回您的账户(有效期至 12月31日(周四))。"
        in desk.shopper.texts()
    )
    # The news ends in the order's own buttons: its history shows the coupon coming back.
    assert desk.shopper.buttons()[-2:] == ["🕓 记录", "⬅ 返回订单列表"]
    await desk.shopper.press("🕓 记录")
    assert "KM-C4" in desk.shopper.last_text()

    again = await desk.wang.send("/coupon KM-C4 退回")
    assert "没有被占用(已经退回或尚未使用),无需退回" in desk.reply_to(again)
    assert len(await desk.rows(AuditRow, AuditRow.action == "coupon.returned_by_staff")) == 1


async def test_the_coupon_command_refuses_bad_input_outsiders_and_live_orders(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-C5", KEPT)
    await desk.shop.add_order("KM-C6", price_fen=5000, coupon=RETURNABLE)  # still paid
    usage = "用法:/coupon 订单号 return(或 退回)"

    for typed in ("/coupon", "/coupon KM-C5", "/coupon KM-C5 maybe", "/coupon a b c"):
        assert desk.reply_to(await desk.li.send(typed)).startswith(usage)
    unknown = await desk.li.send("/coupon KM-NOPE return")
    assert desk.reply_to(unknown) == "找不到订单 KM-NOPE。"
    live = await desk.li.send("/coupon KM-C6 return")
    assert "没有取消(当前「待发货」),优惠券仍用于这笔订单,不能退回" in desk.reply_to(live)
    outsider = await desk.outsider.send("/coupon KM-C5 return")
    assert desk.reply_to(outsider) == "⛔ 只有本店客服可以退回优惠券。"

    assert await coupon_status(desk, "CP-K") == CouponStatus.USED.value
    assert await coupon_status(desk, "CP-R") == CouponStatus.USED.value
    [refused] = await desk.rows(AuditRow, AuditRow.action == "coupon.return_refused")
    assert refused.actor == "tg:9100"
    assert await desk.rows(OutboxRow, OutboxRow.kind == "customer.coupon_returned") == []


async def test_a_shopper_asks_about_a_kept_coupon_and_staff_approve_the_request(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-C7", KEPT)
    user = desk.shopper

    await user.send("KM-C7")
    assert ASK_COUPON in user.buttons()
    await user.press(ASK_COUPON)
    assert "🎟 申请退回订单 KM-C7 的优惠券" in user.last_text()
    assert user.buttons() == ["优惠券未退回", "其他", "⬅ 返回(退出申请)"]
    await user.press("优惠券未退回")
    await user.press("⏭ 跳过(不发截图)")
    await user.press("✅ 提交申请")
    [ticket] = await desk.rows(TicketRow)
    assert (ticket.kind, ticket.reason) == ("coupon", "coupon_missing")
    await desk.deliver()

    card = desk.group.last_message()
    assert card.content.startswith(f"🆕 工单 #{ticket.id} · 优惠券未退回")
    assert card.buttons == ["✅ 退回优惠券", "❌ 拒绝"]
    await desk.li.press("✅ 退回优惠券", card)
    await desk.deliver()

    assert await coupon_status(desk, "CP-K") == CouponStatus.AVAILABLE.value
    [returned] = await desk.rows(AuditRow, AuditRow.action == "coupon.returned_by_staff")
    assert returned.detail["ticket"] == ticket.id
    texts = user.texts()
    assert any(
        "✅ 您对订单 KM-C7 的优惠券申请已通过:优惠券「新人券」已退回您的账户。" in t for t in texts
    )
    # The shopper's card no longer offers the request: the coupon is back.
    await user.send("KM-C7")
    assert ASK_COUPON not in user.buttons()


async def test_the_coupon_request_opens_by_command_and_only_for_a_kept_coupon(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-C8", KEPT)
    await cancel(desk, "KM-C9", RETURNABLE)
    user = desk.shopper

    await user.send("/coupon KM-C8")
    assert "🎟 申请退回订单 KM-C8 的优惠券" in user.last_text()
    await user.send("/coupon KM-C9")
    assert "ℹ️ 订单 KM-C9 没有需要客服退回的优惠券" in user.last_text()
    await user.send("/coupon")
    assert user.last_text().startswith("发送 /coupon 订单号 申请客服退回已取消订单的优惠券")
    await user.send("/coupon KM-NONE")
    assert "没有找到订单号 KM-NONE" in user.last_text()


async def test_the_return_button_on_a_tickets_card_gives_the_coupon_back(desk: Desk) -> None:
    await cancel(desk, "KM-C10", KEPT)
    user = desk.shopper
    desk.shop.clock.advance(minutes=40)  # past the window: the restore goes to staff
    await user.send("KM-C10")
    await user.press("📝 申请客服恢复订单")
    await user.press("误操作取消")
    await user.press("⏭ 跳过(不发截图)")
    await user.press("✅ 提交申请")
    await desk.deliver()
    card = desk.group.last_message()
    assert card.buttons == ["✅ 同意恢复", "❌ 拒绝", "🎟 退回优惠券「新人券」"]

    refused = await desk.outsider.press("🎟 退回优惠券「新人券」", card)
    assert refused is not None and refused.show_alert
    assert refused.text == "⛔ 只有本店客服可以退回优惠券。"
    answer = await desk.li.press("🎟 退回优惠券「新人券」", card)

    assert answer is not None and not answer.show_alert
    assert answer.text is not None and answer.text.startswith("🎟 已把订单 KM-C10 的优惠券")
    assert await coupon_status(desk, "CP-K") == CouponStatus.AVAILABLE.value
    shown = desk.tg.message(card.chat_id, card.message_id)
    assert shown is not None and shown.buttons == ["✅ 同意恢复", "❌ 拒绝"]
    assert (await desk.shop.order("KM-C10")).status is OrderStatus.CANCELLED


async def test_a_coupon_the_cancel_gave_back_and_spent_again_is_not_returned_twice(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-C20", RETURNABLE)
    assert await coupon_status(desk, "CP-R") == CouponStatus.AVAILABLE.value
    # The shopper spends it on their next order.
    await desk.shop.add_order("KM-C21", price_fen=5000, coupon=RETURNABLE)
    assert await coupon_status(desk, "CP-R") == CouponStatus.USED.value

    reply = await desk.li.send("/coupon KM-C20 return")

    assert "已经退回或尚未使用" in desk.reply_to(reply)
    assert await coupon_status(desk, "CP-R") == CouponStatus.USED.value
    assert await desk.rows(AuditRow, AuditRow.action == "coupon.returned_by_staff") == []
