"""Measure what a shop owner feels: start-up, reply latency, import speed, memory.

Runs the shipped program (``python -m bot``) against the fake Bot API server
on 127.0.0.1 and prints one table. Nothing leaves this machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fakebot import DEFAULT_TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
START_REQUESTS = 60
IMPORT_ROWS = 10_000


def env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    clean.update(PYTHONPATH=str(ROOT), **extra)
    return clean


def cli(cwd: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=env(), check=True, capture_output=True
    )


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def import_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(
                json.dumps(
                    {
                        "order_no": f"BENCH-{i:06d}",
                        "customer": {"code": f"B{i % 500:04d}", "name": "顾客"},
                        "product": {
                            "sku": f"SKU-{i % 20}",
                            "name": "王者荣耀 60点券",
                            "kind": "card_key",
                        },
                        "quantity": 1,
                        "unit_price": "6.00",
                        "amount_paid": "6.00",
                        "status": "paid",
                        "payment_channel": "wechat",
                        "placed_at": "2026-11-20T10:00:00+08:00",
                        "paid_at": "2026-11-20T10:01:00+08:00",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


async def main() -> None:
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Import speed, through the CLI as an operator runs it.
        data = work / "orders.jsonl"
        import_file(data, IMPORT_ROWS)
        began = time.perf_counter()
        await asyncio.to_thread(cli, work, "import-orders", str(data))
        spent = time.perf_counter() - began
        rows.append(("import-orders, 10,000 rows (CLI, incl. start)", f"{spent:.1f} s",
                     f"{IMPORT_ROWS / spent:,.0f} rows/s"))  # fmt: skip
        await asyncio.to_thread(cli, work, "demo-data", "--bind", "1001")

        async with FakeTelegram() as tg:
            began = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=work,
                env=env(BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=tg.base_url),
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
            process.terminate()
            await process.wait()

    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | value       | note")
    print(f"{'-' * width}-|-------------|-----------------")
    for name, value, note in rows:
        print(f"{name.ljust(width)} | {value.ljust(11)} | {note}")


if __name__ == "__main__":
    asyncio.run(main())
