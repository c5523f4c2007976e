"""The shop connection's settings: embedded by default, http only with a URL and a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

SECRET = "0123456789abcdef0123"


def test_without_settings_the_bots_database_is_the_order_system(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.env")

    assert settings.shop_mode == "embedded"
    assert settings.require_shop() is None


def test_http_mode_gives_the_url_without_its_slash_and_the_secret(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        f"SHOP_MODE=HTTP\nSHOP_API_URL=https://shop.example.com/api/\nSHOP_API_SECRET={SECRET}\n",
        encoding="utf-8",
    )

    assert load_settings(env).require_shop() == ("https://shop.example.com/api", SECRET)


@pytest.mark.parametrize(
    ("values", "key", "problem"),
    [
        ({"SHOP_MODE": "woo"}, "SHOP_MODE", "config-shop-mode"),
        ({"SHOP_API_URL": "ftp://shop"}, "SHOP_API_URL", "config-shop-api-url"),
        ({"SHOP_API_SECRET": "short"}, "SHOP_API_SECRET", "config-shop-secret"),
        ({"SHOP_TIMEOUT_SECONDS": "60"}, "SHOP_TIMEOUT_SECONDS", "config-shop-timeout"),
    ],
)
def test_a_bad_shop_setting_names_its_key(
    tmp_path: Path, values: dict[str, str], key: str, problem: str
) -> None:
    env = tmp_path / ".env"
    env.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_settings(env)

    assert (raised.value.key, raised.value.problem) == (key, problem)
    assert "short" not in raised.value.value  # the secret is never echoed


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"SHOP_MODE": "http", "SHOP_API_SECRET": SECRET}, "SHOP_API_URL"),
        ({"SHOP_MODE": "http", "SHOP_API_URL": "http://127.0.0.1:9"}, "SHOP_API_SECRET"),
    ],
)
def test_http_mode_without_its_url_or_secret_names_what_is_missing(
    tmp_path: Path, values: dict[str, str], key: str
) -> None:
    env = tmp_path / ".env"
    env.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_settings(env).require_shop()

    assert raised.value.key == key
    assert raised.value.problem.endswith("-missing")
