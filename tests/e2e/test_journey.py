"""The shopper's journey: list, search, the order card, its next step, and the guards."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from domain.incoming import save_order
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    RefundStatus,
)
from domain.services import OrderRecord
from storage.tables import AuditRow, CouponRow, OutboxRow, RefundRow
from tests.e2e.conftest import NOW, Shop
from tests.fakebot import FakeTelegram

CANCEL = "❌ 取消订单"
APPLY = "📝 申请取消"
AFTER_SALES = "🛠 售后 / 联系客服"
BACK = "⬅ 返回订单列表"
TIMELINE = "🕓 记录"
TABS = ["· 全部 ·", "待支付", "待发货", "已发货", "已完成", "已取消"]

# The reason line of the card, word for word, by the rule that applies.
REASON = {
    "pending": "✅ 可以直接取消:订单尚未支付,取消不产生任何费用。",
    "paid": "✅ 可以直接取消:订单已支付但尚未发货。",
    "instant": (
        "📝 不能直接取消:该商品为自动发货,已进入发货流程。"
        "可以申请取消,由客服在 1–2 个工作日内审核。"
    ),
    "manual_started": (
        "📝 不能直接取消:客服正在为您人工发货。可以申请取消,客服确认尚未发货后为您取消,"
        "1–2 个工作日内审核。"
    ),
    "key_not_activated": "📝 不能直接取消:卡密已发出。卡密尚未激活,可以申请取消,客服核实后退款。",
    "key_unknown": (
        "📝 不能直接取消:卡密已发出。如果您还没有使用,可以申请取消,客服会查询激活状态。"
    ),
    "key_activated": "⛔ 无法取消:卡密已激活。可以联系客服协商其他方案(如更换商品)。",
    "virtual_delivered": "⛔ 无法取消:商品已发放到账。如有问题请联系客服协商解决。",
    "shipped_physical": "⛔ 无法取消:包裹已发出。收到后可以申请退货退款。",
    "physical_delivered": "⛔ 无法取消:商品已送达。如需退货,请申请退货退款。",
    "completed": "⛔ 订单已完成,无需取消。如有问题请联系售后。",
    "cancelled": "⛔ 订单已取消。",
}

# What the card says about the money (¥6.00 paid by WeChat on Thursday 2026-11-26).
ASK_RESTORE = "📝 申请客服恢复订单"
MONEY = {
    "none": "💰 该订单尚未支付,取消后无需退款。",
    "refund": (
        "💰 取消后 ¥6.00 原路退回微信,预计 11月27日(周五) 至 12月1日(周二) 到账(按工作日计算)。"
    ),
    "if_approved": "💰 如审核通过,¥6.00 原路退回微信,最晚 12月3日(周四) 到账。",
}

# What pressing the next-step button shows (a fragment of it).
AFTER_SALES_TEXT = {
    "negotiate": (
        "商品已发放,无法直接取消。请联系本店客服说明情况,客服可与您协商解决(如更换商品)。"
    ),
    "return": "实物商品请在收到后申请退货退款。请联系本店客服获取退货地址",
    "contact": "已完成。如有问题,请联系本店客服处理售后。",
}


@dataclass(frozen=True)
class Case:
    status: OrderStatus
    kind: ProductKind
    activated: bool | None
    reason: str
    money: str | None  # key of MONEY, or None when the card says nothing about money
    button: str | None  # the one next-step button, or None (only the back button)
    outcome: str | None  # "confirm", "apply" or a key of AFTER_SALES_TEXT

    @property
    def id(self) -> str:
        suffix = "" if self.activated is None else f"-activated={self.activated}"
        return f"{self.status.value}-{self.kind.value}{suffix}"


def _cases() -> list[Case]:
    cases: list[Case] = []
    for kind in ProductKind:
        cases.append(
            Case(OrderStatus.PENDING_PAYMENT, kind, None, "pending", "none", CANCEL, "confirm")
        )
        cases.append(Case(OrderStatus.PAID, kind, None, "paid", "refund", CANCEL, "confirm"))
        if kind.instant_delivery:
            delivering = Case(
                OrderStatus.DELIVERING, kind, None, "instant", "if_approved", APPLY, "apply"
            )
        elif kind is ProductKind.PHYSICAL:
            delivering = Case(
                OrderStatus.DELIVERING, kind, None, "shipped_physical", None, AFTER_SALES, "return"
            )
        else:
            # A staff member is delivering by hand: only they know whether it is done.
            delivering = Case(
                OrderStatus.DELIVERING, kind, None, "manual_started", "if_approved", APPLY, "apply"
            )
        cases.append(delivering)
        if kind is ProductKind.CARD_KEY:
            cases += [
                Case(
                    OrderStatus.DELIVERED,
                    kind,
                    True,
                    "key_activated",
                    None,
                    AFTER_SALES,
                    "negotiate",
                ),
                Case(
                    OrderStatus.DELIVERED,
                    kind,
                    False,
                    "key_not_activated",
                    "if_approved",
                    APPLY,
                    "apply",
                ),
                Case(
                    OrderStatus.DELIVERED, kind, None, "key_unknown", "if_approved", APPLY, "apply"
                ),
            ]
        elif kind is ProductKind.PHYSICAL:
            cases.append(
                Case(
                    OrderStatus.DELIVERED,
                    kind,
                    None,
                    "physical_delivered",
                    None,
                    AFTER_SALES,
                    "return",
                )
            )
        else:
            cases.append(
                Case(
                    OrderStatus.DELIVERED,
                    kind,
                    None,
                    "virtual_delivered",
                    None,
                    AFTER_SALES,
                    "negotiate",
                )
            )
        cases.append(
            Case(OrderStatus.COMPLETED, kind, None, "completed", None, AFTER_SALES, "contact")
        )
        # Cancelled in the shop's own system (imported so): only staff can restore it.
        cases.append(
            Case(OrderStatus.CANCELLED, kind, None, "cancelled", None, ASK_RESTORE, "restore")
        )
    return cases


CASES = _cases()


# --------------------------------------------------------------------------- helpers


async def refunds_for(shop: Shop, order_no: str) -> list[tuple[int, str, str]]:
    order = await shop.order(order_no)
    async with shop.session() as uow:
        rows = await uow.session.execute(
            select(RefundRow.amount_fen, RefundRow.channel, RefundRow.status).where(
                RefundRow.order_id == order.id
            )
        )
        return [tuple(r) for r in rows]


async def count_audit(shop: Shop, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditRow)
    if action is not None:
        query = query.where(AuditRow.action == action)
    async with shop.session() as uow:
        return int(await uow.session.scalar(query) or 0)


async def coupon_status(shop: Shop, code: str) -> str | None:
    async with shop.session() as uow:
        return await uow.session.scalar(select(CouponRow.status).where(CouponRow.code == code))


async def add_order(
    shop: Shop,
    order_no: str,
    *,
    customer: str = "C0001",
    name: str = "张三",
    status: OrderStatus = OrderStatus.PAID,
    kind: ProductKind = ProductKind.CARD_KEY,
    product: str = "王者荣耀 60点券",
    price_fen: int = 600,
    quantity: int = 1,
    channel: PaymentChannel = PaymentChannel.WECHAT,
    minutes_ago: int = 10,
    coupon: Coupon | None = None,
    activated: bool | None = None,
    placed: datetime | None = None,
    paid: datetime | None = None,
    delivered: datetime | None = None,
) -> None:
    """Like ``shop.add_order``, with every timestamp its status needs (completed, cancelled)."""
    placed = placed or shop.clock.now() - timedelta(minutes=minutes_ago)
    pending = status is OrderStatus.PENDING_PAYMENT
    reached_delivery = status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
    discount = coupon.discount_fen if coupon else 0
    record = OrderRecord(
        customer=Customer(id=0, code=customer, name=name, phone=None),
        product=Product(f"SKU-{product}", product, kind, price_fen),
        order=Order(
            id=0,
            order_no=order_no,
            customer_id=0,
            product_name=product,
            product_kind=kind,
            quantity=quantity,
            unit_price_fen=price_fen,
            discount_fen=discount,
            amount_paid_fen=price_fen * quantity - discount,
            status=status,
            payment_channel=None if pending else channel,
            placed_at=placed,
            paid_at=None if pending else (paid or placed),
            delivered_at=(delivered or placed) if reached_delivery else None,
            completed_at=placed if status is OrderStatus.COMPLETED else None,
            cancelled_at=placed if status is OrderStatus.CANCELLED else None,
            card_key_activated=activated,
        ),
        coupon=coupon,
    )
    async with shop.session() as uow:
        await save_order(uow, record, shop.clock.now())
        await uow.commit()


def card_lines(text: str) -> list[str]:
    return text.split("\n")


def order_buttons(buttons: list[str], prefix: str = "KM-") -> list[str]:
    return [b for b in buttons if prefix in b]


# ------------------------------------------------------------------ (1) every status × kind


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_card_offers_exactly_the_next_step_the_rules_allow(
    shop: Shop, tg: FakeTelegram, case: Case
) -> None:
    await add_order(
        shop,
        "KM-J1",
        status=case.status,
        kind=case.kind,
        activated=case.activated,
        price_fen=600,
        channel=PaymentChannel.WECHAT,
    )
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    audit_before = await count_audit(shop)

    await user.send("KM-J1")
    card = user.last_message()
    lines = card_lines(card.content)
    assert lines[0] == "🧾 订单 KM-J1"
    assert REASON[case.reason] in lines
    money = [line for line in lines if line.startswith("💰")]
    assert money == ([] if case.money is None else [MONEY[case.money]])
    expected_buttons = [TIMELINE, BACK] if case.button is None else [case.button, TIMELINE, BACK]
    if case.reason == "key_activated":  # the shopper may still say the key was not used
        expected_buttons.insert(1, "🔑 我没有使用这个卡密")
    assert card.buttons == expected_buttons

    if case.button is None:
        assert (await shop.order("KM-J1")).status is case.status
        return
    before = len(user.messages())
    await user.press(case.button, message=card)
    if case.outcome == "confirm":
        confirm = user.last_text()
        assert "❓ 确认取消订单 KM-J1?" in confirm
        assert MONEY[case.money or "none"] in confirm
        assert user.buttons() == ["✅ 确认取消", "↩ 不取消了"]
    elif case.outcome in ("apply", "restore"):
        assert len(user.messages()) == before + 1  # instructions come as a new message
        text = user.last_text()
        verb = "取消" if case.outcome == "apply" else "恢复"
        assert f"📝 申请{verb}订单 KM-J1" in text
        assert "最晚 11月30日(周一)" in text  # Thu + 2 working days
        assert card.buttons == expected_buttons  # the card stays as it was
    else:
        assert len(user.messages()) == before + 1
        text = user.last_text()
        assert "订单 KM-J1" in text
        assert AFTER_SALES_TEXT[case.outcome or ""] in text
    # Looking and asking never change the order or leave an audit trail of their own.
    assert (await shop.order("KM-J1")).status is case.status
    assert await refunds_for(shop, "KM-J1") == []
    assert await count_audit(shop) == audit_before


# --------------------------------------------------------------------------- (2) card facts


async def test_card_shows_times_in_shanghai_price_quantity_channel_and_coupon(
    shop: Shop, tg: FakeTelegram
) -> None:
    coupon = Coupon("CP-T1", "满50减5", 500, returnable_on_cancel=True)
    await add_order(
        shop,
        "KM-T1",
        status=OrderStatus.DELIVERED,
        product="原神 创世结晶 6480",
        activated=False,
        # 23:50 on Tuesday in Shanghai is still 15:50 UTC the same day; payment lands after
        # midnight Shanghai time (a different date than in UTC).
        placed=datetime(2026, 11, 24, 15, 50, tzinfo=NOW.tzinfo),
        paid=datetime(2026, 11, 24, 16, 5, tzinfo=NOW.tzinfo),
        delivered=datetime(2026, 11, 25, 1, 0, tzinfo=NOW.tzinfo),
        quantity=2,
        price_fen=3000,
        coupon=coupon,
        channel=PaymentChannel.ALIPAY,
    )
    await add_order(shop, "KM-T2", status=OrderStatus.PENDING_PAYMENT, minutes_ago=10)
    await add_order(shop, "KM-T3", status=OrderStatus.PAID, minutes_ago=10)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("KM-T1")
    lines = card_lines(user.last_text())
    assert lines[:9] == [
        "🧾 订单 KM-T1",
        "商品:原神 创世结晶 6480(卡密)× 2",
        "单价:¥30.00",
        "优惠券:满50减5(-¥5.00)",
        "实付:¥55.00 · 支付宝",
        "下单时间:11月24日(周二) 23:50",
        "支付时间:11月25日(周三) 00:05",
        "发货时间:11月25日(周三) 09:00",
        "状态:已发货",
    ]
    assert REASON["key_not_activated"] in lines
    assert "💰 如审核通过,¥55.00 原路退回支付宝,最晚 12月3日(周四) 到账。" in lines
    assert "🎟 优惠券「满50减5」将退回您的账户(此券规则:取消可退;长期有效)。" in lines

    await user.send("KM-T2")
    pending = card_lines(user.last_text())
    assert "下单时间:11月26日(周四) 09:50" in pending
    assert "应付:¥6.00(未支付)" in pending
    assert not any(line.startswith(("支付时间", "发货时间")) for line in pending)
    assert "状态:待支付" in pending

    await user.send("KM-T3")
    paid = card_lines(user.last_text())
    assert "下单时间:11月26日(周四) 09:50" in paid
    assert "支付时间:11月26日(周四) 09:50" in paid
    assert "实付:¥6.00 · 微信" in paid
    assert not any(line.startswith("发货时间") for line in paid)
    assert "状态:待发货" in paid


# --------------------------------------------------------------------------- (3) money and coupons


async def test_balance_paid_cancel_says_the_money_comes_back_at_once(
    shop: Shop, tg: FakeTelegram
) -> None:
    await add_order(shop, "KM-B1", price_fen=1234, channel=PaymentChannel.BALANCE)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("/cancel KM-B1")
    confirm = user.last_text()
    assert "💰 取消后 ¥12.34 立即退回您的余额。" in confirm
    assert "预计" not in confirm
    await user.press("确认取消")

    done = user.last_text()
    assert "✅ 订单 KM-B1 已取消。" in done
    assert [(amount, channel) for amount, channel, _ in await refunds_for(shop, "KM-B1")] == [
        (1234, "balance")
    ]
    # The wallet credit is written with the cancel: that record is the evidence the money
    # arrived, so the reply can say it has.
    assert "💰 ¥12.34 已退回您的余额。" in done, done
    assert "预计" not in done, done
    async with shop.session() as uow:
        order = await uow.orders.by_number("KM-B1")
        assert order is not None
        refund = await uow.refunds.for_order(order.id)
        assert refund is not None and refund.status is RefundStatus.SUCCEEDED
        assert await uow.refunds.wallet_balance(order.customer_id) == 1234


async def test_bank_card_cancel_gives_three_to_five_working_days(
    shop: Shop, tg: FakeTelegram
) -> None:
    await add_order(shop, "KM-K1", price_fen=3000, channel=PaymentChannel.BANK_CARD)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("/cancel KM-K1")
    assert (
        "💰 取消后 ¥30.00 原路退回银行卡,预计 12月1日(周二) 至 12月3日(周四) 到账(按工作日计算)。"
        in user.last_text()
    )
    await user.press("确认取消")
    assert "💰 退款 ¥30.00 已申请,原路退回银行卡,预计 12月3日(周四) 前到账。" in user.last_text()
    order = await shop.order("KM-K1")
    async with shop.session() as uow:
        dates = (
            await uow.session.execute(
                select(RefundRow.expected_earliest, RefundRow.expected_latest).where(
                    RefundRow.order_id == order.id
                )
            )
        ).one()
    assert tuple(dates) == (date(2026, 12, 1), date(2026, 12, 3))


@pytest.mark.parametrize(
    ("coupon", "line", "outcome"),
    [
        (
            Coupon(
                "CP-EXP",
                "满30减3",
                300,
                returnable_on_cancel=True,
                expires_at=NOW - timedelta(days=1),
            ),
            "🎟 优惠券「满30减3」已过期,取消后不再退回"
            "(此券规则:取消可退;已于 11月25日(周三) 过期)。",
            "expired",
        ),
        (
            Coupon("CP-NR", "新人专享券", 200, returnable_on_cancel=False),
            "🎟 优惠券「新人专享券」按规则不退回(此券规则:取消不退;长期有效)。",
            "not_returned",
        ),
    ],
    ids=["expired", "not-returnable"],
)
async def test_coupon_that_is_not_given_back_says_so_and_stays_used(
    shop: Shop, tg: FakeTelegram, coupon: Coupon, line: str, outcome: str
) -> None:
    await add_order(shop, "KM-CP1", price_fen=3000, coupon=coupon)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("KM-CP1")
    assert line in card_lines(user.last_text())  # the card already tells
    await user.press(CANCEL)
    confirm = user.last_text()
    assert line in card_lines(confirm)
    assert "将退回" not in confirm
    await user.press("确认取消")

    done = user.last_text()
    assert "✅ 订单 KM-CP1 已取消。" in done
    assert line in card_lines(done)
    assert "已退回您的账户" not in done
    assert await coupon_status(shop, coupon.code) == CouponStatus.USED.value
    assert await refunds_for(shop, "KM-CP1") == [
        (3000 - coupon.discount_fen, "wechat", "requested")
    ]
    async with shop.session() as uow:
        detail = await uow.session.scalar(
            select(AuditRow.detail).where(AuditRow.action == "order.cancelled")
        )
    assert detail is not None and detail["coupon"] == outcome


# --------------------------------------------------------------------------- (4) two devices


async def test_two_devices_confirming_at_once_cancel_exactly_once(
    shop: Shop, tg: FakeTelegram
) -> None:
    await add_order(shop, "KM-D1", price_fen=1000)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-D1")
    phone = user.last_message()
    await user.send("/cancel KM-D1")
    laptop = user.last_message()
    assert phone.message_id != laptop.message_id

    await asyncio.gather(
        user.press("确认取消", message=phone, wait=False),
        user.press("确认取消", message=laptop, wait=False),
    )
    await user.settle()
    await tg.idle()

    texts = [
        found.content
        for found in (tg.message(user.chat_id, m.message_id) for m in (phone, laptop))
        if found is not None
    ]
    won = [t for t in texts if "✅ 订单 KM-D1 已取消。" in t]
    lost = [t for t in texts if "订单 KM-D1 已经取消过了,无需重复操作" in t]
    assert len(won) == 1, texts
    assert len(lost) == 1, texts
    assert "退款 ¥10.00 已申请,原路退回微信" in lost[0]  # the loser sees the refund under way
    assert (await shop.order("KM-D1")).status is OrderStatus.CANCELLED
    assert await refunds_for(shop, "KM-D1") == [(1000, "wechat", "requested")]
    assert await count_audit(shop, "order.cancelled") == 1
    async with shop.session() as uow:
        notices = await uow.session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == "staff.refund_requested")
        )
    assert notices == 1


# --------------------------------------------------------------------------- (5) keep the order


async def test_keep_the_order_leaves_it_unchanged(shop: Shop, tg: FakeTelegram) -> None:
    coupon = Coupon("CP-K", "满10减1", 100, returnable_on_cancel=True)
    await add_order(shop, "KM-N1", price_fen=2000, coupon=coupon)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("KM-N1")
    await user.press(CANCEL)
    assert "确认取消订单 KM-N1" in user.last_text()
    answer = await user.press("↩ 不取消了")

    assert answer is not None and "好的,订单 KM-N1 保持不变。" in (answer.text or "")
    card = user.last_text()
    assert card.startswith("🧾 订单 KM-N1")
    assert REASON["paid"] in card_lines(card)
    assert user.buttons() == [CANCEL, TIMELINE, BACK]
    assert (await shop.order("KM-N1")).status is OrderStatus.PAID
    assert await refunds_for(shop, "KM-N1") == []
    assert await coupon_status(shop, "CP-K") == CouponStatus.USED.value
    assert await count_audit(shop, "order.cancelled") == 0

    # The same from /cancel straight to the confirmation.
    await user.send("/cancel KM-N1")
    await user.press("↩ 不取消了")
    assert (await shop.order("KM-N1")).status is OrderStatus.PAID
    assert await count_audit(shop, "order.cancelled") == 0


# --------------------------------------------------------------------------- (6) odd input


async def test_edits_stickers_photos_and_group_commands_get_a_short_answer(
    shop: Shop, tg: FakeTelegram
) -> None:
    await add_order(shop, "KM-E1", price_fen=1000)
    await add_order(shop, "KM-E2", status=OrderStatus.PENDING_PAYMENT)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("/cancel KM-E1")
    confirmation = user.last_message()
    sent = user.all_messages()[-2]
    assert not sent.from_bot and sent.content == "/cancel KM-E1"
    audit_before = await count_audit(shop)

    # Editing the old command does not act on it again (nor on the new text).
    await user.edit(sent, "/cancel KM-E2")
    assert user.last_text() == "已收到您修改的消息,但我只处理新消息。请重新发送一次。"
    assert confirmation.content.startswith("❓ 确认取消订单 KM-E1")

    await user.send_sticker("😀")
    assert "抱歉,我没有看懂这条消息" in user.last_text()
    assert "/start" in user.last_text()

    # A screenshot with no application open is told how to attach one to an application.
    await user.send_photo(size=50_000, caption="KM-E1")
    assert "没有正在填写的取消申请" in user.last_text()
    assert "/apply" in user.last_text() and "/tickets" in user.last_text()

    group = tg.group(-100777, "Some group")
    member = group.as_user(user)
    await member.send("/orders")
    assert member.last_text() == "请在与我的私聊中使用这个功能。"
    await member.send("/cancel KM-E2")
    assert member.last_text() == "请在与我的私聊中使用这个功能。"
    assert not any("KM-E" in text for text in group.texts())  # no orders shown in public

    assert (await shop.order("KM-E1")).status is OrderStatus.PAID
    assert (await shop.order("KM-E2")).status is OrderStatus.PENDING_PAYMENT
    assert await refunds_for(shop, "KM-E1") == []
    assert await count_audit(shop) == audit_before


async def test_odd_input_in_english(shop: Shop, tg: FakeTelegram) -> None:
    await add_order(shop, "KM-E3")
    await shop.link("C0001", 1001)
    user = tg.user(1001, language_code="en")
    sent = await user.send("KM-E3")
    await user.edit(sent, "KM-E4")
    assert "I only act on new messages" in user.last_text()
    await user.send_sticker()
    assert "Sorry, I did not understand that" in user.last_text()
    member = tg.group(-100777, "Some group").as_user(user)
    await member.send("/orders")
    assert member.last_text() == "Please use this in a private chat with me."


# --------------------------------------------------------------------------- (7) English


async def test_english_list_and_card(shop: Shop, tg: FakeTelegram) -> None:
    await add_order(shop, "KM-EN1", price_fen=600, minutes_ago=10)
    await add_order(
        shop, "KM-EN2", status=OrderStatus.DELIVERED, kind=ProductKind.CARD_KEY, minutes_ago=20
    )
    await add_order(
        shop, "KM-EN3", status=OrderStatus.DELIVERED, kind=ProductKind.PHYSICAL, minutes_ago=30
    )
    await shop.link("C0001", 1001)
    user = tg.user(1001, language_code="en")

    await user.send("/orders")
    assert user.last_text().startswith("📋 My orders · All (3 in all, page 1/1)")
    assert user.buttons()[:6] == [
        "· All ·",
        "Unpaid",
        "To ship",
        "Shipped",
        "Completed",
        "Cancelled",
    ]
    assert order_buttons(user.buttons()) == [
        "✅ KM-EN1 · 王者荣耀 60点券 · ¥6.00",
        "📝 KM-EN2 · 王者荣耀 60点券 · ¥6.00",
        "⛔ KM-EN3 · 王者荣耀 60点券 · ¥6.00",
    ]

    await user.press("KM-EN1")
    lines = card_lines(user.last_text())
    assert lines[:7] == [
        "🧾 Order KM-EN1",
        "Product: 王者荣耀 60点券 (card key) × 1",
        "Unit price: ¥6.00",
        "Paid: ¥6.00 · WeChat",
        "Placed at: Thu 26 Nov 09:50",
        "Paid at: Thu 26 Nov 09:50",
        "Status: Paid, not shipped",
    ]
    assert "✅ Can be cancelled now: it is paid but not shipped yet." in lines
    assert (
        "💰 If cancelled, ¥6.00 goes back to your WeChat, "
        "expected between Fri 27 Nov and Tue 1 Dec (working days)."
    ) in lines
    assert user.buttons() == ["❌ Cancel order", "🕓 History", "⬅ Back to orders"]
    await user.press("Cancel order")
    assert "❓ Cancel order KM-EN1?" in user.last_text()
    await user.press("Keep the order")
    assert (await shop.order("KM-EN1")).status is OrderStatus.PAID

    await user.press("Back to orders")
    await user.press("KM-EN2")
    card = user.last_text()
    assert "Delivered at: Thu 26 Nov 09:40" in card
    assert "Status: Delivered" in card
    assert "If you have not used it, apply and staff will check its activation." in card
    assert user.buttons() == ["📝 Apply for cancel", "🕓 History", "⬅ Back to orders"]
    await user.press("Apply for cancel")
    assert "To apply for cancelling order KM-EN2" in user.last_text()
    assert "(by Mon 30 Nov)" in user.last_text()
    await user.press("leave the application")  # the application would take the text
    assert "You left the application" in user.last_text()

    await user.send("KM-EN3")
    assert user.buttons() == ["🛠 After-sales / contact staff", "🕓 History", "⬅ Back to orders"]
    await user.press("After-sales")
    assert "ask for a return and refund once it arrives" in user.last_text()


# --------------------------------------------------------------------------- (8) badges and tabs


async def test_list_icons_match_the_card_decision_and_tabs_filter(
    shop: Shop, tg: FakeTelegram
) -> None:
    mix = [
        ("KM-M1", OrderStatus.PENDING_PAYMENT, ProductKind.CARD_KEY, None, "✅"),
        ("KM-M2", OrderStatus.PAID, ProductKind.PHYSICAL, None, "✅"),
        ("KM-M3", OrderStatus.DELIVERING, ProductKind.DIRECT_TOPUP, None, "📝"),
        ("KM-M4", OrderStatus.DELIVERED, ProductKind.CARD_KEY, True, "⛔"),
        ("KM-M5", OrderStatus.COMPLETED, ProductKind.MANUAL_VIRTUAL, None, "⛔"),
        ("KM-M6", OrderStatus.CANCELLED, ProductKind.CARD_KEY, None, "⛔"),
    ]
    for minutes, (no, status, kind, activated, _) in enumerate(mix, start=1):
        await add_order(
            shop, no, status=status, kind=kind, activated=activated, minutes_ago=minutes
        )
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    expected = {no: icon for no, *_, icon in mix}

    await user.send("/orders")
    assert "共 6 笔,第 1/2 页" in user.last_text()
    assert user.buttons()[:6] == TABS
    seen: dict[str, str] = {}
    for button in order_buttons(user.buttons()):
        icon, no = button.split(" ")[:2]
        seen[no] = icon
    await user.press("下一页")
    for button in order_buttons(user.buttons()):
        icon, no = button.split(" ")[:2]
        seen[no] = icon
    assert seen == expected

    # Each card's reason line carries the same icon as its list button.
    for no, icon in expected.items():
        await user.send(no)
        lines = card_lines(user.last_text())
        reason = lines[lines.index("") + 1]
        assert reason.startswith(icon), (no, reason)

    tabs = {
        "待支付": ["KM-M1"],
        "待发货": ["KM-M2", "KM-M3"],
        "已发货": ["KM-M4"],
        "已完成": ["KM-M5"],
        "已取消": ["KM-M6"],
    }
    await user.send("/orders")
    for tab, numbers in tabs.items():
        await user.press(tab)
        assert f"我的订单 · {tab}(共 {len(numbers)} 笔" in user.last_text()
        shown = [b.split(" ")[1] for b in order_buttons(user.buttons())]
        assert shown == numbers, tab
        assert f"· {tab} ·" in user.buttons()
        for button in order_buttons(user.buttons()):
            assert button.startswith(expected[button.split(" ")[1]])


# --------------------------------------------------------------------------- (9) search pages


async def test_search_by_product_name_pages_five_and_two(shop: Shop, tg: FakeTelegram) -> None:
    for i in range(7):
        await add_order(
            shop,
            f"KM-S{i}",
            product=f"原神 创世结晶 {i + 1}×6480",
            minutes_ago=i + 1,
            price_fen=64800,
        )
    await add_order(shop, "KM-S9", product="王者荣耀 60点券", minutes_ago=1)
    await add_order(shop, "KM-SX", customer="C0002", name="李四", product="原神 创世结晶 6480")
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    await user.send("创世结晶")
    assert user.last_text() == "🔍 包含「创世结晶」的订单:共 7 笔(第 1/2 页)"
    first = order_buttons(user.buttons())
    assert [b.split(" ")[1] for b in first] == ["KM-S0", "KM-S1", "KM-S2", "KM-S3", "KM-S4"]
    assert "下一页 ▶" in user.buttons()
    assert "◀ 上一页" not in user.buttons()

    await user.press("下一页")
    assert user.last_text() == "🔍 包含「创世结晶」的订单:共 7 笔(第 2/2 页)"
    assert [b.split(" ")[1] for b in order_buttons(user.buttons())] == ["KM-S5", "KM-S6"]
    assert "下一页 ▶" not in user.buttons()
    assert not any("KM-SX" in b or "KM-S9" in b for b in user.buttons())

    await user.press("上一页")
    assert "第 1/2 页" in user.last_text()
    assert order_buttons(user.buttons()) == first

    await user.press("KM-S2")
    assert "🧾 订单 KM-S2" in user.last_text()
    assert "原神 创世结晶 3×6480" in user.last_text()


# --------------------------------------------------------------------------- (10) taps


async def test_new_shopper_cancels_newest_pending_order_in_three_taps(
    shop: Shop, tg: FakeTelegram
) -> None:
    await add_order(shop, "KM-A1", status=OrderStatus.PAID, minutes_ago=1)
    await add_order(shop, "KM-A2", status=OrderStatus.PENDING_PAYMENT, minutes_ago=5)
    await add_order(shop, "KM-A3", status=OrderStatus.PENDING_PAYMENT, minutes_ago=60)
    await add_order(shop, "KM-A4", status=OrderStatus.COMPLETED, minutes_ago=600)
    await shop.link("C0001", 1001)
    user = tg.user(1001)

    def taps() -> int:
        return sum(
            1
            for record in tg.updates
            if record.kind == "callback_query"
            and record.payload["callback_query"]["from"]["id"] == user.id
        )

    await user.send("/start")
    assert taps() == 0
    assert "✅ 可取消 KM-A2" in user.last_text()
    await user.press("KM-A2")
    await user.press(CANCEL)
    await user.press("确认取消")

    assert "✅ 订单 KM-A2 已取消。" in user.last_text()
    assert taps() == 3
    assert (await shop.order("KM-A2")).status is OrderStatus.CANCELLED
    assert (await shop.order("KM-A3")).status is OrderStatus.PENDING_PAYMENT
    assert (await shop.order("KM-A1")).status is OrderStatus.PAID


# --------------------------------------------------------------------------- consistency


async def test_parcel_in_transit_is_listed_under_the_shipped_tab(
    shop: Shop, tg: FakeTelegram
) -> None:
    """The card calls a parcel with the courier 已发货; the 已发货 tab must list it too."""
    await add_order(shop, "KM-P1", status=OrderStatus.DELIVERING, kind=ProductKind.PHYSICAL)
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("KM-P1")
    assert "状态:已发货(运输中)" in card_lines(user.last_text())
    assert REASON["shipped_physical"] in card_lines(user.last_text())

    await user.send("/orders")
    await user.press("已发货")
    shipped = [b.split(" ")[1] for b in order_buttons(user.buttons())]
    await user.press("待发货")
    to_ship = [b.split(" ")[1] for b in order_buttons(user.buttons())]
    assert (shipped, to_ship) == (["KM-P1"], [])


async def test_cancel_command_takes_the_number_as_typed_in_lower_case(
    shop: Shop, tg: FakeTelegram
) -> None:
    """Sending "km-l1" opens KM-L1; "/cancel km-l1" must find the same order."""
    await add_order(shop, "KM-L1")
    await shop.link("C0001", 1001)
    user = tg.user(1001)
    await user.send("km-l1")
    assert user.last_text().startswith("🧾 订单 KM-L1")
    await user.send("/cancel km-l1")
    assert "❓ 确认取消订单 KM-L1?" in user.last_text()
