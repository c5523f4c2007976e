"""Text a person reads, from Fluent files in ``handlers/locales/<lang>/*.ftl``.

Money is formatted here (integer fen → ``¥12.50``) and dates in the shop's
timezone, so every message shows them the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).with_name("locales")
log = logging.getLogger(__name__)

Value = str | int

#: The languages the bot speaks; the first is the default one.
LOCALES = ("zh", "en")


def money(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


class Translator:
    """One language's messages, with fallback to the default language for a missing key."""

    def __init__(
        self,
        locale: str,
        bundle: FluentBundle,
        fallback: Translator | None,
        estimated: Callable[[date], bool] = lambda day: False,
    ) -> None:
        self.locale = locale
        self._bundle = bundle
        self._fallback = fallback
        self._estimated = estimated

    def __call__(self, key: str, /, **args: Value) -> str:
        if self._bundle.has_message(key):
            message = self._bundle.get_message(key)
            if message.value is not None:
                text, errors = self._bundle.format_pattern(message.value, dict(args))
                if errors:
                    log.warning("locale %s key %s: %s", self.locale, key, errors)
                return str(text)  # a pattern always formats to text; the stubs allow FluentNone
        if self._fallback is not None:
            return self._fallback(key, **args)
        log.error("missing text %s", key)
        return key

    def in_default(self, key: str, /, **args: Value) -> str:
        """The text in the shop's default language (what staff wrote it in)."""
        return self._fallback(key, **args) if self._fallback is not None else self(key, **args)

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)

    def promised(self, day: date) -> str:
        """A date the shop commits to (a deadline, a refund's latest day).

        Marked as an estimate when its year's holiday calendar is not announced yet,
        so nobody is promised a day the State Council may still move.
        """
        if self._estimated(day):
            return self("date-estimated", date=self.date(day))
        return self.date(day)

    def date(self, day: date) -> str:
        weekday = self(f"weekday-{day.isoweekday()}")
        return self("date-format", year=day.year, month=day.month, day=day.day, weekday=weekday)

    def datetime(self, moment: datetime, tz: tzinfo) -> str:
        local = moment.astimezone(tz)
        return f"{self.date(local.date())} {local:%H:%M}"


class Translations:
    def __init__(
        self,
        default_locale: str = "zh",
        directory: Path = LOCALES_DIR,
        *,
        estimated: Callable[[date], bool] = lambda day: False,
    ) -> None:
        self.default_locale = default_locale
        default = Translator(default_locale, _bundle(directory, default_locale), None, estimated)
        self._by_locale: Mapping[str, Translator] = {
            locale: default
            if locale == default_locale
            else Translator(locale, _bundle(directory, locale), default, estimated)
            for locale in LOCALES
        }

    def get(self, locale: str | None) -> Translator:
        return self._by_locale.get(locale or "", self._by_locale[self.default_locale])

    def for_telegram(self, language_code: str | None) -> Translator:
        """Telegram's IETF code (zh-hans, en-US, ...) → one of our languages."""
        return self.get(pick_locale(language_code, self.default_locale))

    def keys(self, locale: str) -> set[str]:
        return set(_message_ids(LOCALES_DIR, locale))


def pick_locale(language_code: str | None, default: str) -> str:
    if not language_code:
        return default
    base = language_code.lower().split("-")[0]
    return base if base in LOCALES else default


@cache
def _bundle(directory: Path, locale: str) -> FluentBundle:
    # Isolation marks would wrap every placeable in invisible characters Telegram shows as-is.
    bundle = FluentBundle([locale], use_isolating=False)
    for path in sorted((directory / locale).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


def _message_ids(directory: Path, locale: str) -> list[str]:
    ids: list[str] = []
    for path in sorted((directory / locale).glob("*.ftl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and line[0].isalpha() and "=" in line:
                ids.append(line.split("=", 1)[0].strip())
    return ids
