"""Routers, one per conversation area, in the order they should see updates."""

from __future__ import annotations

from aiogram import Router

from handlers import fallback, link, orders, refunds, settings, start


def get_routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a router can belong to only one).

    The fallback comes last: it answers whatever no other router took.
    """
    return [
        link.create_router(),
        settings.create_router(),
        refunds.create_router(),
        start.create_router(),
        # Orders takes any remaining shopper text as a search, so it comes after the commands.
        orders.create_router(),
        fallback.create_router(),
    ]
