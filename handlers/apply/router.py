"""The application for cancel: reason, screenshots, summary, submit.

A resumable FSM (``handlers.states.ApplyFlow``) whose draft lives in FSM data
(``handlers.apply.draft``). Every press re-checks the order through a use case;
a press that does not fit the draft is refused politely.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, MagicData, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from domain.conversations import late_reviews
from domain.review import ApplyOutcome, ApplyResult, check_application, file_ticket
from domain.shopper import OrderCard, refuse_press, shopper
from domain.tickets import TicketKind, TicketReason, clean_reason_text
from handlers.apply import tickets
from handlers.apply.draft import (
    IMAGE,
    Draft,
    evidence_of,
    leave_expired,
    leave_flow,
    load_draft,
    load_more,
    problem_of,
    save_draft,
    step_named,
)
from handlers.apply.middleware import OneAtATime
from handlers.apply.views import (
    draft_evidence_view,
    hint_text,
    reason_text_problem,
    step_keyboard,
    step_view,
    ticket_view,
)
from handlers.callbacks import ApplyAction, ApplyCb, MyTicketCb, OrderAction, OrderCb
from handlers.common import named_order, on_unlinked_message, on_unlinked_press, show
from handlers.context import Ctx
from handlers.keyboards import orders_keyboard
from handlers.states import ApplyFlow
from handlers.views import Rendered, card_view

#: The card's buttons that open a request to staff, and what each asks for (None: what the
#: cancel rules allow — a cancel application, or a card key's activation check).
KINDS: dict[OrderAction, TicketKind | None] = {
    OrderAction.APPLY: None,
    OrderAction.APPLY_RESTORE: TicketKind.RESTORE,
    OrderAction.APPLY_COUPON: TicketKind.COUPON,
}

# --------------------------------------------------------------------------- routers


def create_leave_router() -> Router:
    """Any command during an application leaves it first; comes before every other router.

    Bare ``/cancel`` only leaves; other commands (``/start``, ``/cancel KM-1``, ...) then
    go on to their own handlers. ``/apply`` decides itself whether to resume.
    """
    router = Router(name=f"{__name__}.leave")
    router.message.filter(StateFilter(ApplyFlow))
    router.message.register(on_command_in_flow, F.text.startswith("/"))
    return router


def create_router() -> Router:
    router = Router(name=__name__)
    # An album's photos arrive together and are handled concurrently: count them in turn.
    router.message.middleware(OneAtATime())

    # Everything below needs a linked shopper; the unlinked are told how to link first.
    unlinked = MagicData(F.customer.is_(None))
    mine = or_f(ApplyCb.filter(), MyTicketCb.filter(), OrderCb.filter(F.action.in_(KINDS)))
    router.callback_query.register(on_unlinked_press, unlinked, mine)
    router.message.register(on_unlinked_message, unlinked, Command("apply", "tickets", "coupon"))
    router.message.register(on_unlinked_in_flow, unlinked, StateFilter(ApplyFlow))
    # The tickets' screenshots first: the wizard's last handler takes anything in its states.
    router.include_routers(tickets.create_router(), create_wizard_router())
    return router


def create_wizard_router() -> Router:
    router = Router(name=f"{__name__}.wizard")
    router.message.register(apply_command, Command("apply"))
    router.message.register(coupon_command, Command("coupon"))
    router.callback_query.register(on_apply, OrderCb.filter(F.action.in_(KINDS)))
    router.callback_query.register(on_leave, ApplyCb.filter(F.action == ApplyAction.LEAVE))
    router.callback_query.register(on_step, ApplyCb.filter())
    plain_text = F.text & ~F.text.startswith("/")
    router.message.register(on_reason_text, ApplyFlow.reason, plain_text)
    router.message.register(on_reason_text, ApplyFlow.text, plain_text)
    router.message.register(on_evidence, ApplyFlow.evidence, IMAGE)
    router.message.register(on_other_input, StateFilter(ApplyFlow), ~F.text.startswith("/"))
    return router


# --------------------------------------------------------------------------- leaving


async def on_command_in_flow(message: Message, state: FSMContext, ctx: Ctx) -> None:
    command, _, args = (message.text or "").partition(" ")
    name = command[1:].split("@", 1)[0].lower()
    if name == "apply":
        raise SkipHandler  # /apply resumes the same order's draft or starts another
    await leave_flow(state)
    if name == "cancel" and not args.strip():
        # Only leaving: the answer ends in the way back to the orders.
        await message.answer(ctx.t("apply-left"), reply_markup=orders_keyboard(ctx.t))
        return
    # The command's own handler answers next, with its own buttons.
    await message.answer(ctx.t("apply-left"))
    raise SkipHandler


async def on_leave(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await leave_flow(state)
    await show(query, ctx.t("apply-left"), orders_keyboard(ctx.t))


async def on_unlinked_in_flow(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await leave_flow(state)  # unlinked meanwhile: the draft is no longer theirs to finish
    await on_unlinked_message(message, ctx)


# --------------------------------------------------------------------------- starting


async def apply_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Ctx
) -> None:
    """``/apply ORDER_NO``: the application for that order, resumed if one is under way."""
    card = await named_order(message, command, ctx, "apply-usage")
    if card is None:
        return
    text, markup = await begin(state, await check_order(card.order.id, ctx), ctx)
    await message.answer(text, reply_markup=markup)


async def coupon_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Ctx
) -> None:
    """``/coupon ORDER_NO``: ask staff about the coupon a cancel did not give back."""
    card = await named_order(message, command, ctx, "coupon-request-usage", cancelled=True)
    if card is None:
        return
    result = await check_order(card.order.id, ctx, TicketKind.COUPON)
    if result.outcome is ApplyOutcome.NOT_ALLOWED:
        head = ctx.t("coupon-request-not-kept", order_no=card.order.order_no)
        text, markup = card_view(ctx.t, card, ctx.tz)
        await message.answer(f"{head}\n\n{text}", reply_markup=markup)
        return
    text, markup = await begin(state, result, ctx, TicketKind.COUPON)
    await message.answer(text, reply_markup=markup)


async def on_apply(
    query: CallbackQuery, callback_data: OrderCb, state: FSMContext, ctx: Ctx
) -> None:
    """The card's 📝 button (or "I have not used this key", or a request to restore the order
    or about its coupon): the application as a new message."""
    kind = KINDS[callback_data.action]
    result = await check_order(callback_data.order_id, ctx, kind)
    if result.outcome is ApplyOutcome.NOT_FOUND:
        ctx.alert(ctx.t("press-not-yours"))
        await refuse_press(
            ctx.uow,
            "apply_not_owned",
            ctx.now(),
            who=f"tg:{ctx.user_id}",
            budget=ctx.rules.refusals,
        )
        return
    text, markup = await begin(state, result, ctx, kind)
    if result.outcome is ApplyOutcome.NOT_ALLOWED:
        await show(query, text, markup)  # a stale card: the order as it is now
    elif isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


async def check_order(order_id: int, ctx: Ctx, kind: TicketKind | None = None) -> ApplyResult:
    return await check_application(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=order_id,
        rules=ctx.rules,
        now=ctx.now(),
        kind=kind,
    )


async def begin(
    state: FSMContext, result: ApplyResult, ctx: Ctx, kind: TicketKind | None = None
) -> Rendered:
    """Where an application starts: the open ticket, the card, or the draft's current step."""
    assert result.card is not None
    if result.outcome is ApplyOutcome.ALREADY_OPEN:
        assert result.ticket is not None
        late = result.ticket.id in late_reviews([result.ticket], ctx.rules, ctx.now())
        return ticket_view(ctx.t, result.ticket, head="ticket-already-open", late=late)
    if result.outcome is ApplyOutcome.NOT_ALLOWED:
        return card_view(ctx.t, result.card, ctx.tz)
    found = await resumed(state, result.card.order.id, kind)
    if found is None:
        found = Draft(result.card.order.id, kind=kind), ApplyFlow.reason
        await save_draft(state, *found)
    draft, step = found
    return render_step(step, draft, result.card, ctx)


async def resumed(
    state: FSMContext, order_id: int, kind: TicketKind | None = None
) -> tuple[Draft, State] | None:
    """The draft under way for this order (and kind), and its step, if there is one."""
    draft = await load_draft(state)
    step = step_named(await state.get_state())
    # The side step for a filed ticket's screenshots is no step of a draft.
    if step is None or step is ApplyFlow.more_evidence:
        return None
    if draft is None or draft.order_id != order_id or draft.kind is not kind:
        return None
    return draft, step


def render_step(step: State, draft: Draft, card: OrderCard | None, ctx: Ctx) -> Rendered:
    deadline = ctx.rules.review_deadline(ctx.now())
    return step_view(ctx.t, step, draft, card, deadline, tz=ctx.tz)


# --------------------------------------------------------------------------- steps


async def on_step(
    query: CallbackQuery, callback_data: ApplyCb, state: FSMContext, ctx: Ctx
) -> None:
    """A button of the draft: re-check the order, then move the draft one step."""
    draft = await pressed_draft(state, callback_data, ctx)
    if draft is None:
        return
    result = await check_order(draft.order_id, ctx, draft.kind)
    if result.outcome is not ApplyOutcome.MAY_APPLY:
        await stop_with(query, state, result, ctx, draft.kind)
    elif callback_data.action is ApplyAction.SUBMIT:
        await submit(query, state, draft, ctx)
    else:
        await move(query, state, next_step(draft, callback_data), result, ctx)


async def pressed_draft(state: FSMContext, data: ApplyCb, ctx: Ctx) -> Draft | None:
    """The draft the button was for, or None with the stale press refused."""
    draft = await load_draft(state)
    if draft is None or draft.order_id != data.order_id:
        ctx.alert(ctx.t("apply-expired"))
        await refuse_press(
            ctx.uow, "apply_stale", ctx.now(), who=f"tg:{ctx.user_id}", budget=ctx.rules.refusals
        )
        return None
    return draft


def next_step(draft: Draft, data: ApplyCb) -> tuple[Draft, State]:
    action = data.action
    if action is ApplyAction.REASON and data.reason is TicketReason.OTHER:
        return replace(draft, reason=TicketReason.OTHER, text=""), ApplyFlow.text
    if action is ApplyAction.REASON and data.reason is not None:
        return replace(draft, reason=data.reason, text=""), ApplyFlow.evidence
    if action is ApplyAction.EDIT_EVIDENCE:
        return replace(draft, evidence=()), ApplyFlow.evidence
    if action in (ApplyAction.SKIP, ApplyAction.DONE) and draft.reason is not None:
        skip = action is ApplyAction.SKIP
        return replace(draft, evidence=() if skip else draft.evidence), ApplyFlow.summary
    return draft, ApplyFlow.reason  # edit reason, or a draft somehow without one


async def move(
    query: CallbackQuery,
    state: FSMContext,
    moved: tuple[Draft, State],
    result: ApplyResult,
    ctx: Ctx,
) -> None:
    """Save the draft one step on and show that step."""
    assert result.card is not None
    draft, step = moved
    await save_draft(state, draft, step)
    await show(query, *render_step(step, draft, result.card, ctx))


async def stop_with(
    query: CallbackQuery,
    state: FSMContext,
    result: ApplyResult,
    ctx: Ctx,
    kind: TicketKind | None = None,
) -> None:
    """The order moved on (or was never theirs): the draft ends, the shopper sees why."""
    await leave_flow(state)
    if result.outcome is ApplyOutcome.NOT_FOUND:
        ctx.alert(ctx.t("press-not-yours"))
        return
    await show(query, *await begin(state, result, ctx, kind))


async def submit(query: CallbackQuery, state: FSMContext, draft: Draft, ctx: Ctx) -> None:
    result = await file_draft(draft, ctx)
    if result.outcome is not ApplyOutcome.FILED:
        await stop_with(query, state, result, ctx, draft.kind)
        return
    assert result.ticket is not None
    await leave_flow(state)
    await show(query, *ticket_view(ctx.t, result.ticket, head="apply-filed"))


async def file_draft(draft: Draft, ctx: Ctx) -> ApplyResult:
    return await file_ticket(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=draft.order_id,
        # No reason chosen (a forged or stale Submit): the domain sends the shopper back.
        reason=draft.reason or TicketReason.OTHER,
        reason_text=draft.text,
        evidence=draft.evidence,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
        kind=draft.kind,
    )


# --------------------------------------------------------------------------- typed input


async def on_reason_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """The shopper's own words, at the reason step or after the "Other" reason."""
    draft = await load_draft(state)
    if draft is None:
        await leave_expired(message, state, ctx.t)
        return
    cleaned = clean_reason_text(message.text or "")
    if cleaned is None:
        retry = step_keyboard(ctx.t, await state.get_state(), draft, None)
        await message.answer(reason_text_problem(ctx.t, message.text or ""), reply_markup=retry)
        return
    draft = replace(draft, reason=TicketReason.OTHER, text=cleaned)
    await save_draft(state, draft, ApplyFlow.evidence)
    text, markup = render_step(ApplyFlow.evidence, draft, None, ctx)
    await message.answer(text, reply_markup=markup)


async def on_evidence(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """One screenshot for the draft: accepted up to the limit, or refused saying why."""
    draft = await load_draft(state)
    evidence = evidence_of(message)
    if draft is None or evidence is None:
        await leave_expired(message, state, ctx.t)
        return
    problem = problem_of(evidence, already=len(draft.evidence))
    if problem is None:
        draft = replace(draft, evidence=(*draft.evidence, evidence))
        await save_draft(state, draft, ApplyFlow.evidence)
    text, markup = draft_evidence_view(ctx.t, draft, problem, message, evidence)
    await message.answer(text, reply_markup=markup)


async def on_other_input(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """Stickers, voice, locations, text where a button is expected: say what fits here,
    above the step's own buttons."""
    step = await state.get_state()
    markup = step_keyboard(ctx.t, step, await load_draft(state), await load_more(state))
    await message.answer(hint_text(ctx.t, step), reply_markup=markup)
