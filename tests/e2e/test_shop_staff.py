"""Staff approvals in SHOP_MODE=http, end to end: the staff group, the fake Bot API and a
real HTTP server playing the shop. An approval counts only once the shop confirms it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.orders import OrderStatus, ProductKind
from domain.tickets import TicketStatus
from storage.tables import OutboxRow, RefundRow, TicketRow
from tests.e2e.test_staff import Desk, linked, open_desk
from tests.fakebot import FakeTelegram
from tests.fakeshop import FakeShop


@pytest.fixture
async def fake_shop() -> AsyncIterator[FakeShop]:
    async with FakeShop() as running:
        yield running


@pytest.fixture
async def desk(tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop) -> AsyncIterator[Desk]:
    settings = {
        "shop_mode": "http",
        "shop_api_url": fake_shop.url,
        "shop_api_secret": fake_shop.secret,
        "shop_confirm_wait_seconds": 15,  # a busy machine may take seconds to answer
    }
    async with open_desk(tg, tmp_path, **settings) as opened:
        yield opened


async def test_an_approval_the_shop_confirms_closes_the_card_and_refunds_once(
    desk: Desk, fake_shop: FakeShop
) -> None:
    await linked(desk, "KM-1")
    fake_shop.add("KM-1", "delivered")
    ticket_id = await desk.file("KM-1")
    await desk.deliver()

    await desk.li.press("✅ 同意取消", desk.card(ticket_id))
    await desk.deliver()

    assert "已同意取消" in desk.card(ticket_id).content
    assert desk.card(ticket_id).buttons == []
    [ticket] = await desk.rows(TicketRow)
    assert ticket.status == TicketStatus.APPROVED.value
    assert (await desk.shop.order("KM-1")).status is OrderStatus.CANCELLED
    assert len(await desk.rows(RefundRow)) == 1
    assert fake_shop.orders["KM-1"].cancels == 1
    assert len(await desk.rows(OutboxRow, OutboxRow.kind == "customer.ticket_decided")) == 1


async def test_an_approval_the_shop_refuses_keeps_the_card_open_and_refunds_nothing(
    desk: Desk, fake_shop: FakeShop
) -> None:
    await desk.order(
        "KM-2", status=OrderStatus.DELIVERING, kind=ProductKind.DIRECT_TOPUP, activated=None
    )
    await desk.shop.link("C0001", 1001)
    fake_shop.add("KM-2", "delivered")  # the top-up arrived while staff were reading
    ticket_id = await desk.file("KM-2")
    await desk.deliver()

    await desk.li.press("✅ 同意取消", desk.card(ticket_id))

    [alert] = desk.li.alerts()
    assert "订单状态已变化" in alert
    [ticket] = await desk.rows(TicketRow)
    assert ticket.status == TicketStatus.OPEN.value
    assert (await desk.shop.order("KM-2")).status is OrderStatus.DELIVERED
    assert await desk.rows(RefundRow) == []
