"""``/stats [days]``: staff's period at a glance, in the staff group or a staff member's own
chat with the bot; anyone else is refused (and the attempt audited).

The numbers come first; the chart follows as a photo, drawn in a worker thread so the
bot keeps answering everyone else meanwhile.
"""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from domain.stats import DEFAULT_DAYS, parse_days, staff_stats
from handlers.context import Ctx
from handlers.keyboards import help_keyboard
from handlers.staff.stats_chart import draw_chart
from handlers.staff.stats_views import chart_caption, stats_text


def create_router() -> Router:
    """The command itself; the parent router says where (the staff group, a private chat)."""
    router = Router(name=__name__)
    router.message.register(stats_command, Command("stats"))
    return router


async def stats_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    t = ctx.staff_t
    days = parse_days(command.args)
    if days is None and ctx.is_staff:
        await message.reply(t("stats-usage"))
        return
    report = await staff_stats(
        ctx.uow,
        days=days or DEFAULT_DAYS,
        user_id=ctx.user_id,
        is_staff=ctx.is_staff,
        rules=ctx.rules,
        now=ctx.now(),
    )
    if report is None:
        # A shopper who typed it in their own chat is shown where their help is.
        private = message.chat.type == ChatType.PRIVATE
        await message.reply(
            ctx.t("stats-not-staff"), reply_markup=help_keyboard(ctx.t) if private else None
        )
        return
    await message.answer(stats_text(t, report))
    chart = await asyncio.to_thread(draw_chart, report.stats.days)
    await message.answer_photo(
        BufferedInputFile(chart, filename="stats.png"), caption=chart_caption(t, report)
    )
