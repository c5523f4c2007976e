"""Routers, one per conversation area, in the order they should see updates."""

from __future__ import annotations

from aiogram import Router

from handlers import fallback, start


def get_routers() -> list[Router]:
    # The fallback must come last: it answers whatever no other router took.
    return [start.router, fallback.router]
