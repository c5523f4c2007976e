"""Every kind decodes from what rows have always stored, and every kind has a renderer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.notifications import (
    PAYLOADS,
    CancelDelayed,
    CancelSettled,
    DeadLetter,
    Digest,
    FollowUp,
    Kind,
    RefundFollowUp,
    TicketDecided,
    UnknownKind,
    decode,
    encode,
)
from domain.orders import OrderStatus, PaymentChannel, RefundStatus
from domain.policy import CouponOutcome
from domain.ports import Notification
from domain.tickets import Verdict
from handlers.notices import RENDERERS, MissingRenderer, check_renderers

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def test_every_kind_has_a_renderer() -> None:
    check_renderers(RENDERERS)
    assert set(PAYLOADS) == set(Kind)


def test_a_kind_without_a_renderer_fails_the_check() -> None:
    partial = {kind: r for kind, r in RENDERERS.items() if kind is not Kind.STAFF_DIGEST}
    with pytest.raises(MissingRenderer, match=r"staff\.digest"):
        check_renderers(partial)


def test_a_row_written_before_typed_payloads_decodes() -> None:
    stored = {
        "refund_id": 3,
        "order_no": "KM-1",
        "amount_fen": 1250,
        "channel": "alipay",
        "latest": "2026-11-30",
        "attempt": 2,
        "status": "requested",
        "why": "due",
    }
    news = decode("staff.refund_followup", stored)
    assert news == RefundFollowUp(
        3,
        "KM-1",
        1250,
        PaymentChannel.ALIPAY,
        date(2026, 11, 30),
        2,
        RefundStatus.REQUESTED,
        FollowUp.DUE,
    )
    assert encode(news) == stored


def test_payloads_round_trip_and_missing_optional_facts_take_their_defaults() -> None:
    digest = Digest(date(2026, 11, 26), NOW, 1, 2, 3, 4, 5)
    assert decode(Kind.STAFF_DIGEST, encode(digest)) == digest
    decided = decode(
        "customer.ticket_decided", {"ticket_id": 1, "order_no": "KM-1", "verdict": "reject"}
    )
    assert decided == TicketDecided(1, "KM-1", Verdict.REJECT)


def test_an_unknown_kind_and_a_payload_of_another_kind_are_refused() -> None:
    with pytest.raises(UnknownKind):
        decode("staff.from_the_future", {})
    with pytest.raises(TypeError):
        Notification(
            Kind.STAFF_DIGEST,
            "staff",
            "digest:x",
            NOW,
            payload=DeadLetter(1, Kind.STAFF_DIGEST, "boom"),
        )


def test_a_shops_answer_round_trips_with_its_yes_or_no() -> None:
    refused = CancelSettled(4, 7, "KM-7", False, CouponOutcome.NO_COUPON, OrderStatus.DELIVERED)
    accepted = CancelSettled(5, 8, "KM-8", True, CouponOutcome.RETURNED)
    delayed = CancelDelayed(4, 7, "KM-7", datetime(2026, 12, 2, 6, 0, tzinfo=UTC))

    assert decode(Kind.CUSTOMER_CANCEL_SETTLED, encode(refused)) == refused
    assert decode(Kind.CUSTOMER_CANCEL_SETTLED, encode(accepted)) == accepted
    assert decode(Kind.CUSTOMER_CANCEL_DELAYED, encode(delayed)) == delayed
    assert encode(accepted)["accepted"] is True
