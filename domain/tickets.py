"""Apply-for-cancel tickets: what a shopper files and what staff decide.

The seed article's special case: a paid order that can no longer be cancelled
directly (goods already in delivery, a delivered card key the shopper says is
unused) goes to staff, who decide within 1–2 working days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

MAX_REASON_CHARS = 500
MAX_EVIDENCE = 3
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class TicketKind(StrEnum):
    CANCEL = "cancel"  # 申请取消
    ACTIVATION_CHECK = "activation_check"  # "I have not used this card key" (FAQ 1)
    RESTORE = "restore"  # undo a cancel the shopper cannot undo alone (FAQ 3)
    COUPON = "coupon"  # a coupon the cancel did not give back (FAQ 4)


class TicketReason(StrEnum):
    DUPLICATE = "duplicate"  # 重复下单
    WRONG_INFO = "wrong_info"  # 商品信息错误
    PAYMENT_ISSUE = "payment_issue"  # 支付异常
    UNUSED_KEY = "unused_key"  # 未使用卡密
    MISTAKEN = "mistaken"  # 误操作取消 (a restore)
    COUPON_MISSING = "coupon_missing"  # 优惠券未退回
    OTHER = "other"  # 其他 (free text)


class TicketStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXCHANGE_OFFERED = "exchange_offered"
    WITHDRAWN = "withdrawn"

    @property
    def closed(self) -> bool:
        return self is not TicketStatus.OPEN


class RejectReason(StrEnum):
    KEY_ACTIVATED = "key_activated"  # 卡密已激活
    ALREADY_SHIPPED = "already_shipped"  # 商品已发货
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # 凭证不足
    REFUND_SENT = "refund_sent"  # 退款已退出,无法恢复
    COUPON_RULE = "coupon_rule"  # 按优惠券规则不退回
    OTHER = "other"  # staff type the reason


#: The reasons a shopper may pick for each kind of request ("other" asks for their words).
REASONS: dict[TicketKind, tuple[TicketReason, ...]] = {
    TicketKind.CANCEL: (
        TicketReason.DUPLICATE,
        TicketReason.WRONG_INFO,
        TicketReason.PAYMENT_ISSUE,
        TicketReason.UNUSED_KEY,
        TicketReason.OTHER,
    ),
    TicketKind.RESTORE: (TicketReason.MISTAKEN, TicketReason.OTHER),
    TicketKind.COUPON: (TicketReason.COUPON_MISSING, TicketReason.OTHER),
}
REASONS[TicketKind.ACTIVATION_CHECK] = REASONS[TicketKind.CANCEL]

#: The reject reasons staff are offered for each kind ("other" asks for their words).
REJECTS: dict[TicketKind, tuple[RejectReason, ...]] = {
    TicketKind.CANCEL: (
        RejectReason.KEY_ACTIVATED,
        RejectReason.ALREADY_SHIPPED,
        RejectReason.INSUFFICIENT_EVIDENCE,
        RejectReason.OTHER,
    ),
    TicketKind.RESTORE: (RejectReason.REFUND_SENT, RejectReason.OTHER),
    TicketKind.COUPON: (RejectReason.COUPON_RULE, RejectReason.OTHER),
}
REJECTS[TicketKind.ACTIVATION_CHECK] = REJECTS[TicketKind.CANCEL]


class EvidenceProblem(StrEnum):
    TOO_LARGE = "too_large"
    NOT_IMAGE = "not_image"
    TOO_MANY = "too_many"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A screenshot kept by Telegram's file id: the shop never stores the picture itself."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo" or "document"
    size: int | None = None
    mime_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept with a ticket and in an application's draft."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "kind": self.kind,
            "size": self.size,
            "mime_type": self.mime_type,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(
            file_id=data["file_id"],
            file_unique_id=data["file_unique_id"],
            kind=data["kind"],
            size=data.get("size"),
            mime_type=data.get("mime_type"),
        )


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    order_id: int
    order_no: str
    customer_id: int
    kind: TicketKind
    reason: TicketReason
    reason_text: str
    status: TicketStatus
    created_at: datetime
    deadline: date
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    decided_by: int | None = None
    decided_at: datetime | None = None
    reject_reason: RejectReason | None = None
    decision_note: str | None = None


def check_evidence(
    *, kind: str, mime_type: str | None, size: int | None, already: int
) -> EvidenceProblem | None:
    """Whether one more screenshot can be accepted.

    Photos are always images; a document must say it is one. An unknown size
    is accepted: Telegram reports it for every file it stores.
    """
    if already >= MAX_EVIDENCE:
        return EvidenceProblem.TOO_MANY
    if kind == "document" and not (mime_type or "").startswith("image/"):
        return EvidenceProblem.NOT_IMAGE
    if size is not None and size > MAX_EVIDENCE_BYTES:
        return EvidenceProblem.TOO_LARGE
    return None


def clean_reason_text(text: str) -> str | None:
    """The shopper's own words, trimmed; None when empty or over the limit."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_REASON_CHARS:
        return None
    return cleaned


class Verdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    EXCHANGE = "exchange"  # an activated key: offer another product instead (the seed's 协商)
