"""A conversation between a shopper and staff about an order: the case and its messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseTopic(StrEnum):
    """Where the shopper came from: the label staff see on the topic and its card."""

    RETURN = "return"  # a parcel on its way or received: return and refund
    NEGOTIATE = "negotiate"  # delivered virtual goods: a solution to agree with staff
    EXCHANGE = "exchange"  # an activated card key: an exchange
    AFTER_SALES = "after_sales"  # a completed order
    REFUND = "refund"  # a refund that failed
    LATE = "late"  # an application past its review deadline
    GENERAL = "general"  # "contact staff" from the menu or /contact


class Direction(StrEnum):
    IN = "in"  # the shopper wrote, for staff
    OUT = "out"  # staff wrote, for the shopper


class MessageKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    DOCUMENT = "document"
    SAVED = "saved"  # a saved reply sent with /reply NAME: the text is the bot's own


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message as the handler read it: where it is, and what its relay needs.

    ``chat_id``/``message_id`` name the message itself, so a message Telegram hands out
    twice is recorded once. Photos and documents keep their file id and caption, so an
    album can be sent on as one (``sendMediaGroup``); a saved reply carries its ``text``.
    """

    chat_id: int
    message_id: int
    kind: MessageKind
    file_id: str | None = None
    caption: str | None = None
    media_group_id: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    customer_id: int
    order_id: int | None
    order_no: str | None
    topic: CaseTopic
    status: CaseStatus
    opened_at: datetime
    closed_at: datetime | None = None
    #: The staff group's forum topic of this case (None: reply threading under its card).
    thread_id: int | None = None
    #: The staff group its topic and card are in; in any other group it has neither yet.
    staff_chat_id: int | None = None
    #: The case's header card in the staff group, once posted.
    header_message_id: int | None = None
    #: Each close and reopen counts one: names the notices of each change.
    changes: int = 0


@dataclass(frozen=True, slots=True)
class CaseMessage:
    id: int
    case_id: int
    direction: Direction
    #: The Telegram id of whoever wrote it.
    author: int
    chat_id: int
    message_id: int
    kind: MessageKind
    created_at: datetime
    file_id: str | None = None
    caption: str | None = None
    media_group_id: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SavedReply:
    name: str
    text: str
    updated_by: int
    updated_at: datetime
