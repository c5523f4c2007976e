"""A shopper's presses through the real routers, answered in process."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Chat, Message, Update, User

from domain.orders import OrderStatus
from handlers.staff.callbacks import StaffTicketAction, StaffTicketCb
from tests.handlers.conftest import Harness


async def order_status(harness: Harness, order_no: str) -> OrderStatus:
    async with harness.uows() as uow:
        order = await uow.orders.by_number(order_no)
    assert order is not None
    return order.status


async def test_start_lists_the_linked_shoppers_recent_orders(harness: Harness) -> None:
    shopper = harness.shopper()
    await shopper.send("/start")
    text = shopper.last_text()
    assert "张三" in text
    assert "DEMO-0001" in text


async def test_pending_order_cancels_in_three_taps(harness: Harness) -> None:
    shopper = harness.shopper()
    await shopper.send("/start")
    await shopper.press("DEMO-0001")
    await shopper.press("取消订单")
    assert "确认取消" in shopper.last_text()
    await shopper.press("确认取消")
    assert "已取消" in shopper.last_text()
    assert await order_status(harness, "DEMO-0001") is OrderStatus.CANCELLED
    # Every press was answered, once.
    assert len(shopper.answers()) == 3


async def test_a_stranger_is_told_how_to_link_and_sees_no_orders(harness: Harness) -> None:
    stranger = harness.shopper(4242, first_name="Lee", language_code="en")
    await stranger.send("/start")
    text = stranger.last_text()
    assert "DEMO-0001" not in text
    assert "link" in text.lower()


async def test_a_forged_button_gets_an_alert_and_changes_nothing(harness: Harness) -> None:
    shopper = harness.shopper()
    await shopper.send("/orders")
    before = await order_status(harness, "DEMO-0002")
    query = CallbackQuery(
        id="forged",
        from_user=User(id=shopper.user_id, is_bot=False, first_name="张三"),
        chat_instance="ci",
        message=Message(
            message_id=1, date=harness.clock.now(), chat=Chat(id=shopper.chat_id, type="private")
        ),
        data="nonsense:1:2",
    )
    await harness.feed(Update(update_id=99_999, callback_query=query))
    answer = shopper.answers()[-1]
    assert answer.show_alert is True
    assert answer.text
    assert await order_status(harness, "DEMO-0002") is before


async def test_only_punctuation_or_spaces_asks_for_something_to_search_by(
    harness: Harness,
) -> None:
    shopper = harness.shopper()
    for text in ("？", "。。。", "\u3000\u3000", "!!!"):
        await shopper.send(text)
        reply = shopper.last_text()
        assert "订单号" in reply and "商品名称" in reply, text
        assert "「」" not in reply and "DEMO-0001" not in reply, text


async def test_a_staff_button_pressed_in_a_private_chat_says_where_it_works(
    harness: Harness,
) -> None:
    for user_id, name in ((1001, "张三"), (9001, "李客服")):  # a shopper; staff, unlinked
        person = harness.shopper(user_id, first_name=name)
        query = CallbackQuery(
            id=f"forwarded-{user_id}",
            from_user=User(id=user_id, is_bot=False, first_name=name),
            chat_instance="ci",
            message=Message(
                message_id=1, date=harness.clock.now(), chat=Chat(id=user_id, type="private")
            ),
            data=StaffTicketCb(action=StaffTicketAction.APPROVE, ticket_id=1).pack(),
        )

        await harness.feed(Update(update_id=90_000 + user_id, callback_query=query))

        answer = person.answers()[-1]
        assert answer.show_alert is True
        assert answer.text == "这是客服群里的按钮,只能在客服群中使用。"
