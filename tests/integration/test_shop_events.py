"""The shop's order events over real HTTP: signed, idempotent by event id, answered line
by line, imported by the same path as a file."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.shop_events import MAX_BODY_BYTES, EventDesk, create_app
from bot.shop_signing import signed_headers
from domain.orders import OrderStatus
from domain.ports import FixedClock
from storage.tables import OrderRow, OutboxRow, RefundRow
from storage.uow import SqlUnitOfWorkFactory
from tests.integration.test_import import (
    EN,
    NOW,
    RULES,
    Factory,
    order,
    pending,
    row,
    shopper_cancels,
    topup,
)

SECRET = "events-secret-0123456789"


@dataclass
class Endpoint:
    url: str
    http: aiohttp.ClientSession

    async def post(
        self,
        payload: Any,
        *,
        secret: str = SECRET,
        at: datetime | None = None,
        raw: bytes | None = None,
        signed: bool = True,
    ) -> tuple[int, dict[str, Any]]:
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            headers |= signed_headers(secret, body, at or datetime.now(UTC))
        # A stream, as a large body would be sent (aiohttp warns about big raw bytes).
        data = io.BytesIO(body)
        async with self.http.post(f"{self.url}/shop/v1/orders", data=data, headers=headers) as r:
            return r.status, await r.json()


@pytest.fixture
async def endpoint(session_factory: Factory) -> AsyncIterator[Endpoint]:
    desk = EventDesk(
        SqlUnitOfWorkFactory(session_factory),
        secret=SECRET,
        rules=RULES,
        clock=FixedClock(NOW),
        t=EN,
    )
    runner = web.AppRunner(create_app(desk), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as http:
        yield Endpoint(f"http://127.0.0.1:{port}", http)
    await runner.cleanup()


async def orders_count(factory: Factory) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(OrderRow)) or 0


async def test_a_signed_batch_is_imported_and_answered_line_by_line(
    session_factory: Factory, endpoint: Endpoint
) -> None:
    bad = pending("KM-BAD") | {"quantity": 0}

    status, answer = await endpoint.post(
        {"event_id": "evt-1", "orders": [row("KM-A1"), bad, topup("KM-A2", "paid")]}
    )

    assert status == 200
    assert (answer["accepted"], answer["refused"]) == (2, 1)
    assert [line["result"] for line in answer["lines"]] == ["accepted", "refused", "accepted"]
    refused = answer["lines"][1]
    assert refused["order_no"] == "KM-BAD" and "quantity" in refused["reason"]
    assert refused["problems"]
    assert await orders_count(session_factory) == 2


async def test_the_same_event_again_gets_the_first_answer_and_changes_nothing(
    session_factory: Factory, endpoint: Endpoint
) -> None:
    first = await endpoint.post({"event_id": "evt-2", "orders": [topup("KM-B1", "paid")]})
    # The shop retries after a lost answer; meanwhile its line says something else.
    again = await endpoint.post({"event_id": "evt-2", "orders": [topup("KM-B1", "delivered")]})

    assert again == first
    saved = await order(session_factory, "KM-B1")
    assert saved is not None and saved.status is OrderStatus.PAID


async def test_a_paid_order_the_shop_cancels_by_event_gets_its_refund_and_push(
    session_factory: Factory, endpoint: Endpoint
) -> None:
    await endpoint.post({"event_id": "evt-3a", "orders": [topup("KM-C1", "paid")]})

    status, answer = await endpoint.post(
        {"event_id": "evt-3b", "orders": [topup("KM-C1", "cancelled")]}
    )

    assert status == 200 and answer["accepted"] == 1
    async with session_factory() as session:
        refunds = await session.scalar(select(func.count()).select_from(RefundRow))
        pushes = await session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == "customer.order_cancelled")
        )
    assert (refunds, pushes) == (1, 1)


@pytest.mark.parametrize(
    ("how", "error"),
    [
        ({"signed": False}, "signature-missing"),
        ({"secret": "not-the-shared-secret"}, "signature-bad"),
        ({"late": timedelta(minutes=-6)}, "signature-stale"),
        ({"late": timedelta(minutes=6)}, "signature-stale"),
    ],
)
async def test_unsigned_wrongly_signed_and_replayed_events_are_refused_with_401(
    session_factory: Factory, endpoint: Endpoint, how: dict[str, Any], error: str
) -> None:
    if "late" in how:  # signed that far from now, when the request is sent
        how = {"at": datetime.now(UTC) + how.pop("late")}
    status, answer = await endpoint.post(
        {"event_id": "evt-4", "orders": [topup("KM-D1", "paid")]}, **how
    )

    assert (status, answer["error"]) == (401, error)
    assert await orders_count(session_factory) == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "bad-json"),
        (b"[1, 2]", "not-object"),
        (b'{"event_id": "", "orders": [{}]}', "bad-event-id"),
        (b'{"event_id": "evt-5", "orders": []}', "no-orders"),
        (b'{"event_id": "evt-5", "event_id": "x", "orders": [{}]}', "duplicate-key"),
        (
            b'{"event_id": "evt-5", "orders": ' + b"[{}]" * 0 + b"[" + b"{}," * 5000 + b"{}]}",
            "too-many-lines",
        ),
    ],
)
async def test_a_body_that_is_not_an_event_is_refused_with_400_and_why(
    endpoint: Endpoint, body: bytes, error: str
) -> None:
    status, answer = await endpoint.post(None, raw=body)

    assert (status, answer["error"]) == (400, error)


async def test_a_body_over_the_limit_is_refused_with_413(endpoint: Endpoint) -> None:
    status, answer = await endpoint.post(None, raw=b" " * (MAX_BODY_BYTES + 1))

    assert (status, answer["error"]) == (413, "too-large")


async def test_lines_that_are_not_objects_are_refused_one_by_one(endpoint: Endpoint) -> None:
    status, answer = await endpoint.post({"event_id": "evt-6", "orders": [1, "x", None]})

    assert status == 200 and answer["refused"] == 3
    assert {p for line in answer["lines"] for p in line["problems"]} == {"not-object"}


async def test_the_contract_is_served(endpoint: Endpoint) -> None:
    async with endpoint.http.get(f"{endpoint.url}/shop/v1/openapi.yaml") as response:
        text = await response.text()

    assert response.status == 200
    assert text.startswith("openapi: 3.1.0")


async def post_refunds(endpoint: Endpoint, payload: Any) -> tuple[int, dict[str, Any]]:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    headers |= signed_headers(SECRET, body, datetime.now(UTC))
    url = f"{endpoint.url}/shop/v1/refunds"
    async with endpoint.http.post(url, data=io.BytesIO(body), headers=headers) as response:
        return response.status, await response.json()


async def test_refund_updates_come_by_event_like_the_refund_status_file(
    session_factory: Factory, endpoint: Endpoint
) -> None:
    await endpoint.post({"event_id": "evt-r0", "orders": [topup("KM-R1", "paid")]})
    await shopper_cancels(session_factory, "KM-R1")
    lines = [
        {"order_no": "KM-R1", "status": "processing", "amount_fen": 9950},
        {"order_no": "KM-R1", "status": "succeeded", "amount_fen": 9950},
        {"order_no": "KM-NONE", "status": "succeeded"},
        "not an object",
    ]

    status, answer = await post_refunds(endpoint, {"event_id": "evt-r1", "refunds": lines})
    again = await post_refunds(endpoint, {"event_id": "evt-r1", "refunds": lines[:1]})

    assert status == 200, answer
    assert [line["result"] for line in answer["lines"]] == [
        "changed",
        "changed",
        "refused",
        "refused",
    ]
    assert answer["lines"][3]["problem"] == "not-object"
    assert (answer["accepted"], answer["refused"]) == (2, 2)
    assert again == (200, answer)
    async with session_factory() as session:
        refund_status = await session.scalar(select(RefundRow.status))
        pushed = await session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == "customer.refund_succeeded")
        )
    assert (refund_status, pushed) == ("succeeded", 1)
