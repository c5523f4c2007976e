"""A week of the shop on a virtual clock, with Telegram faults, downtime and a crashed sender.

Shoppers cancel paid orders and apply for cancels; staff decide tickets, push
refunds out, see some fail and re-initiate them; shoppers answer "has it
arrived?". Meanwhile the fake Bot API answers 429 and 5xx now and then, one
shopper has blocked the bot, the bot is down for ten hours one night, and one
sender dies holding its claims. The real runtime's planner and notifier run
every virtual quarter hour, over HTTP, against one SQLite file.

At the end every notification the week called for was delivered exactly once
(or, for the shopper who blocked the bot, given up as unreachable), no push
reached a shopper in their night, and no Telegram limit was exceeded.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.app import Runtime
from bot.notifier import LEASE
from domain.orders import OrderStatus, PaymentChannel, ProductKind, RefundStatus
from domain.ports import FixedClock
from domain.refunds import RefundAction, answer_arrival, change_refund
from domain.review import ApplyOutcome, Verdict, file_ticket, review_ticket
from domain.schedule import quiet_until
from domain.shopper import cancel_order
from domain.tickets import TicketReason
from storage.tables import CustomerRow, OutboxRow, RefundRow
from tests.e2e.conftest import Shop, make_settings
from tests.e2e.test_staff import STAFF_CHAT, _virtual
from tests.fakebot import FakeTelegram

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
#: Monday 2026-11-30 08:00 in Shanghai.
START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
DAYS = 7
STEP = timedelta(minutes=15)
SHOPPERS = 24
BLOCKED = 2024  # this shopper blocked the bot before the week began
ABROAD = 2023  # this shopper lives in Berlin: their night is not Shanghai's
STAFF = 9001
SEND_METHODS = {"SendMessage", "SendPhoto", "SendDocument", "EditMessageText"}


@dataclass
class Week:
    shop: Shop
    tg: FakeTelegram
    rng: random.Random
    #: (method, chat id, virtual time) of every Bot API request.
    requests: list[tuple[str, Any, datetime]]
    customers: dict[int, int] = field(default_factory=dict)  # telegram id → customer id
    orders: int = 0
    open_tickets: list[int] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)

    @property
    def runtime(self) -> Runtime:
        return self.shop.runtime

    @property
    def now(self) -> datetime:
        return self.shop.clock.now()

    def local(self) -> datetime:
        return self.now.astimezone(SHANGHAI)

    async def new_paid_order(self, telegram_id: int, kind: ProductKind) -> tuple[int, int]:
        self.orders += 1
        order_no = f"WK-{self.orders:04d}"
        channel = self.rng.choice(
            [PaymentChannel.WECHAT, PaymentChannel.ALIPAY, PaymentChannel.BANK_CARD]
        )
        status = OrderStatus.DELIVERED if kind is ProductKind.CARD_KEY else OrderStatus.PAID
        await self.shop.add_order(
            order_no,
            customer=f"C{telegram_id}",
            name=f"顾客{telegram_id}",
            kind=kind,
            status=status,
            channel=channel,
            price_fen=self.rng.choice([600, 3000, 10000]),
            minutes_ago=5,
            activated=False if kind is ProductKind.CARD_KEY else None,
        )
        order = await self.shop.order(order_no)
        return order.customer_id, order.id

    # -- what people do ---------------------------------------------------------------------

    async def shopper_acts(self) -> None:
        telegram_id = self.rng.randint(2001, 2000 + SHOPPERS)
        if self.rng.random() < 0.6:
            customer_id, order_id = await self.new_paid_order(
                telegram_id, ProductKind.DIRECT_TOPUP
            )
            async with self.shop.session() as uow:
                await cancel_order(
                    uow,
                    customer_id=customer_id,
                    order_id=order_id,
                    actor=f"tg:{telegram_id}",
                    rules=self.runtime.rules,
                    now=self.now,
                )
        else:
            customer_id, order_id = await self.new_paid_order(telegram_id, ProductKind.CARD_KEY)
            async with self.shop.session() as uow:
                filed = await file_ticket(
                    uow,
                    customer_id=customer_id,
                    order_id=order_id,
                    reason=TicketReason.UNUSED_KEY,
                    reason_text="卡密没用过",
                    evidence=(),
                    actor=f"tg:{telegram_id}",
                    rules=self.runtime.rules,
                    now=self.now,
                )
            assert filed.outcome is ApplyOutcome.FILED and filed.ticket is not None
            self.open_tickets.append(filed.ticket.id)

    async def staff_work(self) -> None:
        """Staff decide tickets and move refunds along on working days, into the late shift.

        What they do after 22:00 reaches shoppers only the next morning (quiet hours).
        """
        if not self.runtime.rules.calendar.is_workday(self.local().date()):
            return
        if not time(9) <= self.local().time() < time(23, 30):
            return
        # Some tickets wait long enough to be reminded about, a few until overdue.
        for ticket_id in list(self.open_tickets):
            if self.rng.random() < 0.012:
                async with self.shop.session() as uow:
                    await review_ticket(
                        uow,
                        ticket_id=ticket_id,
                        reviewer_id=STAFF,
                        is_staff=True,
                        verdict=Verdict.APPROVE if self.rng.random() < 0.8 else Verdict.REJECT,
                        rules=self.runtime.rules,
                        now=self.now,
                        note="已核实",
                    )
                self.open_tickets.remove(ticket_id)
        async with self.shop.session() as uow:
            refunds = list(
                await uow.session.execute(
                    select(RefundRow.id, RefundRow.status).where(
                        RefundRow.status.in_(("requested", "processing", "failed"))
                    )
                )
            )
        for refund_id, status in refunds:
            action = self._next_action(RefundStatus(status))
            if action is None:
                continue
            async with self.shop.session() as uow:
                await change_refund(
                    uow,
                    refund_id,
                    action,
                    actor=f"staff:{STAFF}",
                    rules=self.runtime.rules,
                    now=self.now,
                    reason="原路退回被拒" if action is RefundAction.FAIL else None,
                )

    def _next_action(self, status: RefundStatus) -> RefundAction | None:
        roll = self.rng.random()
        if status is RefundStatus.REQUESTED:
            return RefundAction.SUBMIT if roll < 0.3 else None
        if status is RefundStatus.PROCESSING:
            if roll < 0.003:
                return RefundAction.FAIL
            return RefundAction.SUCCEED if roll < 0.012 else None
        return RefundAction.REINITIATE if roll < 0.2 else None

    async def shoppers_answer(self) -> None:
        """Shoppers asked "has it arrived?" answer within a few hours; a third say "not yet"."""
        async with self.shop.session() as uow:
            asked = list(
                await uow.session.scalars(
                    select(RefundRow.id).where(
                        RefundRow.arrival_asked_at.is_not(None),
                        RefundRow.shopper_confirmed_at.is_(None),
                        RefundRow.shopper_not_yet_at.is_(None),
                        RefundRow.status.in_(("requested", "processing")),
                    )
                )
            )
        for refund_id in asked:
            if self.rng.random() < 0.25:
                async with self.shop.session() as uow:
                    refund = await uow.refunds.get(refund_id)
                assert refund is not None
                async with self.shop.session() as uow:
                    await answer_arrival(
                        uow,
                        refund.customer_id,
                        refund.id,
                        arrived=self.rng.random() < 0.66,
                        actor="tg:shopper",
                        now=self.now,
                    )

    # -- the bot's own machinery ------------------------------------------------------------

    async def tick(self) -> None:
        await self.runtime.planner.tick()
        await self.runtime.notifier.deliver_due()

    def inject_faults(self) -> None:
        roll = self.rng.random()
        if roll < 0.03:
            self.faults["429"] += 1
            self.tg.fail_next("sendMessage", 429, retry_after=self.rng.choice([3, 10, 30]))
        elif roll < 0.05:
            self.faults["5xx"] += 1
            self.tg.fail_next("sendMessage", self.rng.choice([500, 502]), times=2)

    async def crash_a_sender(self) -> int:
        """A sender claims what is due and dies before sending: its leases must run out."""
        now = self.now
        async with self.shop.session() as uow:
            claimed = 0
            while claimed < 5:
                message = await uow.outbox.claim("staff", now=now, lease_until=now + LEASE)
                if message is None:
                    break
                claimed += 1
            await uow.commit()
        self.faults["crashed claims"] += claimed
        return claimed


@pytest.fixture
async def week(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Week]:
    clock = FixedClock(START)
    settings = make_settings(tg, tmp_path, daily_digest_at="09:00")
    runtime = Runtime(settings, clock=clock, sleep=_virtual(clock))
    requests: list[tuple[str, Any, datetime]] = []

    async def record(make_request: Any, bot: Any, method: Any) -> Any:
        requests.append((type(method).__name__, getattr(method, "chat_id", None), clock.now()))
        return await make_request(bot, method)

    runtime.bot.session.middleware(record)
    group = tg.group(STAFF_CHAT, "客服组")
    group.add_member(tg.user(STAFF, "李客服"))
    await runtime.prepare()
    shop = Shop(runtime, clock)
    sim = Week(shop, tg, random.Random(20261130), requests)
    for telegram_id in range(2001, 2001 + SHOPPERS):
        tg.user(telegram_id, f"顾客{telegram_id}")
        # A first order creates the customer; linking gives the bot their chat.
        await sim.new_paid_order(telegram_id, ProductKind.DIRECT_TOPUP)
        await shop.link(f"C{telegram_id}", telegram_id)
        async with shop.session() as uow:
            customer = await uow.customers.by_telegram(telegram_id)
        assert customer is not None
        sim.customers[telegram_id] = customer.id
    tg.user(BLOCKED, f"顾客{BLOCKED}").block()
    async with shop.session() as uow:
        await uow.session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == sim.customers[ABROAD])
            .values(timezone="Europe/Berlin")
        )
        await uow.commit()
    try:
        yield sim
    finally:
        await runtime.close()


async def test_a_week_with_faults_delivers_every_notification_once(week: Week) -> None:
    end = START + timedelta(days=DAYS)
    down_from = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # Thursday 01:00 in Shanghai
    down_until = down_from + timedelta(hours=10)
    crash_at = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # Thursday 11:00
    while week.now < end:
        step_end = week.now + STEP
        local = week.local()
        awake = time(9) <= local.time() < time(23)
        if awake and week.rng.random() < 0.35:
            await week.shopper_acts()
        await week.staff_work()
        if down_from <= week.now < down_until:
            pass  # the bot is down: nothing is planned or sent, the world goes on
        else:
            if crash_at <= week.now < crash_at + STEP:
                await week.crash_a_sender()
            await week.shoppers_answer()
            week.inject_faults()
            await week.tick()
        # Sending may have moved the virtual clock past the step; never move it back.
        week.shop.clock.current = max(week.now, step_end)
    # A last morning for whatever waited out the night or a backoff.
    for _ in range(40):
        week.shop.clock.advance(minutes=30)
        await week.tick()

    report = await _check(week)
    print(report)


async def _check(week: Week) -> str:
    async with week.shop.session() as uow:
        rows = list(await uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        refunds = list(await uow.session.scalars(select(RefundRow)))
        uow.session.expunge_all()  # readable after the session ends
        blocked_customer = week.customers[BLOCKED]
    statuses = Counter(r.status for r in rows)
    assert statuses["pending"] == statuses["sending"] == statuses["dead"] == 0, statuses
    for row in rows:
        if row.status == "failed":
            assert row.customer_id == blocked_customer and "unreachable" in (row.last_error or "")
        elif row.status == "skipped":
            # Superseded by the time it was due (answered, arrived, decided): by design.
            assert row.kind in SUPERSEDABLE, (row.kind, row.last_error)
    expected = [r for r in rows if r.status != "skipped"]
    delivered = [r for r in rows if r.status == "sent"]
    unreachable = [r for r in rows if r.status == "failed"]
    assert len(delivered) + len(unreachable) == len(expected)

    # Exactly once: each sent row is one message the fake holds, in the chat it was for.
    chat_of = {cid: tid for tid, cid in week.customers.items()}
    per_chat: dict[int, set[int]] = defaultdict(set)
    for row in delivered:
        chat = STAFF_CHAT if row.audience == "staff" else chat_of[row.customer_id]
        assert row.message_id is not None
        if row.kind in EDITS:
            continue  # the card it edited, not a message of its own
        assert row.message_id not in per_chat[chat], row.dedupe_key
        per_chat[chat].add(row.message_id)
    for chat, ids in per_chat.items():
        held = {m.message_id for m in week.tg.messages(chat, from_bot=True)}
        assert ids <= held
        if chat != STAFF_CHAT:
            # Shoppers got nothing else from the bot: no duplicate, no stray message.
            assert held == ids, chat

    # Every refund event the week caused reached its shopper (unless they blocked the bot).
    keys = {r.dedupe_key: r for r in rows}
    for refund in refunds:
        mine = refund.id
        if refund.submitted_at is not None:
            assert any(k.startswith(f"refund-submitted:{mine}:") for k in keys)
        if refund.status == "succeeded":
            assert f"refund-succeeded:{mine}" in keys
    # One digest for each morning, the one after the downtime included.
    digests = [r for r in rows if r.kind == "staff.digest"]
    last_day = (week.now.astimezone(SHANGHAI) - timedelta(hours=9)).date()
    days = (last_day - START.astimezone(SHANGHAI).date()).days + 1
    assert [r.dedupe_key for r in digests] == [
        f"digest:{(START + timedelta(days=d)).astimezone(SHANGHAI).date()}" for d in range(days)
    ]
    arrivals = Counter(r.dedupe_key for r in rows if r.kind == "customer.refund_arrival_check")
    assert all(n == 1 for n in arrivals.values())
    # Pushes caused in a shopper's night went out in their morning, none was lost for it.
    held = [
        r
        for r in delivered
        if r.audience == "customer"
        and r.customer_id != week.customers[ABROAD]
        and not time(8) <= r.created_at.astimezone(SHANGHAI).time() < time(22)
    ]
    assert held, "the week made no push at night: quiet hours were not exercised"
    for row in held:
        assert row.sent_at is not None
        assert row.sent_at >= quiet_until(row.created_at, SHANGHAI), row.dedupe_key

    busiest_second, busiest_staff_minute, min_gap = _check_timing(week)
    settings = week.runtime.settings
    return (
        f"week: {week.orders} orders, {len(refunds)} refunds, faults {dict(week.faults)}; "
        f"notifications expected {len(expected)}, delivered {len(delivered)}, "
        f"unreachable {len(unreachable)}, superseded {statuses['skipped']} "
        f"{dict(Counter((r.kind, r.last_error) for r in rows if r.status == 'skipped'))}, "
        f"held overnight {len(held)}, "
        f"duplicates 0; by kind {dict(Counter(r.kind for r in delivered))}; "
        f"busiest second {busiest_second}/{settings.global_messages_per_second}, "
        f"busiest staff minute {busiest_staff_minute}/{settings.staff_messages_per_minute}, "
        f"closest private gap {min_gap.total_seconds():.1f}s"
    )


def _check_timing(week: Week) -> tuple[int, int, timedelta]:
    """No push in a shopper's night; Telegram's limits held, on the virtual timestamps."""
    sends = [(m, chat, at) for m, chat, at in week.requests if m in SEND_METHODS]
    tz_of = {tid: (BERLIN if tid == ABROAD else SHANGHAI) for tid in week.customers}
    for _, chat, at in sends:
        if chat in tz_of:
            hour = at.astimezone(tz_of[chat]).time()
            assert time(8) <= hour < time(22), (chat, at)

    settings = week.runtime.settings
    staff_times = [at for _, chat, at in sends if chat == STAFF_CHAT]
    per_minute = settings.staff_messages_per_minute
    for early, late in zip(staff_times, staff_times[per_minute:], strict=False):
        assert late - early >= timedelta(minutes=1)
    by_chat: dict[Any, list[datetime]] = defaultdict(list)
    for _, chat, at in sends:
        by_chat[chat].append(at)
    min_gap = min(
        (
            b - a
            for chat, times in by_chat.items()
            if chat != STAFF_CHAT
            for a, b in itertools.pairwise(times)
        ),
        default=timedelta(seconds=99),
    )
    assert min_gap >= timedelta(seconds=1)
    all_times = sorted(at for _, _, at in sends)
    busiest_second = max(
        (
            sum(1 for t in all_times[i : i + 60] if t - at < timedelta(seconds=1))
            for i, at in enumerate(all_times)
        ),
        default=0,
    )
    assert busiest_second <= settings.global_messages_per_second
    busiest_staff_minute = max(
        (
            sum(1 for t in staff_times[i : i + 60] if t - at < timedelta(minutes=1))
            for i, at in enumerate(staff_times)
        ),
        default=0,
    )
    return busiest_second, busiest_staff_minute, min_gap


#: Kinds that edit an earlier message (the refund card) instead of sending a new one.
EDITS = {"staff.refund_updated"}
SUPERSEDABLE = {
    "customer.refund_arrival_check",
    "staff.refund_followup",
    "staff.ticket_reminder",
    "staff.ticket_overdue",
}
