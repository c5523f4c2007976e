"""Signatures on every request between the bot and the shop's order system.

HMAC-SHA256 over ``timestamp + "." + raw body`` with the shared secret, the
timestamp (Unix seconds) in its own header, as Stripe signs its webhooks: the
body cannot be altered, and a request captured once cannot be replayed after
the tolerance has passed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

TIMESTAMP_HEADER = "X-Shop-Timestamp"
SIGNATURE_HEADER = "X-Shop-Signature"
#: How far a request's timestamp may be from the receiver's clock, either way.
TOLERANCE = timedelta(minutes=5)


class SignatureProblem(StrEnum):
    MISSING = "missing"
    STALE = "stale"
    BAD = "bad"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def check_signature(
    secret: str, headers: Mapping[str, str], body: bytes, now: datetime
) -> SignatureProblem | None:
    """``None`` when the request is signed with ``secret`` within the tolerance."""
    timestamp, given = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if not timestamp or not given:
        return SignatureProblem.MISSING
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return SignatureProblem.STALE
    if abs(now.timestamp() - int(timestamp)) > TOLERANCE.total_seconds():
        return SignatureProblem.STALE
    # Compare in constant time (a byte-by-byte compare leaks how much of a guess was right),
    # as bytes: compare_digest refuses non-ASCII text.
    expected = signature(secret, timestamp, body).encode()
    if not hmac.compare_digest(expected, given.encode("utf-8", "surrogateescape")):
        return SignatureProblem.BAD
    return None
