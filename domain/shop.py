"""The shop's order system, as the bot sees it: the port a cancel must pass through.

The shop's own system is the record of payment and delivery. A 卡盟 shop delivers
card keys and top-ups by itself seconds after payment, so a cancel the bot records
without the shop's word could leave an order both delivered and refunded. Every
cancel therefore asks the shop first and counts only once the shop accepts.

Two adapters answer this port: the embedded one, where the bot's own database is
the order system (the demo, and shops that keep their orders in the bot through
imports), and an HTTP one that speaks the JSON contract in docs/shop-api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.orders import Order, OrderStatus
from domain.ports import Clock


@dataclass(frozen=True, slots=True)
class CancelAccepted:
    """The shop cancelled the order (or had already, for this same key)."""

    cancelled_at: datetime
    #: The shop's own refund reference, when the shop refunds the payment itself.
    refund_ref: str | None = None


@dataclass(frozen=True, slots=True)
class CancelRefused:
    """The shop would not cancel: the order is no longer what the bot thought."""

    #: The order's state in the shop now, e.g. ``delivered`` when it went out meanwhile.
    status: OrderStatus
    #: The shop's own words, for the audit log and staff; never shown to shoppers as is.
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ShopUnavailable:
    """No answer that counts: timeouts, 5xx, a bad signature or an unreadable reply,
    after the adapter's retries. The cancel stays pending; asking again is safe because
    the request carries the same idempotency key."""

    why: str


CancelReply = CancelAccepted | CancelRefused | ShopUnavailable


@dataclass(frozen=True, slots=True)
class RestoreAccepted:
    """The shop undid its cancel: the order is live again there (or was, for this key)."""

    restored_at: datetime


#: A refusal is a ``CancelRefused`` too: the order's state in the shop, and why.
RestoreReply = RestoreAccepted | CancelRefused | ShopUnavailable


class ShopSystem(Protocol):
    async def request_cancel(
        self, order: Order, expected_status: OrderStatus, idempotency_key: str
    ) -> CancelReply:
        """Ask the shop to cancel ``order`` if it is still ``expected_status`` there.

        The same ``idempotency_key`` must never cancel twice, however often it is sent.
        """
        ...

    async def request_restore(
        self, order: Order, restore_to: OrderStatus, idempotency_key: str
    ) -> RestoreReply:
        """Ask the shop to undo its cancel of ``order``, back to ``restore_to``.

        The same ``idempotency_key`` must get the same answer however often it is sent.
        """
        ...


def cancel_key(order_id: int, requested_at: datetime) -> str:
    """The idempotency key of one cancel request: stable for its retries, new for a
    later request of the same order (after a refusal the order may be cancelled anew)."""
    return f"cancel-{order_id}-{int(requested_at.timestamp() * 1000)}"


def restore_key(order_id: int, requested_at: datetime) -> str:
    """The idempotency key of one restore request, as ``cancel_key`` is of a cancel."""
    return f"restore-{order_id}-{int(requested_at.timestamp() * 1000)}"


class EmbeddedShop:
    """The bot's own database is the order system: nothing outside can have moved the
    order, so the guarded transition that follows is the whole of the shop's check."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def request_cancel(
        self, order: Order, expected_status: OrderStatus, idempotency_key: str
    ) -> CancelReply:
        if order.status is not expected_status:
            return CancelRefused(order.status, "the order moved on")
        return CancelAccepted(cancelled_at=self.clock.now())

    async def request_restore(
        self, order: Order, restore_to: OrderStatus, idempotency_key: str
    ) -> RestoreReply:
        if order.status is not OrderStatus.CANCELLED:
            return CancelRefused(order.status, "the order is not cancelled")
        return RestoreAccepted(restored_at=self.clock.now())
