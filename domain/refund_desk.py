"""The staff side of manual refunds: who may report on them, and what their card shows.

Staff push WeChat, Alipay and bank-card refunds out in the provider's console
and report back from the staff chat. Anyone in the group can press a card's
buttons or type ``/refund``; only staff change anything, and every refusal is
audited, as for tickets. The change itself is :func:`domain.refunds.change_refund`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.orders import Gateway, Refund, RefundAction, RefundStatus
from domain.policy import ShopRules
from domain.ports import AuditEntry, RefundEvent, UnitOfWork
from domain.refunds import (
    RefundOutcome,
    allowed,
    change_refund,
    pressed_before,
    updated_key,
)
from domain.review import staff
from domain.shopper import shopper, typed_text

#: What the shopper is told when staff mark a refund failed; the domain keeps this much.
MAX_FAILURE_TEXT = 200
_REFUND_ID = re.compile(r"[0-9]{1,10}")
_MAX_ID = 2**31 - 1
_MAX_ORDER_NO = 64


def card_key(refund_id: int) -> str:
    """The dedupe key of a refund's staff card; its outbox row remembers the card's message."""
    return f"refund-requested:{refund_id}"


def staff_id(actor: str) -> int | None:
    """The Telegram id in a ``staff:<id>`` actor (None for imports, gateways, shoppers)."""
    prefix, _, rest = actor.partition(":")
    return int(rest) if prefix == "staff" and rest.isdigit() else None


def clean_failure_reason(text: str) -> str | None:
    """A failure reason as typed; None when empty or longer than the shopper may be shown."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_FAILURE_TEXT:
        return None
    return cleaned


class DeskOutcome(StrEnum):
    DONE = "done"
    READY = "ready"  # a check passed: the action may be asked for (e.g. the failure reason)
    ALREADY = "already"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    NEEDS_REASON = "needs_reason"
    NOT_MANUAL = "not_manual"
    NOT_STAFF = "not_staff"
    VOIDED = "voided"  # the shopper restored the order: nothing to refund


@dataclass(frozen=True, slots=True)
class RefundCard:
    """Everything the staff card shows about one refund, as it is now."""

    refund: Refund
    customer_name: str
    events: tuple[RefundEvent, ...]
    #: The card the notifier posted (None until it is out).
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class DeskResult:
    outcome: DeskOutcome
    card: RefundCard | None = None
    #: For ALREADY: the event that did it first (who and when).
    event: RefundEvent | None = None


async def load_card(uow: UnitOfWork, refund_id: int) -> RefundCard | None:
    async with uow:
        refund = await uow.refunds.get(refund_id)
        if refund is None:
            return None
        return await _card(uow, refund)


async def _card(uow: UnitOfWork, refund: Refund) -> RefundCard:
    customer = await uow.customers.get(refund.customer_id) if refund.customer_id else None
    events = await uow.refunds.events(refund.id)
    message_id = await _card_message(uow, refund.id, events)
    return RefundCard(refund, customer.name if customer else "", tuple(events), message_id)


async def _card_message(uow: UnitOfWork, refund_id: int, events: list[RefundEvent]) -> int | None:
    """Where the card is now: each update records the card it edited, or posted anew when
    the first one was lost or deleted, so the latest update knows best."""
    for event in reversed(events):
        moved_on = event.action in (RefundAction.REINITIATE, RefundAction.REOPEN)
        after = event.attempt + 1 if moved_on else event.attempt
        found = await uow.outbox.message_id(updated_key(refund_id, event.action, after))
        if found is not None:
            return found
    return await uow.outbox.message_id(card_key(refund_id))


async def _find(uow: UnitOfWork, reference: str) -> Refund | None:
    """A refund by its number (``12``, ``#12``) or by its order's number."""
    text = typed_text(reference).removeprefix("#")
    if _REFUND_ID.fullmatch(text) and 1 <= int(text) <= _MAX_ID:
        found = await uow.refunds.get(int(text))
        if found is not None:
            return found
    if not text or len(text) > _MAX_ORDER_NO:
        return None
    return await uow.refunds.by_order_no(text) or await uow.refunds.by_order_no(text.upper())


async def find_refund(uow: UnitOfWork, reference: str) -> int | None:
    async with uow:
        found = await _find(uow, reference)
    return found.id if found else None


async def _refuse(uow: UnitOfWork, user_id: int, what: str, detail: object, now: datetime) -> None:
    async with uow:
        uow.audit.add(
            AuditEntry("refund.staff_refused", shopper(user_id), now, detail={what: detail})
        )
        await uow.commit()


async def show_refund(
    uow: UnitOfWork, *, reference: str, user_id: int, is_staff: bool, now: datetime
) -> DeskResult:
    """``/refund N``: the card, for staff only."""
    if not is_staff:
        await _refuse(uow, user_id, "show", reference[:_MAX_ORDER_NO], now)
        return DeskResult(DeskOutcome.NOT_STAFF)
    async with uow:
        refund = await _find(uow, reference)
        if refund is None:
            return DeskResult(DeskOutcome.NOT_FOUND)
        return DeskResult(DeskOutcome.DONE, await _card(uow, refund))


async def check_refund(
    uow: UnitOfWork,
    *,
    refund_id: int,
    action: RefundAction,
    user_id: int,
    is_staff: bool,
    now: datetime,
    attempt: int | None = None,
) -> DeskResult:
    """Whether ``action`` could be reported now, before asking for more (a failure reason)."""
    if not is_staff:
        await _refuse(uow, user_id, action.value, refund_id, now)
        return DeskResult(DeskOutcome.NOT_STAFF)
    async with uow:
        refund = await uow.refunds.get(refund_id)
        if refund is None:
            return DeskResult(DeskOutcome.NOT_FOUND)
        card = await _card(uow, refund)
        earlier = await pressed_before(uow, refund, action, attempt)
    if refund.gateway is not Gateway.MANUAL or refund.status is RefundStatus.VOIDED:
        # A balance refund is the shop's own; a withdrawn one (the order was restored) is owed
        # to nobody: neither is staff's to report on.
        manual = refund.gateway is Gateway.MANUAL
        return DeskResult(DeskOutcome.VOIDED if manual else DeskOutcome.NOT_MANUAL, card)
    if earlier is not None:
        return DeskResult(DeskOutcome.ALREADY, card, earlier)
    stale = attempt is not None and attempt != refund.attempt
    if stale or not allowed(action, refund.status):
        return DeskResult(DeskOutcome.NOT_ALLOWED, card)
    return DeskResult(DeskOutcome.READY, card)


async def report_refund(
    uow: UnitOfWork,
    *,
    refund_id: int | str,
    action: RefundAction,
    user_id: int,
    is_staff: bool,
    rules: ShopRules,
    now: datetime,
    reason: str | None = None,
    attempt: int | None = None,
) -> DeskResult:
    """A staff member says what happened to a manual refund; the card as it is afterwards.

    ``refund_id`` is the id from a button, or what staff typed (a refund or order number).
    """
    if not is_staff:
        detail = refund_id if isinstance(refund_id, int) else refund_id[:_MAX_ORDER_NO]
        await _refuse(uow, user_id, action.value, detail, now)
        return DeskResult(DeskOutcome.NOT_STAFF)
    if isinstance(refund_id, str):
        found = await find_refund(uow, refund_id)
        if found is None:
            return DeskResult(DeskOutcome.NOT_FOUND)
        refund_id = found
    result = await change_refund(
        uow,
        refund_id,
        action,
        actor=staff(user_id),
        rules=rules,
        now=now,
        reason=reason,
        attempt=attempt,
    )
    if result.outcome is RefundOutcome.NOT_FOUND:
        return DeskResult(DeskOutcome.NOT_FOUND)
    card = await load_card(uow, refund_id)
    return DeskResult(DeskOutcome(result.outcome.value), card, result.event)
