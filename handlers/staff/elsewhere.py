"""A staff button pressed outside the staff group (a card forwarded to a private chat):
it only works in the group, which is what the presser is told, whoever they are."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import or_f
from aiogram.types import CallbackQuery

from handlers.callbacks import StaffRefundCb
from handlers.context import Ctx
from handlers.staff.callbacks import (
    RefundReasonCb,
    RejectCb,
    StaffCaseCb,
    StaffCouponCb,
    StaffTicketCb,
)


def create_router() -> Router:
    router = Router(name=__name__)
    staff_buttons = or_f(
        StaffTicketCb.filter(),
        RejectCb.filter(),
        RefundReasonCb.filter(),
        StaffRefundCb.filter(),
        StaffCouponCb.filter(),
        StaffCaseCb.filter(),
    )
    router.callback_query.register(pressed_outside_the_group, staff_buttons)
    return router


async def pressed_outside_the_group(query: CallbackQuery, ctx: Ctx) -> None:
    ctx.alert(ctx.t("staff-button-elsewhere"))
