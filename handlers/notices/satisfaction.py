"""The satisfaction question, pushed once a case ended (in the shopper's daytime)."""

from __future__ import annotations

from domain.notifications import SatisfactionAsk
from domain.ports import SurveyStatus
from handlers.notices.base import Letter, Outlet, Sent, Skip, send
from handlers.satisfaction_views import question_view


async def satisfaction_ask(out: Outlet, letter: Letter[SatisfactionAsk]) -> Sent:
    """Ask only while the question still stands (a row sent again after a crash does not)."""
    async with out.uows() as uow:
        survey = await uow.satisfaction.get(letter.payload.survey_id)
    if survey is None or survey.status is not SurveyStatus.ASKED:
        raise Skip(f"survey {letter.payload.survey_id} is not waiting for an answer")
    return await send(out, letter, question_view(letter.t, letter.payload))
