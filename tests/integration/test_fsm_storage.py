"""Conversation state on a real SQLite file: what aiogram stores between a person's steps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.fsm_storage import DatabaseStorage
from domain.ports import FixedClock
from storage.db import create_engine, create_session_factory
from storage.tables import FsmStateRow
from tests.integration.conftest import Database

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SHOPPER = StorageKey(bot_id=42, chat_id=1001, user_id=1001)
STAFF_IN_GROUP = StorageKey(bot_id=42, chat_id=-1001, user_id=9001)


class Apply(StatesGroup):
    evidence = State()


def storage(database: Database) -> DatabaseStorage:
    return DatabaseStorage(database.session_factory, FixedClock(NOW))


async def rows(database: Database) -> int:
    async with database.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(FsmStateRow)) or 0)


async def test_state_and_data_round_trip_and_merge(database: Database) -> None:
    fsm = storage(database)
    assert await fsm.get_state(SHOPPER) is None
    assert await fsm.get_data(SHOPPER) == {}

    await fsm.set_state(SHOPPER, Apply.evidence)
    await fsm.set_data(SHOPPER, {"order_id": 7, "reason": "duplicate"})
    merged = await fsm.update_data(SHOPPER, {"evidence": [{"file_id": "AgAD", "kind": "photo"}]})

    assert await fsm.get_state(SHOPPER) == "Apply:evidence"
    assert merged == await fsm.get_data(SHOPPER)
    assert merged == {
        "order_id": 7,
        "reason": "duplicate",
        "evidence": [{"file_id": "AgAD", "kind": "photo"}],
    }


async def test_two_conversations_are_kept_apart(database: Database) -> None:
    fsm = storage(database)
    await fsm.set_state(SHOPPER, "Apply:evidence")
    await fsm.set_data(STAFF_IN_GROUP, {"ticket_id": 3})
    assert await fsm.get_data(SHOPPER) == {}
    assert await fsm.get_state(STAFF_IN_GROUP) is None
    assert await fsm.get_data(STAFF_IN_GROUP) == {"ticket_id": 3}


async def test_a_finished_conversation_leaves_no_row(database: Database) -> None:
    fsm = storage(database)
    await fsm.set_state(SHOPPER, Apply.evidence)
    await fsm.set_data(SHOPPER, {"order_id": 7})
    assert await rows(database) == 1
    await fsm.set_state(SHOPPER, None)
    assert await rows(database) == 1  # the data is still there
    await fsm.set_data(SHOPPER, {})
    assert await rows(database) == 0


async def test_state_survives_a_new_engine_on_the_same_file(database: Database) -> None:
    await storage(database).set_state(SHOPPER, Apply.evidence)
    await storage(database).update_data(SHOPPER, {"reason": "other", "text": "买错了"})
    await database.engine.dispose()

    engine = create_engine(f"sqlite+aiosqlite:///{database.path}")
    try:
        again = DatabaseStorage(create_session_factory(engine), FixedClock(NOW))
        assert await again.get_state(SHOPPER) == "Apply:evidence"
        assert await again.get_data(SHOPPER) == {"reason": "other", "text": "买错了"}
    finally:
        await engine.dispose()


async def test_data_json_cannot_hold_is_refused_not_dropped(database: Database) -> None:
    fsm = storage(database)
    await fsm.set_data(SHOPPER, {"order_id": 7})
    with pytest.raises(TypeError, match="JSON"):
        await fsm.set_data(SHOPPER, {"when": NOW})
    assert await fsm.get_data(SHOPPER) == {"order_id": 7}
