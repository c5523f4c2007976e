"""An order's history as text: the shopper's (plain words, their timezone, no ids) and the
lines staff's /order shows (who did it, and the notes).

Pure: a Translator and domain values in, text out. A history longer than one Telegram
message keeps its most recent lines and says how many earlier ones were left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.timeline import By, Entry, Timeline
from handlers.callbacks import OrderAction, OrderCb
from handlers.i18n import Translator, Value, money
from handlers.views import Rendered

#: Telegram's longest message, in UTF-16 code units (as Telegram counts).
MAX_MESSAGE = 4096

#: Where a preset reason's words are, by the kind of entry that names it. A reason of any
#: other entry is words already (a refund's failure reason, as the shopper was told it).
_REASON_WORDS = {
    "order-cancel-reason": "cancel-reason-",
    "ticket-filed": "apply-reason-",
    "ticket-rejected": "staff-reject-",
}


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(head: Sequence[str], lines: Sequence[str], t: Translator, limit: int = MAX_MESSAGE) -> str:
    """``head`` then ``lines``; when too long, the most recent lines that fit, and a note of
    how many earlier ones were left out."""
    whole = "\n".join([*head, *lines])
    if _length(whole) <= limit:
        return whole
    kept: list[str] = []
    for line in reversed(lines):
        note = t("timeline-earlier", count=len(lines) - len(kept) - 1)
        if _length("\n".join([*head, note, line, *kept])) > limit:
            break
        kept.insert(0, line)
    note = t("timeline-earlier", count=len(lines) - len(kept))
    return "\n".join([*head, note, *kept])


def when(t: Translator, moment: datetime, tz: tzinfo, now: datetime) -> str:
    """A short local time: the year only when it is not this year."""
    local = moment.astimezone(tz)
    key = "timeline-when" if local.year == now.astimezone(tz).year else "timeline-when-year"
    return t(key, year=local.year, month=local.month, day=local.day, time=f"{local:%H:%M}")


def _reason(t: Translator, entry: Entry, value: Value) -> str:
    typed = entry.facts.get("reason_text")
    if typed:
        return str(typed)  # what staff typed for the shopper
    prefix = _REASON_WORDS.get(entry.what)
    if prefix is None:
        return str(value)
    key = f"{prefix}{value}"
    return t(key) if t.has(key) else ""


def entry_args(t: Translator, entry: Entry) -> dict[str, Value]:
    """The entry's facts as its text shows them: money as ¥, codes as words."""
    args: dict[str, Value] = {"by": entry.by.value}
    for name, value in entry.facts.items():
        if name == "amount_fen":
            args["amount"] = money(int(value))
        elif name == "channel":
            args["channel"] = t(f"channel-{value}") if value else ""
        elif name == "shop_status":
            args["shop_status"] = t(f"status-{value}") if t.has(f"status-{value}") else ""
        elif name == "reason":
            args["reason"] = _reason(t, entry, value)
        else:
            args[name] = value
    return args


def entry_text(t: Translator, entry: Entry, *, staff: bool = False) -> str | None:
    """The entry in words; None for a kind of entry with no text in this release."""
    key = f"timeline-{entry.what}"
    if staff and t.has(f"timeline-staff-{entry.what}"):
        key = f"timeline-staff-{entry.what}"
    if not t.has(key):
        return None
    return t(key, **entry_args(t, entry))


def timeline_view(t: Translator, timeline: Timeline, tz: tzinfo, now: datetime) -> Rendered:
    """The shopper's history of one order, with the way back to its card."""
    order = timeline.order
    head = [
        t("timeline-title", order_no=order.order_no),
        t("timeline-product", product=order.product_name),
        "",
    ]
    lines = [
        t("timeline-line", time=when(t, entry.at, tz, now), text=text)
        for entry in timeline.entries
        if (text := entry_text(t, entry)) is not None
    ]
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("timeline-back"), callback_data=OrderCb(action=OrderAction.OPEN, order_id=order.id)
    )
    if not lines:
        return "\n".join([*head, t("timeline-empty")]), builder.as_markup()
    return fit(head, lines, t), builder.as_markup()


# --------------------------------------------------------------------------- staff


def who_text(t: Translator, entry: Entry, names: Mapping[int, str]) -> str:
    """Who did it, for staff: a colleague (name and id), the shopper, the shop, the system."""
    if entry.by is By.STAFF and entry.staff_id is not None:
        # The id as it is written, not as a number Fluent would group ("9,001").
        name = names.get(entry.staff_id, "")
        return t("timeline-who-staff", name=name, id=str(entry.staff_id))
    kind, _, detail = entry.actor.partition(":")
    if kind == "gateway":
        return t("staff-refund-actor-wallet")
    if kind == "import":
        return t("staff-refund-actor-import", file=detail)
    return t(f"timeline-who-{entry.by.value}")


def staff_lines(
    t: Translator, entries: Sequence[Entry], tz: tzinfo, names: Mapping[int, str]
) -> list[str]:
    """Every entry, with who did it, and its note on a line of its own."""
    lines: list[str] = []
    for entry in entries:
        text = entry_text(t, entry, staff=True)
        if text is None:
            continue
        when_text = t.datetime(entry.at, tz)
        line = t(
            "staff-timeline-line", time=when_text, action=text, actor=who_text(t, entry, names)
        )
        if entry.note:
            line = "\n".join([line, t("timeline-note", note=entry.note)])
        lines.append(line)
    return lines
