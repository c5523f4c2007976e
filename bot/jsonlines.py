"""Reading one line of a JSON Lines file strictly, for the order and refund-status imports.

Exports from other systems are where broken data comes from, so a line is read
as strictly as it will be trusted: UTF-8 only, one JSON object, no repeated key
(``json.loads`` would silently keep the last), no NaN or Infinity, and numbers
with a fraction kept as exact ``Decimal``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

#: How much of a bad value an error message quotes.
SHOWN_VALUE_CHARS = 40


class LineProblem(Exception):
    """Why a line is not one JSON object: a reason key (``bad-json``…) and its parameters."""

    def __init__(self, key: str, **params: str | int) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def read_object(raw: bytes) -> dict[str, Any]:
    """The line's JSON object, or :class:`LineProblem` with ``bad-encoding``,
    ``duplicate-key`` (field), ``bad-json`` (column) or ``not-object``."""
    data = read_document(raw)
    if not isinstance(data, dict):
        raise LineProblem("not-object")
    return data


def read_document(raw: bytes) -> Any:
    """Any JSON value read as strictly as a line: exact decimals, no repeated keys, no
    NaN; :class:`LineProblem` with ``bad-encoding``, ``duplicate-key`` or ``bad-json``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineProblem("bad-encoding") from None
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_no_constants,
            object_pairs_hook=_unique_keys,
        )
    except _DuplicateKey as error:
        raise LineProblem("duplicate-key", field=error.key) from None
    except json.JSONDecodeError as error:
        raise LineProblem("bad-json", column=error.colno) from None
    except (ValueError, RecursionError):  # NaN/Infinity, or absurdly deep nesting
        raise LineProblem("bad-json", column=1) from None
    return data


def show(value: object) -> str:
    """A bad value as an error message quotes it: as written, shortened when long."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Decimal):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"
