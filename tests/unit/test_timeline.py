"""An order's history from plain values: each fact once, in order, without ids for shoppers."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import domain.timeline as timeline_module
from domain.orders import (
    Coupon,
    Order,
    OrderStatus,
    PaymentChannel,
    ProductKind,
    Refund,
    RefundStatus,
)
from domain.ports import AuditEntry, RefundEvent
from domain.tickets import RejectReason, Ticket, TicketKind, TicketReason, TicketStatus
from domain.timeline import By, Entry, Timeline, build_timeline, by_of, for_shopper, zone
from handlers.i18n import Translations
from handlers.timeline_views import MAX_MESSAGE, entry_text, fit, timeline_view

#: Thursday 2026-11-26 10:00 in Shanghai.
T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
ZH = Translations().get("zh")
EN = Translations().get("en")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def order(**changes: object) -> Order:
    values: dict[str, object] = {
        "id": 7,
        "order_no": "KM-7",
        "customer_id": 3,
        "product_name": "Steam 钱包充值卡 100元",
        "product_kind": ProductKind.CARD_KEY,
        "quantity": 1,
        "unit_price_fen": 9500,
        "amount_paid_fen": 9000,
        "discount_fen": 500,
        "status": OrderStatus.CANCELLED,
        "placed_at": at(0),
        "paid_at": at(1),
        "delivered_at": at(2),
        "cancelled_at": at(300),
        "payment_channel": PaymentChannel.WECHAT,
        "coupon": Coupon("C-1", "满90减5", 500, returnable_on_cancel=True, id=4),
    }
    values.update(changes)
    return Order(**values)  # type: ignore[arg-type]


def ticket(number: int, filed: int, status: TicketStatus, decided: int, **extra: object) -> Ticket:
    return Ticket(
        id=number,
        order_id=7,
        order_no="KM-7",
        customer_id=3,
        kind=TicketKind.ACTIVATION_CHECK,
        reason=TicketReason.UNUSED_KEY,
        reason_text="我没用过这个卡密",
        status=status,
        created_at=at(filed),
        deadline=date(2026, 11, 27),
        decided_by=9001,
        decided_at=at(decided),
        **extra,  # type: ignore[arg-type]
    )


REJECTED = ticket(
    11, 10, TicketStatus.REJECTED, 60, reject_reason=RejectReason.INSUFFICIENT_EVIDENCE
)
APPROVED = ticket(12, 120, TicketStatus.APPROVED, 300)
REFUND = Refund(
    id=5,
    order_id=7,
    order_no="KM-7",
    amount_fen=9000,
    channel=PaymentChannel.WECHAT,
    status=RefundStatus.SUCCEEDED,
    expected_earliest=date(2026, 11, 27),
    expected_latest=date(2026, 12, 1),
    created_at=at(300),
    updated_at=at(2000),
    customer_id=3,
)


def event(action: str, minutes: int, actor: str = "staff:9002", **extra: str) -> RefundEvent:
    return RefundEvent(
        refund_id=5,
        idempotency_key=f"{action}:5:1",
        action=action,
        from_status=RefundStatus.REQUESTED,
        to_status=RefundStatus.PROCESSING,
        attempt=1,
        actor=actor,
        at=at(minutes),
        **extra,  # type: ignore[arg-type]
    )


def story(**extra_audit: list[AuditEntry]) -> list[Entry]:
    """Filed, rejected, filed again, approved and refunded: the whole story of one order."""
    audit = [
        AuditEntry("ticket.filed", "tg:1001", at(10), 7, {"ticket": 11}),
        AuditEntry("ticket.rejected", "staff:9001", at(60), 7, {"ticket": 11}),
        AuditEntry("ticket.filed", "tg:1001", at(120), 7, {"ticket": 12}),
        AuditEntry("order.cancelled", "staff:9001", at(300), 7, {"coupon": "returned"}),
        AuditEntry("ticket.approved", "staff:9001", at(300), 7, {"ticket": 12}),
        AuditEntry("satisfaction.asked", "bot", at(300), 7, {"case": "ticket:12", "survey": 1}),
        AuditEntry("refund.submit", "staff:9002", at(400), 7, {"refund": 5}),
        *extra_audit.get("audit", []),
    ]
    events = [
        event("submit", 400, provider_ref="WX-REF-1"),
        event("succeed", 2000, actor="import:wechat.csv"),
    ]
    return build_timeline(
        order(),
        audit=audit,
        tickets=[APPROVED, REJECTED],
        refund=REFUND,
        refund_events=events,
    )


def test_a_rejected_refiled_approved_and_refunded_order_tells_each_step_once_in_order() -> None:
    entries = story()
    assert [e.what for e in entries] == [
        "order-placed",
        "order-paid",
        "order-delivered",
        "ticket-filed",
        "ticket-rejected",
        "ticket-filed",
        # At the same instant the approval comes before the cancel it caused, the cancel
        # (with its coupon) before its refund, and staff-only steps after them all.
        "ticket-approved",
        "order-cancelled",
        "coupon-returned",
        "refund-requested",
        "satisfaction-asked",
        "refund-submitted",
        "refund-succeeded",
    ]
    cancelled, coupon = entries[7], entries[8]
    assert (cancelled.by, cancelled.staff_id, cancelled.actor) == (By.STAFF, 9001, "staff:9001")
    assert (coupon.by, coupon.staff_id, coupon.facts) == (
        By.STAFF,
        9001,
        {"coupon_title": "满90减5"},
    )
    submitted = entries[11]
    assert submitted.note == "WX-REF-1"
    assert entries[3].note == "我没用过这个卡密"


def test_the_shopper_sees_no_internal_step_and_no_id_in_any_fact() -> None:
    shown = for_shopper(story())
    assert "satisfaction-asked" not in [e.what for e in shown]
    ids = {"7", "11", "12", "5", "4", "9001", "9002", "KM-7"}
    for entry in shown:
        assert not {str(v) for v in entry.facts.values()} & ids, entry


def test_the_shopper_reads_plain_words_in_their_own_timezone() -> None:
    timeline = Timeline(order(), tuple(for_shopper(story())))
    text, markup = timeline_view(ZH, timeline, ZoneInfo("Europe/Berlin"), at(3000))
    lines = text.splitlines()
    assert lines[0] == "🕓 订单 KM-7 的记录"
    # 10:00 in Shanghai is 03:00 in Berlin.
    assert "11月26日 03:00 您下单了(¥90.00)" in lines
    assert "11月26日 04:00 审核未通过:凭证不足" in lines
    assert "11月26日 08:00 审核通过" in lines
    assert "11月26日 08:00 订单已取消(申请已通过)" in lines
    assert "11月26日 08:00 优惠券「满90减5」已退回" in lines
    assert "11月26日 08:00 退款 ¥90.00 已申请,将原路退回微信" in lines
    assert "11月26日 09:40 退款已提交到微信" in lines
    assert lines[-1] == "11月27日 12:20 退款 ¥90.00 已到账(微信)"
    assert "WX-REF" not in text and "9001" not in text and "staff" not in text
    assert markup is not None
    [[back]] = markup.inline_keyboard
    assert back.text == "⬅ 返回订单"


def test_english_reads_the_same_story() -> None:
    timeline = Timeline(order(), tuple(for_shopper(story())))
    text, _ = timeline_view(EN, timeline, SHANGHAI, at(3000))
    assert "26 Nov 10:00 You placed the order (¥90.00)" in text
    assert "26 Nov 11:00 Application declined: insufficient evidence" in text
    assert text.endswith("27 Nov 19:20 Refund of ¥90.00 arrived (WeChat)")


def test_an_unknown_audit_action_is_left_out_and_logged_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_module, "_unknown_logged", set())
    future = [
        AuditEntry("order.teleported", "tg:1001", at(500), 7, {"secret": "x"}),
        AuditEntry("order.teleported", "tg:1001", at(600), 7, {"secret": "y"}),
    ]
    with caplog.at_level(logging.WARNING, logger="domain.timeline"):
        entries = story(audit=future)
        story(audit=future)
    assert "order-teleported" not in [e.what for e in entries]
    assert len(entries) == len(story())
    logged = [r for r in caplog.records if "order.teleported" in r.getMessage()]
    assert len(logged) == 1
    assert "secret" not in logged[0].getMessage()


def test_an_entry_without_words_in_this_release_is_not_shown() -> None:
    entry = Entry(at(0), "from-a-newer-release", By.SHOPPER)
    assert entry_text(ZH, entry) is None


def test_an_order_imported_already_cancelled_says_so_without_naming_anyone() -> None:
    entries = build_timeline(order(coupon=None, delivered_at=None))
    assert [e.what for e in entries] == ["order-placed", "order-paid", "order-cancelled"]
    assert entries[-1].by is By.SYSTEM
    assert entry_text(ZH, entries[-1]) == "订单已取消"


def test_who_an_actor_is() -> None:
    assert by_of("tg:1001") == (By.SHOPPER, None)
    assert by_of("staff:9001") == (By.STAFF, 9001)
    assert by_of("shop") == (By.SHOP, None)
    assert by_of("gateway:balance") == (By.SYSTEM, None)
    assert by_of("import:wechat.csv") == (By.SYSTEM, None)


def test_a_shopper_timezone_by_name_or_the_shops() -> None:
    assert zone("Europe/Berlin", SHANGHAI) == ZoneInfo("Europe/Berlin")
    assert zone(None, SHANGHAI) is SHANGHAI
    assert zone("Mars/Olympus", SHANGHAI) is SHANGHAI


def test_a_long_history_keeps_the_most_recent_lines_and_counts_the_rest() -> None:
    lines = [f"11月26日 10:{n % 60:02d} 第 {n} 条记录,内容比较长一些" for n in range(400)]
    text = fit(["🕓 订单 KM-7 的记录", ""], lines, ZH)
    assert len(text.encode("utf-16-le")) // 2 <= MAX_MESSAGE
    assert text.endswith(lines[-1])
    shown = [line for line in lines if line in text.splitlines()]
    left_out = len(lines) - len(shown)
    assert left_out > 0
    assert f"(更早的 {left_out} 条记录未显示)" in text
    assert shown == lines[left_out:]
