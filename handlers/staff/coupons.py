"""Coupons given back by hand in the staff group: ``/coupon ORDER_NO return`` and the
button on a ticket's card. Only staff change anything (the use case refuses and audits
anyone else); the shopper is told through the outbox, in their language."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from domain.coupons import CouponResult, CouponReturn, staff_return_coupon
from domain.review import staff_ticket_view
from handlers.context import Ctx
from handlers.i18n import LOCALES
from handlers.staff.callbacks import StaffCouponCb
from handlers.staff.chat import edit_card, pressed, say, staff_name
from handlers.staff.ticket_views import coupon_reply, ticket_card_view

#: What staff may type after the order number; each language adds its own words.
_ENGLISH_VERBS = ("return", "give-back")


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(coupon_command, Command("coupon"))
    router.callback_query.register(on_return_press, StaffCouponCb.filter())
    return router


def parse_coupon_args(args: str | None, verbs: set[str]) -> str | None:
    """The order number of ``ORDER_NO return``; None for anything else."""
    words = (args or "").split()
    if len(words) != 2 or words[1].lower() not in verbs:
        return None
    return words[0]


def coupon_verbs(ctx: Ctx) -> set[str]:
    words = set(_ENGLISH_VERBS)
    for locale in LOCALES:
        words |= set(ctx.deps.translations.get(locale)("staff-coupon-verbs").lower().split())
    return words


async def coupon_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    order_no = parse_coupon_args(command.args, coupon_verbs(ctx))
    if order_no is None:
        await message.reply(ctx.staff_t("staff-coupon-usage"))
        return
    result = await staff_return_coupon(
        ctx.uow, reviewer_id=ctx.user_id, is_staff=ctx.is_staff, now=ctx.now(), order_no=order_no
    )
    await message.reply(_reply(ctx, result, order_no))


async def on_return_press(query: CallbackQuery, callback_data: StaffCouponCb, ctx: Ctx) -> None:
    result = await staff_return_coupon(
        ctx.uow,
        reviewer_id=ctx.user_id,
        is_staff=ctx.is_staff,
        now=ctx.now(),
        order_id=callback_data.order_id,
    )
    say(ctx, _reply(ctx, result, ""), alert=result.outcome is not CouponReturn.RETURNED)
    await ctx.answer_now(query)
    if result.outcome is CouponReturn.NOT_STAFF:
        return
    view = await staff_ticket_view(ctx.uow, callback_data.ticket_id, ctx.rules, ctx.now())
    if view is None or view.card.order.id != callback_data.order_id:
        return  # a forged pair of ids: nothing of the card to show
    chat_id, message_id = pressed(query)
    who = await staff_name(ctx.bot, chat_id, view.ticket.decided_by)
    text, markup = ticket_card_view(ctx.staff_t, view, ctx.rules, ctx.now(), who)
    await edit_card(ctx.bot, chat_id, message_id, text, markup)


def _reply(ctx: Ctx, result: CouponResult, order_no: str) -> str:
    t = ctx.staff_t
    if result.outcome is CouponReturn.NOT_STAFF:
        return t("staff-coupon-not_staff")
    if result.outcome is CouponReturn.NOT_FOUND or result.order is None:
        return t("staff-coupon-not_found", order_no=order_no)
    return coupon_reply(t, result.outcome, result.order, ctx.tz)
