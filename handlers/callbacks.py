"""Callback data factories. Short ids only; every press is re-checked by the use case."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from domain.cases import CaseTopic
from domain.orders import CancelReason, OrderTab
from domain.restore import CouponBack
from domain.tickets import TicketReason

#: Ids and pages as the database can hold them; anything else in forged data fails to parse
#: and lands in the fallback, which refuses it politely.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Page = Annotated[int, Field(ge=0, le=10_000)]
#: A refund's try: a button acts only on the try it was shown for.
Attempt = Annotated[int, Field(ge=1, le=1000)]


class OrderAction(StrEnum):
    OPEN = "o"
    CANCEL = "c"  # ask for confirmation
    CONFIRM = "y"  # cancel now
    KEEP = "n"  # changed my mind on the confirmation
    APPLY = "a"  # apply for cancel (staff review)
    AFTER_SALES = "s"
    APPLY_RESTORE = "ar"  # ask staff to restore a cancel the shopper cannot undo alone
    APPLY_COUPON = "ac"  # ask staff about a coupon the cancel did not give back
    TIMELINE = "h"  # the order's history


class OrderCb(CallbackData, prefix="od"):
    action: OrderAction
    order_id: Id


class RestoreAction(StrEnum):
    ASK = "a"  # the confirmation: what restoring does
    CONFIRM = "y"  # restore now
    KEEP = "n"  # keep it cancelled


class RestoreCb(CallbackData, prefix="rt"):
    """Restoring a mistaken cancel. ``coupon`` is what the confirmation said of the coupon:
    the restore acts only on what the shopper saw."""

    action: RestoreAction
    order_id: Id
    coupon: CouponBack | None = None


class ListCb(CallbackData, prefix="ls"):
    tab: OrderTab
    page: Page


class SearchCb(CallbackData, prefix="sr"):
    """A page of search results; the query itself is kept in FSM data, not in the button."""

    page: Page


class ReasonCb(CallbackData, prefix="rs"):
    order_id: Id
    reason: CancelReason


class LangCb(CallbackData, prefix="lg"):
    locale: str


class ApplyAction(StrEnum):
    REASON = "r"  # a preset reason (or "other", which asks for text)
    SKIP = "k"  # no screenshots
    DONE = "d"  # screenshots sent
    SUBMIT = "s"
    EDIT_REASON = "er"
    EDIT_EVIDENCE = "ee"
    LEAVE = "x"  # back / cancel: leave the application


class ApplyCb(CallbackData, prefix="ap"):
    """A step of the application; the draft itself lives in FSM data, keyed by the order."""

    action: ApplyAction
    order_id: Id
    reason: TicketReason | None = None


class MyTicketAction(StrEnum):
    ADD = "e"  # add screenshots to the open ticket
    DONE = "d"  # finished adding screenshots
    WITHDRAW = "w"  # ask for confirmation
    CONFIRM = "y"  # withdraw now
    KEEP = "n"  # changed my mind


class MyTicketCb(CallbackData, prefix="tk"):
    action: MyTicketAction
    ticket_id: Id


class RefundButton(StrEnum):
    """What a refund button does. Shoppers' and staff's buttons are told apart by prefix."""

    OPEN = "o"  # show the refund's timeline
    ARRIVED = "y"  # shopper: yes, the money arrived
    NOT_YET = "n"  # shopper: not yet
    ASK_STAFF = "a"  # shopper: a failed refund, ask staff to start it again
    SUBMITTED = "s"  # staff: pushed out in the provider's console
    SUCCEEDED = "k"  # staff: the provider confirms it arrived
    FAILED = "f"  # staff: the provider refused it (asks for a reason)
    REINITIATE = "r"  # staff: start a failed refund again


class FailPreset(StrEnum):
    """Common reasons a provider refuses a refund, one press each."""

    ACCOUNT = "account"  # the payee's account is frozen or restricted
    REJECTED = "rejected"  # the provider refused to send it back the original way
    CARD_CLOSED = "card_closed"  # the bank card was cancelled since the payment


class RefundCb(CallbackData, prefix="rf"):
    """A shopper's press about their own refund (ownership re-checked by the use case).

    "Arrived" / "not yet" carry the try they asked about: after a re-initiation an old
    question's answer must not land on the new try.
    """

    action: RefundButton
    refund_id: Id
    attempt: Attempt | None = None


class StaffRefundCb(CallbackData, prefix="sf"):
    """A staff press on a refund card (staff rights re-checked on every press).

    The attempt it was shown for keeps an old alert's button from moving a re-initiated try.
    """

    action: RefundButton
    refund_id: Id
    attempt: Attempt


class HelpTopic(StrEnum):
    """A question of the help menu (the article's common problems)."""

    MENU = "m"
    WHY_NOT = "why"  # why can my order not be cancelled?
    STATUSES = "st"  # what does each status mean?
    REFUND_LATE = "rl"  # my refund has not arrived
    REVIEW = "rv"  # how long does a review take?
    RESTORE = "rs"  # I cancelled by mistake: can it come back?
    COUPON = "cp"  # my coupon did not come back


class HelpCb(CallbackData, prefix="hp"):
    topic: HelpTopic


class MenuTarget(StrEnum):
    """Lists a help answer's button opens (the order list has its own ``ListCb``)."""

    REFUNDS = "rf"
    TICKETS = "tk"


class MenuCb(CallbackData, prefix="mn"):
    target: MenuTarget


class ContactAction(StrEnum):
    OPEN = "o"  # open (or go back to) the case about this order; no order: a general one
    MENU = "m"  # which order is it about? (the help menu's "contact staff")


class ContactCb(CallbackData, prefix="ct"):
    """💬 Contact staff: the order is re-checked against the presser on every press."""

    action: ContactAction
    order_id: Id | None = None
    topic: CaseTopic = CaseTopic.GENERAL


class CaseAction(StrEnum):
    WRITE = "w"  # write in this case (the reply button on staff's messages)
    LEAVE = "x"  # stop writing to staff: back to my orders (the case stays open)


class CaseCb(CallbackData, prefix="cs"):
    action: CaseAction
    case_id: Id


class SurveyAction(StrEnum):
    RATE = "r"  # 1–5 stars
    SKIP = "k"  # no rating
    NO_COMMENT = "n"  # rated, nothing to add


#: A rating as the buttons offer it; anything else in forged data fails to parse.
Stars = Annotated[int, Field(ge=1, le=5)]


class SurveyCb(CallbackData, prefix="sv"):
    """An answer to the satisfaction question (the survey's owner is re-checked)."""

    action: SurveyAction
    survey_id: Id
    stars: Stars | None = None
