"""Satisfaction over the fake Bot API: asked once per case, a while after the news, never
at night; a rating and a comment kept once; a second press told politely."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.orders import PaymentChannel, ProductKind
from handlers.callbacks import SurveyAction, SurveyCb
from storage.tables import AuditRow, OutboxRow, SurveyRow
from tests.e2e.test_staff import Desk, open_desk
from tests.e2e.test_timeline import at, refund_card
from tests.fakebot import FakeTelegram, StoredMessage

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARS = ["⭐1", "⭐2", "⭐3", "⭐4", "⭐5", "跳过"]


def questions(desk: Desk) -> list[StoredMessage]:
    return [m for m in desk.shopper.messages() if m.content.startswith("🙏")]


async def surveys(desk: Desk) -> list[SurveyRow]:
    return sorted(await desk.rows(SurveyRow), key=lambda r: r.id)


async def test_a_decided_ticket_asks_once_and_keeps_the_rating_and_the_comment(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        clock = desk.shop.clock
        await desk.order("KM-1")
        await desk.shop.link("C0001", 1001)
        ticket_id = await desk.file("KM-1")
        await desk.deliver()
        await desk.li.press("同意取消", desk.card(ticket_id))
        await desk.deliver()
        assert "您对订单 KM-1 的取消申请已通过" in desk.shopper.last_text()
        assert not questions(desk)  # the news first, the question a little later

        # A second decision press decides nothing, and asks nothing either.
        await desk.wang.press_data(f"st:a:{ticket_id}", desk.card(ticket_id))
        # The refund arriving the same day is the same story: not asked again.
        at(clock, clock.now() + timedelta(hours=1))
        await desk.li.press("已到账", refund_card(desk, "KM-1"))
        at(clock, clock.now() + timedelta(hours=1))
        await desk.deliver()

        [question] = questions(desk)
        assert question.content == (
            "🙏 您对订单 KM-1 申请的处理满意吗?\n请打 1–5 分(5 分最满意),也可以跳过。"
        )
        assert question.buttons == STARS
        cases = [(r.case_key, r.status) for r in await surveys(desk)]
        assert cases == [("ticket:1", "asked"), ("refund:1", "suppressed")]

        await desk.shopper.press("⭐4", question)
        rated = desk.tg.message(question.chat_id, question.message_id)
        assert rated is not None
        assert rated.content.startswith(
            "🙏 您对订单 KM-1 申请的处理满意吗?\n\n谢谢您的评分:⭐⭐⭐⭐"
        )
        assert "直接发送文字即可(最多 300 字)" in rated.content
        assert rated.buttons == ["不用了"]

        # The same question pressed again (a second tap, another device) changes nothing.
        again = SurveyCb(action=SurveyAction.RATE, survey_id=1, stars=1).pack()
        answer = await desk.shopper.press_data(again, question)
        assert answer is not None and answer.text == "您已经回答过了,谢谢!"

        await desk.shopper.send("很" * 301)
        assert desk.shopper.last_text().startswith("留言不能为空,且不能超过 300 字")
        assert desk.shopper.buttons() == ["不用了"]
        await desk.shopper.send("处理得很快,谢谢")
        assert desk.shopper.last_text() == "感谢您的反馈,我们会认真查看!"
        assert desk.shopper.buttons() == ["📋 查看我的订单"]
        offer = desk.tg.message(question.chat_id, question.message_id)
        assert offer is not None and offer.buttons == []

        [survey, _] = await surveys(desk)
        assert (survey.status, survey.rating, survey.comment) == ("done", 4, "处理得很快,谢谢")
        actions = [r.action for r in await desk.rows(AuditRow) if r.action.startswith("sat")]
        assert actions == [
            "satisfaction.asked",
            "satisfaction.not_asked",
            "satisfaction.rated",
            "satisfaction.commented",
        ]
        # The comment is over: the next text is a search again.
        await desk.shopper.send("KM-1")
        assert desk.shopper.last_text().startswith("🧾 订单 KM-1")


async def test_no_thanks_under_a_refused_comment_ends_the_comment_there(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        clock = desk.shop.clock
        await desk.order("KM-1")
        await desk.shop.link("C0001", 1001)
        ticket_id = await desk.file("KM-1")
        await desk.deliver()
        await desk.li.press("同意取消", desk.card(ticket_id))
        await desk.deliver()
        at(clock, clock.now() + timedelta(hours=2))
        await desk.deliver()
        [question] = questions(desk)
        await desk.shopper.press("⭐5", question)
        await desk.shopper.send_sticker()
        refusal = desk.shopper.last_message()
        assert refusal.content.startswith("留言不能为空")

        await desk.shopper.press("不用了", refusal)

        thanked = desk.tg.message(refusal.chat_id, refusal.message_id)
        assert thanked is not None and thanked.content == "谢谢您的评价!"
        assert thanked.buttons == ["📋 查看我的订单"]
        rated = desk.tg.message(question.chat_id, question.message_id)
        assert rated is not None and "谢谢您的评分:⭐⭐⭐⭐⭐" in rated.content
        assert rated.buttons == []  # its offer is spent
        [survey, *_] = await surveys(desk)
        assert (survey.rating, survey.comment) == (5, None)
        await desk.shopper.send("KM-1")  # no comment awaited any more: a search again
        assert desk.shopper.last_text().startswith("🧾 订单 KM-1")


async def test_an_arrived_refund_asks_once_and_not_at_night_but_in_the_morning(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        clock = desk.shop.clock
        await desk.shop.add_order("KM-2", kind=ProductKind.DIRECT_TOPUP, price_fen=4200)
        await desk.shop.link("C0001", 1001)
        await desk.shopper.send("/cancel KM-2")
        await desk.shopper.press("确认取消")
        await desk.deliver()
        await desk.li.press("已提交", refund_card(desk, "KM-2"))
        await desk.deliver()

        # 23:00 two days later in Shanghai: staff see the money arrived.
        night = datetime(2026, 11, 28, 23, 0, tzinfo=SHANGHAI)
        at(clock, night)
        await desk.li.press("已到账", refund_card(desk, "KM-2"))
        sent_before = len(desk.shopper.messages())
        at(clock, night + timedelta(minutes=30))
        await desk.deliver()
        assert len(desk.shopper.messages()) == sent_before  # nothing pushed at night
        [held] = await desk.rows(OutboxRow, OutboxRow.kind == "customer.satisfaction_ask")
        morning = datetime(2026, 11, 29, 8, 0, tzinfo=SHANGHAI)
        assert (held.status, held.due_at) == ("pending", morning)

        # Reported again (a reconciliation, a second press): the same case, not asked again.
        await desk.li.send("/refund 1 succeeded")
        at(clock, morning)
        await desk.deliver()
        news, question = desk.shopper.messages()[-2:]
        assert "已到账" in news.content and "KM-2" in news.content
        assert question.content.startswith("🙏 订单 KM-2 的退款已到账。您对这次退款的处理满意吗?")
        assert len(questions(desk)) == 1
        assert [(r.case_key, r.status) for r in await surveys(desk)] == [("refund:1", "asked")]

        # Someone else's press on it is refused; the shopper skips, and a rating after that
        # is told it was answered.
        other = tg.user(1002, "李四")
        await desk.shop.add_order("KM-9", customer="C0002", name="李四")
        await desk.shop.link("C0002", 1002)
        await other.send("/start")
        forged = SurveyCb(action=SurveyAction.RATE, survey_id=1, stars=1).pack()
        answer = await other.press_data(forged, other.last_message())
        assert answer is not None and answer.show_alert
        await desk.shopper.press("跳过", question)
        skipped = desk.tg.message(question.chat_id, question.message_id)
        assert skipped is not None
        assert skipped.content.endswith("好的,已跳过。感谢您的耐心!")
        assert skipped.buttons == ["📋 查看我的订单"]  # the question's buttons are gone
        answer = await desk.shopper.press_data(forged, question)
        assert answer is not None and answer.text == "您已经回答过了,谢谢!"
        [survey] = await surveys(desk)
        assert (survey.status, survey.rating) == ("skipped", None)


async def test_a_balance_refund_is_no_case_of_its_own(tg: FakeTelegram, tmp_path: Path) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await desk.shop.add_order("KM-3", channel=PaymentChannel.BALANCE)
        await desk.shop.link("C0001", 1001)
        await desk.shopper.send("/cancel KM-3")
        await desk.shopper.press("确认取消")
        desk.shop.clock.advance(hours=1)
        await desk.deliver()
        assert not questions(desk)
        assert await surveys(desk) == []
