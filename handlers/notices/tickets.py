"""What the staff chat sees of a ticket (its card, screenshots, a withdrawal), and the
shopper's news of the decision."""

from __future__ import annotations

from aiogram.types import Message, ReplyParameters

from domain.cases import CaseTopic
from domain.notifications import TicketDecided, TicketEvidence, TicketNew, TicketWithdrawn, encode
from domain.review import StaffTicketView, evidence_notice
from domain.staff import ticket_with_card
from domain.tickets import Evidence, TicketStatus, Verdict
from handlers.conversation_views import contact_keyboard
from handlers.notices.base import Letter, NotReady, Outlet, Sent, Skip
from handlers.staff.chat import edit_card, staff_name
from handlers.staff.ticket_views import decided_text, ticket_card_view


async def _view(out: Outlet, ticket_id: int) -> tuple[StaffTicketView, int | None]:
    async with out.uows() as uow:
        view, card_id = await ticket_with_card(uow, ticket_id, out.rules, out.clock.now())
    if view is None:
        raise Skip(f"ticket {ticket_id} not found")
    return view, card_id


async def ticket_card(out: Outlet, letter: Letter[TicketNew]) -> Sent:
    """The card, then each screenshot as its own queued reply (paced and retried alone)."""
    chat_id, t = letter.chat_id, letter.t
    view, _ = await _view(out, letter.payload.ticket_id)
    who = await staff_name(out.bot, chat_id, view.ticket.decided_by)
    text, markup = ticket_card_view(t, view, out.rules, out.clock.now(), who)
    message_id = await out.send_text(chat_id, text, reply_markup=markup)
    now = out.clock.now()
    follow_ups = [
        evidence_notice(view.ticket.id, evidence, letter.customer_id, now)
        for evidence in view.ticket.evidence
    ]
    return Sent(message_id, follow_ups)


async def evidence(out: Outlet, letter: Letter[TicketEvidence]) -> Sent:
    chat_id, ticket_id, file_id = letter.chat_id, letter.payload.ticket_id, letter.payload.file_id
    view, card_id = await _view(out, ticket_id)
    if card_id is None:
        raise NotReady("the ticket's card is not posted yet")
    found = [e for e in view.ticket.evidence if e.file_id == file_id]
    shown = found[0] if found else Evidence(file_id, file_id, "photo")
    caption = letter.t("staff-evidence-caption", id=ticket_id)
    reply = ReplyParameters(message_id=card_id, allow_sending_without_reply=True)
    if shown.kind == "document":
        sent: Message = await out.call(
            chat_id,
            lambda: out.bot.send_document(
                chat_id, file_id, caption=caption, reply_parameters=reply
            ),
        )
    else:
        sent = await out.call(
            chat_id,
            lambda: out.bot.send_photo(chat_id, file_id, caption=caption, reply_parameters=reply),
        )
    return Sent(sent.message_id)


async def withdrawn(out: Outlet, letter: Letter[TicketWithdrawn]) -> Sent:
    chat_id, t, ticket_id = letter.chat_id, letter.t, letter.payload.ticket_id
    view, card_id = await _view(out, ticket_id)
    if card_id is not None and view.ticket.status is TicketStatus.WITHDRAWN:
        text, markup = ticket_card_view(t, view, out.rules, out.clock.now())
        await out.call(chat_id, lambda: edit_card(out.bot, chat_id, card_id, text, markup))
    notice = t("staff-withdrawn-notice", id=ticket_id, order_no=view.ticket.order_no)
    return Sent(await out.send_text(chat_id, notice, reply_to=card_id))


async def decided(out: Outlet, letter: Letter[TicketDecided]) -> Sent:
    # The decision's text reads the stored facts, as rows have always been written.
    text = decided_text(letter.t, encode(letter.payload))
    # It ends "any question: contact staff": the button opens the case about the order
    # (an exchange is agreed with staff there).
    async with out.uows() as uow:
        ticket = await uow.tickets.get(letter.payload.ticket_id)
    topic = CaseTopic.EXCHANGE if letter.payload.verdict is Verdict.EXCHANGE else CaseTopic.GENERAL
    order_id = ticket.order_id if ticket is not None else None
    markup = contact_keyboard(letter.t, order_id, topic)
    return Sent(await out.send_text(letter.chat_id, text, reply_markup=markup))
