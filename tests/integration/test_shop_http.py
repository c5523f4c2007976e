"""The HTTP shop adapter against a real HTTP server playing the shop's order system."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.shop_http import HttpShop
from bot.shop_signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from domain.orders import Order, OrderStatus, ProductKind
from domain.shop import CancelAccepted, CancelRefused, CancelReply, ShopUnavailable
from tests.fakeshop import Behaviour, FakeShop

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


class WallClock:
    """The shop checks timestamps against its own clock, so the adapter signs with the real one."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def an_order(order_no: str = "KM-1", status: OrderStatus = OrderStatus.PAID) -> Order:
    return Order(
        id=7,
        order_no=order_no,
        customer_id=1,
        product_name="王者荣耀 60 点券",
        product_kind=ProductKind.DIRECT_TOPUP,
        quantity=1,
        unit_price_fen=600,
        amount_paid_fen=600,
        status=status,
        placed_at=NOW,
        paid_at=NOW,
    )


@pytest.fixture
async def shop() -> AsyncIterator[FakeShop]:
    async with FakeShop() as running:
        running.add("KM-1", "paid")
        yield running


async def cancel(
    url: str, secret: str, pauses: list[float], retry_pauses: tuple[float, ...] = (0.5, 2.0)
) -> CancelReply:
    """One cancel request of order KM-1 through a fresh adapter; its waits land in ``pauses``."""

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    client = HttpShop(url, secret, WallClock(), timeout=0.3, pauses=retry_pauses, sleep=sleep)
    try:
        return await client.request_cancel(an_order(), OrderStatus.PAID, "cancel-7-1")
    finally:
        await client.close()


async def test_an_accepted_cancel_carries_the_shops_time_and_refund_reference(
    shop: FakeShop,
) -> None:
    shop.refund_ref = "WX-REF-88"
    reply = await cancel(shop.url, shop.secret, pauses := [])

    assert isinstance(reply, CancelAccepted)
    assert reply.refund_ref == "WX-REF-88"
    assert reply.cancelled_at == shop.orders["KM-1"].cancelled_at
    assert pauses == []
    (request,) = shop.requests
    assert json.loads(request.body) == {
        "order_no": "KM-1",
        "expected_status": "paid",
        "idempotency_key": "cancel-7-1",
    }
    assert request.key == "cancel-7-1"
    stamp = request.headers[TIMESTAMP_HEADER]
    assert request.headers[SIGNATURE_HEADER] == signature(shop.secret, stamp, request.body)


async def test_a_shop_that_delivered_meanwhile_refuses_and_says_so(shop: FakeShop) -> None:
    shop.orders["KM-1"].status = "delivered"
    reply = await cancel(shop.url, shop.secret, [])

    assert reply == CancelRefused(OrderStatus.DELIVERED, "moved on")
    assert shop.orders["KM-1"].status == "delivered"


@pytest.mark.parametrize("fault", [Behaviour.FAIL, Behaviour.DROP, Behaviour.SLOW])
async def test_a_retry_after_a_fault_uses_the_same_key_and_cancels_once(
    shop: FakeShop, fault: Behaviour
) -> None:
    shop.script = [fault]
    shop.delay = 1.0  # past the adapter's 0.3 s timeout
    reply = await cancel(shop.url, shop.secret, pauses := [])

    assert isinstance(reply, CancelAccepted)
    assert shop.orders["KM-1"].cancels == 1
    assert {r.key for r in shop.requests} == {"cancel-7-1"}
    assert len(shop.requests) == 2
    assert pauses == [0.5]


async def test_a_shop_that_keeps_failing_is_unavailable_after_three_tries(shop: FakeShop) -> None:
    shop.script = [Behaviour.FAIL] * 3
    reply = await cancel(shop.url, shop.secret, pauses := [])

    assert isinstance(reply, ShopUnavailable)
    assert "HTTP 500" in reply.why
    assert len(shop.requests) == 3
    assert pauses == [0.5, 2.0]
    assert shop.orders["KM-1"].status == "paid"


async def test_a_wrong_secret_is_refused_by_the_shop_and_not_retried(shop: FakeShop) -> None:
    reply = await cancel(shop.url, "not-the-secret", pauses := [])

    assert isinstance(reply, ShopUnavailable)
    assert "HTTP 401" in reply.why
    assert [r.answered for r in shop.requests] == [401]
    assert pauses == []
    assert shop.orders["KM-1"].status == "paid"


async def test_a_shop_that_cannot_be_reached_is_unavailable() -> None:
    async with FakeShop() as gone:
        url = gone.url
    reply = await cancel(url, "s", pauses := [], retry_pauses=(0.1,))

    assert isinstance(reply, ShopUnavailable)
    assert "ClientConnectorError" in reply.why
    assert pauses == [0.1]
