"""Linking over the fake Bot API: the shop's one-time link, the shopper's own phone, /unlink."""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.orders import Customer, OrderStatus
from domain.shopper import issue_link_token
from tests.e2e.conftest import Shop
from tests.e2e.test_cli import clean_env
from tests.fakebot import DEFAULT_TOKEN, FakeTelegram, FakeUser

LINK = re.compile(r"^https://t\.me/(\w+)\?start=([A-Za-z0-9_-]{1,64})$", re.MULTILINE)


async def issue(shop: Shop, code: str = "C0001", *, hours: int = 72) -> str:
    async with shop.session() as uow:
        issued = await issue_link_token(uow, code, shop.clock.now(), timedelta(hours=hours))
    assert issued is not None
    return issued[1]


async def linked_to(shop: Shop, telegram_id: int) -> Customer | None:
    async with shop.session() as uow:
        return await uow.customers.by_telegram(telegram_id)


def said(user: FakeUser) -> str:
    """Everything the bot sent or edited in reply to the user's last action."""
    return "\n".join(message.content for message in user.replies())


async def set_phone(shop: Shop, code: str, name: str, phone: str) -> None:
    async with shop.session() as uow:
        await uow.customers.upsert(
            Customer(id=0, code=code, name=name, phone=phone), shop.clock.now()
        )
        await uow.commit()


# --------------------------------------------------------------------------- the shop's link


async def test_deep_link_links_the_account_and_shows_the_orders(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT)
    token = await issue(shop)
    user = tg.user(1001, first_name="Zhang")

    await user.send(f"/start {token}")

    text = said(user)
    assert "已关联到 张三 的账号" in text
    assert "✅ 可取消 KM-P1" in text  # the same view as /start: proof that it worked
    assert any("KM-P1" in button for button in user.buttons())
    linked = await linked_to(shop, 1001)
    assert linked is not None and linked.code == "C0001"
    await user.send("/start")
    assert "KM-P1" in user.last_text()


async def test_expired_link_asks_for_a_new_one_and_links_nothing(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1")
    token = await issue(shop, hours=72)
    shop.clock.advance(hours=72, seconds=1)
    user = tg.user(1001)

    await user.send(f"/start {token}")

    assert "已过期" in said(user) and "新的关联链接" in said(user)
    assert "KM-P1" not in said(user)
    assert await linked_to(shop, 1001) is None


async def test_a_link_works_once_for_anyone(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-P1")
    token = await issue(shop)
    owner, other = tg.user(1001), tg.user(2002)
    await owner.send(f"/start {token}")
    assert "已关联到 张三" in said(owner)

    await other.send(f"/start {token}")

    assert "已经使用过" in said(other) and "新的关联链接" in said(other)
    assert "KM-P1" not in said(other)
    assert await linked_to(shop, 2002) is None

    await owner.send(f"/start {token}")  # the same person opening the link again

    assert "已经使用过" in owner.last_text() and "张三" in owner.last_text()
    linked = await linked_to(shop, 1001)
    assert linked is not None and linked.code == "C0001"


async def test_unknown_or_malformed_start_parameters_are_refused_politely(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1")
    await issue(shop)
    user = tg.user(1001)

    for parameter in ("NoSuchToken_123", "x" * 65, "你好", "a b c", "'; DROP TABLE customers;--"):
        await user.send(f"/start {parameter}")
        assert "链接无效" in user.last_text(), parameter

    assert await linked_to(shop, 1001) is None
    await user.send("/start")
    assert "还没有关联" in user.last_text()


async def test_english_speakers_get_the_link_answers_in_english(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT)
    token = await issue(shop)
    user = tg.user(1001, language_code="en-GB")

    await user.send(f"/start {token}")

    assert "Linked to 张三's account" in said(user)
    assert "✅ can cancel KM-P1" in said(user)


# --------------------------------------------------------------------------- the shopper's phone


async def test_unlinked_start_offers_a_button_to_share_the_phone(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = tg.user(1001)

    await user.send("/start")

    assert "还没有关联" in user.last_text() and "用手机号关联" in user.last_text()
    assert user.reply_keyboard() == ["📱 用手机号关联"]
    markup = user.last_message().reply_markup or {}
    assert markup["keyboard"][0][0]["request_contact"] is True
    assert markup["one_time_keyboard"] is True and markup["resize_keyboard"] is True


async def test_sharing_ones_own_phone_links_the_account(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT)
    await set_phone(shop, "C0001", "张三", "13800138001")
    user = tg.user(1001)
    await user.send("/start")

    await user.share_contact("+86 138 0013 8001")

    assert "已关联到 张三 的账号" in said(user)
    assert "KM-P1" in said(user)
    assert user.reply_keyboard() == []  # the phone button is gone once it has done its job
    linked = await linked_to(shop, 1001)
    assert linked is not None and linked.code == "C0001"


async def test_someone_elses_contact_is_refused_and_changes_nothing(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1")
    await set_phone(shop, "C0001", "张三", "13800138001")
    user = tg.user(1001)
    await user.send("/start")

    await user.share_contact("+86 138 0013 8001", user_id=5555, first_name="张三")

    assert "只能关联您自己的手机号" in said(user)
    assert "KM-P1" not in said(user)
    assert user.reply_keyboard() == ["📱 用手机号关联"]  # they may still share their own
    assert await linked_to(shop, 1001) is None
    assert await linked_to(shop, 5555) is None


async def test_a_phone_the_shop_does_not_know_suggests_the_link(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1")
    await set_phone(shop, "C0001", "张三", "13800138001")
    user = tg.user(1001)

    await user.share_contact("8613900139000")

    assert "没有找到" in user.last_text() and "关联链接" in user.last_text()
    assert user.reply_keyboard() == []
    assert await linked_to(shop, 1001) is None


async def test_a_phone_shared_by_two_customers_suggests_the_link(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", customer="C0001", name="张三")
    await shop.add_order("KM-P2", customer="C0002", name="张三丰")
    await set_phone(shop, "C0001", "张三", "13800138001")
    await set_phone(shop, "C0002", "张三丰", "138-0013-8001")
    user = tg.user(1001)

    await user.share_contact("+8613800138001")

    assert "多个账号" in user.last_text() and "关联链接" in user.last_text()
    assert await linked_to(shop, 1001) is None


# --------------------------------------------------------------------------- /unlink


async def test_unlink_then_start_shows_how_to_link(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-P1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("/unlink")

    assert "已解除关联" in user.last_text() and "/start" in user.last_text()
    assert await linked_to(shop, 1001) is None
    await user.send("/start")
    assert "还没有关联" in user.last_text() and "KM-P1" not in user.last_text()

    await user.send("/unlink")

    assert "没有关联" in user.last_text()


# --------------------------------------------------------------------------- link-token CLI


async def bot_cli(cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """The CLI as a real process, awaited so the fake Bot API in this loop can answer it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_link_token_command_prints_a_link_that_links(
    shop: Shop, tg: FakeTelegram, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": shop.runtime.settings.database_url,
        "TELEGRAM_API_URL": tg.base_url,
        "BOT_TOKEN": DEFAULT_TOKEN,
        "LINK_TOKEN_TTL_HOURS": "2",
    }
    code, _, err = await bot_cli(tmp_path, "demo-data", **env)
    assert code == 0, err

    before = datetime.now(UTC)
    code, out, err = await bot_cli(tmp_path, "link-token", "DEMO-C0001", **env)
    after = datetime.now(UTC)

    assert code == 0, err
    assert "张三" in out and "DEMO-C0001" in out and "Asia/Shanghai" in out
    shanghai = ZoneInfo("Asia/Shanghai")
    expiries = {
        f"{(t + timedelta(hours=2)).astimezone(shanghai):%Y-%m-%d %H:%M}" for t in (before, after)
    }
    assert any(expiry in out for expiry in expiries), out
    found = LINK.search(out)
    assert found is not None, out
    assert found.group(1) == tg.username

    shop.clock.current = datetime.now(UTC)  # the token was issued on the real clock
    user = tg.user(1001)
    await user.send(f"/start {found.group(2)}")

    assert "已关联到 张三 的账号" in said(user)
    linked = await linked_to(shop, 1001)
    assert linked is not None and linked.code == "DEMO-C0001"


async def test_link_token_for_an_unknown_customer_is_one_line(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    code, out, err = await bot_cli(
        tmp_path,
        "link-token",
        "NOPE-42",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        TELEGRAM_API_URL=tg.base_url,
        BOT_TOKEN=DEFAULT_TOKEN,
    )

    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "NOPE-42" in lines[0], err
    assert "Traceback" not in err


async def test_link_token_with_a_rejected_bot_token_names_the_fix(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    code, out, err = await bot_cli(
        tmp_path,
        "link-token",
        "DEMO-C0001",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        TELEGRAM_API_URL=tg.base_url,
        BOT_TOKEN="999999:ZZZ-DEF1234ghIkl-zyx57W2v1u123ew11",
    )

    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0], err
    assert "t.me" not in out


async def test_with_bot_username_set_link_token_needs_neither_telegram_nor_a_token(
    tmp_path: Path,
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/shop.db"
    code, _, err = await bot_cli(tmp_path, "demo-data", DATABASE_URL=database)
    assert code == 0, err
    # No BOT_TOKEN, and a Bot API address where nothing listens: nothing may be asked.
    code, out, err = await bot_cli(
        tmp_path,
        "link-token",
        "DEMO-C0001",
        DATABASE_URL=database,
        TELEGRAM_API_URL="http://127.0.0.1:9",
        BOT_USERNAME="@kamei_shop_bot",
    )
    assert code == 0, err
    found = LINK.search(out)
    assert found is not None and found.group(1) == "kamei_shop_bot", out


async def test_a_malformed_bot_username_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    code, out, err = await bot_cli(
        tmp_path,
        "link-token",
        "DEMO-C0001",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        BOT_USERNAME="t.me/shop",
    )
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "BOT_USERNAME" in lines[0] and "bot" in lines[0], err


async def test_linking_remembers_the_shoppers_language_for_pushed_notices(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT)
    await set_phone(shop, "C0001", "张三", "13800138001")
    user = tg.user(1001, language_code="en-GB")
    await user.send("/start")
    await user.share_contact("+86 138 0013 8001")
    async with shop.session() as uow:
        assert await uow.prefs.locale(1001) == "en"


async def test_a_phone_linked_to_another_account_is_refused_and_its_owner_told(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1")
    await set_phone(shop, "C0001", "张三", "13800138001")
    await shop.link("C0001", 1001)
    owner = tg.user(1001)
    await owner.send("/start")
    newcomer = tg.user(2002)  # someone who got the number after 张三 gave it up

    await newcomer.share_contact("+86 138 0013 8001")
    await shop.runtime.notifier.deliver_due()

    assert "已关联另一个 Telegram 账号" in said(newcomer)
    assert "KM-P1" not in said(newcomer)
    linked = await linked_to(shop, 1001)
    assert linked is not None and linked.code == "C0001"
    assert await linked_to(shop, 2002) is None
    assert any("尝试用您的手机号关联" in text for text in owner.texts())
    assert "尝试用您的手机号关联" in owner.last_text()
    await owner.press("💬 联系客服")  # "any doubt: contact staff", about the account
    assert "已为您联系客服(其他问题)" in owner.last_text()
