"""Cases (conversations with staff), their messages, the messages linked to them, and the
saved replies staff send."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.cases import (
    Case,
    CaseMessage,
    CaseStatus,
    CaseTopic,
    Direction,
    MessageKind,
    SavedReply,
)
from domain.ports import CaseDraft, CaseMessageDraft
from storage import dialect
from storage.repositories._rows import _rowcount
from storage.tables import CaseLinkRow, CaseMessageRow, CaseRow, OrderRow, SavedReplyRow


def open_key(customer_id: int, order_id: int | None) -> str:
    """What keeps one open case per order and shopper (0: the shopper's order-less case)."""
    return f"{customer_id}:{order_id or 0}"


def _case(row: CaseRow, order_no: str | None) -> Case:
    return Case(
        id=row.id,
        customer_id=row.customer_id,
        order_id=row.order_id,
        order_no=order_no,
        topic=CaseTopic(row.topic),
        status=CaseStatus(row.status),
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        thread_id=row.thread_id,
        staff_chat_id=row.staff_chat_id,
        header_message_id=row.header_message_id,
        changes=row.changes,
    )


def _message(row: CaseMessageRow) -> CaseMessage:
    return CaseMessage(
        id=row.id,
        case_id=row.case_id,
        direction=Direction(row.direction),
        author=row.author,
        chat_id=row.chat_id,
        message_id=row.message_id,
        kind=MessageKind(row.kind),
        created_at=row.created_at,
        file_id=row.file_id,
        caption=row.caption,
        media_group_id=row.media_group_id,
        text=row.text,
    )


class SqlCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self) -> Select[CaseRow, str]:
        return select(CaseRow, OrderRow.order_no).outerjoin(
            OrderRow, OrderRow.id == CaseRow.order_id
        )

    async def _one(self, *where: ColumnElement[bool]) -> Case | None:
        found = (await self.session.execute(self._select().where(*where).limit(1))).first()
        return _case(found[0], found[1]) if found else None

    async def add(self, draft: CaseDraft, now: datetime) -> Case | None:
        """Open a case; None when the order already has an open one (even one opened just now)."""
        inserted = await self.session.execute(
            dialect.insert_ignoring_conflicts(self.session, CaseRow)
            .values(
                customer_id=draft.customer_id,
                order_id=draft.order_id,
                open_key=open_key(draft.customer_id, draft.order_id),
                topic=draft.topic.value,
                status=CaseStatus.OPEN.value,
                opened_at=now,
                awaiting_first=True,
                changes=0,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[CaseRow.open_key])
            .returning(CaseRow.id)
        )
        case_id = inserted.scalar()
        return None if case_id is None else await self.get(case_id)

    async def get(self, case_id: int) -> Case | None:
        return await self._one(CaseRow.id == case_id)

    async def for_customer(self, customer_id: int, case_id: int) -> Case | None:
        return await self._one(CaseRow.id == case_id, CaseRow.customer_id == customer_id)

    async def latest(self, customer_id: int, order_id: int | None) -> Case | None:
        """The shopper's newest case about this order (or about no order)."""
        about = CaseRow.order_id.is_(None) if order_id is None else CaseRow.order_id == order_id
        found = (
            await self.session.execute(
                self._select()
                .where(CaseRow.customer_id == customer_id, about)
                .order_by(CaseRow.id.desc())
                .limit(1)
            )
        ).first()
        return _case(found[0], found[1]) if found else None

    async def open_for_customer(self, customer_id: int, *, limit: int = 10) -> list[Case]:
        rows = await self.session.execute(
            self._select()
            .where(CaseRow.customer_id == customer_id, CaseRow.status == CaseStatus.OPEN.value)
            .order_by(CaseRow.id.desc())
            .limit(limit)
        )
        return [_case(row[0], row[1]) for row in rows]

    async def by_thread(self, chat_id: int, thread_id: int) -> Case | None:
        return await self._one(CaseRow.staff_chat_id == chat_id, CaseRow.thread_id == thread_id)

    async def by_link(self, place: str, message_id: int) -> Case | None:
        linked = select(CaseLinkRow.case_id).where(
            CaseLinkRow.place == place, CaseLinkRow.message_id == message_id
        )
        return await self._one(CaseRow.id.in_(linked.scalar_subquery()))

    async def transition(
        self, case_id: int, *, expected: CaseStatus, new: CaseStatus, now: datetime
    ) -> bool:
        """One guarded move; reopening also needs the order to have no other open case."""
        guard: list[ColumnElement[bool]] = [
            CaseRow.id == case_id,
            CaseRow.status == expected.value,
        ]
        values: dict[str, Any] = {
            "status": new.value,
            "changes": CaseRow.changes + 1,
            "updated_at": now,
        }
        if new is CaseStatus.CLOSED:
            values |= {"open_key": None, "closed_at": now}
        else:
            case = await self.get(case_id)
            if case is None:
                return False
            key = open_key(case.customer_id, case.order_id)
            other = aliased(CaseRow)
            guard.append(~exists().where(other.open_key == key))
            # A new opening: the shopper is told again (acknowledged, out-of-hours notice).
            values |= {
                "open_key": key,
                "closed_at": None,
                "awaiting_first": True,
                "quiet_told_until": None,
            }
        result = await self.session.execute(update(CaseRow).where(*guard).values(**values))
        return _rowcount(result) == 1

    async def set_thread(self, case_id: int, chat_id: int, thread_id: int) -> bool:
        result = await self.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id, CaseRow.thread_id.is_(None))
            .values(thread_id=thread_id, staff_chat_id=chat_id)
        )
        return _rowcount(result) == 1

    async def set_header(self, case_id: int, chat_id: int, message_id: int) -> None:
        await self.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id)
            .values(header_message_id=message_id, staff_chat_id=chat_id)
        )

    async def lose_place(self, case_id: int, chat_id: int) -> None:
        """The staff group moved: the case's topic and card stay behind in the old one."""
        await self.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id, CaseRow.staff_chat_id == chat_id)
            .values(thread_id=None, header_message_id=None, staff_chat_id=None)
        )

    async def first_message(self, case_id: int) -> bool:
        """Whether this is the shopper's first message since the case (re)opened."""
        result = await self.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id, CaseRow.awaiting_first.is_(True))
            .values(awaiting_first=False)
        )
        return _rowcount(result) == 1

    async def tell_quiet(self, case_id: int, until: datetime) -> bool:
        """Whether the shopper is still to be told that staff answer from ``until``."""
        result = await self.session.execute(
            update(CaseRow)
            .where(
                CaseRow.id == case_id,
                or_(CaseRow.quiet_told_until.is_(None), CaseRow.quiet_told_until < until),
            )
            .values(quiet_told_until=until)
        )
        return _rowcount(result) == 1

    async def add_message(self, draft: CaseMessageDraft, now: datetime) -> CaseMessage | None:
        """Record a message; None when this very message (chat and id) is recorded already."""
        incoming = draft.incoming
        inserted = await self.session.execute(
            dialect.insert_ignoring_conflicts(self.session, CaseMessageRow)
            .values(
                case_id=draft.case_id,
                direction=draft.direction.value,
                author=draft.author,
                chat_id=incoming.chat_id,
                message_id=incoming.message_id,
                kind=incoming.kind.value,
                file_id=incoming.file_id,
                caption=incoming.caption,
                text=incoming.text,
                media_group_id=incoming.media_group_id,
                created_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[CaseMessageRow.chat_id, CaseMessageRow.message_id]
            )
            .returning(CaseMessageRow.id)
        )
        message_id = inserted.scalar()
        return None if message_id is None else await self.message(message_id)

    async def message(self, message_id: int) -> CaseMessage | None:
        row = await self.session.get(CaseMessageRow, message_id)
        return _message(row) if row is not None else None

    async def take_album(self, lead: CaseMessage) -> list[CaseMessage]:
        """The album's items not sent yet, taken for ``lead``'s relay, in the order written.

        One guarded statement, so each item goes with exactly one relay; a relay tried again
        gets the items it took before.
        """
        await self.session.execute(
            update(CaseMessageRow)
            .where(
                CaseMessageRow.case_id == lead.case_id,
                CaseMessageRow.media_group_id == lead.media_group_id,
                CaseMessageRow.direction == lead.direction.value,
                CaseMessageRow.sent_with.is_(None),
            )
            .values(sent_with=lead.id)
        )
        rows = await self.session.scalars(
            select(CaseMessageRow)
            .where(CaseMessageRow.sent_with == lead.id)
            .order_by(CaseMessageRow.message_id)
        )
        return [_message(row) for row in rows]

    async def link(self, case_id: int, place: str, message_ids: Sequence[int]) -> None:
        for message_id in message_ids:
            await self.session.execute(
                dialect.insert_ignoring_conflicts(self.session, CaseLinkRow)
                .values(place=place, message_id=message_id, case_id=case_id)
                .on_conflict_do_nothing(index_elements=[CaseLinkRow.place, CaseLinkRow.message_id])
            )

    async def opened_about(self, order_id: int, *, by: datetime) -> bool:
        found = await self.session.scalar(
            select(exists().where(CaseRow.order_id == order_id, CaseRow.opened_at <= by))
        )
        return bool(found)


class SqlSavedReplies:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self) -> list[SavedReply]:
        rows = await self.session.scalars(select(SavedReplyRow).order_by(SavedReplyRow.name))
        return [SavedReply(r.name, r.text, r.updated_by, r.updated_at) for r in rows]

    async def get(self, name: str) -> SavedReply | None:
        row = await self.session.get(SavedReplyRow, name)
        return SavedReply(row.name, row.text, row.updated_by, row.updated_at) if row else None

    async def put(self, reply: SavedReply) -> bool:
        """Save the text under its name; True when the name is new."""
        new = await self.get(reply.name) is None
        values = {
            "text": reply.text,
            "updated_by": reply.updated_by,
            "updated_at": reply.updated_at,
        }
        await self.session.execute(
            dialect.insert_ignoring_conflicts(self.session, SavedReplyRow)
            .values(name=reply.name, **values)
            .on_conflict_do_update(index_elements=[SavedReplyRow.name], set_=values)
        )
        return new

    async def delete(self, name: str) -> bool:
        result = await self.session.execute(
            delete(SavedReplyRow).where(SavedReplyRow.name == name)
        )
        return _rowcount(result) == 1
