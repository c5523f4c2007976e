"""What a renderer gets from the sender, and what it answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from domain.notifications import Kind, Payload
from domain.policy import ShopRules
from domain.ports import Clock, Notification, UnitOfWorkFactory
from domain.shopper import OrderCard, order_card
from handlers.deps import StaffChat
from handlers.i18n import Translator

P_co = TypeVar("P_co", bound=Payload, covariant=True)


class Skip(Exception):
    """Nothing to send (a customer without Telegram, a ticket that vanished)."""


class NotReady(Exception):
    """Try again a little later, without counting an attempt."""


@dataclass
class Sent:
    message_id: int | None
    follow_ups: list[Notification] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Letter(Generic[P_co]):
    """One row on its way: the chat, its reader's language, and the facts it shows."""

    chat_id: int
    t: Translator
    kind: Kind
    customer_id: int | None
    payload: P_co


class Outlet(Protocol):
    """What the sender offers renderers: Telegram within its limits, the shop, the database."""

    @property
    def bot(self) -> Bot: ...
    @property
    def rules(self) -> ShopRules: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def uows(self) -> UnitOfWorkFactory: ...
    @property
    def staff_chat(self) -> StaffChat: ...

    async def call(self, chat_id: int, method: Callable[[], Awaitable[Any]]) -> Any:
        """One Bot API call, paced and classified (unreachable chats, retries)."""
        ...

    async def send_text(
        self, chat_id: int, text: str, *, reply_to: int | None = None, **kwargs: Any
    ) -> int:
        """Send a message (a reply to ``reply_to`` when given); its message id."""
        ...


#: Renders and sends one kind of row.
Renderer = Callable[[Outlet, Letter[Any]], Awaitable[Sent]]


async def send(
    out: Outlet, letter: Letter[Any], rendered: tuple[str, InlineKeyboardMarkup | None]
) -> Sent:
    """Send a rendered text and its keyboard to the letter's chat."""
    text, markup = rendered
    return Sent(await out.send_text(letter.chat_id, text, reply_markup=markup))


async def current_card(out: Outlet, order_id: int) -> OrderCard:
    """The order's card as it is when the push goes out: its buttons end the push."""
    async with out.uows() as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            raise Skip(f"order {order_id} not found")
        return await order_card(uow, order, out.rules, out.clock.now())
