"""Mainland China working days: holidays, make-up days, overrides, fallback, hours.

Dates for 2026 are the State Council's announcement as shipped in chinesecalendar:
Spring Festival off 02-15..02-23 with make-up Saturdays 02-14 and 02-28; National
Day / Mid-Autumn off 09-25..09-27 and 10-01..10-07 with make-up Sunday 09-20 and
Saturday 10-10.
"""

from __future__ import annotations

import ast
import json
import logging
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import domain.calendar as calendar_module
from domain.calendar import CalendarFileError, CalendarOverrides, WorkdayCalendar
from domain.policy import review_deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOGGER = "domain.calendar"
CN_2027 = holidays.country_holidays("CN", years=2027)


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


@pytest.fixture
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def write(tmp_path: Path, content: str | dict[str, object]) -> Path:
    path = tmp_path / "calendar.json"
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def fallback_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


# --- Spring Festival 2026 ------------------------------------------------------------


def test_wechat_refund_for_order_paid_on_spring_festival_eve_skips_the_holiday(
    cal: WorkdayCalendar,
) -> None:
    paid = date(2026, 2, 13)  # Friday, last working day before the make-up Saturday
    assert cal.add_workdays(paid, 1) == date(2026, 2, 14)  # make-up Saturday
    assert cal.add_workdays(paid, 2) == date(2026, 2, 24)  # first day after the holiday
    assert cal.add_workdays(paid, 3) == date(2026, 2, 25)


def test_wechat_refund_for_order_cancelled_during_spring_festival_starts_after_it(
    cal: WorkdayCalendar,
) -> None:
    cancelled = date(2026, 2, 15)  # Sunday, first day off
    assert cal.add_workdays(cancelled, 1) == date(2026, 2, 24)
    assert cal.add_workdays(cancelled, 3) == date(2026, 2, 26)


def test_counting_from_the_make_up_saturday_excludes_the_saturday_itself(
    cal: WorkdayCalendar,
) -> None:
    assert cal.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert cal.add_workdays(date(2026, 2, 14), 3) == date(2026, 2, 26)


def test_adding_zero_workdays_returns_the_start_even_on_a_holiday(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2026, 2, 17), 0) == date(2026, 2, 17)


def test_adding_negative_workdays_is_rejected(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        cal.add_workdays(date(2026, 2, 13), -1)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 4),  # Sunday, New Year
        date(2026, 2, 14),  # Saturday, Spring Festival
        date(2026, 2, 28),  # Saturday, Spring Festival
        date(2026, 5, 9),  # Saturday, Labour Day
        date(2026, 9, 20),  # Sunday, National Day
        date(2026, 10, 10),  # Saturday, National Day
    ],
)
def test_official_make_up_weekend_days_are_workdays(cal: WorkdayCalendar, day: date) -> None:
    assert day.weekday() >= 5
    assert cal.is_workday(day)


def test_spring_festival_days_off_are_not_workdays(cal: WorkdayCalendar) -> None:
    days = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert days[-1] == date(2026, 2, 23)
    assert not any(cal.is_workday(day) for day in days)
    assert cal.is_workday(date(2026, 2, 24))


def test_an_ordinary_weekend_is_days_off(cal: WorkdayCalendar) -> None:
    assert not cal.is_workday(date(2026, 3, 7))
    assert not cal.is_workday(date(2026, 3, 8))
    assert cal.is_workday(date(2026, 3, 9))


def test_is_workday_accepts_a_datetime_as_its_day(cal: WorkdayCalendar) -> None:
    assert not cal.is_workday(at(date(2026, 2, 16), 10))
    assert cal.is_workday(at(date(2026, 2, 14), 10))


# --- National Day 2026 ---------------------------------------------------------------


def test_national_day_week_is_off_and_work_resumes_on_october_8(cal: WorkdayCalendar) -> None:
    week = [date(2026, 10, d) for d in range(1, 8)]
    assert not any(cal.is_workday(day) for day in week)
    assert cal.is_workday(date(2026, 10, 8))
    assert cal.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_national_day_make_up_days_fall_on_september_20_and_october_10(
    cal: WorkdayCalendar,
) -> None:
    # Thursday 10-08, Friday 10-09, make-up Saturday 10-10, then Monday 10-12.
    assert cal.add_workdays(date(2026, 10, 7), 3) == date(2026, 10, 10)
    assert cal.add_workdays(date(2026, 10, 7), 4) == date(2026, 10, 12)
    assert cal.add_workdays(date(2026, 9, 19), 1) == date(2026, 9, 20)


def test_next_workday_is_the_day_itself_or_the_first_one_after(cal: WorkdayCalendar) -> None:
    assert cal.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 10, 10)) == date(2026, 10, 10)
    assert cal.next_workday(date(2026, 3, 7)) == date(2026, 3, 9)


# --- workdays_between ----------------------------------------------------------------


def test_workdays_between_counts_the_half_open_interval(cal: WorkdayCalendar) -> None:
    assert cal.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert cal.workdays_between(date(2026, 2, 15), date(2026, 2, 26)) == 3
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert cal.workdays_between(date(2026, 3, 9), date(2026, 3, 9)) == 0


def test_workdays_between_is_negative_when_end_is_before_start(cal: WorkdayCalendar) -> None:
    assert cal.workdays_between(date(2026, 2, 24), date(2026, 2, 13)) == -2


def test_workdays_between_inverts_add_workdays(cal: WorkdayCalendar) -> None:
    start = date(2026, 2, 10)
    for n in range(15):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


# --- overrides -----------------------------------------------------------------------


def test_override_holiday_makes_a_working_tuesday_a_day_off() -> None:
    closure = date(2026, 3, 10)
    cal = WorkdayCalendar(CalendarOverrides(holidays=frozenset({closure})))
    assert not cal.is_workday(closure)
    assert cal.add_workdays(date(2026, 3, 9), 1) == date(2026, 3, 11)


def test_override_workday_makes_a_saturday_working() -> None:
    saturday = date(2026, 3, 14)
    cal = WorkdayCalendar(CalendarOverrides(workdays=frozenset({saturday})))
    assert cal.is_workday(saturday)
    assert cal.add_workdays(date(2026, 3, 13), 1) == saturday


def test_override_beats_the_package_data() -> None:
    cal = WorkdayCalendar(
        CalendarOverrides(
            holidays=frozenset({date(2026, 10, 8)}), workdays=frozenset({date(2026, 10, 1)})
        )
    )
    assert not cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 10, 1))


def test_overrides_listing_a_date_as_both_holiday_and_workday_are_rejected() -> None:
    day = date(2026, 3, 10)
    with pytest.raises(ValueError, match="both as holiday and as workday: 2026-03-10"):
        CalendarOverrides(holidays=frozenset({day}), workdays=frozenset({day}))


# --- coverage and fallback -----------------------------------------------------------


def test_package_years_are_covered_and_others_are_not(cal: WorkdayCalendar) -> None:
    assert cal.covers(2004)
    assert cal.covers(2026)
    assert not cal.covers(2003)
    assert not cal.covers(2027)


def test_uncovered_year_takes_statutory_holidays_by_rule_with_exactly_one_warning(
    cal: WorkdayCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert not cal.is_workday(date(2027, 1, 2))  # Saturday
    assert not cal.is_workday(date(2027, 1, 3))  # Sunday
    assert cal.is_workday(date(2027, 1, 4))  # Monday
    assert not cal.is_workday(date(2027, 1, 1))  # New Year's Day, a Friday
    assert cal.add_workdays(date(2027, 3, 5), 1) == date(2027, 3, 8)
    assert cal.workdays_between(date(2027, 1, 1), date(2027, 12, 31)) > 200

    records = fallback_warnings(caplog)
    assert len(records) == 1
    message = records[0].getMessage()
    assert "2027" in message
    assert "CALENDAR_FILE" in message
    assert "shown as estimates" in message
    assert "upgrade chinesecalendar" in message


def test_spring_festival_and_national_day_2027_are_days_off_by_rule(
    cal: WorkdayCalendar,
) -> None:
    # Lunar New Year falls on Saturday 2027-02-06: eve and three days off, the two
    # weekend days made up on the Tuesday and Wednesday after.
    for day in range(5, 11):
        assert not cal.is_workday(date(2027, 2, day)), day
    assert cal.is_workday(date(2027, 2, 4))
    assert cal.is_workday(date(2027, 2, 11))
    for day in range(1, 6):
        assert not cal.is_workday(date(2027, 10, day)), day
    assert not cal.is_workday(date(2027, 9, 15))  # Mid-Autumn, a Wednesday
    assert not cal.is_workday(date(2027, 5, 3))  # Labour Day (observed)


def test_bank_card_refund_requested_on_2026_12_28_skips_new_years_day(
    cal: WorkdayCalendar,
) -> None:
    requested = date(2026, 12, 28)  # Monday; bank cards take 3–5 working days
    assert cal.add_workdays(requested, 3) == date(2026, 12, 31)
    assert cal.add_workdays(requested, 5) == date(2027, 1, 5)


def test_review_deadline_of_an_application_filed_on_new_years_eve_is_after_new_year(
    cal: WorkdayCalendar,
) -> None:
    filed = datetime(2026, 12, 31, 10, tzinfo=SHANGHAI)
    assert review_deadline(filed, cal, SHANGHAI) == date(2027, 1, 5)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 12, 20)),
    n=st.integers(min_value=1, max_value=7),
)
def test_no_promised_date_in_2027_lands_on_a_statutory_holiday_or_weekend(
    start: date, n: int
) -> None:
    promised = WorkdayCalendar().add_workdays(start, n)
    if promised.year == 2027:
        assert promised not in CN_2027
        assert promised.weekday() < 5


def test_dates_are_estimates_only_in_years_without_an_official_calendar(tmp_path: Path) -> None:
    cal = WorkdayCalendar()
    assert not cal.is_estimate(date(2026, 12, 31))
    assert cal.is_estimate(date(2027, 1, 5))
    official = WorkdayCalendar(
        CalendarOverrides.load(write(tmp_path, {"years": [2027], "holidays": ["2027-01-01"]}))
    )
    assert not official.is_estimate(date(2027, 1, 5))


@pytest.mark.parametrize(
    ("today", "wanted"),
    [
        (date(2026, 10, 31), None),  # next year's announcement is not due yet
        (date(2026, 11, 1), 2027),
        (date(2026, 12, 31), 2027),
        (date(2027, 3, 1), 2027),  # this year itself still unknown
    ],
)
def test_next_years_calendar_is_wanted_from_november(today: date, wanted: int | None) -> None:
    assert WorkdayCalendar().wanted_year(today) == wanted


def test_a_complete_override_year_is_not_wanted_any_more(tmp_path: Path) -> None:
    path = write(tmp_path, {"years": [2027], "holidays": ["2027-01-01"]})
    assert WorkdayCalendar(CalendarOverrides.load(path)).wanted_year(date(2026, 11, 20)) is None


def test_the_sample_override_files_list_only_real_holidays_and_weekend_make_up_days() -> None:
    root = Path(__file__).parents[2]
    samples = [
        line.split("Format:", 1)[1].strip()
        for line in (root / ".env.example").read_text(encoding="utf-8").splitlines()
        if "Format:" in line
    ]
    readme = (root / "README.md").read_text(encoding="utf-8")
    samples += [line for line in readme.splitlines() if line.startswith('{"years"')]
    assert len(samples) >= 2
    for sample in samples:
        data = json.loads(sample)
        for day in map(date.fromisoformat, data["holidays"]):
            assert day in holidays.country_holidays("CN", years=day.year), sample
        for day in map(date.fromisoformat, data["workdays"]):
            assert day.weekday() >= 5, sample  # a make-up working day is a weekend day
            assert day not in holidays.country_holidays("CN", years=day.year), sample


def test_each_uncovered_year_warns_once_on_its_own(
    cal: WorkdayCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    for _ in range(3):
        cal.is_workday(date(2027, 6, 1))
        cal.is_workday(date(2027, 6, 2))
        cal.is_workday(date(2003, 6, 2))
    messages = [r.getMessage() for r in fallback_warnings(caplog)]
    assert len(messages) == 2
    assert "2027" in messages[0]
    assert "2003" in messages[1]


def test_covered_years_log_no_warning(
    cal: WorkdayCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    cal.workdays_between(date(2026, 1, 1), date(2026, 12, 31))
    assert fallback_warnings(caplog) == []


def test_override_file_declaring_2027_complete_suppresses_the_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path,
        {
            "years": [2027],
            "holidays": ["2027-01-01", "2027-02-08", "2027-02-09"],
            "workdays": ["2027-02-20"],
        },
    )
    cal = WorkdayCalendar(CalendarOverrides.load(path))
    caplog.set_level(logging.WARNING, logger=LOGGER)

    assert cal.covers(2027)
    assert not cal.is_workday(date(2027, 1, 1))  # listed holiday (Friday)
    assert cal.is_workday(date(2027, 2, 20))  # listed make-up Saturday
    assert not cal.is_workday(date(2027, 1, 2))  # unlisted Saturday stays off
    assert cal.is_workday(date(2027, 1, 4))
    assert fallback_warnings(caplog) == []


def test_override_dates_in_an_incomplete_year_still_apply_but_the_year_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cal = WorkdayCalendar(CalendarOverrides(holidays=frozenset({date(2027, 1, 1)})))
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert not cal.is_workday(date(2027, 1, 1))
    assert not cal.covers(2027)
    assert fallback_warnings(caplog) == []  # nothing guessed yet
    assert cal.is_workday(date(2027, 1, 4))
    assert len(fallback_warnings(caplog)) == 1


# --- override file -------------------------------------------------------------------


def test_load_reads_years_holidays_and_workdays(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"years": [2027], "holidays": ["2027-01-01"], "workdays": ["2027-02-06"]}
    )
    assert CalendarOverrides.load(path) == CalendarOverrides(
        holidays=frozenset({date(2027, 1, 1)}),
        workdays=frozenset({date(2027, 2, 6)}),
        complete_years=frozenset({2027}),
    )


def test_load_accepts_an_empty_object_and_a_str_path(tmp_path: Path) -> None:
    assert CalendarOverrides.load(str(write(tmp_path, "{}"))) == CalendarOverrides()


def test_missing_file_names_the_file_and_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(CalendarFileError) as info:
        CalendarOverrides.load(path)
    message = str(info.value)
    assert str(path) in message
    assert "not found" in message
    assert "CALENDAR_FILE" in message
    assert "\n" not in message


def test_a_directory_instead_of_a_file_is_a_calendar_file_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match="cannot be read"):
        CalendarOverrides.load(tmp_path)


def test_bad_json_names_the_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "years": [2027],\n  "holidays": ["2027-01-01",]\n}\n')
    with pytest.raises(CalendarFileError) as info:
        CalendarOverrides.load(path)
    message = str(info.value)
    assert message.startswith(f"calendar file {path}: invalid JSON on line 3, column")
    assert "fix the syntax" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{\n  "years": [2027],\n  "holidays": [\n    "2027-01-01",\n    "2027-02-30"\n  ]\n}',
            'holidays[1] "2027-02-30" on line 5 is not a valid date (day is out of range '
            "for month); correct the day or month",
        ),
        (
            '{"workdays": ["2027/02/06"]}',
            'workdays[0] "2027/02/06" on line 1 is not a date; write dates as "YYYY-MM-DD" '
            'strings, e.g. "2027-01-01"',
        ),
        (
            '{"holidays": [20270101]}',
            'holidays[0] 20270101 is not a date; write dates as "YYYY-MM-DD"',
        ),
        (
            '{"years": ["2027"], "holidays": ["2027-01-01"]}',
            'years[0] "2027" on line 1 is not a year; write years as plain numbers',
        ),
        (
            '{"holidays": ["2027-10-01"], "workdays": ["2027-10-01"]}',
            '"2027-10-01" is listed both in "holidays" and in "workdays"; keep it in only one',
        ),
        (
            '{"years": [2027, 2028], "holidays": ["2027-01-01"]}',
            '"years" declares 2028 complete but "holidays" lists no date in 2028; add 2028',
        ),
        (
            '{"holiday": ["2027-01-01"]}',
            "unknown key 'holiday'; use only 'years', 'holidays', 'workdays'",
        ),
        ('{"holidays": "2027-01-01"}', '"holidays" is not a list'),
        ('["2027-01-01"]', "the top level is a JSON list, not an object"),
    ],
)
def test_bad_entries_raise_one_line_errors_naming_file_entry_and_fix(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(CalendarFileError) as info:
        CalendarOverrides.load(path)
    message = str(info.value)
    assert message.startswith(f"calendar file {path}: ")
    assert expected in message
    assert "\n" not in message


def test_calendar_file_error_is_a_value_error() -> None:
    assert issubclass(CalendarFileError, ValueError)


# --- working hours -------------------------------------------------------------------


def test_work_hours_carry_over_a_weekend(cal: WorkdayCalendar) -> None:
    friday = date(2026, 3, 13)
    deadline = cal.add_work_hours(at(friday, 16), 4)
    assert deadline == at(date(2026, 3, 16), 11)
    assert deadline.tzinfo is SHANGHAI


def test_work_hours_carry_over_the_national_day_holiday(cal: WorkdayCalendar) -> None:
    assert cal.add_work_hours(at(date(2026, 9, 30), 17), 2) == at(date(2026, 10, 8), 10)


def test_work_hours_count_the_make_up_saturday_and_skip_spring_festival(
    cal: WorkdayCalendar,
) -> None:
    assert cal.add_work_hours(at(date(2026, 2, 13), 17), 4) == at(date(2026, 2, 14), 12)
    assert cal.add_work_hours(at(date(2026, 2, 14), 17), 2) == at(date(2026, 2, 24), 10)


def test_work_hours_start_counting_at_the_next_opening(cal: WorkdayCalendar) -> None:
    monday = date(2026, 3, 9)
    assert cal.add_work_hours(at(monday, 7), 1) == at(monday, 10)
    assert cal.add_work_hours(at(monday, 20), 1) == at(date(2026, 3, 10), 10)
    assert cal.add_work_hours(at(date(2026, 10, 3), 12), 1.5) == at(date(2026, 10, 8), 10, 30)


def test_a_budget_ending_at_closing_time_returns_closing_time(cal: WorkdayCalendar) -> None:
    monday = date(2026, 3, 9)
    assert cal.add_work_hours(at(monday, 9), 9) == at(monday, 18)


def test_zero_work_hours_return_the_start(cal: WorkdayCalendar) -> None:
    sunday_night = at(date(2026, 3, 8), 23)
    assert cal.add_work_hours(sunday_night, 0) == sunday_night


def test_custom_working_day_window(cal: WorkdayCalendar) -> None:
    monday = date(2026, 3, 9)
    result = cal.add_work_hours(at(monday, 20), 3, day_start=time(10), day_end=time(12))
    assert result == at(date(2026, 3, 11), 11)


def test_work_hours_use_the_start_timezone(cal: WorkdayCalendar) -> None:
    utc = ZoneInfo("UTC")
    start = at(date(2026, 3, 13), 17, tz=utc)  # Friday 17:00 UTC
    result = cal.add_work_hours(start, 2)
    assert result == at(date(2026, 3, 16), 10, tz=utc)
    assert result.tzinfo is utc


@pytest.mark.parametrize("hours", [-1.0, float("nan"), float("inf")])
def test_invalid_hour_budgets_are_rejected(cal: WorkdayCalendar, hours: float) -> None:
    with pytest.raises(ValueError, match="hours must be a finite number"):
        cal.add_work_hours(at(date(2026, 3, 9), 9), hours)


def test_naive_datetimes_are_rejected(cal: WorkdayCalendar) -> None:
    naive = at(date(2026, 3, 9), 9).replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_work_hours(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.work_hours_between(at(date(2026, 3, 9), 9), naive)


def test_an_empty_working_day_window_is_rejected(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="must be before day_end"):
        cal.add_work_hours(at(date(2026, 3, 9), 9), 1, day_start=time(18), day_end=time(9))


def test_work_hours_between_skips_weekend_and_holiday(cal: WorkdayCalendar) -> None:
    assert cal.work_hours_between(at(date(2026, 3, 13), 16), at(date(2026, 3, 16), 11)) == 4.0
    assert cal.work_hours_between(at(date(2026, 9, 30), 17), at(date(2026, 10, 8), 10)) == 2.0
    assert cal.work_hours_between(at(date(2026, 10, 2), 9), at(date(2026, 10, 5), 18)) == 0.0


def test_work_hours_between_is_negative_when_overdue(cal: WorkdayCalendar) -> None:
    deadline, now = at(date(2026, 3, 13), 16), at(date(2026, 3, 16), 11)
    assert cal.work_hours_between(now, deadline) == -4.0


def test_work_hours_between_converts_the_end_to_the_start_timezone(
    cal: WorkdayCalendar,
) -> None:
    start = at(date(2026, 3, 9), 9)
    end = at(date(2026, 3, 9), 3, tz=ZoneInfo("UTC"))  # 11:00 in Shanghai
    assert cal.work_hours_between(start, end) == 2.0


def test_ticket_opened_before_spring_festival_is_not_urgent_until_after_it(
    cal: WorkdayCalendar,
) -> None:
    opened = at(date(2026, 2, 14), 15)  # make-up Saturday
    deadline = cal.add_work_hours(opened, 8)
    assert deadline == at(date(2026, 2, 24), 14)
    assert cal.work_hours_between(opened, deadline) == 8.0
    # The holiday week does not use up the ticket's hours.
    assert cal.work_hours_between(at(date(2026, 2, 20), 12), deadline) == 5.0
    assert cal.work_hours_between(at(date(2026, 2, 24), 11, 30), deadline) == 2.5


def test_add_work_hours_and_work_hours_between_are_inverse(cal: WorkdayCalendar) -> None:
    start = at(date(2026, 9, 29), 13, 15)
    for hours in (0.25, 1, 4.75, 9, 13.5, 40):
        end = cal.add_work_hours(start, hours)
        assert cal.work_hours_between(start, end) == pytest.approx(hours)


# --- purity --------------------------------------------------------------------------


def test_domain_calendar_imports_only_stdlib_and_the_two_calendar_packages() -> None:
    source = Path(calendar_module.__file__).read_text(encoding="utf-8")
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    assert roots - set(sys.stdlib_module_names) == {"chinese_calendar", "holidays"}
