"""The shopper's side of restoring a mistaken cancel: the confirmation, then the restore.

The confirmation says what restoring does (the order's status back, the refund withdrawn
or the balance credit taken back, the coupon spent again, or what becomes of a coupon
that cannot be); the press re-reads all of it, and acts only on what was shown. With
the shop's own order system connected the press asks the shop (``shop_cancels``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.policy import ShopRules
from domain.ports import UnitOfWork
from domain.restore import CouponBack, Lost, RestorePlan, write_restore
from domain.shop_cancels import open_restore_request
from domain.shopper import OrderCard, order_card, refuse_press


class RestoreOutcome(StrEnum):
    CONFIRM = "confirm"  # restorable: the plan to confirm
    RESTORED = "restored"
    REQUESTED = "requested"  # with the shop's order system: its answer decides
    BLOCKED = "blocked"  # not the shopper's to restore alone: the plan says why
    CHANGED = "changed"  # the coupon's fate changed since the confirmation: confirm again
    ALREADY = "already"  # not cancelled (any more): restored already, by another press
    NOT_FOUND = "not_found"  # not this shopper's order


@dataclass(frozen=True, slots=True)
class RestoreResult:
    outcome: RestoreOutcome
    card: OrderCard | None = None
    request_id: int | None = None
    #: The guarded write that lost to someone else a moment before (e.g. the refund went out).
    lost: Lost | None = None
    #: Already restored by a press on this very message (a double tap).
    here: bool = False
    #: What the restore did (for RESTORED and REQUESTED): the card shows the order after it.
    plan: RestorePlan | None = None


async def ask_restore(
    uow: UnitOfWork, *, customer_id: int, order_id: int, rules: ShopRules, now: datetime
) -> RestoreResult:
    """The confirmation of a restore, or why the order cannot be restored now."""
    async with uow:
        card = await _own_card(uow, customer_id, order_id, rules, now)
        if card is None:
            return RestoreResult(RestoreOutcome.NOT_FOUND)
        return RestoreResult(_standing(card), card)


async def restore_order(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int,
    shown: CouponBack | None,
    actor: str,
    rules: ShopRules,
    now: datetime,
    with_shop: bool = False,
    via: str | None = None,
) -> RestoreResult:
    """Restore the shopper's order as the confirmation said, in one unit of work.

    ``shown``: what the confirmation said of the coupon; if that changed meanwhile the
    shopper confirms again. ``with_shop``: phase one of a restore the shop decides.
    """
    async with uow:
        card = await _own_card(uow, customer_id, order_id, rules, now)
        if card is None:
            return RestoreResult(RestoreOutcome.NOT_FOUND)
        plan = card.restore
        standing = _standing(card)
        if plan is None or standing is not RestoreOutcome.CONFIRM:
            here = standing is RestoreOutcome.ALREADY and await _restored_here(uow, card, via)
            return RestoreResult(standing, card, here=here)
        if shown is not None and plan.coupon is not shown:
            return RestoreResult(RestoreOutcome.CHANGED, card)
        request_id = None
        if with_shop:
            asked = await open_restore_request(uow, plan, actor=actor, now=now)
            lost, request_id = asked.lost, asked.request_id
        else:
            lost = (await write_restore(uow, plan, actor=actor, now=now, via=via)).lost
        if lost is not None:
            # Someone moved first (staff pushed the refund out, the coupon was spent, another
            # press restored it): nothing was written; the shopper sees the order as it is.
            await uow.rollback()
            again = await _own_card(uow, customer_id, order_id, rules, now)
            assert again is not None  # it was theirs a moment ago; orders are kept
            outcome = _standing(again)
            if outcome is RestoreOutcome.CONFIRM:
                outcome = RestoreOutcome.CHANGED
            return RestoreResult(outcome, again, lost=lost)
        await uow.commit()
        after = await _own_card(uow, customer_id, order_id, rules, now)
    done = RestoreOutcome.REQUESTED if with_shop else RestoreOutcome.RESTORED
    return RestoreResult(done, after, request_id, plan=plan)


def _standing(card: OrderCard) -> RestoreOutcome:
    plan = card.restore
    if plan is None:
        return RestoreOutcome.ALREADY
    return RestoreOutcome.CONFIRM if plan.can_restore else RestoreOutcome.BLOCKED


async def _own_card(
    uow: UnitOfWork, customer_id: int, order_id: int, rules: ShopRules, now: datetime
) -> OrderCard | None:
    order = await uow.orders.for_customer(customer_id, order_id)
    if order is None:
        await refuse_press(
            uow, "restore_not_owned", now, who=f"customer:{customer_id}", budget=rules.refusals
        )
        return None
    return await order_card(uow, order, rules, now)


async def _restored_here(uow: UnitOfWork, card: OrderCard, via: str | None) -> bool:
    if via is None:
        return False
    return any(
        entry.action == "order.restored" and entry.detail.get("via") == via
        for entry in await uow.audit.for_order(card.order.id)
    )
