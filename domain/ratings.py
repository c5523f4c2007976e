"""The shopper's answers to the satisfaction question: a rating (or skip), then a comment.

Each answer is one guarded change of the survey (``asked → rated | skipped``, then
``rated → done``), so a second press, or a press on an old copy of the question, changes
nothing and is told so. Only the shopper the survey is about may answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.policy import RefusalBudget
from domain.ports import AuditEntry, Survey, SurveyStatus, UnitOfWork
from domain.satisfaction import RATINGS, clean_comment
from domain.shopper import refuse_press


class RatingOutcome(StrEnum):
    RATED = "rated"  # kept; a comment may follow
    SKIPPED = "skipped"  # the shopper chose not to rate
    ALREADY = "already"  # answered before: nothing changed
    NOT_FOUND = "not_found"  # not this shopper's survey, or no such survey


@dataclass(frozen=True, slots=True)
class RatingResult:
    outcome: RatingOutcome
    survey: Survey | None = None


async def rate_case(
    uow: UnitOfWork,
    *,
    customer_id: int,
    survey_id: int,
    rating: int | None,
    actor: str,
    refusals: RefusalBudget,
    now: datetime,
) -> RatingResult:
    """A press on the question: ``rating`` 1–5, or None to skip. Accepted once."""
    async with uow:
        survey = await uow.satisfaction.for_customer(customer_id, survey_id)
        if survey is None or (rating is not None and rating not in RATINGS):
            await refuse_press(
                uow, "survey_not_owned", now, who=f"customer:{customer_id}", budget=refusals
            )
            return RatingResult(RatingOutcome.NOT_FOUND)
        if rating is None:
            changed = await uow.satisfaction.skip(survey.id, now)
        else:
            changed = await uow.satisfaction.rate(survey.id, rating, now)
        if not changed:
            return RatingResult(RatingOutcome.ALREADY, survey)
        uow.audit.add(
            AuditEntry(
                "satisfaction.skipped" if rating is None else "satisfaction.rated",
                actor,
                now,
                order_id=survey.order_id,
                detail={"survey": survey.id, "case": survey.case, "rating": rating},
            )
        )
        await uow.commit()
        after = await uow.satisfaction.get(survey.id)
    outcome = RatingOutcome.SKIPPED if rating is None else RatingOutcome.RATED
    return RatingResult(outcome, after)


class CommentOutcome(StrEnum):
    SAVED = "saved"
    DECLINED = "declined"  # "no, thanks"
    INVALID = "invalid"  # empty or too long: nothing kept, the shopper may try again
    CLOSED = "closed"  # the survey is not waiting for a comment (given or declined before)


async def comment_case(
    uow: UnitOfWork,
    *,
    customer_id: int,
    survey_id: int,
    text: str | None,
    actor: str,
    now: datetime,
) -> CommentOutcome:
    """The shopper's words after rating (``text``), or None for "no, thanks". Once."""
    cleaned = None if text is None else clean_comment(text)
    if text is not None and cleaned is None:
        return CommentOutcome.INVALID
    async with uow:
        survey = await uow.satisfaction.for_customer(customer_id, survey_id)
        if survey is None or survey.status is not SurveyStatus.RATED:
            return CommentOutcome.CLOSED
        if not await uow.satisfaction.finish(survey.id, cleaned, now):
            return CommentOutcome.CLOSED
        if cleaned is not None:
            uow.audit.add(
                AuditEntry(
                    "satisfaction.commented",
                    actor,
                    now,
                    order_id=survey.order_id,
                    detail={"survey": survey.id, "case": survey.case, "comment": cleaned},
                )
            )
        await uow.commit()
    return CommentOutcome.SAVED if cleaned is not None else CommentOutcome.DECLINED
