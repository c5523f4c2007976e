"""/lang over the fake Bot API: the choice is confirmed in the new language and sticks."""

from __future__ import annotations

from domain.orders import OrderStatus
from tests.e2e.conftest import Shop
from tests.fakebot import FakeTelegram


async def saved_locale(shop: Shop, telegram_id: int) -> str | None:
    async with shop.session() as uow:
        return await uow.prefs.locale(telegram_id)


async def test_switching_to_english_answers_in_english_from_then_on(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PENDING_PAYMENT)
    await shop.link("C0001", 1001)
    user = tg.user(1001, language_code="zh-hans")
    await user.send("/lang")
    assert user.buttons() == ["✓ 中文", "English"]

    answer = await user.press("English")

    assert answer is not None and "English" in (answer.text or "")
    assert "English" in user.last_text()  # the /lang message itself, now in English
    assert user.buttons() == ["中文", "✓ English"]
    assert await saved_locale(shop, 1001) == "en"

    await user.send("/start")
    assert "✅ can cancel KM-P1" in user.last_text()
    await user.send("/help")
    assert "I can help you with" in user.last_text()
    await user.send("/lang")
    assert user.buttons() == ["中文", "✓ English"]


async def test_switching_back_to_chinese(shop: Shop, tg: FakeTelegram) -> None:
    user = tg.user(1001, language_code="en")
    await user.send("/lang")
    assert user.buttons() == ["中文", "✓ English"]

    await user.press("中文")

    assert "中文" in user.last_text()
    assert await saved_locale(shop, 1001) == "zh"
    await user.send("/start")
    assert "还没有关联" in user.last_text()


async def test_pressing_the_same_language_twice_is_harmless(shop: Shop, tg: FakeTelegram) -> None:
    user = tg.user(1001)
    await user.send("/lang")
    message = user.last_message()

    await user.press("English", message)
    await user.press("English", message)

    assert await saved_locale(shop, 1001) == "en"
    assert len(user.messages()) == 1


async def test_a_forged_language_is_refused_without_saving(shop: Shop, tg: FakeTelegram) -> None:
    user = tg.user(1001)
    await user.send("/lang")
    message = user.last_message()

    answer = await user.press_data("lg:fr", message)

    assert answer is not None and answer.show_alert
    assert "不支持" in (answer.text or "")
    assert await saved_locale(shop, 1001) is None
    assert user.last_text() == message.content and len(message.history) == 0
    await user.send("/start")
    assert "还没有关联" in user.last_text()


async def test_naming_the_language_switches_at_once_and_anything_else_offers_the_choice(
    shop: Shop, tg: FakeTelegram
) -> None:
    user = tg.user(1001, language_code="zh-hans")
    await user.send("/lang EN")
    assert "English" in user.last_text()
    assert user.buttons() == ["中文", "✓ English"]
    assert await saved_locale(shop, 1001) == "en"

    await user.send("/lang klingon")
    assert user.buttons() == ["中文", "✓ English"]
    assert await saved_locale(shop, 1001) == "en"
