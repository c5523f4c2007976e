"""Order facts and the status rule for imports (domain/orders.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.orders import (
    STATUS_PATH,
    Coupon,
    Order,
    OrderDataError,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    check_order,
    check_status_change,
    import_may_set,
)

S = OrderStatus
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
PLACED = NOW - timedelta(days=10)
PAID = PLACED + timedelta(minutes=1)
DELIVERED = PAID + timedelta(hours=1)
COMPLETED = DELIVERED + timedelta(days=7)

# --------------------------------------------------------------------------- status rule

P, Y, D, V, C, X = (
    S.PENDING_PAYMENT,
    S.PAID,
    S.DELIVERING,
    S.DELIVERED,
    S.COMPLETED,
    S.CANCELLED,
)
#: existing (rows) × incoming (columns P Y D V C X): may an import set it? 1 = yes.
STATUS_TABLE = {
    P: (1, 1, 1, 1, 1, 1),
    Y: (0, 1, 1, 1, 1, 1),
    D: (0, 0, 1, 1, 1, 1),
    V: (0, 0, 0, 1, 1, 1),
    C: (0, 0, 0, 0, 1, 1),
    X: (0, 0, 0, 0, 0, 1),
}
COLUMNS = (P, Y, D, V, C, X)


def test_the_table_covers_every_pair_of_statuses() -> None:
    assert set(STATUS_TABLE) == set(OrderStatus) == set(COLUMNS)
    assert set(STATUS_PATH) == set(OrderStatus) - {S.CANCELLED}


@pytest.mark.parametrize(
    ("existing", "incoming", "allowed"),
    [
        (existing, incoming, bool(row[i]))
        for existing, row in STATUS_TABLE.items()
        for i, incoming in enumerate(COLUMNS)
    ],
)
def test_an_import_keeps_or_advances_a_status_and_never_revives_a_cancel(
    existing: OrderStatus, incoming: OrderStatus, allowed: bool
) -> None:
    assert import_may_set(existing, incoming) is allowed


def test_a_refused_change_names_the_order_and_both_statuses() -> None:
    with pytest.raises(OrderDataError) as caught:
        check_status_change("KM-1", S.CANCELLED, S.PAID)

    assert caught.value.code == "status-backwards"
    assert caught.value.params == {"order_no": "KM-1", "existing": "cancelled", "incoming": "paid"}
    assert str(caught.value) == "order KM-1 is already cancelled; an import cannot set it to paid"


@pytest.mark.parametrize("incoming", list(OrderStatus))
def test_a_new_order_may_start_in_any_status(incoming: OrderStatus) -> None:
    check_status_change("KM-NEW", None, incoming)


# --------------------------------------------------------------------------- order facts


def order(status: OrderStatus = S.DELIVERED, **changes: object) -> Order:
    """A consistent card-key order in ``status``; ``changes`` replace fields."""
    reached = STATUS_PATH.index(status) if status in STATUS_PATH else 1  # cancelled after paying
    base = Order(
        id=1,
        order_no="KM-1",
        customer_id=1,
        product_name="王者荣耀 60点券",
        product_kind=ProductKind.CARD_KEY,
        quantity=2,
        unit_price_fen=600,
        discount_fen=100,
        amount_paid_fen=1100,
        status=status,
        placed_at=PLACED,
        payment_channel=PaymentChannel.WECHAT if reached >= 1 else None,
        paid_at=PAID if reached >= 1 else None,
        delivered_at=DELIVERED if reached >= 3 else None,
        completed_at=COMPLETED if status is S.COMPLETED else None,
        cancelled_at=PAID + timedelta(hours=2) if status is S.CANCELLED else None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def coupon(discount_fen: int) -> Coupon:
    return Coupon("CP-1", "满10减1", discount_fen, returnable_on_cancel=True)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_a_consistent_order_in_every_status_passes(status: OrderStatus) -> None:
    check_order(order(status), coupon(100))


def test_a_cancelled_order_keeps_the_steps_it_had_reached() -> None:
    unpaid = order(S.CANCELLED, payment_channel=None, paid_at=None)
    after_delivery = order(
        S.CANCELLED, delivered_at=DELIVERED, cancelled_at=DELIVERED + timedelta(days=1)
    )
    check_order(unpaid)
    check_order(after_delivery)


def refused(o: Order, c: Coupon | None = None) -> tuple[str, dict[str, object]]:
    with pytest.raises(OrderDataError) as caught:
        check_order(o, c)
    return caught.value.code, caught.value.params


@pytest.mark.parametrize(
    ("status", "field"), [(S.COMPLETED, "completed_at"), (S.CANCELLED, "cancelled_at")]
)
def test_a_final_status_needs_its_own_timestamp(status: OrderStatus, field: str) -> None:
    assert refused(order(status, **{field: None})) == (
        "stamp-missing",
        {"field": field, "status": status.value},
    )


@pytest.mark.parametrize(
    ("status", "field", "moment"),
    [
        (S.PENDING_PAYMENT, "delivered_at", DELIVERED),
        (S.PAID, "delivered_at", DELIVERED),
        (S.DELIVERING, "completed_at", COMPLETED),
        (S.DELIVERED, "completed_at", COMPLETED),
        (S.DELIVERED, "cancelled_at", COMPLETED),
        (S.COMPLETED, "cancelled_at", COMPLETED),
        (S.CANCELLED, "completed_at", COMPLETED),
    ],
)
def test_a_status_cannot_have_the_timestamps_of_later_steps(
    status: OrderStatus, field: str, moment: datetime
) -> None:
    assert refused(order(status, **{field: moment})) == (
        "stamp-not-allowed",
        {"field": field, "status": status.value},
    )


@pytest.mark.parametrize(
    ("status", "changes", "field", "earlier"),
    [
        (S.PAID, {"paid_at": PLACED - timedelta(seconds=1)}, "paid_at", "placed_at"),
        (S.DELIVERED, {"delivered_at": PAID - timedelta(seconds=1)}, "delivered_at", "paid_at"),
        (S.COMPLETED, {"completed_at": DELIVERED - timedelta(1)}, "completed_at", "delivered_at"),
        (
            S.CANCELLED,
            {"payment_channel": None, "paid_at": None, "cancelled_at": PLACED - timedelta(1)},
            "cancelled_at",
            "placed_at",
        ),
    ],
)
def test_timestamps_do_not_run_backwards(
    status: OrderStatus, changes: dict[str, object], field: str, earlier: str
) -> None:
    assert refused(order(status, **changes)) == (
        "stamp-order",
        {"field": field, "earlier": earlier},
    )


def test_equal_timestamps_are_in_order() -> None:
    check_order(
        order(S.COMPLETED, paid_at=PLACED, delivered_at=PLACED, completed_at=PLACED),
    )


def test_a_paid_cancelled_order_needs_the_channel_its_refund_goes_back_by() -> None:
    assert refused(order(S.CANCELLED, payment_channel=None)) == (
        "channel-missing",
        {"status": "cancelled"},
    )


def test_a_coupon_cannot_take_off_more_than_the_whole_discount() -> None:
    check_order(order(), coupon(100))
    check_order(order(), coupon(40))  # the rest of the discount is another promotion
    assert refused(order(), coupon(101)) == (
        "coupon-exceeds-discount",
        {"coupon": 101, "discount": 100},
    )


@pytest.mark.parametrize("field", ["completed_at", "cancelled_at"])
def test_every_timestamp_needs_a_timezone(field: str) -> None:
    status = S.COMPLETED if field == "completed_at" else S.CANCELLED
    naive = datetime(2026, 11, 26, 10, 0)  # noqa: DTZ001 - a naive time is the bug
    assert refused(order(status, **{field: naive})) == ("timezone-missing", {"field": field})


def test_amounts_are_checked_before_timestamps() -> None:
    wrong = order(S.COMPLETED, completed_at=None, amount_paid_fen=1200)
    assert refused(wrong)[0] == "amount-mismatch"


def test_errors_read_as_english_in_logs() -> None:
    with pytest.raises(OrderDataError) as caught:
        check_order(order(), coupon(101))
    assert str(caught.value) == (
        "the coupon takes off 101 fen, more than the order's discount of 100 fen"
    )


def test_every_order_sits_in_exactly_one_status_tab_and_a_parcel_in_transit_is_shipped() -> None:
    from datetime import UTC, datetime

    from domain.orders import Order, OrderStatus, OrderTab, ProductKind

    def order(status: OrderStatus, kind: ProductKind) -> Order:
        now = datetime(2026, 11, 26, tzinfo=UTC)
        return Order(1, "KM-1", 1, "x", kind, 1, 100, 100, status, now)

    tabs = [t for t in OrderTab if t is not OrderTab.ALL]
    for status in OrderStatus:
        for kind in ProductKind:
            homes = [t for t in tabs if t.contains(order(status, kind))]
            assert len(homes) == 1, (status, kind, homes)
            assert OrderTab.ALL.contains(order(status, kind))
    assert OrderTab.SHIPPED.contains(order(OrderStatus.DELIVERING, ProductKind.PHYSICAL))
    assert OrderTab.TO_SHIP.contains(order(OrderStatus.DELIVERING, ProductKind.DIRECT_TOPUP))


def test_typed_text_undoes_full_width_and_trailing_punctuation() -> None:
    from domain.shopper import typed_text

    assert typed_text("ＫＭ－Ａ１") == "KM-A1"
    assert typed_text(" KM-A1。") == "KM-A1"
    assert typed_text("王者荣耀,") == "王者荣耀"
