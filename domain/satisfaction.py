"""Satisfaction, asked once per case: after a refund arrived, a ticket was decided, or a
conversation with staff was closed, the shopper may rate it 1–5 and add a few words.

* **Once per case.** Each case has a key (``ticket:12``, ``refund:7``, ``conversation:3``);
  the database keeps one survey per key, written in the same transaction as the change
  that ended the case, so a second press, a retried import or a re-run writes nothing more.
* **After the news, never at night.** The question is due ``ASK_AFTER`` the change, so the
  shopper reads the decision (or the refund's arrival) first and is not asked in the same
  breath; and it is a push, which the sender holds until the shopper's morning when it
  falls due in their night (``domain.schedule.quiet_until``, 22:00–08:00 their time).
* **Not twice in a row.** A shopper already asked about another case of the same order
  within ``RELATED_WITHIN`` is not asked again: an application approved in the morning and
  refunded to WeChat that afternoon is one experience, not two. The case is still recorded
  (as suppressed), so it is never asked about later either.

The shopper's answers are ``domain.ratings``'s.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.notifications import Kind, SatisfactionAsk
from domain.ports import AuditEntry, Notification, SurveyStatus, UnitOfWork

#: A case of an order whose shopper was asked about another case of it this recently is
#: not asked about.
RELATED_WITHIN = timedelta(hours=24)
#: How long after the case ended the question is due: time to read the news first.
ASK_AFTER = timedelta(minutes=10)
#: The longest comment kept (a Telegram message may be far longer).
MAX_COMMENT = 300
RATINGS = range(1, 6)
#: Who writes the question, in the audit log.
ASKER = "bot"

#: The kinds of case, the first part of a case's key.
TICKET = "ticket"
REFUND = "refund"
CONVERSATION = "conversation"


def case_key(topic: str, number: int) -> str:
    return f"{topic}:{number}"


async def ask_satisfaction(
    uow: UnitOfWork, *, customer_id: int, case: str, order_id: int | None, now: datetime
) -> bool:
    """Ask the shopper about ``case`` once, inside the caller's transaction (it commits).

    Call it where a case ends: the question is queued with that change. ``case`` is the
    case's key (``case_key(CONVERSATION, 3)``); ``order_id`` the order it was about, if any.
    False when nothing was queued: the case was asked about before, or the shopper was
    asked about the same order a short while ago.
    """
    related = order_id is not None and await uow.satisfaction.asked_since(
        customer_id, order_id, now - RELATED_WITHIN
    )
    survey = await uow.satisfaction.open(
        case=case,
        customer_id=customer_id,
        order_id=order_id,
        status=SurveyStatus.SUPPRESSED if related else SurveyStatus.ASKED,
        now=now,
    )
    if survey is None:
        return False
    uow.audit.add(
        AuditEntry(
            "satisfaction.not_asked" if related else "satisfaction.asked",
            ASKER,
            now,
            order_id=order_id,
            detail={"case": case, "survey": survey.id},
        )
    )
    if related:
        return False
    order = await uow.orders.get(order_id) if order_id is not None else None
    await uow.outbox.add(
        Notification(
            kind=Kind.CUSTOMER_SATISFACTION_ASK,
            audience="customer",
            dedupe_key=f"satisfaction:{case}",
            due_at=now + ASK_AFTER,
            customer_id=customer_id,
            payload=SatisfactionAsk(
                survey.id, order.order_no if order else "", case.partition(":")[0]
            ),
        ),
        now,
    )
    return True


def clean_comment(text: str) -> str | None:
    """The shopper's words as kept; None when empty or longer than ``MAX_COMMENT``."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_COMMENT:
        return None
    return cleaned
