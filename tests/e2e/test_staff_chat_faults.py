"""The staff group moved or out of reach, and Telegram itself away for hours: no staff card
is ever marked failed or dead for it, and everything queued goes out once it can."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.tables import OutboxRow
from tests.e2e.test_cli import bot_cli
from tests.e2e.test_staff import STAFF_CHAT, Desk, linked, open_desk
from tests.fakebot import FakeTelegram

SUPERGROUP = -1002233445566


async def statuses(desk: Desk) -> list[tuple[str, str]]:
    async with desk.shop.session() as uow:
        found = await uow.session.execute(
            select(OutboxRow.kind, OutboxRow.status).order_by(OutboxRow.id)
        )
        return [(kind, status) for kind, status in found]


async def run_for(desk: Desk, period: timedelta, step: timedelta) -> None:
    """Let the notifier work through ``period`` of virtual time, a wake every ``step``."""
    end = desk.shop.clock.now() + period
    while desk.shop.clock.now() < end:
        await desk.runtime.notifier.deliver_due()
        desk.shop.clock.advance(seconds=step.total_seconds())
    await desk.runtime.notifier.deliver_due()
    await desk.tg.idle()


def card_texts(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [m.content for m in tg.messages(chat_id, from_bot=True) if m.content.startswith("🆕")]


async def test_a_group_upgraded_to_a_supergroup_is_followed_and_staff_work_there(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.notifier")
    async with open_desk(tg, tmp_path) as desk:
        await linked(desk, "KM-1", "KM-2")
        await desk.file("KM-1")
        await desk.deliver()
        assert len(card_texts(tg, STAFF_CHAT)) == 1

        supergroup = tg.upgrade_group(STAFF_CHAT, SUPERGROUP)
        await desk.file("KM-2")
        await desk.deliver()

        [card] = [m for m in supergroup.messages() if m.content.startswith("🆕 工单 #2 ")]
        assert ("staff.ticket_new", "sent") in await statuses(desk)
        assert not [s for _, s in await statuses(desk) if s in ("failed", "dead")]
        [line] = [r.getMessage() for r in caplog.records if "supergroup" in r.getMessage()]
        assert f"STAFF_CHAT_ID={SUPERGROUP}" in line

        # Staff decide in the new supergroup: it is the staff group now.
        li = supergroup.as_user(tg.user(9001))
        await li.press("同意取消", card)
        [decided] = [m for m in supergroup.messages() if m.message_id == card.message_id]
        assert "✅ 已同意取消 · 李客服" in decided.content


async def test_telegrams_upgrade_notice_moves_the_bot_before_anything_is_sent(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await linked(desk, "KM-1")
        await desk.file("KM-1")
        await desk.deliver()
        supergroup = tg.upgrade_group(STAFF_CHAT, SUPERGROUP, by=tg.user(9001))
        await tg.idle()
        assert desk.runtime.staff_chat.id == SUPERGROUP

        # Staff's first command in the new supergroup is a staff command, not a stranger's.
        li = supergroup.as_user(tg.user(9001))
        await li.send("/queue")
        assert li.last_text().startswith("📋 待处理工单 1 个")


async def test_started_with_the_old_id_the_bot_moves_to_the_supergroup_before_any_card(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    tg.group(STAFF_CHAT, "客服组")
    tg.upgrade_group(STAFF_CHAT, SUPERGROUP)
    async with open_desk(tg, tmp_path) as desk:
        assert desk.runtime.staff_chat.id == SUPERGROUP
        await linked(desk, "KM-1")
        await desk.file("KM-1")
        await desk.deliver()
        assert len(card_texts(tg, SUPERGROUP)) == 1
        assert not tg.calls("sendMessage", chat_id=STAFF_CHAT)


@pytest.mark.parametrize("fault", ["kicked", "chat not found", "no rights"])
async def test_staff_cards_are_held_while_the_group_refuses_the_bot_and_sent_after(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.notifier")
    async with open_desk(tg, tmp_path) as desk:
        await linked(desk, "KM-1", "KM-2", "KM-3")
        if fault == "kicked":
            desk.group.remove_bot()
        elif fault == "chat not found":
            tg.fail_always("sendMessage", 400, "Bad Request: chat not found", chat_id=STAFF_CHAT)
        else:
            description = "Bad Request: not enough rights to send text messages to the chat"
            tg.fail_always("sendMessage", 400, description, chat_id=STAFF_CHAT)
        for order_no in ("KM-1", "KM-2", "KM-3"):
            await desk.file(order_no)
        await run_for(desk, timedelta(hours=3), timedelta(minutes=5))

        assert card_texts(tg, STAFF_CHAT) == []
        kept = await statuses(desk)
        assert [s for k, s in kept if k == "staff.ticket_new"] == ["pending"] * 3
        assert not [s for _, s in kept if s in ("failed", "dead")]
        said = [r.getMessage() for r in caplog.records]
        lines = [line for line in said if "Cannot write to the staff group" in line]
        assert len(lines) == 1  # one line for the outage, not one per card or per try
        assert "STAFF_CHAT_ID=-1001" in lines[0] and "none is dropped" in lines[0]
        # Held, not hammered: with the wait doubling to 10 minutes, a few dozen tries at most.
        assert len(tg.calls("sendMessage", chat_id=STAFF_CHAT)) < 30

        tg.clear_failures()
        tg.chat(STAFF_CHAT).bot_removed = False
        await run_for(desk, timedelta(minutes=15), timedelta(minutes=1))
        assert len(card_texts(tg, STAFF_CHAT)) == 3
        assert [s for k, s in await statuses(desk) if k == "staff.ticket_new"] == ["sent"] * 3


async def test_a_two_hour_telegram_outage_ends_with_every_notification_delivered(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await linked(desk, *(f"KM-{n}" for n in range(1, 11)))
        for method in ("sendMessage", "sendPhoto"):
            tg.fail_next(method, 502, "Bad Gateway", times=10**9)
        for n in range(1, 11):
            await desk.file(f"KM-{n}")
        await run_for(desk, timedelta(hours=2), timedelta(minutes=1))
        assert card_texts(tg, STAFF_CHAT) == []

        tg.clear_failures()
        await run_for(desk, timedelta(minutes=15), timedelta(minutes=1))
        assert len(card_texts(tg, STAFF_CHAT)) == 10
        kept = await statuses(desk)
        assert {s for _, s in kept} == {"sent"}
        assert "staff.dead_letter" not in {k for k, _ in kept}


async def test_after_a_day_of_failures_rows_die_with_one_alert_and_the_operator_requeues_them(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await linked(desk, *(f"KM-{n}" for n in range(1, 6)))
        tg.fail_next("sendMessage", 502, "Bad Gateway", times=10**9)
        for n in range(1, 6):
            await desk.file(f"KM-{n}")
        await run_for(desk, timedelta(hours=23, minutes=50), timedelta(minutes=10))
        assert {s for _, s in await statuses(desk)} == {"pending"}  # still trying

        # Each try comes a 10-minute wake after its wait: the rows die within a day and a half.
        await run_for(desk, timedelta(hours=12), timedelta(minutes=10))
        kept = await statuses(desk)
        assert [s for k, s in kept if k == "staff.ticket_new"] == ["dead"] * 5
        assert [k for k, _ in kept].count("staff.dead_letter") == 1  # one for the outage

        tg.clear_failures()
        await run_for(desk, timedelta(minutes=15), timedelta(minutes=1))
        [alert] = [m.content for m in desk.group.messages() if m.content.startswith("☠️")]
        assert "有 5 条通知发送失败(Telegram 拒收,或连续一天多未能送出)" in alert
        assert "python -m bot outbox" in alert

        database = f"sqlite+aiosqlite:///{tmp_path}/shop.db"
        listed = bot_cli(tmp_path, "outbox", DATABASE_URL=database)
        assert listed.returncode == 0, listed.stderr
        lines = listed.stdout.strip().splitlines()
        assert len(lines) == 6 and all("staff.ticket_new" in line for line in lines[:5])
        assert "Bad Gateway" in lines[0] and "共 5 条被放弃的通知" in lines[5]
        first = lines[0].split(" ")[0].lstrip("#")

        partly = bot_cli(tmp_path, "outbox", "--requeue", first, "99999", DATABASE_URL=database)
        assert partly.returncode == 1
        assert "已重新排队 1 条通知" in partly.stdout
        assert len(partly.stderr.strip().splitlines()) == 1 and "1 个编号" in partly.stderr
        rest = bot_cli(tmp_path, "outbox", "--requeue-all", DATABASE_URL=database)
        assert rest.returncode == 0 and "已重新排队 4 条通知" in rest.stdout

        await run_for(desk, timedelta(minutes=2), timedelta(seconds=30))
        assert len(card_texts(tg, STAFF_CHAT)) == 5
        assert {s for _, s in await statuses(desk)} == {"sent"}
        empty = bot_cli(tmp_path, "outbox", DATABASE_URL=database)
        assert "没有被放弃的通知" in empty.stdout
