"""/stats over the fake Bot API: exact numbers on known data, and a chart that is a PNG.

The shop's fortnight, written through the use cases on a fixed clock (Shanghai time):

======  ===========================  ==============================================
order   what happened                counted as
======  ===========================  ==============================================
S1      cancelled 11-25 09:00        direct, 重复下单; its WeChat refund pushed out
S2      cancelled 11-24 23:30        direct, 不想要了 (11-24 in Shanghai, 11-24 UTC)
S3      cancelled 11-26 09:00        direct, no reason; balance: refunded at once
S4      shop cancelled 11-23 12:00   shop; Alipay refund owed, due 11-26: not late
S5      ticket 11-24 10:00→16:00     application approved, 6 h, on time; rated 5
S6      ticket 11-20 10:00→11-25     rejected after 5 days (due 11-24): late; skipped
S7      ticket 11-25 10:15→12:15     rejected in 2 h, on time; rated 2
S8      cancelled 11-10              outside both: its WeChat refund is overdue
S9      cancelled 11-15 20:00        outside the week, inside the chart; overdue
======  ===========================  ==============================================
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from matplotlib import image

from domain.incoming import ShopCancel, settle_shop_cancels
from domain.orders import CancelReason, OrderStatus, PaymentChannel, ProductKind, RefundAction
from domain.ports import DayCount
from domain.ratings import rate_case
from domain.refunds import change_refund
from domain.review import review_ticket
from domain.shopper import cancel_order, record_cancel_reason
from domain.stats import staff_stats
from domain.tickets import RejectReason, Verdict
from handlers.staff.stats_chart import HEIGHT_PX, WIDTH_PX
from storage.tables import AuditRow, OrderRow, RefundRow, SurveyRow
from tests.e2e.test_conversation import forum_desk, parcel, write
from tests.e2e.test_staff import STAFF_CHAT, Desk, open_desk
from tests.fakebot import Actor, FakeTelegram, StoredMessage

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def forward(desk: Desk, moment: datetime) -> None:
    """The clock to ``moment``; the notifier's virtual waits may have taken it a little past."""
    desk.shop.clock.current = max(desk.shop.clock.current, moment)


async def cancel(desk: Desk, order_no: str, when: datetime, **order: object) -> None:
    forward(desk, when - timedelta(minutes=10))
    await desk.shop.add_order(order_no, kind=ProductKind.DIRECT_TOPUP, **order)  # type: ignore[arg-type]
    forward(desk, when)
    found = await desk.shop.order(order_no)
    async with desk.shop.session() as uow:
        await cancel_order(
            uow,
            customer_id=found.customer_id,
            order_id=found.id,
            actor="tg:1001",
            rules=desk.runtime.rules,
            now=desk.shop.clock.now(),
        )


async def give_reason(desk: Desk, order_no: str, reason: CancelReason) -> None:
    found = await desk.shop.order(order_no)
    async with desk.shop.session() as uow:
        await record_cancel_reason(
            uow,
            customer_id=found.customer_id,
            order_id=found.id,
            reason=reason,
            actor="tg:1001",
            now=desk.shop.clock.now(),
            refusals=desk.runtime.rules.refusals,
        )


async def file(desk: Desk, order_no: str, when: datetime) -> int:
    forward(desk, when - timedelta(minutes=10))
    await desk.order(order_no)
    forward(desk, when)
    return await desk.file(order_no)


async def decide(desk: Desk, ticket_id: int, verdict: Verdict, when: datetime) -> None:
    forward(desk, when)
    async with desk.shop.session() as uow:
        await review_ticket(
            uow,
            ticket_id=ticket_id,
            reviewer_id=9001,
            is_staff=True,
            verdict=verdict,
            rules=desk.runtime.rules,
            now=desk.shop.clock.now(),
            reject_reason=RejectReason.INSUFFICIENT_EVIDENCE
            if verdict is Verdict.REJECT
            else None,
        )


async def rate(desk: Desk, order_no: str, rating: int | None, when: datetime) -> None:
    forward(desk, when)
    found = await desk.shop.order(order_no)
    [survey] = await desk.rows(SurveyRow, SurveyRow.order_id == found.id)
    async with desk.shop.session() as uow:
        await rate_case(
            uow,
            customer_id=found.customer_id,
            survey_id=survey.id,
            rating=rating,
            actor="tg:1001",
            refusals=desk.runtime.rules.refusals,
            now=desk.shop.clock.now(),
        )


async def shop_cancel(desk: Desk, order_no: str, when: datetime) -> None:
    forward(desk, when - timedelta(minutes=10))
    await desk.shop.add_order(
        order_no, kind=ProductKind.DIRECT_TOPUP, channel=PaymentChannel.ALIPAY
    )
    forward(desk, when)
    async with desk.shop.session() as uow:
        await settle_shop_cancels(uow, [ShopCancel(order_no, when)], desk.runtime.rules, when)
        await uow.commit()


async def submit_refund(desk: Desk, order_no: str, when: datetime) -> None:
    forward(desk, when)
    found = await desk.shop.order(order_no)
    [refund] = await desk.rows(RefundRow, RefundRow.order_id == found.id)
    async with desk.shop.session() as uow:
        await change_refund(
            uow,
            refund.id,
            RefundAction.SUBMIT,
            actor="staff:9001",
            rules=desk.runtime.rules,
            now=desk.shop.clock.now(),
        )


async def fortnight(desk: Desk) -> None:
    """The table above, in the order it happened."""
    await cancel(desk, "S8", local(10, 12))
    await cancel(desk, "S9", local(15, 20))
    s6 = await file(desk, "S6", local(20, 10))
    await shop_cancel(desk, "S4", local(23, 12))
    s5 = await file(desk, "S5", local(24, 10))
    await decide(desk, s5, Verdict.APPROVE, local(24, 16))
    await rate(desk, "S5", 5, local(24, 17))
    await cancel(desk, "S2", local(24, 23, 30))
    await give_reason(desk, "S2", CancelReason.CHANGED_MIND)
    await cancel(desk, "S1", local(25, 9))
    await give_reason(desk, "S1", CancelReason.DUPLICATE)
    await submit_refund(desk, "S1", local(25, 9, 30))
    await decide(desk, s6, Verdict.REJECT, local(25, 10))
    s7 = await file(desk, "S7", local(25, 10, 15))
    await rate(desk, "S6", None, local(25, 10, 30))
    await decide(desk, s7, Verdict.REJECT, local(25, 12, 15))
    await rate(desk, "S7", 2, local(25, 13))
    await cancel(desk, "S3", local(26, 9), channel=PaymentChannel.BALANCE)
    forward(desk, RULES_NOW)
    await desk.deliver()


def photos(desk: Desk, chat_id: int) -> list[StoredMessage]:
    return [m for m in desk.tg.messages(chat_id, from_bot=True) if m.photo]


async def test_stats_on_known_data_give_exact_numbers_and_a_png_chart(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path, start=local(10, 9)) as desk:
        await fortnight(desk)
        await desk.li.send("/stats")
        text = [m for m in desk.group.messages() if m.content.startswith("📊")][-1].content
        assert text.splitlines() == [
            "📊 近 7 天(11月20日(周五) – 11月26日(周四))",
            "",
            "❌ 取消订单 5 笔",
            "· 按原因:未填写 3 · 不想要了 1 · 重复下单 1",
            "· 按途径:顾客直接取消 3 · 申请审核通过 1 · 商城取消 1",
            "📝 工单:新提交 3 个 · 已处理 3 个",
            "· 审核用时中位数 6 小时 · 按时处理 2/3(67%)",
            "💬 咨询:新开 0 个 · 已回复 0 个 · 待回复 0 个",
            "· 本期没有已回复的咨询",
            "💰 退款:待完成 6 笔 · 已过预计到账日 2 笔",
            "⭐ 满意度:平均 3.5 分(2 个评分)",
        ]

        [chart] = photos(desk, STAFF_CHAT)
        assert chart.caption == (
            "📈 近 14 天每日数量(11月13日(周五) – 11月26日(周四)):🟥 取消订单 · 🟦 新工单"
        )
        original = chart.photo[-1]  # type: ignore[index]
        stored = desk.tg.file(original["file_id"])
        assert stored is not None
        png = stored.content()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        pixels = image.imread(io.BytesIO(png), format="png")
        assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)
        assert (original["width"], original["height"]) == (WIDTH_PX, HEIGHT_PX)

        # The chart's numbers, day by day in Shanghai: S2 at 23:30 is the 24th's.
        async with desk.shop.session() as uow:
            report = await staff_stats(
                uow,
                days=7,
                user_id=9001,
                is_staff=True,
                rules=desk.runtime.rules,
                now=desk.shop.clock.now(),
            )
        assert report is not None
        busy = {d.day: (d.cancels, d.tickets) for d in report.stats.days if d.cancels or d.tickets}
        assert busy == {
            date(2026, 11, 15): (1, 0),
            date(2026, 11, 20): (0, 1),
            date(2026, 11, 23): (1, 0),
            date(2026, 11, 24): (2, 1),
            date(2026, 11, 25): (1, 1),
            date(2026, 11, 26): (1, 0),
        }
        assert report.stats.days[0] == DayCount(date(2026, 11, 13), 0, 0)

        await desk.li.send("/stats 1")
        one_day = [m for m in desk.group.messages() if m.content.startswith("📊")][-1].content
        assert one_day.splitlines()[:4] == [
            "📊 近 1 天(11月26日(周四) – 11月26日(周四))",
            "",
            "❌ 取消订单 1 笔",
            "· 按原因:未填写 1",
        ]
        assert "· 本期没有处理完的工单" in one_day
        assert "⭐ 满意度:本期暂无评分" in one_day


async def test_bad_days_get_the_usage_and_only_staff_get_numbers(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await desk.shop.add_order("KM-1")
        await desk.shop.link("C0001", 1001)
        for bad in ("/stats abc", "/stats 0", "/stats 91"):
            await desk.li.send(bad)
            assert desk.li.last_text().startswith("用法:/stats [天数]")
        assert not photos(desk, STAFF_CHAT)

        await desk.outsider.send("/stats")
        assert desk.outsider.last_text() == "⛔ 统计只供本店客服查看。"
        assert desk.outsider.buttons() == []  # in the staff group: no shopper's help there
        await desk.shopper.send("/stats")
        assert desk.shopper.last_text() == "⛔ 统计只供本店客服查看。"
        await desk.shopper.press("❓ 帮助")
        assert desk.shopper.last_text().startswith("我可以帮您:")
        assert not photos(desk, STAFF_CHAT) and not photos(desk, 1001)
        refused = await desk.rows(AuditRow, AuditRow.action == "press.refused")
        assert [r.detail["why"] for r in refused] == ["stats_not_staff", "stats_not_staff"]

        # A staff member's own chat with the bot works too.
        staff = desk.tg.user(9001, "李客服")
        await staff.send("/stats 30")
        assert staff.last_text().startswith("📈 近 14 天每日数量")
        assert [m.content.splitlines()[0] for m in staff.messages()] == [
            "📊 近 30 天(10月28日(周三) – 11月26日(周四))",
            "📈 近 14 天每日数量(11月13日(周五) – 11月26日(周四)):🟥 取消订单 · 🟦 新工单",
        ]
        assert (await desk.shop.order("KM-1")).status is OrderStatus.PAID


# --------------------------------------------------------------------------- conversations


async def contact(desk: Desk, order_no: str, when: datetime) -> None:
    """The shopper opens a case about the order (``/contact``); its topic is made."""
    forward(desk, when)
    await desk.shopper.send(f"/contact {order_no}")
    assert f"已为您联系客服(订单 {order_no})" in desk.shopper.last_text()
    await desk.deliver()


async def shopper_says(desk: Desk, text: str, when: datetime) -> None:
    forward(desk, when)
    await write(desk.shopper, text)
    await desk.deliver()


def in_case(desk: Desk, order_no: str, staff: Actor | None = None) -> Actor:
    """A staff member (李客服 by default) writing in the order's case topic."""
    [topic] = [t for t in desk.tg.topics(STAFF_CHAT) if t.name.startswith(f"{order_no} ")]
    return desk.group.in_topic(staff or desk.li, topic.thread_id)


async def staff_says(desk: Desk, order_no: str, text: str, when: datetime) -> None:
    forward(desk, when)
    await write(in_case(desk, order_no), text)
    await desk.deliver()


def last_stats(desk: Desk) -> list[str]:
    return [m for m in desk.group.messages() if m.content.startswith("📊")][
        -1
    ].content.splitlines()


async def test_the_median_first_reply_is_over_the_periods_answered_conversations(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    """KM-7100 is older than the week (answered after 5 h); KM-7101 is answered after
    10 minutes (counted from the shopper's first message, not their second), KM-7102 after
    30 with a saved reply; in KM-7103 staff greeted first and have not answered since; in
    KM-7104 the shopper opened the case and wrote nothing."""
    async with forum_desk(tg, tmp_path, start=local(10, 9)) as desk:
        for n in range(7100, 7105):
            await parcel(desk, f"KM-{n}")
        await desk.shop.link("C0001", 1001)
        await desk.li.send("/replies add 退货地址 请寄到:上海市浦东新区 1 号,注明订单号。")

        await contact(desk, "KM-7100", local(10, 10))
        await shopper_says(desk, "键盘坏了", local(10, 10, 1))
        await staff_says(desk, "KM-7100", "请寄回", local(10, 15, 1))

        await contact(desk, "KM-7101", local(24, 10))
        await shopper_says(desk, "键盘有一个键没反应", local(24, 10, 1))
        await shopper_says(desk, "是空格键", local(24, 10, 6))
        await staff_says(desk, "KM-7101", "请把键盘寄回,收到后退款。", local(24, 10, 11))
        await shopper_says(desk, "好的", local(24, 10, 20))

        await contact(desk, "KM-7102", local(24, 11))
        await shopper_says(desk, "怎么退货?", local(24, 11, 1))
        forward(desk, local(24, 11, 31))
        await in_case(desk, "KM-7102").send("/reply 退货地址")
        await desk.deliver()
        assert desk.shopper.last_text() == "请寄到:上海市浦东新区 1 号,注明订单号。"

        await contact(desk, "KM-7103", local(25, 14))
        await staff_says(desk, "KM-7103", "您好,请问有什么可以帮您?", local(25, 14, 1))
        assert desk.shopper.last_text() == "您好,请问有什么可以帮您?"
        await shopper_says(desk, "我想退货", local(25, 14, 5))

        await contact(desk, "KM-7104", local(25, 16))
        forward(desk, RULES_NOW)

        await desk.li.send("/stats")
        assert last_stats(desk) == [
            "📊 近 7 天(11月20日(周五) – 11月26日(周四))",
            "",
            "❌ 取消订单 0 笔",
            "📝 工单:新提交 0 个 · 已处理 0 个",
            "· 本期没有处理完的工单",
            "💬 咨询:新开 4 个 · 已回复 2 个 · 待回复 1 个",
            "· 首次回复用时中位数 20 分钟",
            "💰 退款:待完成 0 笔 · 已过预计到账日 0 笔",
            "⭐ 满意度:本期暂无评分",
        ]
        await desk.li.send("/stats 30")  # KM-7100 too: 10 min, 30 min and 5 h
        assert last_stats(desk)[5:7] == [
            "💬 咨询:新开 5 个 · 已回复 3 个 · 待回复 1 个",
            "· 首次回复用时中位数 30 分钟",
        ]
        await desk.li.send("/stats 1")
        assert last_stats(desk)[5:7] == [
            "💬 咨询:新开 0 个 · 已回复 0 个 · 待回复 0 个",
            "· 本期没有已回复的咨询",
        ]


async def test_an_application_approved_after_a_conversation_about_its_order_counts_as_one(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    """Both applications are approved on their cards; only KM-T1's order had a case, in
    which the shopper and staff talked before staff approved."""
    async with forum_desk(tg, tmp_path, start=local(25, 9)) as desk:
        talked = await file(desk, "KM-T1", local(25, 10))
        alone = await file(desk, "KM-T2", local(25, 10, 5))
        await desk.shop.link("C0001", 1001)
        await contact(desk, "KM-T1", local(25, 10, 30))
        await shopper_says(desk, "卡密还没用过,麻烦取消", local(25, 10, 31))
        await staff_says(desk, "KM-T1", "好的,我们核实一下", local(25, 10, 41))

        forward(desk, local(25, 11))
        await desk.deliver()
        for ticket_id in (talked, alone):
            await desk.li.press("同意取消", desk.card(ticket_id))
        orders = await desk.rows(OrderRow, OrderRow.order_no.in_(["KM-T1", "KM-T2"]))
        assert {(o.order_no, o.status, o.cancel_path) for o in orders} == {
            ("KM-T1", OrderStatus.CANCELLED.value, "conversation"),
            ("KM-T2", OrderStatus.CANCELLED.value, "application"),
        }

        forward(desk, RULES_NOW)
        await desk.li.send("/stats")
        lines = last_stats(desk)
        assert lines[2:5] == [
            "❌ 取消订单 2 笔",
            "· 按原因:未填写 2",
            "· 按途径:申请审核通过 1 · 咨询后审核通过 1",
        ]
        assert lines[7:9] == [
            "💬 咨询:新开 1 个 · 已回复 1 个 · 待回复 0 个",
            "· 首次回复用时中位数 10 分钟",
        ]
