"""Measure what a shop owner feels: start-up, reply latency, import speed, memory.

Runs the shipped program (``python -m bot``) against the fake Bot API server
on 127.0.0.1 and prints one table. Nothing leaves this machine.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.app import Runtime
from bot.config import Settings
from bot.importer import parse_object
from bot.shop_http import HttpShop
from bot.shop_signing import signed_headers
from domain.calendar import WorkdayCalendar
from domain.incoming import save_order
from domain.notifications import Kind, RefundSubmitted
from domain.orders import Customer, Order, OrderStatus, PaymentChannel, Product, ProductKind
from domain.policy import ShopRules
from domain.ports import Notification, SystemClock
from domain.services import OrderRecord
from domain.shop_cancels import CancelDesk, request_cancel
from domain.shopper import cancel_order
from handlers.i18n import Translations
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.fakebot import DEFAULT_TOKEN, FakeTelegram
from tests.fakeshop import FakeShop

ROOT = Path(__file__).resolve().parents[1]
START_REQUESTS = 60
IMPORT_ROWS = 10_000
PUSHES = 250
EVENT_LINES = 10_000
EVENT_BATCH = 500
EVENT_SECRET = "bench-secret-0123456789"
CANCELS = 40
FLOOD = 60
QUIET_TAPS = 10
SHANGHAI = ZoneInfo("Asia/Shanghai")


def env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    clean.update(PYTHONPATH=str(ROOT), **extra)
    return clean


def cli(cwd: Path, *args: str, **extra: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env(**extra),
        check=True,
        capture_output=True,
    )


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def order_line(i: int, status: str = "paid") -> dict[str, object]:
    delivered = {"delivered_at": "2026-11-20T10:01:05+08:00"} if status == "delivered" else {}
    return delivered | {
        "order_no": f"BENCH-{i:06d}",
        "customer": {"code": f"B{i % 500:04d}", "name": "顾客"},
        "product": {"sku": f"SKU-{i % 20}", "name": "王者荣耀 60点券", "kind": "card_key"},
        "quantity": 1,
        "unit_price": "6.00",
        "amount_paid": "6.00",
        "status": status,
        "payment_channel": "wechat",
        "placed_at": "2026-11-20T10:00:00+08:00",
        "paid_at": "2026-11-20T10:01:00+08:00",
    }


def import_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(json.dumps(order_line(i), ensure_ascii=False) + "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def events_rate(port: int) -> float:
    """EVENT_LINES order lines posted to the running bot's endpoint, EVENT_BATCH a request,
    each new order sent twice (placed, then delivered); lines per second."""
    url = f"http://127.0.0.1:{port}/shop/v1/orders"
    half = EVENT_BATCH // 2
    batches = [
        [order_line(i, s) for i in range(start, start + half) for s in ("paid", "delivered")]
        for start in range(100_000, 100_000 + EVENT_LINES // 2, half)
    ]
    async with aiohttp.ClientSession() as http:
        began = time.perf_counter()
        for number, lines in enumerate(batches):
            body = json.dumps({"event_id": f"bench-{number}", "orders": lines}).encode()
            headers = {"Content-Type": "application/json"}
            headers |= signed_headers(EVENT_SECRET, body, datetime.now(UTC))
            async with http.post(url, data=body, headers=headers) as response:
                answer = await response.json()
                assert answer["refused"] == 0, answer["lines"][0]
        return EVENT_LINES / (time.perf_counter() - began)


def who(order: Order) -> dict[str, Any]:
    return {"customer_id": order.customer_id, "order_id": order.id, "actor": "bench"}


async def cancel_round_trips(work: Path) -> tuple[float, float]:
    """p50 of a confirmed cancel, in ms: written at once (embedded), and asked of a shop on
    127.0.0.1 first (http: the request, its signature, the answer, then the writes)."""
    engine = create_engine(f"sqlite+aiosqlite:///{work}/cancels.db")
    await upgrade(engine)
    factory = create_session_factory(engine)
    uows = SqlUnitOfWorkFactory(factory)
    rules = ShopRules(WorkdayCalendar(), SHANGHAI)
    clock = SystemClock()
    records = [parse_object(order_line(200_000 + i)) for i in range(2 * CANCELS)]
    async with uows() as uow:
        for record in records:
            await save_order(uow, record, clock.now(), rules=rules)
        await uow.commit()
        orders = [await uow.orders.by_number(r.order.order_no) for r in records]
    embedded, http = [], []
    async with FakeShop() as shop:
        client = HttpShop(shop.url, shop.secret, clock)
        desk = CancelDesk(uows, client, rules=rules, clock=clock, wait=10)
        for n, order in enumerate(orders):
            assert order is not None
            shop.add(order.order_no, "paid")
            began = time.perf_counter()
            if n % 2:
                async with uows() as uow:
                    asked = await request_cancel(uow, **who(order), rules=rules, now=clock.now())
                assert asked.request_id is not None
                assert await desk.confirm(asked.request_id) is not None
                http.append((time.perf_counter() - began) * 1000)
            else:
                async with uows() as uow:
                    await cancel_order(uow, **who(order), rules=rules, now=clock.now())
                embedded.append((time.perf_counter() - began) * 1000)
        await desk.close()
        await client.close()
    await engine.dispose()
    return statistics.median(embedded), statistics.median(http)


class DaytimeClock:
    """Real time, moved to the next Shanghai noon so quiet hours never hold the pushes."""

    def __init__(self) -> None:
        now = datetime.now(UTC)
        noon = datetime.combine(now.astimezone(SHANGHAI).date(), dt_time(12), tzinfo=SHANGHAI)
        self.offset = noon - now

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def delivery_rate(work: Path) -> tuple[float, int, int]:
    """Queue one push for each of PUSHES shoppers; time the real sender until all are out."""
    async with FakeTelegram() as tg:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            bot_token=DEFAULT_TOKEN,
            database_url=f"sqlite+aiosqlite:///{work}/pushes.db",
            telegram_api_url=tg.base_url,
        )
        clock = DaytimeClock()
        runtime = Runtime(settings, clock=clock)
        await runtime.prepare()
        async with runtime.session_factory() as session, SqlUnitOfWork(session) as uow:
            now = clock.now()
            for i in range(PUSHES):
                customer = await uow.customers.upsert(
                    Customer(id=0, code=f"P{i:04d}", name="顾客"), now
                )
                await uow.customers.bind_telegram(customer.id, 50_000 + i)
                tg.user(50_000 + i, "顾客")  # a chat the fake knows, as Telegram would
                facts = RefundSubmitted(
                    refund_id=i + 1,
                    order_no=f"P-{i:04d}",
                    amount_fen=600,
                    channel=PaymentChannel.WECHAT,
                    latest=now.date(),
                )
                push = Notification(
                    Kind.CUSTOMER_REFUND_SUBMITTED,
                    "customer",
                    f"bench:{i}",
                    now,
                    customer.id,
                    payload=facts,
                )
                await uow.outbox.add(push, now)
            await uow.commit()
        began = time.perf_counter()
        await runtime.notifier.deliver_due()
        spent = time.perf_counter() - began
        times = sorted(call.at for call in tg.calls("sendMessage"))
        busiest = max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))
        await runtime.close()
        return spent, len(times), busiest


def percentile_95(values: list[float]) -> float:
    """Nearest rank: of ten, the slowest."""
    ordered = sorted(values)
    return ordered[-(-len(ordered) * 95 // 100) - 1]


async def flood_latency(work: Path) -> tuple[float, float, int, int, int, int]:
    """One shopper sends FLOOD messages at once; another taps QUIET_TAPS times, one a second.

    The fake enforces Telegram's limits (1 a second per chat after a burst of 3, 30 a
    second in all) in real time. Returns the quiet shopper's p95 tap-to-spinner-stopped
    and tap-to-reply in ms, the 429s in the flooder's and the quiet chat, and the
    replies and slow-down notices the flooder got.
    """
    flooder, quiet = 60_001, 60_002
    async with FakeTelegram() as tg:
        tg.enforce_limits(per_chat_per_second=1, burst=3, group_per_minute=20)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            bot_token=DEFAULT_TOKEN,
            database_url=f"sqlite+aiosqlite:///{work}/flood.db",
            telegram_api_url=tg.base_url,
            daily_digest_at="off",
        )
        clock = DaytimeClock()
        runtime = Runtime(settings, clock=clock)
        await runtime.prepare()
        async with runtime.session_factory() as session, SqlUnitOfWork(session) as uow:
            now = clock.now()
            for n, telegram_id in enumerate((flooder, quiet)):
                customer = Customer(id=0, code=f"F{n}", name="顾客", phone=None)
                product = Product("SKU-F", "王者荣耀 60点券", ProductKind.CARD_KEY, 600)
                order = Order(
                    id=0, order_no=f"FLOOD-{n}", customer_id=0, product_name=product.name,
                    product_kind=product.kind, quantity=1, unit_price_fen=600, discount_fen=0,
                    amount_paid_fen=600, status=OrderStatus.PAID,
                    payment_channel=PaymentChannel.WECHAT, placed_at=now, paid_at=now,
                )  # fmt: skip
                await save_order(uow, OrderRecord(customer, product, order), now)
                found = await uow.customers.by_code(f"F{n}")
                assert found is not None
                await uow.customers.bind_telegram(found.id, telegram_id)
            await uow.commit()
        polling = asyncio.create_task(runtime.poll(handle_signals=False))
        spinner, reply = [], []
        try:
            a, b = tg.user(flooder, "李四"), tg.user(quiet, "张三")
            await b.send("/start")
            await asyncio.sleep(1)
            for n in range(FLOOD):
                await a.send(f"在吗 {n}", wait=False)
            for n in range(QUIET_TAPS):
                since = len(tg.call_log)
                await b.press("FLOOD-1" if n % 2 == 0 else "⬅ 返回订单列表", wait=False)
                tapped = tg.updates[-1].enqueued_at
                answer = edit = None
                while answer is None or edit is None:
                    await tg.wait_for_change(max_wait=1)
                    later = [c for c in tg.call_log[since:] if c.response_ok]
                    answer = next((c for c in later if c.method == "answerCallbackQuery"), None)
                    edit = next(
                        (c for c in later if c.method == "editMessageText" and c.chat_id == quiet),
                        None,
                    )
                spinner.append((answer.at - tapped) * 1000)
                reply.append((edit.at - tapped) * 1000)
                await asyncio.sleep(max(0.0, tapped + 1 - time.monotonic()))
            await asyncio.sleep(5)  # what the flooder is still due goes out
            refused = [c.chat_id for c in tg.call_log if c.error_code == 429]
            notice = Translations().get("zh")("throttled")
            got = [m.content == notice for m in a.messages()]
        finally:
            await runtime.stop()
            await polling
            await runtime.close()
    late = (percentile_95(spinner), percentile_95(reply))
    return *late, refused.count(flooder), refused.count(quiet), len(got) - sum(got), sum(got)


async def import_speed(work: Path) -> list[tuple[str, str, str]]:
    """Import speed through the CLI as an operator runs it, durable and not."""
    rows: list[tuple[str, str, str]] = []
    data = work / "orders.jsonl"
    import_file(data, IMPORT_ROWS)
    began = time.perf_counter()
    await asyncio.to_thread(cli, work, "import-orders", str(data))
    spent = time.perf_counter() - began
    rows.append(("import-orders, 10,000 rows (CLI, incl. start)", f"{spent:.1f} s",
                 f"{IMPORT_ROWS / spent:,.0f} rows/s, SQLITE_SYNCHRONOUS=full"))  # fmt: skip
    fast = work / "normal"
    fast.mkdir()
    began = time.perf_counter()
    await asyncio.to_thread(cli, fast, "import-orders", str(data), SQLITE_SYNCHRONOUS="normal")
    quick = time.perf_counter() - began
    rows.append(("the same with SQLITE_SYNCHRONOUS=normal", f"{quick:.1f} s",
                 f"{IMPORT_ROWS / quick:,.0f} rows/s: what full costs"))  # fmt: skip
    return rows


async def main() -> None:
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows += await import_speed(work)
        await asyncio.to_thread(cli, work, "demo-data", "--bind", "1001")

        async with FakeTelegram() as tg:
            began = time.perf_counter()
            port = free_port()
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=work,
                env=env(BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=tg.base_url,
                        SHOP_API_SECRET=EVENT_SECRET, SHOP_EVENTS_PORT=str(port),
                        # Sixty /start in a row is faster than a person: measure the
                        # replies, not the throttle or the per-chat pace.
                        THROTTLE_PER_SECOND="0", CHAT_MESSAGES_PER_SECOND="0"),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            while not tg.calls("getUpdates"):
                await tg.wait_for_change(max_wait=1)
            cold = time.perf_counter() - began
            rows.append(("cold start: python -m bot → polling", f"{cold:.2f} s", ""))
            user = tg.user(1001)
            latencies = []
            for _ in range(START_REQUESTS):
                began = time.perf_counter()
                count = len(user.messages())
                await user.send("/start", wait=False)
                while len(user.messages()) == count:
                    await tg.wait_for_change(max_wait=1)
                latencies.append((time.perf_counter() - began) * 1000)
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            p50 = statistics.median(latencies)
            name = f"/start reply, {START_REQUESTS} in a row (11 orders)"
            rows.append((name, f"p50 {p50:.0f} ms", f"p95 {p95:.0f} ms"))
            rows.append(
                ("bot process memory after that (RSS)", f"{rss_mib(process.pid):.0f} MiB", "")
            )
            rate = await events_rate(port)
            rows.append((f"shop events: {EVENT_LINES:,} lines, {EVENT_BATCH} a request",
                         f"{rate:,.0f} lines/s", "signed, through the running bot"))  # fmt: skip
            process.terminate()
            await process.wait()

        spent, sent, busiest = await delivery_rate(work)
        rows.append((f"outbox: {PUSHES} pushes to {PUSHES} shoppers", f"{spent:.1f} s",
                     f"{sent} sent, {sent / spent:.1f}/s on average"))  # fmt: skip
        rows.append(("outbox: most sent in any 1 s (limit 25)", f"{busiest}", ""))
        spinner, reply, flooder_429, quiet_429, answered, notices = await flood_latency(work)
        rows.append((f"quiet shopper's tap during a {FLOOD}-message flood: p95 reply",
                     f"{reply:.0f} ms", f"spinner stopped p95 {spinner:.0f} ms, "
                     f"{QUIET_TAPS} taps; 429s in their chat: {quiet_429}"))  # fmt: skip
        rows.append((f"the flooder's {FLOOD} messages", f"{answered} answered",
                     f"{notices} slow-down notice, the rest dropped; "
                     f"429s in their chat: {flooder_429}"))  # fmt: skip
        embedded, http = await cancel_round_trips(work)
        rows.append((f"confirmed cancel, p50 of {CANCELS} (embedded)", f"{embedded:.0f} ms", ""))
        rows.append((f"confirmed cancel, p50 of {CANCELS} (http shop)", f"{http:.0f} ms",
                     f"+{http - embedded:.0f} ms for asking the shop"))  # fmt: skip

    width = max(len(r[0]) for r in rows)
    values = max(len(r[1]) for r in rows)
    print(f"{'measure'.ljust(width)} | {'value'.ljust(values)} | note")
    print(f"{'-' * width}-|-{'-' * values}-|-----------------")
    for name, value, note in rows:
        print(f"{name.ljust(width)} | {value.ljust(values)} | {note}")


if __name__ == "__main__":
    asyncio.run(main())
