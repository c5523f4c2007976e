"""The rules of talking to staff: working hours, one open case per order, reopening or a new
case, messages recorded once, closing, saved replies; over the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkdayCalendar
from domain.cases import CaseStatus, CaseTopic, Direction, Incoming, MessageKind
from domain.conversations import (
    ALBUM_WAIT,
    OpenOutcome,
    OpenResult,
    ReplyOutcome,
    StaffOutcome,
    Where,
    WriteOutcome,
    WriteResult,
    case_topic,
    close_case,
    open_case,
    reopen_case,
    reply_name,
    reply_text,
    save_reply,
    send_saved_reply,
    shopper_writes,
    staff_answer_from,
    staff_writes,
)
from domain.notifications import Kind
from domain.orders import Customer, Order, OrderStatus, PaymentChannel, ProductKind
from domain.policy import RefusalBudget, ShopRules
from domain.ports import Notification
from tests.unit.fakes import FakeUnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = ShopRules(calendar=WorkdayCalendar(), tz=SHANGHAI)
#: Thursday 2026-11-26 10:00 in Shanghai.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
ZHANG = Customer(id=1, code="C0001", name="张三", telegram_id=7001)
LI = Customer(id=2, code="C0002", name="李四", telegram_id=7002)


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --------------------------------------------------------------------------- working hours


@pytest.mark.parametrize(
    ("now", "answer_from"),
    [
        (local(2026, 11, 26, 10, 0), None),  # a Thursday morning: staff are there
        (local(2026, 11, 26, 8, 59), local(2026, 11, 26, 9, 0)),  # before opening
        (local(2026, 11, 26, 18, 0), local(2026, 11, 27, 9, 0)),  # closing time is closed
        (local(2026, 11, 27, 20, 0), local(2026, 11, 30, 9, 0)),  # Friday night: Monday
        (local(2026, 11, 28, 11, 0), local(2026, 11, 30, 9, 0)),  # a Saturday
        # Spring Festival: Friday evening → the make-up working Saturday 14 February...
        (local(2026, 2, 13, 19, 0), local(2026, 2, 14, 9, 0)),
        # ...and after it, the days off until Tuesday 24 February.
        (local(2026, 2, 14, 18, 30), local(2026, 2, 24, 9, 0)),
        (local(2026, 2, 16, 10, 0), local(2026, 2, 24, 9, 0)),  # a holiday Monday
        (local(2026, 2, 28, 10, 0), None),  # a make-up Saturday is a working day
        (local(2026, 9, 30, 18, 1), local(2026, 10, 8, 9, 0)),  # National Day week
    ],
)
def test_staff_answer_from_the_next_opening_outside_working_hours(
    now: datetime, answer_from: datetime | None
) -> None:
    assert staff_answer_from(now.astimezone(UTC), RULES.calendar, SHANGHAI) == answer_from


def test_working_hours_are_the_shops_wall_clock_whatever_the_time_zone_given() -> None:
    # 01:30 UTC is 09:30 in Shanghai: open, although it is the middle of the night in UTC.
    assert (
        staff_answer_from(datetime(2026, 11, 26, 1, 30, tzinfo=UTC), RULES.calendar, SHANGHAI)
        is None
    )


def test_a_calendar_that_knows_no_holidays_works_monday_to_friday() -> None:
    friday_night = local(2026, 10, 2, 20, 0)  # a holiday for the real calendar
    assert staff_answer_from(friday_night, object(), SHANGHAI) == local(2026, 10, 5, 9, 0)
    assert staff_answer_from(local(2026, 10, 2, 10, 0), object(), SHANGHAI) is None


# --------------------------------------------------------------------------- small rules


def test_saved_reply_names_are_one_word_and_case_folded() -> None:
    assert reply_name(" Refund_ETA ") == "refund_eta"
    assert reply_name("退货地址") == "退货地址"
    assert reply_name("two words") is None
    assert reply_name("问号?") is None
    assert reply_name("x" * 33) is None
    assert reply_text("  请寄回  ") == "请寄回"
    assert reply_text("   ") is None
    assert reply_text("字" * 3001) is None


def order(
    order_id: int,
    customer: Customer = ZHANG,
    *,
    status: OrderStatus = OrderStatus.DELIVERING,
    kind: ProductKind = ProductKind.PHYSICAL,
    activated: bool | None = None,
) -> Order:
    placed = NOW - timedelta(days=1)
    return Order(
        id=order_id,
        order_no=f"KM-{order_id}",
        customer_id=customer.id,
        product_name="机械键盘",
        product_kind=kind,
        quantity=1,
        unit_price_fen=39_900,
        amount_paid_fen=39_900,
        status=status,
        placed_at=placed,
        payment_channel=PaymentChannel.WECHAT,
        paid_at=placed,
        delivered_at=placed if status is OrderStatus.DELIVERED else None,
        card_key_activated=activated,
    )


@pytest.mark.parametrize(
    ("arranged", "topic"),
    [
        (order(1), CaseTopic.RETURN),  # a parcel on its way
        (order(1, status=OrderStatus.DELIVERED), CaseTopic.RETURN),
        (
            order(1, status=OrderStatus.DELIVERED, kind=ProductKind.CARD_KEY, activated=True),
            CaseTopic.EXCHANGE,
        ),
        (
            order(1, status=OrderStatus.DELIVERED, kind=ProductKind.DIRECT_TOPUP),
            CaseTopic.NEGOTIATE,
        ),
        (order(1, status=OrderStatus.COMPLETED), CaseTopic.AFTER_SALES),
        (order(1, status=OrderStatus.PAID), CaseTopic.GENERAL),
    ],
)
def test_a_case_about_an_order_is_about_where_the_rules_leave_the_shopper(
    arranged: Order, topic: CaseTopic
) -> None:
    assert case_topic(RULES.decide(arranged, NOW)) is topic


# --------------------------------------------------------------------------- use cases


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    fake.seed(ZHANG, LI, order(10), order(20, LI))
    return fake


def rules() -> ShopRules:
    return ShopRules(calendar=WorkdayCalendar(), tz=SHANGHAI, refusals=RefusalBudget())


async def press(
    uow: FakeUnitOfWork,
    order_id: int | None = 10,
    *,
    now: datetime = NOW,
    topic: CaseTopic = CaseTopic.RETURN,
    shop: ShopRules = RULES,
) -> OpenResult:
    """张三 presses 💬 for this order."""
    return await open_case(
        uow,
        customer_id=ZHANG.id,
        order_id=order_id,
        topic=topic,
        actor="tg:7001",
        rules=shop,
        now=now,
    )


async def opened(uow: FakeUnitOfWork, order_id: int | None = 10, now: datetime = NOW) -> int:
    result = await press(uow, order_id, now=now)
    assert result.case is not None
    return result.case.id


def text(message_id: int, *, chat_id: int = 7001, album: str | None = None) -> Incoming:
    if album is not None:
        return Incoming(chat_id, message_id, MessageKind.PHOTO, "file", None, album)
    return Incoming(chat_id, message_id, MessageKind.TEXT)


async def shopper_says(
    uow: FakeUnitOfWork, case_id: int, incoming: Incoming, now: datetime = NOW
) -> WriteResult:
    return await shopper_writes(
        uow,
        customer_id=ZHANG.id,
        case_id=case_id,
        incoming=incoming,
        telegram_id=7001,
        rules=RULES,
        now=now,
    )


def rows(uow: FakeUnitOfWork, kind: Kind) -> list[Notification]:
    return [n for n in uow.committed.outbox.values() if n.kind is kind]


async def test_one_open_case_per_order_and_shopper_pressing_again_resumes_it(
    uow: FakeUnitOfWork,
) -> None:
    first = await press(uow)
    again = await press(uow, topic=CaseTopic.GENERAL)
    assert first.outcome is OpenOutcome.OPENED and again.outcome is OpenOutcome.RESUMED
    assert first.case == again.case
    assert first.staff_from is None  # Thursday 10:00
    assert len(uow.committed.cases) == 1
    [header] = rows(uow, Kind.STAFF_CASE_OPENED)
    assert header.chain == f"case:{first.case.id}:staff"
    assert [e.action for e in uow.committed.audit] == ["case.opened"]


async def test_another_shoppers_order_opens_nothing_and_is_audited(uow: FakeUnitOfWork) -> None:
    result = await press(uow, 20, shop=rules())
    assert result.outcome is OpenOutcome.NOT_FOUND and result.case is None
    assert uow.committed.cases == {}
    assert [(e.action, e.detail) for e in uow.committed.audit] == [
        ("press.refused", {"why": "case_not_owned"})
    ]


async def test_the_first_message_is_acknowledged_and_a_message_seen_twice_is_kept_once(
    uow: FakeUnitOfWork,
) -> None:
    case_id = await opened(uow)
    first = await shopper_says(uow, case_id, text(5))
    second = await shopper_says(uow, case_id, text(6))
    again = await shopper_says(uow, case_id, text(6))  # Telegram handed it out twice
    assert (first.outcome, first.first) == (WriteOutcome.SENT, True)
    assert (second.outcome, second.first) == (WriteOutcome.SENT, False)
    assert again.outcome is WriteOutcome.DUPLICATE
    relays = rows(uow, Kind.STAFF_CASE_MESSAGE)
    assert len(relays) == 2 == len(uow.committed.case_messages)
    assert {r.chain for r in relays} == {f"case:{case_id}:staff"}


async def test_an_albums_relay_waits_a_moment_for_its_other_photos(uow: FakeUnitOfWork) -> None:
    case_id = await opened(uow)
    await shopper_says(uow, case_id, text(5, album="g1"))
    await shopper_says(uow, case_id, text(6, album="g1"))
    due = {r.due_at for r in rows(uow, Kind.STAFF_CASE_MESSAGE)}
    assert due == {NOW + ALBUM_WAIT}
    lead = min(uow.committed.case_messages.values(), key=lambda m: m.id)
    taken = await uow.cases.take_album(lead)
    assert [m.message_id for m in taken] == [5, 6]
    later = max(uow.committed.case_messages.values(), key=lambda m: m.id)
    assert await uow.cases.take_album(later) == []  # sent with the first


async def test_outside_working_hours_the_shopper_is_told_once_per_quiet_stretch(
    uow: FakeUnitOfWork,
) -> None:
    friday_night = local(2026, 11, 27, 20, 0).astimezone(UTC)
    result = await press(uow, now=friday_night)
    assert result.staff_from == local(2026, 11, 30, 9, 0)
    assert result.case is not None
    saturday = friday_night + timedelta(days=1)
    told = await shopper_says(uow, result.case.id, text(5), saturday)
    assert told.staff_from is None
    monday_night = local(2026, 11, 30, 19, 0).astimezone(UTC)
    told = await shopper_says(uow, result.case.id, text(6), monday_night)
    assert told.staff_from == local(2026, 12, 1, 9, 0)
    told = await shopper_says(uow, result.case.id, text(7), monday_night)
    assert told.staff_from is None


async def staff_close(uow: FakeUnitOfWork, case_id: int, staff: bool = True) -> StaffOutcome:
    result = await close_case(
        uow, where=Where(case_id=case_id), staff_id=9001, is_staff=staff, now=NOW
    )
    return result.outcome


async def test_staff_close_a_case_audited_and_told_to_the_shopper_in_the_cases_order(
    uow: FakeUnitOfWork,
) -> None:
    case_id = await opened(uow)
    assert await staff_close(uow, case_id, staff=False) is StaffOutcome.NOT_STAFF
    assert uow.committed.cases[case_id].status is CaseStatus.OPEN
    assert await staff_close(uow, case_id) is StaffOutcome.DONE
    assert await staff_close(uow, case_id) is StaffOutcome.ALREADY
    assert uow.committed.cases[case_id].status is CaseStatus.CLOSED
    actions = [(e.action, e.actor) for e in uow.committed.audit]
    # The case has ended: the shopper is asked once how it went, in the same transaction.
    assert actions[-3:] == [
        ("case.staff_refused", "tg:9001"),
        ("case.closed", "staff:9001"),
        ("satisfaction.asked", "bot"),
    ]
    [news] = rows(uow, Kind.CUSTOMER_CASE_CLOSED)
    assert news.chain == f"case:{case_id}:shopper"
    [change] = rows(uow, Kind.STAFF_CASE_CHANGED)
    assert change.payload.closed


async def test_a_message_to_a_recently_closed_case_reopens_it_an_old_one_gets_a_new_case(
    uow: FakeUnitOfWork,
) -> None:
    case_id = await opened(uow)
    await staff_close(uow, case_id)
    reopened = await shopper_says(uow, case_id, text(5), NOW + timedelta(days=6))
    assert reopened.opened is OpenOutcome.REOPENED
    assert reopened.case.id == case_id
    assert rows(uow, Kind.CUSTOMER_CASE_REOPENED) == []  # their own doing: nothing to tell

    await staff_close(uow, case_id)  # closed at NOW, so a week later it is old
    new = await shopper_says(uow, case_id, text(6), NOW + timedelta(days=7))
    assert new.opened is OpenOutcome.OPENED
    assert new.case.id != case_id
    assert new.first
    assert len(rows(uow, Kind.STAFF_CASE_OPENED)) == 2


async def test_staff_reopen_an_old_case_only_while_no_newer_one_is_open(
    uow: FakeUnitOfWork,
) -> None:
    old = await opened(uow)
    await staff_close(uow, old)
    new = await opened(uow, now=NOW + timedelta(days=8))
    assert new != old
    result = await reopen_case(
        uow, where=Where(case_id=old), staff_id=9001, is_staff=True, now=NOW
    )
    assert result.outcome is StaffOutcome.NEWER_OPEN
    await staff_close(uow, new)
    result = await reopen_case(
        uow, where=Where(case_id=old), staff_id=9001, is_staff=True, now=NOW
    )
    assert result.outcome is StaffOutcome.DONE
    assert [n.payload.case_id for n in rows(uow, Kind.CUSTOMER_CASE_REOPENED)] == [old]


async def test_staff_write_only_into_an_open_case_they_can_name(uow: FakeUnitOfWork) -> None:
    case_id = await opened(uow)
    await uow.cases.set_thread(case_id, -1001, 77)
    await uow.commit()
    incoming = text(900, chat_id=-1001)

    async def says(
        where: Where, *, staff: bool = True, message: Incoming | None = incoming
    ) -> StaffOutcome:
        result = await staff_writes(
            uow, where=where, staff_id=9001, is_staff=staff, incoming=message, now=NOW
        )
        return result.outcome

    assert await says(Where(thread_id=78, chat_id=-1001)) is StaffOutcome.NO_CASE
    assert await says(Where(thread_id=77, chat_id=-1001), staff=False) is StaffOutcome.NOT_STAFF
    assert await says(Where(thread_id=77, chat_id=-1001), message=None) is StaffOutcome.UNSUPPORTED
    assert await says(Where(thread_id=77, chat_id=-1001)) is StaffOutcome.DONE
    assert await says(Where(thread_id=77, chat_id=-1001)) is StaffOutcome.DUPLICATE
    [copy] = rows(uow, Kind.CUSTOMER_CASE_MESSAGE)
    assert copy.chain == f"case:{case_id}:shopper"
    [written] = uow.committed.case_messages.values()
    assert (written.direction, written.author) == (Direction.OUT, 9001)
    await staff_close(uow, case_id)
    assert (
        await says(Where(thread_id=77, chat_id=-1001), message=text(901, chat_id=-1001))
        is StaffOutcome.CLOSED
    )


async def test_a_saved_reply_goes_to_the_cases_shopper_as_the_shops_text(
    uow: FakeUnitOfWork,
) -> None:
    case_id = await opened(uow)
    saved = await save_reply(
        uow, name="地址", text="请寄到上海", staff_id=9001, is_staff=True, now=NOW
    )
    assert saved is ReplyOutcome.SAVED
    command = text(950, chat_id=-1001)
    where = Where(case_id=case_id)
    unknown = await send_saved_reply(
        uow, where=where, name="无", staff_id=9001, is_staff=True, incoming=command, now=NOW
    )
    assert unknown.outcome is StaffOutcome.UNKNOWN_REPLY
    sent = await send_saved_reply(
        uow, where=where, name="地址", staff_id=9001, is_staff=True, incoming=command, now=NOW
    )
    assert (sent.outcome, sent.text) == (StaffOutcome.DONE, "请寄到上海")
    [written] = uow.committed.case_messages.values()
    assert (written.kind, written.text) == (MessageKind.SAVED, "请寄到上海")
