"""What handlers need of the shop, built once by the composition root and injected as ``deps``.

One typed object instead of the same half-dozen parameters on every handler;
handlers never import the process's settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from domain.conversations import REOPEN_WITHIN
from domain.policy import ShopRules
from domain.ports import Clock
from domain.shop_cancels import CancelDesk
from handlers.i18n import Translations, Translator


@dataclass(slots=True)
class StaffChat:
    """The staff group's chat id, shared by everything that writes there or listens to it.

    Mutable on purpose: when Telegram upgrades the group to a supergroup, the group
    gets a new id, and the bot follows it at once (handlers, pushes, the flood gate)
    rather than treating the staff's own presses as coming from a stranger's chat.
    """

    id: int | None = None
    #: Whether the group has topics (a forum): each case then gets a topic of its own.
    #: ``None`` until asked (``getChat``), and again after the group moved.
    is_forum: bool | None = None
    #: While the bot may not make topics there (no "Manage Topics" right), cases get a card
    #: with reply threading; the right is tried again from this moment on.
    topics_again_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Deps:
    rules: ShopRules
    clock: Clock
    translations: Translations
    #: The staff group's chat; its id is ``None`` while the shop has not set one.
    staff_chat: StaffChat = field(default_factory=StaffChat)
    #: Telegram user ids allowed to decide in the staff group.
    staff_ids: frozenset[int] = field(default_factory=frozenset)
    #: Where cancels meet the shop's own order system (SHOP_MODE=http); ``None`` when the
    #: bot's database is the order system and a cancel is written at once.
    desk: CancelDesk | None = None
    #: A case closed this recently is opened again by the shopper (CASE_REOPEN_DAYS).
    case_reopen: timedelta = REOPEN_WITHIN

    @property
    def staff_chat_id(self) -> int | None:
        return self.staff_chat.id

    @property
    def tz(self) -> tzinfo:
        return self.rules.tz

    def now(self) -> datetime:
        return self.clock.now()

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.staff_ids

    @property
    def staff_t(self) -> Translator:
        """Staff read the shop's default language."""
        return self.translations.get(None)
