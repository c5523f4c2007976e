"""The shopper's news of their account: someone else tried to link it by its phone."""

from __future__ import annotations

from domain.cases import CaseTopic
from domain.notifications import LinkAttempt
from handlers.conversation_views import contact_keyboard
from handlers.notices.base import Letter, Outlet, Sent


async def link_attempt(out: Outlet, letter: Letter[LinkAttempt]) -> Sent:
    when = letter.t.datetime(letter.payload.at, out.rules.tz)
    text = letter.t("link-takeover-attempt", time=when)
    # "Any doubt: contact staff" is one press away, about the account rather than an order.
    markup = contact_keyboard(letter.t, None, CaseTopic.GENERAL)
    return Sent(await out.send_text(letter.chat_id, text, reply_markup=markup))
