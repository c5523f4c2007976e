"""The shop's order system over HTTP: the adapter of ``domain.shop.ShopSystem``.

One request per cancel (or restore of a mistaken cancel), signed (``bot.shop_signing``),
with its idempotency key in the body and in ``Idempotency-Key``; a timeout or a 5xx is
retried with the same key, so a retry after a lost answer can never cancel (or restore)
twice. The contract is docs/shop-api.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import aiohttp

from bot.shop_signing import signed_headers
from domain.orders import Order, OrderStatus
from domain.ports import Clock
from domain.shop import (
    CancelAccepted,
    CancelRefused,
    CancelReply,
    RestoreAccepted,
    RestoreReply,
    ShopUnavailable,
)

log = logging.getLogger(__name__)

CANCEL_PATH = "/orders/cancel"
RESTORE_PATH = "/orders/restore"
#: The refunds table's limit on a provider's reference.
MAX_REFUND_REF = 64
Sleep = Callable[[float], Awaitable[None]]


class HttpShop:
    def __init__(
        self,
        base_url: str,
        secret: str,
        clock: Clock,
        *,
        timeout: float = 3.0,
        pauses: Sequence[float] = (0.5, 2.0),
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """``pauses`` are the waits before each retry: ``len(pauses) + 1`` tries in all."""
        self.url = base_url.rstrip("/") + CANCEL_PATH
        self.restore_url = base_url.rstrip("/") + RESTORE_PATH
        self.secret = secret
        self.clock = clock
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.pauses = tuple(pauses)
        self.sleep = sleep
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request_cancel(
        self, order: Order, expected_status: OrderStatus, idempotency_key: str
    ) -> CancelReply:
        fields = {"expected_status": expected_status.value}
        reply = await self._exchange(self.url, order, fields, idempotency_key, _cancel_reading)
        assert not isinstance(reply, RestoreAccepted)
        return reply

    async def request_restore(
        self, order: Order, restore_to: OrderStatus, idempotency_key: str
    ) -> RestoreReply:
        fields = {"restore_to": restore_to.value}
        url = self.restore_url
        reply = await self._exchange(url, order, fields, idempotency_key, _restore_reading)
        assert not isinstance(reply, CancelAccepted)
        return reply

    async def _exchange(
        self, url: str, order: Order, fields: dict[str, str], key: str, read: Reading
    ) -> CancelReply | RestoreReply:
        body = json.dumps(
            {"order_no": order.order_no, **fields, "idempotency_key": key},
            ensure_ascii=False,
        ).encode()
        why = "no attempt made"
        for attempt, pause in enumerate((0.0, *self.pauses)):
            if pause:
                await self.sleep(pause)
            reply, again = await self._post(url, body, key, read)
            if not again:
                return reply
            assert isinstance(reply, ShopUnavailable)
            why = reply.why
            log.warning("shop %s %s try %d: %s", url, order.order_no, attempt + 1, why)
        return ShopUnavailable(why)

    async def _post(
        self, url: str, body: bytes, key: str, read: Reading
    ) -> tuple[CancelReply | RestoreReply, bool]:
        """The shop's answer, and whether another try could change it."""
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            **signed_headers(self.secret, body, self.clock.now()),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.post(url, data=body, headers=headers) as response:
                status = response.status
                raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            return ShopUnavailable(f"{type(error).__name__}: {error}".rstrip(": ")), True
        # A body that is not UTF-8 is no answer, and not a reason to stop asking.
        return _reading(status, raw.decode("utf-8", errors="replace"), read)


#: Reads a 200's body into its yes, or None when it is not one.
Reading = Callable[[dict[str, Any]], CancelAccepted | RestoreAccepted | None]


def _cancel_reading(payload: dict[str, Any]) -> CancelAccepted | None:
    at = _when(payload.get("cancelled_at"))
    if at is None:
        return None
    ref = payload.get("refund_ref")
    # Kept as long as the refund's own reference can be; the cancel happened either way.
    kept = str(ref)[:MAX_REFUND_REF] if ref else None
    return CancelAccepted(cancelled_at=at, refund_ref=kept)


def _restore_reading(payload: dict[str, Any]) -> RestoreAccepted | None:
    at = _when(payload.get("restored_at"))
    return RestoreAccepted(restored_at=at) if at is not None else None


def _reading(status: int, text: str, read: Reading) -> tuple[CancelReply | RestoreReply, bool]:
    """What the shop's answer means. Only a well-formed 200 or 409 is an answer; a 4xx
    other than 409 is not retried (the same request would fail the same way, e.g. a
    wrong secret); anything else is worth another try with the same key."""
    payload = _json(text)
    result = payload.get("result") if payload else None
    if status == 200 and result == "accepted" and payload:
        accepted = read(payload)
        if accepted is not None:
            return accepted, False
    if status == 409 and result == "refused" and payload:
        try:
            current = OrderStatus(str(payload.get("status")))
        except ValueError:
            current = None
        if current is not None:
            return CancelRefused(current, str(payload.get("reason") or "")), False
    final = 400 <= status < 500 and status not in (408, 429)
    return ShopUnavailable(f"HTTP {status} {text[:200]}".strip()), not final


def _json(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    # A time without its offset is ambiguous between the shop's zone and UTC: not an answer.
    return at if at.tzinfo is not None else None
