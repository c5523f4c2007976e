"""The staff group: tickets decided on their cards and manual refunds reported back.

``tickets`` and ``refunds`` hold the routers and their handlers; ``ticket_views`` and
``refund_views`` render, ``callbacks`` names the buttons, ``chat`` does what both need
of the group itself (names, edits, prompts answered by reply).
"""

from __future__ import annotations

from handlers.staff.coupons import create_router as create_coupon_router
from handlers.staff.refunds import create_router as create_refund_router
from handlers.staff.tickets import create_router as create_ticket_router

__all__ = ["create_coupon_router", "create_refund_router", "create_ticket_router"]
