"""/stats: its argument, the shop's local days, and how the numbers read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from domain.cases import CaseTopic
from domain.orders import CancelPath
from domain.ports import CaseDraft, DayCount, ShopStats
from domain.review import approved_path
from domain.stats import CHART_DAYS, MAX_DAYS, StatsReport, parse_days, stats_window
from handlers.i18n import Translations
from handlers.staff.stats_views import chart_caption, duration_text, stats_text
from tests.unit.fakes import FakeUnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Thursday 2026-11-26 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
ZH = Translations().get("zh")
EN = Translations().get("en")


@pytest.mark.parametrize(
    ("args", "days"),
    [
        (None, 7),
        ("", 7),
        ("30", 30),
        (" 1 ", 1),
        ("９０", 90),  # typed on a full-width keyboard
        ("0", None),
        (str(MAX_DAYS + 1), None),
        ("-3", None),
        ("7天", None),
        ("abc", None),
        ("1000000", None),
    ],
)
def test_the_days_argument(args: str | None, days: int | None) -> None:
    assert parse_days(args) == days


def test_a_week_is_today_and_the_six_local_days_before_from_local_midnight() -> None:
    window = stats_window(NOW, SHANGHAI, 7)
    assert window.today == date(2026, 11, 26)
    # 2026-11-20 00:00 in Shanghai.
    assert window.since == datetime(2026, 11, 19, 16, 0, tzinfo=UTC)
    assert window.until == NOW
    starts = window.day_starts
    assert len(starts) == CHART_DAYS + 1
    assert starts[0] == datetime(2026, 11, 12, 16, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert all(b - a == timedelta(days=1) for a, b in pairwise(starts))


def test_late_at_night_utc_is_already_the_next_local_day() -> None:
    late = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # 01:30 on the 27th in Shanghai
    assert stats_window(late, SHANGHAI, 1).since == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def report(**changes: object) -> StatsReport:
    values: dict[str, object] = {
        "cancels_by_reason": {"duplicate": 2, None: 1, "changed_mind": 2},
        "cancels_by_path": {"direct": 3, "application": 1, "shop": 1},
        "tickets_filed": 4,
        "tickets_decided": 3,
        "decided_on_time": 2,
        "median_review": timedelta(hours=5, minutes=12),
        "cases_opened": 4,
        "cases_answered": 2,
        "cases_waiting": 1,
        "median_first_reply": timedelta(minutes=20),
        "refunds_pending": 2,
        "refunds_overdue": 1,
        "ratings": 3,
        "rating_average": 13 / 3,
        "days": tuple(
            DayCount(date(2026, 11, 13) + timedelta(days=n), n % 3, n % 2)
            for n in range(CHART_DAYS)
        ),
    }
    values.update(changes)
    return StatsReport(7, date(2026, 11, 20), date(2026, 11, 26), ShopStats(**values))  # type: ignore[arg-type]


def test_the_numbers_read_as_staff_would_say_them() -> None:
    assert stats_text(ZH, report()).splitlines() == [
        "📊 近 7 天(11月20日(周五) – 11月26日(周四))",
        "",
        "❌ 取消订单 5 笔",
        "· 按原因:不想要了 2 · 重复下单 2 · 未填写 1",
        "· 按途径:顾客直接取消 3 · 申请审核通过 1 · 商城取消 1",
        "📝 工单:新提交 4 个 · 已处理 3 个",
        "· 审核用时中位数 5.2 小时 · 按时处理 2/3(67%)",
        "💬 咨询:新开 4 个 · 已回复 2 个 · 待回复 1 个",
        "· 首次回复用时中位数 20 分钟",
        "💰 退款:待完成 2 笔 · 已过预计到账日 1 笔",
        "⭐ 满意度:平均 4.3 分(3 个评分)",
    ]


def test_an_empty_period_and_a_way_of_cancelling_from_a_newer_release() -> None:
    empty = report(
        cancels_by_reason={},
        cancels_by_path={},
        tickets_decided=0,
        decided_on_time=0,
        median_review=None,
        cases_opened=0,
        cases_answered=0,
        cases_waiting=0,
        median_first_reply=None,
        ratings=0,
        rating_average=None,
    )
    text = stats_text(ZH, empty)
    assert "❌ 取消订单 0 笔" in text
    assert "按原因" not in text
    assert "· 本期没有处理完的工单" in text
    assert "💬 咨询:新开 0 个 · 已回复 0 个 · 待回复 0 个" in text
    assert "· 本期没有已回复的咨询" in text
    assert "⭐ 满意度:本期暂无评分" in text
    newer = stats_text(ZH, report(cancels_by_path={"by_phone": 4, None: 1}))
    assert "· 按途径:by_phone 4 · 未记录 1" in newer


def test_durations_and_the_caption() -> None:
    assert duration_text(ZH, timedelta(minutes=42, seconds=20)) == "42 分钟"
    assert duration_text(ZH, timedelta(hours=26)) == "26 小时"
    caption = chart_caption(ZH, report())
    assert (
        caption == "📈 近 14 天每日数量(11月13日(周五) – 11月26日(周四)):🟥 取消订单 · 🟦 新工单"
    )


def test_a_cancel_settled_in_a_conversation_has_its_words_in_both_languages() -> None:
    paths = {"conversation": 2, "application": 1}
    assert "· 按途径:咨询后审核通过 2 · 申请审核通过 1" in stats_text(
        ZH, report(cancels_by_path=paths)
    )
    english = stats_text(EN, report(cancels_by_path=paths))
    assert "· by way: approved after a conversation 2 · application approved 1" in english
    assert "💬 Conversations: 4 opened · 2 answered · 1 waiting for staff" in english
    assert "· median first reply time 20 min" in english


def test_a_first_reply_median_over_an_hour_reads_in_hours() -> None:
    text = stats_text(ZH, report(median_first_reply=timedelta(hours=10, minutes=30)))
    assert "· 首次回复用时中位数 10.5 小时" in text.splitlines()


async def _case_about(uow: FakeUnitOfWork, order_id: int, at: datetime) -> None:
    await uow.cases.add(CaseDraft(1, order_id, CaseTopic.LATE), at)


async def test_an_approval_counts_as_a_conversation_only_when_the_order_had_a_case_by_then() -> (
    None
):
    uow = FakeUnitOfWork()
    decided = NOW
    assert await approved_path(uow, 7, decided_at=decided) is CancelPath.APPLICATION

    await _case_about(uow, 8, decided - timedelta(hours=1))  # another order's conversation
    await _case_about(uow, 7, decided + timedelta(minutes=1))  # opened after the decision
    assert await approved_path(uow, 7, decided_at=decided) is CancelPath.APPLICATION

    await _case_about(uow, 9, decided)  # opened the moment staff decided: by then
    assert await approved_path(uow, 9, decided_at=decided) is CancelPath.CONVERSATION
    await _case_about(uow, 10, decided - timedelta(days=3))
    assert await approved_path(uow, 10, decided_at=decided) is CancelPath.CONVERSATION
