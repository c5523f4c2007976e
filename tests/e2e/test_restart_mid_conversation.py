"""A restart or deploy in the middle of a conversation loses nothing: the next message
continues the application, or the staff member's reject note, where it stood."""

from __future__ import annotations

from pathlib import Path

from domain.tickets import RejectReason, TicketStatus
from storage.tables import TicketRow
from tests.e2e.conftest import running_shop
from tests.e2e.test_apply import delivering, start_application, tickets
from tests.e2e.test_staff import linked, open_desk
from tests.fakebot import FakeTelegram


async def test_a_screenshot_sent_while_the_bot_was_down_continues_the_application(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    user = tg.user(1001)
    async with running_shop(tg, tmp_path) as shop:
        await delivering(shop)
        await start_application(user)
        await user.press("重复下单")
        await user.send_photo(size=200_000)
        assert "已收到第 1 张截图" in user.last_text()

    await user.send_photo(size=150_000, wait=False)  # the bot is being deployed

    async with running_shop(tg, tmp_path) as shop:
        await tg.idle()
        assert "已收到第 2 张截图" in user.last_text()
        await user.press("完成")
        summary = user.last_text()
        assert "原因:重复下单" in summary and "截图:2 张" in summary
        await user.press("提交申请")
        assert "已提交申请 #1" in user.last_text()
        [ticket] = await tickets(shop)
        assert (ticket.reason, ticket.evidence_count) == ("duplicate", 2)


async def test_a_reject_note_typed_after_a_restart_still_decides_the_ticket(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with open_desk(tg, tmp_path) as desk:
        await linked(desk, "KM-1")
        ticket_id = await desk.file("KM-1")
        await desk.deliver()
        card = desk.card(ticket_id)
        await desk.li.press("❌ 拒绝", card)
        await desk.li.press("其他(输入原因)", card)
        prompt = desk.group.last_message()
        assert "李客服,请直接回复本消息" in prompt.content

    async with open_desk(tg, tmp_path) as desk:
        await desk.li.send("游戏内已查到充值记录", reply_to=prompt)
        assert "工单 #1 已拒绝" in desk.li.last_text()
        [ticket] = await desk.rows(TicketRow)
        assert ticket.status == TicketStatus.REJECTED.value
        assert ticket.reject_reason == RejectReason.OTHER.value
        assert ticket.decision_note == "游戏内已查到充值记录"
