"""Applying for cancel: reason, screenshots, summary, submit; open tickets; leaving, resuming."""

from __future__ import annotations

from sqlalchemy import select

from domain.orders import OrderStatus, ProductKind
from storage.tables import OutboxRow, TicketRow
from tests.e2e.conftest import Shop
from tests.fakebot import FakeTelegram
from tests.fakebot.client import FakeUser

MB = 1024 * 1024
DEADLINE = "最晚 11月30日(周一)"  # Thu 26 Nov + 2 working days
LEFT = "已退出申请,随时可以重新开始。"


async def tickets(shop: Shop) -> list[TicketRow]:
    async with shop.session() as uow:
        rows = list((await uow.session.scalars(select(TicketRow).order_by(TicketRow.id))).all())
        uow.session.expunge_all()  # keep the loaded values after the session ends
        return rows


async def outbox_kinds(shop: Shop) -> list[str]:
    async with shop.session() as uow:
        return list((await uow.session.scalars(select(OutboxRow.kind))).all())


async def delivering(shop: Shop, order_no: str = "KM-A1", telegram_id: int = 1001) -> None:
    """A card key whose automatic delivery started: it can only be applied for."""
    await shop.add_order(order_no, status=OrderStatus.DELIVERING)
    await shop.link("C0001", telegram_id)


async def start_application(user: FakeUser, order_no: str = "KM-A1") -> None:
    await user.send(order_no)
    await user.press("📝 申请取消")
    assert f"📝 申请取消订单 {order_no}" in user.last_text()


async def file_with_reason(user: FakeUser, order_no: str = "KM-A1") -> None:
    await start_application(user, order_no)
    await user.press("重复下单")
    await user.press("跳过")
    await user.press("提交申请")
    assert "已提交申请 #" in user.last_text()


# --------------------------------------------------------------------------- the whole path


async def test_whole_application_with_screenshots(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await user.send("KM-A1")
    card = user.last_message()
    await user.press("📝 申请取消")
    assert len(user.messages()) == 2  # the application comes as a new message under the card
    step1 = user.last_text()
    assert f"📝 申请取消订单 KM-A1:提交后客服将在 1–2 个工作日内({DEADLINE})审核。" in step1
    assert "第 1 步 / 共 3 步" in step1
    assert user.buttons() == [
        "重复下单",
        "商品信息错误",
        "支付异常",
        "未使用卡密",
        "其他",
        "⬅ 返回(退出申请)",
    ]
    assert user.last_message().content != card.content

    await user.press("重复下单")
    assert "第 2 步 / 共 3 步:请发送最多 3 张截图" in user.last_text()
    assert user.buttons() == ["⏭ 跳过(不发截图)", "⬅ 返回(退出申请)"]

    await user.send_photo(size=200_000)
    assert "已收到第 1 张截图" in user.last_text()
    assert user.buttons() == ["✅ 完成(1 张截图)", "⬅ 返回(退出申请)"]
    await user.send_document("付款记录.png", "image/png", size=300_000)
    assert "已收到第 2 张截图" in user.last_text()

    await user.press("完成")
    summary = user.last_text()
    assert "第 3 步 / 共 3 步:请确认申请内容" in summary
    assert "订单:KM-A1(王者荣耀 60点券)" in summary
    assert "原因:重复下单" in summary
    assert "截图:2 张" in summary
    assert f"提交后客服将在 1–2 个工作日内({DEADLINE})审核" in summary
    assert "💰 如审核通过,¥6.00 原路退回微信,最晚" in summary
    assert user.buttons() == ["✅ 提交申请", "✏️ 修改原因", "🖼 重新上传截图", "✖ 取消申请"]

    await user.press("提交申请")
    done = user.last_text()
    assert f"✅ 已提交申请 #1,客服将在 1–2 个工作日内({DEADLINE})审核。" in done
    assert "状态:⏳ 待审核" in done
    assert user.buttons() == ["➕ 补充截图(申请 #1)", "↩ 撤回申请 #1"]

    [row] = await tickets(shop)
    assert (row.kind, row.reason, row.reason_text, row.status) == (
        "cancel",
        "duplicate",
        "",
        "open",
    )
    assert [e["kind"] for e in row.evidence] == ["photo", "document"]
    assert row.evidence[1]["mime_type"] == "image/png"
    assert row.evidence[0]["size"] == 200_000
    assert all(e["file_id"] and e["file_unique_id"] for e in row.evidence)
    assert (await outbox_kinds(shop)).count("staff.ticket_new") == 1
    assert (await shop.order("KM-A1")).status is OrderStatus.DELIVERING

    # The application is over: text is a search again.
    await user.send("KM-A1")
    assert "🧾 订单 KM-A1" in user.last_text()


async def test_application_without_screenshots_and_own_words(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await user.send("/apply km-a1")  # typed on a phone: lower case works
    assert "📝 申请取消订单 KM-A1" in user.last_text()
    await user.send("  买错了区服,还没有使用  ")  # typed instead of picking a preset
    assert "第 2 步" in user.last_text()
    await user.press("跳过")
    summary = user.last_text()
    assert "原因:其他" in summary
    assert "说明:买错了区服,还没有使用" in summary
    assert "截图:0 张" in summary
    await user.press("修改原因")
    await user.press("其他")
    assert "请用文字说明取消原因(最多 500 字)" in user.last_text()
    await user.send("重复付款了两次")
    await user.press("跳过")
    assert "说明:重复付款了两次" in user.last_text()
    await user.press("提交申请")
    assert "已提交申请 #1" in user.last_text()
    [row] = await tickets(shop)
    assert (row.reason, row.reason_text, row.evidence) == ("other", "重复付款了两次", [])


# --------------------------------------------------------------------------- limits


async def test_bad_uploads_are_refused_and_the_step_stays_open(
    shop: Shop, tg: FakeTelegram
) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await start_application(user)
    await user.press("支付异常")

    await user.send_photo(size=12 * MB)
    assert "这张图片 12.0 MB,超过了 10 MB 的上限,没有收下" in user.last_text()
    await user.send_document("bill.pdf", "application/pdf")
    assert "bill.pdf 不是图片,没有收下" in user.last_text()
    await user.send_document("big.png", "image/png", size=11 * MB)
    assert "超过了 10 MB 的上限" in user.last_text()
    await user.send_sticker()
    assert "请发送截图(照片或图片文件)" in user.last_text()

    for count in (1, 2, 3):
        await user.send_photo()
        assert f"已收到第 {count} 张截图" in user.last_text()
    await user.send_photo()
    assert "最多 3 张截图,这张没有收下" in user.last_text()
    await user.press("完成")
    assert "截图:3 张" in user.last_text()
    await user.press("提交申请")
    [row] = await tickets(shop)
    assert len(row.evidence) == 3
    assert all(e["kind"] == "photo" for e in row.evidence)


async def test_an_album_over_the_limit_keeps_the_first_three(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await start_application(user)
    await user.press("重复下单")
    before = len(user.messages())
    await user.send_album([100_000, 110_000, 120_000, 130_000])
    replies = user.texts()[before:]
    assert len(replies) == 4
    assert sum("已收到第" in text for text in replies) == 3
    assert sum("最多 3 张截图,这张没有收下" in text for text in replies) == 1
    await user.press("完成")
    assert "截图:3 张" in user.last_text()
    await user.press("提交申请")
    [row] = await tickets(shop)
    assert len(row.evidence) == 3
    assert len({e["file_unique_id"] for e in row.evidence}) == 3


async def test_reason_text_limit_is_500_characters(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await start_application(user)
    await user.press("其他")
    await user.send("退" * 501)
    assert "原因最多 500 字,您发送了 501 字" in user.last_text()
    await user.send("退" * 500)
    assert "第 2 步" in user.last_text()
    await user.press("跳过")
    await user.press("提交申请")
    [row] = await tickets(shop)
    assert row.reason_text == "退" * 500


# --------------------------------------------------------------------------- leaving and resuming


async def test_leaving_with_cancel_and_back_then_starting_again(
    shop: Shop, tg: FakeTelegram
) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await start_application(user)
    await user.press("其他")
    await user.send("/cancel")
    assert user.last_text() == LEFT
    await user.send("KM-A1")  # a search again, not a reason
    assert "🧾 订单 KM-A1" in user.last_text()

    await user.press("📝 申请取消")
    assert "第 1 步" in user.last_text()
    await user.press("返回")
    assert user.last_text() == LEFT
    await user.send("KM-A1")
    assert "🧾 订单 KM-A1" in user.last_text()
    await user.press("📝 申请取消")
    await user.press("重复下单")
    await user.press("跳过")
    await user.press("取消申请")
    assert user.last_text() == LEFT
    assert await tickets(shop) == []
    # A button of the application that was left is refused politely.
    order = await shop.order("KM-A1")
    await user.press_data(f"ap:s:{order.id}:")  # Submit of the draft that was left
    assert "这个申请已经退出或过期" in user.alerts()[-1]
    assert await tickets(shop) == []


async def test_pressing_apply_again_resumes_where_the_shopper_was(
    shop: Shop, tg: FakeTelegram
) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await user.send("KM-A1")
    card = user.last_message()
    await user.press("📝 申请取消", message=card)
    await user.press("未使用卡密")
    await user.send_photo()
    await user.press("📝 申请取消", message=card)
    resumed = user.last_text()
    assert "第 2 步" in resumed
    assert "已收到 1 张截图" in resumed
    await user.press("完成")
    summary = user.last_text()
    assert "原因:未使用卡密" in summary
    assert "截图:1 张" in summary
    await user.press("重新上传截图")
    assert "已收到" not in user.last_text()
    await user.press("跳过")
    assert "截图:0 张" in user.last_text()


async def test_commands_during_the_application_leave_it_and_still_work(
    shop: Shop, tg: FakeTelegram
) -> None:
    await delivering(shop)
    await shop.add_order("KM-P2", status=OrderStatus.PAID)
    user = tg.user(1001)
    await start_application(user)
    await user.send("/start")
    texts = user.texts()
    assert texts[-2] == LEFT
    assert "以下是您最近的订单" in texts[-1]
    await user.send("KM-A1")
    assert "🧾 订单 KM-A1" in user.last_text()

    await user.press("📝 申请取消")
    await user.press("其他")
    await user.send("/cancel KM-P2")
    assert "❓ 确认取消订单 KM-P2?" in user.last_text()
    await user.send("不是原因,是搜索")
    assert "申请" not in user.last_text()

    await user.send("/apply KM-A1")
    await user.send("/orders")
    assert "📋 我的订单" in user.last_text()
    assert await tickets(shop) == []


# --------------------------------------------------------------------------- open tickets


async def test_a_second_application_shows_the_open_one(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await file_with_reason(user)
    await user.send("KM-A1")
    await user.press("📝 申请取消")
    shown = user.last_text()
    assert "订单 KM-A1 已有一个进行中的申请 #1,无需重复提交" in shown
    assert "状态:⏳ 待审核" in shown
    assert "客服最晚 11月30日(周一) 前审核" in shown
    assert user.buttons() == ["➕ 补充截图(申请 #1)", "↩ 撤回申请 #1"]
    await user.send("/apply KM-A1")
    assert "已有一个进行中的申请 #1" in user.last_text()
    assert len(await tickets(shop)) == 1


async def test_withdraw_before_review(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await file_with_reason(user)
    await user.press("撤回申请 #1")
    assert "确认撤回申请 #1(订单 KM-A1)" in user.last_text()
    await user.press("不撤回")
    assert "申请 #1 继续等待审核" in user.last_text()
    await user.press("撤回申请 #1")
    await user.press("确认撤回")
    assert "已撤回申请 #1。订单 KM-A1 保持不变" in user.last_text()
    [row] = await tickets(shop)
    assert row.status == "withdrawn"
    assert "staff.ticket_withdrawn" in await outbox_kinds(shop)
    assert (await shop.order("KM-A1")).status is OrderStatus.DELIVERING
    # The stale confirmation cannot withdraw twice; a new application may start.
    await user.press_data("tk:y:1")
    assert "找不到这个进行中的申请" in user.alerts()[-1]
    await user.send("/apply KM-A1")
    assert "第 1 步" in user.last_text()


async def test_add_evidence_while_open(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await start_application(user)
    await user.press("重复下单")
    await user.send_photo()
    await user.press("完成")
    await user.press("提交申请")

    await user.press("补充截图")
    assert "请为申请 #1 发送截图(还可以补充 2 张" in user.last_text()
    await user.send_document("x.pdf", "application/pdf")
    assert "x.pdf 不是图片" in user.last_text()
    await user.send_photo(size=12 * MB)
    assert "超过了 10 MB 的上限" in user.last_text()
    await user.send_photo()
    assert "共 2/3 张" in user.last_text()
    await user.send_photo()
    assert "共 3/3 张" in user.last_text()
    await user.send_photo()
    assert "最多 3 张截图,这张没有收下" in user.last_text()
    await user.press("完成")
    assert "✅ 截图已补充到申请 #1" in user.last_text()
    assert "截图:3/3 张" in user.last_text()
    assert user.buttons() == ["↩ 撤回申请 #1"]  # full: no more screenshots
    [row] = await tickets(shop)
    assert len(row.evidence) == 3
    assert (await outbox_kinds(shop)).count("staff.ticket_evidence") == 2
    await user.send("KM-A1")  # finished: text is a search again
    assert "🧾 订单 KM-A1" in user.last_text()


async def test_tickets_command_lists_status_order_and_deadline(
    shop: Shop, tg: FakeTelegram
) -> None:
    await delivering(shop)
    await shop.add_order("KM-A2", status=OrderStatus.DELIVERING)
    user = tg.user(1001)
    await user.send("/tickets")
    assert "您还没有提交过取消申请" in user.last_text()

    await file_with_reason(user, "KM-A1")
    await file_with_reason(user, "KM-A2")
    await user.press("撤回申请 #2")
    await user.press("确认撤回")
    await user.send("/tickets")
    text = user.last_text()
    assert "您最近的申请(2 个)" in text
    assert "#1 · 订单 KM-A1 · ⏳ 待审核 · 最晚 11月30日(周一) 前审核" in text
    assert "#2 · 订单 KM-A2 · ↩ 已撤回" in text
    assert user.buttons() == ["➕ 补充截图(申请 #1)", "↩ 撤回申请 #1"]
    await user.press("补充截图")
    await user.send_photo()
    assert "共 1/3 张" in user.last_text()


async def test_forged_and_foreign_presses_are_refused(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    await shop.add_order("KM-B1", customer="C0002", name="李四", status=OrderStatus.DELIVERING)
    await shop.link("C0002", 2002)
    other = tg.user(2002)
    await file_with_reason(other, "KM-B1")
    theirs = await shop.order("KM-B1")

    user = tg.user(1001)
    await user.send("/start")
    await user.press_data(f"od:a:{theirs.id}")
    assert "不属于您的账号" in user.alerts()[-1]
    await user.press_data("tk:w:1")
    assert "找不到这个进行中的申请" in user.alerts()[-1]
    await user.press_data("tk:y:1")
    await user.press_data("tk:e:1")
    await user.press_data("ap:r:1:nonsense")
    await user.press_data("ap:zz:1")
    [row] = await tickets(shop)
    assert row.status == "open"
    assert row.evidence == []

    await user.send("/apply")
    assert "发送 /apply 订单号" in user.last_text()
    await user.send("/apply KM-B1")
    assert "没有找到订单号 KM-B1" in user.last_text()

    await user.send("KM-A1")
    await user.press("📝 申请取消")
    await user.send_sticker()
    assert "请点下方按钮选择原因,或发送文字说明原因" in user.last_text()
    await user.press("重复下单")
    await user.send("这是文字")
    assert "请发送截图" in user.last_text()
    await user.press("跳过")
    await user.send_photo()
    assert "请点下方按钮提交申请、修改或取消" in user.last_text()
    assert user.buttons() == ["✅ 提交申请", "✏️ 修改原因", "🖼 重新上传截图", "✖ 取消申请"]


async def test_a_paid_order_is_cancelled_directly_not_applied_for(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order("KM-P1", status=OrderStatus.PAID)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/apply KM-P1")
    assert "✅ 可以直接取消" in user.last_text()
    assert "❌ 取消订单" in user.buttons()
    assert await tickets(shop) == []


# --------------------------------------------------------------------------- activation, English


async def test_activated_key_not_used_files_an_activation_check(
    shop: Shop, tg: FakeTelegram
) -> None:
    await shop.add_order(
        "KM-K1", status=OrderStatus.DELIVERED, kind=ProductKind.CARD_KEY, activated=True
    )
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("KM-K1")
    assert "⛔ 无法取消:卡密已激活" in user.last_text()
    assert user.buttons() == [
        "🛠 售后 / 联系客服",
        "🔑 我没有使用这个卡密",
        "🕓 记录",
        "⬅ 返回订单列表",
    ]
    await user.press("我没有使用这个卡密")
    assert "🔑 客服会查询这个卡密的激活记录" in user.last_text()
    await user.press("未使用卡密")
    await user.send_photo()
    await user.press("完成")
    summary = user.last_text()
    assert "🔑 客服会先查询卡密的激活记录" in summary
    await user.press("提交申请")
    assert "已提交申请 #1" in user.last_text()
    [row] = await tickets(shop)
    assert (row.kind, row.reason, len(row.evidence)) == ("activation_check", "unused_key", 1)
    assert "staff.ticket_new" in await outbox_kinds(shop)


async def test_english_application(shop: Shop, tg: FakeTelegram) -> None:
    await delivering(shop)
    user = tg.user(1001, language_code="en")
    await user.send("KM-A1")
    await user.press("📝 Apply for cancel")
    assert "To apply for cancelling order KM-A1" in user.last_text()
    assert "(by Mon 30 Nov)" in user.last_text()
    await user.press("Other")
    await user.send("x" * 501)
    assert "at most 500 characters; yours has 501" in user.last_text()
    await user.send("Bought the wrong region")
    await user.send_document("scan.pdf", "application/pdf")
    assert "scan.pdf is not an image" in user.last_text()
    await user.press("Skip")
    summary = user.last_text()
    assert "Reason: Other" in summary
    assert "Details: Bought the wrong region" in summary
    assert "Screenshots: 0" in summary
    await user.press("Submit")
    assert "Application #1 submitted" in user.last_text()
    assert "(by Mon 30 Nov)" in user.last_text()
    await user.send("/tickets")
    assert "#1 · order KM-A1 · ⏳ Waiting for review · decided by Mon 30 Nov" in user.last_text()
    await user.press("Withdraw #1")
    await user.press("↩ Withdraw")
    assert "Application #1 withdrawn" in user.last_text()
    await user.send("/apply KM-A1")
    await user.send("/cancel")
    assert user.last_text() == "You left the application. You can start again at any time."


async def test_a_contact_card_during_the_application_is_not_taken_as_linking(
    shop: Shop, tg: FakeTelegram
) -> None:
    await delivering(shop)
    user = tg.user(1001)
    await user.send("KM-A1")
    await user.press("📝 申请取消")
    await user.press("重复下单")
    step = user.last_text()

    await user.share_contact("+86 138 0013 8001")

    reply = user.last_text()
    assert "已关联到" not in reply and "手机号" not in reply
    assert "截图" in reply  # the step says what it expects
    linked = await shop.order("KM-A1")
    assert linked.status is OrderStatus.DELIVERING
    assert "第 2 步" in step
