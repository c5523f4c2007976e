"""Working days and working hours for mainland China.

Refund dates ("WeChat: 1–3 working days") and staff review deadlines are promised
to shoppers in *working* days, and mainland working days are not simply Monday to
Friday: statutory holidays (法定节假日) are days off, and the State Council moves
some weekend days to be working days instead (调休上班, e.g. Saturday 2026-02-14
and Saturday 2026-02-28 around the Spring Festival). Counting Monday to Friday
would promise a refund during the Spring Festival week and would miss the
make-up Saturdays on which the payment channels do process refunds.

The official dates come from the ``chinesecalendar`` package, which only knows
the years the State Council has already announced. Operators can correct or
extend it with a small JSON override file (see :class:`CalendarOverrides`).
For a year neither knows, the days off come from the ``holidays`` package, which
derives China's statutory holidays from their rules (lunar dates included) but
cannot know the State Council's make-up working days: such a year's dates are
estimates, and :meth:`WorkdayCalendar.is_estimate` says so, so the shopper is
told the date is an estimate rather than promised a day.

This module is part of the pure ``domain`` package: it imports only the
standard library, ``chinese_calendar`` and ``holidays``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import chinese_calendar
import holidays

__all__ = [
    "CALENDAR_FILE_ENV",
    "CalendarFileError",
    "CalendarOverrides",
    "WorkdayCalendar",
]

logger = logging.getLogger(__name__)

#: The setting (environment variable) through which the app points at the override file.
#: Only named in messages here; reading the environment is the app's job, not the domain's.
CALENDAR_FILE_ENV = "CALENDAR_FILE"

_ONE_DAY = timedelta(days=1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FILE_KEYS = ("years", "holidays", "workdays")
_FILE_EXAMPLE = (
    '{"years": [2027], "holidays": ["2027-01-01", ...], "workdays": ["2027-02-20", ...]}'
)
#: From this month on, next year's official calendar is wanted (the State Council
#: usually announces it in October or November).
NEXT_YEAR_WANTED_FROM_MONTH = 11


class CalendarFileError(ValueError):
    """The calendar override file cannot be used.

    The message is a single line that names the file, the offending line or entry
    and what to do about it, so the app can show it to the operator verbatim and
    refuse to start: silently ignoring a broken file would quietly put wrong
    refund dates in front of shoppers.
    """


@dataclass(frozen=True)
class CalendarOverrides:
    """Operator corrections on top of the ``chinesecalendar`` data.

    * ``holidays`` — dates that are days off whatever the package says (e.g. a
      holiday of a year the package does not know yet, or a shop-wide closure).
    * ``workdays`` — dates that are working days whatever the package says (e.g.
      a make-up Saturday of a year the package does not know yet).
    * ``complete_years`` — years for which ``holidays`` and ``workdays`` list
      *every* deviation from the Monday–Friday week. For those years the
      calendar is trusted and no fallback warning is logged.

    Overrides win over the package so that an operator can fix a wrong or late
    announcement without waiting for a new ``chinesecalendar`` release.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    complete_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            listed = ", ".join(day.isoformat() for day in sorted(both))
            raise ValueError(f"dates listed both as holiday and as workday: {listed}")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CalendarOverrides:
        """Read an override file such as::

            {"years": [2027],
             "holidays": ["2027-01-01", "2027-02-08"],
             "workdays": ["2027-02-20"]}

        All keys are optional. Dates are written ``YYYY-MM-DD``. ``years`` lists
        the years whose days off and make-up working days the file lists
        completely.

        Raises :class:`CalendarFileError` with a one-line message for a missing
        or unreadable file, invalid JSON, an unknown key, a malformed date or
        year, a date listed both as holiday and as workday, and a year declared
        complete that lists no holidays at all (every mainland year has some, so
        that is a typo or an unfinished file).
        """
        name = os.fspath(path)
        try:
            with open(name, encoding="utf-8") as file:
                text = file.read()
        except FileNotFoundError:
            raise CalendarFileError(
                f"calendar file {name} not found: create it (format: {_FILE_EXAMPLE}) "
                f"or point {CALENDAR_FILE_ENV} at an existing file"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CalendarFileError(
                f"calendar file {name} cannot be read ({exc}): make it a readable "
                f"UTF-8 JSON file or point {CALENDAR_FILE_ENV} elsewhere"
            ) from None
        return _parse_overrides(name, text)


def _parse_overrides(name: str, text: str) -> CalendarOverrides:
    def fail(problem: str, fix: str) -> CalendarFileError:
        return CalendarFileError(f"calendar file {name}: {problem}; {fix}")

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(
            f"invalid JSON on line {exc.lineno}, column {exc.colno} ({exc.msg})",
            f"fix the syntax, the expected shape is {_FILE_EXAMPLE}",
        ) from None
    if not isinstance(data, dict):
        raise fail(
            f"the top level is a JSON {type(data).__name__}, not an object",
            f"write an object like {_FILE_EXAMPLE}",
        )
    unknown = sorted(set(data) - set(_FILE_KEYS))
    if unknown:
        raise fail(
            f"unknown key {unknown[0]!r}",
            f"use only {', '.join(repr(key) for key in _FILE_KEYS)}",
        )

    years: set[int] = set()
    for index, value in enumerate(_entries(data, "years", fail)):
        if type(value) is not int or not 1 <= value <= 9999:
            raise fail(
                f"years[{index}] {_show(value)}{_line_hint(text, value)} is not a year",
                "write years as plain numbers, e.g. [2027]",
            )
        years.add(value)

    def dates(key: str) -> set[date]:
        found: set[date] = set()
        for index, value in enumerate(_entries(data, key, fail)):
            entry = f"{key}[{index}] {_show(value)}{_line_hint(text, value)}"
            if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
                raise fail(
                    f"{entry} is not a date",
                    'write dates as "YYYY-MM-DD" strings, e.g. "2027-01-01"',
                )
            try:
                found.add(date.fromisoformat(value))
            except ValueError as exc:
                raise fail(
                    f"{entry} is not a valid date ({exc})",
                    "correct the day or month",
                ) from None
        return found

    holidays, workdays = dates("holidays"), dates("workdays")
    both = sorted(holidays & workdays)
    if both:
        day = both[0].isoformat()
        raise fail(
            f'"{day}" is listed both in "holidays" and in "workdays"',
            "keep it in only one of the two lists",
        )
    for year in sorted(years):
        if not any(day.year == year for day in holidays):
            raise fail(
                f'"years" declares {year} complete but "holidays" lists no date in {year}',
                f'add {year}\'s days off to "holidays" or remove {year} from "years"',
            )
    return CalendarOverrides(frozenset(holidays), frozenset(workdays), frozenset(years))


def _entries(
    data: dict[str, Any], key: str, fail: Callable[[str, str], CalendarFileError]
) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise fail(f'"{key}" is not a list', f'write it as a list, e.g. "{key}": [...]')
    return value


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _line_hint(text: str, value: Any) -> str:
    """' on line N' for the first place the string ``value`` appears in the file.

    Only for strings: a bare number such as ``0`` could match inside any date.
    """
    position = text.find(_show(value)) if isinstance(value, str) else -1
    if position < 0:
        return ""
    return f" on line {text.count(chr(10), 0, position) + 1}"


class WorkdayCalendar:
    """Mainland China working days, with operator overrides and a safe fallback.

    For each date the answer comes from, in order:

    1. the overrides (explicit holidays, then explicit workdays);
    2. the ``chinesecalendar`` data, for the years the package covers;
    3. otherwise the statutory holidays by rule (the ``holidays`` package) and
       the plain week: Monday–Friday work, weekends and those holidays off.

    The fallback exists because refunds must still get a date when the package
    has no data for the year (typically late in a year, before the State
    Council's announcement for the next one is installed). The holidays
    themselves follow fixed rules, so no date lands on one; only the make-up
    working days, and any extra bridging days off, are unknown, which can put a
    date a day or two early or late. The inaccuracy is made visible instead: such
    dates are estimates (:meth:`is_estimate`), and one warning per uncovered year
    names the fix. Years the override file declares complete count as covered.

    Answers are cached per date; the calendar never changes after construction.
    """

    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self._overrides = overrides or CalendarOverrides()
        self._days: dict[date, bool] = {}
        self._package_years: dict[int, bool] = {}
        self._rule_years: dict[int, frozenset[date]] = {}
        self._warned_years: set[int] = set()
        self._warn_lock = threading.Lock()

    # --- days -------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether real holiday data is known for ``year`` (package or complete override)."""
        return year in self._overrides.complete_years or self._package_covers(year)

    def is_estimate(self, day: date) -> bool:
        """Whether ``day``'s working-day status is derived by rule, not officially announced."""
        return not self.covers(day.year)

    def wanted_year(self, today: date) -> int | None:
        """The year whose official calendar should be added now, if any.

        This year if it is not covered; from November on, next year too, so the
        operator has weeks to add it before promised dates reach into it.
        """
        if not self.covers(today.year):
            return today.year
        if today.month >= NEXT_YEAR_WANTED_FROM_MONTH and not self.covers(today.year + 1):
            return today.year + 1
        return None

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day in mainland China."""
        if isinstance(day, datetime):  # a datetime is a date too; key the cache by the day
            day = day.date()
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = self._resolve(day)
        return cached

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start``; ``start`` itself for ``n == 0``.

        ``start`` does not count even when it is a working day: an order paid on
        Friday 2026-02-13 with a "1–3 working days" refund gets 2026-02-14 (a
        make-up Saturday) to 2026-02-25, skipping the Spring Festival holidays.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = start
        for _ in range(n):
            day = self.next_workday(day + _ONE_DAY)
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative (the same count) if ``end`` < ``start``.

        The inverse of :meth:`add_workdays`: ``workdays_between(d, add_workdays(d, n)) == n``.
        Signed rather than clamped to 0 so that "overdue by 2 working days" can be told apart
        from "due today".
        """
        if end < start:
            return -self.workdays_between(end, start)
        count, day = 0, start + _ONE_DAY
        while day <= end:
            count += self.is_workday(day)
            day += _ONE_DAY
        return count

    # --- hours ------------------------------------------------------------------------

    def add_work_hours(
        self,
        start: datetime,
        hours: float,
        day_start: time = time(9),
        day_end: time = time(18),
    ) -> datetime:
        """The moment ``hours`` working hours after ``start``.

        Working hours are ``[day_start, day_end)`` on working days, as wall-clock
        times in ``start``'s timezone; the result carries that timezone. A start
        outside working hours begins counting at the next opening, and a budget
        that ends exactly at closing time returns closing time (not the next
        morning). ``hours == 0`` returns ``start`` unchanged.

        ``start`` must be timezone-aware: a naive timestamp (e.g. UTC read back
        from SQLite) would silently be taken as Beijing wall-clock time and put
        deadlines 8 hours off.
        """
        _check_window(start, day_start, day_end)
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number >= 0, got {hours}")
        remaining = timedelta(hours=hours)
        if not remaining:
            return start
        tz = start.tzinfo
        cursor, day = start, start.date()
        while True:
            if self.is_workday(day):
                opens = datetime.combine(day, day_start, tzinfo=tz)
                closes = datetime.combine(day, day_end, tzinfo=tz)
                begin = max(cursor, opens)
                if begin < closes:
                    if remaining <= closes - begin:
                        return begin + remaining
                    remaining -= closes - begin
            day += _ONE_DAY
            cursor = datetime.combine(day, time(0), tzinfo=tz)

    def work_hours_between(
        self,
        a: datetime,
        b: datetime,
        day_start: time = time(9),
        day_end: time = time(18),
    ) -> float:
        """Working hours from ``a`` to ``b``, in ``a``'s timezone; negative if ``b`` < ``a``.

        E.g. ``work_hours_between(now, ticket.deadline) < 4`` says "less than 4
        working hours left", and a negative value says by how much it is overdue.
        The inverse of :meth:`add_work_hours`. Both must be timezone-aware.
        """
        _check_window(a, day_start, day_end)
        _check_window(b, day_start, day_end)
        tz = a.tzinfo
        b = b.astimezone(tz)
        if b < a:
            return -self.work_hours_between(b, a, day_start, day_end)
        total = timedelta()
        day = a.date()
        while day <= b.date():
            if self.is_workday(day):
                begin = max(a, datetime.combine(day, day_start, tzinfo=tz))
                end = min(b, datetime.combine(day, day_end, tzinfo=tz))
                if begin < end:
                    total += end - begin
            day += _ONE_DAY
        return total / timedelta(hours=1)

    # --- internals --------------------------------------------------------------------

    def _resolve(self, day: date) -> bool:
        if day in self._overrides.holidays:
            return False
        if day in self._overrides.workdays:
            return True
        if self._package_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year not in self._overrides.complete_years:
            self._warn_uncovered(day.year)
        return day.weekday() < 5 and day not in self._rule_days_off(day.year)

    def _rule_days_off(self, year: int) -> frozenset[date]:
        known = self._rule_years.get(year)
        if known is None:
            # observed=True: a holiday falling on a weekend moves to the next weekday, as
            # the State Council's announcements do (2027-02-06/07 off → 02-09/10 off).
            days = holidays.country_holidays("CN", years=year, observed=True)
            known = self._rule_years[year] = frozenset(days)
        return known

    def _package_covers(self, year: int) -> bool:
        known = self._package_years.get(year)
        if known is None:
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
            except NotImplementedError:
                known = False
            else:
                known = True
            self._package_years[year] = known
        return known

    def _warn_uncovered(self, year: int) -> None:
        with self._warn_lock:
            if year in self._warned_years:
                return
            self._warned_years.add(year)
        logger.warning(
            "No official mainland China holiday calendar for %(year)d: its statutory holidays "
            "are taken by rule and its make-up working days are unknown, so refund dates and "
            "review deadlines in %(year)d are shown as estimates. Fix: add %(year)d's "
            "days off and make-up workdays from the State Council's announcement to the "
            'calendar override file (set by %(env)s) and list %(year)d under "years", or '
            "upgrade chinesecalendar.",
            {"year": year, "env": CALENDAR_FILE_ENV},
        )


def _check_window(moment: datetime, day_start: time, day_end: time) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {moment.isoformat()}")
    if not day_start < day_end:
        raise ValueError(f"day_start {day_start} must be before day_end {day_end}")
