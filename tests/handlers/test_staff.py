"""The staff group's commands and buttons through the real routers, answered in process."""

from __future__ import annotations

from tests.handlers.conftest import STAFF, Harness


async def test_queue_lists_open_tickets_for_staff(harness: Harness) -> None:
    staff = harness.in_staff_chat(STAFF)
    await staff.send("/queue")
    text = staff.last_text()
    assert "待处理工单" in text or "没有待处理的工单" in text


async def test_a_group_member_who_is_not_staff_is_refused(harness: Harness) -> None:
    member = harness.in_staff_chat(5555, first_name="路人")
    await member.send("/queue")
    assert member.last_text() == "⛔ 这些命令只供客服使用。"


async def test_a_shopper_command_in_the_staff_group_points_to_the_private_chat(
    harness: Harness,
) -> None:
    staff = harness.in_staff_chat(STAFF)
    await staff.send("/orders")
    assert staff.texts() == ["请在与我的私聊中使用这个功能。"]
