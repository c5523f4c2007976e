"""What the planner's staff rows say: review reminders, overdue alerts, the daily digest."""

from __future__ import annotations

from datetime import date

from bot.notifier import Notifier, Renderer, Sent, Skip
from domain.ports import OutboxMessage
from domain.staff import DAY_END, card_key
from domain.tickets import TicketStatus
from handlers.i18n import Translator
from handlers.staff_keyboards import left_text
from storage.uow import SqlUnitOfWork


async def _open_ticket_card(notifier: Notifier, ticket_id: int) -> int | None:
    """The ticket's card to reply to; Skip when the ticket was decided meanwhile."""
    async with notifier.session_factory() as session, SqlUnitOfWork(session) as uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None or ticket.status is not TicketStatus.OPEN:
            raise Skip(f"ticket {ticket_id} is no longer open")
        return await uow.outbox.message_id(card_key(ticket_id))


async def ticket_reminder(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    payload = message.payload
    ticket_id = int(payload["ticket_id"])
    card = await _open_ticket_card(notifier, ticket_id)
    deadline = date.fromisoformat(payload["deadline"])
    left = left_text(t, deadline, notifier.rules, notifier.clock.now())
    text = t(
        "staff-reminder",
        id=ticket_id,
        order_no=payload["order_no"],
        deadline=t.date(deadline),
        time=DAY_END.strftime("%H:%M"),
        left=left,
    )
    return Sent(await notifier.send_text(chat_id, text, reply_to=card))


async def ticket_overdue(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    payload = message.payload
    ticket_id = int(payload["ticket_id"])
    card = await _open_ticket_card(notifier, ticket_id)
    deadline = date.fromisoformat(payload["deadline"])
    text = t(
        "staff-overdue",
        id=ticket_id,
        order_no=payload["order_no"],
        deadline=t.date(deadline),
        time=DAY_END.strftime("%H:%M"),
    )
    return Sent(await notifier.send_text(chat_id, text, reply_to=card))


async def digest(notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage) -> Sent:
    payload = message.payload
    text = t(
        "staff-digest",
        day=t.date(date.fromisoformat(payload["day"])),
        new=int(payload["new"]),
        decided=int(payload["decided"]),
        overdue=int(payload["overdue"]),
        pending=int(payload["refunds_pending"]),
        failed=int(payload["refunds_failed"]),
    )
    return Sent(await notifier.send_text(chat_id, text))


RENDERERS: dict[str, Renderer] = {
    "staff.ticket_reminder": ticket_reminder,
    "staff.ticket_overdue": ticket_overdue,
    "staff.digest": digest,
}
