"""What staff read about their cases: lists that fit one Telegram message."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.cases import SavedReply
from handlers.i18n import Translations
from handlers.staff.case_views import replies_view

ZH = Translations().get("zh")
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def test_a_long_list_of_saved_replies_fits_one_message_and_says_how_many_more() -> None:
    replies = [
        SavedReply(
            f"reply{n:03}", "退货地址:上海市浦东新区某某路 100 号,收件人王先生。" * 5, 9001, NOW
        )
        for n in range(120)
    ]

    text = replies_view(ZH, replies)

    assert len(text) <= 4096
    shown = text.count("• reply")
    assert 10 < shown < 120
    assert f"另有 {120 - shown} 条未列出" in text
    assert text.endswith("删除:/replies del 名称")


def test_a_short_list_shows_every_reply() -> None:
    replies = [SavedReply("hi", "您好", 9001, NOW), SavedReply("bye", "再见", 9001, NOW)]
    text = replies_view(ZH, replies)
    assert "hi" in text and "bye" in text and "未列出" not in text
