"""``python -m bot import-orders FILE``: orders from the shop's order system, as JSON Lines.

The file format is described in ``docs/import-orders.md``. Each row is parsed
and checked completely before anything is written, good rows are committed in
batches, and every bad row is reported with its line number in the operator's
language (``bot/locales/*/import.ftl``). Importing is an upsert by order
number, so running the same file again creates nothing new.
"""

from __future__ import annotations

import errno
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from sqlalchemy.exc import DataError, IntegrityError

from bot.jsonlines import LineProblem, read_object, show
from domain.incoming import save_order, settle_shop_cancels, sort_lines
from domain.orders import (
    Coupon,
    CouponStatus,
    Customer,
    Order,
    OrderDataError,
    OrderStatus,
    PaymentChannel,
    Product,
    ProductKind,
    check_order,
)
from domain.policy import ShopRules
from domain.ports import Clock
from domain.services import OrderRecord
from handlers.i18n import Translator, money
from storage.db import SessionFactory
from storage.uow import SqlUnitOfWorkFactory

#: Files longer than this get progress lines, one per 10 % of the file.
PROGRESS_MIN_LINES = 2000
PROGRESS_STEPS = 10

#: Bounds that keep every amount (and unit price × quantity) well inside a 64-bit column.
MAX_YUAN = Decimal(10_000_000)
MAX_QUANTITY = 1_000_000

#: How much of an offending value a reason quotes.

ORDER_NO_PATTERN = r"^[A-Za-z0-9_-]{4,64}$"
PHONE_PATTERN = r"^\+?[0-9][0-9 -]{4,30}$"
MONEY_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")

UTF8_BOM = b"\xef\xbb\xbf"


# --------------------------------------------------------------------------- report


@dataclass(slots=True)
class ImportReport:
    """What an import did. ``total`` counts non-blank lines: created + updated + failed."""

    total: int = 0
    created: int = 0
    updated: int = 0
    failed: int = 0
    #: (line number, reason in the operator's language), in line order.
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one row was refused: a locale key suffix (``import-reason-<key>``) and its values."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


class RowError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.key for p in problems))
        self.problems = problems


# --------------------------------------------------------------------------- field types


def _custom(kind: str, value: object, **extra: str | int) -> PydanticCustomError:
    # The message is for debugging only; operators see the translated reason for ``kind``.
    return PydanticCustomError(kind, kind, {"value": show(value), **extra})


def _fen(value: object) -> int:
    """Yuan (a JSON number or a decimal string) → integer fen, exactly or not at all."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise _custom("money_format", value)
    if isinstance(value, str):
        text = value.strip()
        if not MONEY_TEXT.fullmatch(text):
            raise _custom("money_format", value)
        amount = Decimal(text)
    else:
        amount = Decimal(value)
    if not amount.is_finite():
        raise _custom("money_format", value)
    if amount < 0:
        raise _custom("money_negative", value)
    if amount > MAX_YUAN:
        raise _custom("money_too_large", value, max=int(MAX_YUAN))
    # Compared exactly: a value with a fraction of a fen differs from its rounded self.
    cents = amount.quantize(Decimal("0.01"))
    if cents != amount:
        raise _custom("money_precision", value)
    return int(cents * 100)


def _moment(value: object) -> datetime:
    """ISO 8601 with an offset → aware UTC datetime."""
    if not isinstance(value, str):
        raise _custom("datetime_format", value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _custom("datetime_format", value) from None
    if moment.tzinfo is None:
        raise _custom("datetime_naive", value)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+08:00 has no UTC equivalent
        raise _custom("datetime_format", value) from None


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E]) -> Callable[[object], E]:
    choices = ", ".join(member.value for member in enum)

    def parse(value: object) -> E:
        if isinstance(value, str):
            try:
                return enum(value.strip())
            except ValueError:
                pass
        raise _custom("choice", value, choices=choices)

    return parse


def _zone(value: object) -> str:
    if isinstance(value, str):
        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return name
    raise _custom("bad-timezone", value)


def _blank_is_absent(value: object) -> object:
    # Order systems often export a missing optional value as "" rather than null.
    return None if isinstance(value, str) and not value.strip() else value


Money = Annotated[int, PlainValidator(_fen)]
Moment = Annotated[datetime, PlainValidator(_moment)]
OptionalMoment = Annotated[Moment | None, BeforeValidator(_blank_is_absent)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)] | None,
    BeforeValidator(_blank_is_absent),
]
Status = Annotated[OrderStatus, PlainValidator(_choice(OrderStatus))]
Kind = Annotated[ProductKind, PlainValidator(_choice(ProductKind))]
Channel = Annotated[
    Annotated[PaymentChannel, PlainValidator(_choice(PaymentChannel))] | None,
    BeforeValidator(_blank_is_absent),
]
CouponState = Annotated[CouponStatus, PlainValidator(_choice(CouponStatus))]
Zone = Annotated[Annotated[str, PlainValidator(_zone)] | None, BeforeValidator(_blank_is_absent)]


class _Row(BaseModel):
    # Unknown keys are refused: a misspelt "discuont" must not silently import as no discount.
    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomerIn(_Row):
    code: Code
    name: Name
    phone: Phone = None
    #: Where the shopper lives, for quiet hours; absent keeps what the shop knew.
    timezone: Zone = None


class ProductIn(_Row):
    sku: Code
    name: Title
    kind: Kind


class CouponIn(_Row):
    code: Code
    title: Title
    discount: Money
    returnable_on_cancel: StrictBool
    expires_at: OptionalMoment = None
    status: CouponState = CouponStatus.USED


class OrderLine(_Row):
    """One line of the import file; see docs/import-orders.md."""

    order_no: Annotated[str, StringConstraints(strip_whitespace=True, pattern=ORDER_NO_PATTERN)]
    customer: CustomerIn
    product: ProductIn
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
    unit_price: Money
    discount: Money = 0
    amount_paid: Money
    status: Status
    payment_channel: Channel = None
    placed_at: Moment
    paid_at: OptionalMoment = None
    delivered_at: OptionalMoment = None
    completed_at: OptionalMoment = None
    cancelled_at: OptionalMoment = None
    card_key_activated: StrictBool | None = None
    coupon: CouponIn | None = None


# --------------------------------------------------------------------------- row → record

#: Every reason key this module can produce (``import-reason-<key>``); tests check both locales.
REASON_KEYS = (
    "bad-json",
    "bad-encoding",
    "not-object",
    "duplicate-key",
    "missing-field",
    "unknown-field",
    "choice",
    "bad-order-no",
    "bad-timezone",
    "bad-phone",
    "empty-text",
    "text-too-long",
    "expected-text",
    "expected-integer",
    "expected-bool",
    "expected-object",
    "quantity-range",
    "money-format",
    "money-negative",
    "money-too-large",
    "money-precision",
    "datetime-format",
    "datetime-naive",
    "invalid-value",
    "stamp-missing",
    "stamp-not-allowed",
    "stamp-order",
    "coupon-exceeds-discount",
    "quantity-too-small",
    "negative-amount",
    "amount-mismatch",
    "timezone-missing",
    "channel-missing",
    "paid-at-missing",
    "paid-at-not-allowed",
    "delivered-at-missing",
    "activation-not-card-key",
    "status-backwards",
    "database",
    "more",
)

#: pydantic's built-in error types → our reason keys.
_PYDANTIC_KINDS = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "string_type": "expected-text",
    "string_too_short": "empty-text",
    "string_too_long": "text-too-long",
    "int_type": "expected-integer",
    "int_from_float": "expected-integer",
    "int_parsing": "expected-integer",
    "bool_type": "expected-bool",
    "bool_parsing": "expected-bool",
    "model_type": "expected-object",
    "model_attributes_type": "expected-object",
    "dict_type": "expected-object",
    "greater_than_equal": "quantity-range",
    "less_than_equal": "quantity-range",
}


def _problem(error: ErrorDetails) -> Problem:
    where = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    params: dict[str, str | int] = {"field": where}
    if kind == "string_pattern_mismatch":
        key = "bad-order-no" if where == "order_no" else "bad-phone"
        params["value"] = show(error["input"])
    elif kind in _PYDANTIC_KINDS:
        key = _PYDANTIC_KINDS[kind]
        if key == "text-too-long":
            params["max"] = int(ctx.get("max_length", 0))
        if key == "quantity-range":
            params.update(value=show(error["input"]), max=MAX_QUANTITY)
    elif "value" in ctx:
        # Our own validators name their error after the reason key.
        key = kind.replace("_", "-")
        params.update({k: v if isinstance(v, int) else str(v) for k, v in ctx.items()})
    else:
        key = "invalid-value"
    return Problem(key, params)


def _yuan(fen: object) -> str:
    return money(fen) if isinstance(fen, int) else str(fen)


#: Domain error parameters that are amounts in fen, shown to the operator in yuan.
_MONEY_PARAMS = {
    "amount-mismatch": ("expected", "given"),
    "negative-amount": ("value",),
    "coupon-exceeds-discount": ("coupon", "discount"),
}


def _domain_problem(error: OrderDataError) -> Problem:
    params: dict[str, str | int] = {}
    money_params = _MONEY_PARAMS.get(error.code, ())
    for name, value in error.params.items():
        if name in money_params:
            params[name] = _yuan(value)
        elif name == "field":
            params[name] = str(value).removesuffix("_fen")
        else:
            params[name] = value if isinstance(value, int) else str(value)
    return Problem(error.code, params)


def _record(row: OrderLine) -> OrderRecord:
    coupon = None
    if row.coupon is not None:
        coupon = Coupon(
            code=row.coupon.code,
            title=row.coupon.title,
            discount_fen=row.coupon.discount,
            returnable_on_cancel=row.coupon.returnable_on_cancel,
            expires_at=row.coupon.expires_at,
            status=row.coupon.status,
        )
    order = Order(
        id=0,
        order_no=row.order_no,
        customer_id=0,
        product_name=row.product.name,
        product_kind=row.product.kind,
        product_sku=row.product.sku,
        quantity=row.quantity,
        unit_price_fen=row.unit_price,
        discount_fen=row.discount,
        amount_paid_fen=row.amount_paid,
        status=row.status,
        payment_channel=row.payment_channel,
        coupon=coupon,
        placed_at=row.placed_at,
        paid_at=row.paid_at,
        delivered_at=row.delivered_at,
        completed_at=row.completed_at,
        cancelled_at=row.cancelled_at,
        card_key_activated=row.card_key_activated,
    )
    try:
        # The same checks save_order applies, so a row is refused before any batch sees it.
        check_order(order, coupon)
    except OrderDataError as error:
        raise RowError([_domain_problem(error)]) from None
    return OrderRecord(
        customer=Customer(
            id=0,
            code=row.customer.code,
            name=row.customer.name,
            phone=row.customer.phone,
            timezone=row.customer.timezone,
        ),
        # The product's list price follows the latest imported sale of it.
        product=Product(
            sku=row.product.sku,
            name=row.product.name,
            kind=row.product.kind,
            price_fen=row.unit_price,
        ),
        order=order,
        coupon=coupon,
    )


def parse_line(raw: bytes) -> OrderRecord:
    """One non-blank line → a checked record, or RowError with the reasons."""
    try:
        data = read_object(raw)
    except LineProblem as problem:
        raise RowError([Problem(problem.key, dict(problem.params))]) from None
    return parse_object(data)


def parse_object(data: object) -> OrderRecord:
    """One order line's JSON object (from a file or a shop's event) → a checked record."""
    if not isinstance(data, dict):
        raise RowError([Problem("not-object")])
    try:
        row = OrderLine.model_validate(data)
    except ValidationError as error:
        raise RowError([_problem(e) for e in error.errors(include_url=False)]) from None
    return _record(row)


#: Parameters that hold an order status; the reason also gets its name (``<param>_name``).
_STATUS_PARAMS = ("existing", "incoming")


def reason_text(t: Translator, problems: list[Problem]) -> str:
    """The first problem in words; any others are only counted, to keep one line per row."""
    first = problems[0]
    params = dict(first.params)
    for name in _STATUS_PARAMS:
        if name in params:
            # The shop's own status names (common.ftl), as the bot shows them to shoppers.
            params[f"{name}_name"] = t(f"status-{params[name]}")
    reason = t(f"import-reason-{first.key}", **params)
    if len(problems) > 1:
        reason = t("import-reason-more", reason=reason, more=len(problems) - 1)
    return reason


# --------------------------------------------------------------------------- reading


def count_lines(path: Path) -> int:
    """Physical lines, read in large chunks (far cheaper than parsing them)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines if last == b"\n" else lines + 1


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            line = raw.removeprefix(UTF8_BOM) if number == 1 else raw
            # Only the line break goes: JSON error columns then match the operator's editor.
            yield number, line.rstrip(b"\r\n")


def _is_file(path: Path) -> bool:
    # File access is synchronous on purpose: the import is the only task on its event
    # loop (a CLI command), so there is nothing a blocking read could hold up.
    return path.is_file()


# --------------------------------------------------------------------------- writing

Rows = list[tuple[int, OrderRecord]]


class _Writer:
    """Saves checked rows in batches; a database error falls back to one row at a time.

    Before a batch is written, the current status of its orders is read in one
    query and the rows are sorted by ``domain.incoming.sort_lines``: a row that
    would move an order backwards or revive a cancelled one is refused with its
    line, the rest is written keeping what the bot recorded, and a live order the
    shop cancelled is cancelled as any cancel is. ``save_order``, used by the
    fallback, applies the same rules.
    """

    def __init__(
        self,
        uows: SqlUnitOfWorkFactory,
        clock: Clock,
        rules: ShopRules,
        report: ImportReport,
        fail: Callable[[int, list[Problem]], None],
    ) -> None:
        self.uows = uows
        self.clock = clock
        self.rules = rules
        self.report = report
        self.fail = fail
        self.pending: Rows = []

    async def _save_batch(self, rows: Rows) -> tuple[int, int, list[tuple[int, Problem]]]:
        """Write the rows the ownership rules allow: (rows written, new orders, refused rows)."""
        async with self.uows() as uow:
            current = await uow.orders.by_numbers([r.order.order_no for _, r in rows])
            batch = sort_lines(current, rows)
            now = self.clock.now()
            created = await uow.orders.upsert_many(batch.kept, now) if batch.kept else 0
            await settle_shop_cancels(uow, batch.cancels, self.rules, now)
            await uow.commit()
        refused = [(line, _domain_problem(error)) for line, error in batch.refused]
        return len(batch.kept), created, refused

    async def _save_one(self, record: OrderRecord) -> bool:
        async with self.uows() as uow:
            created = await save_order(uow, record, self.clock.now(), rules=self.rules)
            await uow.commit()
        return created

    def _count(self, rows: int, created: int) -> None:
        self.report.created += created
        self.report.updated += rows - created

    async def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            written, created, refused = await self._save_batch(batch)
        except (IntegrityError, DataError):
            # The batch was rolled back as a whole; redo it row by row through the
            # shop's own save_order so only the offending row is refused and its
            # neighbours are kept.
            for line, record in batch:
                try:
                    new = await self._save_one(record)
                except (IntegrityError, DataError, OrderDataError) as error:
                    self.fail(line, [_database_problem(error)])
                else:
                    self._count(1, int(new))
        else:
            self._count(written, created)
            for line, problem in refused:
                self.fail(line, [problem])


def _database_problem(error: Exception) -> Problem:
    if isinstance(error, OrderDataError):
        return _domain_problem(error)
    detail = str(getattr(error, "orig", None) or error).splitlines()
    return Problem("database", {"problem": detail[0] if detail else type(error).__name__})


# --------------------------------------------------------------------------- entry point


async def import_orders(
    session_factory: SessionFactory,
    path: Path,
    *,
    clock: Clock,
    rules: ShopRules,
    t: Translator,
    err: TextIO,
    batch_size: int = 500,
) -> ImportReport:
    """Import or update the orders in ``path`` (JSON Lines) and say what happened.

    Raises FileNotFoundError when ``path`` is not a readable file (before
    writing anything); the CLI turns it into ``import-file-missing``. Bad rows
    are written to ``err`` as they are found, one ``import-bad-row`` line each;
    on files over PROGRESS_MIN_LINES lines an ``import-progress`` line follows
    every tenth of the file, once the rows before it are committed. Database
    errors that are not about one row (locked, missing table) propagate.
    """
    if not _is_file(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    report = ImportReport()

    def fail(line: int, problems: list[Problem]) -> None:
        reason = reason_text(t, problems)
        report.failed += 1
        report.errors.append((line, reason))
        # As text: Fluent would group a number's digits ("line 1,234").
        print(t("import-bad-row", line=str(line), reason=reason), file=err, flush=True)

    writer = _Writer(SqlUnitOfWorkFactory(session_factory), clock, rules, report, fail)
    physical = count_lines(path)
    steps: list[int] = []
    if physical > PROGRESS_MIN_LINES:
        steps = [math.ceil(physical * k / PROGRESS_STEPS) for k in range(1, PROGRESS_STEPS + 1)]
    step = 0

    for number, line in _lines(path):
        if line.strip():
            report.total += 1
            try:
                writer.pending.append((number, parse_line(line)))
            except RowError as error:
                fail(number, error.problems)
            if len(writer.pending) >= batch_size:
                await writer.flush()
        if step < len(steps) and number >= steps[step]:
            await writer.flush()
            step += 1
            percent = step * 100 // PROGRESS_STEPS
            print(
                t("import-progress", done=number, total=physical, percent=percent),
                file=err,
                flush=True,
            )
    await writer.flush()
    report.errors.sort(key=lambda item: item[0])
    return report


@dataclass(slots=True)
class LineResults:
    """What became of each line of a batch: refused lines by index, with their reasons."""

    report: ImportReport
    refused: dict[int, str] = field(default_factory=dict)
    problems: dict[int, list[Problem]] = field(default_factory=dict)


async def import_objects(
    uows: SqlUnitOfWorkFactory,
    objects: Sequence[object],
    *,
    clock: Clock,
    rules: ShopRules,
    t: Translator,
    batch_size: int = 500,
) -> LineResults:
    """Import order lines that came as JSON objects (a shop's event), by the same path as
    a file: the same checks, batches, ownership rules and shop cancels."""
    results = LineResults(ImportReport())

    def fail(index: int, problems: list[Problem]) -> None:
        results.report.failed += 1
        results.refused[index] = reason_text(t, problems)
        results.problems[index] = problems

    writer = _Writer(uows, clock, rules, results.report, fail)
    for index, data in enumerate(objects):
        results.report.total += 1
        try:
            writer.pending.append((index, parse_object(data)))
        except RowError as error:
            fail(index, error.problems)
        if len(writer.pending) >= batch_size:
            await writer.flush()
    await writer.flush()
    return results
