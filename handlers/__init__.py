"""Routers, one per conversation area, in the order they should see updates."""

from __future__ import annotations

from aiogram import Router

from handlers import fallback, start


def get_routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a router can belong to only one).

    The fallback comes last: it answers whatever no other router took.
    """
    return [start.create_router(), fallback.create_router()]
