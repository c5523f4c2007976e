"""``import-orders``: JSON Lines into a real, migrated SQLite file."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.importer import (
    REASON_KEYS,
    ImportReport,
    Problem,
    RowError,
    import_orders,
    parse_line,
    reason_text,
)
from domain.calendar import WorkdayCalendar
from domain.incoming import save_order
from domain.orders import CouponStatus, Order, OrderStatus, PaymentChannel, ProductKind
from domain.policy import ShopRules
from domain.ports import FixedClock
from domain.shopper import CancelOutcome, cancel_order
from handlers.i18n import Translations, Translator
from storage.tables import CouponRow, CustomerRow, OrderRow, ProductRow, RefundRow
from storage.uow import SqlUnitOfWork
from tests.integration.conftest import Database, MakeDatabase

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
RULES = ShopRules(WorkdayCalendar(), ZoneInfo("Asia/Shanghai"))
EN = Translations().get("en")
ZH = Translations().get("zh")
DOCS = Path(__file__).parents[2] / "docs" / "import-orders.md"
DROP = object()

Factory = async_sessionmaker[AsyncSession]


def row(order_no: str = "KM202611200001", **changes: Any) -> dict[str, Any]:
    """A delivered, unactivated card key bought with a coupon; ``changes`` replace fields."""
    data: dict[str, Any] = {
        "order_no": order_no,
        "customer": {"code": "C0001", "name": "张三", "phone": "13800138000"},
        "product": {"sku": "WZRY-60", "name": "王者荣耀 60点券", "kind": "card_key"},
        "quantity": 2,
        "unit_price": "6.00",
        "discount": "1.00",
        "amount_paid": "11.00",
        "status": "delivered",
        "payment_channel": "wechat",
        "placed_at": "2026-11-20T10:15:00+08:00",
        "paid_at": "2026-11-20T10:15:40+08:00",
        "delivered_at": "2026-11-20T10:15:42+08:00",
        "card_key_activated": False,
        "coupon": {
            "code": "CP-NEW-1",
            "title": "新人券 满10减1",
            "discount": "1.00",
            "returnable_on_cancel": True,
            "expires_at": "2026-12-31T23:59:59+08:00",
        },
    }
    for key, value in changes.items():
        if value is DROP:
            del data[key]
        else:
            data[key] = value
    return data


def pending(order_no: str, customer: str = "C0002") -> dict[str, Any]:
    return {
        "order_no": order_no,
        "customer": {"code": customer, "name": "李四"},
        "product": {"sku": "CMCC-100", "name": "中国移动 话费直充 100元", "kind": "direct_topup"},
        "quantity": 1,
        "unit_price": 99.5,
        "amount_paid": 99.5,
        "status": "pending_payment",
        "placed_at": "2026-11-25T21:03:10+08:00",
    }


def topup(order_no: str, status: str, **changes: Any) -> dict[str, Any]:
    """A phone top-up (no coupon) in ``status``, with the timestamps that status needs."""
    data = pending(order_no) | {"status": status}
    if status != "pending_payment":
        data |= {"payment_channel": "alipay", "paid_at": "2026-11-25T21:04:00+08:00"}
    if status in ("delivered", "completed"):
        data["delivered_at"] = "2026-11-25T21:06:00+08:00"
    if status == "completed":
        data["completed_at"] = "2026-12-02T21:06:00+08:00"
    if status == "cancelled":
        data["cancelled_at"] = "2026-11-25T22:00:00+08:00"
    return data | changes


def write(path: Path, *lines: dict[str, Any] | str) -> Path:
    body = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
        for line in lines
    )
    path.write_text(body, encoding="utf-8")
    return path


async def run(
    factory: Factory, path: Path, t: Translator = EN, **kwargs: Any
) -> tuple[ImportReport, list[str]]:
    err = io.StringIO()
    report = await import_orders(
        factory, path, clock=FixedClock(NOW), rules=RULES, t=t, err=err, **kwargs
    )
    return report, err.getvalue().splitlines()


async def order(factory: Factory, order_no: str) -> Order | None:
    async with factory() as session, SqlUnitOfWork(session) as uow:
        return await uow.orders.by_number(order_no)


async def counts(factory: Factory) -> dict[str, int]:
    async with factory() as session:
        return {
            table.__tablename__: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in (CustomerRow, ProductRow, CouponRow, OrderRow)
        }


DUMP_QUERIES = {
    "customers": "SELECT code, name, phone, telegram_id, created_at FROM customers",
    "products": "SELECT sku, name, kind, price_fen FROM products",
    "coupons": """
        SELECT c.code, cu.code, c.title, c.discount_fen, c.returnable_on_cancel,
               c.expires_at, c.status
        FROM coupons c JOIN customers cu ON cu.id = c.customer_id""",
    "orders": """
        SELECT o.order_no, cu.code, p.sku, o.product_name, o.product_kind, o.quantity,
               o.unit_price_fen, o.discount_fen, o.amount_paid_fen, o.status,
               o.payment_channel, cp.code, o.placed_at, o.paid_at, o.delivered_at,
               o.completed_at, o.cancelled_at, o.card_key_activated, o.updated_at
        FROM orders o
        JOIN customers cu ON cu.id = o.customer_id
        JOIN products p ON p.id = o.product_id
        LEFT JOIN coupons cp ON cp.id = o.coupon_id""",
}


async def dump(factory: Factory) -> dict[str, list[tuple[Any, ...]]]:
    """Every table by natural keys (codes, not ids), sorted, to compare two databases."""
    async with factory() as session:
        return {
            name: sorted(tuple(r) for r in await session.execute(text(sql)))
            for name, sql in DUMP_QUERIES.items()
        }


def bad_row(t: Translator, line: int, key: str, **params: str | int) -> str:
    return t("import-bad-row", line=str(line), reason=reason_text(t, [Problem(key, params)]))


def backwards(t: Translator, line: int, order_no: str, existing: str, incoming: str) -> str:
    return bad_row(
        t, line, "status-backwards", order_no=order_no, existing=existing, incoming=incoming
    )


async def refunds(factory: Factory) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(RefundRow)) or 0


# --------------------------------------------------------------------------- good files


async def test_good_file_imports_every_field_in_fen_and_utc(
    session_factory: Factory, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "orders.jsonl",
        row(),
        pending("KM202611250007"),
        row(
            "KM202611240003",
            customer={"code": "C0003", "name": "王五", "phone": "+86 139-0013-9000"},
            product={"sku": "PAD-X1", "name": "游戏手柄 X1", "kind": "physical"},
            quantity=1,
            unit_price="199.00",
            discount="20.00",
            amount_paid=179,
            status="cancelled",
            payment_channel="bank_card",
            delivered_at=DROP,
            card_key_activated=None,
            cancelled_at="2026-11-24T15:30:00+08:00",
            placed_at="2026-11-24T09:00:00+08:00",
            paid_at="2026-11-24T09:01:00Z",
            coupon={
                "code": "CP-PAD-20",
                "title": "手柄立减20",
                "discount": 20,
                "returnable_on_cancel": False,
                "status": "available",
            },
        ),
    )

    report, err = await run(session_factory, path)

    assert err == []
    assert (report.total, report.created, report.updated, report.failed) == (3, 3, 0, 0)
    assert report.errors == []
    card = await order(session_factory, "KM202611200001")
    assert card is not None
    assert card.product_name == "王者荣耀 60点券"
    assert card.product_kind is ProductKind.CARD_KEY
    assert card.product_sku == "WZRY-60"
    assert (card.quantity, card.unit_price_fen, card.discount_fen, card.amount_paid_fen) == (
        2,
        600,
        100,
        1100,
    )
    assert card.status is OrderStatus.DELIVERED
    assert card.payment_channel is PaymentChannel.WECHAT
    assert card.placed_at == datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    assert card.placed_at.tzinfo is not None
    assert card.paid_at == datetime(2026, 11, 20, 2, 15, 40, tzinfo=UTC)
    assert card.delivered_at == datetime(2026, 11, 20, 2, 15, 42, tzinfo=UTC)
    assert card.completed_at is None
    assert card.card_key_activated is False
    assert card.coupon is not None
    assert card.coupon.code == "CP-NEW-1"
    assert card.coupon.title == "新人券 满10减1"
    assert card.coupon.discount_fen == 100
    assert card.coupon.returnable_on_cancel is True
    assert card.coupon.expires_at == datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)
    assert card.coupon.status is CouponStatus.USED

    topup = await order(session_factory, "KM202611250007")
    assert topup is not None
    assert topup.amount_paid_fen == 9950
    assert topup.payment_channel is None
    assert topup.paid_at is None
    assert topup.coupon is None

    pad = await order(session_factory, "KM202611240003")
    assert pad is not None
    assert pad.status is OrderStatus.CANCELLED
    assert pad.paid_at == datetime(2026, 11, 24, 9, 1, tzinfo=UTC)
    assert pad.cancelled_at == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    assert pad.card_key_activated is None
    assert pad.coupon is not None
    assert pad.coupon.status is CouponStatus.AVAILABLE
    assert pad.coupon.returnable_on_cancel is False
    assert pad.coupon.expires_at is None

    async with session_factory() as session, SqlUnitOfWork(session) as uow:
        customer = await uow.customers.by_code("C0003")
    assert customer is not None
    # Stored normalized, so that a Telegram contact can be matched exactly.
    assert (customer.name, customer.phone, customer.telegram_id) == (
        "王五",
        "13900139000",
        None,
    )


async def test_chinese_names_round_trip_with_bom_and_crlf(
    session_factory: Factory, tmp_path: Path
) -> None:
    line = row(
        customer={"code": "C0009", "name": "欧阳·娜娜", "phone": None},
        product={"sku": "STEAM-100", "name": "Steam 钱包充值卡 100元(国区)", "kind": "card_key"},
        coupon={
            "code": "CP-双11",
            "title": "双十一 满10减1「限时」",
            "discount": "1",
            "returnable_on_cancel": True,
            "expires_at": "",
        },
    )
    path = tmp_path / "gbk-free.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(line, ensure_ascii=False).encode() + b"\r\n\r\n")

    report, err = await run(session_factory, path)

    assert err == []
    assert (report.total, report.created) == (1, 1)
    saved = await order(session_factory, "KM202611200001")
    assert saved is not None
    assert saved.product_name == "Steam 钱包充值卡 100元(国区)"
    assert saved.coupon is not None
    assert saved.coupon.code == "CP-双11"
    assert saved.coupon.title == "双十一 满10减1「限时」"
    assert saved.coupon.expires_at is None
    async with session_factory() as session, SqlUnitOfWork(session) as uow:
        customer = await uow.customers.by_code("C0009")
    assert customer is not None
    assert customer.name == "欧阳·娜娜"
    assert customer.phone is None


@pytest.mark.parametrize(
    ("unit_price", "quantity", "discount", "amount_paid", "fen"),
    [
        ("0.10", 3, "0", "0.30", (10, 0, 30)),
        (0.1, 3, 0, 0.3, (10, 0, 30)),  # read as decimals: 0.1 × 3 is exactly 0.3
        ("19.99", 3, "0.97", "59.00", (1999, 97, 5900)),
        ("30.100", 1, 0, 30.1, (3010, 0, 3010)),
        (30, 1, "30.00", 0, (3000, 3000, 0)),
        (" 6.5 ", 2, "1.00", "12", (650, 100, 1200)),
    ],
)
def test_yuan_become_exact_fen(
    unit_price: object, quantity: int, discount: object, amount_paid: object, fen: tuple[int, ...]
) -> None:
    line = row(
        unit_price=unit_price,
        quantity=quantity,
        discount=discount,
        amount_paid=amount_paid,
        coupon=None,
    )
    record = parse_line(json.dumps(line).encode())
    o = record.order
    assert (o.unit_price_fen, o.discount_fen, o.amount_paid_fen) == fen


async def test_reimporting_the_same_file_creates_nothing_and_counts_updates(
    session_factory: Factory, tmp_path: Path
) -> None:
    path = write(tmp_path / "orders.jsonl", row(), pending("KM-0002"), pending("KM-0003", "C0003"))
    first, _ = await run(session_factory, path)
    before, tables = await dump(session_factory), await counts(session_factory)

    second, err = await run(session_factory, path)

    assert err == []
    assert (first.created, first.updated) == (3, 0)
    assert (second.total, second.created, second.updated, second.failed) == (3, 0, 3, 0)
    assert await counts(session_factory) == tables
    assert await dump(session_factory) == before


async def test_a_customers_timezone_is_kept_for_quiet_hours_and_a_bad_one_is_refused(
    session_factory: Factory, tmp_path: Path
) -> None:
    abroad = pending("KM-0002", "C0002")
    abroad["customer"] = abroad["customer"] | {"timezone": "Europe/Berlin"}
    wrong = pending("KM-0003", "C0003")
    wrong["customer"] = wrong["customer"] | {"timezone": "Mars/Olympus"}
    path = write(tmp_path / "orders.jsonl", abroad, pending("KM-0004", "C0004"), wrong)

    report, err = await run(session_factory, path)

    assert (report.created, report.failed) == (2, 1)
    assert err == [
        'line 3: customer.timezone "Mars/Olympus" is not a timezone name; use one like '
        "Asia/Shanghai or Europe/Berlin."
    ]
    # A later line without the field keeps what the shop knew: in another file, or further
    # down the same batch.
    write(tmp_path / "again.jsonl", pending("KM-0005", "C0002"))
    await run(session_factory, tmp_path / "again.jsonl")
    later = pending("KM-0006", "C0004")
    later["customer"] = later["customer"] | {"timezone": "Asia/Tokyo"}
    write(tmp_path / "batch.jsonl", later, pending("KM-0007", "C0004"))
    await run(session_factory, tmp_path / "batch.jsonl")
    async with session_factory() as session:
        zones = {
            code: zone
            for code, zone in await session.execute(select(CustomerRow.code, CustomerRow.timezone))
        }
    assert zones == {"C0002": "Europe/Berlin", "C0004": "Asia/Tokyo"}


async def test_reimport_updates_an_order_that_moved_on(
    session_factory: Factory, tmp_path: Path
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", pending("KM-0002")))
    paid = pending("KM-0002") | {
        "status": "paid",
        "payment_channel": "alipay",
        "paid_at": "2026-11-25T21:04:00+08:00",
    }

    report, _ = await run(session_factory, write(tmp_path / "b.jsonl", paid))

    assert (report.created, report.updated) == (0, 1)
    saved = await order(session_factory, "KM-0002")
    assert saved is not None
    assert saved.status is OrderStatus.PAID
    assert saved.payment_channel is PaymentChannel.ALIPAY
    assert (await counts(session_factory))["orders"] == 1


async def test_the_same_order_twice_in_one_file_keeps_the_later_line(
    session_factory: Factory, tmp_path: Path
) -> None:
    later = row(status="completed", completed_at="2026-11-27T10:15:42+08:00")
    report, _ = await run(session_factory, write(tmp_path / "o.jsonl", row(), later))

    assert (report.total, report.created, report.updated) == (2, 1, 1)
    saved = await order(session_factory, "KM202611200001")
    assert saved is not None
    assert saved.status is OrderStatus.COMPLETED


async def test_examples_in_the_docs_import_cleanly(
    session_factory: Factory, tmp_path: Path
) -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(lines) >= 5

    report, err = await run(session_factory, write(tmp_path / "docs.jsonl", *lines))

    assert err == []
    assert (report.total, report.failed) == (len(lines), 0)


# --------------------------------------------------------------------------- bad rows


async def test_bad_rows_are_reported_by_line_and_good_rows_are_kept(
    session_factory: Factory, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "mixed.jsonl",
        row("KM-GOOD-01"),  # 1
        "",  # 2: blank lines are skipped, but still numbered
        '{"order_no": ',  # 3
        row("KM-BAD-04", amount_paid=DROP),  # 4
        row("KM-BAD-05", discuont="1.00"),  # 5
        row("KM-BAD-06", status="shipped"),  # 6
        row("KM-BAD-07", unit_price="6.001"),  # 7
        row("KM-BAD-08", amount_paid="12.00"),  # 8
        row("KM-BAD-09", payment_channel=None),  # 9
        row("KM-BAD-10", placed_at="2026-11-20T10:15:00"),  # 10
        "[1, 2]",  # 11
        pending("KM-GOOD-12"),  # 12
        row("KM-BAD-13", product={"sku": "PAD-X1", "name": "游戏手柄", "kind": "physical"}),
        row("KM-BAD-14", quantity=0),  # 14
        "   ",  # 15
        pending("KM-GOOD-16", "C0016"),  # 16
    )

    # A small batch size spreads the rows over several batches and commits.
    report, err = await run(session_factory, path, batch_size=3)

    statuses = "pending_payment, paid, delivering, delivered, completed, cancelled"
    expected = [
        bad_row(EN, 3, "bad-json", column=14),
        bad_row(EN, 4, "missing-field", field="amount_paid"),
        bad_row(EN, 5, "unknown-field", field="discuont"),
        bad_row(EN, 6, "choice", field="status", value="shipped", choices=statuses),
        bad_row(EN, 7, "money-precision", field="unit_price", value="6.001"),
        bad_row(EN, 8, "amount-mismatch", expected="¥11.00", given="¥12.00"),
        bad_row(EN, 9, "channel-missing", status="delivered"),
        bad_row(EN, 10, "datetime-naive", field="placed_at", value="2026-11-20T10:15:00"),
        bad_row(EN, 11, "not-object"),
        bad_row(EN, 13, "activation-not-card-key", kind="physical"),
        bad_row(EN, 14, "quantity-range", field="quantity", value="0", max=1_000_000),
    ]
    assert err == expected
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14]
    assert (report.total, report.created, report.updated, report.failed) == (14, 3, 0, 11)
    for kept in ("KM-GOOD-01", "KM-GOOD-12", "KM-GOOD-16"):
        assert await order(session_factory, kept) is not None
    assert (await counts(session_factory))["orders"] == 3
    assert "amount_paid should be unit_price × quantity − discount = ¥11.00" in err[5]


async def test_reasons_follow_the_operators_language(
    session_factory: Factory, tmp_path: Path
) -> None:
    path = write(tmp_path / "zh.jsonl", row(amount_paid="12.00"), row("KM-2", discuont=1))

    report, err = await run(session_factory, path, t=ZH)

    assert err == [
        "第 1 行:金额对不上:实付 amount_paid 应为 单价 × 数量 − 优惠 = ¥11.00,实际为 ¥12.00。",
        "第 2 行:未知字段 discuont(是否拼错?);字段名请见 docs/import-orders.md。",
    ]
    assert report.errors[0] == (1, err[0].removeprefix("第 1 行:"))


@pytest.mark.parametrize(
    ("changes", "key", "params"),
    [
        ({"customer": {"code": "C1", "name": "x", "email": "a@b.c"}}, "unknown-field",
         {"field": "customer.email"}),
        ({"coupon": {"code": "CP", "title": "t", "discount": 1, "returnable_on_cancel": True,
                     "stackable": True}}, "unknown-field", {"field": "coupon.stackable"}),
        ({"order_no": "K1"}, "bad-order-no", {"field": "order_no", "value": "K1"}),
        ({"customer": "张三"}, "expected-object", {"field": "customer"}),
        ({"customer": {"code": " ", "name": "x"}}, "empty-text", {"field": "customer.code"}),
        ({"quantity": "2"}, "expected-integer", {"field": "quantity"}),
        ({"card_key_activated": "yes"}, "expected-bool", {"field": "card_key_activated"}),
        ({"unit_price": "¥6"}, "money-format", {"field": "unit_price", "value": "¥6"}),
        ({"discount": "-1"}, "money-negative", {"field": "discount", "value": "-1"}),
        ({"placed_at": "20/11/2026"}, "datetime-format",
         {"field": "placed_at", "value": "20/11/2026"}),
        ({"placed_at": "0001-01-01T00:00:00+08:00"}, "datetime-format",
         {"field": "placed_at", "value": "0001-01-01T00:00:00+08:00"}),
        ({"payment_channel": "paypal"}, "choice",
         {"field": "payment_channel", "value": "paypal",
          "choices": "wechat, alipay, bank_card, balance"}),
        ({"status": "completed"}, "stamp-missing",
         {"field": "completed_at", "status": "completed"}),
        ({"status": "paid"}, "stamp-not-allowed", {"field": "delivered_at", "status": "paid"}),
        ({"delivered_at": "2026-11-20T10:00:00+08:00"}, "stamp-order",
         {"field": "delivered_at", "earlier": "paid_at"}),
        ({"paid_at": "2026-11-20T10:00:00+08:00"}, "stamp-order",
         {"field": "paid_at", "earlier": "placed_at"}),
        ({"status": "pending_payment", "delivered_at": None, "card_key_activated": None},
         "paid-at-not-allowed", {"status": "pending_payment"}),
        ({"coupon": {"code": "CP", "title": "t", "discount": 2, "returnable_on_cancel": True}},
         "coupon-exceeds-discount", {"coupon": "¥2.00", "discount": "¥1.00"}),
    ],
)  # fmt: skip
def test_each_kind_of_bad_value_has_its_own_reason(
    changes: dict[str, Any], key: str, params: dict[str, str | int]
) -> None:
    with pytest.raises(RowError) as caught:
        parse_line(json.dumps(row(**changes), ensure_ascii=False).encode())

    problem = caught.value.problems[0]
    assert (problem.key, problem.params) == (key, params)
    assert EN.has(f"import-reason-{key}")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"order_no": "a", "order_no": "b"}', "duplicate-key"),
        (b'{"unit_price": NaN}', "bad-json"),
        ('{"name": "é"}'.encode("latin-1"), "bad-encoding"),
        (b'"just a string"', "not-object"),
        (b"[" * 100_000, "bad-json"),
    ],
)
def test_lines_that_are_not_one_json_object_are_refused(raw: bytes, key: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_line(raw)

    assert caught.value.problems[0].key == key


def test_several_problems_in_one_line_name_the_first_and_count_the_rest() -> None:
    with pytest.raises(RowError) as caught:
        parse_line(json.dumps(row(order_no="!", status="x", quantity=0)).encode())

    assert reason_text(EN, caught.value.problems) == EN(
        "import-reason-more",
        reason=EN("import-reason-bad-order-no", field="order_no", value="!"),
        more=2,
    )


async def test_a_database_error_refuses_only_its_row(database: Database, tmp_path: Path) -> None:
    # Stands in for any constraint the database enforces that the file checks cannot see.
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON orders "
                "WHEN NEW.order_no = 'KM-BOOM-03' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the shop''s trigger'); END"
            )
        )
    path = write(
        tmp_path / "boom.jsonl",
        pending("KM-OK-01"),
        pending("KM-OK-02", "C0003"),
        pending("KM-BOOM-03"),
        row("KM-OK-04"),
        pending("KM-OK-05"),
    )

    report, err = await run(database.session_factory, path)

    assert (report.total, report.created, report.updated, report.failed) == (5, 4, 0, 1)
    assert len(err) == 1
    assert err[0].startswith("line 3: the database refused this order (")
    assert "refused by the shop's trigger" in err[0]
    for kept in ("KM-OK-01", "KM-OK-02", "KM-OK-04", "KM-OK-05"):
        assert await order(database.session_factory, kept) is not None
    assert await order(database.session_factory, "KM-BOOM-03") is None


async def test_a_missing_file_raises_before_anything_is_written(
    session_factory: Factory, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        await run(session_factory, tmp_path / "nope.jsonl")
    with pytest.raises(FileNotFoundError):
        await run(session_factory, tmp_path)  # a folder is no file either


# --------------------------------------------------------------------------- large files


async def test_large_files_report_progress_every_tenth(
    session_factory: Factory, tmp_path: Path
) -> None:
    rows = [pending(f"KM{n:010d}", f"C{n % 97:04d}") for n in range(3000)]
    path = write(tmp_path / "big.jsonl", *rows)

    report, err = await run(session_factory, path)

    assert err == [
        EN("import-progress", done=300 * k, total=3000, percent=10 * k) for k in range(1, 11)
    ]
    assert (report.total, report.created, report.failed) == (3000, 3000, 0)
    assert (await counts(session_factory))["orders"] == 3000
    assert (await counts(session_factory))["customers"] == 97


async def test_small_files_print_no_progress(session_factory: Factory, tmp_path: Path) -> None:
    path = write(tmp_path / "small.jsonl", *[pending(f"KM{n:010d}") for n in range(2000)])

    report, err = await run(session_factory, path)

    assert err == []
    assert report.created == 2000


# --------------------------------------------------------------------------- status changes


async def shopper_cancels(factory: Factory, order_no: str) -> None:
    """What the bot does when the shopper taps cancel: guarded transition plus refund."""
    found = await order(factory, order_no)
    assert found is not None
    async with factory() as session:
        result = await cancel_order(
            SqlUnitOfWork(session),
            customer_id=found.customer_id,
            order_id=found.id,
            actor="tg:1001",
            rules=RULES,
            now=NOW,
        )
    assert result.outcome is CancelOutcome.CANCELLED


@pytest.mark.parametrize("batch_size", [500, 1])
async def test_an_import_cannot_undo_a_shoppers_cancel(
    session_factory: Factory, tmp_path: Path, batch_size: int
) -> None:
    await run(session_factory, write(tmp_path / "day1.jsonl", topup("KM-CANCEL", "paid")))
    await shopper_cancels(session_factory, "KM-CANCEL")
    cancelled = await order(session_factory, "KM-CANCEL")
    assert cancelled is not None
    assert await refunds(session_factory) == 1
    # The nightly export was taken before the shopper cancelled: it still says paid.
    path = write(
        tmp_path / "night.jsonl",
        pending("KM-NEW-1"),
        topup("KM-CANCEL", "paid"),
        pending("KM-NEW-3", "C0003"),
    )

    report, err = await run(session_factory, path, batch_size=batch_size)

    assert err == [backwards(EN, 2, "KM-CANCEL", "cancelled", "paid")]
    assert err[0] == (
        'line 2: order KM-CANCEL is already "Cancelled" (cancelled) here; an import cannot '
        'change it back to "Paid, not shipped" (paid): a cancelled order stays cancelled.'
    )
    assert report.errors == [(2, err[0].removeprefix("line 2: "))]
    assert (report.total, report.created, report.updated, report.failed) == (3, 2, 0, 1)
    assert await order(session_factory, "KM-CANCEL") == cancelled
    assert await refunds(session_factory) == 1
    for kept in ("KM-NEW-1", "KM-NEW-3"):
        assert await order(session_factory, kept) is not None


async def test_the_refusal_names_both_statuses_in_the_operators_language(
    session_factory: Factory, tmp_path: Path
) -> None:
    await run(session_factory, write(tmp_path / "a.jsonl", topup("KM-1", "paid")))
    await shopper_cancels(session_factory, "KM-1")

    _, err = await run(session_factory, write(tmp_path / "b.jsonl", topup("KM-1", "paid")), t=ZH)

    assert err == [
        "第 1 行:订单 KM-1 在本系统中已是「已取消」(cancelled),导入不能改回「待发货」(paid):"
        "已取消的订单不会因导入而恢复。"
    ]


async def test_an_import_moves_orders_forward_and_may_cancel_them(
    session_factory: Factory, tmp_path: Path
) -> None:
    steps = ["pending_payment", "paid", "delivering", "delivered", "completed"]
    for number, status in enumerate(steps):
        path = write(tmp_path / f"{status}.jsonl", topup("KM-FWD", status))
        report, err = await run(session_factory, path)
        assert err == [], status
        assert (report.created, report.updated) == (int(number == 0), int(number > 0))
        saved = await order(session_factory, "KM-FWD")
        assert saved is not None
        assert saved.status is OrderStatus(status)
    # Keeping a status is fine (a nightly full export), and so is the shop cancelling.
    path = write(
        tmp_path / "shop.jsonl",
        topup("KM-FWD", "completed"),
        topup("KM-SHOP", "paid"),
        topup("KM-SHOP", "cancelled"),  # the shop cancelled it on its side, same file
        topup("KM-SHOP", "cancelled"),
    )

    report, err = await run(session_factory, path)

    assert err == []
    assert (report.created, report.updated, report.failed) == (1, 3, 0)
    shop_cancelled = await order(session_factory, "KM-SHOP")
    assert shop_cancelled is not None
    assert shop_cancelled.status is OrderStatus.CANCELLED


@pytest.mark.parametrize("batch_size", [500, 2])
async def test_an_import_never_moves_an_order_backwards(
    session_factory: Factory, tmp_path: Path, batch_size: int
) -> None:
    await run(
        session_factory,
        write(tmp_path / "a.jsonl", topup("KM-D", "delivered"), topup("KM-X", "cancelled")),
    )
    path = write(
        tmp_path / "b.jsonl",
        topup("KM-D", "paid"),  # 1: backwards
        topup("KM-X", "completed"),  # 2: a cancelled order is not revived
        topup("KM-N", "delivered"),  # 3: new
        topup("KM-N", "delivering"),  # 4: backwards from line 3, as saving in order would be
        topup("KM-D", "completed"),  # 5: forward
    )

    report, err = await run(session_factory, path, batch_size=batch_size)

    assert err == [
        backwards(EN, 1, "KM-D", "delivered", "paid"),
        backwards(EN, 2, "KM-X", "cancelled", "completed"),
        backwards(EN, 4, "KM-N", "delivered", "delivering"),
    ]
    assert (report.total, report.created, report.updated, report.failed) == (5, 1, 1, 3)
    statuses = {no: await order(session_factory, no) for no in ("KM-D", "KM-X", "KM-N")}
    assert {no: o.status for no, o in statuses.items() if o} == {
        "KM-D": OrderStatus.COMPLETED,
        "KM-X": OrderStatus.CANCELLED,
        "KM-N": OrderStatus.DELIVERED,
    }


async def test_the_row_by_row_fallback_refuses_the_same_rows(
    database: Database, tmp_path: Path
) -> None:
    await run(database.session_factory, write(tmp_path / "a.jsonl", topup("KM-D", "delivered")))
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON orders "
                "WHEN NEW.order_no = 'KM-BOOM' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the shop''s trigger'); END"
            )
        )
    path = write(tmp_path / "b.jsonl", pending("KM-OK"), topup("KM-D", "paid"), pending("KM-BOOM"))

    report, err = await run(database.session_factory, path)

    assert err[0] == backwards(EN, 2, "KM-D", "delivered", "paid")
    assert err[1].startswith("line 3: the database refused this order (")
    assert (report.created, report.updated, report.failed) == (1, 0, 2)
    kept = await order(database.session_factory, "KM-D")
    assert kept is not None
    assert kept.status is OrderStatus.DELIVERED


# --------------------------------------------------------------------------- guards


async def test_batch_writes_match_saving_row_by_row(
    make_database: MakeDatabase, tmp_path: Path
) -> None:
    """The importer's bulk path must leave exactly what save_order would have left."""
    coupon = {"code": "CP-SHARED", "title": "满10减1", "discount": 1, "returnable_on_cancel": True}
    lines = [
        row("KM-A", coupon=coupon),
        row("KM-B", customer={"code": "C0002", "name": "李四"}, coupon=coupon | {"title": "改"}),
        pending("KM-C", "C0001"),  # renames C0001 and drops its phone
        row("KM-A", status="completed", completed_at="2026-11-28T10:00:00+08:00"),
        row("KM-D", product={"sku": "WZRY-60", "name": "王者荣耀 点券(新)", "kind": "card_key"},
            unit_price="5.50", amount_paid="10.00"),
    ]  # fmt: skip
    path = write(tmp_path / "parity.jsonl", *lines)
    bulk, by_row = await make_database("bulk.db"), await make_database("by-row.db")

    report, err = await run(bulk.session_factory, path)
    created = 0
    async with by_row.session_factory() as session, SqlUnitOfWork(session) as uow:
        for line in lines:
            record = parse_line(json.dumps(line, ensure_ascii=False).encode())
            created += await save_order(uow, record, NOW)
        await uow.commit()

    assert err == []
    assert (report.created, report.updated) == (created, len(lines) - created) == (4, 1)
    assert await dump(bulk.session_factory) == await dump(by_row.session_factory)


def test_every_reason_has_text_in_both_languages() -> None:
    translations = Translations()
    for locale in ("zh", "en"):
        t = translations.get(locale)
        missing = [key for key in REASON_KEYS if not t.has(f"import-reason-{key}")]
        assert missing == [], locale
    zh_keys = {k for k in translations.keys("zh") if k.startswith("import-reason-")}
    en_keys = {k for k in translations.keys("en") if k.startswith("import-reason-")}
    assert zh_keys == en_keys == {f"import-reason-{key}" for key in REASON_KEYS}
