"""Engine and session factory for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 5000


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:":
        return None
    return Path(database)


def describe_database(url: str) -> str:
    """The database URL without its password, fit for a log line."""
    return make_url(url).render_as_string(hide_password=True)


SYNCHRONOUS = ("full", "normal")


def create_engine(url: str, *, echo: bool = False, synchronous: str = "full") -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    WAL lets the bot read while an import or a second process writes; the busy
    timeout makes a writer wait for the lock instead of failing at once.
    ``synchronous=full`` (the default) makes every commit survive a power loss: a
    cancel the shopper was shown as done stays done. ``normal`` is faster and may lose
    the last commits when the machine (not just the bot) goes down.
    """
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS}")
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"echo": echo}
    if make_url(url).drivername.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        def pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
            cursor.close()

        event.listen(engine.sync_engine, "connect", pragmas)
    return engine


#: What opens sessions; the process passes it on to storage without using it.
SessionFactory = async_sessionmaker[AsyncSession]


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)
