"""Order lines from the shop's own system, and who owns which field.

The shop owns payment, delivery, card-key activation and the cancels it makes
itself; the bot owns the cancels it recorded and what they returned (the refund,
the coupon). A line from the shop (an export file today, its HTTP events
tomorrow) is therefore merged with what the bot recorded, never laid over it:

- a status never moves backwards and a cancelled order is never revived
  (``import_may_set``: the line is refused);
- an order already cancelled keeps its cancel time and its coupon as recorded;
- a card key once found activated stays activated;
- a live order the shop cancelled on its own is cancelled here the way every
  cancel is (``write_cancel``: refund record, coupon, audit), with a push to the
  shopper, instead of being overwritten to "cancelled" with nothing behind it;
- a line that cancels an order no later than a restore undid its cancel here is
  that cancel's late echo, not a new one: the order stays restored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.notifications import Kind, OrderCancelled
from domain.orders import (
    Coupon,
    Order,
    OrderDataError,
    OrderStatus,
    check_order,
    check_status_change,
)
from domain.policy import CouponOutcome, ShopRules, coupon_outcome, refund_plan
from domain.ports import Notification, UnitOfWork
from domain.services import OrderRecord
from domain.shopper import write_cancel

#: Who the audit log names for what the shop's own system did.
SHOP_ACTOR = "shop"


@dataclass(frozen=True, slots=True)
class ShopCancel:
    """A live order the shop cancelled: cancelled here once its line is written."""

    #: By number, as the order may be new in the same batch.
    order_no: str
    #: When the shop says it cancelled; ``None`` when the line did not say.
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Incoming:
    #: The line as it may be written: the bot's fields kept, a shop cancel held back.
    record: OrderRecord
    shop_cancel: ShopCancel | None = None


def take_line(existing: Order | None, record: OrderRecord) -> Incoming:
    """What of ``record`` may be written over ``existing``; raises ``OrderDataError``
    (``status-backwards``) for a line that would move the order back or revive it."""
    line = record.order
    check_status_change(line.order_no, existing.status if existing else None, line.status)
    if existing is None:
        return Incoming(record)
    order, coupon = line, record.coupon
    if existing.status is OrderStatus.CANCELLED:
        order = replace(order, cancelled_at=existing.cancelled_at)
        coupon = _kept_status(coupon, existing)
    if existing.card_key_activated and not order.card_key_activated:
        order = replace(order, card_key_activated=True)
    shop_cancel = None
    if order.status is OrderStatus.CANCELLED and existing.status is not OrderStatus.CANCELLED:
        if not _undone_here(existing, order):
            # Written as it stands here; the cancel itself follows as one guarded transition.
            shop_cancel = ShopCancel(order.order_no, order.cancelled_at)
        else:
            # The restore spent the coupon on the order again: the stale line's "available"
            # would hand it back while the restored order keeps its discount.
            coupon = _kept_status(coupon, existing)
        order = replace(order, status=existing.status, cancelled_at=existing.cancelled_at)
    return Incoming(replace(record, order=order, coupon=coupon), shop_cancel)


def _kept_status(coupon: Coupon | None, existing: Order) -> Coupon | None:
    """The line's coupon with the status the bot gave it (the bot's cancels and restores
    are newer than the shop's export)."""
    kept = existing.coupon
    if coupon is not None and kept is not None and coupon.code == kept.code:
        return replace(coupon, status=kept.status)
    return coupon


def _undone_here(existing: Order, line: Order) -> bool:
    """The line's cancel is one a restore undid here (it happened before the restore)."""
    restored, cancelled = existing.restored_at, line.cancelled_at
    return restored is not None and cancelled is not None and cancelled <= restored


@dataclass(slots=True)
class Sorted:
    """A batch of lines, sorted before anything is written."""

    kept: list[OrderRecord] = field(default_factory=list)
    refused: list[tuple[int, OrderDataError]] = field(default_factory=list)
    cancels: list[ShopCancel] = field(default_factory=list)


def sort_lines(current: dict[str, Order], lines: Sequence[tuple[int, OrderRecord]]) -> Sorted:
    """Judge each numbered line against the order as the lines before it leave it, as
    saving them one by one in file order would; ``current`` is what the database holds."""
    out = Sorted()
    seen = dict(current)
    cancelling: set[str] = set()
    for number, record in lines:
        no = record.order.order_no
        try:
            if no in cancelling:  # the shop cancelled it earlier in this batch: it stays so
                check_status_change(no, OrderStatus.CANCELLED, record.order.status)
            incoming = take_line(seen.get(no), record)
        except OrderDataError as error:
            out.refused.append((number, error))
            continue
        if incoming.shop_cancel is not None:
            if no not in cancelling:
                out.cancels.append(incoming.shop_cancel)
                cancelling.add(no)
        else:
            seen[no] = _as_written(seen.get(no), incoming.record)
        out.kept.append(incoming.record)
    return out


def _as_written(before: Order | None, record: OrderRecord) -> Order:
    return replace(record.order, id=before.id if before else 0, coupon=record.coupon)


async def settle_shop_cancels(
    uow: UnitOfWork, cancels: Sequence[ShopCancel], rules: ShopRules, now: datetime
) -> int:
    """Cancel each order the shop cancelled, as any cancel is; the caller commits.

    Returns how many were cancelled now (one already cancelled meanwhile is left).
    """
    done = 0
    for cancel in cancels:
        order = await uow.orders.by_number(cancel.order_no)
        if order is None or order.status is OrderStatus.CANCELLED:
            continue
        if order.cancelling_since is not None:
            # The bot's own request is with the shop: its answer (asked again until it
            # comes) writes this cancel, with the shop's refund reference if it has one.
            continue
        written = await write_cancel(
            uow,
            order,
            plan=refund_plan(order, now, rules.calendar, rules.tz),
            coupon=coupon_outcome(order.coupon, now),
            actor=SHOP_ACTOR,
            now=now,
            cancelled_at=cancel.at,
        )
        if written.changed:
            done += 1
            await uow.outbox.add(_cancelled_notice(order, written.coupon, now), now)
    return done


def _cancelled_notice(order: Order, coupon: CouponOutcome, now: datetime) -> Notification:
    return Notification(
        Kind.CUSTOMER_ORDER_CANCELLED,
        "customer",
        f"order-cancelled:{order.id}",
        now,
        customer_id=order.customer_id,
        payload=OrderCancelled(order.id, order.order_no, coupon),
    )


async def save_order(
    uow: UnitOfWork, record: OrderRecord, now: datetime, *, rules: ShopRules | None = None
) -> bool:
    """Insert or update one order by its number (imports, demo data). True when it was new.

    Refuses (``OrderDataError``, before writing anything) facts that contradict
    each other and a status the order may not take any more: an order cancelled
    in the bot stays cancelled, and no order moves backwards (``import_may_set``).
    What the bot recorded is kept (``domain.incoming.take_line``); a live order the
    line cancels is cancelled as the shop's own cancel, which needs the shop's
    ``rules`` for its refund dates. The caller commits, so a batch of rows can share
    one transaction.
    """
    check_order(record.order, record.coupon)
    existing = await uow.orders.by_numbers([record.order.order_no])
    incoming = take_line(existing.get(record.order.order_no), record)
    if incoming.shop_cancel is not None and rules is None:
        raise ValueError(f"{record.order.order_no}: a shop cancel needs the shop's rules")
    customer = await uow.customers.upsert(incoming.record.customer, now)
    order = replace(incoming.record.order, customer_id=customer.id)
    created = await uow.orders.upsert(order, record.product, incoming.record.coupon, now)
    if incoming.shop_cancel is not None and rules is not None:
        await settle_shop_cancels(uow, [incoming.shop_cancel], rules, now)
    return created
