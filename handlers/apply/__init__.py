"""The shopper's application for cancel (reason, screenshots, summary, submit) and
their open tickets (``/tickets``: more screenshots, withdraw).

``router`` holds the wizard's handlers, ``draft`` what it keeps in FSM data,
``views`` every text and keyboard, ``tickets`` the filed tickets' handlers.
"""

from handlers.apply.router import create_leave_router, create_router

__all__ = ["create_leave_router", "create_router"]
