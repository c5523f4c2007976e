"""The migrations build exactly the schema the code expects."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import current_revision, upgrade
from storage.tables import Base


async def test_migrated_database_matches_the_tables_in_code(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/shop.db")
    try:
        await upgrade(engine)

        def diff(connection: Connection) -> list[object]:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)

        async with engine.connect() as connection:
            differences = await connection.run_sync(diff)
        assert differences == []
        head = await current_revision(engine)
        await upgrade(engine)  # a second start must find nothing to do
        assert await current_revision(engine) == head
    finally:
        await engine.dispose()
