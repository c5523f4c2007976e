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
