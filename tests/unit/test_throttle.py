"""Per-person throttling of updates: the token bucket, its notices and its memory."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.throttle import Buckets, Verdict

ALLOWED = Verdict(allowed=True)


def test_a_burst_goes_through_then_about_one_a_second() -> None:
    buckets = Buckets(burst=5, per_second=1)
    assert [buckets.take(1, 0.0).allowed for _ in range(7)] == [True] * 5 + [False] * 2
    assert not buckets.take(1, 0.5).allowed
    assert buckets.take(1, 1.0).allowed  # a second after the burst: one more
    assert not buckets.take(1, 1.2).allowed
    assert [buckets.take(1, 10.0).allowed for _ in range(6)] == [True] * 5 + [False]


def test_dropping_says_so_once_a_window_and_answers_a_few_presses() -> None:
    buckets = Buckets(burst=1, per_second=1, window=timedelta(seconds=30), answers=2)
    assert buckets.take(1, 0.0) == ALLOWED
    messages = [buckets.take(1, 0.0) for _ in range(5)]
    assert [v.notice for v in messages] == [True, False, False, False, False]
    presses = [buckets.take(1, 0.0, press=True) for _ in range(4)]
    assert [v.answer for v in presses] == [True, True, False, False]
    assert not any(v.allowed for v in messages + presses)
    # Another window, another notice (if the person is still over the limit).
    buckets.take(1, 31.0)  # allowed: a token came back
    assert buckets.take(1, 31.0).notice
    assert buckets.dropped == 10


def test_the_photos_of_one_album_count_as_one() -> None:
    buckets = Buckets(burst=2, per_second=1)
    assert all(buckets.take(1, 0.0, album="A").allowed for _ in range(10))
    assert buckets.take(1, 0.0).allowed
    assert not buckets.take(1, 0.0, album="B").allowed


def test_people_are_counted_apart() -> None:
    buckets = Buckets(burst=1, per_second=1)
    assert buckets.take(1, 0.0).allowed
    assert not buckets.take(1, 0.0).allowed
    assert buckets.take(2, 0.0).allowed


def test_memory_forgets_the_idle_and_is_capped() -> None:
    buckets = Buckets(burst=5, per_second=1, window=timedelta(seconds=30), max_people=100)
    for person in range(50):
        buckets.take(person, 0.0)
    assert len(buckets.people) == 50
    buckets.take(999, 31.0)  # the others' buckets are full again and their window over
    assert list(buckets.people) == [999]
    # Many accounts at once: never more than the cap, the least recently seen go first.
    for person in range(1000, 1500):
        buckets.take(person, 40.0)
    assert len(buckets.people) == 100
    assert min(buckets.people) == 1400


def test_throttling_and_pace_settings_are_checked() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (defaults.throttle_burst, defaults.throttle_per_second) == (5, 1.0)
    assert defaults.chat_messages_per_second == 1.0
    off = Settings(_env_file=None, throttle_per_second=0, chat_messages_per_second=0)  # type: ignore[call-arg]
    assert (off.throttle_per_second, off.chat_messages_per_second) == (0, 0)
    wrong: list[tuple[str, object, str]] = [
        ("throttle_burst", 0, "config-throttle-burst"),
        ("throttle_burst", 101, "config-throttle-burst"),
        ("throttle_per_second", 0.05, "config-throttle-rate"),
        ("throttle_per_second", 31, "config-throttle-rate"),
        ("chat_messages_per_second", 0.1, "config-chat-pace"),
        ("chat_messages_per_second", 6, "config-chat-pace"),
    ]
    for key, value, problem in wrong:
        with pytest.raises(ValidationError, match=problem):
            Settings(_env_file=None, **{key: value})  # type: ignore[arg-type]
