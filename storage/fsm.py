"""Conversation state in the shop's database: one row per conversation key.

The aiogram-facing storage (bot.fsm_storage) builds the key and calls these;
each call is its own short transaction, as aiogram reads and writes state
between a handler's steps, not inside the handler's unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from storage import dialect
from storage.db import SessionFactory
from storage.tables import FsmStateRow


class FsmStates:
    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        async with self.session_factory() as session:
            row = await session.get(FsmStateRow, key)
            if row is None:
                return None, {}
            return row.state, dict(row.data or {})

    async def set_state(self, key: str, state: str | None, now: datetime) -> None:
        _, data = await self.get(key)
        await self._write(key, state, data, now)

    async def set_data(self, key: str, data: Mapping[str, Any], now: datetime) -> None:
        # Checked here, not at the next read: a value JSON cannot hold would otherwise be
        # lost silently at the next restart.
        try:
            json.dumps(dict(data))
        except (TypeError, ValueError) as error:
            raise TypeError(f"conversation data must be JSON values: {error}") from None
        state, _ = await self.get(key)
        await self._write(key, state, dict(data), now)

    async def _write(
        self, key: str, state: str | None, data: dict[str, Any], now: datetime
    ) -> None:
        async with self.session_factory() as session, session.begin():
            if state is None and not data:
                # A conversation with nothing left to remember leaves no row behind.
                await session.execute(delete(FsmStateRow).where(FsmStateRow.key == key))
                return
            insert = dialect.insert_ignoring_conflicts(session, FsmStateRow).values(
                key=key, state=state, data=data, updated_at=now
            )
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=[FsmStateRow.key],
                    set_={"state": state, "data": data, "updated_at": now},
                )
            )
