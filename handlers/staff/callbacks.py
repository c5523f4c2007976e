"""The staff group's callback data: a ticket card's buttons, its reject reasons, a refund's
failure reasons. Short ids only; every press is re-checked by the use case.

The refund card's own buttons (``StaffRefundCb``) live with the shopper's refund buttons in
``handlers.callbacks``: both speak ``RefundButton``.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from domain.tickets import RejectReason
from handlers.callbacks import Attempt, FailPreset, Id


class StaffTicketAction(StrEnum):
    OPEN = "o"  # post the card (from /queue)
    APPROVE = "a"
    REJECT = "r"  # show the reject reasons
    EXCHANGE = "x"
    BACK = "b"  # from the reasons back to the decisions


class StaffTicketCb(CallbackData, prefix="st"):
    action: StaffTicketAction
    ticket_id: Id


class RejectCb(CallbackData, prefix="tr"):
    ticket_id: Id
    reason: RejectReason


class StaffCouponCb(CallbackData, prefix="sc"):
    """Give back the coupon of a cancelled order (a dispute), from a ticket's card."""

    order_id: Id
    ticket_id: Id


class RefundReasonCb(CallbackData, prefix="fr"):
    refund_id: Id
    attempt: Attempt
    reason: FailPreset


class StaffCaseAction(StrEnum):
    CLOSE = "c"
    REOPEN = "r"


class StaffCaseCb(CallbackData, prefix="sc"):
    """A case card's button in the staff group (staff rights re-checked on every press)."""

    action: StaffCaseAction
    case_id: Id
