"""Routers, one per conversation area, in the order they should see updates."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    apply,
    fallback,
    link,
    orders,
    refunds,
    settings,
    staff,
    staff_refunds,
    start,
)


def get_routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a router can belong to only one).

    The fallback comes last: it answers whatever no other router took.
    """
    return [
        # Staff first: in the staff group its commands, buttons and typed reasons win.
        staff.create_router(),
        staff_refunds.create_router(),
        # A command during an application leaves it, then reaches its own handler below.
        apply.create_leave_router(),
        link.create_router(),
        settings.create_router(),
        refunds.create_router(),
        start.create_router(),
        # The application's steps take the shopper's text and screenshots before orders does.
        apply.create_router(),
        # Orders takes any remaining shopper text as a search, so it comes after the commands.
        orders.create_router(),
        fallback.create_router(),
    ]
