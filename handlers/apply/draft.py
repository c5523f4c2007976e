"""What the application keeps in FSM data between the shopper's messages.

The draft lives under one key, and the open ticket getting more screenshots under
another, so leaving the application never touches other conversation data (the
last search). Screenshots are kept in the domain's own JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message

from domain.tickets import Evidence, EvidenceProblem, TicketKind, TicketReason, check_evidence
from handlers.i18n import Translator
from handlers.keyboards import orders_keyboard
from handlers.states import ApplyFlow

DRAFT = "apply"  # FSM data key of the application being written
MORE = "apply_more"  # FSM data key of the open ticket getting more screenshots

#: A screenshot arrives as a photo, or as a file when the shopper keeps its full quality.
IMAGE = F.photo | F.document

_STEPS = {step.state: step for step in ApplyFlow.__states__}


@dataclass(frozen=True, slots=True)
class Draft:
    order_id: int
    reason: TicketReason | None = None
    text: str = ""
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    #: What the request asks for: a restore, a coupon; None for what the cancel rules allow.
    kind: TicketKind | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "reason": self.reason.value if self.reason else None,
            "text": self.text,
            "evidence": [e.to_dict() for e in self.evidence],
            "kind": self.kind.value if self.kind else None,
        }

    @classmethod
    def from_data(cls, data: Any) -> Draft | None:
        if not isinstance(data, dict) or not isinstance(data.get("order_id"), int):
            return None
        reason = data.get("reason")
        kind = data.get("kind")
        return cls(
            order_id=data["order_id"],
            reason=TicketReason(str(reason))
            if reason in TicketReason._value2member_map_
            else None,
            text=str(data.get("text") or ""),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence") or ()),
            kind=TicketKind(str(kind)) if kind in TicketKind._value2member_map_ else None,
        )


@dataclass(frozen=True, slots=True)
class MoreEvidence:
    """A filed ticket taking more screenshots, and how many it holds so far."""

    ticket_id: int
    count: int

    def to_data(self) -> dict[str, int]:
        return {"ticket_id": self.ticket_id, "count": self.count}

    @classmethod
    def from_data(cls, data: Any) -> MoreEvidence | None:
        if not isinstance(data, dict):
            return None
        return cls(int(data["ticket_id"]), int(data["count"]))


def step_named(name: str | None) -> State | None:
    return _STEPS.get(name) if name else None


async def load_draft(state: FSMContext) -> Draft | None:
    return Draft.from_data((await state.get_data()).get(DRAFT))


async def save_draft(state: FSMContext, draft: Draft, step: State) -> None:
    await state.set_state(step)
    await state.update_data({DRAFT: draft.to_data(), MORE: None})


async def load_more(state: FSMContext) -> MoreEvidence | None:
    return MoreEvidence.from_data((await state.get_data()).get(MORE))


async def save_more(state: FSMContext, more: MoreEvidence) -> None:
    await state.update_data({MORE: more.to_data()})


async def leave_flow(state: FSMContext) -> None:
    await state.set_state(None)
    await state.update_data({DRAFT: None, MORE: None})


async def leave_expired(message: Message, state: FSMContext, t: Translator) -> None:
    """The FSM data no longer fits the step the shopper is at: end it and say so, with the
    way back to the orders (an application starts again on its order)."""
    await leave_flow(state)
    await message.answer(t("apply-expired"), reply_markup=orders_keyboard(t))


def evidence_of(message: Message) -> Evidence | None:
    if message.photo:
        photo = message.photo[-1]  # the original; the others are thumbnails
        return Evidence(
            photo.file_id, photo.file_unique_id, "photo", photo.file_size, "image/jpeg"
        )
    if message.document:
        doc = message.document
        return Evidence(doc.file_id, doc.file_unique_id, "document", doc.file_size, doc.mime_type)
    return None


def problem_of(evidence: Evidence, *, already: int) -> EvidenceProblem | None:
    return check_evidence(
        kind=evidence.kind, mime_type=evidence.mime_type, size=evidence.size, already=already
    )
