"""The fake Telegram server driven by a real aiogram Bot + Dispatcher over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)

from tests.fakebot import FakeTelegram

CANCEL_KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="确认取消", callback_data="cancel:1001")],
        [InlineKeyboardButton(text="返回", callback_data="back")],
    ]
)


def png(width: int, height: int, padding: int = 0) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    crc = struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + crc + bytes(padding)


def shop_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            "<b>欢迎</b>，订单 #1001 可以取消。", parse_mode="HTML", reply_markup=CANCEL_KEYBOARD
        )

    @router.callback_query(F.data.startswith("cancel:"))
    async def cancel(query: CallbackQuery) -> None:
        await query.answer("已提交取消申请")
        assert isinstance(query.message, Message)
        await query.message.edit_text("订单 #1001 取消申请已提交")

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo is not None
        data = await bot.download(message.photo[-1])
        assert data is not None
        await message.answer(f"收到图片 {len(data.getvalue())} 字节")

    return router


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(tg.token, session=session)
    yield bot
    await bot.session.close()


@pytest.fixture
async def shop(tg: FakeTelegram, bot: Bot) -> AsyncIterator[Dispatcher]:
    dp = Dispatcher()
    dp.include_router(shop_router())
    tg.track(dp)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False)
    )
    yield dp
    await dp.stop_polling()
    polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling


@pytest.mark.usefixtures("shop")
async def test_start_keyboard_then_callback_answers_and_edits(tg: FakeTelegram) -> None:
    user = tg.user(1001, first_name="小明")

    sent = await user.send("/start")

    assert sent.entities == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert user.last_text() == "欢迎，订单 #1001 可以取消。"
    assert user.last_message().entities == [{"type": "bold", "offset": 0, "length": 2}]
    assert user.buttons() == ["确认取消", "返回"]

    answer = await user.press("确认取消")

    assert answer is not None
    assert answer.text == "已提交取消申请"
    assert not answer.show_alert
    assert user.last_text() == "订单 #1001 取消申请已提交"
    assert user.buttons() == []  # editMessageText without reply_markup drops the keyboard
    edited = user.last_message()
    assert [v.text for v in edited.versions] == ["欢迎，订单 #1001 可以取消。", edited.text]
    assert user.replies() == [edited]
    assert [c.method for c in tg.calls() if c.chat_id == user.id] == [
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    ]
    await tg.idle()
    assert all(r.delivered_at and r.confirmed_at for r in tg.updates)
    assert [r.delivery_count for r in tg.updates] == [1, 1]


@pytest.mark.usefixtures("shop")
async def test_photo_is_downloaded_through_the_fake(tg: FakeTelegram) -> None:
    user = tg.user(1002)
    image = png(640, 480, padding=5000)

    sent = await user.send_photo(image, caption="坏了")

    assert user.last_text() == f"收到图片 {len(image)} 字节"
    assert sent.photo is not None
    assert sent.photo[-1]["width"] == 640
    assert len(sent.photo) > 1

    await user.send_photo(size=12 * 1024 * 1024)

    assert user.last_text() == f"收到图片 {12 * 1024 * 1024} 字节"
    assert len(tg.downloads) == 2


async def test_retry_after_and_injected_failures(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1003)
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    tg.fail_next("sendMessage", 500, "Internal Server Error")
    tg.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(user.id, "hi")
    assert retry.value.retry_after == 3
    with pytest.raises(TelegramServerError):
        await bot.send_message(user.id, "hi")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(user.id, "hi")
    await bot.send_message(user.id, "hi")

    assert [c.response_ok for c in tg.calls("sendMessage")] == [False, False, False, True]
    assert tg.calls("sendMessage")[0].error_code == 429
    assert user.texts() == ["hi"]


async def test_get_updates_offset_confirms_forever(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1004)
    await user.send("one", wait=False)
    await user.send("two", wait=False)

    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert tg.updates[0].delivery_count == 2

    last_id = first[-1].update_id
    assert await bot.get_updates(offset=last_id + 1, timeout=0) == []
    assert all(r.confirmed_at is not None for r in tg.updates)

    await user.send("three", wait=False)
    # An offset below confirmed ids cannot bring them back.
    latest = await bot.get_updates(offset=first[0].update_id, timeout=0)
    assert [u.message.text for u in latest if u.message] == ["three"]

    # A long poll wakes as soon as an update arrives.
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(offset=latest[-1].update_id + 1, timeout=20))
    await asyncio.sleep(0.05)
    await user.send("four", wait=False)
    woken = await poll
    assert [u.message.text for u in woken if u.message] == ["four"]
    assert time.monotonic() - started < 1


async def test_stop_wakes_long_polls_quickly() -> None:
    async with FakeTelegram() as other:
        other_bot = other.new_bot()
        poll = asyncio.create_task(other_bot.get_updates(timeout=30))
        while not other.calls("getUpdates"):
            await other.wait_for_change(1)
        started = time.monotonic()
        await other.stop()
        assert await poll == []
        assert time.monotonic() - started < 0.5
        await other_bot.session.close()


async def test_edit_errors_match_telegram(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1005)
    sent = await bot.send_message(user.id, "订单详情", reply_markup=CANCEL_KEYBOARD)

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="订单详情",
            chat_id=user.id,
            message_id=sent.message_id,
            reply_markup=CANCEL_KEYBOARD,
        )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=sent.message_id, reply_markup=CANCEL_KEYBOARD
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=user.id, message_id=999)

    # Same text but without the keyboard is a real change.
    await bot.edit_message_text(text="订单详情", chat_id=user.id, message_id=sent.message_id)
    assert user.buttons() == []
    assert len(user.last_message().history) == 1


async def test_send_errors_match_telegram(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1006)

    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "hi")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "长" * 4097)
    await bot.send_message(user.id, "长" * 4096)
    too_long_data = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "hi", reply_markup=too_long_data)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "1 < 2", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await bot.send_message(user.id, "共 1.5 元", parse_mode="MarkdownV2")

    user.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(user.id, "hi")


async def test_callback_answered_twice_or_unknown(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1007)
    await bot.send_message(user.id, "选择", reply_markup=CANCEL_KEYBOARD)
    await user.press("确认", wait=False)
    query_id = tg.updates[-1].callback_query_id
    assert query_id is not None

    await bot.answer_callback_query(query_id, text="好的", show_alert=True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("12345")
    assert user.alerts() == ["好的"]


async def test_unknown_token_and_unknown_method(tg: FakeTelegram) -> None:
    stranger = Bot(
        "999:WRONG", session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    )
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    await stranger.session.close()

    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.base_url}/bot{tg.token}/sendDice", data={"chat_id": "1"}) as resp,
    ):
        body = await resp.json()
    assert resp.status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert [c.method for c in tg.unknown_calls] == ["sendDice"]


async def test_files_commands_copy_and_members(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1008)
    staff = tg.group(-100123, title="Staff")

    upload = BufferedInputFile(b"%PDF-1.4 invoice", filename="invoice.pdf")
    sent = await bot.send_document(user.id, upload, caption="发票")
    assert sent.document is not None
    assert sent.document.mime_type == "application/pdf"
    again = await bot.send_document(staff.chat_id, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == sent.document.file_unique_id
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None
    assert downloaded.getvalue() == b"%PDF-1.4 invoice"
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(user.id, "AgACnope")

    album = await bot.send_media_group(
        user.id,
        [
            InputMediaPhoto(media=BufferedInputFile(png(10, 10), "a.png"), caption="图1"),
            InputMediaPhoto(media=BufferedInputFile(png(20, 20), "b.png")),
        ],
    )
    assert len({m.media_group_id for m in album}) == 1
    assert user.texts()[-2:] == ["图1", ""]

    note = await user.send("我的订单号 1001", wait=False)
    copied = await bot.copy_message(staff.chat_id, user.id, note.message_id)
    assert staff.last_message().message_id == copied.message_id
    assert staff.last_text() == "我的订单号 1001"

    scope = BotCommandScopeChat(chat_id=staff.chat_id)
    await bot.set_my_commands([BotCommand(command="start", description="开始")])
    await bot.set_my_commands(
        [BotCommand(command="queue", description="待审核")], scope=scope, language_code="zh"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="zh")] == [
        "queue"
    ]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == []

    admin = tg.user(2001)
    staff.add_member(admin, "administrator")
    assert (await bot.get_chat_member(staff.chat_id, admin.id)).status == "administrator"
    assert (await bot.get_chat_member(staff.chat_id, user.id)).status == "member"
    chat = await bot.get_chat(staff.chat_id)
    assert (chat.type, chat.title) == ("supergroup", "Staff")


async def test_more_methods_validate_in_aiogram(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1011, username="buyer")
    staff = tg.group(-100321, title="Staff")

    photo = await bot.send_photo(user.id, BufferedInputFile(png(800, 600), "p.png"), caption="图")
    assert photo.photo is not None
    assert photo.photo[-1].width == 800
    resent = await bot.send_photo(staff.chat_id, photo.photo[-1].file_id)
    assert resent.photo is not None
    assert resent.photo[-1].file_unique_id == photo.photo[-1].file_unique_id
    edited = await bot.edit_message_caption(
        chat_id=user.id, message_id=photo.message_id, caption="新图"
    )
    assert isinstance(edited, Message)
    assert user.last_text() == "新图"

    # What Telegram refuses to take as a photo.
    for refused, error in (
        (b"not an image", "IMAGE_PROCESS_FAILED"),
        (png(9000, 1200), "PHOTO_INVALID_DIMENSIONS"),
        (png(2100, 100), "PHOTO_INVALID_DIMENSIONS"),
    ):
        with pytest.raises(TelegramBadRequest, match=error):
            await bot.send_photo(user.id, BufferedInputFile(refused, "bad.png"))

    forwarded = await bot.forward_message(staff.chat_id, user.id, photo.message_id)
    assert forwarded.forward_origin is not None
    assert await bot.send_chat_action(user.id, "typing")
    assert await bot.delete_message(user.id, photo.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, photo.message_id)
    assert photo.message_id not in [m.message_id for m in user.messages()]

    big = await user.send_document(
        "dump.zip", "application/zip", size=25 * 1024 * 1024, wait=False
    )
    assert big.document is not None
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big.document["file_id"])

    assert await bot.delete_webhook(drop_pending_updates=False)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name) == (123456, "test_shop_bot", "Test Shop Bot")
    assert await bot.log_out()
    assert await bot.close()


async def test_user_side_updates_are_realistic(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(1012, first_name="阿强")
    await bot.send_message(
        user.id,
        "请选择",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="官网", url="https://example.com")]]
        ),
    )
    with pytest.raises(AssertionError, match="not a callback button"):
        await user.press("官网")
    with pytest.raises(AssertionError, match="no button matching"):
        await user.press("不存在")

    await user.share_contact("+8613800000000", wait=False)
    await user.share_contact("+8613900000000", user_id=9999, first_name="别人", wait=False)
    note = await user.send("/cancel 1001", wait=False)
    await user.edit(note, "/cancel 1002", wait=False)
    await user.press_data("forged:" + "x" * 10, wait=False)

    updates = await bot.get_updates(timeout=0)
    contacts = [u.message.contact for u in updates if u.message and u.message.contact]
    assert [c.user_id for c in contacts] == [user.id, 9999]
    commands = [u.message for u in updates if u.message and u.message.text]
    assert commands[0].entities is not None
    assert commands[0].entities[0].type == "bot_command"
    edits = [u.edited_message for u in updates if u.edited_message]
    assert edits[0].text == "/cancel 1002"
    assert commands[0].text == "/cancel 1001"
    queries = [u.callback_query for u in updates if u.callback_query]
    assert queries[0].data == "forged:xxxxxxxxxx"
    assert queries[0].from_user.first_name == "阿强"


def staff_router(processed: set[int]) -> Router:
    router = Router()
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))

    @router.message(Command("queue"))
    async def queue(message: Message, bot: Bot) -> None:
        assert message.from_user is not None
        member = await bot.get_chat_member(message.chat.id, message.from_user.id)
        if member.status not in {"administrator", "creator"}:
            await message.reply("仅限客服")
            return
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="批准 #1001", callback_data="ok:1001")]]
        )
        await message.answer("待审核：#1001", reply_markup=keyboard)

    @router.callback_query(F.data.startswith("ok:"))
    async def approve(query: CallbackQuery) -> None:
        order = int((query.data or "").split(":")[1])
        if order in processed:
            await query.answer("已被处理", show_alert=True)
            return
        processed.add(order)
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"#{order} 已批准 by {query.from_user.first_name}")

    return router


async def test_group_staff_commands_and_concurrent_presses(tg: FakeTelegram, bot: Bot) -> None:
    staff = tg.group(-100777, title="客服组")
    lead = staff.as_user(tg.user(3001, first_name="组长"), status="administrator")
    agent = staff.as_user(tg.user(3002, first_name="客服"), status="administrator")
    outsider = staff.as_user(tg.user(3003, first_name="路人"))
    dp = Dispatcher()
    dp.include_router(staff_router(set()))

    async with tg.running(dp, bot):
        await outsider.send("/queue@test_shop_bot")
        assert outsider.last_text() == "仅限客服"

        await lead.send("/queue@test_shop_bot")
        assert lead.last_text() == "待审核：#1001"
        assert tg.updates[-1].payload["message"]["entities"][0]["length"] == len(
            "/queue@test_shop_bot"
        )

        await asyncio.gather(lead.press("批准", wait=False), agent.press("批准", wait=False))
        await lead.settle()
        await agent.settle()

    assert len(tg.calls("editMessageText")) == 1
    assert staff.last_text() in {"#1001 已批准 by 组长", "#1001 已批准 by 客服"}
    assert len(lead.alerts() + agent.alerts()) == 1


@pytest.mark.usefixtures("shop")
async def test_silence_and_allowed_updates(tg: FakeTelegram) -> None:
    user = tg.user(1009)

    await user.send_sticker(wait=False)
    await user.expect_silence(0.2)

    # The shop router has no edited_message handler, so aiogram never asks for those.
    note = await user.send("/start")
    with pytest.raises(AssertionError, match="never reaches the bot"):
        await user.edit(note, "/start again")


async def test_crashes_and_unmatched_updates_fail_fast(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()

    @router.message(Command("boom"))
    async def boom(message: Message) -> None:
        await message.answer("马上")
        raise ZeroDivisionError

    dp = Dispatcher()
    dp.include_router(router)
    user = tg.user(1013)
    async with tg.running(dp, bot):
        started = time.monotonic()
        with pytest.raises(AssertionError, match="ZeroDivisionError"):
            await user.send("/boom")
        with pytest.raises(AssertionError, match="no handler of the dispatcher matched"):
            await user.send("hello")
        assert time.monotonic() - started < 1


async def test_waiting_reports_what_went_wrong() -> None:
    async with FakeTelegram(reply_timeout=0.3) as tg:
        user = tg.user(1010)
        with pytest.raises(AssertionError, match="is the dispatcher polling"):
            await user.send("hello")
        with pytest.raises(AssertionError, match="no bot message with an inline keyboard"):
            await user.press("确认")


# --------------------------------------------------------------------------- forum topics


async def test_forum_topics_are_threads_of_their_creation_message(
    tg: FakeTelegram, bot: Bot
) -> None:
    group = tg.group(-1005, "客服组", forum=True)
    chat = await bot.get_chat(-1005)
    assert chat.is_forum is True
    topic = await bot.create_forum_topic(-1005, "KM-1 · 退货退款")
    assert topic.name == "KM-1 · 退货退款" and topic.icon_color == 0x6FB9F0
    [created] = tg.messages(-1005)
    assert created.message_id == topic.message_thread_id  # the topic is its message's thread
    assert created.data["forum_topic_created"]["name"] == "KM-1 · 退货退款"
    assert created.thread_id == topic.message_thread_id

    sent = await bot.send_message(-1005, "卡片", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    # A message in a topic that replies to nothing replies to the topic's creation message.
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.forum_topic_created is not None
    general = await bot.send_message(-1005, "大厅")
    assert general.message_thread_id is None and general.reply_to_message is None

    staff = group.as_user(tg.user(9001, "李客服"), thread_id=topic.message_thread_id)
    written, record = tg.user_message(
        staff.user, -1005, {"text": "收到"}, thread_id=topic.message_thread_id
    )
    update = record.payload["message"]
    assert update["message_thread_id"] == topic.message_thread_id
    assert update["is_topic_message"] is True
    assert update["reply_to_message"]["message_id"] == topic.message_thread_id
    assert update["chat"]["is_forum"] is True
    assert [m.content for m in tg.topic_messages(-1005, topic.message_thread_id)][1:] == [
        "卡片",
        "收到",
    ]
    assert written.thread_id == topic.message_thread_id


async def test_forum_topic_errors_match_telegram(tg: FakeTelegram, bot: Bot) -> None:
    tg.group(-1005, "客服组", forum=True)
    tg.group(-1006, "普通群", chat_type="supergroup")
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(-1006, "KM-1")
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(-1005, "hi", message_thread_id=999)
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(-1006, "hi", message_thread_id=1)
    with pytest.raises(TelegramBadRequest, match="TOPIC_TITLE_EMPTY"):
        await bot.create_forum_topic(-1005, " ")
    topic = await bot.create_forum_topic(-1005, "KM-1")
    thread = topic.message_thread_id
    assert await bot.close_forum_topic(-1005, thread)
    assert tg.topic(-1005, thread).closed  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(-1005, thread)
    # An administrator (the bot) may still write in a closed topic.
    assert (await bot.send_message(-1005, "备注", message_thread_id=thread)).is_topic_message
    assert await bot.reopen_forum_topic(-1005, thread)
    assert await bot.edit_forum_topic(-1005, thread, name="KM-1 · 已处理")
    assert tg.topic(-1005, thread).name == "KM-1 · 已处理"  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="TOPIC_ID_INVALID"):
        await bot.close_forum_topic(-1005, 12345)
    events = [
        key
        for m in tg.topic_messages(-1005, thread)
        for key in m.data
        if key.startswith("forum_topic_")
    ]
    assert events == [
        "forum_topic_created",
        "forum_topic_closed",
        "forum_topic_reopened",
        "forum_topic_edited",
    ]
    tg.set_member_status(-1005, tg.bot_id, "member")
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.create_forum_topic(-1005, "KM-2")


async def test_copies_keep_albums_and_skip_what_is_gone(tg: FakeTelegram, bot: Bot) -> None:
    tg.group(-1005, "客服组", forum=True)
    user = tg.user(1001, "张三")
    album = await user.send_album([50_000, 60_000], caption="坏的键", wait=False)
    text = await user.send("说明", wait=False)
    topic = await bot.create_forum_topic(-1005, "KM-1")
    ids = [*(m.message_id for m in album), text.message_id, 999]
    copied = await bot.copy_messages(-1005, 1001, ids, message_thread_id=topic.message_thread_id)
    assert len(copied) == 3  # the missing one is skipped
    photos = [tg.message(-1005, c.message_id) for c in copied[:2]]
    groups = {m.media_group_id for m in photos if m is not None}
    assert len(groups) == 1 and None not in groups
    assert groups != {album[0].media_group_id}  # a new album, as Telegram makes
    assert photos[0] is not None and photos[0].caption == "坏的键"
    with pytest.raises(TelegramBadRequest, match="increasing order"):
        await bot.copy_messages(-1005, 1001, [text.message_id, album[0].message_id])
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_messages(-1005, 1001, [999])
    one = await bot.copy_message(-1005, 1001, text.message_id, message_thread_id=1)
    assert tg.message(-1005, one.message_id).thread_id == 1  # type: ignore[union-attr]


async def test_a_groups_minute_counts_each_message_of_an_album_and_topic_changes(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.group(-1005, "客服组", forum=True)
    now = [1000.0]
    tg.enforce_limits(group_per_minute=5, clock=lambda: now[0])
    photo = tg.upload_photo(size=1000)[-1].file_id
    topic = await bot.create_forum_topic(-1005, "KM-1")  # 1
    media = [InputMediaPhoto(media=photo) for _ in range(3)]
    await bot.send_media_group(-1005, media, message_thread_id=topic.message_thread_id)  # 4
    with pytest.raises(TelegramRetryAfter) as refused:
        await bot.send_media_group(-1005, media[:2])  # 6 > 5
    assert refused.value.retry_after == 60
    await bot.close_forum_topic(-1005, topic.message_thread_id)  # 5
    with pytest.raises(TelegramRetryAfter):
        await bot.reopen_forum_topic(-1005, topic.message_thread_id)
    now[0] += 60
    assert await bot.reopen_forum_topic(-1005, topic.message_thread_id)
    assert [hit.scope for hit in tg.limit_hits] == ["group", "group"]
