"""The real bot runtime, in-process, polling the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import holidays
import pytest
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from bot.app import Runtime
from bot.config import Settings
from domain.incoming import save_order
from domain.orders import (
    Coupon,
    Customer,
    Order,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
)
from domain.ports import FixedClock
from domain.services import OrderRecord
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.fakebot import DEFAULT_TOKEN, FakeTelegram

#: Thursday 2026-11-26 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


def make_settings(tg: FakeTelegram, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": DEFAULT_TOKEN,
        "database_url": f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        "telegram_api_url": tg.base_url,
        "staff_chat_id": -1001,
        "staff_ids": "9001,9002",
        # The daily digest has tests of its own (test_week.py); on by default it would add
        # a staff-chat message at start to every other test's count.
        "daily_digest_at": "off",
        # A test's shopper acts faster than a person, on a clock that stands still between
        # taps: per-person throttling and the per-chat pace would drop or hold what every
        # other test checks. Both have tests of their own (test_flood.py).
        "throttle_per_second": 0,
        "chat_messages_per_second": 0,
        # Tests run side by side: the shop event endpoint (when a secret is set) takes any
        # free port, read back from the runtime.
        "shop_events_port": 0,
        # A shop that has loaded next year's holidays; without them the staff chat gets a
        # weekly reminder from November (test_calendar_wanted.py), which would add a
        # message to every other test's count.
        "calendar_file": str(next_year_calendar(tmp_path)),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def next_year_calendar(tmp_path: Path) -> Path:
    """2027 declared complete, with its statutory days off (the rule-based ones)."""
    path = tmp_path / "calendar-2027.json"
    days = sorted(day.isoformat() for day in holidays.country_holidays("CN", years=2027))
    path.write_text(json.dumps({"years": [2027], "holidays": days}), encoding="utf-8")
    return path


@dataclass
class Shop:
    """The running bot plus helpers to arrange and inspect the shop's data."""

    runtime: Runtime
    clock: FixedClock

    async def add_order(
        self,
        order_no: str,
        *,
        customer: str = "C0001",
        name: str = "张三",
        status: OrderStatus = OrderStatus.PAID,
        kind: ProductKind = ProductKind.CARD_KEY,
        product: str = "王者荣耀 60点券",
        price_fen: int = 600,
        channel: PaymentChannel = PaymentChannel.WECHAT,
        minutes_ago: int = 10,
        coupon: Coupon | None = None,
        activated: bool | None = None,
    ) -> None:
        placed = self.clock.now() - timedelta(minutes=minutes_ago)
        pending = status is OrderStatus.PENDING_PAYMENT
        delivered = status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
        discount = coupon.discount_fen if coupon else 0
        rec = OrderRecord(
            customer=Customer(id=0, code=customer, name=name, phone=None),
            product=Product(f"SKU-{product}", product, kind, price_fen),
            order=Order(
                id=0,
                order_no=order_no,
                customer_id=0,
                product_name=product,
                product_kind=kind,
                quantity=1,
                unit_price_fen=price_fen,
                discount_fen=discount,
                amount_paid_fen=price_fen - discount,
                status=status,
                payment_channel=None if pending else channel,
                placed_at=placed,
                paid_at=None if pending else placed,
                delivered_at=placed if delivered else None,
                completed_at=placed if status is OrderStatus.COMPLETED else None,
                cancelled_at=placed if status is OrderStatus.CANCELLED else None,
                card_key_activated=activated,
            ),
            coupon=coupon,
        )
        async with self.session() as uow:
            await save_order(uow, rec, self.clock.now())
            await uow.commit()

    async def link(self, customer: str, telegram_id: int) -> None:
        async with self.session() as uow:
            found = await uow.customers.by_code(customer)
            assert found is not None
            await uow.customers.bind_telegram(found.id, telegram_id)
            await uow.commit()

    async def order(self, order_no: str) -> Order:
        async with self.session() as uow:
            found = await uow.orders.by_number(order_no)
        assert found is not None
        return found

    async def unsent(self) -> int:
        """Outbox rows due now and not yet settled (being sent, or waiting to be). A row of a
        chain waiting behind an earlier row that is due later is not due yet either, just
        as the sender does not take it."""
        now = self.clock.now()
        earlier = aliased(OutboxRow)
        behind = exists().where(
            earlier.chain == OutboxRow.chain,
            earlier.id < OutboxRow.id,
            earlier.status.in_(("pending", "sending")),
            earlier.due_at > now,
        )
        async with self.session() as uow:
            return (
                await uow.session.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(
                        (OutboxRow.status == "sending")
                        | ((OutboxRow.status == "pending") & (OutboxRow.due_at <= now)),
                        OutboxRow.chain.is_(None) | ~behind,
                    )
                )
                or 0
            )

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[SqlUnitOfWork]:
        async with self.runtime.session_factory() as session, SqlUnitOfWork(session) as uow:
            yield uow


class HandlerFailures(logging.Handler):
    """Collects handler crashes: the bot apologises to the user, the test must still fail."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.asynccontextmanager
async def running_shop(
    tg: FakeTelegram, tmp_path: Path, **overrides: object
) -> AsyncIterator[Shop]:
    """The real runtime polling the fake Bot API, with ``overrides`` to its settings."""
    clock = FixedClock(NOW)
    runtime = Runtime(make_settings(tg, tmp_path, **overrides), clock=clock)
    async with polling(runtime, tg):
        yield Shop(runtime, clock)


@contextlib.asynccontextmanager
async def polling(runtime: Runtime, tg: FakeTelegram) -> AsyncIterator[None]:
    """``runtime`` prepared and polling until the block ends; a handler crash fails the test."""
    failures = HandlerFailures()
    logging.getLogger("bot.factory").addHandler(failures)
    # Lets the fake know when each update is fully handled, and surfaces handler crashes.
    tg.track(runtime.dispatcher)
    await runtime.prepare()
    task = asyncio.create_task(runtime.poll(handle_signals=False))
    try:
        yield
    finally:
        await runtime.stop()
        await task
        await runtime.close()
        logging.getLogger("bot.factory").removeHandler(failures)
    crashes = [r.exc_info[1] for r in failures.records if r.exc_info]
    assert not crashes, f"a handler crashed: {crashes!r}"


@pytest.fixture
async def shop(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Shop]:
    async with running_shop(tg, tmp_path) as running:
        yield running
