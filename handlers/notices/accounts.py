"""The shopper's news of their account: someone else tried to link it by its phone."""

from __future__ import annotations

from domain.notifications import LinkAttempt
from handlers.notices.base import Letter, Outlet, Sent


async def link_attempt(out: Outlet, letter: Letter[LinkAttempt]) -> Sent:
    when = letter.t.datetime(letter.payload.at, out.rules.tz)
    return Sent(await out.send_text(letter.chat_id, letter.t("link-takeover-attempt", time=when)))
