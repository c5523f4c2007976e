"""Dates in a year whose holidays are not announced yet: estimates, never a holiday, and a
weekly reminder to staff from November until the operator loads the official list."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.tables import OutboxRow
from tests.e2e.conftest import Shop, running_shop
from tests.e2e.test_apply import delivering
from tests.e2e.test_refunds import deliver
from tests.fakebot import FakeTelegram

STAFF_CHAT = -1001
REMINDER = "还没有 2027 年的官方放假安排"
#: Thursday 2026-12-31 10:00 in Shanghai: New Year's Day 2027 is the next day.
NEW_YEARS_EVE = datetime(2026, 12, 31, 2, 0, tzinfo=UTC)


def reminders(tg: FakeTelegram) -> list[str]:
    return [m.content for m in tg.messages(STAFF_CHAT, from_bot=True) if REMINDER in m.content]


async def reminder_keys(shop: Shop) -> list[str]:
    async with shop.session() as uow:
        query = select(OutboxRow.dedupe_key).where(OutboxRow.kind == "staff.calendar_wanted")
        return list((await uow.session.scalars(query.order_by(OutboxRow.id))).all())


async def tick(shop: Shop, tg: FakeTelegram) -> None:
    await shop.runtime.planner.tick()
    await deliver(shop, tg)


async def test_staff_are_reminded_once_a_week_to_load_next_years_holidays(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.app")
    tg.group(STAFF_CHAT, "客服组")
    async with running_shop(tg, tmp_path, calendar_file=None) as shop:
        [started] = [r.getMessage() for r in caplog.records if "2027" in r.getMessage()]
        assert "CALENDAR_FILE" in started
        assert "shown to shoppers as estimates" in started

        await tick(shop, tg)
        [text] = reminders(tg)
        assert "CALENDAR_FILE" in text
        assert '{"years": [2027], "holidays": ["2027-01-01", ...]' in text
        assert "每周提醒一次" in text

        for hours in (1, 24, 48):  # later the same week (to Sunday): nothing more
            shop.clock.current += timedelta(hours=hours)
            await tick(shop, tg)
        assert len(reminders(tg)) == 1

        shop.clock.current += timedelta(days=7)
        await tick(shop, tg)
        assert len(reminders(tg)) == 2
        assert await reminder_keys(shop) == [
            "calendar-wanted:2027:2026-W48",
            "calendar-wanted:2027:2026-W49",
        ]


async def test_no_reminder_once_the_official_list_is_loaded(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.app")
    tg.group(STAFF_CHAT, "客服组")
    async with running_shop(tg, tmp_path) as shop:  # the default test settings load 2027
        await tick(shop, tg)
        shop.clock.current += timedelta(days=7)
        await tick(shop, tg)
        assert reminders(tg) == []
        assert await reminder_keys(shop) == []
    assert not [r for r in caplog.records if "holiday calendar" in r.getMessage()]


@pytest.mark.parametrize(
    ("calendar", "deadline"),
    [
        # 2027-01-01 is New Year's Day: two working days after Thursday are Mon 4 and Tue 5.
        ("by rule", "(最晚 1月5日(周二)·预计)审核"),
        ("loaded", "(最晚 1月5日(周二))审核"),
    ],
)
async def test_an_application_on_new_years_eve_is_due_after_new_year_an_estimate_until_loaded(
    tg: FakeTelegram, tmp_path: Path, calendar: str, deadline: str
) -> None:
    overrides: dict[str, object] = {"calendar_file": None} if calendar == "by rule" else {}
    async with running_shop(tg, tmp_path, **overrides) as shop:
        shop.clock.current = NEW_YEARS_EVE
        await delivering(shop)
        user = tg.user(1001)
        await user.send("KM-A1")
        await user.press("📝 申请取消")
        assert deadline in user.last_text()
