"""The shipped program itself: ``python -m bot demo-data --bind`` then ``python -m bot``."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_cli import bot_cli, clean_env
from tests.fakebot import DEFAULT_TOKEN, FakeTelegram

START_TIMEOUT = 60.0


async def wait_until_polling(tg: FakeTelegram, process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    while not tg.calls("getUpdates"):
        if process.returncode is not None or loop.time() > deadline:
            stderr = await process.stderr.read() if process.stderr else b""
            raise AssertionError(f"the bot did not start polling: {stderr.decode()}")
        await asyncio.sleep(0.05)


async def test_demo_shop_answers_its_bound_shopper_and_a_stranger(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    demo = await asyncio.to_thread(bot_cli, tmp_path, "demo-data", "--bind", "1001")
    assert demo.returncode == 0, demo.stderr
    assert "1001" in demo.stdout

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=clean_env(BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=tg.base_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        await wait_until_polling(tg, process)
        shopper = tg.user(1001, first_name="Zhang")
        await shopper.send("/start")
        text = shopper.last_text()
        assert "张三" in text
        assert "DEMO-" in text and "¥" in text
        assert any(badge in text for badge in ("✅", "📝", "⛔"))

        stranger = tg.user(4242, first_name="Wang")
        await stranger.send("/start")
        assert "还没有关联" in stranger.last_text()
        assert "DEMO-" not in stranger.last_text()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert DEFAULT_TOKEN not in stderr.decode()
    assert (tmp_path / "data" / "shop.db").exists()
