"""Coupons given back by staff by hand, for a dispute (the article's FAQ 4).

A cancel gives a coupon back by its own rule (``domain.policy.coupon_outcome``). When the
shopper disputes that (the rule was not what they were told, the shop made a mistake),
staff give it back by hand: ``/coupon ORDER_NO return`` in the staff group, a button on a
ticket's card, or approving the shopper's "coupon not returned" request. Only a spent
coupon of a cancelled order comes back (a live order still has it in use: returning it
would grant its discount twice); each return is audited and the shopper is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.notifications import CouponReturned, Kind
from domain.orders import CouponStatus, Order, OrderStatus
from domain.ports import AuditEntry, Notification, UnitOfWork
from domain.restore import CancelFacts
from domain.shopper import shopper, typed_text

MAX_ORDER_NO = 64


class CouponReturn(StrEnum):
    RETURNED = "returned"
    NOT_SPENT = "not_spent"  # back already (by the cancel, or by another staff member)
    NOT_CANCELLED = "not_cancelled"  # still in use on a live order
    NO_COUPON = "no_coupon"
    NOT_FOUND = "not_found"
    NOT_STAFF = "not_staff"


@dataclass(frozen=True, slots=True)
class CouponResult:
    outcome: CouponReturn
    order: Order | None = None


def refusal(order: Order) -> CouponReturn | None:
    """Why the order's coupon cannot be given back by hand, if it cannot."""
    coupon = order.coupon
    if coupon is None or coupon.id is None:
        return CouponReturn.NO_COUPON
    if order.status is not OrderStatus.CANCELLED:
        return CouponReturn.NOT_CANCELLED
    if coupon.status is not CouponStatus.USED:
        return CouponReturn.NOT_SPENT
    return None


def returnable_by_staff(order: Order) -> bool:
    return refusal(order) is None


async def write_coupon_return(
    uow: UnitOfWork, order: Order, *, actor: str, now: datetime, ticket_id: int | None = None
) -> CouponReturn:
    """The guarded return, its audit row and the shopper's news, in the caller's transaction."""
    refused = refusal(order)
    if refused is not None:
        return refused
    if order.restoring_since is not None or not await uow.orders.hold_cancelled(order.id, now):
        # Restored meanwhile, or the shop is deciding a restore that took the coupon back
        # onto the order. Holding the order's row first is what makes a restore racing this
        # return either finish before it (refused here) or see the coupon returned (and
        # ask its shopper again): never a live order with its coupon handed back.
        return CouponReturn.NOT_CANCELLED
    facts = CancelFacts.from_audit(await uow.audit.for_order(order.id))
    if facts is not None and facts.coupon_returned:
        # It came back with the cancel (or from staff) and is spent again on another
        # order now: returning it would grant that discount twice.
        return CouponReturn.NOT_SPENT
    coupon = order.coupon
    assert coupon is not None and coupon.id is not None  # refusal() checked both
    if not await uow.orders.return_coupon(coupon.id):
        return CouponReturn.NOT_SPENT  # another staff member was a moment faster
    uow.audit.add(
        AuditEntry(
            "coupon.returned_by_staff",
            actor,
            now,
            order_id=order.id,
            detail={"coupon": coupon.code, "ticket": ticket_id},
        )
    )
    news = CouponReturned(order.id, order.order_no, coupon.title, coupon.expires_at)
    await uow.outbox.add(
        Notification(
            Kind.CUSTOMER_COUPON_RETURNED,
            "customer",
            f"coupon-returned:{order.id}:{coupon.id}:{now.isoformat()}",
            now,
            customer_id=order.customer_id,
            payload=news,
        ),
        now,
    )
    return CouponReturn.RETURNED


async def staff_return_coupon(
    uow: UnitOfWork,
    *,
    reviewer_id: int,
    is_staff: bool,
    now: datetime,
    order_no: str | None = None,
    order_id: int | None = None,
) -> CouponResult:
    """Staff give back the coupon of a cancelled order, by its number (``/coupon``) or its
    id (a card's button); anyone else is refused and audited."""
    async with uow:
        if not is_staff:
            uow.audit.add(
                AuditEntry(
                    "coupon.return_refused",
                    shopper(reviewer_id),
                    now,
                    detail={"order": (order_no or str(order_id))[:MAX_ORDER_NO]},
                )
            )
            await uow.commit()
            return CouponResult(CouponReturn.NOT_STAFF)
        order = await _find(uow, order_no, order_id)
        if order is None:
            return CouponResult(CouponReturn.NOT_FOUND)
        outcome = await write_coupon_return(uow, order, actor=f"staff:{reviewer_id}", now=now)
        if outcome is CouponReturn.RETURNED:
            await uow.commit()
            order = await uow.orders.get(order.id) or order
        return CouponResult(outcome, order)


async def _find(uow: UnitOfWork, order_no: str | None, order_id: int | None) -> Order | None:
    if order_id is not None:
        return await uow.orders.get(order_id)
    number = typed_text(order_no or "")
    if not number or len(number) > MAX_ORDER_NO:
        return None
    return await uow.orders.by_number(number) or await uow.orders.by_number(number.upper())
