"""Every setting the bot reads, from the environment and ``.env``."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from handlers.i18n import LOCALES

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/shop.db"
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
MAX_LINK_TOKEN_TTL_HOURS = 720
#: Telegram allows a bot about 20 messages a minute in one group; stay a little under it.
MAX_STAFF_MESSAGES_PER_MINUTE = 20
MAX_OUTBOX_WAKE_SECONDS = 300
MAX_CASE_REOPEN_DAYS = 365
#: Telegram allows a bot about 30 messages a second across all chats; stay a little under it.
MAX_GLOBAL_MESSAGES_PER_SECOND = 30
#: Telegram allows about one message a second in one chat; a faster pace only meets 429s.
MAX_CHAT_MESSAGES_PER_SECOND = 5.0
MIN_CHAT_MESSAGES_PER_SECOND = 0.2
MAX_THROTTLE_BURST = 100
#: A person cannot usefully send more than this; slower than the minimum locks people out.
MAX_THROTTLE_PER_SECOND = 30.0
MIN_THROTTLE_PER_SECOND = 0.1
SHOP_MODES = ("embedded", "http")
#: A shared secret shorter than this is guessable; the shop's side should generate it.
MIN_SHOP_SECRET_CHARS = 16


class ConfigError(Exception):
    """A setting is missing or wrong; ``key`` names it, ``problem`` is a locale key."""

    def __init__(self, key: str, problem: str, value: str = "") -> None:
        super().__init__(f"{key}: {problem}")
        self.key, self.problem, self.value = key, problem, value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    #: The bot's @username, so `link-token` can print links without asking Telegram.
    bot_username: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    #: SQLite only: "full" (every commit survives a power loss) or "normal" (faster).
    sqlite_synchronous: str = "full"
    telegram_api_url: str | None = None
    staff_chat_id: int | None = None
    staff_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    default_locale: str = "zh"
    timezone: str = "Asia/Shanghai"
    calendar_file: Path | None = None
    log_level: str = "INFO"
    link_token_ttl_hours: int = 72
    staff_messages_per_minute: int = 18
    global_messages_per_second: int = 25
    #: Messages a second to one shopper's chat after a short burst; 0 turns the pace off.
    chat_messages_per_second: float = 1.0
    #: Updates one person may send at once before the steady rate applies.
    throttle_burst: int = 5
    #: Updates a second one person may send at the steady rate; 0 turns throttling off.
    throttle_per_second: float = 1.0
    outbox_wake_seconds: int = 5
    #: Local time (HH:MM) of the staff group's daily digest, or "off".
    daily_digest_at: str = "09:00"
    #: How long after cancelling a shopper may restore the order alone (FAQ 3).
    restore_window_minutes: int = 30
    #: "embedded": the bot's database is the order system; "http": the shop's, over its API.
    shop_mode: str = "embedded"
    shop_api_url: str | None = None
    shop_api_secret: SecretStr | None = None
    #: How long one request to the shop may take before it is retried with the same key.
    shop_timeout_seconds: float = 3.0
    #: Staff are alerted when the shop has not answered a cancel for this long.
    shop_alert_after_minutes: int = 10
    #: How long a shopper's confirm waits in the chat for the shop's answer before it is
    #: pushed instead.
    shop_confirm_wait_seconds: float = 3.0
    #: Where the shop's order events are received (with SHOP_API_SECRET set).
    shop_events_host: str = "127.0.0.1"
    shop_events_port: int = 8088
    #: A conversation closed fewer days ago than this is reopened when the shopper writes
    #: again; an older one is left closed and a new one opened (0: always a new one).
    case_reopen_days: int = 7

    @field_validator(
        "bot_token",
        "telegram_api_url",
        "calendar_file",
        "staff_chat_id",
        "shop_api_url",
        "shop_api_secret",
        "bot_username",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("config-token-shape")
        return SecretStr(value.get_secret_value().strip()) if value else None

    @field_validator("bot_username")
    @classmethod
    def _username_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        # Telegram's rule for bot usernames: 5-32 letters, digits or _, ending in "bot".
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name) or not name.lower().endswith(
            "bot"
        ):
            raise ValueError("config-bot-username")
        return name

    @field_validator("staff_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("config-staff-ids")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LOCALES:
            raise ValueError("config-locale")
        return value

    @field_validator("daily_digest_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        value = value.strip().lower()
        if value != "off" and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
            raise ValueError("config-digest-time")
        return value

    @property
    def digest_time(self) -> time | None:
        if self.daily_digest_at == "off":
            return None
        hour, minute = self.daily_digest_at.split(":")
        return time(int(hour), int(minute))

    @field_validator("timezone")
    @classmethod
    def _real_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("config-timezone") from None
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        value = value.strip()
        try:
            url = make_url(value)
            url.port  # noqa: B018 - reading it validates it
        except (ArgumentError, ValueError):
            raise ValueError("config-database-url") from None
        if url.drivername.startswith("sqlite") and url.database in (None, "", ":memory:"):
            # An in-memory database would lose every order and refund when the bot stops.
            raise ValueError("config-database-memory")
        if value.startswith("sqlite:"):
            value = "sqlite+aiosqlite:" + value.removeprefix("sqlite:")
        elif value.startswith(("postgresql:", "postgres:")):
            value = "postgresql+asyncpg:" + value.split(":", 1)[1]
        if not value.startswith(("sqlite+aiosqlite:", "postgresql+asyncpg:")):
            raise ValueError("config-database-url")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        # The token is appended to this base in every request URL, so a malformed base
        # must be refused here rather than end up in an error message with the token in it.
        if value is not None and (value := _base_url(value)) is None:
            raise ValueError("config-api-url")
        return value

    @field_validator("shop_api_url")
    @classmethod
    def _shop_url(cls, value: str | None) -> str | None:
        if value is not None and (value := _base_url(value)) is None:
            raise ValueError("config-shop-api-url")
        return value

    @field_validator("sqlite_synchronous")
    @classmethod
    def _synchronous(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("full", "normal"):
            raise ValueError("config-sqlite-synchronous")
        return value

    @field_validator("shop_mode")
    @classmethod
    def _shop_mode(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SHOP_MODES:
            raise ValueError("config-shop-mode")
        return value

    @field_validator("shop_api_secret")
    @classmethod
    def _shop_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if len(secret) < MIN_SHOP_SECRET_CHARS:
            raise ValueError("config-shop-secret")
        return SecretStr(secret)

    @field_validator("shop_confirm_wait_seconds")
    @classmethod
    def _confirm_wait(cls, value: float) -> float:
        if not 0.5 <= value <= 15:
            raise ValueError("config-shop-confirm-wait")
        return value

    @field_validator("shop_events_port")
    @classmethod
    def _events_port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("config-shop-events-port")
        return value

    @field_validator("shop_alert_after_minutes")
    @classmethod
    def _shop_alert(cls, value: int) -> int:
        if not 1 <= value <= 1440:
            raise ValueError("config-shop-alert")
        return value

    @field_validator("restore_window_minutes")
    @classmethod
    def _restore_window(cls, value: int) -> int:
        # Up to a day: beyond that the refund is normally out, and staff decide anyway.
        if not 0 <= value <= 1440:
            raise ValueError("config-restore-window")
        return value

    @field_validator("shop_timeout_seconds")
    @classmethod
    def _shop_timeout(cls, value: float) -> float:
        if not 0.5 <= value <= 30:
            raise ValueError("config-shop-timeout")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("config-log-level")
        return value

    @field_validator("link_token_ttl_hours")
    @classmethod
    def _ttl_range(cls, value: int) -> int:
        # A month at most: a deep link is a credential, and old ones lie around in chat logs.
        if not 1 <= value <= MAX_LINK_TOKEN_TTL_HOURS:
            raise ValueError("config-link-token-ttl")
        return value

    @field_validator("staff_messages_per_minute")
    @classmethod
    def _staff_pace(cls, value: int) -> int:
        if not 1 <= value <= MAX_STAFF_MESSAGES_PER_MINUTE:
            raise ValueError("config-staff-pace")
        return value

    @field_validator("global_messages_per_second")
    @classmethod
    def _global_pace(cls, value: int) -> int:
        if not 1 <= value <= MAX_GLOBAL_MESSAGES_PER_SECOND:
            raise ValueError("config-global-pace")
        return value

    @field_validator("chat_messages_per_second")
    @classmethod
    def _chat_pace(cls, value: float) -> float:
        if (
            value != 0
            and not MIN_CHAT_MESSAGES_PER_SECOND <= value <= MAX_CHAT_MESSAGES_PER_SECOND
        ):
            raise ValueError("config-chat-pace")
        return value

    @field_validator("throttle_burst")
    @classmethod
    def _throttle_burst(cls, value: int) -> int:
        if not 1 <= value <= MAX_THROTTLE_BURST:
            raise ValueError("config-throttle-burst")
        return value

    @field_validator("throttle_per_second")
    @classmethod
    def _throttle_rate(cls, value: float) -> float:
        if value != 0 and not MIN_THROTTLE_PER_SECOND <= value <= MAX_THROTTLE_PER_SECOND:
            raise ValueError("config-throttle-rate")
        return value

    @field_validator("case_reopen_days")
    @classmethod
    def _reopen_range(cls, value: int) -> int:
        if not 0 <= value <= MAX_CASE_REOPEN_DAYS:
            raise ValueError("config-case-reopen")
        return value

    @field_validator("outbox_wake_seconds")
    @classmethod
    def _wake_range(cls, value: int) -> int:
        if not 1 <= value <= MAX_OUTBOX_WAKE_SECONDS:
            raise ValueError("config-outbox-wake")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_token(self) -> str:
        if self.bot_token is None:
            raise ConfigError("BOT_TOKEN", "config-token-missing")
        return self.bot_token.get_secret_value()

    def require_shop(self) -> tuple[str, str] | None:
        """The shop's API base URL and secret in ``http`` mode; ``None`` when embedded."""
        if self.shop_mode == "embedded":
            return None
        if self.shop_api_url is None:
            raise ConfigError("SHOP_API_URL", "config-shop-api-url-missing")
        if self.shop_api_secret is None:
            raise ConfigError("SHOP_API_SECRET", "config-shop-secret-missing")
        return self.shop_api_url, self.shop_api_secret.get_secret_value()


def _base_url(value: str) -> str | None:
    """An http(s) base URL without query or fragment, without its trailing slash; else None."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(ch.isspace() for ch in value)
    ):
        return None
    try:
        parts.port  # noqa: B018 - reading it validates it
    except ValueError:
        return None
    return value


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read settings, turning pydantic's report into one ConfigError for the first bad key."""
    try:
        return Settings(_env_file=env_file)
    except UnicodeDecodeError:
        raise ConfigError(".env", "config-env-encoding") from None
    except ValidationError as error:
        first = error.errors()[0]
        key = str(first["loc"][0]).upper() if first["loc"] else "?"
        problem = str(first.get("ctx", {}).get("error", "")) or "config-invalid-value"
        if not problem.startswith("config-"):
            problem = "config-invalid-value"
        # The value is echoed back to help the operator, except secrets: the token, and a
        # database URL, which may carry a password.
        secret = key in ("BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "SHOP_API_SECRET")
        value = "" if secret else str(first.get("input", ""))[:80]
        raise ConfigError(key, problem, value) from None


def operator_locale(env_file: str | Path = ".env") -> str:
    """The language for operator messages, usable even when the settings are broken."""
    wanted = os.environ.get("DEFAULT_LOCALE")
    if wanted is None:
        try:
            wanted = dotenv_values(env_file).get("DEFAULT_LOCALE")
        except (OSError, UnicodeDecodeError):
            wanted = None
    wanted = (wanted or "zh").strip().lower()
    return wanted if wanted in LOCALES else "zh"
