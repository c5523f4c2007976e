"""Signatures between the bot and the shop: altered, missing and replayed requests fail."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.shop_signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureProblem,
    check_signature,
    signature,
    signed_headers,
)

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
BODY = b'{"order_no": "KM-1"}'


def test_a_request_signed_now_with_the_secret_passes() -> None:
    headers = signed_headers("s3cret", BODY, NOW)

    assert check_signature("s3cret", headers, BODY, NOW + timedelta(minutes=4)) is None


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", b"1796191200." + BODY, hashlib.sha256).hexdigest()

    assert signature("s3cret", "1796191200", BODY) == f"sha256={expected}"


def test_an_altered_body_or_another_secret_is_bad() -> None:
    headers = signed_headers("s3cret", BODY, NOW)

    assert check_signature("s3cret", headers, BODY + b" ", NOW) is SignatureProblem.BAD
    assert check_signature("other", headers, BODY, NOW) is SignatureProblem.BAD


def test_a_request_older_or_newer_than_five_minutes_is_stale() -> None:
    headers = signed_headers("s3cret", BODY, NOW)

    late = NOW + timedelta(minutes=5, seconds=1)
    early = NOW - timedelta(minutes=5, seconds=1)
    assert check_signature("s3cret", headers, BODY, late) is SignatureProblem.STALE
    assert check_signature("s3cret", headers, BODY, early) is SignatureProblem.STALE


def test_missing_or_garbled_headers_are_refused() -> None:
    headers = signed_headers("s3cret", BODY, NOW)

    assert check_signature("s3cret", {}, BODY, NOW) is SignatureProblem.MISSING
    only_stamp = {TIMESTAMP_HEADER: headers[TIMESTAMP_HEADER]}
    assert check_signature("s3cret", only_stamp, BODY, NOW) is SignatureProblem.MISSING
    garbled = {**headers, TIMESTAMP_HEADER: "yesterday"}
    assert check_signature("s3cret", garbled, BODY, NOW) is SignatureProblem.STALE
    assert check_signature("s3cret", {**headers, SIGNATURE_HEADER: "x"}, BODY, NOW) is (
        SignatureProblem.BAD
    )


def test_the_worked_example_in_the_docs_signs_as_the_bot_does() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "shop-api.md").read_text(encoding="utf-8")
    body = re.search(r"```json\n(.+?)\n```", doc, re.S)
    given = re.search(r"X-Shop-Signature: (sha256=[0-9a-f]{64})", doc)
    assert body is not None and given is not None
    raw = body.group(1).encode()

    assert f"({len(raw)} bytes" in doc
    assert signature("0123456789abcdef0123456789abcdef", "1796205600", raw) == given.group(1)


def test_a_timestamp_of_other_digits_or_a_non_ascii_signature_is_refused_not_a_crash() -> None:
    headers = signed_headers("s3cret", BODY, NOW)

    superscript = {**headers, TIMESTAMP_HEADER: "²"}
    assert check_signature("s3cret", superscript, BODY, NOW) is SignatureProblem.STALE
    chinese = {**headers, SIGNATURE_HEADER: "签名"}
    assert check_signature("s3cret", chinese, BODY, NOW) is SignatureProblem.BAD
