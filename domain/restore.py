"""Undoing a mistaken cancel (the article's FAQ 3: restoring an order cancelled by mistake).

The article: some shops offer 恢复订单; otherwise staff restore it by hand, "only for
orders not delivered whose money has not been moved again". Here:

* the shopper restores alone when they cancelled it themselves (not staff, not the
  shop's own system), within ``ShopRules.restore_window`` of the cancel, nothing was
  delivered, and its refund has not gone out: a manual refund still requested and never
  pushed, or a balance credit, which the same transaction takes back with a debit row;
* otherwise the card says why, and the shopper may ask staff (a ``restore`` ticket);
  staff restore what is still restorable whoever cancelled it and however long ago.

Restoring is one unit of work: the refund voided (first, since it is what a staff
member's "submitted" races for), the order moved back (``cancelled -> <status before>``),
the coupon the cancel gave back spent on the order again, and the audit row. Every step
is a guarded statement; if any loses, nothing is written and the plan is read again.

The coupon rule, so that no discount is ever granted twice:

* a coupon the cancel did not give back stays on the order as it is;
* one given back and not spent since goes back on the order (an expired one too: it
  could not be spent again anyway, so the shopper loses nothing by it);
* one given back and spent on another order since cannot be on two orders: the shopper
  may not restore alone (the order would keep a discount counted elsewhere); staff may,
  knowingly, and the audit row says the coupon stayed on the other order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.orders import (
    CouponStatus,
    Gateway,
    Order,
    OrderStatus,
    Refund,
    RefundAction,
    RefundStatus,
)
from domain.policy import ShopRules, refund_plan
from domain.ports import AuditEntry, RefundEvent, UnitOfWork
from domain.refunds import GATEWAYS, reopen_refund, void_refund, withdrawable

#: The audit actor of a shopper's own action starts so (``domain.shopper.shopper``).
SHOPPER_PREFIX = "tg:"
#: What a refund that went out has been through since the cancel.
_WENT_OUT = frozenset(
    {RefundAction.SUBMIT, RefundAction.SUCCEED, RefundAction.FAIL, RefundAction.REINITIATE}
)


class RestoreBlock(StrEnum):
    """Why the shopper cannot restore the order alone (the card's one line)."""

    NOT_CANCELLED = "not_cancelled"
    AWAITING_SHOP = "awaiting_shop"  # a restore is with the shop's order system already
    NOT_BY_SHOPPER = "not_by_shopper"  # staff or the shop's own system cancelled it
    DELIVERED = "delivered"
    REFUND_SENT = "refund_sent"  # the money is on its way by a route we do not control
    WINDOW_PASSED = "window_passed"
    COUPON_USED = "coupon_used"  # the coupon given back was spent on another order since


#: What staff cannot do in the bot either (the rest they may decide).
STAFF_BLOCKS = frozenset(
    {
        RestoreBlock.NOT_CANCELLED,
        RestoreBlock.AWAITING_SHOP,
        RestoreBlock.DELIVERED,
        RestoreBlock.REFUND_SENT,
    }
)


class CouponBack(StrEnum):
    """What a restore does with the order's coupon."""

    NONE = "none"  # no coupon, or the cancel kept it spent: nothing changes
    TAKEN = "taken"  # given back by the cancel: spent on this order again
    EXPIRED = "expired"  # given back, expired since: back on this order, nothing lost
    USED_ELSEWHERE = "used_elsewhere"  # given back and spent on another order since


@dataclass(frozen=True, slots=True)
class CancelFacts:
    """What the order's latest cancel did, as its audit rows say."""

    actor: str
    before: OrderStatus
    at: datetime
    #: The coupon came back to the shopper: by the cancel, or by staff afterwards.
    coupon_returned: bool

    @property
    def by_shopper(self) -> bool:
        return self.actor.startswith(SHOPPER_PREFIX)

    @classmethod
    def from_audit(cls, entries: Sequence[AuditEntry]) -> CancelFacts | None:
        cancels = [e for e in entries if e.action == "order.cancelled"]
        if not cancels:
            return None
        last = max(cancels, key=lambda e: e.at)
        try:
            before = OrderStatus(str(last.detail.get("from")))
        except ValueError:
            return None
        returned = last.detail.get("coupon") == "returned" or any(
            e.action == "coupon.returned_by_staff" and e.at >= last.at for e in entries
        )
        return cls(last.actor, before, last.at, returned)


@dataclass(frozen=True, slots=True)
class RestorePlan:
    """What restoring the order would do now, or why it cannot be done."""

    order: Order
    refund: Refund | None
    #: The status the order goes back to.
    back_to: OrderStatus
    coupon: CouponBack
    block: RestoreBlock | None
    #: Until when the shopper may restore alone (None: not theirs to restore).
    until: datetime | None = None
    #: The shop's window for restoring alone (``ShopRules.restore_window``).
    window: timedelta = timedelta(0)

    @property
    def can_restore(self) -> bool:
        return self.block is None

    @property
    def may_ask_staff(self) -> bool:
        """The shopper may ask staff to restore it instead (a restore ticket)."""
        return self.block is not None and self.block not in (
            RestoreBlock.NOT_CANCELLED,
            RestoreBlock.AWAITING_SHOP,
        )

    @property
    def refund_back_fen(self) -> int:
        return self.refund.amount_fen if self.refund is not None else 0


def coupon_back(order: Order, facts: CancelFacts | None, now: datetime) -> CouponBack:
    coupon = order.coupon
    if coupon is None or facts is None or not facts.coupon_returned:
        return CouponBack.NONE
    if coupon.status is CouponStatus.USED:
        return CouponBack.USED_ELSEWHERE
    if coupon.status is CouponStatus.EXPIRED or coupon.expired(now):
        return CouponBack.EXPIRED
    return CouponBack.TAKEN


def went_out(refund: Refund, events: Sequence[RefundEvent], since: datetime | None) -> bool:
    """Whether the refund has left the shop's hands (or tried to) since the cancel."""
    if not withdrawable(refund):
        return True
    if refund.gateway is Gateway.BALANCE:
        return False  # the wallet's credit is ours to take back
    return any(e.action in _WENT_OUT and (since is None or e.at >= since) for e in events)


def plan_restore(
    order: Order,
    facts: CancelFacts | None,
    refund: Refund | None,
    events: Sequence[RefundEvent],
    *,
    now: datetime,
    rules: ShopRules,
    by_staff: bool = False,
) -> RestorePlan:
    """Whether the order can be restored now, to what, and what becomes of its coupon.

    ``by_staff``: staff decide a restore ticket; the window, who cancelled it and a coupon
    spent elsewhere are theirs to weigh, the money and the goods are not.
    """
    back_to = _before(order, facts)
    coupon = coupon_back(order, facts, now)
    until = facts.at + rules.restore_window if facts is not None and facts.by_shopper else None
    blocks = _blocks(order, facts, refund, events, now=now, until=until, coupon=coupon)
    if by_staff:
        blocks = [b for b in blocks if b in STAFF_BLOCKS]
    block = blocks[0] if blocks else None
    return RestorePlan(order, refund, back_to, coupon, block, until, rules.restore_window)


def _before(order: Order, facts: CancelFacts | None) -> OrderStatus:
    if facts is not None:
        return facts.before
    # Cancelled before the bot knew it (an import): paid orders go back to paid.
    return OrderStatus.PAID if order.paid_at is not None else OrderStatus.PENDING_PAYMENT


def _blocks(
    order: Order,
    facts: CancelFacts | None,
    refund: Refund | None,
    events: Sequence[RefundEvent],
    *,
    now: datetime,
    until: datetime | None,
    coupon: CouponBack,
) -> list[RestoreBlock]:
    """Every reason against restoring, the one the shopper most needs to hear first."""
    if order.status is not OrderStatus.CANCELLED:
        return [RestoreBlock.NOT_CANCELLED]
    if order.restoring_since is not None:
        return [RestoreBlock.AWAITING_SHOP]
    # What nobody can undo in the bot comes first: then asking staff is not a formality.
    found: list[RestoreBlock] = []
    if order.delivered_at is not None:
        found.append(RestoreBlock.DELIVERED)
    if refund is not None and went_out(refund, events, facts.at if facts else None):
        found.append(RestoreBlock.REFUND_SENT)
    if facts is None or not facts.by_shopper:
        found.append(RestoreBlock.NOT_BY_SHOPPER)
    if until is not None and now > until:
        found.append(RestoreBlock.WINDOW_PASSED)
    if coupon is CouponBack.USED_ELSEWHERE:
        found.append(RestoreBlock.COUPON_USED)
    return found


async def restore_plan(
    uow: UnitOfWork, order: Order, rules: ShopRules, now: datetime, *, by_staff: bool = False
) -> RestorePlan | None:
    """The plan for a cancelled order, read inside the caller's unit of work; None otherwise."""
    if order.status is not OrderStatus.CANCELLED:
        return None
    facts = CancelFacts.from_audit(await uow.audit.for_order(order.id))
    refund = await uow.refunds.for_order(order.id)
    events = await uow.refunds.events(refund.id) if refund is not None else []
    return plan_restore(order, facts, refund, events, now=now, rules=rules, by_staff=by_staff)


# --------------------------------------------------------------------------- the writes


class Lost(StrEnum):
    """Which guarded write of a restore lost, so nothing was written."""

    REFUND = "refund"  # the refund moved first (staff pushed it out)
    ORDER = "order"  # the order moved first (restored already, by another press)
    COUPON = "coupon"  # the coupon was spent elsewhere meanwhile


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """What a restore took back before the order moves: the refund, the coupon."""

    lost: Lost | None = None
    refund: Refund | None = None


async def withdraw(uow: UnitOfWork, plan: RestorePlan, *, actor: str, now: datetime) -> Withdrawn:
    """The money and the coupon back, in the caller's transaction; the refund goes first.

    A refund voided here is written with its staff card's update (the card stops offering
    "submitted"). A lost guard leaves the caller to roll back.
    """
    voided = None
    if plan.refund is not None:
        voided = await void_refund(uow, plan.refund, actor=actor, now=now)
        if voided is None:
            return Withdrawn(Lost.REFUND)
    if plan.coupon in (CouponBack.TAKEN, CouponBack.EXPIRED) and not await _spend_again(
        uow, plan.order
    ):
        return Withdrawn(Lost.COUPON)
    return Withdrawn(refund=voided)


async def _spend_again(uow: UnitOfWork, order: Order) -> bool:
    coupon = order.coupon
    return coupon is None or coupon.id is None or await uow.orders.take_coupon(coupon.id)


def restored_entry(plan: RestorePlan, *, actor: str, now: datetime, **extra: object) -> AuditEntry:
    return AuditEntry(
        "order.restored",
        actor,
        now,
        order_id=plan.order.id,
        detail={
            "to": plan.back_to.value,
            "refund_fen": plan.refund_back_fen,
            "refund": plan.refund.id if plan.refund else None,
            "coupon": plan.coupon.value,
            **extra,
        },
    )


async def give_back(
    uow: UnitOfWork,
    order: Order,
    *,
    coupon_taken: bool,
    actor: str,
    rules: ShopRules,
    now: datetime,
) -> Refund | None:
    """Undo ``withdraw`` for a restore that did not happen (the shop said no), in the
    caller's transaction: the refund owed again as its next try and started by its gateway
    (staff get a new card, a balance is credited again), the coupon given back again."""
    refund = await uow.refunds.for_order(order.id)
    if refund is not None and refund.status is RefundStatus.VOIDED:
        plan = refund_plan(order, now, rules.calendar, rules.tz)
        reopened = await reopen_refund(uow, refund, plan, actor=actor, now=now) if plan else None
        if reopened is not None:
            refund = await GATEWAYS[reopened.gateway].start(uow, reopened, actor=actor, now=now)
    coupon = order.coupon
    if coupon_taken and coupon is not None and coupon.id is not None:
        await uow.orders.return_coupon(coupon.id)
    return refund


async def write_restore(
    uow: UnitOfWork, plan: RestorePlan, *, actor: str, now: datetime, **extra: object
) -> Withdrawn:
    """Every write of a restore the bot decides alone; the caller commits, or rolls back
    when a guard lost (``lost`` says which)."""
    done = await withdraw(uow, plan, actor=actor, now=now)
    if done.lost is not None:
        return done
    if not await uow.orders.restore(plan.order.id, to=plan.back_to, at=now):
        return Withdrawn(Lost.ORDER)
    if not await coupon_stays(uow, plan):
        return Withdrawn(Lost.COUPON)
    uow.audit.add(restored_entry(plan, actor=actor, now=now, **extra))
    return done


async def coupon_stays(uow: UnitOfWork, plan: RestorePlan) -> bool:
    """After the order's own guarded write: a coupon the cancel kept spent is still spent.

    Staff may have given it back by hand (``domain.coupons``) after the plan was read.
    Both sides write the order's row first, so by now that return is either written and
    seen here (the restore loses; the shopper is asked again) or waits and is refused."""
    coupon = plan.order.coupon
    if plan.coupon is not CouponBack.NONE or coupon is None or coupon.id is None:
        return True
    return await uow.orders.keep_coupon(coupon.id)
