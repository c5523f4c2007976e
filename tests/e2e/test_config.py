"""Operator mistakes in settings: one line, the key named, no secret echoed, exit status 2."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import Settings
from tests.e2e.test_cli import bot_cli

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1 x",
        "http://127.0.0.1:notaport",
        "ftp://host",
        "http://h/?a=1",
        "http://",
    ],
)
def test_malformed_api_url_is_refused_before_the_token_is_used(tmp_path: Path, url: str) -> None:
    result = bot_cli(tmp_path, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=url)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "TELEGRAM_API_URL" in line
    assert TOKEN not in result.stderr and TOKEN.split(":")[1] not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "mysql+aiomysql://shop:S3cretPw@db/shop",
        "sqlite+aiosqlite:shop.db",
        "postgresql+asyncpg://shop:S3cretPw@db:notaport/shop",
    ],
)
def test_bad_database_url_never_echoes_its_password(tmp_path: Path, url: str) -> None:
    result = bot_cli(tmp_path, "migrate", DATABASE_URL=url)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "DATABASE_URL" in line
    assert "S3cretPw" not in result.stderr


def test_in_memory_database_is_refused(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "migrate", DATABASE_URL="sqlite+aiosqlite:///:memory:")
    assert result.returncode == 2
    assert "DATABASE_URL" in one_line(result.stderr)


def test_env_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("TIMEZONE=上海\n".encode("gb18030"))
    result = bot_cli(tmp_path, "migrate")
    assert result.returncode == 2
    assert ".env" in one_line(result.stderr)


def test_language_from_dotenv_applies_to_configuration_errors(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LOCALE=en\nTIMEZONE=Mars/Olympus\n", encoding="utf-8")
    result = bot_cli(tmp_path, "migrate")
    assert result.returncode == 2
    assert "is not a timezone name" in one_line(result.stderr)


def test_unwritable_database_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = bot_cli(tmp_path, "migrate", DATABASE_URL=f"sqlite+aiosqlite:///{blocker}/shop.db")
    assert result.returncode == 1
    assert "DATABASE_URL" in one_line(result.stderr)


@pytest.mark.parametrize("value", ["25:00", "9", "nine", "09:60"])
def test_a_bad_digest_time_is_one_line_naming_the_fix(tmp_path: Path, value: str) -> None:
    result = bot_cli(tmp_path, "migrate", DAILY_DIGEST_AT=value)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "DAILY_DIGEST_AT" in line and "09:00" in line


@pytest.mark.parametrize(("value", "hour"), [("off", None), ("8:30", (8, 30)), ("21:05", (21, 5))])
def test_the_digest_time_is_a_clock_time_or_off(value: str, hour: tuple[int, int] | None) -> None:
    settings = Settings(_env_file=None, daily_digest_at=value)  # type: ignore[call-arg]
    assert settings.digest_time == (time(*hour) if hour else None)


def test_http_shop_mode_without_its_secret_is_one_line_naming_the_key(tmp_path: Path) -> None:
    result = bot_cli(
        tmp_path, "run", BOT_TOKEN=TOKEN, SHOP_MODE="http", SHOP_API_URL="http://127.0.0.1:9"
    )
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "SHOP_API_SECRET" in line and "docs/shop-api.md" in line


def test_a_short_shop_secret_is_refused_without_echoing_it(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "migrate", SHOP_API_SECRET="tooshort")
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "SHOP_API_SECRET" in line and "tooshort" not in result.stderr
