"""The shopper's open tickets: ``/tickets``, more screenshots for one, withdrawing one.

Every press re-checks that the ticket is the shopper's and still open; a press on
any other is refused politely (and audited by the use case).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.conversations import late_reviews
from domain.review import (
    EvidenceOutcome,
    add_ticket_evidence,
    customer_tickets,
    open_ticket_for,
    withdraw_ticket,
)
from domain.shopper import shopper
from domain.tickets import MAX_EVIDENCE, Evidence, EvidenceProblem, Ticket
from handlers.apply.draft import (
    IMAGE,
    MoreEvidence,
    evidence_of,
    leave_expired,
    leave_flow,
    load_more,
    problem_of,
    save_more,
)
from handlers.apply.views import (
    ask_more_view,
    evidence_problem_text,
    more_got_view,
    more_keyboard,
    ticket_view,
    tickets_view,
    withdraw_confirm_view,
    withdrawn_text,
)
from handlers.callbacks import MyTicketAction, MyTicketCb
from handlers.common import show
from handlers.context import Ctx
from handlers.keyboards import orders_keyboard, tickets_keyboard
from handlers.states import ApplyFlow


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(tickets_command, Command("tickets"))
    router.message.register(on_more_evidence, ApplyFlow.more_evidence, IMAGE)
    for action, handler in (
        (MyTicketAction.ADD, on_ticket_add),
        (MyTicketAction.DONE, on_ticket_done),
        (MyTicketAction.KEEP, on_ticket_keep),
        (MyTicketAction.WITHDRAW, on_withdraw_ask),
        (MyTicketAction.CONFIRM, on_withdraw_confirm),
    ):
        router.callback_query.register(handler, MyTicketCb.filter(F.action == action))
    return router


async def tickets_command(message: Message, ctx: Ctx) -> None:
    tickets = await customer_tickets(ctx.uow, ctx.customer.id)
    late = late_reviews(tickets, ctx.rules, ctx.now())
    text, markup = tickets_view(ctx.t, tickets, late)
    await message.answer(text, reply_markup=markup)


async def own_open_ticket(ticket_id: int, ctx: Ctx) -> Ticket | None:
    """The shopper's open ticket, or None with the press refused politely."""
    found = await open_ticket_for(
        ctx.uow, customer_id=ctx.customer.id, ticket_id=ticket_id, now=ctx.now()
    )
    if found is None:
        ctx.alert(ctx.t("ticket-not-open"))
    return found


# --------------------------------------------------------------------------- more screenshots


async def on_ticket_add(
    query: CallbackQuery, callback_data: MyTicketCb, state: FSMContext, ctx: Ctx
) -> None:
    ticket = await own_open_ticket(callback_data.ticket_id, ctx)
    if ticket is None:
        return
    if len(ticket.evidence) >= MAX_EVIDENCE:
        ctx.alert(ctx.t("ticket-evidence-full", limit=MAX_EVIDENCE))
        return
    await state.set_state(ApplyFlow.more_evidence)
    await save_more(state, MoreEvidence(ticket.id, len(ticket.evidence)))
    await show(query, *ask_more_view(ctx.t, ticket))


async def on_more_evidence(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """One more screenshot for a filed ticket; staff see it as it arrives."""
    more = await load_more(state)
    evidence = evidence_of(message)
    if more is None or evidence is None:
        await leave_expired(message, state, ctx.t)
    elif (problem := problem_of(evidence, already=more.count)) is not None:
        await refuse_evidence(message, more, problem, evidence, ctx)
    else:
        await add_evidence(message, state, more, evidence, ctx)


async def add_evidence(
    message: Message, state: FSMContext, more: MoreEvidence, evidence: Evidence, ctx: Ctx
) -> None:
    outcome = await store_evidence(more, evidence, ctx)
    if outcome is EvidenceOutcome.ADDED:
        more = MoreEvidence(more.ticket_id, more.count + 1)
        await save_more(state, more)
        text, markup = more_got_view(ctx.t, more)
        await message.answer(text, reply_markup=markup)
    elif outcome is EvidenceOutcome.TOO_MANY:
        await refuse_evidence(message, more, EvidenceProblem.TOO_MANY, evidence, ctx)
    else:
        await leave_flow(state)
        await message.answer(ctx.t("ticket-not-open"), reply_markup=tickets_keyboard(ctx.t))


async def store_evidence(more: MoreEvidence, evidence: Evidence, ctx: Ctx) -> EvidenceOutcome:
    return await add_ticket_evidence(
        ctx.uow,
        customer_id=ctx.customer.id,
        ticket_id=more.ticket_id,
        evidence=evidence,
        now=ctx.now(),
    )


async def refuse_evidence(
    message: Message, more: MoreEvidence, problem: EvidenceProblem, evidence: Evidence, ctx: Ctx
) -> None:
    text = evidence_problem_text(ctx.t, problem, message, evidence)
    await message.answer(text, reply_markup=more_keyboard(ctx.t, more.ticket_id))


async def on_ticket_done(
    query: CallbackQuery, callback_data: MyTicketCb, state: FSMContext, ctx: Ctx
) -> None:
    await leave_flow(state)
    await show_open_ticket(query, callback_data.ticket_id, ctx, head="ticket-evidence-saved")


async def show_open_ticket(query: CallbackQuery, ticket_id: int, ctx: Ctx, *, head: str) -> None:
    ticket = await own_open_ticket(ticket_id, ctx)
    if ticket is not None:
        late = ticket.id in late_reviews([ticket], ctx.rules, ctx.now())
        await show(query, *ticket_view(ctx.t, ticket, head=head, late=late))


# --------------------------------------------------------------------------- withdrawing


async def on_withdraw_ask(query: CallbackQuery, callback_data: MyTicketCb, ctx: Ctx) -> None:
    ticket = await own_open_ticket(callback_data.ticket_id, ctx)
    if ticket is not None:
        await show(query, *withdraw_confirm_view(ctx.t, ticket))


async def on_ticket_keep(query: CallbackQuery, callback_data: MyTicketCb, ctx: Ctx) -> None:
    await show_open_ticket(query, callback_data.ticket_id, ctx, head="ticket-kept")


async def on_withdraw_confirm(
    query: CallbackQuery, callback_data: MyTicketCb, state: FSMContext, ctx: Ctx
) -> None:
    ticket = await withdraw(callback_data.ticket_id, ctx)
    if ticket is None:
        ctx.alert(ctx.t("ticket-not-open"))
        return
    more = await load_more(state)
    if more is not None and more.ticket_id == ticket.id:
        await leave_flow(state)  # its screenshots have nowhere to go now
    # The order is as it was: the way back to the orders, to apply again or do otherwise.
    await show(query, withdrawn_text(ctx.t, ticket), orders_keyboard(ctx.t))


async def withdraw(ticket_id: int, ctx: Ctx) -> Ticket | None:
    return await withdraw_ticket(
        ctx.uow,
        customer_id=ctx.customer.id,
        ticket_id=ticket_id,
        actor=shopper(ctx.user_id),
        now=ctx.now(),
    )
