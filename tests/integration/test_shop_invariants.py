"""Whatever the shopper presses, whatever the shop does on its own and whatever the network
loses, in any order: never delivered and refunded, never cancelled or refunded twice, and
once the shop's answers are all in, the bot and the shop agree.

Hypothesis picks the sequences; each runs against a fresh SQLite file and a real HTTP
server playing a shop that delivers by itself.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.importer import import_objects
from bot.jsonlines import read_document
from bot.shop_http import HttpShop
from domain.orders import OrderStatus
from domain.shop_cancels import CancelDesk, RequestOutcome, request_cancel, settle_due
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.tables import RefundRow
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.fakeshop import Behaviour, FakeShop
from tests.integration.test_import import EN, NOW, RULES, topup
from tests.integration.test_shop_http import WallClock

STEPS = (
    "confirm",  # the shopper confirms a cancel (again, if they like)
    "deliver",  # the shop delivers by itself, and its event reaches the bot
    "shop_cancels",  # the shop cancels on its own, and its event reaches the bot
    "stale_paid_event",  # a late event still says paid
    "fail",  # the next request to the shop fails with a 500
    "drop",  # the shop cancels but its answer is lost
    "slow",  # the shop answers after the bot's timeout
    "retry",  # the bot's scheduler asks again about pending cancels
)


ALERT = timedelta(minutes=10)


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


async def run(steps: list[str], folder: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{folder}/shop.db")
    await upgrade(engine)
    factory = create_session_factory(engine)
    uows = SqlUnitOfWorkFactory(factory)
    clock = Clock()

    async def event(status: str) -> None:
        # As the endpoint reads it: exact decimals for the money.
        line = read_document(json.dumps(topup("KM-1", status)).encode())
        results = await import_objects(uows, [line], clock=clock, rules=RULES, t=EN)
        assert (
            status == "paid" or not results.refused or "status-backwards" in str(results.problems)
        ), results.refused

    async with FakeShop() as shop:
        shop.delay = 0.25
        client = HttpShop(shop.url, shop.secret, WallClock(), timeout=0.1, pauses=(0.01,))
        desk = CancelDesk(uows, client, rules=RULES, clock=clock, wait=0.05)
        await event("paid")
        shop.add("KM-1", "paid")
        for step in steps:
            clock.at += timedelta(minutes=1)
            if step == "confirm":
                async with factory() as session, SqlUnitOfWork(session) as uow:
                    found = await uow.orders.by_number("KM-1")
                assert found is not None
                asked = await request_cancel(
                    SqlUnitOfWork(factory()),
                    customer_id=found.customer_id,
                    order_id=found.id,
                    actor="tg:1001",
                    rules=RULES,
                    now=clock.now(),
                )
                if asked.outcome is RequestOutcome.REQUESTED:
                    assert asked.request_id is not None
                    await desk.confirm(asked.request_id)
            elif step == "deliver" and shop.orders["KM-1"].status == "paid":
                shop.orders["KM-1"].status = "delivered"
                await event("delivered")
            elif step == "shop_cancels" and shop.orders["KM-1"].status == "paid":
                shop.orders["KM-1"].status = "cancelled"
                shop.orders["KM-1"].cancels += 1
                await event("cancelled")
            elif step == "stale_paid_event":
                await event("paid")
            elif step in ("fail", "drop", "slow"):
                shop.script.append(Behaviour(step))
            elif step == "retry":
                await settle_due(
                    uows, client, rules=RULES, clock=clock, alert_after=timedelta(minutes=10)
                )
            await check_never_both(factory, shop)
        # Every answer in: the shop behaves, the bot asks until nothing is pending.
        shop.script.clear()
        await desk.close()
        for _ in range(3):
            clock.at += timedelta(minutes=10)
            await settle_due(
                uows, client, rules=RULES, clock=clock, alert_after=timedelta(minutes=10)
            )
        await check_never_both(factory, shop)
        await check_agreement(factory, shop)
        await client.close()
    await engine.dispose()


async def refunds(factory: object) -> int:
    async with factory() as session:  # type: ignore[operator]
        return await session.scalar(select(func.count()).select_from(RefundRow)) or 0


async def check_never_both(factory: object, shop: FakeShop) -> None:
    in_shop = shop.orders["KM-1"]
    assert in_shop.cancels <= 1, "the shop cancelled twice"
    count = await refunds(factory)
    assert count <= 1, "refunded twice"
    if in_shop.status == "delivered":
        assert count == 0, "delivered by the shop and refunded by the bot"


async def check_agreement(factory: object, shop: FakeShop) -> None:
    async with factory() as session, SqlUnitOfWork(session) as uow:  # type: ignore[operator]
        order = await uow.orders.by_number("KM-1")
    assert order is not None
    in_shop = shop.orders["KM-1"].status
    assert order.cancelling_since is None, "still waiting for the shop after every answer"
    assert (order.status is OrderStatus.CANCELLED) == (in_shop == "cancelled")
    assert (await refunds(factory)) == (1 if in_shop == "cancelled" else 0)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(STEPS), min_size=1, max_size=8))
def test_no_sequence_ends_delivered_and_refunded_or_cancelled_twice(steps: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(steps, Path(folder)))
