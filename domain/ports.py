"""What the use cases need from the outside world, as Protocols.

Storage implements these on SQLAlchemy; unit tests implement them in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from domain.orders import Coupon, Customer, Order, OrderStatus, Product


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock tests (and simulations) move by hand."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    actor: str
    at: datetime
    order_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: Sequence[Order]
    total: int


class CustomerRepository(Protocol):
    async def get(self, customer_id: int) -> Customer | None: ...
    async def by_telegram(self, telegram_id: int) -> Customer | None: ...
    async def by_code(self, code: str) -> Customer | None: ...
    async def upsert(self, customer: Customer, now: datetime) -> Customer: ...
    async def bind_telegram(self, customer_id: int, telegram_id: int) -> None: ...
    async def set_locale(self, customer_id: int, locale: str) -> None: ...


class OrderRepository(Protocol):
    async def get(self, order_id: int) -> Order | None: ...
    async def by_number(self, order_no: str) -> Order | None: ...
    async def recent_for_customer(
        self,
        customer_id: int,
        *,
        statuses: Sequence[OrderStatus] | None = None,
        limit: int = 5,
        offset: int = 0,
    ) -> OrderPage: ...
    async def upsert(
        self, order: Order, product: Product, coupon: Coupon | None, now: datetime
    ) -> bool: ...
    async def transition(
        self, order_id: int, *, expected: OrderStatus, new: OrderStatus, at: datetime
    ) -> bool: ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    customers: CustomerRepository
    orders: OrderRepository
    audit: AuditLog

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
