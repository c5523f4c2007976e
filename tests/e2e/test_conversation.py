"""Talking to staff over the fake Bot API: a case per order, its forum topic (or a card with
reply threading), messages relayed both ways through the outbox, closing and reopening,
saved replies, working hours, restarts and Telegram's limits.

The staff group's people are those of ``tests/e2e/test_staff.py``: 李客服 (9001) and
王客服 (9002) are staff, 路人 (9100) is a member who is not; the shopper is 张三 (1001).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.cases import CaseStatus
from domain.orders import OrderStatus, ProductKind, RefundAction
from handlers.callbacks import CaseAction, CaseCb, ContactAction, ContactCb
from storage.tables import AuditRow, CaseMessageRow, CaseRow, OutboxRow, SurveyRow
from tests.e2e.test_apply import delivering
from tests.e2e.test_refunds import cancelled, change
from tests.e2e.test_staff import STAFF_CHAT, Desk, open_desk
from tests.fakebot import Actor, FakeTelegram, FakeUser, StoredMessage

PARCEL = "KM-7001"


@contextlib.asynccontextmanager
async def forum_desk(tg: FakeTelegram, tmp_path: Path, **overrides: object) -> AsyncIterator[Desk]:
    """The staff group as a supergroup with topics."""
    tg.group(STAFF_CHAT, "客服组", forum=True)
    async with open_desk(tg, tmp_path, **overrides) as desk:
        yield desk


async def parcel(desk: Desk, order_no: str = PARCEL, *, customer: str = "C0001") -> None:
    """A physical order on its way to the shopper (已发货): only a return can undo it."""
    await desk.shop.add_order(
        order_no,
        customer=customer,
        name="张三" if customer == "C0001" else "李四",
        kind=ProductKind.PHYSICAL,
        status=OrderStatus.DELIVERING,
        product="机械键盘",
        price_fen=39900,
    )


async def linked_parcel(desk: Desk) -> FakeUser:
    await parcel(desk)
    await desk.shop.link("C0001", 1001)
    return desk.shopper


async def two_shoppers(desk: Desk) -> tuple[FakeUser, FakeUser]:
    """张三 (1001) with parcel KM-7001 and 李四 (1002) with parcel KM-7002."""
    zhang = await linked_parcel(desk)
    await parcel(desk, "KM-7002", customer="C0002")
    await desk.shop.link("C0002", 1002)
    return zhang, desk.tg.user(1002, "李四")


async def open_from_card(user: FakeUser, order_no: str = PARCEL) -> None:
    """The order's card, its after-sales step, then 💬."""
    await user.send(order_no)
    await user.press("售后")
    await user.press("💬 联系客服")


async def talking(desk: Desk, first: str = "键盘坏了") -> tuple[FakeUser, int]:
    """The shopper's case about the parcel, with their first message in its topic."""
    user = await linked_parcel(desk)
    await open_from_card(user)
    await user.send(first)
    await deliver(desk)
    return user, only_topic(desk)


async def write(actor: Actor, text: str, **kwargs: Any) -> StoredMessage:
    """A message that may get no answer (only the first one of a case is acknowledged)."""
    sent = await actor.send(text, wait=False, **kwargs)
    await actor.settle(require_response=False)
    return sent


async def deliver(desk: Desk, *, seconds: float = 3) -> None:
    """Let the albums' short wait pass, then send everything due."""
    desk.shop.clock.advance(seconds=seconds)
    await desk.deliver()


def only_topic(desk: Desk) -> int:
    [topic] = desk.tg.topics(STAFF_CHAT)
    return topic.thread_id


def in_topic(desk: Desk, thread_id: int) -> list[StoredMessage]:
    """What the bot wrote in the topic (its service messages, such as "topic closed", left out)."""
    return [
        m
        for m in desk.tg.topic_messages(STAFF_CHAT, thread_id, from_bot=True)
        if not any(key.startswith("forum_topic_") for key in m.data)
    ]


def shopper_texts(user: FakeUser) -> list[str]:
    return [m.content for m in user.messages()]


async def rows(desk: Desk, table: Any, *where: Any) -> list[Any]:
    return await desk.rows(table, *where)


async def audit(desk: Desk, action: str) -> list[AuditRow]:
    return await desk.rows(AuditRow, AuditRow.action == action)


# --------------------------------------------------------------------------- the whole way


async def test_a_shipped_parcel_conversation_reaches_its_topic_and_staff_answer_the_shopper(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user = await linked_parcel(desk)
        await user.send(PARCEL)
        await user.press("售后")
        assert "退货地址" in user.last_text()
        assert user.buttons() == ["💬 联系客服"]
        await user.press("💬 联系客服")
        prompt = user.last_text()
        assert "已为您联系客服(订单 KM-7001)" in prompt
        assert "也可以发送图片或文件" in prompt
        assert "非工作时间" not in prompt  # Thursday 10:00
        assert user.buttons() == ["↩️ 结束对话 / 返回我的订单"]

        await user.send("键盘有一个键按下去没反应")
        assert "已转交客服" in user.last_text()
        await user.send_album([60_000, 70_000, 80_000], caption="坏的是这个键", wait=False)
        await user.settle(require_response=False)
        await deliver(desk)

        [topic] = tg.topics(STAFF_CHAT)
        assert topic.name == "KM-7001 · 退货退款"
        header, text, *photos = in_topic(desk, topic.thread_id)
        assert header.content.startswith("💬 咨询 #1 · 订单 KM-7001")
        assert "📌 来源:退货退款" in header.content
        assert "👤 客户:张三 · 订单 1 笔 · 已取消 0 笔 · 工单 0 个" in header.content
        assert "🧾 订单 KM-7001 · 机械键盘(实物)× 1" in header.content
        assert header.buttons == ["✅ 关闭咨询"]
        assert text.content == "键盘有一个键按下去没反应"
        assert [bool(p.photo) for p in photos] == [True, True, True]
        assert len({p.media_group_id for p in photos}) == 1  # one album, as sent
        assert photos[0].content == "坏的是这个键"
        assert len(tg.calls("sendMediaGroup", chat_id=STAFF_CHAT)) == 1

        li = desk.group.in_topic(desk.li, topic.thread_id)
        await write(li, "请把键盘寄回:上海市浦东新区 1 号,收到后 3 个工作日内退款。")
        outsider = desk.group.in_topic(desk.outsider, topic.thread_id)
        await write(outsider, "我也遇到过,是不是没插好?")
        await deliver(desk)

        answer = user.last_message()
        assert answer.content == "请把键盘寄回:上海市浦东新区 1 号,收到后 3 个工作日内退款。"
        assert "forward_origin" not in answer.data  # the shop speaks, not a staff account
        assert answer.buttons == ["💬 回复客服"]
        assert not any("没插好" in t for t in shopper_texts(user))

        await li.send_album([40_000, 45_000], caption="按这张图打包", wait=False)
        await li.settle(require_response=False)
        await deliver(desk)
        shown = [m for m in user.messages() if m.photo]
        assert len(shown) == 2 and len({m.media_group_id for m in shown}) == 1
        assert shown[0].content == "按这张图打包"
        [case] = await rows(desk, CaseRow)
        assert case.status == CaseStatus.OPEN.value and case.thread_id == topic.thread_id
        written = await rows(desk, CaseMessageRow)
        assert [(m.direction, m.kind) for m in written] == [
            ("in", "text"),
            ("in", "photo"),
            ("in", "photo"),
            ("in", "photo"),
            ("out", "text"),
            ("out", "photo"),
            ("out", "photo"),
        ]


async def test_two_shoppers_cases_never_see_each_others_messages(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        zhang, li_si = await two_shoppers(desk)
        await open_from_card(zhang)
        await open_from_card(li_si, "KM-7002")
        await zhang.send("张三的问题:键盘坏了")
        await li_si.send("李四的问题:包装破了")
        await deliver(desk)

        first, second = tg.topics(STAFF_CHAT)
        assert (first.name, second.name) == ("KM-7001 · 退货退款", "KM-7002 · 退货退款")
        one = [m.content for m in in_topic(desk, first.thread_id)]
        two = [m.content for m in in_topic(desk, second.thread_id)]
        assert "张三的问题:键盘坏了" in one and not any("李四" in t for t in one)
        assert "李四的问题:包装破了" in two and not any("张三" in t for t in two)
        # Each card shows its own customer's history only.
        assert "👤 客户:李四 · 订单 1 笔" in two[0]

        await write(desk.group.in_topic(desk.li, first.thread_id), "给张三:请寄回")
        await write(desk.group.in_topic(desk.wang, second.thread_id), "给李四:请拍照")
        await deliver(desk)

        assert "给张三:请寄回" in shopper_texts(zhang)
        assert "给李四:请拍照" in shopper_texts(li_si)
        assert not any("李四" in t for t in shopper_texts(zhang))
        assert not any("张三" in t or "KM-7001" in t for t in shopper_texts(li_si))


async def test_a_restart_in_the_middle_loses_nothing_and_sends_nothing_twice(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "第一条")
        # The next copy fails once: its row is still queued when the bot goes down.
        tg.fail_next("copyMessage", 502, chat_id=STAFF_CHAT)
        await write(user, "第二条")
        await desk.deliver()
        assert await desk.shop.unsent() == 0  # waiting for its retry
        assert "第二条" not in [m.content for m in in_topic(desk, thread_id)]

    # While the bot is being deployed both sides keep writing; Telegram keeps the updates.
    await user.send("第三条", wait=False)
    li = desk.group.in_topic(desk.li, thread_id)
    await li.send("客服在重启期间的回复", wait=False)

    async with open_desk(tg, tmp_path) as desk:
        await tg.idle()
        await deliver(desk, seconds=60)

        texts = [m.content for m in in_topic(desk, thread_id)]
        assert texts[1:] == ["第一条", "第二条", "第三条"]  # in order, each once
        assert shopper_texts(user).count("客服在重启期间的回复") == 1
        written = await rows(desk, CaseMessageRow)
        assert len(written) == 4
        assert len(tg.topics(STAFF_CHAT)) == 1


async def test_without_topics_the_case_is_a_card_and_staff_answer_by_replying(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        user = await linked_parcel(desk)
        await open_from_card(user)
        await user.send("键盘有一个键坏了")
        await deliver(desk)

        assert tg.topics(STAFF_CHAT) == []
        assert not tg.calls("createForumTopic")
        [header] = [m for m in desk.group.messages() if m.content.startswith("💬 咨询 #1")]
        assert "回复本卡片或客户的消息即可答复客户" in header.content
        [copy] = [m for m in desk.group.messages() if m.content == "键盘有一个键坏了"]
        assert copy.reply_to_id == header.message_id

        await write(desk.li, "请问是哪个键?", reply_to=copy)
        await write(desk.wang, "对卡片的回复也行", reply_to=header)
        await write(desk.li, "群里随便聊一句")  # a reply to nothing: talk among staff
        await write(desk.outsider, "路人的回复", reply_to=copy)
        await deliver(desk)

        texts = shopper_texts(user)
        assert "请问是哪个键?" in texts and "对卡片的回复也行" in texts
        assert "群里随便聊一句" not in texts and "路人的回复" not in texts

        await user.send("是空格键", wait=False)
        await user.settle(require_response=False)
        await deliver(desk)
        [later] = [m for m in desk.group.messages() if m.content == "是空格键"]
        assert later.reply_to_id == header.message_id


async def test_after_the_staff_group_moves_a_reply_reaches_only_its_own_shopper(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        zhang, li_si = await two_shoppers(desk)
        await open_from_card(zhang)
        await zhang.send("键盘坏了")
        await deliver(desk)
        old_ids = {m.message_id for m in desk.group.messages() if m.from_bot}

        # The group becomes a supergroup: message ids start again at 1 there.
        supergroup = tg.upgrade_group(STAFF_CHAT, -100777, by=tg.user(9001))
        await tg.idle()
        await open_from_card(li_si, "KM-7002")
        await li_si.send("屏幕裂了")
        await deliver(desk)
        [card] = [m for m in supergroup.messages() if m.content.startswith("💬 咨询 #2")]
        assert card.message_id in old_ids  # an id of 张三's case in the old group

        await write(supergroup.as_user(tg.user(9001)), "李四您好,请拍张照片", reply_to=card)
        await deliver(desk)

        assert "李四您好,请拍张照片" in shopper_texts(li_si)
        assert "李四您好,请拍张照片" not in shopper_texts(zhang)
        # 张三's case follows the group: his next message gets a card in the new group.
        await write(zhang, "还在吗")
        await deliver(desk)
        assert [m for m in supergroup.messages() if m.content.startswith("💬 咨询 #1")]


async def test_staff_close_and_reopen_a_case_and_the_shopper_is_told(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "键盘坏了")
        header = in_topic(desk, thread_id)[0]

        await desk.outsider.press("✅ 关闭咨询", header)
        assert desk.outsider.alerts() == ["⛔ 只有客服可以操作咨询。"]
        await desk.li.press("✅ 关闭咨询", header)
        assert "已关闭咨询 #1" in desk.li.toasts()[-1]
        await deliver(desk)

        assert tg.topic(STAFF_CHAT, thread_id).closed
        header = in_topic(desk, thread_id)[0]
        assert "⚪ 已关闭" in header.content and header.buttons == ["🔓 重新打开"]
        assert "🔒 李客服 关闭了咨询 #1,已通知客户。" in [
            m.content for m in in_topic(desk, thread_id)
        ]
        closed = user.last_message()
        assert "客服已结束这次咨询(订单 KM-7001)" in closed.content
        assert closed.buttons == ["💬 联系客服"]
        [row] = await audit(desk, "case.closed")
        assert row.actor == "staff:9001" and row.detail == {"case": 1}

        li = desk.group.in_topic(desk.li, thread_id)
        await write(li, "关闭后再说一句")
        assert "咨询 #1 已关闭,这条消息没有发给客户" in li.last_text()
        await write(li, "/reopen")
        await deliver(desk)
        assert not tg.topic(STAFF_CHAT, thread_id).closed
        assert "客服重新打开了您的咨询(订单 KM-7001)" in user.last_text()
        assert "关闭后再说一句" not in shopper_texts(user)

        await write(li, "/close")
        await deliver(desk)
        assert tg.topic(STAFF_CHAT, thread_id).closed
        # The shopper writes again: the case (and its topic) opens again, same topic.
        await user.send("还有一个问题")
        assert "您的咨询(订单 KM-7001)已重新打开" in user.last_text()
        await deliver(desk)
        assert not tg.topic(STAFF_CHAT, thread_id).closed
        texts = [m.content for m in in_topic(desk, thread_id)]
        assert texts[-2:] == ["🔓 客户重新打开了咨询 #1。", "还有一个问题"]
        assert len(tg.topics(STAFF_CHAT)) == 1
        assert [r.detail["by"] for r in await audit(desk, "case.reopened")] == [
            "staff",
            "shopper",
        ]


async def test_a_case_closed_long_ago_is_not_reopened_a_new_one_opens(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, first = await talking(desk, "键盘坏了")
        await write(desk.group.in_topic(desk.li, first), "/close")
        await deliver(desk)
        desk.shop.clock.advance(days=7)  # Thursday again, 10:00
        await deliver(desk)
        assert "您对客服的服务满意吗" in user.last_text()  # the ended case's one question

        await user.send("又坏了一个键")
        assert "之前的咨询已结束,已为您新开一个咨询(订单 KM-7001)" in user.last_text()
        await deliver(desk)

        old, new = tg.topics(STAFF_CHAT)
        assert old.closed and not new.closed
        assert in_topic(desk, new.thread_id)[0].content.startswith("💬 咨询 #2 · 订单 KM-7001")
        assert [m.content for m in in_topic(desk, new.thread_id)][-1] == "又坏了一个键"
        cases = await rows(desk, CaseRow)
        assert [(c.id, c.status) for c in cases] == [(1, "closed"), (2, "open")]


async def test_a_closed_case_asks_for_a_rating_once_however_often_it_reopens(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "键盘坏了")
        li = desk.group.in_topic(desk.li, thread_id)
        await write(li, "/close")
        await deliver(desk, seconds=11 * 60)
        question = "🙏 关于订单 KM-7001 的咨询已结束。您对客服的服务满意吗?"
        assert user.last_text().startswith(question)
        await user.press("⭐5")

        await write(li, "/reopen")
        await write(li, "/close")
        await deliver(desk, seconds=11 * 60)

        assert sum(question in t for t in shopper_texts(user)) == 1
        [survey] = await rows(desk, SurveyRow)
        assert (survey.case_key, survey.rating) == ("conversation:1", 5)


# --------------------------------------------------------------------------- saved replies


async def test_saved_replies_are_kept_by_staff_and_sent_into_a_case(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "怎么退货?")

        await desk.outsider.send("/replies add 地址 乱写的")
        assert desk.outsider.last_text() == "⛔ 这些命令只供客服使用。"
        await desk.li.send("/replies")
        assert "还没有常用回复" in desk.li.last_text()
        await desk.li.send("/replies add 退货地址 请寄到:上海市浦东新区 1 号,注明订单号。")
        assert desk.li.last_text() == "✅ 已保存常用回复“退货地址”。"
        await desk.wang.send("/replies add 退货地址 请寄到:上海市浦东新区 2 号,注明订单号。")
        assert desk.wang.last_text() == "✅ 已更新常用回复“退货地址”。"
        await desk.li.send("/replies add 问号?不行 内容")
        assert "名称只能包含文字、数字、_ 和 -" in desk.li.last_text()
        await desk.li.send("/replies add 空的")
        assert "内容不能为空" in desk.li.last_text()
        await desk.li.send("/replies add 到账 退款一般 1–3 个工作日到账。")
        await desk.li.send("/replies")
        listed = desk.li.last_text()
        assert "📋 常用回复(2 条)" in listed
        assert "• 到账:退款一般 1–3 个工作日到账。" in listed
        assert "• 退货地址:请寄到:上海市浦东新区 2 号" in listed

        li = desk.group.in_topic(desk.li, thread_id)
        await li.send("/reply 退货地址")
        assert "✅ 已把常用回复“退货地址”发给客户" in li.last_text()
        await li.send("/reply 不存在")
        assert "没有名为“不存在”的常用回复" in li.last_text()
        await desk.li.send("/reply 退货地址")  # not in a case's topic
        assert "这里不是咨询的话题" in desk.li.last_text()
        await deliver(desk)
        assert user.last_text() == "请寄到:上海市浦东新区 2 号,注明订单号。"
        assert user.last_message().buttons == ["💬 回复客服"]

        await desk.li.send("/replies del 退货地址")
        assert desk.li.last_text() == "🗑 已删除常用回复“退货地址”。"
        await desk.li.send("/replies del 退货地址")
        assert desk.li.last_text() == "没有名为“退货地址”的常用回复。"
        saved = await audit(desk, "reply.saved")
        assert [(r.actor, r.detail["new"]) for r in saved] == [
            ("staff:9001", True),
            ("staff:9002", False),
            ("staff:9001", True),
        ]
        assert [r.detail for r in await audit(desk, "reply.deleted")] == [{"name": "退货地址"}]


# --------------------------------------------------------------------------- working hours


async def test_outside_working_hours_the_shopper_is_told_when_staff_answer(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user = await linked_parcel(desk)
        desk.shop.clock.advance(days=1, hours=10)  # Friday 27 November, 20:00
        await open_from_card(user)
        prompt = user.last_text()
        assert "现在是非工作时间" in prompt
        assert "客服将于 11月30日(周一) 09:00 起回复您" in prompt
        await user.send("周末也想问一下")
        assert "已转交客服" in user.last_text()
        assert "非工作时间" not in user.last_text()  # told once for this stretch
        desk.shop.clock.advance(days=1)  # Saturday: the same quiet stretch
        await write(user, "还在吗?")  # no answer: nothing new to say
        assert sum("非工作时间" in t for t in shopper_texts(user)) == 1

        desk.shop.clock.advance(days=2, hours=3)  # Monday 30 November, 23:00
        await user.send("周一晚上再问")
        assert "客服将于 12月1日(周二) 09:00 起回复您" in user.last_text()
        await deliver(desk)
        texts = [m.content for m in in_topic(desk, only_topic(desk))]
        assert texts[1:] == ["周末也想问一下", "还在吗?", "周一晚上再问"]


async def test_staff_answers_late_at_night_still_reach_the_shopper_at_once(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "键盘坏了")
        desk.shop.clock.advance(hours=13)  # Thursday 23:00: pushes wait for the morning
        await write(desk.group.in_topic(desk.li, thread_id), "还在线,请拍张照")
        await deliver(desk)
        assert user.last_text() == "还在线,请拍张照"


# --------------------------------------------------------------------------- limits


async def test_the_staff_groups_twenty_a_minute_hold_with_topics_albums_and_edits(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        clock = desk.shop.clock
        started = clock.now()
        # The group's minute is what this is about; shoppers here tap faster than people.
        tg.enforce_limits(
            per_chat_per_second=100, burst=100, clock=lambda: clock.now().timestamp()
        )
        shoppers = []
        for number in range(6):
            code, user_id = f"C10{number}", 1100 + number
            await parcel(desk, f"KM-80{number}", customer=code)
            await desk.shop.link(code, user_id)
            shopper = tg.user(user_id, f"顾客{number}")
            await open_from_card(shopper, f"KM-80{number}")
            await shopper.send(f"顾客{number}的问题")
            await shopper.send_album([50_000, 60_000, 70_000], wait=False)
            await shopper.settle(require_response=False)
            shoppers.append(shopper)
        await deliver(desk)
        header = in_topic(desk, tg.topics(STAFF_CHAT)[0].thread_id)[0]
        await desk.li.press("✅ 关闭咨询", header)
        await deliver(desk)

        assert tg.limit_hits == []
        assert len(tg.topics(STAFF_CHAT)) == 6
        for topic in tg.topics(STAFF_CHAT):
            shown = in_topic(desk, topic.thread_id)
            assert sum(bool(m.photo) for m in shown) == 3
        # Topics made and closed, cards, copies, each photo of an album, the card's edit: 40
        # messages in the group, so the bot had to spread them over three minutes.
        group_messages = sum(
            len(call.params.get("media") or []) or 1
            for call in tg.calls(chat_id=STAFF_CHAT)
            if call.method not in ("getChat", "getChatMember")
        )
        assert group_messages == 6 * 6 + 4
        assert clock.now() - started >= timedelta(minutes=2)


# --------------------------------------------------------------------------- the shopper's side


async def test_forged_presses_for_another_shoppers_order_or_case_are_refused(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        zhang, li_si = await two_shoppers(desk)
        await open_from_card(li_si, "KM-7002")
        theirs = await desk.shop.order("KM-7002")

        await zhang.send("/start")
        forged = ContactCb(action=ContactAction.OPEN, order_id=theirs.id).pack()
        await zhang.press_data(forged)
        assert zhang.alerts()[-1] == "找不到这个订单,或它不属于您的账号。"
        await zhang.press_data(CaseCb(action=CaseAction.WRITE, case_id=1).pack())
        assert zhang.alerts()[-1] == "找不到这个订单,或它不属于您的账号。"
        await zhang.send("KM-7002")  # not in a conversation: a search, of their own orders
        assert "没有找到订单号 KM-7002" in zhang.last_text()

        cases = await rows(desk, CaseRow)
        assert [(c.id, c.customer_id) for c in cases] == [(1, theirs.customer_id)]
        refused = await audit(desk, "press.refused")
        assert [r.detail["why"] for r in refused] == ["case_not_owned", "case_not_owned"]


async def test_ending_the_chat_brings_back_search_and_commands_leave_it_too(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user = await linked_parcel(desk)
        await open_from_card(user)
        await user.send("KM-7001")  # while writing to staff: a message for them, not a search
        assert "已转交客服" in user.last_text()
        await user.press("↩️ 结束对话 / 返回我的订单")
        assert "已结束对话" in user.last_text() and "订单" in user.last_text()
        await user.send("KM-7001")
        assert "🧾 订单 KM-7001" in user.last_text()  # the card again

        await user.press("售后")
        await user.press("💬 联系客服")
        assert "您正在与客服沟通(订单 KM-7001)" in user.last_text()
        await user.send("/orders")  # a command ends the chat, then does what it says
        await user.send("KM-7001")
        assert "🧾 订单 KM-7001" in user.last_text()
        await user.send_sticker()
        assert "/start" in user.last_text()
        await deliver(desk)
        texts = [m.content for m in in_topic(desk, only_topic(desk))]
        assert texts.count("KM-7001") == 1


async def test_a_sticker_for_staff_is_refused_politely_and_photos_are_not_taken_for_evidence(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user = await linked_parcel(desk)
        await open_from_card(user)
        await user.send_sticker()
        assert user.last_text() == "目前只能把文字、图片和文件转给客服,请换一种方式发送。"
        assert user.buttons() == ["↩️ 结束对话 / 返回我的订单"]
        await user.send_photo(size=90_000)
        assert "已转交客服" in user.last_text()
        await user.send_document("发票.pdf", "application/pdf", wait=False)
        await user.settle(require_response=False)
        await deliver(desk)
        shown = in_topic(desk, only_topic(desk))
        assert [bool(m.photo) for m in shown[1:]] == [True, False]
        assert shown[2].document is not None


async def test_contact_command_and_the_menu_pick_an_order_or_no_order(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user = await linked_parcel(desk)
        await user.send("/contact KM-9999")
        assert "没有找到订单号 KM-9999" in user.last_text()
        assert user.buttons() == ["💬 联系客服"]  # which order is it, then?
        await user.send("/contact km-7001")
        assert "已为您联系客服(订单 KM-7001)" in user.last_text()
        await user.send("/contact")
        assert "请问您想咨询哪个订单" in user.last_text()
        assert user.buttons() == [
            "▶️ 继续咨询:订单 KM-7001",
            "💬 其他问题(不涉及具体订单)",
        ]
        await user.press("其他问题")
        assert "已为您联系客服(其他问题)" in user.last_text()
        await user.send("想问问会员折扣")
        await deliver(desk)

        first, second = tg.topics(STAFF_CHAT)
        assert first.name == "KM-7001 · 退货退款"
        assert second.name == "咨询 #2 · 张三"
        assert in_topic(desk, second.thread_id)[0].content.startswith(
            "💬 咨询 #2 · 其他问题(未指定订单)"
        )
        menu = ContactCb(action=ContactAction.MENU).pack()
        await user.press_data(menu)
        assert user.buttons() == [
            "▶️ 继续咨询:其他问题",
            "▶️ 继续咨询:订单 KM-7001",
        ]
        await user.press("继续咨询:订单 KM-7001")
        await user.send("回到订单的问题")
        await deliver(desk)
        assert [m.content for m in in_topic(desk, first.thread_id)][-1] == "回到订单的问题"


async def test_a_review_past_its_deadline_offers_to_talk_to_staff(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        await desk.order("KM-1")
        await desk.shop.link("C0001", 1001)
        await desk.file("KM-1")
        user = desk.shopper
        await user.send("/tickets")
        assert "💬 联系客服" not in user.buttons()
        desk.shop.clock.advance(days=7)  # far past the two working days
        await user.send("/tickets")
        assert "💬 联系客服" in user.buttons()
        await user.press("💬 联系客服")
        assert "已为您联系客服(订单 KM-1)" in user.last_text()
        await user.send("审核超时了")
        await deliver(desk)
        [topic] = tg.topics(STAFF_CHAT)
        assert topic.name == "KM-1 · 审核超时"


async def test_a_failed_refund_offers_to_talk_to_staff(tg: FakeTelegram, tmp_path: Path) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        refund = await cancelled(desk.shop, "KM-2")
        await desk.shop.link("C0001", 1001)
        user = desk.shopper
        await change(desk.shop, refund.id, RefundAction.SUBMIT)
        await change(desk.shop, refund.id, RefundAction.FAIL, reason="收款账户异常")
        await deliver(desk)
        push = [m for m in user.messages() if m.content.startswith("❌ 订单 KM-2")][-1]
        assert push.buttons == ["🙋 请客服重新发起", "💬 联系客服"]
        await user.press("💬 联系客服", push)
        assert "已为您联系客服(订单 KM-2)" in user.last_text()
        await user.send("退款失败了怎么办")
        await deliver(desk)
        [topic] = tg.topics(STAFF_CHAT)
        assert topic.name == "KM-2 · 退款失败"


async def test_an_application_started_while_writing_to_staff_takes_its_screenshots(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        await delivering(desk.shop)
        user = desk.shopper
        await user.send("KM-A1")
        card = user.last_message()
        await user.send("/contact KM-A1")
        assert "已为您联系客服(订单 KM-A1)" in user.last_text()
        await user.press("📝 申请取消", card)
        await user.press("重复下单")
        await user.send_photo(size=120_000)
        assert "已收到第 1 张截图" in user.last_text()
        await deliver(desk)
        [header] = in_topic(desk, only_topic(desk))
        assert header.content.startswith("💬 咨询 #1 · 订单 KM-A1")


async def test_a_topic_staff_deleted_is_made_again_with_the_next_message(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, first = await talking(desk)
        tg.delete_topic(STAFF_CHAT, first)
        await write(user, "还有一个问题")
        await deliver(desk)  # the copy finds no topic: the case loses it
        await deliver(desk, seconds=6)  # and gets a new one, headed by its card again

        [topic] = tg.topics(STAFF_CHAT)
        assert topic.thread_id != first
        texts = [m.content for m in in_topic(desk, topic.thread_id)]
        assert texts[0].startswith("💬 咨询 #1 · 订单 KM-7001") and texts[1:] == ["还有一个问题"]
        [case] = await rows(desk, CaseRow)
        assert case.thread_id == topic.thread_id


async def test_closing_a_case_whose_topic_staff_deleted_holds_nothing_up(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, first = await talking(desk)
        await desk.li.press("✅ 关闭咨询", in_topic(desk, first)[0])
        tg.delete_topic(STAFF_CHAT, first)  # before the close's card edit and note go out
        await deliver(desk)  # the close's card edit finds no topic: the case loses it
        await write(user, "还有一个问题")  # reopens the case
        await deliver(desk, seconds=6)

        [topic] = tg.topics(STAFF_CHAT)
        assert topic.thread_id != first
        texts = [m.content for m in in_topic(desk, topic.thread_id)]
        assert texts[0].startswith("💬 咨询 #1 · 订单 KM-7001")
        assert "还有一个问题" in texts


async def test_a_message_telegram_refuses_for_good_does_not_hold_the_case_for_a_day(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "第一条")
        refused = "Bad Request: wrong file identifier/HTTP URL specified"
        tg.fail_next("copyMessage", 400, refused, chat_id=STAFF_CHAT)
        await write(user, "这一条 Telegram 不收")
        await write(user, "下一条")
        await deliver(desk)

        texts = [m.content for m in in_topic(desk, thread_id)]
        assert texts[1:] == ["第一条", "下一条"]  # the next one went out in the same minute
        [dead] = await rows(desk, OutboxRow, OutboxRow.status == "dead")
        assert (dead.kind, dead.attempts) == ("staff.case_message", 1)
        assert refused in (dead.last_error or "")
        [alert] = [m.content for m in desk.group.messages() if m.content.startswith("☠️")]
        assert "有 1 条通知发送失败" in alert and "python -m bot outbox" in alert


async def test_a_passing_400_is_retried_and_goes_out_in_order(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk, "第一条")
        passing = "Bad Request: wrong file_id or the file is temporarily unavailable"
        tg.fail_next("copyMessage", 400, passing, chat_id=STAFF_CHAT)
        await write(user, "第二条")
        await write(user, "第三条")
        desk.shop.clock.advance(seconds=3)
        await desk.runtime.notifier.deliver_due()  # the third waits behind the second's retry
        await tg.idle()
        assert [m.content for m in in_topic(desk, thread_id)][1:] == ["第一条"]

        await deliver(desk, seconds=60)
        assert [m.content for m in in_topic(desk, thread_id)][1:] == ["第一条", "第二条", "第三条"]
        assert await rows(desk, OutboxRow, OutboxRow.status == "dead") == []


async def test_without_the_right_to_make_topics_cases_get_a_card_and_nothing_is_held(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="handlers.notices.cases")
    async with forum_desk(tg, tmp_path) as desk:
        tg.set_member_status(STAFF_CHAT, tg.bot_id, "member")  # may write, not make topics
        zhang, li_si = await two_shoppers(desk)
        await open_from_card(zhang)
        await zhang.send("键盘坏了")
        await open_from_card(li_si, "KM-7002")
        await li_si.send("我的也坏了")
        await deliver(desk)  # one round: the group's rows were not held back

        assert tg.topics(STAFF_CHAT) == []
        cards = {
            m.content.splitlines()[0].split(" · ")[1]: m
            for m in desk.group.messages()
            if m.content.startswith("💬 咨询 #")
        }
        assert set(cards) == {"订单 KM-7001", "订单 KM-7002"}
        for text, order in (("键盘坏了", "订单 KM-7001"), ("我的也坏了", "订单 KM-7002")):
            [copy] = [m for m in desk.group.messages() if m.content == text]
            assert copy.reply_to_id == cards[order].message_id
        said = [r.getMessage() for r in caplog.records if "Manage Topics" in r.getMessage()]
        assert len(said) == 1 and "reply threading" in said[0]

        await write(desk.li, "请发一张照片", reply_to=cards["订单 KM-7001"])
        await deliver(desk)
        assert "请发一张照片" in shopper_texts(zhang)
        assert "请发一张照片" not in shopper_texts(li_si)


async def test_a_bot_that_lost_its_topic_rights_carries_the_case_on_in_a_card(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="handlers.notices.cases")
    async with forum_desk(tg, tmp_path) as desk:
        user, thread_id = await talking(desk)
        await desk.li.press("✅ 关闭咨询", in_topic(desk, thread_id)[0])
        await deliver(desk)
        notes = [m.content for m in in_topic(desk, thread_id)]
        assert sum("关闭" in text for text in notes[1:]) == 1

        tg.set_member_status(STAFF_CHAT, tg.bot_id, "member")  # an admin took its rights
        await write(user, "还有一个问题")  # reopens the case: its topic may not be reopened
        await deliver(desk, seconds=6)
        await deliver(desk, seconds=6)

        [card] = [
            m
            for m in desk.group.messages()
            if m.content.startswith("💬 咨询 #1") and m.thread_id is None
        ]
        [copy] = [m for m in desk.group.messages() if m.content == "还有一个问题"]
        assert copy.reply_to_id == card.message_id and copy.thread_id is None
        [case] = await rows(desk, CaseRow)
        assert (case.status, case.thread_id) == (CaseStatus.OPEN.value, None)
        assert await rows(desk, OutboxRow, OutboxRow.status == "dead") == []
        said = [r.getMessage() for r in caplog.records if "no longer manage" in r.getMessage()]
        assert len(said) == 1 and "Manage Topics" in said[0]


async def test_a_close_whose_topic_would_not_close_says_so_once(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with forum_desk(tg, tmp_path) as desk:
        _, thread_id = await talking(desk)
        tg.fail_next("closeForumTopic", 502, chat_id=STAFF_CHAT)
        await desk.li.press("✅ 关闭咨询", in_topic(desk, thread_id)[0])
        await deliver(desk)
        await deliver(desk, seconds=60)

        notes = [m.content for m in in_topic(desk, thread_id) if "关闭了咨询" in m.content]
        assert len(notes) == 1
        [case] = await rows(desk, CaseRow)
        assert case.status == CaseStatus.CLOSED.value
        assert await desk.unsent() == 0
