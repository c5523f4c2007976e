"""SHOP_MODE=http: restoring a mistaken cancel is asked of the shop like a cancel is (its
idempotency key, its answer decides), over HTTP to the fake shop."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from domain.orders import OrderStatus, RefundStatus
from storage.tables import AuditRow, RefundRow
from tests.e2e.conftest import Shop, running_shop
from tests.e2e.test_shop_cancel import fake_shop, http_mode, paid, until_text
from tests.fakebot import FakeTelegram
from tests.fakeshop import FakeShop

__all__ = ["fake_shop"]  # the fake shop's fixture, shared with the cancels' tests


async def refund_of(shop: Shop, order_no: str) -> RefundRow:
    order = await shop.order(order_no)
    async with shop.session() as uow:
        [row] = await uow.session.scalars(select(RefundRow).where(RefundRow.order_id == order.id))
        uow.session.expunge_all()
    return row


async def audit(shop: Shop, action: str) -> list[AuditRow]:
    async with shop.session() as uow:
        rows = list(await uow.session.scalars(select(AuditRow).where(AuditRow.action == action)))
        uow.session.expunge_all()
    return rows


async def cancel_then_restore(
    shop: Shop, tg: FakeTelegram, fake_shop: FakeShop, *, restorable: bool = True
) -> None:
    await paid(shop, fake_shop)
    fake_shop.orders["KM-1"].restorable = restorable
    user = tg.user(1001)
    await user.send("/cancel KM-1")
    await user.press("确认取消")
    await until_text(tg, user, "订单 KM-1 已取消")
    await user.press("↩ 恢复订单")
    assert "🏬 恢复需要商城确认" in user.last_text()
    await user.press("✅ 确认恢复")


async def test_the_shop_accepts_the_restore_and_the_same_message_says_restored(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    async with running_shop(tg, tmp_path, **http_mode(fake_shop)) as shop:
        await cancel_then_restore(shop, tg, fake_shop)
        user = tg.user(1001)

        done = await until_text(tg, user, "已恢复为")
        assert "✅ 订单 KM-1 已恢复为「待发货」。" in done
        assert "💰 退款 ¥30.00 已撤回,不会再退款。" in done
        assert fake_shop.orders["KM-1"].status == "paid"
        assert fake_shop.orders["KM-1"].restores == 1
        [asked] = [r for r in fake_shop.requests if (r.key or "").startswith("restore-")]
        body = json.loads(asked.body)
        assert body["order_no"] == "KM-1" and body["restore_to"] == "paid"
        assert body["idempotency_key"] == asked.key
        order = await shop.order("KM-1")
        assert order.status is OrderStatus.PAID and order.restoring_since is None
        assert (await refund_of(shop, "KM-1")).status == RefundStatus.VOIDED.value
        [requested] = await audit(shop, "order.restore_requested")
        [restored] = await audit(shop, "order.restored")
        assert restored.detail["request"] == requested.detail["request"]


async def test_the_shop_refuses_the_restore_and_the_refund_is_owed_again(
    tg: FakeTelegram, tmp_path: Path, fake_shop: FakeShop
) -> None:
    async with running_shop(tg, tmp_path, **http_mode(fake_shop)) as shop:
        await cancel_then_restore(shop, tg, fake_shop, restorable=False)
        user = tg.user(1001)

        refused = await until_text(tg, user, "商城没有同意恢复")
        assert "ℹ️ 商城没有同意恢复订单 KM-1(商城显示该订单「已取消」)。" in refused
        assert "订单保持已取消,退款照常进行" in refused
        assert "📝 申请客服恢复订单" not in refused  # the card's buttons come below
        order = await shop.order("KM-1")
        assert order.status is OrderStatus.CANCELLED and order.restoring_since is None
        refund = await refund_of(shop, "KM-1")
        assert (refund.status, refund.attempt) == (RefundStatus.REQUESTED.value, 2)
        assert fake_shop.orders["KM-1"].restores == 0
        [why] = await audit(shop, "order.restore_refused")
        assert why.detail["why"] == "funds reallocated"
        assert await audit(shop, "order.restored") == []
