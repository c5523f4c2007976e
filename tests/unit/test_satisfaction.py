"""Satisfaction: asked once per case, not twice in a row for one order, answered once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.notifications import Kind, SatisfactionAsk
from domain.orders import Customer, Order, OrderStatus, PaymentChannel, ProductKind
from domain.policy import RefusalBudget
from domain.ports import SurveyStatus
from domain.ratings import CommentOutcome, RatingOutcome, comment_case, rate_case
from domain.satisfaction import (
    CONVERSATION,
    MAX_COMMENT,
    REFUND,
    RELATED_WITHIN,
    TICKET,
    ask_satisfaction,
    case_key,
)
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def shop() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.seed(
        Customer(3, "C3", "张三", telegram_id=1001),
        Customer(4, "C4", "李四", telegram_id=1002),
        Order(
            id=7,
            order_no="KM-7",
            customer_id=3,
            product_name="点卡",
            product_kind=ProductKind.CARD_KEY,
            quantity=1,
            unit_price_fen=600,
            amount_paid_fen=600,
            status=OrderStatus.CANCELLED,
            placed_at=NOW,
            payment_channel=PaymentChannel.WECHAT,
            paid_at=NOW,
        ),
    )
    return uow


async def ask(uow: FakeUnitOfWork, case: str, now: datetime = NOW, order_id: int = 7) -> bool:
    async with uow:
        asked = await ask_satisfaction(uow, customer_id=3, case=case, order_id=order_id, now=now)
        await uow.commit()
    return asked


def asks(uow: FakeUnitOfWork) -> list[SatisfactionAsk]:
    return [
        n.payload  # type: ignore[misc]
        for n in uow.committed.outbox.values()
        if n.kind is Kind.CUSTOMER_SATISFACTION_ASK
    ]


async def test_a_case_is_asked_about_once_however_often_it_ends() -> None:
    uow = shop()
    assert await ask(uow, case_key(TICKET, 12))
    assert not await ask(uow, case_key(TICKET, 12), NOW + timedelta(days=3))
    [question] = asks(uow)
    assert (question.order_no, question.topic) == ("KM-7", "ticket")
    assert [e.action for e in uow.committed.audit] == ["satisfaction.asked"]


async def test_a_related_case_of_the_same_order_soon_after_is_not_asked_and_never_later() -> None:
    uow = shop()
    assert await ask(uow, case_key(TICKET, 12))
    soon = NOW + RELATED_WITHIN - timedelta(minutes=1)
    assert not await ask(uow, case_key(REFUND, 5), soon)
    assert not await ask(uow, case_key(REFUND, 5), NOW + timedelta(days=5))
    assert len(asks(uow)) == 1
    statuses = sorted(s.status for s in uow.committed.surveys.values())
    assert statuses == [SurveyStatus.ASKED, SurveyStatus.SUPPRESSED]
    assert [e.action for e in uow.committed.audit] == [
        "satisfaction.asked",
        "satisfaction.not_asked",
    ]


async def test_a_related_case_a_day_later_is_asked() -> None:
    uow = shop()
    assert await ask(uow, case_key(TICKET, 12))
    assert await ask(uow, case_key(REFUND, 5), NOW + RELATED_WITHIN)
    assert [q.topic for q in asks(uow)] == ["ticket", "refund"]


async def test_a_case_about_no_order_is_asked_without_an_order_number() -> None:
    uow = shop()
    async with uow:
        await ask_satisfaction(
            uow, customer_id=3, case=case_key(CONVERSATION, 1), order_id=None, now=NOW
        )
        await uow.commit()
    [question] = asks(uow)
    assert (question.order_no, question.topic) == ("", "conversation")


async def rate(uow: FakeUnitOfWork, survey_id: int, rating: int | None, customer: int = 3):  # type: ignore[no-untyped-def]
    return await rate_case(
        uow,
        customer_id=customer,
        survey_id=survey_id,
        rating=rating,
        actor="tg:1001",
        refusals=RefusalBudget(),
        now=NOW + timedelta(hours=1),
    )


async def test_a_rating_is_taken_once_and_a_second_press_changes_nothing() -> None:
    uow = shop()
    await ask(uow, case_key(TICKET, 12))
    [question] = asks(uow)
    first = await rate(uow, question.survey_id, 4)
    assert first.outcome is RatingOutcome.RATED
    again = await rate(uow, question.survey_id, 1)
    assert again.outcome is RatingOutcome.ALREADY
    survey = uow.committed.surveys[question.survey_id]
    assert (survey.status, survey.rating) == (SurveyStatus.RATED, 4)
    assert uow.committed.audit[-1].action == "satisfaction.rated"
    assert uow.committed.audit[-1].detail["rating"] == 4


async def test_another_shoppers_press_and_a_forged_rating_are_refused_and_audited() -> None:
    uow = shop()
    await ask(uow, case_key(TICKET, 12))
    [question] = asks(uow)
    assert (await rate(uow, question.survey_id, 5, customer=4)).outcome is RatingOutcome.NOT_FOUND
    assert (await rate(uow, question.survey_id, 9)).outcome is RatingOutcome.NOT_FOUND
    assert uow.committed.surveys[question.survey_id].status is SurveyStatus.ASKED
    refused = [e for e in uow.committed.audit if e.action == "press.refused"]
    assert [e.detail["why"] for e in refused] == ["survey_not_owned", "survey_not_owned"]


async def test_skipping_ends_it_without_a_comment() -> None:
    uow = shop()
    await ask(uow, case_key(TICKET, 12))
    [question] = asks(uow)
    assert (await rate(uow, question.survey_id, None)).outcome is RatingOutcome.SKIPPED
    assert (await rate(uow, question.survey_id, 3)).outcome is RatingOutcome.ALREADY
    outcome = await comment(uow, question.survey_id, "还行")
    assert outcome is CommentOutcome.CLOSED


async def comment(uow: FakeUnitOfWork, survey_id: int, text: str | None) -> CommentOutcome:
    return await comment_case(
        uow, customer_id=3, survey_id=survey_id, text=text, actor="tg:1001", now=NOW
    )


async def test_a_comment_is_bounded_and_kept_once() -> None:
    uow = shop()
    await ask(uow, case_key(TICKET, 12))
    [question] = asks(uow)
    await rate(uow, question.survey_id, 5)
    assert await comment(uow, question.survey_id, "  ") is CommentOutcome.INVALID
    assert await comment(uow, question.survey_id, "很" * (MAX_COMMENT + 1)) is (
        CommentOutcome.INVALID
    )
    assert await comment(uow, question.survey_id, " 处理很快,谢谢 ") is CommentOutcome.SAVED
    assert await comment(uow, question.survey_id, "再说一句") is CommentOutcome.CLOSED
    survey = uow.committed.surveys[question.survey_id]
    assert (survey.status, survey.comment) == (SurveyStatus.DONE, "处理很快,谢谢")
    assert uow.committed.audit[-1].detail["comment"] == "处理很快,谢谢"


async def test_declining_the_comment_ends_it() -> None:
    uow = shop()
    await ask(uow, case_key(TICKET, 12))
    [question] = asks(uow)
    await rate(uow, question.survey_id, 2)
    assert await comment(uow, question.survey_id, None) is CommentOutcome.DECLINED
    assert await comment(uow, question.survey_id, None) is CommentOutcome.CLOSED
    assert uow.committed.surveys[question.survey_id].comment is None
