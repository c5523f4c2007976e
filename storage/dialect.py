"""Every difference between SQLite and PostgreSQL that the repositories need, in one place."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func, literal, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.dialects.sqlite.dml import Insert
from sqlalchemy.ext.asyncio import AsyncSession


def name(session: AsyncSession) -> str:
    bind = session.get_bind()
    return bind.dialect.name


def insert_ignoring_conflicts(session: AsyncSession, table: Any) -> Insert:
    """An INSERT that can say ``on_conflict_do_nothing`` (or ``on_conflict_do_update``)
    in this database's words.

    Both dialects' builders share those methods; SQLite's type stands for both.
    """
    builder = pg_insert if name(session) == "postgresql" else sqlite_insert
    return builder(table)  # type: ignore[return-value]  # same interface, other class


async def hold_write_lock(session: AsyncSession, table: Any) -> None:
    """On SQLite, take the database's write lock now (a write that changes nothing).

    SQLite has no row locks and runs plain reads outside the transaction, so a
    read that a later write depends on must come after the lock; PostgreSQL locks
    the rows it reads with ``FOR UPDATE`` instead.
    """
    if name(session) == "sqlite":
        await session.execute(update(table).where(table.id == -1).values(status=table.status))


def seconds_between(session: AsyncSession, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in seconds, for two timestamp columns."""
    if name(session) == "postgresql":
        return cast(func.extract("epoch", end - start), Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def local_date(session: AsyncSession, column: Any, tz: tzinfo, at: datetime) -> ColumnElement[Any]:
    """The calendar day of a UTC timestamp column in ``tz``, comparable with a Date column.

    PostgreSQL knows the zone by name (daylight saving included); SQLite knows only an
    offset, the zone's at ``at`` (exact for the shop's Asia/Shanghai, which keeps one).
    """
    key = getattr(tz, "key", None)
    if name(session) == "postgresql" and key:
        return func.date(func.timezone(key, column))
    minutes = int((tz.utcoffset(at) or timedelta(0)).total_seconds() // 60)
    if name(session) == "postgresql":
        return func.date(column + timedelta(minutes=minutes))
    return func.date(column, literal(f"{minutes:+d} minutes"))
