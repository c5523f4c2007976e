"""Real, migrated SQLite files under the test's tmp_path (WAL, foreign keys on)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade


@dataclass(frozen=True, slots=True)
class Database:
    path: Path
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]


MakeDatabase = Callable[..., Awaitable[Database]]


@pytest.fixture
async def make_database(tmp_path: Path) -> AsyncIterator[MakeDatabase]:
    """Creates migrated database files on demand; every engine is disposed afterwards.

    Disposing matters: an engine left open warns at garbage collection, and
    warnings fail the run.
    """
    engines: list[AsyncEngine] = []

    async def make(name: str = "shop.db") -> Database:
        path = tmp_path / name
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        engines.append(engine)
        await upgrade(engine)
        return Database(path, engine, create_session_factory(engine))

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.fixture
async def database(make_database: MakeDatabase) -> Database:
    return await make_database()


@pytest.fixture
def session_factory(database: Database) -> async_sessionmaker[AsyncSession]:
    return database.session_factory
