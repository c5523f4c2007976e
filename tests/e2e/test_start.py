"""/start over the fake Bot API: linked shoppers see their orders, strangers learn how to link."""

from __future__ import annotations

from domain.orders import OrderStatus, ProductKind
from tests.e2e.conftest import Shop
from tests.fakebot import FakeTelegram


async def test_linked_shopper_sees_recent_orders_with_what_can_be_done(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT, minutes_ago=1)
    await shop.add_order(
        "KM-D1", status=OrderStatus.DELIVERED, activated=True, minutes_ago=5, price_fen=3000
    )
    await shop.add_order("KM-T1", status=OrderStatus.DELIVERING, kind=ProductKind.DIRECT_TOPUP)
    await shop.link("C0001", 1001)
    user = tg.user(1001, first_name="Zhang", language_code="zh-hans")

    await user.send("/start")

    text = user.last_text()
    assert "张三" in text and "共 3 笔" in text
    lines = text.splitlines()
    assert lines[2] == "✅ 可取消 KM-P1 · 王者荣耀 60点券 · ¥6.00 · 待支付"
    assert lines[3] == "⛔ 不可取消 KM-D1 · 王者荣耀 60点券 · ¥30.00 · 已发货"
    assert lines[4].startswith("📝 可申请取消 KM-T1")


async def test_stranger_is_told_how_to_link_and_sees_no_orders(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1")
    await shop.link("C0001", 1001)
    stranger = tg.user(2002, first_name="Li", language_code="zh")

    await stranger.send("/start")

    text = stranger.last_text()
    assert "还没有关联" in text and "关联链接" in text
    assert "KM-P1" not in text


async def test_english_speakers_get_english(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT)
    await shop.link("C0001", 1001)
    user = tg.user(1001, language_code="en-US")

    await user.send("/start")

    assert "✅ can cancel KM-P1" in user.last_text()
    assert "Awaiting payment" in user.last_text()


async def test_linked_shopper_without_orders_is_told_so(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-P1", customer="C0002", name="李四")
    await shop.add_order("KM-P2", customer="C0001")
    await shop.link("C0002", 1001)
    user = tg.user(1001)
    await user.send("/start")
    assert "李四" in user.last_text()
    assert "KM-P2" not in user.last_text()


async def test_unknown_text_and_stickers_get_a_helpful_answer(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = tg.user(3003)
    await user.send("你好")
    assert "/start" in user.last_text()
    await user.send_sticker()
    assert "/start" in user.last_text()


async def test_menu_commands_are_set_in_both_languages(shop: Shop, tg: FakeTelegram) -> None:
    calls = tg.calls("setMyCommands")
    languages = {c.params.get("language_code") for c in calls}
    assert languages == {None, "en"}
    assert all(
        [cmd["command"] for cmd in c.params["commands"]]
        == ["start", "orders", "cancel", "tickets", "refunds", "contact", "help", "lang", "unlink"]
        for c in calls
    )
