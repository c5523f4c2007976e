"""Callback data factories. Short ids only; every press is re-checked by the use case."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from domain.orders import CancelReason, OrderTab


class OrderAction(StrEnum):
    OPEN = "o"
    CANCEL = "c"  # ask for confirmation
    CONFIRM = "y"  # cancel now
    KEEP = "n"  # changed my mind on the confirmation
    APPLY = "a"  # apply for cancel (staff review)
    AFTER_SALES = "s"


class OrderCb(CallbackData, prefix="od"):
    action: OrderAction
    order_id: int


class ListCb(CallbackData, prefix="ls"):
    tab: OrderTab
    page: int


class SearchCb(CallbackData, prefix="sr"):
    """A page of search results; the query itself is kept in FSM data, not in the button."""

    page: int


class ReasonCb(CallbackData, prefix="rs"):
    order_id: int
    reason: CancelReason


class LangCb(CallbackData, prefix="lg"):
    locale: str
