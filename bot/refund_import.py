"""``python -m bot refund-status FILE``: the payment provider's word on manual refunds.

The shop cannot see WeChat, Alipay or bank refunds arrive; the provider's
reconciliation export can. Each line of that export (JSON Lines, described in
``docs/refund-status.md``) says one refund was submitted, succeeded or failed;
it is matched to the bot's refund and applied through the refund lifecycle
(``domain.refunds.change_refund_in``), which writes the event, the audit row and
the shopper's and the staff card's notifications in the same transaction. The
running bot's outbox dispatcher delivers them; this command never talks to
Telegram.

A line is evidence only when it names the refund unambiguously and, when it
gives an amount, the amount is the refund's own: a row that does not fit is
reported as bad and changes nothing. Every action counts once per refund
attempt, and a line about an attempt that staff have since started again is
skipped (told by its ``provider_ref`` or its ``at``), so importing the same file
again changes nothing.
"""

from __future__ import annotations

import errno
import json
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import DataError, IntegrityError

from bot.jsonlines import LineProblem, read_object, show
from domain.orders import Gateway, Refund, RefundAction
from domain.policy import ShopRules
from domain.ports import AuditEntry, Clock
from domain.refunds import (
    MAX_FAILURE_REASON,
    RefundOutcome,
    RefundResult,
    action_key,
    change_refund_in,
)
from handlers.i18n import Translator, money
from storage.db import SessionFactory
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

#: The provider's words for a refund's state → what the bot does with it (lower-cased first).
STATUS_ACTIONS: dict[str, RefundAction] = {
    "submitted": RefundAction.SUBMIT,
    "processing": RefundAction.SUBMIT,
    "succeeded": RefundAction.SUCCEED,
    "success": RefundAction.SUCCEED,
    "failed": RefundAction.FAIL,
    "fail": RefundAction.FAIL,
}
MAX_REFUND_ID = 2**31 - 1
FIELDS = ("refund_id", "provider_ref", "order_no", "status", "amount_fen", "reason", "at")

#: The refunds table's limits on what a line may carry into it.
MAX_PROVIDER_REF = 64
MAX_ORDER_NO = 64
MAX_ACTOR = 64

#: At most this many bad (and, separately, skipped) rows are printed; the rest are counted.
SHOWN_ROWS = 20
#: Files longer than this get progress lines, one per 10 % of the file.
PROGRESS_MIN_LINES = 2000
PROGRESS_STEPS = 10
#: How much of an offending value a reason quotes.

UTF8_BOM = b"\xef\xbb\xbf"
#: A spreadsheet (zip) or other binary file given by mistake; checked in the first bytes.
BINARY_SNIFF = 4096

#: Every reason key this module can produce (``refund-import-reason-<key>``).
REASON_KEYS = (
    "bad-encoding",
    "bad-json",
    "not-object",
    "duplicate-key",
    "unknown-field",
    "missing-status",
    "no-identifier",
    "expected-text",
    "expected-integer",
    "expected-fen",
    "bad-refund-id",
    "text-too-long",
    "negative-amount",
    "unknown-status",
    "bad-time",
    "time-naive",
    "needs-reason",
    "not-found",
    "ids-disagree",
    "ref-disagrees",
    "attempt-unknown",
    "amount-mismatch",
    "not-manual",
    "database",
)
#: Why a good row changed nothing (``refund-import-skip-<key>``).
SKIP_KEYS = ("not-allowed", "earlier-attempt", "earlier-reference", "voided")


class FileNotTextError(ValueError):
    """The file is binary (a spreadsheet, an archive), not JSON Lines."""


# --------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row was refused or skipped: a locale key suffix and its values."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


class RowError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.key)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RowResult:
    line: int
    outcome: str  # "changed", "unchanged", "skipped" or "bad"
    problem: Problem | None = None


@dataclass(slots=True)
class RefundImportReport:
    """``total`` counts non-blank lines: changed + unchanged + skipped + bad."""

    total: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    bad: int = 0
    #: (line number, reason in the operator's language), in line order.
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.bad == 0


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One checked line of the export."""

    line: int
    status: str  # the provider's word, lower-cased
    action: RefundAction
    refund_id: int | None = None
    provider_ref: str | None = None
    order_no: str | None = None
    amount_fen: int | None = None
    reason: str | None = None
    at: datetime | None = None


def _text(data: dict[str, Any], name: str, limit: int | None = None) -> str | None:
    """An optional text field; null and blank count as absent."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(Problem("expected-text", {"field": name}))
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise RowError(Problem("text-too-long", {"field": name, "max": limit}))
    return value or None


def _integer(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    # JSON true is an int to Python, and 600.0 (read as a Decimal) is no count of fen.
    if isinstance(value, bool) or not isinstance(value, int):
        # Quoted, so that "5" is not mistaken for the number 5 it looks like.
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else show(value)
        key = "expected-fen" if name == "amount_fen" else "expected-integer"
        raise RowError(Problem(key, {"field": name, "value": shown}))
    return value


def _time(data: dict[str, Any]) -> datetime | None:
    text = _text(data, "at")
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(Problem("bad-time", {"value": show(text)})) from None
    if moment.utcoffset() is None:
        # Which day a refund moved decides what the shopper is told: no guessing the zone.
        raise RowError(Problem("time-naive", {"value": show(text)}))
    return moment


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        return read_object(raw)
    except LineProblem as problem:
        raise RowError(Problem(problem.key, dict(problem.params))) from None


def parse_line(number: int, raw: bytes) -> StatusLine:
    """One non-blank line → a checked StatusLine, or RowError naming the first problem."""
    return parse_status(number, _decode(raw))


def parse_status(number: int, data: object) -> StatusLine:
    """One status line's JSON object (from a file or a shop's event) → a StatusLine."""
    if not isinstance(data, dict):
        raise RowError(Problem("not-object"))
    for name in data:
        if name not in FIELDS:
            # A misspelt "amount_fne" would otherwise skip the amount check silently.
            raise RowError(Problem("unknown-field", {"field": show(name)}))
    word = _text(data, "status")
    if word is None:
        raise RowError(Problem("missing-status"))
    action = STATUS_ACTIONS.get(word.lower())
    if action is None:
        choices = ", ".join(STATUS_ACTIONS)
        raise RowError(Problem("unknown-status", {"value": show(word), "choices": choices}))
    refund_id = _integer(data, "refund_id")
    # Ids are database integers: a number beyond them names no refund and would not even fit
    # in the query.
    if refund_id is not None and not 1 <= refund_id <= MAX_REFUND_ID:
        raise RowError(Problem("bad-refund-id", {"value": str(refund_id)}))
    provider_ref = _text(data, "provider_ref", MAX_PROVIDER_REF)
    order_no = _text(data, "order_no", MAX_ORDER_NO)
    if refund_id is None and provider_ref is None and order_no is None:
        raise RowError(Problem("no-identifier"))
    amount = _integer(data, "amount_fen")
    if amount is not None and amount < 0:
        raise RowError(Problem("negative-amount", {"value": amount}))
    reason = _text(data, "reason", MAX_FAILURE_REASON)
    if action is RefundAction.FAIL and reason is None:
        raise RowError(Problem("needs-reason"))
    return StatusLine(
        line=number,
        status=word.lower(),
        action=action,
        refund_id=refund_id,
        provider_ref=provider_ref,
        order_no=order_no,
        amount_fen=amount,
        reason=reason,
        at=_time(data),
    )


# --------------------------------------------------------------------------- matching


async def find_refund(uow: SqlUnitOfWork, row: StatusLine) -> Refund | None:
    """By ``refund_id``, else ``provider_ref``, else ``order_no``.

    A reference is looked up on the refunds' current attempts first, then on
    the events of earlier ones (a re-initiation clears it from the refund), so
    an old line still finds its refund and is skipped rather than called
    unknown. A provider reference the bot has not seen yet (the first
    "submitted" line of a refund) falls through to the order number. When the
    line has both, the order number is tried first only because it is indexed:
    the refund holding the reference still wins, so a line whose two numbers
    name two refunds is caught by :func:`evidence_problem`.
    """
    if row.refund_id is not None:
        return await uow.refunds.get(row.refund_id)
    if row.order_no is None:
        assert row.provider_ref is not None  # parse_line requires one of the three
        return await _by_reference(uow, row.provider_ref)
    # As staff's /refund does: an export that lower-cases order numbers still finds them.
    by_order = await uow.refunds.by_order_no(row.order_no) or await uow.refunds.by_order_no(
        row.order_no.upper()
    )
    if row.provider_ref is None or (
        by_order is not None and by_order.provider_ref == row.provider_ref
    ):
        return by_order
    return await _by_reference(uow, row.provider_ref) or by_order


async def _by_reference(uow: SqlUnitOfWork, provider_ref: str) -> Refund | None:
    current = await uow.refunds.by_provider_ref(provider_ref)
    if current is not None:
        return current
    owners = await uow.refunds.reported_under(provider_ref, limit=2)
    # A reference two refunds were reported under names neither for certain.
    return await uow.refunds.get(owners[0]) if len(owners) == 1 else None


def evidence_problem(refund: Refund, row: StatusLine) -> Problem | None:
    """Why this line is no evidence about this refund, if it is not."""
    if refund.gateway is Gateway.BALANCE:
        # Credited to our own wallet at the cancel: no provider ever sees it.
        return Problem("not-manual", {"order_no": refund.order_no})
    if row.order_no is not None and row.order_no.upper() != refund.order_no.upper():
        return Problem(
            "ids-disagree", {"given": row.order_no, "order_no": refund.order_no, "by": _by(row)}
        )
    if row.amount_fen is not None and row.amount_fen != refund.amount_fen:
        # Never take a wrong amount as proof that the right one arrived.
        return Problem(
            "amount-mismatch",
            {
                "order_no": refund.order_no,
                "given": str(row.amount_fen),
                "given_yuan": money(row.amount_fen),
                "expected": str(refund.amount_fen),
                "expected_yuan": money(refund.amount_fen),
            },
        )
    return None


def _by(row: StatusLine) -> str:
    return "refund_id" if row.refund_id is not None else "provider_ref"


async def attempt_began(uow: SqlUnitOfWork, refund: Refund) -> datetime | None:
    """When the refund's current attempt was started again (None for the first attempt)."""
    if refund.attempt == 1:
        return None
    event = await uow.refunds.event(
        action_key(RefundAction.REINITIATE, refund.id, refund.attempt - 1)
    )
    return event.at if event is not None else None


async def attempt_problem(uow: SqlUnitOfWork, refund: Refund, row: StatusLine) -> RowResult | None:
    """Why this line is not about the refund's current attempt, if it is not.

    Once staff start a refund again every action counts afresh, so a line about
    the earlier try would act on the new one. The line's ``provider_ref`` tells
    which try it is about (every event keeps the reference its action came
    with); its ``at`` tells whether it predates the re-initiation. With neither,
    a line about a re-initiated refund cannot be told from an old one.
    """
    if row.provider_ref is not None:
        found = await _reference_problem(uow, refund, row, row.provider_ref)
        if found is not None:
            return found
    elif row.at is None and refund.attempt > 1:
        problem = Problem(
            "attempt-unknown", {"order_no": refund.order_no, "attempt": refund.attempt}
        )
        return RowResult(row.line, "bad", problem)
    began = await attempt_began(uow, refund)
    if row.at is not None and began is not None and row.at < began:
        # An old line about the try before staff started it again; it says nothing now.
        problem = Problem(
            "earlier-attempt", {"order_no": refund.order_no, "attempt": refund.attempt}
        )
        return RowResult(row.line, "skipped", problem)
    return None


async def _reference_problem(
    uow: SqlUnitOfWork, refund: Refund, row: StatusLine, provider_ref: str
) -> RowResult | None:
    reported_in = await uow.refunds.reference_attempt(refund.id, provider_ref)
    if reported_in is not None and reported_in < refund.attempt:
        problem = Problem(
            "earlier-reference",
            {
                "provider_ref": provider_ref,
                "was": reported_in,
                "refund": str(refund.id),
                "order_no": refund.order_no,
                "attempt": refund.attempt,
            },
        )
        return RowResult(row.line, "skipped", problem)
    if refund.provider_ref is not None and refund.provider_ref != provider_ref:
        # One try, one provider refund: another reference is another refund. A new try starts
        # without one, and takes the reference it is pushed out under.
        problem = Problem(
            "ref-disagrees",
            {"order_no": refund.order_no, "given": provider_ref, "recorded": refund.provider_ref},
        )
        return RowResult(row.line, "bad", problem)
    return None


# --------------------------------------------------------------------------- applying


_KINDS = {
    RefundOutcome.DONE: "changed",
    RefundOutcome.ALREADY: "unchanged",
    RefundOutcome.NOT_ALLOWED: "skipped",
    RefundOutcome.NOT_MANUAL: "bad",
    RefundOutcome.NEEDS_REASON: "bad",
    RefundOutcome.NOT_FOUND: "bad",
    RefundOutcome.VOIDED: "skipped",
}


def _verdict(row: StatusLine, refund: Refund, result: RefundResult) -> RowResult:
    """What the lifecycle's answer means for this line of the file."""
    problem = None
    if result.outcome is RefundOutcome.NOT_ALLOWED:
        # Not an error: the refund moved on (staff pressed a button, a newer line came first).
        current = (result.refund or refund).status
        problem = Problem(
            "not-allowed",
            {"order_no": refund.order_no, "current": current.value, "status": row.status},
        )
    elif result.outcome is RefundOutcome.VOIDED:
        # The shopper restored the order first: nothing is owed; staff check the provider.
        problem = Problem("voided", {"order_no": refund.order_no})
    elif result.outcome is RefundOutcome.NOT_MANUAL:
        problem = Problem("not-manual", {"order_no": refund.order_no})
    elif result.outcome is RefundOutcome.NEEDS_REASON:
        problem = Problem("needs-reason")
    elif result.outcome is RefundOutcome.NOT_FOUND:
        problem = _not_found(row)
    return RowResult(row.line, _KINDS[result.outcome], problem)


def _not_found(row: StatusLine) -> Problem:
    if row.refund_id is not None:
        return Problem("not-found", {"by": "refund_id", "value": str(row.refund_id)})
    if row.order_no is not None:
        return Problem("not-found", {"by": "order_no", "value": row.order_no})
    return Problem("not-found", {"by": "provider_ref", "value": row.provider_ref or ""})


class _Applier:
    """Applies checked lines in batches, each batch one transaction.

    On SQLite a batch first takes the database's write lock (a write that
    changes nothing): reads are otherwise outside the transaction, and a staff
    press committed between this batch's read and its write would be missed.
    """

    def __init__(
        self,
        uows: SqlUnitOfWorkFactory,
        *,
        clock: Clock,
        rules: ShopRules,
        file_name: str,
    ) -> None:
        self.uows = uows
        self.clock = clock
        self.rules = rules
        self.file_name = file_name
        self.actor = f"import:{file_name}"[:MAX_ACTOR]

    async def _evidence(self, uow: SqlUnitOfWork, row: StatusLine) -> Refund | RowResult:
        """The refund this line is evidence about, or why it is none."""
        refund = await find_refund(uow, row)
        if refund is None:
            return RowResult(row.line, "bad", _not_found(row))
        problem = evidence_problem(refund, row)
        if problem is not None:
            return RowResult(row.line, "bad", problem)
        return await attempt_problem(uow, refund, row) or refund

    async def apply(self, uow: SqlUnitOfWork, row: StatusLine) -> RowResult:
        refund = await self._evidence(uow, row)
        if isinstance(refund, RowResult):
            return refund
        now = self.clock.now()
        result = await change_refund_in(
            uow,
            refund,
            row.action,
            actor=self.actor,
            rules=self.rules,
            now=now,
            reason=row.reason if row.action is RefundAction.FAIL else None,
            provider_ref=row.provider_ref,
        )
        if result.outcome is RefundOutcome.DONE:
            # The lifecycle's own audit row says what changed; this one keeps the evidence.
            uow.audit.add(
                AuditEntry(
                    "refund.reconciled",
                    self.actor,
                    now,
                    order_id=refund.order_id,
                    detail={
                        "refund": refund.id,
                        "file": self.file_name,
                        "line": row.line,
                        "status": row.status,
                        "provider_ref": row.provider_ref,
                        "provider_at": row.at.isoformat() if row.at else None,
                        "amount_fen": row.amount_fen,
                    },
                )
            )
        return _verdict(row, refund, result)

    async def batch(self, rows: list[StatusLine]) -> list[RowResult]:
        """All rows in one transaction; on a database error, one transaction per row."""
        try:
            async with self.uows() as uow:
                await uow.refunds.hold_write_lock()
                results = [await self.apply(uow, row) for row in rows]
                await uow.commit()
        except (IntegrityError, DataError):
            return [await self.one(row) for row in rows]
        return results

    async def one(self, row: StatusLine) -> RowResult:
        try:
            async with self.uows() as uow:
                await uow.refunds.hold_write_lock()
                result = await self.apply(uow, row)
                # An unchanged line may still record the provider's reference; a bad one
                # wrote nothing.
                if result.outcome != "bad":
                    await uow.commit()
        except (IntegrityError, DataError) as error:
            detail = str(getattr(error, "orig", None) or error).splitlines()
            problem = detail[0] if detail else type(error).__name__
            return RowResult(row.line, "bad", Problem("database", {"problem": problem}))
        return result


# --------------------------------------------------------------------------- text


def _status_names(t: Translator, params: dict[str, str | int]) -> dict[str, str | int]:
    # The bot's own status names; the provider's word ("status") is quoted as it was.
    named = dict(params)
    if "current" in named:
        named["current_name"] = t(f"refund-import-status-{named['current']}")
    return named


def reason_text(t: Translator, problem: Problem) -> str:
    """Why a row is bad, in the operator's language."""
    return t(f"refund-import-reason-{problem.key}", **_status_names(t, problem.params))


def skip_text(t: Translator, problem: Problem) -> str:
    """Why a good row changed nothing, in the operator's language."""
    return t(f"refund-import-skip-{problem.key}", **_status_names(t, problem.params))


class _Tally:
    """Counts results into the report and prints the first ``shown`` bad and skipped rows."""

    def __init__(self, report: RefundImportReport, t: Translator, err: TextIO, shown: int) -> None:
        self.report = report
        self.t = t
        self.err = err
        self.shown = shown

    def say(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def add(self, result: RowResult) -> None:
        report, t = self.report, self.t
        if result.outcome == "changed":
            report.changed += 1
            return
        if result.outcome == "unchanged":
            report.unchanged += 1
            return
        assert result.problem is not None
        # Line numbers as text: Fluent would group a number's digits ("line 1,234").
        line = str(result.line)
        if result.outcome == "skipped":
            report.skipped += 1
            why = skip_text(t, result.problem)
            report.skipped_rows.append((result.line, why))
            if report.skipped <= self.shown:
                self.say(t("refund-import-skipped-row", line=line, reason=why))
        else:
            report.bad += 1
            why = reason_text(t, result.problem)
            report.bad_rows.append((result.line, why))
            if report.bad <= self.shown:
                self.say(t("refund-import-bad-row", line=line, reason=why))

    def finish(self) -> None:
        for kind, count in (("bad", self.report.bad), ("skipped", self.report.skipped)):
            if count > self.shown:
                self.say(self.t(f"refund-import-more-{kind}", more=count - self.shown))


# --------------------------------------------------------------------------- reading


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            line = raw.removeprefix(UTF8_BOM) if number == 1 else raw
            yield number, line.rstrip(b"\r\n")


def check_file(path: Path) -> int:
    """Physical line count of a readable JSON Lines file.

    Raises FileNotFoundError, IsADirectoryError, PermissionError, or
    FileNotTextError for a binary file (an .xlsx export given by mistake).
    """
    # File access is synchronous on purpose: the import is the only task on its event loop.
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    lines = 0
    last = b"\n"
    with path.open("rb") as stream:
        head = stream.read(BINARY_SNIFF)
        if b"\x00" in head or head.startswith(b"PK\x03\x04"):
            raise FileNotTextError(str(path))
        chunk = head
        while chunk:
            lines += chunk.count(b"\n")
            last = chunk[-1:]
            chunk = stream.read(1 << 20)
    return lines if last == b"\n" else lines + 1


# --------------------------------------------------------------------------- entry point


async def import_refund_statuses(
    session_factory: SessionFactory,
    path: Path,
    *,
    clock: Clock,
    rules: ShopRules,
    t: Translator,
    err: TextIO,
    batch_size: int = 100,
    shown: int = SHOWN_ROWS,
) -> RefundImportReport:
    """Apply the provider's refund statuses in ``path`` and say what happened.

    File problems raise before anything is written (see :func:`check_file`).
    Bad and skipped rows are printed to ``err`` once their batch is committed,
    the first ``shown`` of each; the rest are counted at the end. Database
    errors that are not about one row (locked, missing table) propagate; the
    batches committed before stay, and running the file again is harmless.
    """
    physical = check_file(path)
    report = RefundImportReport()
    tally = _Tally(report, t, err, shown)
    applier = _Applier(
        SqlUnitOfWorkFactory(session_factory), clock=clock, rules=rules, file_name=path.name
    )
    pending: list[StatusLine] = []
    # Lines refused before the database wait for their batch, so reports keep file order.
    refused: list[RowResult] = []

    async def flush() -> None:
        nonlocal pending, refused
        done = await applier.batch(pending) if pending else []
        for result in sorted([*refused, *done], key=lambda r: r.line):
            tally.add(result)
        pending, refused = [], []

    steps: list[int] = []
    if physical > PROGRESS_MIN_LINES:
        steps = [math.ceil(physical * k / PROGRESS_STEPS) for k in range(1, PROGRESS_STEPS + 1)]
    step = 0
    for number, line in _lines(path):
        if line.strip():
            report.total += 1
            try:
                pending.append(parse_line(number, line))
            except RowError as error:
                refused.append(RowResult(number, "bad", error.problem))
            if len(pending) >= batch_size:
                await flush()
        if step < len(steps) and number >= steps[step]:
            await flush()
            step += 1
            percent = step * 100 // PROGRESS_STEPS
            tally.say(t("refund-import-progress", done=number, total=physical, percent=percent))
    await flush()
    tally.finish()
    return report


async def apply_status_objects(
    uows: SqlUnitOfWorkFactory,
    objects: Sequence[object],
    *,
    clock: Clock,
    rules: ShopRules,
    source: str,
    batch_size: int = 100,
) -> list[RowResult]:
    """Refund statuses that came as JSON objects (a shop's or provider's event), applied by
    the same path as a file; one result per object, numbered from 0, in order."""
    applier = _Applier(uows, clock=clock, rules=rules, file_name=source)
    results: list[RowResult] = []
    pending: list[StatusLine] = []
    for index, data in enumerate(objects):
        try:
            pending.append(parse_status(index, data))
        except RowError as error:
            results.append(RowResult(index, "bad", error.problem))
        if len(pending) >= batch_size:
            results += await applier.batch(pending)
            pending = []
    if pending:
        results += await applier.batch(pending)
    return sorted(results, key=lambda r: r.line)
