"""The shopper's refund pushes, rendered when the outbox sends them.

The facts come from the row's payload as it was when the change happened;
the arrival check alone reads the refund again, because by the time it goes
out the question may no longer make sense.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.notifier import Notifier, Renderer, Sent, Skip
from domain.orders import PaymentChannel
from domain.ports import OutboxMessage
from handlers.i18n import Translator
from handlers.refund_views import (
    Rendered,
    arrival_check_push,
    failed_push,
    submitted_push,
    succeeded_push,
)
from storage.uow import SqlUnitOfWork


def _id(payload: Mapping[str, Any]) -> int:
    return int(payload["refund_id"])


def _common(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "order_no": str(payload["order_no"]),
        "amount_fen": int(payload["amount_fen"]),
        "channel": PaymentChannel(payload["channel"]),
    }


async def _send(notifier: Notifier, chat_id: int, rendered: Rendered) -> Sent:
    text, markup = rendered
    return Sent(await notifier.send_text(chat_id, text, reply_markup=markup))


async def refund_submitted(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    payload = message.payload
    rendered = submitted_push(
        t,
        _id(payload),
        latest=date.fromisoformat(str(payload["latest"])),
        attempt=int(payload.get("attempt") or 1),
        **_common(payload),
    )
    return await _send(notifier, chat_id, rendered)


async def refund_succeeded(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    payload = message.payload
    return await _send(notifier, chat_id, succeeded_push(t, _id(payload), **_common(payload)))


async def refund_failed(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    payload = message.payload
    reason = payload.get("reason")
    rendered = failed_push(
        t,
        _id(payload),
        reason=str(reason) if reason else None,
        attempt=int(payload.get("attempt") or 1),
        **_common(payload),
    )
    return await _send(notifier, chat_id, rendered)


async def refund_arrival_check(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    """Ask "has it arrived?" only while the question still stands for this attempt."""
    payload = message.payload
    async with notifier.session_factory() as session, SqlUnitOfWork(session) as uow:
        refund = await uow.refunds.get(_id(payload))
    if refund is None:
        raise Skip("refund not found")
    if not refund.status.open:
        raise Skip(f"refund {refund.id} is {refund.status}")
    if refund.attempt != int(payload.get("attempt") or refund.attempt):
        raise Skip(f"refund {refund.id} is on attempt {refund.attempt}")
    if refund.shopper_confirmed_at is not None or refund.shopper_not_yet_at is not None:
        raise Skip(f"refund {refund.id}: the shopper already answered")
    return await _send(notifier, chat_id, arrival_check_push(t, refund))


RENDERERS: dict[str, Renderer] = {
    "customer.refund_submitted": refund_submitted,
    "customer.refund_succeeded": refund_succeeded,
    "customer.refund_failed": refund_failed,
    "customer.refund_arrival_check": refund_arrival_check,
}
