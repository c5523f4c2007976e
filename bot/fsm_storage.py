"""aiogram's FSM storage on the shop's database, so conversations survive a restart.

An application's reason and screenshots, and a staff member's half-typed reject
note, are state between messages. In memory they vanished with every restart or
deploy: the next screenshot got "didn't understand" and /apply began again at step
one. Here they are rows (storage.fsm), written as each step completes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from domain.ports import Clock
from storage.db import SessionFactory
from storage.fsm import FsmStates


class DatabaseStorage(BaseStorage):
    def __init__(self, session_factory: SessionFactory, clock: Clock) -> None:
        self.states = FsmStates(session_factory)
        self.clock = clock
        # Every part of the key, so a business connection or a forum topic keeps its own.
        self.keys = DefaultKeyBuilder(
            with_bot_id=True, with_business_connection_id=True, with_destiny=True
        )

    def _key(self, key: StorageKey) -> str:
        return self.keys.build(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = state.state if isinstance(state, State) else state
        await self.states.set_state(self._key(key), name, self.clock.now())

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self.states.get(self._key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.states.set_data(self._key(key), data, self.clock.now())

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self.states.get(self._key(key))
        return data

    async def close(self) -> None:
        """The engine belongs to the runtime, which disposes of it."""
