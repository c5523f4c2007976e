"""/help and the ❓ menu: each of the article's common problems answered in a few lines,
ending in the one button that acts on it."""

from __future__ import annotations

from domain.orders import Coupon, OrderStatus
from tests.e2e.conftest import Shop
from tests.fakebot import FakeTelegram


async def test_help_lists_the_common_questions_and_the_orders(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = tg.user(1001)

    await user.send("/help")

    assert "我可以帮您" in user.last_text()
    assert "/contact" in user.last_text() and "/restore" in user.last_text()
    assert user.buttons() == [
        "❓ 为什么我的订单不能取消?",
        "❓ 各个订单状态是什么意思?",
        "❓ 退款没到账怎么办?",
        "❓ 误取消了订单,能恢复吗?",
        "❓ 取消后优惠券没退回怎么办?",
        "❓ 申请取消要审核多久?",
        "📋 查看我的订单",
        "💬 联系客服",
    ]


async def test_help_reaches_a_person_about_an_order_or_anything_else(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-S1", status=OrderStatus.DELIVERED)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/help")

    await user.press("💬 联系客服")

    assert "请问您想咨询哪个订单" in user.last_text()
    assert any("KM-S1" in b for b in user.buttons())
    assert "💬 其他问题(不涉及具体订单)" in user.buttons()


async def test_the_home_screen_opens_help(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-P1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/start")

    await user.press("❓ 帮助")

    assert "常见问题" in user.last_text()


async def test_why_not_answer_opens_my_orders(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-D1", status=OrderStatus.DELIVERED, activated=True)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/help")

    await user.press("为什么我的订单不能取消")

    text = user.last_text()
    assert "客服 1–2 个工作日内审核" in text and "已激活的卡密无法取消" in text
    assert user.buttons() == ["📋 查看我的订单", "⬅ 返回帮助"]
    await user.press("📋 查看我的订单")
    assert "我的订单" in user.last_text()
    assert any("KM-D1" in b for b in user.buttons())


async def test_status_answer_names_every_tab(shop: Shop, tg: FakeTelegram) -> None:
    user = tg.user(1001)
    await user.send("/help")

    await user.press("各个订单状态")

    for status in ("待支付", "待发货", "发货中", "已发货", "已完成", "已取消", "取消确认中"):
        assert status in user.last_text()
    await user.press("⬅ 返回帮助")
    assert "常见问题" in user.last_text()


async def test_refund_answer_says_what_the_bill_means_and_opens_my_refunds(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-R1", status=OrderStatus.PAID, price_fen=1200)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-R1")
    await user.press("确认取消")
    await user.send("/help")

    await user.press("退款没到账")

    text = user.last_text()
    assert "微信、支付宝 1–3 个工作日,银行卡 3–5 个工作日" in text
    assert "「退款中」" in text and "「退款失败」" in text
    await user.press("💰 查看我的退款")
    assert "KM-R1" in user.last_text() and "¥12.00" in user.last_text()


async def test_review_answer_opens_my_applications(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-T1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/help")

    await user.press("申请取消要审核多久")

    assert "1–2 个工作日内审核" in user.last_text()
    await user.press("📝 查看我的申请")
    assert "还没有提交过取消申请" in user.last_text()


async def test_help_in_english(shop: Shop, tg: FakeTelegram) -> None:
    user = tg.user(1001, language_code="en")
    await user.send("/help")

    await user.press("My refund has not arrived")

    assert '"refund failed"' in user.last_text()
    assert user.buttons() == ["💰 My refunds", "⬅ Back to help"]


async def test_a_stranger_reads_help_and_is_told_to_link_before_opening_anything(
    shop: Shop, tg: FakeTelegram
) -> None:
    stranger = tg.user(2002)
    await stranger.send("/help")
    await stranger.press("退款没到账")
    assert "「退款中」" in stranger.last_text()

    answer = await stranger.press("💰 查看我的退款")

    assert answer is not None and "关联" in (answer.text or "")


async def test_restore_answer_offers_to_restore_the_order_just_cancelled(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-R1", status=OrderStatus.PAID, price_fen=900)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-R1")
    await user.press("确认取消")
    await user.send("/help")

    await user.press("误取消了订单")

    assert "取消后 30 分钟内" in user.last_text()
    assert user.buttons() == ["↩ 恢复订单 KM-R1", "⬅ 返回帮助"]
    await user.press("↩ 恢复订单 KM-R1")
    assert "确认恢复订单 KM-R1" in user.last_text()


async def test_restore_answer_after_the_window_offers_to_ask_staff(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-R2", status=OrderStatus.PAID)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-R2")
    await user.press("确认取消")
    shop.clock.advance(minutes=31)
    await user.send("/help")

    await user.press("误取消了订单")

    assert user.buttons() == ["📝 请客服恢复订单 KM-R2", "⬅ 返回帮助"]


async def test_coupon_answer_opens_a_staff_request_about_the_kept_coupon(
    shop: Shop, tg: FakeTelegram
) -> None:
    kept = Coupon("CP-K", "新人券", 100, returnable_on_cancel=False)
    await shop.add_order("KM-C1", status=OrderStatus.PAID, coupon=kept)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-C1")
    await user.press("确认取消")
    await user.send("/help")

    await user.press("优惠券没退回")

    assert "「取消可退」" in user.last_text()
    await user.press("🎟 KM-C1:请客服处理优惠券")
    assert "🎟 申请退回订单 KM-C1 的优惠券" in user.last_text()


async def test_answers_about_a_cancelled_order_without_one_open_the_cancelled_tab(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PAID)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/help")

    await user.press("优惠券没退回")

    assert user.buttons() == ["🗂 查看已取消的订单", "⬅ 返回帮助"]
    await user.press("🗂 查看已取消的订单")
    assert "已取消" in user.last_text()
