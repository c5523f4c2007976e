"""Restoring a mistaken cancel (FAQ 3), end to end: the shopper's 恢复订单 within the window,
the card's one line and staff request outside it, the refund withdrawn (and the staff's
card told), a balance credit taken back, a second cancel that refunds once, and the race
with staff pushing the refund out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.incoming import save_order
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    RefundStatus,
)
from domain.services import OrderRecord
from storage.tables import AuditRow, CouponRow, RefundRow, TicketRow, WalletEntryRow
from tests.e2e.test_staff_refunds import ARRIVED, FAILED, SUBMITTED, Desk, desk

__all__ = ["desk"]  # the staff group's fixture, shared with the refund cards' tests

RESTORE = "↩ 恢复订单"
CONFIRM = "✅ 确认恢复"
ASK_STAFF = "📝 申请客服恢复订单"


async def cancel(desk: Desk, order_no: str, **kwargs: object) -> None:
    """The shopper cancels a paid order in the bot, and the staff card goes out."""
    kwargs.setdefault("price_fen", 4200)
    await desk.shop.add_order(order_no, **kwargs)  # type: ignore[arg-type]
    await desk.shopper.send(f"/cancel {order_no}")
    await desk.shopper.press("确认取消")
    assert f"订单 {order_no} 已取消" in desk.shopper.last_text()
    await desk.deliver()


async def refund_row(desk: Desk, order_no: str) -> RefundRow:
    order = await desk.shop.order(order_no)
    [row] = await desk.rows(RefundRow, RefundRow.order_id == order.id)
    return row


async def coupon_status(desk: Desk, code: str) -> str:
    [row] = await desk.rows(CouponRow, CouponRow.code == code)
    return str(row.status)


async def audit(desk: Desk, action: str) -> list[AuditRow]:
    return await desk.rows(AuditRow, AuditRow.action == action)


# --------------------------------------------------------------------------- inside the window


async def test_a_mistaken_cancel_is_restored_with_its_refund_and_coupon_withdrawn(
    desk: Desk,
) -> None:
    coupon = Coupon("CP-8", "满50减8", 800, returnable_on_cancel=True)
    await cancel(desk, "KM-R1", price_fen=5000, coupon=coupon)
    assert await coupon_status(desk, "CP-8") == CouponStatus.AVAILABLE.value
    staff_card = desk.card("KM-R1")
    assert staff_card.buttons == [SUBMITTED, ARRIVED, FAILED]
    user = desk.shopper
    desk.shop.clock.advance(minutes=10)

    await user.send("KM-R1")
    card = user.last_text()
    assert "↩ 误操作取消了?11月26日(周四) 10:30 前可以自己恢复订单。" in card
    assert RESTORE in user.buttons()
    await user.press(RESTORE)
    confirm = user.last_text()
    assert "❓ 确认恢复订单 KM-R1?" in confirm
    assert "📦 订单将恢复为「待发货」,按原订单继续处理。" in confirm
    assert "💰 已申请的退款 ¥42.00(原路退回微信)将撤回,不再退款。" in confirm
    assert "🎟 优惠券「满50减8」将重新用于这笔订单(从您的账户中扣回)。" in confirm
    assert "⏱ 请在 11月26日(周四) 10:30 前确认。" in confirm
    assert user.buttons() == [CONFIRM, "↩ 不恢复"]
    await user.press(CONFIRM)

    done = user.last_text()
    assert "✅ 订单 KM-R1 已恢复为「待发货」。" in done
    assert "💰 退款 ¥42.00 已撤回,不会再退款。" in done
    assert "🎟 优惠券「满50减8」已重新用于这笔订单。" in done
    assert "❌ 取消订单" in user.buttons()  # the order as it is now: it can be cancelled
    order = await desk.shop.order("KM-R1")
    assert order.status is OrderStatus.PAID and order.cancelled_at is None
    assert (await refund_row(desk, "KM-R1")).status == RefundStatus.VOIDED.value
    assert await coupon_status(desk, "CP-8") == CouponStatus.USED.value
    [restored] = await audit(desk, "order.restored")
    assert restored.actor == "tg:1001"
    assert restored.detail["to"] == "paid" and restored.detail["refund_fen"] == 4200
    assert restored.detail["coupon"] == "taken"

    # Staff's card stops offering "submitted": the refund is owed to nobody any more.
    await desk.deliver()
    staff_card = desk.card("KM-R1")
    assert staff_card.content.startswith("↩ 退款已撤回,无需退款:订单 KM-R1 · ¥42.00")
    assert "撤回(订单已恢复) · 顾客" in staff_card.content
    assert staff_card.buttons == []


async def test_the_keep_button_leaves_the_order_cancelled(desk: Desk) -> None:
    await cancel(desk, "KM-R2")
    user = desk.shopper
    await user.press(RESTORE)  # on the cancel's own success message
    answer = await user.press("↩ 不恢复")
    assert answer is not None and answer.text == "好的,订单 KM-R2 保持已取消。"
    assert (await desk.shop.order("KM-R2")).status is OrderStatus.CANCELLED
    assert (await refund_row(desk, "KM-R2")).status == RefundStatus.REQUESTED.value


async def test_a_balance_refund_is_taken_back_from_the_balance(desk: Desk) -> None:
    await cancel(desk, "KM-R3", channel=PaymentChannel.BALANCE)
    user = desk.shopper
    assert "💰 ¥42.00 已退回您的余额。" in user.last_text()

    await user.press(RESTORE)
    assert "💰 已退回您余额的 ¥42.00 将从余额中扣回。" in user.last_text()
    await user.press(CONFIRM)

    assert "💰 ¥42.00 已从您的余额中扣回。" in user.last_text()
    entries = await desk.rows(WalletEntryRow)
    assert sorted(e.amount_fen for e in entries) == [-4200, 4200]
    assert (await refund_row(desk, "KM-R3")).status == RefundStatus.VOIDED.value


async def test_cancelling_again_after_a_restore_refunds_once_on_a_new_staff_card(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-R4")
    user = desk.shopper
    await user.press(RESTORE)
    await user.press(CONFIRM)
    await desk.deliver()
    desk.shop.clock.advance(minutes=2)

    await user.press("❌ 取消订单")
    await user.press("确认取消")
    assert "订单 KM-R4 已取消" in user.last_text()
    assert "退款 ¥42.00 已申请" in user.last_text()
    await desk.deliver()

    refund = await refund_row(desk, "KM-R4")  # still the one refund of the order
    assert (refund.status, refund.attempt) == (RefundStatus.REQUESTED.value, 2)
    cards = [m for m in desk.group.messages() if ":订单 KM-R4 · " in m.content]
    assert [c.content.split(":")[0] for c in cards] == ["↩ 退款已撤回,无需退款", "💸 请退款"]
    assert cards[1].buttons == [SUBMITTED, ARRIVED, FAILED]
    assert "第 2 次" in cards[1].content
    # Staff push the new try out from the new card: one refund, the one still owed.
    await desk.li.press(SUBMITTED, cards[1])
    assert (await refund_row(desk, "KM-R4")).status == RefundStatus.PROCESSING.value
    assert len(await audit(desk, "order.cancelled")) == 2


async def test_a_balance_order_cancelled_restored_and_cancelled_is_credited_once(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-R5", channel=PaymentChannel.BALANCE)
    user = desk.shopper
    await user.press(RESTORE)
    await user.press(CONFIRM)
    await user.press("❌ 取消订单")
    await user.press("确认取消")

    assert "💰 ¥42.00 已退回您的余额。" in user.last_text()
    entries = await desk.rows(WalletEntryRow)
    assert sum(e.amount_fen for e in entries) == 4200
    assert len(entries) == 3  # credited, taken back, credited again


async def test_an_unpaid_order_simply_goes_back_to_pending(desk: Desk) -> None:
    await desk.shop.add_order("KM-R6", status=OrderStatus.PENDING_PAYMENT)
    user = desk.shopper
    await user.send("/cancel KM-R6")
    await user.press("确认取消")
    await user.press(RESTORE)
    assert "💰 这笔订单没有需要撤回的退款。" in user.last_text()
    await user.press(CONFIRM)
    assert "✅ 订单 KM-R6 已恢复为「待支付」。" in user.last_text()
    assert (await desk.shop.order("KM-R6")).status is OrderStatus.PENDING_PAYMENT


async def test_an_expired_coupon_is_named_before_confirming_and_stays_on_the_order(
    desk: Desk,
) -> None:
    expires = desk.shop.clock.now() + timedelta(minutes=5)
    coupon = Coupon("CP-X", "限时券", 500, returnable_on_cancel=True, expires_at=expires)
    await cancel(desk, "KM-R7", coupon=coupon)
    user = desk.shopper
    desk.shop.clock.advance(minutes=10)  # the coupon expired meanwhile

    await user.send("/restore KM-R7")
    confirm = user.last_text()
    assert "🎟 优惠券「限时券」已过期:恢复后它仍留在这笔订单上,订单价格不变。" in confirm
    assert "您不会有损失" in confirm
    await user.press(CONFIRM)

    assert "🎟 已过期的优惠券「限时券」仍留在这笔订单上。" in user.last_text()
    assert await coupon_status(desk, "CP-X") == CouponStatus.USED.value


async def test_a_coupon_spent_on_another_order_since_sends_the_restore_to_staff(
    desk: Desk,
) -> None:
    coupon = Coupon("CP-Y", "满50减8", 800, returnable_on_cancel=True)
    await cancel(desk, "KM-R8", price_fen=5000, coupon=coupon)
    # The coupon came back and was spent on a new order in the shop.
    await desk.shop.add_order("KM-R9", price_fen=5000, coupon=coupon)
    user = desk.shopper

    await user.send("/restore KM-R8")
    text = user.last_text()
    assert "ℹ️ 订单 KM-R8 现在不能自己恢复。" in text
    assert "退回的优惠券「满50减8」已用在其他订单上,恢复会重复计算优惠,需要客服处理。" in text
    assert ASK_STAFF in user.buttons()
    assert (await desk.shop.order("KM-R8")).status is OrderStatus.CANCELLED


async def test_a_coupon_spent_after_the_confirmation_asks_again_before_acting(
    desk: Desk,
) -> None:
    coupon = Coupon("CP-Z", "满50减8", 800, returnable_on_cancel=True)
    await cancel(desk, "KM-R10", price_fen=5000, coupon=coupon)
    user = desk.shopper
    await user.press(RESTORE)
    confirmation = user.last_message()
    await desk.shop.add_order("KM-R11", price_fen=5000, coupon=coupon)

    await user.press(CONFIRM, confirmation)

    assert "已用在其他订单上" in user.last_text()
    assert (await desk.shop.order("KM-R10")).status is OrderStatus.CANCELLED
    assert (await refund_row(desk, "KM-R10")).status == RefundStatus.REQUESTED.value
    assert await audit(desk, "order.restored") == []


# --------------------------------------------------------------------------- outside it


async def test_after_the_window_the_card_says_why_and_a_staff_request_restores_it(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-W1")
    user = desk.shopper
    desk.shop.clock.advance(minutes=31)

    await user.send("KM-W1")
    card = user.last_text()
    assert "↩ 取消已超过 30 分钟,不能自己恢复;如需恢复,可以申请客服处理。" in card
    assert RESTORE not in user.buttons()
    await user.press(ASK_STAFF)
    intro = user.last_text()
    assert "📝 申请恢复订单 KM-W1" in intro
    assert user.buttons() == ["误操作取消", "其他", "⬅ 返回(退出申请)"]
    await user.press("误操作取消")
    await user.press("⏭ 跳过(不发截图)")
    await user.press("✅ 提交申请")
    assert "已提交申请" in user.last_text()
    [ticket] = await desk.rows(TicketRow)
    assert ticket.kind == "restore" and ticket.reason == "mistaken"
    await desk.deliver()

    staff_card = desk.group.last_message()
    assert staff_card.content.startswith(f"🆕 工单 #{ticket.id} · 申请恢复订单")
    assert "↩ 同意后:订单恢复为「待发货」,退款 ¥42.00 撤回。" in staff_card.content
    assert staff_card.buttons == ["✅ 同意恢复", "❌ 拒绝"]
    answer = await desk.li.press("✅ 同意恢复", staff_card)
    assert answer is not None and "已恢复订单" in (answer.text or "")
    await desk.deliver()

    assert (await desk.shop.order("KM-W1")).status is OrderStatus.PAID
    assert (await refund_row(desk, "KM-W1")).status == RefundStatus.VOIDED.value
    [restored] = await audit(desk, "order.restored")
    assert restored.actor == "staff:9001" and restored.detail["ticket"] == ticket.id
    assert any(
        "✅ 您对订单 KM-W1 的恢复申请已通过,订单已恢复为「待发货」,退款已撤回。" in text
        for text in user.texts()
    )


async def test_a_cancel_by_staff_cannot_be_restored_by_the_shopper(desk: Desk) -> None:
    await desk.shop.add_order("KM-W2", status=OrderStatus.CANCELLED)  # the shop cancelled it
    user = desk.shopper

    await user.send("/restore KM-W2")

    text = user.last_text()
    assert "↩ 这笔订单由客服或商城取消,不能自己恢复;如需恢复,可以申请客服处理。" in text
    assert ASK_STAFF in user.buttons()


async def test_after_delivery_nobody_restores_it_in_the_bot(desk: Desk) -> None:
    placed = desk.shop.clock.now() - timedelta(minutes=30)
    record = OrderRecord(
        customer=Customer(id=0, code="C0001", name="张三"),
        product=Product("SKU-D", "原神 月卡", ProductKind.DIRECT_TOPUP, 3000),
        order=Order(
            id=0,
            order_no="KM-W3",
            customer_id=0,
            product_name="原神 月卡",
            product_kind=ProductKind.DIRECT_TOPUP,
            quantity=1,
            unit_price_fen=3000,
            amount_paid_fen=3000,
            status=OrderStatus.CANCELLED,
            payment_channel=PaymentChannel.WECHAT,
            placed_at=placed,
            paid_at=placed,
            delivered_at=placed,
            cancelled_at=placed,
        ),
    )
    async with desk.shop.session() as uow:
        await save_order(uow, record, desk.shop.clock.now())
        await uow.commit()
    user = desk.shopper

    await user.send("KM-W3")
    assert "↩ 商品已发出,订单不能自己恢复;如有疑问,可以申请客服处理。" in user.last_text()
    await user.press(ASK_STAFF)
    await user.press("误操作取消")
    await user.press("⏭ 跳过(不发截图)")
    await user.press("✅ 提交申请")
    await desk.deliver()

    staff_card = desk.group.last_message()
    assert "⚠️ 不能自动恢复订单 KM-W3:订单显示已发货" in staff_card.content
    answer = await desk.li.press("✅ 同意恢复", staff_card)
    assert answer is not None and answer.show_alert
    assert "不能自动恢复订单 KM-W3" in (answer.text or "")
    assert (await desk.shop.order("KM-W3")).status is OrderStatus.CANCELLED
    [ticket] = await desk.rows(TicketRow)
    assert ticket.status == "open"  # staff reject it with what they did by hand


async def test_after_the_refund_was_submitted_the_card_says_so(desk: Desk) -> None:
    await cancel(desk, "KM-W4")
    await desk.li.press(SUBMITTED, desk.card("KM-W4"))
    user = desk.shopper

    await user.send("KM-W4")

    text = user.last_text()
    assert "↩ 退款已提交到微信,不能自己恢复;如需恢复,可以申请客服人工处理。" in text
    assert RESTORE not in user.buttons() and ASK_STAFF in user.buttons()


# --------------------------------------------------------------------------- the race


async def test_staff_submitting_first_makes_the_restore_too_late(desk: Desk) -> None:
    await cancel(desk, "KM-X1")
    user = desk.shopper
    await user.press(RESTORE)
    confirmation = user.last_message()
    await desk.li.press(SUBMITTED, desk.card("KM-X1"))  # staff push it out meanwhile

    await user.press(CONFIRM, confirmation)

    shown = desk.tg.message(user.chat_id, confirmation.message_id)
    assert shown is not None
    text = shown.content
    assert "⚠️ 来晚了一步:订单 KM-X1 的退款刚刚已提交到微信,不能自己恢复了。" in text
    assert ASK_STAFF in shown.buttons
    assert (await desk.shop.order("KM-X1")).status is OrderStatus.CANCELLED
    assert (await refund_row(desk, "KM-X1")).status == RefundStatus.PROCESSING.value
    assert await audit(desk, "order.restored") == []


async def test_a_restore_first_makes_the_staff_press_find_nothing_to_refund(
    desk: Desk,
) -> None:
    await cancel(desk, "KM-X2")
    card = desk.card("KM-X2")
    refund = await refund_row(desk, "KM-X2")
    user = desk.shopper
    await user.press(RESTORE)
    await user.press(CONFIRM)

    # The card's old button, pressed before its edit arrives.
    answer = await desk.li.press_data(f"sf:s:{refund.id}:1", card)

    assert answer is not None and answer.show_alert
    assert (
        answer.text
        == f"↩ 退款 #{refund.id} 已撤回:订单 KM-X2 已恢复,无需退款。请不要在支付平台退款。"
    )
    assert (await refund_row(desk, "KM-X2")).status == RefundStatus.VOIDED.value
    async with desk.shop.session() as uow:
        submits = await uow.session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "refund.submit")
        )
    assert submits == 0


# --------------------------------------------------------------------------- presses


async def test_another_shoppers_restore_press_is_refused_politely(desk: Desk) -> None:
    await cancel(desk, "KM-Y1")
    order = await desk.shop.order("KM-Y1")
    await desk.shop.add_order("KM-Y0", customer="C0002", name="李四")
    await desk.shop.link("C0002", 1002)
    other = desk.tg.user(1002, "李四")
    await other.send("/start")

    answer = await other.press_data(f"rt:y:{order.id}:none")

    assert answer is not None and answer.show_alert
    assert answer.text == "找不到这个订单,或它不属于您的账号。"
    assert (await desk.shop.order("KM-Y1")).status is OrderStatus.CANCELLED
    refused = await audit(desk, "press.refused")
    assert refused and refused[-1].detail == {"why": "restore_not_owned"}


async def test_a_forged_restore_press_is_answered_and_changes_nothing(desk: Desk) -> None:
    await cancel(desk, "KM-Y2")
    user = desk.shopper
    answer = await user.press_data("rt:y:notanumber")
    assert answer is not None and answer.text  # the fallback's polite refusal
    assert (await desk.shop.order("KM-Y2")).status is OrderStatus.CANCELLED


async def test_a_double_tap_on_confirm_restores_once(desk: Desk) -> None:
    await cancel(desk, "KM-Y3")
    user = desk.shopper
    await user.press(RESTORE)
    confirmation = user.last_message()
    _, button = user.find_button(CONFIRM, confirmation)
    await user.press(CONFIRM, confirmation)
    restored = user.last_text()

    answer = await user.press_data(button["callback_data"], confirmation)

    assert answer is not None and answer.text == "已经恢复好了,不用再按。"
    assert desk.tg.message(user.chat_id, confirmation.message_id).content == restored  # type: ignore[union-attr]
    assert len(await audit(desk, "order.restored")) == 1
