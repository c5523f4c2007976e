"""Routers, one per conversation area, under two parents that carry the chat filters once.

The staff parent sees only the staff group; the shopper parent only private
chats. The fallback comes last: it answers whatever no other router took.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    apply,
    conversation,
    fallback,
    help_menu,
    link,
    orders,
    refunds,
    restore,
    satisfaction,
    settings,
    staff,
    start,
    timeline,
)
from handlers.filters import in_private_chat, in_staff_chat
from handlers.middlewares import UpdateContext
from handlers.staff import cases as staff_cases
from handlers.staff import elsewhere as staff_elsewhere
from handlers.staff import stats as staff_stats


def with_context(router: Router) -> Router:
    """Every handler under ``router`` gets ``ctx``, and every press its one answer."""
    for observer in (router.message, router.edited_message, router.callback_query):
        observer.middleware(UpdateContext())
    return router


def create_staff_router() -> Router:
    parent = Router(name="staff")
    parent.message.filter(in_staff_chat)
    parent.callback_query.filter(in_staff_chat)
    with_context(parent)
    # In the staff group its commands, buttons and typed reasons win. Tickets come first:
    # a reply that answers no ticket prompt goes on to the refunds' failure reasons; what
    # staff write in a case's topic (or reply chain) then goes to its shopper.
    parent.include_routers(
        staff.create_ticket_router(),
        staff.create_refund_router(),
        staff.create_coupon_router(),
        staff_stats.create_router(),
        staff_cases.create_router(),
    )
    return parent


def create_shopper_router() -> Router:
    parent = Router(name="shopper")
    parent.message.filter(in_private_chat)
    parent.callback_query.filter(in_private_chat)
    with_context(parent)
    parent.include_routers(
        # A staff card's button pressed here (a forwarded card) says where it works, before
        # the shopper's routers take it for a stale or unlinked press.
        staff_elsewhere.create_router(),
        # /stats in a staff member's own chat (anyone else is told it is for staff).
        staff_stats.create_router(),
        # A command during an application, or while a comment is awaited, leaves it, then
        # reaches its own handler below.
        apply.create_leave_router(),
        # So does a command while writing to staff (except /contact).
        conversation.create_leave_router(),
        satisfaction.create_leave_router(),
        link.create_router(),
        settings.create_router(),
        refunds.create_router(),
        start.create_router(),
        help_menu.create_router(),
        restore.create_router(),
        # While writing to staff, their text, photos and files go to the case, not to a search.
        conversation.create_router(),
        # The application's steps take the shopper's text and screenshots before orders does.
        apply.create_router(),
        # The rating's buttons, and the comment typed after a rating, before orders' search.
        satisfaction.create_router(),
        # Orders takes any remaining shopper text as a search, so it comes after the commands.
        orders.create_router(),
        # After orders, which answers the presses of shoppers who are not linked.
        timeline.create_router(),
    )
    return parent


def get_routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a router can belong to only one)."""
    return [create_staff_router(), create_shopper_router(), with_context(fallback.create_router())]
