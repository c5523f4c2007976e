"""The shopper's side of refunds over the fake Bot API: /refunds, the pushes, and their buttons.

Refund states are arranged through the domain, as staff or an import would
move them; pushes go out through the real notifier. Its sleep is virtual
here (a wait for a chat's sending slot moves the clock), so a burst of pushes
to one shopper takes no real time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Runtime
from domain.notifications import ArrivalCheck, Kind
from domain.orders import PaymentChannel, Refund, RefundStatus
from domain.ports import FixedClock, Notification
from domain.refunds import RefundAction, RefundOutcome, answer_arrival, change_refund
from domain.shopper import cancel_order
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.e2e.conftest import NOW, HandlerFailures, Shop, make_settings
from tests.fakebot import FakeTelegram, FakeUser, StoredMessage

STAFF_CHAT = -1001


@pytest.fixture
async def shop(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Shop]:
    failures = HandlerFailures()
    logging.getLogger("bot.factory").addHandler(failures)
    clock = FixedClock(NOW)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    runtime = Runtime(make_settings(tg, tmp_path), clock=clock, sleep=sleep)
    tg.track(runtime.dispatcher)
    tg.group(STAFF_CHAT, "客服组")
    await runtime.prepare()
    polling = asyncio.create_task(runtime.poll(handle_signals=False))
    try:
        yield Shop(runtime, clock)
    finally:
        await runtime.stop()
        await polling
        await runtime.close()
        logging.getLogger("bot.factory").removeHandler(failures)
    crashes = [r.exc_info[1] for r in failures.records if r.exc_info]
    assert not crashes, f"a handler crashed: {crashes!r}"


# --------------------------------------------------------------------------- arranging


async def cancelled(
    shop: Shop,
    order_no: str,
    *,
    channel: PaymentChannel = PaymentChannel.WECHAT,
    price_fen: int = 3000,
    customer: str = "C0001",
) -> Refund:
    """A paid order the shopper cancelled: its refund is requested."""
    name = "张三" if customer == "C0001" else "李四"
    await shop.add_order(
        order_no, channel=channel, price_fen=price_fen, customer=customer, name=name
    )
    order = await shop.order(order_no)
    async with shop.runtime.session_factory() as session:
        result = await cancel_order(
            SqlUnitOfWork(session),
            customer_id=order.customer_id,
            order_id=order.id,
            actor="tg:1001",
            rules=shop.runtime.rules,
            now=shop.clock.now(),
        )
    assert result.card is not None and result.card.refund is not None
    return result.card.refund


async def change(
    shop: Shop, refund_id: int, action: RefundAction, reason: str | None = None
) -> Refund:
    """What staff (or the provider's file) report about a refund."""
    async with shop.runtime.session_factory() as session:
        result = await change_refund(
            SqlUnitOfWork(session),
            refund_id,
            action,
            actor="staff:9001",
            rules=shop.runtime.rules,
            now=shop.clock.now(),
            reason=reason,
        )
    assert result.outcome is RefundOutcome.DONE, result
    assert result.refund is not None
    return result.refund


async def ask_arrival(shop: Shop, refund: Refund) -> None:
    """Queue "has it arrived?" as the scheduler does on the evening of the last expected day."""
    now = shop.clock.now()
    async with shop.session() as uow:
        current = await uow.refunds.get(refund.id)
        assert current is not None
        await uow.refunds.mark_arrival_asked(current, now)
        await uow.outbox.add(
            Notification(
                kind=Kind.CUSTOMER_REFUND_ARRIVAL_CHECK,
                audience="customer",
                dedupe_key=f"refund-arrival:{current.id}:{current.attempt}",
                due_at=now,
                customer_id=current.customer_id,
                payload=ArrivalCheck(
                    refund_id=current.id,
                    order_no=current.order_no,
                    amount_fen=current.amount_fen,
                    channel=current.channel,
                    latest=current.expected_latest,
                    attempt=current.attempt,
                ),
            ),
            now,
        )
        await uow.commit()


async def deliver(shop: Shop, tg: FakeTelegram) -> None:
    """Send every push that is due, and wait until the bot went quiet."""
    await shop.runtime.notifier.deliver_due()
    for _ in range(500):
        if not await shop.unsent():
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the outbox was not delivered")
    await tg.idle()


async def refund(shop: Shop, refund_id: int) -> Refund:
    async with shop.session() as uow:
        found = await uow.refunds.get(refund_id)
    assert found is not None
    return found


async def outbox(shop: Shop, kind: str) -> list[OutboxRow]:
    async with shop.session() as uow:
        rows = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind)))
        uow.session.expunge_all()
    return rows


def bot_text(user: FakeUser, start: str) -> str:
    """The latest bot message starting with ``start`` (pushes may arrive around replies)."""
    found = [text for text in user.texts() if text.startswith(start)]
    assert found, f"no message starting {start!r}: {user.texts()[-4:]}"
    return found[-1]


def message_starting(user: FakeUser, start: str) -> StoredMessage:
    found = [m for m in user.messages() if m.content.startswith(start)]
    assert found, f"no message starting {start!r}: {user.texts()[-4:]}"
    return found[-1]


async def show_refunds(user: FakeUser, tg: FakeTelegram) -> str:
    await user.send("/refunds")
    await tg.idle()
    return bot_text(user, "💰 您最近的退款")


async def linked_user(shop: Shop, tg: FakeTelegram) -> FakeUser:
    await shop.link("C0001", 1001)
    return tg.user(1001)


# --------------------------------------------------------------------------- /refunds


async def test_refunds_shows_a_timeline_and_one_next_step_per_state(
    shop: Shop, tg: FakeTelegram
) -> None:
    await cancelled(shop, "KM-A")
    shop.clock.advance(minutes=5)
    processing = await cancelled(shop, "KM-B", channel=PaymentChannel.ALIPAY)
    shop.clock.advance(minutes=55)  # 11:00
    await change(shop, processing.id, RefundAction.SUBMIT)
    succeeded = await cancelled(shop, "KM-C")
    await change(shop, succeeded.id, RefundAction.SUBMIT)
    shop.clock.advance(hours=2)  # 13:00
    await change(shop, succeeded.id, RefundAction.SUCCEED)
    failed = await cancelled(shop, "KM-D")
    await change(shop, failed.id, RefundAction.SUBMIT)
    await change(shop, failed.id, RefundAction.FAIL, reason="收款账户已注销")
    shop.clock.advance(hours=1)  # 14:00
    again = await cancelled(shop, "KM-E")
    await change(shop, again.id, RefundAction.FAIL, reason="账户异常")
    await change(shop, again.id, RefundAction.REINITIATE)
    user = await linked_user(shop, tg)
    await deliver(shop, tg)

    text = await show_refunds(user, tg)

    assert text.startswith("💰 您最近的退款(5 笔)")
    blocks = text.split("\n\n")[1:]
    assert [b.splitlines()[0] for b in blocks] == [f"订单 KM-{c}" for c in "EDCBA"]
    e, d, c, b, a = blocks
    assert "✅ 申请退款 · 11月26日(周四) 10:00" in a
    assert "⏳ 等待客服提交至微信" in a
    assert "⏳ 预计到账 · 12月1日(周二) 前" in a
    assert "✅ 已提交至支付宝 · 11月26日(周四) 11:00" in b
    assert "⏳ 预计到账 · 12月1日(周二) 前" in b
    assert "已到账" not in b
    assert "✅ 已到账 · 11月26日(周四) 13:00(已退回微信)" in c
    assert "预计到账" not in c
    assert "❌ 退款失败:收款账户已注销 · 11月26日(周四) 13:00" in d
    assert "🔁 第 2 次发起" in e
    assert "⏳ 等待客服提交至微信" in e
    assert "退款失败" not in e  # the new attempt starts clean
    message = message_starting(user, "💰 您最近的退款")
    assert user.buttons(message) == [
        "🔎 查看详情 · KM-E",
        "🙋 请客服重新发起 · KM-D",
        "🔎 查看详情 · KM-C",
        "🔎 查看详情 · KM-B",
        "🔎 查看详情 · KM-A",
    ]


async def test_refunds_with_nothing_to_show(shop: Shop, tg: FakeTelegram) -> None:
    await shop.add_order("KM-0")
    user = await linked_user(shop, tg)
    await user.send("/refunds")
    assert "您目前没有退款记录" in user.last_text()
    assert user.buttons() == ["📋 查看我的订单"]  # a refund starts with cancelling an order


async def test_details_show_one_refund_with_its_earlier_attempts(
    shop: Shop, tg: FakeTelegram
) -> None:
    first = await cancelled(shop, "KM-H")
    await change(shop, first.id, RefundAction.SUBMIT)
    shop.clock.advance(hours=1)
    await change(shop, first.id, RefundAction.FAIL, reason="银行卡已挂失")
    shop.clock.advance(hours=1)  # 12:00
    await change(shop, first.id, RefundAction.REINITIATE)
    shop.clock.advance(hours=1)  # 13:00
    await change(shop, first.id, RefundAction.SUBMIT)
    user = await linked_user(shop, tg)
    await deliver(shop, tg)
    await show_refunds(user, tg)

    await user.press("查看详情 · KM-H", message_starting(user, "💰 您最近的退款"))

    text = user.last_text()
    assert text.startswith("🧾 退款详情 · 订单 KM-H")
    assert "✅ 已提交至微信 · 11月26日(周四) 10:00" in text
    assert "❌ 退款失败:银行卡已挂失 · 11月26日(周四) 11:00" in text
    assert "🔁 第 2 次发起 · 11月26日(周四) 12:00" in text
    assert "✅ 已提交至微信 · 11月26日(周四) 13:00" in text
    assert "⏳ 预计到账 · 12月1日(周二) 前" in text
    # Nothing to do before the expected date: only the way back to all the refunds.
    assert user.buttons() == ["💰 查看我的退款"]
    await user.press("💰 查看我的退款")
    assert user.last_text().startswith("💰 您最近的退款")


# --------------------------------------------------------------------------- pushes


async def test_submitted_push_says_by_when(shop: Shop, tg: FakeTelegram) -> None:
    pending = await cancelled(shop, "KM-S", price_fen=4200)
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)

    await deliver(shop, tg)

    assert bot_text(user, "📤") == (
        "📤 订单 KM-S 的退款 ¥42.00 已提交至微信,预计 12月1日(周二) 前到账。"
    )
    assert user.buttons(message_starting(user, "📤")) == ["🔎 查看退款进度"]


async def test_succeeded_push_says_where_the_money_went(shop: Shop, tg: FakeTelegram) -> None:
    pending = await cancelled(shop, "KM-OK", channel=PaymentChannel.BANK_CARD)
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    await change(shop, pending.id, RefundAction.SUCCEED)

    await deliver(shop, tg)

    assert bot_text(user, "✅ 订单 KM-OK") == (
        "✅ 订单 KM-OK 的退款 ¥30.00 已到账:已原路退回您的银行卡。"
    )


async def test_failed_push_asks_staff_once_however_often_pressed(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-F")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    await change(shop, pending.id, RefundAction.FAIL, reason="收款账户异常")
    await deliver(shop, tg)
    push = message_starting(user, "❌ 订单 KM-F")
    assert "退回微信失败:收款账户异常" in push.content
    assert "客服会为您重新发起退款,重新发出时会通知您" in push.content
    # Staff must start it again: the shopper may also talk to them about it.
    assert user.buttons(push) == ["🙋 请客服重新发起", "💬 联系客服"]

    await user.press("🙋 请客服重新发起", push)

    assert "已请客服为您重新发起订单 KM-F 的退款 ¥30.00" in user.last_text()
    assert "重新发出时会通知您" in user.last_text()
    await show_refunds(user, tg)
    await user.press("请客服重新发起 · KM-F", message_starting(user, "💰 您最近的退款"))
    assert "已请客服为您重新发起" in user.last_text()
    rows = await outbox(shop, "staff.refund_followup")
    assert len(rows) == 1
    assert rows[0].payload["why"] == "asked"
    assert rows[0].payload["status"] == "failed"
    assert (await refund(shop, pending.id)).status is RefundStatus.FAILED


async def test_arrival_check_yes_is_noted_but_not_taken_as_arrival(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-Y")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    await deliver(shop, tg)
    shop.clock.advance(days=5, hours=8)  # Tuesday 1 December, 18:00
    await ask_arrival(shop, pending)

    await deliver(shop, tg)

    check = message_starting(user, "💰 ¥30.00")
    assert check.content == "💰 ¥30.00 应已退回您的微信,请问到账了吗?(订单 KM-Y)"
    assert user.buttons(check) == ["✅ 已到账", "⏳ 还没到"]

    await user.press("✅ 已到账", check)

    assert "谢谢确认" in user.last_text()
    after = await refund(shop, pending.id)
    assert after.shopper_confirmed_at is not None
    assert after.status is RefundStatus.PROCESSING  # the shopper's word is not the provider's
    assert after.succeeded_at is None
    text = await show_refunds(user, tg)
    assert "🙋 您已确认收到 · 12月1日(周二) 18:00(尚待微信的退款记录确认)" in text
    assert "✅ 已到账" not in text
    assert user.buttons(message_starting(user, "💰 您最近的退款")) == ["🔎 查看详情 · KM-Y"]
    assert await outbox(shop, "staff.refund_followup") == []


async def test_arrival_check_not_yet_gives_guidance_and_queues_a_follow_up(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-N")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    shop.clock.advance(days=5, hours=8)  # Tuesday 1 December, 18:00
    await ask_arrival(shop, pending)
    await deliver(shop, tg)

    await user.press("⏳ 还没到", message_starting(user, "💰 ¥30.00"))

    text = user.last_text()
    assert "订单 KM-N 的退款 ¥30.00 还没到账" in text
    assert "打开微信 App 里的账单" in text
    assert '显示"退款中"' in text and "请再耐心等待" in text
    assert '显示"退款失败"' in text and "请客服重新发起" in text
    assert "如到 12月2日(周三) 18:00 仍没有进展,客服会主动为您跟进" in text
    assert user.buttons() == ["🙋 请客服重新发起", "🔎 查看退款进度"]
    after = await refund(shop, pending.id)
    assert after.shopper_not_yet_at is not None
    assert after.status is RefundStatus.PROCESSING
    (row,) = await outbox(shop, "staff.refund_followup")
    assert row.status == "pending"
    assert row.due_at - after.shopper_not_yet_at == timedelta(hours=24)
    assert row.payload["why"] == "not_yet"

    # The bill says 退款失败 before the provider's file reached the shop: staff are asked
    # now, not in 24 hours, and a second press asks nothing more.
    await user.press("🙋 请客服重新发起")
    assert "已请客服向微信核实订单 KM-N 的退款 ¥30.00" in user.last_text()
    await user.press("🙋 请客服重新发起") if "🙋 请客服重新发起" in user.buttons() else None
    rows = await outbox(shop, "staff.refund_followup")
    assert sorted(r.dedupe_key.split(":")[0] for r in rows) == ["refund-asked", "refund-followup"]
    asked = next(r for r in rows if r.dedupe_key.startswith("refund-asked"))
    # Due at once: already taken by the sender, or waiting with nothing to wait for.
    assert asked.status != "pending" or asked.due_at <= shop.clock.now()


async def test_overdue_refund_offers_not_arrived_in_the_list(shop: Shop, tg: FakeTelegram) -> None:
    pending = await cancelled(shop, "KM-L")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    shop.clock.advance(days=6)  # Wednesday 2 December, past the last expected day
    await ask_arrival(shop, pending)
    await deliver(shop, tg)

    text = await show_refunds(user, tg)

    assert "⚠️ 预计到账 · 12月1日(周二) 前(已过预计时间,尚无到账记录)" in text
    listing = message_starting(user, "💰 您最近的退款")
    assert user.buttons(listing) == ["❓ 还没到账? · KM-L"]
    await user.press("❓ 还没到账? · KM-L", listing)
    assert "如到 12月3日(周四) 10:00 仍没有进展" in user.last_text()
    assert len(await outbox(shop, "staff.refund_followup")) == 1
    text = await show_refunds(user, tg)
    assert "🕐 您反馈尚未到账 · 12月2日(周三) 10:00" in text
    assert user.buttons(message_starting(user, "💰 您最近的退款")) == ["🔎 查看详情 · KM-L"]


async def test_not_yet_after_the_provider_confirmed_says_when_it_arrived(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-P")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    shop.clock.advance(days=5, hours=8)  # Tuesday 1 December, 18:00
    await ask_arrival(shop, pending)
    await deliver(shop, tg)
    check = message_starting(user, "💰 ¥30.00")
    shop.clock.advance(minutes=30)
    await change(shop, pending.id, RefundAction.SUCCEED)
    await deliver(shop, tg)

    await user.press("⏳ 还没到", check)

    answered = tg.message(user.chat_id, check.message_id)
    assert answered is not None
    assert "退款记录显示,订单 KM-P 的退款 ¥30.00 已于 12月1日(周二) 18:30 退回您的微信" in (
        answered.content
    )
    assert user.buttons(answered) == ["🔎 查看退款进度"]
    assert (await refund(shop, pending.id)).shopper_not_yet_at is None
    assert await outbox(shop, "staff.refund_followup") == []


async def test_arrival_check_is_dropped_once_settled_or_answered(
    shop: Shop, tg: FakeTelegram
) -> None:
    settled = await cancelled(shop, "KM-Q1")
    answered = await cancelled(shop, "KM-Q2")
    user = await linked_user(shop, tg)
    for pending in (settled, answered):
        await change(shop, pending.id, RefundAction.SUBMIT)
    shop.clock.advance(days=5, hours=8)
    await ask_arrival(shop, settled)
    await ask_arrival(shop, answered)
    await change(shop, settled.id, RefundAction.SUCCEED)
    async with shop.runtime.session_factory() as session:
        await answer_arrival(
            SqlUnitOfWork(session),
            answered.customer_id,
            answered.id,
            arrived=True,
            actor="tg:1001",
            now=shop.clock.now(),
        )

    await deliver(shop, tg)

    assert not any("请问到账了吗" in text for text in user.texts())
    rows = await outbox(shop, "customer.refund_arrival_check")
    assert [row.status for row in rows] == ["skipped", "skipped"]


# --------------------------------------------------------------------------- refusals


async def test_someone_elses_or_a_forged_refund_is_refused_and_nothing_changes(
    shop: Shop, tg: FakeTelegram
) -> None:
    theirs = await cancelled(shop, "KM-X", customer="C0002")
    await change(shop, theirs.id, RefundAction.SUBMIT)
    failed = await cancelled(shop, "KM-XF", customer="C0002")
    await change(shop, failed.id, RefundAction.FAIL, reason="账户异常")
    await cancelled(shop, "KM-MINE")
    user = await linked_user(shop, tg)
    await show_refunds(user, tg)
    before = len(user.messages())

    for data in (
        f"rf:y:{theirs.id}:1",
        f"rf:n:{theirs.id}:1",
        f"rf:o:{theirs.id}:",
        f"rf:a:{failed.id}:",
        "rf:n:999999:1",
    ):
        await user.press_data(data)
        assert user.alerts()[-1] == "找不到这笔退款,或它不属于您的账号。", data

    assert len(user.messages()) == before
    assert all("KM-X" not in text for text in user.texts())
    after = await refund(shop, theirs.id)
    assert after.shopper_confirmed_at is None and after.shopper_not_yet_at is None
    assert await outbox(shop, "staff.refund_followup") == []


async def test_answering_an_old_tries_question_shows_the_refund_now_and_records_nothing(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-OLD")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.SUBMIT)
    shop.clock.advance(days=5, hours=8)
    await ask_arrival(shop, pending)
    await deliver(shop, tg)
    check = message_starting(user, "💰 ¥30.00")
    await change(shop, pending.id, RefundAction.FAIL, reason="账户异常")
    await change(shop, pending.id, RefundAction.REINITIATE)

    await user.press("✅ 已到账", check)

    assert user.toasts()[-1] == "那条消息说的是上一次的退款,这里是现在的进度。"
    shown = tg.message(1001, check.message_id)
    assert shown is not None and "第 2 次发起" in shown.content
    after = await refund(shop, pending.id)
    assert (after.attempt, after.shopper_confirmed_at) == (2, None)


async def test_asking_staff_from_an_old_tries_message_asks_nothing(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-OLD2")
    user = await linked_user(shop, tg)
    await change(shop, pending.id, RefundAction.FAIL, reason="账户异常")
    await deliver(shop, tg)
    failed = message_starting(user, "❌")
    await change(shop, pending.id, RefundAction.REINITIATE)

    await user.press("🙋 请客服重新发起", failed)

    assert user.toasts()[-1] == "那条消息说的是上一次的退款,这里是现在的进度。"
    assert await outbox(shop, "staff.refund_followup") == []


async def test_a_refund_never_sent_offers_no_bill_advice_after_its_date(
    shop: Shop, tg: FakeTelegram
) -> None:
    await cancelled(shop, "KM-LATE")
    user = await linked_user(shop, tg)
    shop.clock.advance(days=7)  # past the last expected day; staff never submitted it

    await user.send("/refunds")

    assert "已过预计时间" in user.last_text()
    assert user.buttons() == ["🔎 查看详情 · KM-LATE"]


async def test_unlinked_shopper_is_told_to_link_first(shop: Shop, tg: FakeTelegram) -> None:
    user = tg.user(1002)
    await user.send("/refunds")
    assert "还没有关联" in user.last_text()
    assert user.reply_keyboard() == ["📱 用手机号关联"]
    await user.press_data("rf:o:1:")
    assert "请先关联您的账号" in user.alerts()[-1]


# --------------------------------------------------------------------------- English


async def test_english_refunds_and_pushes(shop: Shop, tg: FakeTelegram) -> None:
    pending = await cancelled(shop, "KM-EN", price_fen=1999)
    user = await linked_user(shop, tg)
    await user.send("/lang")
    await user.press("English")
    await deliver(shop, tg)

    await user.send("/refunds")
    text = user.last_text()
    assert "✅ Refund requested · Thu 26 Nov 10:00" in text
    assert "⏳ Waiting for staff to submit it to WeChat" in text
    assert "⏳ Expected by Tue 1 Dec" in text
    assert user.buttons() == ["🔎 Details · KM-EN"]

    await change(shop, pending.id, RefundAction.SUBMIT)
    await deliver(shop, tg)
    assert bot_text(user, "📤") == (
        "📤 The refund of ¥19.99 for order KM-EN has been submitted to WeChat;"
        " expected by Tue 1 Dec."
    )
    shop.clock.advance(days=5, hours=8)
    await ask_arrival(shop, pending)
    await deliver(shop, tg)
    check = message_starting(user, "💰 ¥19.99")
    assert "should have reached your WeChat by now" in check.content
    assert user.buttons(check) == ["✅ Yes, it arrived", "⏳ Not yet"]
    await user.press("⏳ Not yet", check)
    assert 'it says "refund failed"' in user.last_text()
    assert "If nothing moves by Wed 2 Dec 18:00, staff will look into it" in user.last_text()
    await user.send("/refunds")
    assert "🕐 You told us it has not arrived · Tue 1 Dec 18:00" in user.last_text()

    # Staff picked a preset reason in the shop's language; the shopper reads it in theirs.
    await change(shop, pending.id, RefundAction.FAIL, reason="账户异常")
    await deliver(shop, tg)
    failed = message_starting(user, "❌")
    assert "Account problem" in failed.content and "账户异常" not in failed.content
    await user.send("/refunds")
    assert "Account problem" in user.last_text()


async def test_a_shopper_whose_telegram_is_english_gets_pushes_in_english(
    shop: Shop, tg: FakeTelegram
) -> None:
    pending = await cancelled(shop, "KM-EN2", price_fen=1200)
    await shop.link("C0001", 1001)
    user = tg.user(1001, language_code="en-US")
    await user.send("/refunds")  # never chose a language: Telegram's is used
    assert "Refund requested" in user.last_text()

    await change(shop, pending.id, RefundAction.SUBMIT)
    await deliver(shop, tg)
    assert bot_text(user, "📤").startswith("📤 The refund of ¥12.00 for order KM-EN2")
