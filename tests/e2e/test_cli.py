"""The command line as an operator meets it: real processes, one clear line per mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_API_URL",
    "STAFF_CHAT_ID",
    "STAFF_IDS",
    "DEFAULT_LOCALE",
    "TIMEZONE",
    "CALENDAR_FILE",
    "LOG_LEVEL",
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def bot_cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("run", "migrate", "demo-data", "import-orders"):
        assert command in result.stdout


def test_missing_token_fails_with_one_line_naming_the_fix(tmp_path: Path) -> None:
    result = bot_cli(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "BOT_TOKEN" in lines[0] and "@BotFather" in lines[0] and ".env" in lines[0]
    assert "Traceback" not in result.stderr


def test_token_is_read_from_dotenv_and_never_echoed(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=not-a-token-secret\n", encoding="utf-8")
    result = bot_cli(tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr
    assert "not-a-token-secret" not in result.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("STAFF_IDS", "12,abc"),
        ("DEFAULT_LOCALE", "fr"),
        ("DATABASE_URL", "mysql://x"),
        ("STAFF_CHAT_ID", "group"),
        ("TELEGRAM_API_URL", "localhost:8081"),
    ],
)
def test_bad_setting_names_the_key_in_one_line(tmp_path: Path, key: str, value: str) -> None:
    result = bot_cli(tmp_path, "migrate", **{key: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert key in lines[0]


def test_english_operator_messages(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, DEFAULT_LOCALE="en")
    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr


def test_migrate_creates_the_sqlite_file_and_its_folder(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "shop.db").exists()
    assert "0007" in result.stdout


def test_unreadable_calendar_file_is_an_operator_error(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "migrate", CALENDAR_FILE=str(tmp_path / "nope.json"))
    # The calendar is only needed by the running bot; migrate does not read it.
    assert result.returncode == 0
    result = bot_cli(
        tmp_path,
        "run",
        BOT_TOKEN="123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        CALENDAR_FILE=str(tmp_path / "nope.json"),
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CALENDAR_FILE" in lines[0], result.stderr


def test_help_lists_the_link_token_command(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "link-token", "--help")
    assert result.returncode == 0
    assert "CUSTOMER_CODE" in result.stdout


def test_link_token_without_a_bot_token_is_a_config_error(tmp_path: Path) -> None:
    result = bot_cli(tmp_path, "link-token", "DEMO-C0001")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0], result.stderr
    assert "t.me" not in result.stdout


@pytest.mark.parametrize("hours", ["0", "721", "three days"])
def test_link_token_ttl_out_of_range_names_the_key(tmp_path: Path, hours: str) -> None:
    result = bot_cli(
        tmp_path,
        "link-token",
        "DEMO-C0001",
        BOT_TOKEN="123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        LINK_TOKEN_TTL_HOURS=hours,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "LINK_TOKEN_TTL_HOURS" in lines[0], result.stderr
