"""ORM tables. Portable SQL only: the same schema runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, whatever the backend keeps.

    SQLite stores no offset, so values come back naive; they were written as
    UTC, so UTC is attached again on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: IANA name; None means the shop's timezone. Quiet hours are kept in the shopper's own.
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: Set when Telegram refused a message (blocked the bot, deleted account); cleared when
    #: the shopper writes again. Pushes wait instead of being retried meanwhile.
    unreachable_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProductRow(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    price_fen: Mapped[int] = mapped_column(BigInteger)


class CouponRow(Base):
    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    title: Mapped[str] = mapped_column(String(200))
    discount_fen: Mapped[int] = mapped_column(BigInteger)
    returnable_on_cancel: Mapped[bool] = mapped_column(Boolean)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        # The shopper's order list: their orders by status tab, newest first.
        Index("ix_orders_customer_status_placed", "customer_id", "status", "placed_at"),
        Index("ix_orders_customer_placed", "customer_id", "placed_at"),
        # Staff's /stats: the cancels of a period.
        Index("ix_orders_status_cancelled", "status", "cancelled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_no: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # Name and kind are copied at purchase time: renaming a product must not rewrite history.
    product_name: Mapped[str] = mapped_column(String(200))
    product_kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    discount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_paid_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    payment_channel: Mapped[str | None] = mapped_column(String(16))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    card_key_activated: Mapped[bool | None] = mapped_column(Boolean)
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    #: How it was cancelled (domain.orders.CancelPath): staff's /stats count cancels by it.
    cancel_path: Mapped[str | None] = mapped_column(String(20))
    #: Set while a cancel waits for the shop's word (SHOP_MODE=http); the status stays the
    #: shop's until it answers.
    cancelling_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Set while the restore of a mistaken cancel waits for the shop's word (SHOP_MODE=http).
    restoring_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When a mistaken cancel was last undone; a shop line cancelling it no later than this
    #: is the echo of the cancel that was undone, not a new one.
    restored_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class UserPrefRow(Base):
    """What we remember about a Telegram user who may not be a linked customer (yet)."""

    __tablename__ = "user_prefs"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LinkTokenRow(Base):
    """A one-time, expiring deep-link token the shop hands a customer to link Telegram."""

    __tablename__ = "link_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)


class RefundRow(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One refund per cancelled order, whoever cancels it and however often they press.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    expected_earliest: Mapped[date] = mapped_column(Date)
    expected_latest: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Which adapter moves the money: "balance" (our wallet, at once) or "manual" (staff in
    #: the payment provider's console, reported back by staff or a reconciliation file).
    gateway: Mapped[str] = mapped_column(String(16), server_default="manual")
    #: 1 for the first try, +1 each time staff re-initiate a failed refund.
    attempt: Mapped[int] = mapped_column(Integer, server_default="1")
    provider_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    succeeded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    #: The shopper's own answer to "has it arrived?" (never taken as proof of arrival).
    shopper_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    shopper_not_yet_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When "has it arrived?" was queued for the current attempt (asked once per attempt).
    arrival_asked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RefundEventRow(Base):
    """One change of a refund. The unique key makes each action count once, however
    often it is pressed, typed or imported."""

    __tablename__ = "refund_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(300))
    #: The provider's reference the action came with (kept after a re-initiation clears it).
    provider_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class CancelRequestRow(Base):
    """One request to the shop's order system to cancel an order, and its answer.

    The idempotency key goes with every try, so the shop cancels at most once however
    often a lost answer makes the bot ask again.
    """

    __tablename__ = "cancel_requests"
    __table_args__ = (Index("ix_cancel_requests_state_next", "state", "next_try_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    #: The status the bot saw when the request was made; the shop cancels only from it.
    expected_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))
    #: For an approved application: its ticket, and the staff member who approved it.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    reviewer_id: Mapped[int | None] = mapped_column(BigInteger)
    #: pending, accepted or refused.
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: A sender holds the request until then; another may take it only afterwards.
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: On refusal: the order's state in the shop.
    shop_status: Mapped[str | None] = mapped_column(String(20))
    refund_ref: Mapped[str | None] = mapped_column(String(64))
    #: When staff were told the shop does not answer (once per request).
    alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: "cancel", or "restore": undo a mistaken cancel, back to ``target_status``.
    kind: Mapped[str] = mapped_column(String(16), server_default="cancel")
    target_status: Mapped[str | None] = mapped_column(String(20))


class ShopEventRow(Base):
    """An event the shop's system sent, kept by its id with the answer it got, so a
    retried delivery gets the same answer and changes nothing twice."""

    __tablename__ = "shop_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answer: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WalletEntryRow(Base):
    """The shop balance ledger: a refund to balance is a credit row, and a restored order takes
    it back with a debit row. ``entry_key`` (what, which refund, which try) makes each count once.
    """

    __tablename__ = "wallet_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(60), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxRow(Base):
    """A message to send, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_chain_id", "chain", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: "staff" for the staff chat, else "customer"; the chat is resolved when sending.
    audience: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(300))
    #: Rows of one chain (a case's messages to one side) are sent in order, one at a time.
    chain: Mapped[str | None] = mapped_column(String(64))


class TicketRow(Base):
    """An apply-for-cancel ticket. ``open_order_id`` enforces one open ticket per order.

    It holds the order id while the ticket is open and NULL once it is closed;
    a unique constraint on it is the portable form of a partial unique index.
    """

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    open_order_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    reason_text: Mapped[str] = mapped_column(String(600))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Kept beside the JSON list so that adding a screenshot is one guarded update.
    evidence_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reject_reason: Mapped[str | None] = mapped_column(String(30))
    decision_note: Mapped[str | None] = mapped_column(String(600))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FsmStateRow(Base):
    """Where a conversation stands (an application's draft, a staff prompt), by chat and user.

    Kept in the shop's database so a restart or a deploy loses nothing the person typed
    or sent; a row is deleted once its conversation has neither a state nor data.
    """

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CaseRow(Base):
    """A conversation between a shopper and staff about an order (or about no order).

    ``open_key`` holds "customer:order" while the case is open and NULL once closed: its
    unique constraint keeps one open case per order and shopper, as tickets do.
    """

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_customer_order", "customer_id", "order_id"),
        # A topic id names a case only within its group: ids start again in a new group.
        UniqueConstraint("staff_chat_id", "thread_id", name="uq_cases_staff_chat_thread"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    topic: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The staff group's forum topic; NULL without topics (reply threading under the card).
    #: The staff group the case's topic and card are in (they mean nothing in another).
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    header_message_id: Mapped[int | None] = mapped_column(BigInteger)
    #: True from each (re)opening until the shopper's first message, which is acknowledged.
    awaiting_first: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The shopper was told staff answer from then: once per quiet stretch.
    quiet_told_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Closes and reopens so far; names each change's notices.
    changes: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CaseMessageRow(Base):
    """One message of a case, as written; its relay is an outbox row written with it.

    A message is known by its chat and id, so one Telegram hands out twice (around a
    restart) is recorded, and relayed, once.
    """

    __tablename__ = "case_messages"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", name="uq_case_messages_source"),
        Index("ix_case_messages_album", "case_id", "media_group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(4))
    author: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))
    file_id: Mapped[str | None] = mapped_column(String(200))
    caption: Mapped[str | None] = mapped_column(String(1100))
    text: Mapped[str | None] = mapped_column(String(4100))
    media_group_id: Mapped[str | None] = mapped_column(String(40))
    #: The album item whose relay carried this one (its own id when it led).
    sent_with: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CaseLinkRow(Base):
    """A message the bot sent for a case (a relayed message, its card): a reply to it is
    about that case. ``place`` is "staff" or the shopper's chat ("tg:<id>")."""

    __tablename__ = "case_links"

    place: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)


class SavedReplyRow(Base):
    """A text staff send with ``/reply NAME``, kept by ``/replies``."""

    __tablename__ = "saved_replies"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    text: Mapped[str] = mapped_column(String(3000))
    updated_by: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SurveyRow(Base):
    """The satisfaction question about one case, and the shopper's answer.

    ``case_key`` is unique: a case is asked about once, however often its end is written.
    """

    __tablename__ = "satisfaction_surveys"
    __table_args__ = (
        # "Asked about this order lately?" and the ratings of a period.
        Index("ix_satisfaction_surveys_customer_order", "customer_id", "order_id", "asked_at"),
        Index("ix_satisfaction_surveys_rated_at", "rated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_key: Mapped[str] = mapped_column(String(80), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    #: asked, suppressed, skipped, rated or done (domain.ports.SurveyStatus).
    status: Mapped[str] = mapped_column(String(16))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    comment: Mapped[str | None] = mapped_column(String(300))
    commented_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
