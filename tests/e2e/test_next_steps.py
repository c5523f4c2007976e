"""No answer is a dead end: every refusal, error and finished step ends in the one button
that acts on it, and pressing that button leads somewhere useful."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import update

from domain.notifications import CancelDelayed, Kind
from domain.orders import OrderStatus
from domain.ports import Notification
from storage.tables import OrderRow
from tests.e2e.conftest import Shop
from tests.fakebot import FakeTelegram, FakeUser

MY_ORDERS = "📋 查看我的订单"
MY_CANCELLED = "🗂 查看已取消的订单"
CONTACT = "💬 联系客服"
HELP = "❓ 帮助"

#: Where each button lands: a words of the screen it opens.
LANDS = {
    MY_ORDERS: "📋 我的订单 · 全部",
    MY_CANCELLED: "📋 我的订单 · 已取消",
    CONTACT: "请问您想咨询哪个订单",
    HELP: "常见问题",
}


async def linked(shop: Shop, tg: FakeTelegram) -> FakeUser:
    """A shopper with one order to pick, cancelled or not."""
    await shop.add_order("KM-P1", status=OrderStatus.PAID)
    await shop.add_order("KM-X1", status=OrderStatus.CANCELLED)
    await shop.link("C0001", 1001)
    return tg.user(1001)


@dataclass(frozen=True)
class Refusal:
    says: str
    button: str


LONG = "KM" + "9" * 70

REFUSALS: dict[str, tuple[str, Refusal]] = {
    "an unknown number to /contact": (
        "/contact KM-UNKNOWN",
        Refusal("没有找到订单号 KM-UNKNOWN", CONTACT),
    ),
    "an overlong number to /contact": (f"/contact {LONG}", Refusal("用法:/contact", CONTACT)),
    "an unknown number to /cancel": (
        "/cancel KM-UNKNOWN",
        Refusal("没有找到订单号 KM-UNKNOWN", MY_ORDERS),
    ),
    "an overlong number to /cancel": (f"/cancel {LONG}", Refusal("不是有效的订单号", MY_ORDERS)),
    "an unknown number to /apply": (
        "/apply KM-UNKNOWN",
        Refusal("没有找到订单号 KM-UNKNOWN", MY_ORDERS),
    ),
    "/apply without a number": ("/apply", Refusal("发送 /apply 订单号", MY_ORDERS)),
    "an unknown number to /restore": (
        "/restore KM-UNKNOWN",
        Refusal("没有找到订单号 KM-UNKNOWN", MY_CANCELLED),
    ),
    "/restore without a number": ("/restore", Refusal("发送 /restore 订单号", MY_CANCELLED)),
    "an unknown number to /coupon": (
        "/coupon KM-UNKNOWN",
        Refusal("没有找到订单号 KM-UNKNOWN", MY_CANCELLED),
    ),
    "/coupon without a number": ("/coupon", Refusal("发送 /coupon 订单号", MY_CANCELLED)),
    "blank text (full-width spaces)": ("\u3000\u3000", Refusal("请发送订单号", MY_ORDERS)),
    "only punctuation": ("。。。", Refusal("请发送订单号", MY_ORDERS)),
    "an overlong number as text": (LONG, Refusal("不是有效的订单号", MY_ORDERS)),
    "/tickets with no application": ("/tickets", Refusal("您还没有提交过取消申请", MY_ORDERS)),
    "/refunds with no refund": ("/refunds", Refusal("您目前没有退款记录", MY_ORDERS)),
}


@pytest.mark.parametrize(("sent", "refusal"), REFUSALS.values(), ids=REFUSALS.keys())
async def test_a_refusal_ends_in_the_button_that_acts_on_it(
    shop: Shop, tg: FakeTelegram, sent: str, refusal: Refusal
) -> None:
    user = await linked(shop, tg)

    await user.send(sent)

    assert refusal.says in user.last_text()
    assert user.buttons() == [refusal.button]
    await user.press(refusal.button)
    assert LANDS[refusal.button] in user.last_text()


async def test_the_order_list_from_a_refusal_opens_the_order_to_act_on(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = await linked(shop, tg)
    await user.send("/cancel KM-P2")  # a typo for KM-P1

    await user.press(MY_ORDERS)
    await user.press("KM-P1")

    assert "订单 KM-P1" in user.last_text()
    assert "❌ 取消订单" in user.buttons()


async def test_a_message_not_understood_ends_in_the_help_menu(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = await linked(shop, tg)

    await user.send_sticker()

    assert "没有看懂" in user.last_text()
    assert user.buttons() == [HELP]
    await user.press(HELP)
    assert LANDS[HELP] in user.last_text()
    assert MY_ORDERS in user.buttons() and CONTACT in user.buttons()


async def test_an_edited_message_ends_in_the_help_menu(shop: Shop, tg: FakeTelegram) -> None:
    user = await linked(shop, tg)
    sent = await user.send("KM-P1")

    await user.edit(sent, "KM-X1")

    assert "只处理新消息" in user.last_text()
    assert user.buttons() == [HELP]


async def test_a_screenshot_with_no_application_ends_in_the_orders(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = await linked(shop, tg)

    await user.send_photo(size=50_000)

    assert "没有正在填写的取消申请" in user.last_text()
    assert user.buttons() == [MY_ORDERS]
    await user.press(MY_ORDERS)
    assert any("KM-P1" in button for button in user.buttons())


# --------------------------------------------------------------------------- not linked


Unlinked = Callable[[FakeUser], Awaitable[object]]

UNLINKED: dict[str, tuple[Unlinked, str]] = {
    "/orders": (lambda user: user.send("/orders"), "还没有关联"),
    "/cancel KM-1": (lambda user: user.send("/cancel KM-1"), "还没有关联"),
    "/refunds": (lambda user: user.send("/refunds"), "还没有关联"),
    "/contact": (lambda user: user.send("/contact"), "还没有关联"),
    "/unlink": (lambda user: user.send("/unlink"), "无需解除"),
    "a search": (lambda user: user.send("王者荣耀"), "还没有关联"),
    "an unknown link": (lambda user: user.send("/start not-a-token"), "关联链接无效"),
}


@pytest.mark.parametrize(("act", "says"), UNLINKED.values(), ids=UNLINKED.keys())
async def test_a_shopper_not_linked_is_offered_to_link_with_their_phone(
    shop: Shop, tg: FakeTelegram, act: Unlinked, says: str
) -> None:
    user = tg.user(3003)

    await act(user)

    assert says in user.last_text()
    assert user.reply_keyboard() == ["📱 用手机号关联"]


# --------------------------------------------------------------------------- steps that end


async def test_leaving_an_application_ends_in_the_orders(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-D1", status=OrderStatus.DELIVERING)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/apply KM-D1")

    await user.press("⬅ 返回(退出申请)")

    assert "已退出申请" in user.last_text()
    assert user.buttons() == [MY_ORDERS]
    await user.press(MY_ORDERS)
    assert any("KM-D1" in button for button in user.buttons())


async def test_bare_cancel_during_an_application_ends_in_the_orders(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-D1", status=OrderStatus.DELIVERING)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/apply KM-D1")

    await user.send("/cancel")

    assert "已退出申请" in user.last_text()
    assert user.buttons() == [MY_ORDERS]


async def test_a_sticker_in_an_application_is_answered_with_the_steps_own_buttons(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-D1", status=OrderStatus.DELIVERING)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/apply KM-D1")
    reasons = user.buttons()

    await user.send_sticker()  # at the reason step

    assert "请点下方按钮选择原因" in user.last_text()
    assert user.buttons() == reasons
    await user.press("重复下单")
    await user.send_sticker()  # at the screenshots step
    assert "请发送截图" in user.last_text()
    assert user.buttons() == ["⏭ 跳过(不发截图)", "⬅ 返回(退出申请)"]
    await user.press("⏭ 跳过(不发截图)")
    await user.send_sticker()  # at the summary
    assert "请点下方按钮提交申请" in user.last_text()
    await user.press("✅ 提交申请")
    assert "已提交申请" in user.last_text()


async def test_withdrawing_an_application_ends_in_the_orders(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-D1", status=OrderStatus.DELIVERING)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/apply KM-D1")
    await user.press("重复下单")
    await user.press("⏭ 跳过(不发截图)")
    await user.press("✅ 提交申请")
    await user.press("撤回申请 #")

    await user.press("确认撤回")

    assert "已撤回申请" in user.last_text()
    assert user.buttons() == [MY_ORDERS]


async def test_a_reason_given_after_a_cancel_ends_in_the_orders(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-U1", status=OrderStatus.PENDING_PAYMENT, minutes_ago=2)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-U1")
    await user.press("确认取消")
    restorable = [b for b in user.buttons() if "恢复" in b]

    await user.press("不想要了")

    assert "已记录取消原因" in user.last_text()
    assert user.buttons() == (restorable or [MY_ORDERS])


# --------------------------------------------------------------------------- pushes


async def test_news_that_the_shop_is_slow_ends_in_the_orders_buttons(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = await linked(shop, tg)
    order = await shop.order("KM-P1")
    now = shop.clock.now()
    async with shop.session() as uow:
        # The shop has not answered this cancel for a while.
        await uow.session.execute(
            update(OrderRow).where(OrderRow.id == order.id).values(cancelling_since=now)
        )
        news = CancelDelayed(request_id=1, order_id=order.id, order_no="KM-P1", since=now)
        notification = Notification(
            Kind.CUSTOMER_CANCEL_DELAYED,
            "customer",
            "cancel-delayed:1",
            now,
            customer_id=order.customer_id,
            payload=news,
        )
        await uow.outbox.add(notification, now)
        await uow.commit()

    await shop.runtime.notifier.deliver_due()
    await tg.idle()

    assert "商城暂时还没有确认订单 KM-P1 的取消" in user.last_text()
    assert user.buttons()[-2:] == ["🕓 记录", "⬅ 返回订单列表"]
    await user.press("🕓 记录")
    assert "KM-P1" in user.last_text()
