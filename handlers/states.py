"""FSM states: one group per multi-step conversation."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ApplyFlow(StatesGroup):
    """The shopper's application for cancel: reason, screenshots, summary.

    ``more_evidence`` is the short side step of adding screenshots to a ticket
    already filed.
    """

    reason = State()
    text = State()  # the "Other" reason: waiting for the shopper's own words
    evidence = State()
    summary = State()
    more_evidence = State()


class ConversationFlow(StatesGroup):
    """The shopper chose to write to staff: their plain messages go to one case.

    The case's id is kept in FSM data (``case``) and checked against the shopper with
    every message; the case itself lives in the database whatever the state says.
    """

    writing = State()


class SurveyFlow(StatesGroup):
    """After a rating: the shopper's next text is their comment (or they press "no, thanks")."""

    comment = State()
