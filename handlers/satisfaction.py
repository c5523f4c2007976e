"""The satisfaction question's buttons (⭐1…⭐5, skip) and the comment that may follow.

Every press carries only the survey's id; the use case checks it is the presser's own and
takes each answer once. After a rating the shopper's next text is their comment (FSM state
``SurveyFlow.comment``) unless they press "no, thanks" or send a command, which leaves it.
"""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import MagicData, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.ratings import CommentOutcome, RatingOutcome, comment_case, rate_case
from domain.satisfaction import MAX_COMMENT
from domain.shopper import shopper
from handlers.callbacks import SurveyAction, SurveyCb
from handlers.common import on_unlinked_message, on_unlinked_press, show
from handlers.context import Ctx
from handlers.keyboards import orders_keyboard
from handlers.satisfaction_views import comment_keyboard, rated_view
from handlers.states import SurveyFlow

#: FSM data: the survey a comment is for, and the message offering "no, thanks".
SURVEY = "survey_id"
PROMPT = "survey_prompt"


def create_leave_router() -> Router:
    """A command while a comment is awaited leaves the comment, then reaches its handler."""
    router = Router(name=f"{__name__}.leave")
    router.message.filter(StateFilter(SurveyFlow.comment))
    router.message.register(on_command_while_commenting, F.text.startswith("/"))
    return router


def create_router() -> Router:
    router = Router(name=__name__)
    unlinked = MagicData(F.customer.is_(None))
    router.callback_query.register(on_unlinked_press, unlinked, SurveyCb.filter())
    router.message.register(on_unlinked_commenting, unlinked, StateFilter(SurveyFlow.comment))
    rate_or_skip = F.action.in_({SurveyAction.RATE, SurveyAction.SKIP})
    router.callback_query.register(on_rate, SurveyCb.filter(rate_or_skip))
    router.callback_query.register(
        on_no_comment, SurveyCb.filter(F.action == SurveyAction.NO_COMMENT)
    )
    router.message.register(on_comment, StateFilter(SurveyFlow.comment), F.text)
    router.message.register(on_not_text, StateFilter(SurveyFlow.comment))
    return router


def _question(query: CallbackQuery) -> str:
    """The question the press answered, as its message shows it (without the hint)."""
    message = query.message
    text = message.text if isinstance(message, Message) else None
    return (text or "").split("\n", 1)[0]


async def _leave(state: FSMContext) -> int | None:
    """End the comment step; returns the message that offered "no, thanks"."""
    data = await state.get_data()
    prompt = data.pop(PROMPT, None)
    data.pop(SURVEY, None)
    await state.set_data(data)
    await state.set_state(None)
    return int(prompt) if prompt else None


async def _drop_offer(ctx: Ctx, chat_id: int, prompt: int | None) -> None:
    """The "no, thanks" button has done its part once a comment came or the step ended."""
    if prompt is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await ctx.bot.edit_message_reply_markup(chat_id=chat_id, message_id=prompt)


# --------------------------------------------------------------------------- presses


async def on_rate(
    query: CallbackQuery, callback_data: SurveyCb, state: FSMContext, ctx: Ctx
) -> None:
    skip = callback_data.action is SurveyAction.SKIP
    result = await rate_case(
        ctx.uow,
        customer_id=ctx.customer.id,
        survey_id=callback_data.survey_id,
        # A "rate" press without stars is forged data: refused like another's survey.
        rating=None if skip else (callback_data.stars or 0),
        actor=shopper(ctx.user_id),
        refusals=ctx.rules.refusals,
        now=ctx.now(),
    )
    question = _question(query)
    if result.outcome is RatingOutcome.NOT_FOUND:
        ctx.alert(ctx.t("press-not-yours"))
    elif result.outcome is RatingOutcome.ALREADY:
        ctx.toast(ctx.t("satisfaction-already"))
    elif result.outcome is RatingOutcome.SKIPPED:
        text = "\n\n".join([question, ctx.t("satisfaction-skipped")])
        await show(query, text, orders_keyboard(ctx.t))
    else:
        assert result.survey is not None and result.survey.rating is not None
        # A comment is taken only when no other conversation (an application) is under way.
        free = await state.get_state() in (None, SurveyFlow.comment.state)
        survey_id = result.survey.id
        text, markup = rated_view(ctx.t, question, result.survey.rating, survey_id, ask=free)
        # No comment taken now (an application is under way): the answer is complete.
        await show(query, text, markup or orders_keyboard(ctx.t))
        if free and query.message is not None:
            await state.set_state(SurveyFlow.comment)
            await state.update_data({SURVEY: survey_id, PROMPT: query.message.message_id})


async def on_no_comment(
    query: CallbackQuery, callback_data: SurveyCb, state: FSMContext, ctx: Ctx
) -> None:
    outcome = await comment_case(
        ctx.uow,
        customer_id=ctx.customer.id,
        survey_id=callback_data.survey_id,
        text=None,
        actor=shopper(ctx.user_id),
        now=ctx.now(),
    )
    prompt = None
    if (await state.get_data()).get(SURVEY) == callback_data.survey_id:
        prompt = await _leave(state)
    if outcome is not CommentOutcome.DECLINED:
        ctx.toast(ctx.t("satisfaction-comment-closed"))
        return
    thanks = ctx.t("satisfaction-thanks")
    pressed = query.message.message_id if query.message is not None else None
    if prompt is not None and prompt != pressed and query.message is not None:
        # "No, thanks" under a refused comment: the rating above keeps its words and loses
        # its own offer; the refusal becomes the thanks.
        await _drop_offer(ctx, query.message.chat.id, prompt)
        await show(query, thanks, orders_keyboard(ctx.t))
        return
    await show(query, "\n\n".join([_question(query), thanks]), orders_keyboard(ctx.t))


# --------------------------------------------------------------------------- the comment


async def on_comment(message: Message, state: FSMContext, ctx: Ctx) -> None:
    survey_id = (await state.get_data()).get(SURVEY)
    if not isinstance(survey_id, int):
        await _leave(state)
        raise SkipHandler  # nothing to attach it to: the text is what it would be otherwise
    outcome = await comment_case(
        ctx.uow,
        customer_id=ctx.customer.id,
        survey_id=survey_id,
        text=message.text,
        actor=shopper(ctx.user_id),
        now=ctx.now(),
    )
    if outcome is CommentOutcome.INVALID:
        await _refuse_comment(message, survey_id, ctx)
        return
    await _drop_offer(ctx, message.chat.id, await _leave(state))
    if outcome is not CommentOutcome.SAVED:
        raise SkipHandler  # the survey ended elsewhere meanwhile: the text is no comment
    await message.answer(ctx.t("satisfaction-comment-thanks"), reply_markup=orders_keyboard(ctx.t))


async def on_not_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await _refuse_comment(message, (await state.get_data()).get(SURVEY), ctx)


async def _refuse_comment(message: Message, survey_id: object, ctx: Ctx) -> None:
    """Not a comment that can be kept: say why, with "no, thanks" to end the step."""
    markup = (
        comment_keyboard(ctx.t, survey_id)
        if isinstance(survey_id, int)
        else orders_keyboard(ctx.t)
    )
    text = ctx.t("satisfaction-comment-invalid", max=MAX_COMMENT)
    await message.answer(text, reply_markup=markup)


async def on_command_while_commenting(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await _drop_offer(ctx, message.chat.id, await _leave(state))
    raise SkipHandler


async def on_unlinked_commenting(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await _leave(state)  # unlinked meanwhile: the survey is no longer theirs to finish
    await on_unlinked_message(message, ctx)
