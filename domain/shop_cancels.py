"""Cancels, and restores of a mistaken cancel, the shop's own order system must confirm
(SHOP_MODE=http): two phases.

1. ``request_cancel``: one guarded write marks the order as cancelling (only from
   the status the shopper saw, only once) and records the request with its
   idempotency key, in one transaction with its audit row. Nothing is refunded.
2. ``settle_cancel``: the request goes to the shop outside any transaction; its
   answer is written in one transaction: accepted, the cancel exactly as a direct
   cancel writes it (refund record, coupon, audit); refused, the mark is lifted
   and the order takes the shop's state; no answer, a later try with the same key.

So the bot never records a refund the shop has not agreed to, and however often a
lost answer makes it ask again, the shop cancels at most once.

A restore goes the same way, the other way round: phase one withdraws the refund and
takes the coupon back (so nobody can push the money out while the shop decides) and
marks the order as restoring; the shop's yes moves the order back to its status before
the cancel, its no owes the refund again (the next try) and gives the coupon back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from domain.notifications import (
    CancelDelayed,
    CancelSettled,
    Kind,
    RestoreSettled,
    ShopRefusedApproval,
    ShopSilent,
)
from domain.orders import Order, OrderStatus, RefundAction, RefundStatus, import_may_set
from domain.policy import CouponOutcome, ShopRules, coupon_outcome, refund_plan
from domain.ports import (
    AuditEntry,
    CancelRequest,
    CancelState,
    Clock,
    Notification,
    RequestKind,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.refunds import change_refund_in
from domain.restore import (
    CouponBack,
    Lost,
    RestorePlan,
    coupon_stays,
    give_back,
    restore_plan,
    withdraw,
)
from domain.review import approve_cancelled, approved_path, staff
from domain.shop import (
    CancelAccepted,
    CancelRefused,
    CancelReply,
    RestoreAccepted,
    RestoreReply,
    ShopSystem,
    ShopUnavailable,
    cancel_key,
    restore_key,
)
from domain.shopper import OrderCard, order_card, refuse_press, write_cancel

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long one try may hold a request before another sender may take it.
LEASE = timedelta(minutes=2)
#: Waits before the next try after no answer, by attempt; the last repeats.
BACKOFF = (
    timedelta(seconds=15),
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
)


class RequestOutcome(StrEnum):
    REQUESTED = "requested"
    NOT_FOUND = "not_found"  # not the presser's order (or none at all)
    NOT_NOW = "not_now"  # the order moved on, or a cancel is already with the shop


@dataclass(frozen=True, slots=True)
class CancelRequested:
    outcome: RequestOutcome
    card: OrderCard | None = None
    request_id: int | None = None


class Settled(StrEnum):
    CANCELLED = "cancelled"
    RESTORED = "restored"  # a restore the shop confirmed
    REFUSED = "refused"
    PENDING = "pending"  # no answer that counts yet: tried again later


@dataclass(frozen=True, slots=True)
class SettleResult:
    outcome: Settled
    card: OrderCard | None = None
    coupon: CouponOutcome = CouponOutcome.NO_COUPON
    #: On refusal, the order's state in the shop.
    shop_status: OrderStatus | None = None


async def request_cancel(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int,
    actor: str,
    rules: ShopRules,
    now: datetime,
) -> CancelRequested:
    """Phase one of a shopper's direct cancel: mark it cancelling and record the request."""
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            await refuse_press(
                uow, "cancel_not_owned", now, who=f"customer:{customer_id}", budget=rules.refusals
            )
            return CancelRequested(RequestOutcome.NOT_FOUND)
        if rules.decide(order, now).can_cancel_now and await uow.orders.mark_cancelling(
            order.id, expected=order.status, now=now
        ):
            request = await _open_request(uow, order, actor, now)
            await uow.commit()
            return CancelRequested(
                RequestOutcome.REQUESTED, await _card(uow, order.id, rules, now), request.id
            )
        await uow.rollback()
        return CancelRequested(RequestOutcome.NOT_NOW, await _card(uow, order.id, rules, now))


@dataclass(frozen=True, slots=True)
class ShopApproval:
    """An approval sent to the shop: the request to settle, or ``None`` when one is
    already with the shop (``awaiting``) or there is nothing to ask (closed, cancelled)."""

    request_id: int | None = None
    awaiting: bool = False


async def send_approval_to_shop(
    uow: UnitOfWork, *, ticket_id: int, reviewer_id: int, now: datetime
) -> ShopApproval:
    """Phase one of staff approving an application: the order is marked cancelling and
    the shop asked before anything is refunded; the ticket closes once the shop agrees."""
    async with uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None or ticket.status.closed:
            return ShopApproval()  # the review itself says why
        order = await uow.orders.get(ticket.order_id)
        assert order is not None
        if order.status is OrderStatus.CANCELLED:
            return ShopApproval()  # cancelled meanwhile: the review closes it as approved
        if not await uow.orders.mark_cancelling(order.id, expected=order.status, now=now):
            return ShopApproval(awaiting=True)
        request = await _open_request(
            uow, order, staff(reviewer_id), now, ticket_id=ticket.id, reviewer_id=reviewer_id
        )
        await uow.commit()
    return ShopApproval(request.id)


async def send_restore_to_shop(
    uow: UnitOfWork, *, ticket_id: int, reviewer_id: int, rules: ShopRules, now: datetime
) -> ShopApproval:
    """Phase one of staff approving a restore ticket: the refund withdrawn, the order marked
    restoring and the shop asked; the ticket closes once the shop agrees. Nothing is asked
    when the bot cannot restore it (the review says why)."""
    async with uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None or ticket.status.closed:
            return ShopApproval()
        order = await uow.orders.get(ticket.order_id)
        assert order is not None
        if order.restoring_since is not None:
            return ShopApproval(awaiting=True)
        plan = await restore_plan(uow, order, rules, now, by_staff=True)
        if plan is None or plan.block is not None:
            return ShopApproval()
        asked = await open_restore_request(
            uow,
            plan,
            actor=staff(reviewer_id),
            now=now,
            ticket_id=ticket.id,
            reviewer_id=reviewer_id,
        )
        if asked.request_id is None:
            await uow.rollback()
            return ShopApproval()
        await uow.commit()
    return ShopApproval(asked.request_id)


async def _open_request(
    uow: UnitOfWork,
    order: Order,
    actor: str,
    now: datetime,
    *,
    ticket_id: int | None = None,
    reviewer_id: int | None = None,
) -> CancelRequest:
    """The request, keyed for its retries, and its audit row; the order is marked already."""
    request = await uow.cancels.add(
        order.id,
        key=cancel_key(order.id, now),
        expected=order.status,
        actor=actor,
        now=now,
        ticket_id=ticket_id,
        reviewer_id=reviewer_id,
    )
    detail = {"from": order.status.value, "request": request.id, "ticket": ticket_id}
    uow.audit.add(
        AuditEntry("order.cancel_requested", actor, now, order_id=order.id, detail=detail)
    )
    return request


async def settle_cancel(
    uows: UnitOfWorkFactory,
    shop: ShopSystem,
    request_id: int,
    *,
    rules: ShopRules,
    now: datetime,
    tell_shopper: bool,
    alert_after: timedelta,
) -> SettleResult:
    """Phase two: ask the shop, then write its answer. ``tell_shopper`` queues the
    shopper's push of the outcome (no one is waiting for it in the chat)."""
    async with uows() as uow:
        request = await uow.cancels.get(request_id)
        if request is None or request.state is not CancelState.PENDING:
            return await _as_settled(uow, request, rules, now)
        if not await uow.cancels.claim(request_id, now=now, until=now + LEASE):
            return SettleResult(Settled.PENDING)  # another sender is asking right now
        order = await uow.orders.get(request.order_id)
        await uow.commit()
    assert order is not None  # requests reference orders; orders are kept
    reply = await _ask(shop, order, request)
    return await _write_answer(
        uows,
        request,
        order,
        reply,
        rules=rules,
        now=now,
        tell_shopper=tell_shopper,
        alert_after=alert_after,
    )


async def _write_answer(
    uows: UnitOfWorkFactory,
    request: CancelRequest,
    order: Order,
    reply: CancelReply | RestoreReply,
    *,
    rules: ShopRules,
    now: datetime,
    tell_shopper: bool,
    alert_after: timedelta,
) -> SettleResult:
    try:
        return await _write(
            uows,
            request,
            order,
            reply,
            rules=rules,
            now=now,
            tell_shopper=tell_shopper,
            alert_after=alert_after,
        )
    except AnsweredMeanwhile:
        # Another sender held this request after our lease ran out and wrote the same
        # answer (the same key got the same one): it is settled as that sender wrote it.
        log.warning("cancel request %s: answered meanwhile by another sender", request.id)
        async with uows() as uow:
            return await _as_settled(uow, await uow.cancels.get(request.id), rules, now)


async def _write(
    uows: UnitOfWorkFactory,
    request: CancelRequest,
    order: Order,
    reply: CancelReply | RestoreReply,
    *,
    rules: ShopRules,
    now: datetime,
    tell_shopper: bool,
    alert_after: timedelta,
) -> SettleResult:
    async with uows() as uow:
        if request.kind is RequestKind.RESTORE:
            result = await _restore_answer(
                uow, request, reply, rules=rules, now=now, alert_after=alert_after
            )
        elif isinstance(reply, CancelAccepted) or (
            isinstance(reply, CancelRefused) and reply.status is OrderStatus.CANCELLED
        ):
            # Refused as "already cancelled" is the shop's own cancel: cancelled all the same.
            at = reply.cancelled_at if isinstance(reply, CancelAccepted) else None
            ref = reply.refund_ref if isinstance(reply, CancelAccepted) else None
            result = await _accepted(uow, request, at, ref, rules=rules, now=now)
        elif isinstance(reply, CancelRefused):
            result = await _refused(uow, request, reply, rules, now)
        elif isinstance(reply, ShopUnavailable):
            result = await _no_answer(uow, request, reply, now, alert_after)
        else:  # a restore's answer to a cancel: no answer that counts
            result = await _no_answer(
                uow, request, ShopUnavailable("wrong answer"), now, alert_after
            )
        if tell_shopper and result.outcome is not Settled.PENDING:
            await _tell(uow, request, order, result, now)
        await uow.commit()
    return result


class OrderMoved(RuntimeError):
    """The order changed under a locked write: nothing is written; asked again later."""


class AnsweredMeanwhile(RuntimeError):
    """Another sender wrote this request's answer first: this one writes nothing."""


async def _answer_first(
    uow: UnitOfWork,
    request: CancelRequest,
    state: CancelState,
    *,
    now: datetime,
    shop_status: OrderStatus | None = None,
    refund_ref: str | None = None,
) -> None:
    """The shop's answer is written before anything it causes, guarded on the request still
    being pending: of two senders holding an answer (a lease ran out while the shop was
    slow), one writes it and all it causes, the other nothing, so nothing is given back,
    refunded or audited twice."""
    if not await uow.cancels.settle(
        request.id, state, now=now, shop_status=shop_status, refund_ref=refund_ref
    ):
        raise AnsweredMeanwhile(f"cancel request {request.id} was answered meanwhile")


async def _ask(
    shop: ShopSystem, order: Order, request: CancelRequest
) -> CancelReply | RestoreReply:
    """The shop's answer; an adapter that fails in a way of its own is no answer either,
    so the request backs off, is asked again and alerts staff like any silence."""
    try:
        if request.kind is RequestKind.RESTORE:
            assert request.target is not None  # a restore request names where the order goes
            return await shop.request_restore(order, request.target, request.idempotency_key)
        return await shop.request_cancel(order, request.expected_status, request.idempotency_key)
    except Exception as error:
        log.exception("cancel request %s: the shop adapter failed", request.id)
        return ShopUnavailable(f"{type(error).__name__}: {error}")


async def _accepted(
    uow: UnitOfWork,
    request: CancelRequest,
    cancelled_at: datetime | None,
    refund_ref: str | None,
    *,
    rules: ShopRules,
    now: datetime,
) -> SettleResult:
    await _answer_first(uow, request, CancelState.ACCEPTED, now=now, refund_ref=refund_ref)
    order = await uow.orders.get_for_update(request.order_id)
    assert order is not None
    coupon = coupon_outcome(order.coupon, now)
    if order.status is OrderStatus.CANCELLED:
        refund = await uow.refunds.for_order(order.id)
    else:
        path = None
        if request.ticket_id is not None:
            # An approval: staff decided when they pressed approve, before the shop confirmed.
            path = await approved_path(uow, order.id, decided_at=request.requested_at)
        written = await write_cancel(
            uow,
            order,
            plan=refund_plan(order, now, rules.calendar, rules.tz),
            coupon=coupon,
            actor=request.actor,
            now=now,
            cancelled_at=cancelled_at,
            shop_refunds=refund_ref is not None,
            path=path,
        )
        if not written.changed:  # cannot happen under the lock; never settle a cancel not written
            raise OrderMoved(f"order {order.order_no} moved while its cancel was written")
        refund, coupon = written.refund, written.coupon
    if refund_ref and refund is not None and refund.status is RefundStatus.REQUESTED:
        # The shop refunds the payment itself: the refund is on its way under the shop's
        # reference, so staff are never asked to push it out a second time.
        await change_refund_in(
            uow,
            refund,
            RefundAction.SUBMIT,
            actor="shop",
            rules=rules,
            now=now,
            provider_ref=refund_ref,
        )
    if request.ticket_id is not None and request.reviewer_id is not None:
        # The approval the shop confirmed closes in the same transaction as its cancel.
        refund = await uow.refunds.for_order(order.id)
        await approve_cancelled(
            uow,
            ticket_id=request.ticket_id,
            reviewer_id=request.reviewer_id,
            refund=refund,
            now=now,
        )
    card = await _card(uow, order.id, rules, now)
    return SettleResult(Settled.CANCELLED, card, coupon)


async def _refused(
    uow: UnitOfWork, request: CancelRequest, reply: CancelRefused, rules: ShopRules, now: datetime
) -> SettleResult:
    await _answer_first(uow, request, CancelState.REFUSED, now=now, shop_status=reply.status)
    order = await uow.orders.get_for_update(request.order_id)
    assert order is not None
    await uow.orders.clear_cancelling(order.id, now)
    if reply.status is not order.status and import_may_set(order.status, reply.status):
        # The shop is the record: it delivered meanwhile, so the order is delivered here too.
        await uow.orders.transition(order.id, expected=order.status, new=reply.status, at=now)
    return await _settle_refused(uow, request, reply, "order.cancel_refused", rules=rules, now=now)


async def _settle_refused(
    uow: UnitOfWork,
    request: CancelRequest,
    reply: CancelRefused,
    action: str,
    *,
    rules: ShopRules,
    now: datetime,
) -> SettleResult:
    """The shop's no (already written first) with its audit row: the order as the refusal
    leaves it."""
    uow.audit.add(
        AuditEntry(
            action,
            "shop",
            now,
            order_id=request.order_id,
            detail={"request": request.id, "shop_status": reply.status.value, "why": reply.reason},
        )
    )
    card = await _card(uow, request.order_id, rules, now)
    return SettleResult(Settled.REFUSED, card, shop_status=reply.status)


# --------------------------------------------------------------------------- restores


@dataclass(frozen=True, slots=True)
class RestoreAsked:
    """Phase one of a restore: the request to settle, or the guarded write that lost."""

    request_id: int | None = None
    lost: Lost | None = None


async def open_restore_request(
    uow: UnitOfWork,
    plan: RestorePlan,
    *,
    actor: str,
    now: datetime,
    ticket_id: int | None = None,
    reviewer_id: int | None = None,
) -> RestoreAsked:
    """Phase one of a restore, in the caller's transaction: the refund withdrawn and the
    coupon taken back first (nobody may push the money out while the shop decides), then
    the order marked restoring and the request recorded with its key and audit row."""
    taken = await withdraw(uow, plan, actor=actor, now=now)
    if taken.lost is not None:
        return RestoreAsked(lost=taken.lost)
    order = plan.order
    if not await uow.orders.mark_restoring(order.id, now):
        return RestoreAsked(lost=Lost.ORDER)
    if not await coupon_stays(uow, plan):
        return RestoreAsked(lost=Lost.COUPON)
    request = await uow.cancels.add(
        order.id,
        key=restore_key(order.id, now),
        expected=OrderStatus.CANCELLED,
        actor=actor,
        now=now,
        ticket_id=ticket_id,
        reviewer_id=reviewer_id,
        kind=RequestKind.RESTORE,
        target=plan.back_to,
    )
    uow.audit.add(
        AuditEntry(
            "order.restore_requested",
            actor,
            now,
            order_id=order.id,
            detail={
                "to": plan.back_to.value,
                "request": request.id,
                "ticket": ticket_id,
                "refund_fen": plan.refund_back_fen,
                "coupon": plan.coupon.value,
            },
        )
    )
    return RestoreAsked(request.id)


async def _restore_answer(
    uow: UnitOfWork,
    request: CancelRequest,
    reply: CancelReply | RestoreReply,
    *,
    rules: ShopRules,
    now: datetime,
    alert_after: timedelta,
) -> SettleResult:
    if isinstance(reply, RestoreAccepted):
        assert request.target is not None  # a restore request names where the order goes
        return await _restored(uow, request, request.target, rules, now)
    if isinstance(reply, CancelRefused) and reply.status is not OrderStatus.CANCELLED:
        # Refused as "already so", or because the order is live there in another state (the
        # shop restored it itself, and maybe delivered): the shop is the record, so the
        # order is live here too, in the shop's state, and nothing is owed.
        return await _restored(uow, request, reply.status, rules, now)
    if isinstance(reply, CancelRefused):
        return await _restore_refused(uow, request, reply, rules, now)
    why = reply if isinstance(reply, ShopUnavailable) else ShopUnavailable("wrong answer")
    return await _no_answer(uow, request, why, now, alert_after)


async def _asked(uow: UnitOfWork, request: CancelRequest) -> dict[str, Any]:
    """What phase one of this restore took back, as its audit row says."""
    for entry in reversed(await uow.audit.for_order(request.order_id)):
        if entry.action == "order.restore_requested" and entry.detail.get("request") == request.id:
            return entry.detail
    return {}


async def _restored(
    uow: UnitOfWork, request: CancelRequest, to: OrderStatus, rules: ShopRules, now: datetime
) -> SettleResult:
    await _answer_first(uow, request, CancelState.ACCEPTED, now=now, shop_status=to)
    order = await uow.orders.get_for_update(request.order_id)
    assert order is not None
    if order.status is OrderStatus.CANCELLED:
        if not await uow.orders.restore(order.id, to=to, at=now):
            raise OrderMoved(f"order {order.order_no} moved while its restore was written")
        asked = await _asked(uow, request)
        detail = {k: asked.get(k) for k in ("refund_fen", "coupon", "ticket")}
        detail["to"] = to.value
        uow.audit.add(
            AuditEntry(
                "order.restored",
                request.actor,
                now,
                order_id=order.id,
                detail={**detail, "request": request.id},
            )
        )
    if request.ticket_id is not None and request.reviewer_id is not None:
        await approve_cancelled(
            uow,
            ticket_id=request.ticket_id,
            reviewer_id=request.reviewer_id,
            refund=None,
            now=now,
            restored_to=to,
        )
    return SettleResult(Settled.RESTORED, await _card(uow, order.id, rules, now))


async def _restore_refused(
    uow: UnitOfWork, request: CancelRequest, reply: CancelRefused, rules: ShopRules, now: datetime
) -> SettleResult:
    """The shop keeps the order cancelled: what phase one took back is owed again, once.

    Only an order still cancelled here and still marked restoring gets it back: one that
    went live meanwhile (the shop's own event) owes nothing."""
    await _answer_first(uow, request, CancelState.REFUSED, now=now, shop_status=reply.status)
    order = await uow.orders.get_for_update(request.order_id)
    assert order is not None
    unmarked = await uow.orders.clear_restoring(order.id, now)
    if unmarked and order.status is OrderStatus.CANCELLED:
        asked = await _asked(uow, request)
        taken = asked.get("coupon") in (CouponBack.TAKEN.value, CouponBack.EXPIRED.value)
        await give_back(uow, order, coupon_taken=taken, actor="shop", rules=rules, now=now)
    else:
        log.warning(
            "order %s: the shop refused its restore, but the order is %s%s here: nothing "
            "is given back",
            order.order_no,
            order.status.value,
            "" if unmarked else " and no longer restoring",
        )
    return await _settle_refused(
        uow, request, reply, "order.restore_refused", rules=rules, now=now
    )


async def _no_answer(
    uow: UnitOfWork,
    request: CancelRequest,
    reply: ShopUnavailable,
    now: datetime,
    alert_after: timedelta,
) -> SettleResult:
    wait = BACKOFF[min(request.attempts, len(BACKOFF) - 1)]
    await uow.cancels.retry_later(request.id, next_try_at=now + wait, error=reply.why)
    if now - request.requested_at >= alert_after and await uow.cancels.mark_alerted(
        request.id, now
    ):
        order = await uow.orders.get(request.order_id)
        assert order is not None
        for notice in _silence_notices(request, order, now):
            await uow.outbox.add(notice, now)
    return SettleResult(Settled.PENDING)


async def settle_due(
    uows: UnitOfWorkFactory,
    shop: ShopSystem,
    *,
    rules: ShopRules,
    clock: Clock,
    alert_after: timedelta,
    limit: int = 50,
) -> int:
    """Ask the shop again about every request whose next try is due; returns how many
    were settled. Nobody waits in a chat for these, so each outcome is pushed. Each
    request reads the clock anew: a round against a silent shop takes a while, and a
    lease counted from a stale time would already have run out."""
    async with uows() as uow:
        due = await uow.cancels.due(clock.now(), limit=limit)
    settled = 0
    for request_id in due:
        try:
            result = await settle_cancel(
                uows,
                shop,
                request_id,
                rules=rules,
                now=clock.now(),
                tell_shopper=True,
                alert_after=alert_after,
            )
        except Exception:  # one request's trouble must not hold up the others
            log.exception("cancel request %s: settling failed; asked again later", request_id)
            continue
        settled += result.outcome is not Settled.PENDING
    return settled


async def tell_outcome(
    uows: UnitOfWorkFactory, request_id: int, rules: ShopRules, now: datetime
) -> bool:
    """Queue the shopper's push of a settled request nobody saw in the chat (the wait for
    the shop's answer ran out first). Once per request, however often it is called."""
    async with uows() as uow:
        request = await uow.cancels.get(request_id)
        if request is None or request.state is CancelState.PENDING:
            return False
        if request.ticket_id is not None and request.state is CancelState.ACCEPTED:
            return True  # its ticket closed with the cancel; the decision told the shopper
        order = await uow.orders.get(request.order_id)
        assert order is not None
        coupon = coupon_outcome(order.coupon, request.settled_at or now)
        outcome = _settled_as(request)
        result = SettleResult(outcome, coupon=coupon, shop_status=request.shop_status)
        await _tell(uow, request, order, result, now)
        await uow.commit()
    return True


async def _as_settled(
    uow: UnitOfWork, request: CancelRequest | None, rules: ShopRules, now: datetime
) -> SettleResult:
    if request is None or request.state is CancelState.PENDING:
        return SettleResult(Settled.PENDING)
    card = await _card(uow, request.order_id, rules, now)
    if request.kind is RequestKind.RESTORE:
        return SettleResult(_settled_as(request), card, shop_status=request.shop_status)
    if request.state is CancelState.ACCEPTED:
        order = card.order if card else None
        coupon = coupon_outcome(order.coupon, now) if order else CouponOutcome.NO_COUPON
        return SettleResult(Settled.CANCELLED, card, coupon)
    return SettleResult(Settled.REFUSED, card, shop_status=request.shop_status)


def _settled_as(request: CancelRequest) -> Settled:
    if request.state is CancelState.REFUSED:
        return Settled.REFUSED
    return Settled.RESTORED if request.kind is RequestKind.RESTORE else Settled.CANCELLED


async def _card(uow: UnitOfWork, order_id: int, rules: ShopRules, now: datetime) -> OrderCard:
    order = await uow.orders.get(order_id)
    assert order is not None
    return await order_card(uow, order, rules, now)


async def _tell(
    uow: UnitOfWork, request: CancelRequest, order: Order, result: SettleResult, now: datetime
) -> None:
    """Who hears of an answer nobody waited for: the shopper of their own cancel; for an
    approval, staff of a refusal (the ticket's decision tells the shopper of a yes)."""
    if request.ticket_id is None:
        await uow.outbox.add(_settled_notice(request, order, result, now), now)
    elif result.outcome is Settled.REFUSED and result.shop_status is not None:
        refused = ShopRefusedApproval(
            request.id,
            request.ticket_id,
            order.order_no,
            result.shop_status,
            restore=request.kind is RequestKind.RESTORE,
        )
        notice = Notification(
            Kind.STAFF_SHOP_REFUSED, "staff", f"shop-refused:{request.id}", now, payload=refused
        )
        await uow.outbox.add(notice, now)


def _settled_notice(
    request: CancelRequest, order: Order, result: SettleResult, now: datetime
) -> Notification:
    if request.kind is RequestKind.RESTORE:
        return Notification(
            Kind.CUSTOMER_RESTORE_SETTLED,
            "customer",
            f"restore-settled:{request.id}",
            now,
            customer_id=order.customer_id,
            payload=RestoreSettled(
                request_id=request.id,
                order_id=order.id,
                order_no=order.order_no,
                accepted=result.outcome is Settled.RESTORED,
                shop_status=result.shop_status,
            ),
        )
    return Notification(
        Kind.CUSTOMER_CANCEL_SETTLED,
        "customer",
        f"cancel-settled:{request.id}",
        now,
        customer_id=order.customer_id,
        payload=CancelSettled(
            request_id=request.id,
            order_id=order.id,
            order_no=order.order_no,
            accepted=result.outcome is Settled.CANCELLED,
            coupon=result.coupon,
            shop_status=result.shop_status,
        ),
    )


def _silence_notices(request: CancelRequest, order: Order, now: datetime) -> list[Notification]:
    """Staff are told the shop does not answer; the shopper that it takes longer."""
    facts = (request.id, order.id, order.order_no, request.requested_at)
    restore = request.kind is RequestKind.RESTORE
    return [
        Notification(
            Kind.STAFF_SHOP_SILENT,
            "staff",
            f"shop-silent:{request.id}",
            now,
            payload=ShopSilent(*facts, restore=restore),
        ),
        Notification(
            Kind.CUSTOMER_CANCEL_DELAYED,
            "customer",
            f"cancel-delayed:{request.id}",
            now,
            customer_id=order.customer_id,
            payload=CancelDelayed(*facts, restore=restore),
        ),
    ]


class CancelDesk:
    """Where cancels meet the shop: asks at once for the shopper who waits in the chat,
    and again later for every request still without an answer.

    The shopper waits ``wait`` seconds at most; a slower answer is still written when
    it comes, and then pushed to them instead (``tell_outcome``).
    """

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        shop: ShopSystem,
        *,
        rules: ShopRules,
        clock: Clock,
        wait: float = 3.0,
        alert_after: timedelta = timedelta(minutes=10),
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.uows, self.shop, self.rules, self.clock = uows, shop, rules, clock
        self.wait, self.alert_after, self.on_queued = wait, alert_after, on_queued
        self._tasks: set[asyncio.Task[Any]] = set()

    async def confirm(self, request_id: int) -> SettleResult | None:
        """The shop's answer if it comes within the wait; None while there is none (it
        will be pushed when it comes)."""
        task = self._spawn(self._settle(request_id, tell_shopper=False))
        try:
            result = await asyncio.wait_for(asyncio.shield(task), self.wait)
        except TimeoutError:
            self._spawn(self._tell_when_done(request_id, task))
            return None
        return result if result.outcome is not Settled.PENDING else None

    async def retry_due(self) -> int:
        """Ask again about every request whose next try is due (the scheduler's job)."""
        settled = await settle_due(
            self.uows, self.shop, rules=self.rules, clock=self.clock, alert_after=self.alert_after
        )
        self.on_queued()
        return settled

    async def close(self, grace: float = 10.0) -> None:
        """Let answers already on their way be written (for ``grace`` seconds at most); a
        request cut short stays pending and is asked again, with the same key, after its
        lease."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for task in set(self._tasks):
            task.cancel()

    async def _settle(self, request_id: int, *, tell_shopper: bool) -> SettleResult:
        result = await settle_cancel(
            self.uows,
            self.shop,
            request_id,
            rules=self.rules,
            now=self.clock.now(),
            tell_shopper=tell_shopper,
            alert_after=self.alert_after,
        )
        self.on_queued()
        return result

    async def _tell_when_done(self, request_id: int, task: asyncio.Task[SettleResult]) -> None:
        try:
            result = await task
        except Exception:  # the request stays pending: the next retry asks and pushes
            log.exception("cancel request %s: settling failed", request_id)
            return
        if result.outcome is not Settled.PENDING:
            await tell_outcome(self.uows, request_id, self.rules, self.clock.now())
            self.on_queued()

    def _spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
