"""The event endpoint against its own contract (docs/shop-api.yaml), fuzzed by schemathesis:
for any generated request, signed now, unsigned or replayed, no 5xx, every answer as the
spec says, and anything not signed within five minutes refused with 401."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.shop_events import SPEC, EventDesk, create_app
from bot.shop_signing import signed_headers
from domain.calendar import WorkdayCalendar
from domain.policy import ShopRules
from domain.ports import SystemClock
from handlers.i18n import Translations
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

SECRET = "contract-secret-0123456789"
schema = schemathesis.openapi.from_path(SPEC)


class LiveEndpoint:
    """The endpoint on a real port, served by its own event loop in a thread, as the
    shop's system would reach it; the tests talk to it over plain blocking HTTP."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        self.engine = create_engine(f"sqlite+aiosqlite:///{self.folder}/shop.db")
        await upgrade(self.engine)
        desk = EventDesk(
            SqlUnitOfWorkFactory(create_session_factory(self.engine)),
            secret=SECRET,
            rules=ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai")),
            clock=SystemClock(),
            t=Translations().get("en"),
        )
        self.runner = web.AppRunner(create_app(desk), access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = self.runner.addresses[0][1]

    async def _stop(self) -> None:
        await self.runner.cleanup()
        await self.engine.dispose()

    def __enter__(self) -> str:
        self.thread.start()
        assert self.ready.wait(30), "the endpoint did not start"
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with LiveEndpoint(tmp_path_factory.mktemp("contract")) as url:
        yield url


def raw_body(case: Any) -> bytes:
    """The bytes on the wire: the generated body as JSON, or none at all."""
    if isinstance(case.body, NotSet):
        return b""
    if isinstance(case.body, bytes):  # a negative case: not JSON at all
        return case.body
    return json.dumps(case.body, ensure_ascii=False).encode()


def send(case: Any, base_url: str, headers: dict[str, str]) -> requests.Response:
    body = raw_body(case)
    return requests.request(
        case.method,
        base_url + case.formatted_path,
        data=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=30,
    )


#: What every answer must do whatever was sent: no 5xx, a status, content type, headers and
#: body as the spec says. (Checks about the generated headers do not apply: these requests
#: carry real signatures in their place.)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@schema.include(method="POST").parametrize()
@FUZZ
def test_any_signed_event_is_answered_as_the_contract_says(case: Any, base_url: str) -> None:
    body = raw_body(case)
    response = send(case, base_url, signed_headers(SECRET, body, datetime.now(UTC)))

    assert response.status_code < 500, response.text
    assert response.status_code != 401, response.text
    case.validate_response(response, checks=CONFORMANCE)


@schema.include(method="POST").parametrize()
@FUZZ
def test_unsigned_and_replayed_events_are_refused_with_401(case: Any, base_url: str) -> None:
    if case.method != "POST":
        return  # another method is answered 405 before any signature matters
    body = raw_body(case)
    old = signed_headers(SECRET, body, datetime.now(UTC) - timedelta(minutes=6))

    for headers in ({}, old, {**old, "X-Shop-Signature": "sha256=" + "0" * 64}):
        response = send(case, base_url, headers)
        assert response.status_code == 401, response.text
        assert response.json()["error"].startswith("signature-")


def test_the_served_contract_is_the_one_in_the_docs(base_url: str) -> None:
    response = requests.get(f"{base_url}/shop/v1/openapi.yaml", timeout=30)

    assert response.status_code == 200
    assert response.text == SPEC.read_text(encoding="utf-8")
