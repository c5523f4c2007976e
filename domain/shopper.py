"""The shopper's use cases: link the account, find an order, cancel it, say why."""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain.notifications import Kind, LinkAttempt
from domain.orders import (
    CancelPath,
    CancelReason,
    Customer,
    Gateway,
    Order,
    OrderStatus,
    OrderTab,
    Refund,
    RefundStatus,
    normalize_phone,
)
from domain.policy import CancelDecision, CouponOutcome, RefundPlan, RefusalBudget, ShopRules
from domain.ports import AuditEntry, LinkOutcome, Notification, RefundDraft, UnitOfWork
from domain.refunds import GATEWAYS, gateway_for, reopen_refund
from domain.restore import RestorePlan, restore_plan
from domain.services import OrderSummary

PAGE_SIZE = 5
MAX_QUERY = 64  # the longest order number, and plenty for a product name
#: What an order number looks like: letters, digits, - and _, with at least one digit.
ORDER_NO = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_-]{3,63}$")
LINK_TOKEN_BYTES = 18  # 24 url-safe characters, well inside Telegram's 64 for a start parameter


def shopper(telegram_id: int) -> str:
    """The audit actor for a shopper's own action."""
    return f"tg:{telegram_id}"


# --------------------------------------------------------------------------- finding orders


@dataclass(frozen=True, slots=True)
class OrderList:
    tab: OrderTab
    page: int
    pages: int
    total: int
    items: list[OrderSummary]
    query: str | None = None


def _page_bounds(page: int, total: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return min(max(page, 0), pages - 1), pages


async def list_orders(
    uow: UnitOfWork,
    customer_id: int,
    *,
    tab: OrderTab,
    page: int,
    rules: ShopRules,
    now: datetime,
) -> OrderList:
    async with uow:
        wanted = max(page, 0)
        result = await uow.orders.recent_for_customer(
            customer_id, tab=tab, limit=PAGE_SIZE, offset=wanted * PAGE_SIZE
        )
        page, pages = _page_bounds(wanted, result.total)
        if page != wanted:
            # A stale "next page" press after orders changed: show the last page instead.
            result = await uow.orders.recent_for_customer(
                customer_id, tab=tab, limit=PAGE_SIZE, offset=page * PAGE_SIZE
            )
    items = [OrderSummary(o, rules.decide(o, now)) for o in result.orders]
    return OrderList(tab, page, pages, result.total, items)


@dataclass(frozen=True, slots=True)
class OrderCard:
    order: Order
    decision: CancelDecision
    refund: Refund | None  # the refund already under way, for a cancelled paid order
    #: For a cancelled order: whether (and how) the cancel can be undone, or why not.
    restore: RestorePlan | None = None


async def order_card(uow: UnitOfWork, order: Order, rules: ShopRules, now: datetime) -> OrderCard:
    """The order as its card shows it, read inside the caller's unit of work."""
    refund = await uow.refunds.for_order(order.id)
    plan = await restore_plan(uow, order, rules, now)
    return OrderCard(order, rules.decide(order, now), refund, plan)


#: How many recently cancelled orders a help answer offers to act on.
HELP_ORDERS = 3


async def recent_cancelled(
    uow: UnitOfWork, customer_id: int, rules: ShopRules, now: datetime
) -> list[OrderCard]:
    """The shopper's latest cancelled orders as their cards show them (restore, coupon),
    for a help answer that acts on the order it is about rather than naming a menu."""
    async with uow:
        page = await uow.orders.recent_for_customer(
            customer_id, tab=OrderTab.CANCELLED, limit=HELP_ORDERS
        )
        return [await order_card(uow, order, rules, now) for order in page.orders]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Either the one order the text named, or the orders whose product matches it."""

    exact: OrderCard | None
    matches: OrderList | None
    #: The text looked like an order number, so "no such order" is the clearer answer.
    by_number: bool = False
    #: One word longer than any order number: say so rather than search a cut-off copy.
    bad_number: bool = False
    #: Nothing to search by (only punctuation or spaces): searching would list every order.
    nothing: bool = False


#: Punctuation a Chinese keyboard adds around a pasted order number.
_EDGE_PUNCTUATION = " \t,.;:!?。,;:!?、「」『』“”‘’\"'()()【】[]<>《》"


def typed_text(text: str) -> str:
    """What the shopper meant: full-width letters and digits made plain, edges trimmed.

    A Chinese keyboard types ＫＭ－１ or adds "。" after a pasted number.
    """
    return unicodedata.normalize("NFKC", text).strip(_EDGE_PUNCTUATION)


def looks_like_order_no(text: str) -> bool:
    return bool(ORDER_NO.match(text.strip()))


async def search_orders(
    uow: UnitOfWork,
    customer_id: int,
    text: str,
    *,
    page: int,
    rules: ShopRules,
    now: datetime,
) -> SearchResult:
    """An order number opens that order (only the shopper's own); other text searches names."""
    words = typed_text(text).split()
    if len(words) == 1 and len(words[0]) > MAX_QUERY:
        return SearchResult(None, None, bad_number=True)
    query = " ".join(words)[:MAX_QUERY]
    if not any(ch.isalnum() for ch in query):
        return SearchResult(None, None, nothing=True)
    by_number = looks_like_order_no(query)
    async with uow:
        if by_number:
            order = await uow.orders.number_for_customer(customer_id, query)
            if order is None:
                order = await uow.orders.number_for_customer(customer_id, query.upper())
            if order is not None:
                return SearchResult(await order_card(uow, order, rules, now), None)
        wanted = max(page, 0)
        found = await uow.orders.search_for_customer(
            customer_id, query, limit=PAGE_SIZE, offset=wanted * PAGE_SIZE
        )
        page, pages = _page_bounds(wanted, found.total)
        if page != wanted:
            found = await uow.orders.search_for_customer(
                customer_id, query, limit=PAGE_SIZE, offset=page * PAGE_SIZE
            )
    items = [OrderSummary(o, rules.decide(o, now)) for o in found.orders]
    matches = OrderList(OrderTab.ALL, page, pages, found.total, items, query)
    return SearchResult(None, matches, by_number)


async def open_order(
    uow: UnitOfWork, customer_id: int, order_id: int, rules: ShopRules, now: datetime
) -> OrderCard | None:
    """The order's card, or None when it is not this customer's (or does not exist)."""
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            await refuse_press(
                uow, "order_not_owned", now, who=f"customer:{customer_id}", budget=rules.refusals
            )
            return None
        return await order_card(uow, order, rules, now)


async def refuse_press(
    uow: UnitOfWork, why: str, now: datetime, *, who: str, budget: RefusalBudget
) -> None:
    """Audit a refused button press, at most ``budget.limit`` per person an hour.

    No ids or names in the row: forged data must not leak into logs. ``who`` (the
    presser's Telegram id or customer) only keys the budget.
    """
    number = budget.take(who, now)
    if number is None:
        return
    detail: dict[str, object] = {"why": why}
    if number == budget.limit:
        detail["more_not_audited"] = True  # the rest of this hour is only counted
    async with uow:
        uow.audit.add(AuditEntry("press.refused", "shopper", now, detail=detail))
        await uow.commit()


async def own_order_by_number(uow: UnitOfWork, customer_id: int, order_no: str) -> Order | None:
    """The shopper's own order by the number they typed; the caller holds the unit of work."""
    number = typed_text(order_no)
    order = await uow.orders.number_for_customer(customer_id, number)
    if order is None and number != number.upper():
        # Shoppers type what they see on a phone keyboard: km-1001 means KM-1001.
        order = await uow.orders.number_for_customer(customer_id, number.upper())
    return order


async def open_order_by_number(
    uow: UnitOfWork, customer_id: int, order_no: str, rules: ShopRules, now: datetime
) -> OrderCard | None:
    async with uow:
        order = await own_order_by_number(uow, customer_id, order_no)
        if order is None:
            return None
        return await order_card(uow, order, rules, now)


# --------------------------------------------------------------------------- cancelling


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"  # a second press, another device, a stale card
    NOT_ALLOWED = "not_allowed"  # the rules no longer allow a direct cancel
    NOT_FOUND = "not_found"  # not this shopper's order


@dataclass(frozen=True, slots=True)
class CancelResult:
    outcome: CancelOutcome
    card: OrderCard | None
    coupon: CouponOutcome = CouponOutcome.NO_COUPON
    #: Already cancelled by a press on this very message (a double tap): the message
    #: already shows the outcome and must be left as it is.
    here: bool = False


async def cancel_order(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int,
    actor: str,
    rules: ShopRules,
    now: datetime,
    via: str | None = None,
) -> CancelResult:
    """Cancel a shopper's order as one guarded transition with its refund, coupon and audit.

    Whatever the order's state by the time the press arrives, exactly one
    cancellation happens; every later press gets the current state back.
    ``via`` names the message pressed (kept in the audit row), so a second press
    on the message that won is told apart from a stale card elsewhere.
    """
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            await refuse_press(
                uow, "cancel_not_owned", now, who=f"customer:{customer_id}", budget=rules.refusals
            )
            return CancelResult(CancelOutcome.NOT_FOUND, None)
        decision = rules.decide(order, now)
        if not decision.can_cancel_now:
            return await _current(uow, customer_id, order_id, rules, now, via=via)
        written = await write_cancel(
            uow,
            order,
            plan=decision.refund,
            coupon=decision.coupon,
            actor=actor,
            now=now,
            via=via,
        )
        if not written.changed:
            await uow.rollback()
            return await _current(uow, customer_id, order_id, rules, now, via=via)
        await uow.commit()
        after = await uow.orders.for_customer(customer_id, order_id)
        assert after is not None  # it was just cancelled inside this unit of work
        card = await order_card(uow, after, rules, now)
    return CancelResult(CancelOutcome.CANCELLED, card, written.coupon)


@dataclass(frozen=True, slots=True)
class Written:
    """What a cancel wrote: whether it won, its refund, and what became of the coupon."""

    changed: bool
    refund: Refund | None = None
    coupon: CouponOutcome = CouponOutcome.NO_COUPON


async def _give_back(uow: UnitOfWork, order: Order) -> CouponOutcome:
    """Return the order's coupon if it is still spent; say "returned" only when it was."""
    coupon = order.coupon
    if coupon is None or coupon.id is None or not await uow.orders.return_coupon(coupon.id):
        return CouponOutcome.NO_COUPON
    return CouponOutcome.RETURNED


async def write_cancel(
    uow: UnitOfWork,
    order: Order,
    *,
    plan: RefundPlan | None,
    coupon: CouponOutcome,
    actor: str,
    now: datetime,
    cancelled_at: datetime | None = None,
    shop_refunds: bool = False,
    via: str | None = None,
    path: CancelPath | None = None,
) -> Written:
    """The writes of every cancellation, direct, approved by staff or made by the shop;
    the caller commits.

    One guarded transition from the status the caller saw; only when it wins
    are the refund (one per order, keyed by the order), the coupon, the audit
    row and the staff's refund notice written. False: someone else got there
    first and nothing was written. ``cancelled_at`` is the shop's own cancel time
    when it cancelled; the refund's dates still count from ``now``, when it starts.
    ``shop_refunds``: the shop refunds the payment itself, so no gateway moves money
    here (not the wallet, not staff's card); the caller records the shop's reference.
    ``path`` is the way staff's /stats count the cancel; by default it follows from
    ``actor`` (the shopper's own, a staff member's approval, the shop's).
    """
    if not await uow.orders.transition(
        order.id, expected=order.status, new=OrderStatus.CANCELLED, at=cancelled_at or now
    ):
        return Written(changed=False)
    path = path or CancelPath.of(actor)
    if path is not None:
        await uow.orders.set_cancel_path(order.id, path)
    refund = None
    if plan is not None:
        gateway = Gateway.MANUAL if shop_refunds else gateway_for(plan.channel)
        refund = await _owed(uow, order, plan, gateway=gateway, actor=actor, now=now)
    if coupon is CouponOutcome.RETURNED:
        coupon = await _give_back(uow, order)
    uow.audit.add(
        AuditEntry(
            "order.cancelled",
            actor,
            now,
            order_id=order.id,
            detail={
                "from": order.status.value,
                "refund_fen": refund.amount_fen if refund else 0,
                "coupon": coupon.value,
                **({"via": via} if via else {}),
            },
        )
    )
    if refund is not None and not shop_refunds:
        # Balance: credited at once. WeChat/Alipay/bank: staff get a card to push it out.
        refund = await GATEWAYS[refund.gateway].start(uow, refund, actor=actor, now=now)
    return Written(changed=True, refund=refund, coupon=coupon)


async def _owed(
    uow: UnitOfWork,
    order: Order,
    plan: RefundPlan,
    *,
    gateway: Gateway,
    actor: str,
    now: datetime,
) -> Refund:
    """The cancel's refund: a new one, or the one a restore withdrew, owed again as its next
    try. An order has one refund however often it is cancelled and restored, so a second
    cancel can never refund twice."""
    existing = await uow.refunds.for_order(order.id)
    if existing is None:
        draft = RefundDraft(
            order_id=order.id,
            idempotency_key=f"cancel:{order.id}",
            amount_fen=plan.amount_fen,
            channel=plan.channel,
            expected_earliest=plan.earliest,
            expected_latest=plan.latest,
            gateway=gateway,
        )
        return await uow.refunds.add(draft, now)
    if existing.status is RefundStatus.VOIDED:
        reopened = await reopen_refund(uow, existing, plan, actor=actor, now=now)
        if reopened is not None:
            return reopened
    return await uow.refunds.for_order(order.id) or existing


async def _current(
    uow: UnitOfWork,
    customer_id: int,
    order_id: int,
    rules: ShopRules,
    now: datetime,
    *,
    via: str | None = None,
) -> CancelResult:
    order = await uow.orders.for_customer(customer_id, order_id)
    assert order is not None  # ownership was checked moments ago and orders are never deleted
    card = await order_card(uow, order, rules, now)
    if order.status is OrderStatus.CANCELLED:
        here = via is not None and any(
            entry.action == "order.cancelled" and entry.detail.get("via") == via
            for entry in await uow.audit.for_order(order.id)
        )
        return CancelResult(CancelOutcome.ALREADY_CANCELLED, card, here=here)
    return CancelResult(CancelOutcome.NOT_ALLOWED, card)


async def record_cancel_reason(
    uow: UnitOfWork,
    *,
    customer_id: int,
    order_id: int,
    reason: CancelReason,
    actor: str,
    now: datetime,
    refusals: RefusalBudget,
) -> bool:
    """Store the optional reason once; False when not this shopper's cancelled order or given."""
    async with uow:
        order = await uow.orders.for_customer(customer_id, order_id)
        if order is None:
            await refuse_press(
                uow, "reason_not_owned", now, who=f"customer:{customer_id}", budget=refusals
            )
            return False
        if order.status is not OrderStatus.CANCELLED:
            return False
        if not await uow.orders.set_cancel_reason(order.id, reason):
            return False
        uow.audit.add(
            AuditEntry("order.cancel_reason", actor, now, order.id, {"reason": reason.value})
        )
        await uow.commit()
    return True


# --------------------------------------------------------------------------- linking


async def issue_link_token(
    uow: UnitOfWork, customer_code: str, now: datetime, ttl: timedelta
) -> tuple[Customer, str] | None:
    """A fresh one-time token for the customer's deep link; None for an unknown customer."""
    async with uow:
        customer = await uow.customers.by_code(customer_code)
        if customer is None:
            return None
        token = secrets.token_urlsafe(LINK_TOKEN_BYTES)
        await uow.link_tokens.add(token, customer.id, now, now + ttl)
        uow.audit.add(
            AuditEntry("link.token_issued", "shop", now, detail={"customer": customer.id})
        )
        await uow.commit()
    return customer, token


@dataclass(frozen=True, slots=True)
class LinkResult:
    outcome: LinkOutcome
    customer: Customer | None = None


async def link_with_token(
    uow: UnitOfWork, telegram_id: int, token: str, now: datetime, *, locale: str | None = None
) -> LinkResult:
    """Link by a one-time token from the shop.

    ``locale`` is the language the shopper is using now; it is remembered unless they
    chose one with /lang, so that pushed notices arrive in the same language.
    """
    async with uow:
        outcome, customer_id = await uow.link_tokens.consume(token, telegram_id, now)
        if outcome is not LinkOutcome.LINKED or customer_id is None:
            return LinkResult(outcome)
        await uow.customers.bind_telegram(customer_id, telegram_id)
        await _remember_language(uow, telegram_id, locale, now)
        uow.audit.add(AuditEntry("link.token", shopper(telegram_id), now))
        await uow.commit()
        return LinkResult(LinkOutcome.LINKED, await uow.customers.get(customer_id))


class PhoneLinkOutcome(StrEnum):
    LINKED = "linked"
    NOT_OWN_CONTACT = "not_own_contact"
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"  # several customers share the number: a link from the shop is safer
    TAKEN = "taken"  # another Telegram account holds it: a recycled number must not take over


@dataclass(frozen=True, slots=True)
class PhoneLinkResult:
    outcome: PhoneLinkOutcome
    customer: Customer | None = None


async def link_with_phone(
    uow: UnitOfWork,
    *,
    telegram_id: int,
    contact_user_id: int | None,
    phone: str,
    now: datetime,
    locale: str | None = None,
) -> PhoneLinkResult:
    """Link by the phone number of the sender's own Telegram contact card.

    Telegram vouches for the number only when the shared contact is the
    sender's own (its user_id equals the sender's); anything else could be
    someone else's number and is refused.
    """
    if contact_user_id != telegram_id:
        return PhoneLinkResult(PhoneLinkOutcome.NOT_OWN_CONTACT)
    number = normalize_phone(phone)
    if number is None:
        return PhoneLinkResult(PhoneLinkOutcome.NO_MATCH)
    async with uow:
        matches = await uow.customers.by_phone(number)
        if not matches:
            return PhoneLinkResult(PhoneLinkOutcome.NO_MATCH)
        if len(matches) > 1:
            return PhoneLinkResult(PhoneLinkOutcome.AMBIGUOUS)
        customer = matches[0]
        if not await uow.customers.claim_telegram(customer.id, telegram_id):
            return await _refuse_takeover(uow, customer, telegram_id, now)
        await _remember_language(uow, telegram_id, locale, now)
        uow.audit.add(AuditEntry("link.phone", shopper(telegram_id), now))
        await uow.commit()
        return PhoneLinkResult(PhoneLinkOutcome.LINKED, await uow.customers.get(matches[0].id))


async def _refuse_takeover(
    uow: UnitOfWork, customer: Customer, telegram_id: int, now: datetime
) -> PhoneLinkResult:
    """A phone number is no proof against the account that already holds it (numbers are
    recycled): nothing moves, and the linked account is told someone tried."""
    await uow.rollback()
    uow.audit.add(
        AuditEntry(
            "link.phone_refused",
            shopper(telegram_id),
            now,
            detail={"customer": customer.id, "why": "linked to another account"},
        )
    )
    notice = Notification(
        Kind.CUSTOMER_LINK_ATTEMPT,
        "customer",
        f"link-attempt:{customer.id}:{telegram_id}:{now.date().isoformat()}",
        now,
        customer_id=customer.id,
        payload=LinkAttempt(now),
    )
    await uow.outbox.add(notice, now)
    await uow.commit()
    return PhoneLinkResult(PhoneLinkOutcome.TAKEN)


async def _remember_language(
    uow: UnitOfWork, telegram_id: int, locale: str | None, now: datetime
) -> None:
    if locale is not None and await uow.prefs.locale(telegram_id) is None:
        await uow.prefs.set_locale(telegram_id, locale, now)


async def unlink(uow: UnitOfWork, telegram_id: int, now: datetime) -> bool:
    async with uow:
        if not await uow.customers.unbind_telegram(telegram_id):
            return False
        uow.audit.add(AuditEntry("link.removed", shopper(telegram_id), now))
        await uow.commit()
    return True


# --------------------------------------------------------------------------- preferences, refunds


async def set_language(uow: UnitOfWork, telegram_id: int, locale: str, now: datetime) -> None:
    async with uow:
        await uow.prefs.set_locale(telegram_id, locale, now)
        await uow.commit()


async def shopper_refunds(uow: UnitOfWork, customer_id: int) -> list[Refund]:
    async with uow:
        return await uow.refunds.for_customer(customer_id)


async def shopper_wrote(
    uow: UnitOfWork, customer: Customer, *, locale: str, saved: str | None, now: datetime
) -> Customer:
    """A linked shopper wrote to us in private: what pushes to them need is brought up to date.

    Their chat is open again if it had refused our messages; and pushes, which have no
    Telegram language to go by, use the language their replies are in unless they chose one.
    Called for every private update, so it writes only when something is missing.
    """
    telegram_id = customer.telegram_id
    if telegram_id is None or (customer.unreachable_at is None and saved is not None):
        return customer
    if customer.unreachable_at is not None:
        await uow.customers.clear_unreachable(telegram_id)
        customer = replace(customer, unreachable_at=None)
    await _remember_language(uow, telegram_id, locale if saved is None else None, now)
    await uow.commit()
    return customer
