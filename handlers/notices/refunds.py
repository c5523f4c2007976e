"""The shopper's news of their refund: submitted, arrived, failed, and "has it arrived?"."""

from __future__ import annotations

from typing import Any

from domain.notifications import (
    ArrivalCheck,
    RefundFailed,
    RefundNews,
    RefundSubmitted,
    RefundSucceeded,
)
from handlers.notices.base import Letter, Outlet, Sent, Skip, send
from handlers.refund_views import (
    arrival_check_push,
    failed_push,
    submitted_push,
    succeeded_push,
)


def _common(news: RefundNews) -> dict[str, Any]:
    return {"order_no": news.order_no, "amount_fen": news.amount_fen, "channel": news.channel}


async def refund_submitted(out: Outlet, letter: Letter[RefundSubmitted]) -> Sent:
    news = letter.payload
    rendered = submitted_push(
        letter.t, news.refund_id, latest=news.latest, attempt=news.attempt, **_common(news)
    )
    return await send(out, letter, rendered)


async def refund_succeeded(out: Outlet, letter: Letter[RefundSucceeded]) -> Sent:
    news = letter.payload
    return await send(out, letter, succeeded_push(letter.t, news.refund_id, **_common(news)))


async def refund_failed(out: Outlet, letter: Letter[RefundFailed]) -> Sent:
    news = letter.payload
    async with out.uows() as uow:
        refund = await uow.refunds.get(news.refund_id)
    rendered = failed_push(
        letter.t,
        news.refund_id,
        reason=news.reason or None,
        attempt=news.attempt,
        # Staff must start it again: the shopper may talk to them about the order.
        order_id=refund.order_id if refund is not None else None,
        **_common(news),
    )
    return await send(out, letter, rendered)


async def refund_arrival_check(out: Outlet, letter: Letter[ArrivalCheck]) -> Sent:
    """Ask "has it arrived?" only while the question still stands for this attempt."""
    async with out.uows() as uow:
        refund = await uow.refunds.get(letter.payload.refund_id)
    if refund is None:
        raise Skip("refund not found")
    if not refund.status.open:
        raise Skip(f"refund {refund.id} is {refund.status}")
    if refund.attempt != letter.payload.attempt:
        raise Skip(f"refund {refund.id} is on attempt {refund.attempt}")
    if refund.shopper_confirmed_at is not None or refund.shopper_not_yet_at is not None:
        raise Skip(f"refund {refund.id}: the shopper already answered")
    return await send(out, letter, arrival_check_push(letter.t, refund))
