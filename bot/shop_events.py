"""The shop's order system tells the bot of order changes as they happen.

One small HTTP server in the bot's process (aiohttp, 127.0.0.1 by default, meant to sit
behind the shop's reverse proxy). Every request is signed like the bot's own requests
to the shop (``bot.shop_signing``); a batch of order lines in the schema of
``import-orders`` is imported by the very same path as a file, and answered line by
line. An event id makes a retried delivery harmless: it gets the first answer again.
Refund updates (the schema of ``refund-status``) come the same way. The contract is
docs/shop-api.md and docs/shop-api.yaml.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.importer import LineResults, import_objects
from bot.jsonlines import LineProblem, read_document
from bot.refund_import import apply_status_objects
from bot.refund_import import reason_text as refund_reason
from bot.refund_import import skip_text as refund_skip
from bot.shop_signing import check_signature
from domain.policy import ShopRules
from domain.ports import Clock, SystemClock
from handlers.i18n import Translator
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)

SPEC = Path(__file__).resolve().parents[1] / "docs" / "shop-api.yaml"
#: A batch larger than this is refused before it is read: split it (500 lines a batch is
#: what the bot writes at once anyway).
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_LINES = 5000
MAX_EVENT_ID = 100

STATE: web.AppKey[EventDesk] = web.AppKey("desk")


class EventDesk:
    """What the endpoint needs: the database, the shop's rules and the shared secret."""

    def __init__(
        self,
        uows: SqlUnitOfWorkFactory,
        *,
        secret: str,
        rules: ShopRules,
        clock: Clock,
        t: Translator,
        wall: Clock | None = None,
    ) -> None:
        self.uows, self.secret, self.rules, self.clock, self.t = uows, secret, rules, clock, t
        # Signatures are checked against real time, whatever clock the shop's rules use.
        self.wall = wall or SystemClock()


def create_app(desk: EventDesk) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[STATE] = desk
    app.router.add_post("/shop/v1/orders", post_orders)
    app.router.add_post("/shop/v1/refunds", post_refunds)
    app.router.add_get("/shop/v1/openapi.yaml", get_spec)
    return app


def _refuse(status: int, error: str, detail: str = "") -> web.Response:
    return web.json_response({"error": error, "detail": detail}, status=status)


async def get_spec(_: web.Request) -> web.Response:
    return web.Response(text=SPEC.read_text(encoding="utf-8"), content_type="application/yaml")


async def post_orders(request: web.Request) -> web.Response:
    return await _event(request, "orders", _order_answer)


async def post_refunds(request: web.Request) -> web.Response:
    return await _event(request, "refunds", _refund_answer)


Answer = Callable[[EventDesk, str, list[Any]], Awaitable[dict[str, Any]]]


async def _event(request: web.Request, kind: str, answer: Answer) -> web.Response:
    """Signed, well-formed, not seen before: then ``answer`` applies the lines. A repeated
    event id gets the first answer and changes nothing."""
    desk = request.app[STATE]
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _refuse(413, "too-large", f"at most {MAX_BODY_BYTES} bytes a request")
    problem = check_signature(desk.secret, request.headers, body, desk.wall.now())
    if problem is not None:
        return _refuse(401, f"signature-{problem}", "see docs/shop-api.md, Signing")
    parsed = _batch(body, kind)
    if isinstance(parsed, web.Response):
        return parsed
    event_id, lines = parsed
    async with desk.uows() as uow:
        earlier = await uow.shop_events.answer(event_id)
    if earlier is not None:
        return web.json_response(earlier)
    result = await answer(desk, event_id, lines)
    async with desk.uows() as uow:
        await uow.shop_events.record(event_id, kind=kind, answer=result, now=desk.clock.now())
        await uow.commit()
    return web.json_response(result)


async def _order_answer(desk: EventDesk, event_id: str, orders: list[Any]) -> dict[str, Any]:
    results = await import_objects(desk.uows, orders, clock=desk.clock, rules=desk.rules, t=desk.t)
    return _answer(event_id, orders, results)


async def _refund_answer(desk: EventDesk, event_id: str, lines: list[Any]) -> dict[str, Any]:
    source = f"event:{event_id}"
    results = await apply_status_objects(
        desk.uows, lines, clock=desk.clock, rules=desk.rules, source=source
    )
    entries: list[dict[str, Any]] = []
    for result in results:
        entry: dict[str, Any] = {"index": result.line, "result": REFUND_RESULTS[result.outcome]}
        if result.problem is not None:
            reason = refund_reason if result.outcome == "bad" else refund_skip
            entry |= {"reason": reason(desk.t, result.problem), "problem": result.problem.key}
        entries.append(entry)
    refused = sum(1 for r in results if r.outcome == "bad")
    return {
        "event_id": event_id,
        "accepted": len(results) - refused,
        "refused": refused,
        "lines": entries,
    }


#: The refund-status import's words for a line, as the event's answer says them.
REFUND_RESULTS = {
    "changed": "changed",
    "unchanged": "unchanged",
    "skipped": "skipped",
    "bad": "refused",
}


def _batch(body: bytes, kind: str) -> tuple[str, list[Any]] | web.Response:
    """The event id and its lines (under ``kind``), or the 400 that says what is wrong."""
    try:
        data = read_document(body)
    except LineProblem as problem:
        return _refuse(400, problem.key, json.dumps(dict(problem.params), default=str))
    if not isinstance(data, dict):
        return _refuse(400, "not-object", f'the body is {{"event_id": ..., "{kind}": [...]}}')
    event_id, orders = data.get("event_id"), data.get(kind)
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= MAX_EVENT_ID:
        return _refuse(400, "bad-event-id", f"a string of 1 to {MAX_EVENT_ID} characters")
    if not isinstance(orders, list) or not orders:
        return _refuse(400, f"no-{kind}", f"{kind} is a list of one line or more")
    if len(orders) > MAX_LINES:
        return _refuse(400, "too-many-lines", f"at most {MAX_LINES} lines an event")
    return event_id, orders


def _answer(event_id: str, orders: list[Any], results: LineResults) -> dict[str, Any]:
    lines: list[dict[str, Any]] = []
    for index, line in enumerate(orders):
        order_no = line.get("order_no") if isinstance(line, dict) else None
        entry: dict[str, Any] = {
            "index": index,
            "order_no": order_no if isinstance(order_no, str) else None,
        }
        if index in results.refused:
            entry |= {
                "result": "refused",
                "reason": results.refused[index],
                "problems": [p.key for p in results.problems[index]],
            }
        else:
            entry["result"] = "accepted"
        lines.append(entry)
    refused = len(results.refused)
    return {
        "event_id": event_id,
        "accepted": len(orders) - refused,
        "refused": refused,
        "lines": lines,
    }
