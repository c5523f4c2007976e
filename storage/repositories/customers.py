"""Customers, their one-time link tokens and their saved language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders import (
    Customer,
)
from domain.ports import (
    LinkOutcome,
)
from storage.repositories._rows import _customer, _phone, _rowcount
from storage.tables import (
    CustomerRow,
    LinkTokenRow,
    UserPrefRow,
)


class SqlCustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, customer_id: int) -> Customer | None:
        row = await self.session.get(CustomerRow, customer_id)
        return _customer(row) if row else None

    async def by_telegram(self, telegram_id: int) -> Customer | None:
        row = await self.session.scalar(
            select(CustomerRow).where(CustomerRow.telegram_id == telegram_id)
        )
        return _customer(row) if row else None

    async def by_code(self, code: str) -> Customer | None:
        row = await self.session.scalar(select(CustomerRow).where(CustomerRow.code == code))
        return _customer(row) if row else None

    async def upsert(self, customer: Customer, now: datetime) -> Customer:
        """Insert or update by the shop's customer code; the Telegram link is left alone."""
        row = await self.session.scalar(
            select(CustomerRow).where(CustomerRow.code == customer.code)
        )
        if row is None:
            row = CustomerRow(code=customer.code, created_at=now)
            self.session.add(row)
        row.name = customer.name
        row.phone = _phone(customer.phone)
        if customer.timezone:
            row.timezone = customer.timezone
        await self.session.flush()
        return _customer(row)

    async def by_phone(self, phone: str) -> list[Customer]:
        rows = await self.session.scalars(
            select(CustomerRow).where(CustomerRow.phone == phone).order_by(CustomerRow.id)
        )
        return [_customer(r) for r in rows]

    async def unbind_telegram(self, telegram_id: int) -> bool:
        result = await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id)
            .values(telegram_id=None)
        )
        return bool(_rowcount(result))

    async def bind_telegram(self, customer_id: int, telegram_id: int) -> None:
        """Link a Telegram account to one customer, releasing it from any other first."""
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id, CustomerRow.id != customer_id)
            .values(telegram_id=None)
        )
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id)
            .values(telegram_id=telegram_id)
        )

    async def claim_telegram(self, customer_id: int, telegram_id: int) -> bool:
        """Link a Telegram account to a customer no other account holds; False (nothing
        written once the caller rolls back) when another account holds it already."""
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id, CustomerRow.id != customer_id)
            .values(telegram_id=None)
        )
        result = await self.session.execute(
            update(CustomerRow)
            .where(
                CustomerRow.id == customer_id,
                or_(CustomerRow.telegram_id.is_(None), CustomerRow.telegram_id == telegram_id),
            )
            .values(telegram_id=telegram_id)
        )
        return _rowcount(result) == 1

    async def mark_unreachable(self, customer_id: int, now: datetime) -> None:
        """Telegram refused a message to them: later pushes fail at once, untried."""
        await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id, CustomerRow.unreachable_at.is_(None))
            .values(unreachable_at=now)
        )

    async def clear_unreachable(self, telegram_id: int) -> bool:
        """They wrote to the bot again, so it may write to them."""
        result = await self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_id == telegram_id, CustomerRow.unreachable_at.is_not(None))
            .values(unreachable_at=None)
        )
        return bool(_rowcount(result))


class SqlLinkTokens:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, token: str, customer_id: int, created_at: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            LinkTokenRow(
                token=token, customer_id=customer_id, created_at=created_at, expires_at=expires_at
            )
        )

    async def consume(
        self, token: str, telegram_id: int, now: datetime
    ) -> tuple[LinkOutcome, int | None]:
        """Use a token once: the guarded update makes a second use (or a race) fail."""
        result = await self.session.execute(
            update(LinkTokenRow)
            .where(
                LinkTokenRow.token == token,
                LinkTokenRow.used_at.is_(None),
                LinkTokenRow.expires_at > now,
            )
            .values(used_at=now, used_by=telegram_id)
        )
        row = await self.session.scalar(select(LinkTokenRow).where(LinkTokenRow.token == token))
        if row is None:
            return LinkOutcome.UNKNOWN, None
        if _rowcount(result) == 1:
            return LinkOutcome.LINKED, row.customer_id
        return (LinkOutcome.USED if row.used_at is not None else LinkOutcome.EXPIRED), None


class SqlPreferences:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def locale(self, telegram_id: int) -> str | None:
        return await self.session.scalar(
            select(UserPrefRow.locale).where(UserPrefRow.telegram_id == telegram_id)
        )

    async def set_locale(self, telegram_id: int, locale: str, now: datetime) -> None:
        changed = await self.session.execute(
            update(UserPrefRow)
            .where(UserPrefRow.telegram_id == telegram_id)
            .values(locale=locale, updated_at=now)
        )
        if _rowcount(changed):
            return
        self.session.add(UserPrefRow(telegram_id=telegram_id, locale=locale, updated_at=now))
        try:
            await self.session.flush()
        except IntegrityError:
            # Two presses at once both found no row. No savepoint (SQLite's driver would commit
            # at its release); this is the only write of its unit of work, so roll back and
            # update the row the other press created.
            await self.session.rollback()
            await self.session.execute(
                update(UserPrefRow)
                .where(UserPrefRow.telegram_id == telegram_id)
                .values(locale=locale, updated_at=now)
            )
