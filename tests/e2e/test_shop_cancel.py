"""SHOP_MODE=http: the real bot, the fake Bot API, and a real HTTP server playing the
shop. A cancel counts only once the shop confirms it; the shopper always sees where it
stands; nothing is cancelled or refunded twice."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.shop_signing import signed_headers
from domain.orders import OrderStatus, ProductKind
from storage.tables import RefundRow
from tests.e2e.conftest import Shop, running_shop
from tests.fakebot import FakeTelegram, FakeUser, StoredMessage
from tests.fakeshop import Behaviour, FakeShop


@pytest.fixture
async def fake_shop() -> AsyncIterator[FakeShop]:
    async with FakeShop() as running:
        yield running


def http_mode(fake_shop: FakeShop, **overrides: object) -> dict[str, object]:
    # A busy machine may take seconds to answer; the quick path is what these tests show.
    return {
        "shop_mode": "http",
        "shop_api_url": fake_shop.url,
        "shop_api_secret": fake_shop.secret,
        "shop_confirm_wait_seconds": 15,
    } | overrides


async def refunds(shop: Shop) -> int:
    async with shop.session() as uow:
        return await uow.session.scalar(select(func.count()).select_from(RefundRow)) or 0


async def until_text(tg: FakeTelegram, user: FakeUser, needle: str, seconds: float = 15) -> str:
    """Wait for a message (new or edited) to this shopper containing ``needle``."""
    deadline = time.monotonic() + seconds
    while True:
        found = [text for text in user.texts() if needle in text]
        if found:
            return found[-1]
        left = deadline - time.monotonic()
        assert left > 0, f"no message with {needle!r}; the chat: {user.texts()}"
        await tg.wait_for_change(left)


def news_of(user: FakeUser, needle: str) -> StoredMessage:
    """The latest message to this shopper containing ``needle``."""
    return [m for m in user.messages() if needle in m.content][-1]


async def paid(shop: Shop, fake_shop: FakeShop, order_no: str = "KM-1") -> None:
    await shop.add_order(order_no, kind=ProductKind.CARD_KEY, price_fen=3000)
    await shop.link("C0001", 1001)
    fake_shop.add(order_no, "paid")


async def test_the_shop_confirms_at_once_and_the_same_message_says_cancelled(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    async with running_shop(tg, tmp_path, **http_mode(fake_shop)) as shop:
        await paid(shop, fake_shop)
        user = tg.user(1001)
        await user.send("/cancel KM-1")
        asked = user.last_message()

        await user.press("确认取消")

        assert user.last_message().message_id == asked.message_id  # edited in place
        done = user.last_text()
        assert "订单 KM-1 已取消" in done
        assert "退款 ¥30.00 已申请,原路退回微信" in done
        assert (await shop.order("KM-1")).status is OrderStatus.CANCELLED
        assert await refunds(shop) == 1
        assert fake_shop.orders["KM-1"].cancels == 1
        assert not any("商城已确认" in text for text in user.texts())  # no second message


async def test_an_order_the_shop_delivered_meanwhile_is_refused_with_the_way_to_apply(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    async with running_shop(tg, tmp_path, **http_mode(fake_shop)) as shop:
        await paid(shop, fake_shop)
        user = tg.user(1001)
        await user.send("/cancel KM-1")
        fake_shop.orders["KM-1"].status = "delivered"  # the shop delivered a second ago

        await user.press("确认取消")

        refused = user.last_text()
        assert "订单 KM-1 未能取消:商城显示该订单「已发货」" in refused
        assert "申请取消" in " ".join(user.buttons())
        order = await shop.order("KM-1")
        assert order.status is OrderStatus.DELIVERED and order.cancelling_since is None
        assert await refunds(shop) == 0


async def test_a_slow_shop_says_confirming_then_pushes_the_answer(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 4.5
    settings = http_mode(fake_shop, shop_timeout_seconds=10, shop_confirm_wait_seconds=3)
    async with running_shop(tg, tmp_path, **settings) as shop:
        await paid(shop, fake_shop)
        user = tg.user(1001)
        await user.send("/cancel KM-1")

        await user.press("确认取消")

        assert "正在向商城确认取消" in user.last_text()
        assert (await shop.order("KM-1")).status is OrderStatus.PAID
        assert await refunds(shop) == 0
        pushed = await until_text(tg, user, "商城已确认")
        assert pushed.startswith("✅ 商城已确认:订单 KM-1 已取消。")
        assert "¥30.00" in pushed
        # It ends in the cancelled order's buttons: a mistaken cancel is undone from here.
        assert "↩ 恢复订单" in news_of(user, "商城已确认").buttons
        assert (await shop.order("KM-1")).status is OrderStatus.CANCELLED
        assert await refunds(shop) == 1
        assert fake_shop.orders["KM-1"].cancels == 1


async def test_pressing_again_while_the_shop_decides_cancels_and_refunds_once(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 1.0
    async with running_shop(tg, tmp_path, **http_mode(fake_shop)) as shop:
        await paid(shop, fake_shop)
        user = tg.user(1001)
        await user.send("/cancel KM-1")
        confirm = user.last_message()

        await asyncio.gather(
            user.press("确认取消", confirm, wait=False),
            user.press("确认取消", confirm, wait=False),
        )
        await user.settle()
        await until_text(tg, user, "已取消")

        assert (await shop.order("KM-1")).status is OrderStatus.CANCELLED
        assert await refunds(shop) == 1
        assert fake_shop.orders["KM-1"].cancels == 1
        assert len({r.key for r in fake_shop.requests}) == 1


async def post_cancelled_event(shop: Shop, fake_shop: FakeShop, event_id: str) -> dict[str, Any]:
    """The shop's own signed event: order KM-1 is cancelled on its side."""
    order = await shop.order("KM-1")
    product = {"sku": "SKU-王者荣耀 60点券", "name": "王者荣耀 60点券", "kind": "card_key"}
    line = {
        "order_no": "KM-1",
        "customer": {"code": "C0001", "name": "张三"},
        "product": product,
        "quantity": 1,
        "unit_price": "30.00",
        "amount_paid": "30.00",
        "status": "cancelled",
        "payment_channel": "wechat",
        "placed_at": order.placed_at.isoformat(),
        "paid_at": order.placed_at.isoformat(),
        "cancelled_at": (order.placed_at + timedelta(minutes=5)).isoformat(),
    }
    body = json.dumps({"event_id": event_id, "orders": [line]}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    headers |= signed_headers(fake_shop.secret, body, datetime.now(UTC))
    url = f"http://127.0.0.1:{shop.runtime.events_port}/shop/v1/orders"
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        assert r.status == 200, await r.text()
        answer: dict[str, Any] = await r.json()
    return answer


async def test_an_order_the_shop_cancels_reaches_the_shopper_as_it_happens(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    async with running_shop(tg, tmp_path, **http_mode(fake_shop, shop_events_port=0)) as shop:
        await paid(shop, fake_shop)

        answer = await post_cancelled_event(shop, fake_shop, "evt-77")

        assert answer["accepted"] == 1, answer
        pushed = await until_text(tg, tg.user(1001), "已由商城取消")
        assert "KM-1" in pushed and "¥30.00" in pushed
        assert news_of(tg.user(1001), "已由商城取消").buttons[-2:] == ["🕓 记录", "⬅ 返回订单列表"]
        assert (await shop.order("KM-1")).status is OrderStatus.CANCELLED
        assert await refunds(shop) == 1


@pytest.mark.parametrize(
    ("fault", "what"),
    [
        (Behaviour.FAIL, "a 500 before doing anything"),
        (Behaviour.DROP, "cancelled, but the answer was lost"),
        (Behaviour.SLOW, "cancelled, but the answer came after the timeout"),
    ],
)
async def test_a_shop_fault_is_retried_with_the_same_key_and_cancels_once(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop, fault: Behaviour, what: str
) -> None:
    fake_shop.script, fake_shop.delay = [fault], 1.5
    settings = http_mode(fake_shop, shop_timeout_seconds=1)
    async with running_shop(tg, tmp_path, **settings) as shop:
        await paid(shop, fake_shop)
        user = tg.user(1001)
        await user.send("/cancel KM-1")

        await user.press("确认取消")

        assert "订单 KM-1 已取消" in await until_text(tg, user, "已取消"), what
        assert (await shop.order("KM-1")).status is OrderStatus.CANCELLED
        assert await refunds(shop) == 1
        assert fake_shop.orders["KM-1"].cancels == 1
        assert len(fake_shop.requests) == 2 and len({r.key for r in fake_shop.requests}) == 1


async def test_the_shop_answering_twice_by_event_and_by_api_refunds_once(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    fake_shop.script, fake_shop.delay = [Behaviour.SLOW], 1.0
    async with running_shop(tg, tmp_path, **http_mode(fake_shop, shop_events_port=0)) as shop:
        await paid(shop, fake_shop)
        user = tg.user(1001)
        await user.send("/cancel KM-1")
        press = asyncio.create_task(user.press("确认取消"))
        # While the API's answer is on its way, the shop's own event says cancelled.
        await fake_shop.asked.wait()
        await post_cancelled_event(shop, fake_shop, "evt-twice")
        await press

        await until_text(tg, user, "已取消")
        assert (await shop.order("KM-1")).status is OrderStatus.CANCELLED
        assert await refunds(shop) == 1
