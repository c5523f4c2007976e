"""A real HTTP server playing the shop's order system.

It keeps its own orders, checks every request's signature like a real shop
must, honours idempotency keys (the same key always gets the first answer and
cancels or restores at most once), and can be told to misbehave: answer slowly,
fail with a 500, or cancel and then lose its answer. An order marked not
``restorable`` refuses a restore, as a shop that moved the money already would.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.shop_signing import check_signature


class Behaviour(StrEnum):
    ANSWER = "answer"  # answer at once
    SLOW = "slow"  # cancel, but answer only after ``delay`` seconds
    FAIL = "fail"  # a 500 without doing anything
    DROP = "drop"  # cancel, then answer with a 500 as if the answer were lost


@dataclass
class ShopOrder:
    order_no: str
    status: str
    cancelled_at: datetime | None = None
    cancels: int = 0
    restores: int = 0
    #: Whether the shop lets a cancel of this order be undone.
    restorable: bool = True


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes
    key: str | None
    answered: int | None = None


@dataclass
class FakeShop:
    secret: str = "shop-secret-for-tests-0123"
    #: What the next requests meet, one per request; ``ANSWER`` once they run out.
    script: list[Behaviour] = field(default_factory=list)
    delay: float = 1.0
    refund_ref: str | None = None
    orders: dict[str, ShopOrder] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    #: Set once the first cancel request arrives.
    asked: asyncio.Event = field(default_factory=asyncio.Event)
    _answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _port: int | None = None

    def add(self, order_no: str, status: str) -> ShopOrder:
        order = self.orders[order_no] = ShopOrder(order_no, status)
        return order

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/orders/cancel", self._cancel)
        app.router.add_post("/orders/restore", self._restore)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        assert self._port is not None, "FakeShop is not started"
        return f"http://127.0.0.1:{self._port}"

    async def _cancel(self, request: web.Request) -> web.Response:
        return await self._handle(request, self._decide)

    async def _restore(self, request: web.Request) -> web.Response:
        return await self._handle(request, self._decide_restore)

    async def _handle(
        self,
        request: web.Request,
        decide: Callable[[dict[str, Any]], tuple[int, dict[str, Any]]],
    ) -> web.Response:
        body = await request.read()
        seen = Request(dict(request.headers), body, request.headers.get("Idempotency-Key"))
        self.requests.append(seen)
        self.asked.set()
        problem = check_signature(self.secret, request.headers, body, datetime.now(UTC))
        if problem is not None:
            return self._reply(seen, 401, {"error": f"signature {problem}"})
        behaviour = self.script.pop(0) if self.script else Behaviour.ANSWER
        if behaviour is Behaviour.FAIL:
            return self._reply(seen, 500, {"error": "internal"})
        payload = json.loads(body)
        status, answer = decide(payload)
        if behaviour is Behaviour.SLOW:
            await asyncio.sleep(self.delay)
        if behaviour is Behaviour.DROP:
            return self._reply(seen, 500, {"error": "lost"})
        return self._reply(seen, status, answer)

    def _decide(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = str(payload["idempotency_key"])
        if key in self._answers:  # a retry: the first answer again, nothing done twice
            return self._answers[key]
        order = self.orders.get(str(payload["order_no"]))
        if order is None:
            answer: tuple[int, dict[str, Any]] = (
                409,
                {"result": "refused", "status": "cancelled", "reason": "no such order"},
            )
        elif order.status != payload["expected_status"] and order.status != "cancelled":
            answer = (409, {"result": "refused", "status": order.status, "reason": "moved on"})
        elif order.status == "cancelled":
            answer = (409, {"result": "refused", "status": "cancelled", "reason": "already"})
        else:
            order.status, order.cancelled_at = "cancelled", datetime.now(UTC)
            order.cancels += 1
            answer = (
                200,
                {
                    "result": "accepted",
                    "cancelled_at": order.cancelled_at.isoformat(),
                    "refund_ref": self.refund_ref,
                },
            )
        self._answers[key] = answer
        return answer

    def _decide_restore(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = str(payload["idempotency_key"])
        if key in self._answers:
            return self._answers[key]
        order = self.orders.get(str(payload["order_no"]))
        answer: tuple[int, dict[str, Any]]
        if order is None:
            answer = (409, {"result": "refused", "status": "cancelled", "reason": "no such order"})
        elif order.status != "cancelled":
            answer = (
                409,
                {"result": "refused", "status": order.status, "reason": "not cancelled"},
            )
        elif not order.restorable:
            answer = (
                409,
                {"result": "refused", "status": "cancelled", "reason": "funds reallocated"},
            )
        else:
            order.status, order.cancelled_at = str(payload["restore_to"]), None
            order.restores += 1
            at = datetime.now(UTC).isoformat()
            answer = (200, {"result": "accepted", "restored_at": at})
        self._answers[key] = answer
        return answer

    @staticmethod
    def _reply(seen: Request, status: int, payload: dict[str, Any]) -> web.Response:
        seen.answered = status
        return web.json_response(payload, status=status)
