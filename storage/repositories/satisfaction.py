"""Satisfaction surveys: one per case, and the shopper's rating and comment, each once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports import Survey, SurveyStatus
from storage import dialect
from storage.repositories._rows import _rowcount
from storage.tables import SurveyRow


def _survey(row: SurveyRow) -> Survey:
    return Survey(
        id=row.id,
        case=row.case_key,
        customer_id=row.customer_id,
        order_id=row.order_id,
        status=SurveyStatus(row.status),
        asked_at=row.asked_at,
        rating=row.rating,
        rated_at=row.rated_at,
        comment=row.comment,
        commented_at=row.commented_at,
    )


class SqlSatisfaction:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _one(self, *where: ColumnElement[bool]) -> Survey | None:
        row = await self.session.scalar(select(SurveyRow).where(*where))
        return _survey(row) if row else None

    async def open(
        self,
        *,
        case: str,
        customer_id: int,
        order_id: int | None,
        status: SurveyStatus,
        now: datetime,
    ) -> Survey | None:
        # Inside the transaction that ended the case: a conflict must not roll that back, so
        # the unique key is met with "do nothing" rather than an error.
        result = await self.session.execute(
            dialect.insert_ignoring_conflicts(self.session, SurveyRow)
            .values(
                case_key=case,
                customer_id=customer_id,
                order_id=order_id,
                status=status.value,
                asked_at=now,
            )
            .on_conflict_do_nothing(index_elements=[SurveyRow.case_key])
        )
        if _rowcount(result) != 1:
            return None
        return await self._one(SurveyRow.case_key == case)

    async def asked_since(self, customer_id: int, order_id: int, since: datetime) -> bool:
        found = await self.session.scalar(
            select(SurveyRow.id)
            .where(
                SurveyRow.customer_id == customer_id,
                SurveyRow.order_id == order_id,
                SurveyRow.asked_at > since,
                SurveyRow.status != SurveyStatus.SUPPRESSED.value,
            )
            .limit(1)
        )
        return found is not None

    async def for_customer(self, customer_id: int, survey_id: int) -> Survey | None:
        return await self._one(SurveyRow.id == survey_id, SurveyRow.customer_id == customer_id)

    async def get(self, survey_id: int) -> Survey | None:
        return await self._one(SurveyRow.id == survey_id)

    async def _move(self, survey_id: int, expected: SurveyStatus, **values: object) -> bool:
        result = await self.session.execute(
            update(SurveyRow)
            .where(SurveyRow.id == survey_id, SurveyRow.status == expected.value)
            .values(**values)
        )
        return _rowcount(result) == 1

    async def rate(self, survey_id: int, rating: int, now: datetime) -> bool:
        return await self._move(
            survey_id,
            SurveyStatus.ASKED,
            status=SurveyStatus.RATED.value,
            rating=rating,
            rated_at=now,
        )

    async def skip(self, survey_id: int, now: datetime) -> bool:
        return await self._move(
            survey_id, SurveyStatus.ASKED, status=SurveyStatus.SKIPPED.value, rated_at=now
        )

    async def finish(self, survey_id: int, comment: str | None, now: datetime) -> bool:
        return await self._move(
            survey_id,
            SurveyStatus.RATED,
            status=SurveyStatus.DONE.value,
            comment=comment,
            commented_at=now if comment is not None else None,
        )
