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
from storage.tables import AuditRow, RefundRow, SurveyRow
from tests.e2e.test_staff import STAFF_CHAT, Desk, open_desk
from tests.fakebot import FakeTelegram, StoredMessage

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
        await desk.shopper.send("/stats")
        assert desk.shopper.last_text() == "⛔ 统计只供本店客服查看。"
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
