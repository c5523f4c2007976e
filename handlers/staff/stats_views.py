"""/stats as text: the period's numbers, and the chart's caption. Pure rendering."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from domain.stats import StatsReport
from handlers.i18n import Translator


def _parts(t: Translator, counts: Mapping[str | None, int], prefix: str, none: str) -> str:
    """``name count`` for each key, most first; a key this release has no words for shows
    as stored (a newer release's way of cancelling, say) rather than being dropped."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))
    names = []
    for key, count in ordered:
        word = f"{prefix}{key}"
        name = t(none) if key is None else (t(word) if t.has(word) else key)
        names.append(t("stats-part", name=name, count=count))
    return " · ".join(names)


def duration_text(t: Translator, took: timedelta) -> str:
    seconds = took.total_seconds()
    if seconds < 3600:
        return t("stats-minutes", minutes=round(seconds / 60))
    return t("stats-hours", hours=f"{seconds / 3600:.1f}".removesuffix(".0"))


def stats_text(t: Translator, report: StatsReport) -> str:
    stats = report.stats
    lines = [
        t(
            "stats-title",
            days=report.days,
            first=t.date(report.first_day),
            last=t.date(report.last_day),
        ),
        "",
        t("stats-cancels", count=stats.cancels),
    ]
    if stats.cancels:
        reasons = _parts(t, stats.cancels_by_reason, "cancel-reason-", "stats-reason-none")
        paths = _parts(t, stats.cancels_by_path, "stats-path-", "stats-path-none")
        lines += [t("stats-by-reason", parts=reasons), t("stats-by-path", parts=paths)]
    lines.append(t("stats-tickets", filed=stats.tickets_filed, decided=stats.tickets_decided))
    share = report.on_time_share
    if stats.median_review is not None and share is not None:
        lines.append(
            t(
                "stats-review",
                median=duration_text(t, stats.median_review),
                on_time=stats.decided_on_time,
                decided=stats.tickets_decided,
                share=f"{round(share * 100)}%",
            )
        )
    else:
        lines.append(t("stats-review-none"))
    lines.append(
        t(
            "stats-cases",
            opened=stats.cases_opened,
            answered=stats.cases_answered,
            waiting=stats.cases_waiting,
        )
    )
    if stats.median_first_reply is not None:
        lines.append(t("stats-first-reply", median=duration_text(t, stats.median_first_reply)))
    else:
        lines.append(t("stats-first-reply-none"))
    lines.append(t("stats-refunds", pending=stats.refunds_pending, overdue=stats.refunds_overdue))
    if stats.rating_average is None:
        lines.append(t("stats-ratings-none"))
    else:
        average = f"{stats.rating_average:.1f}"
        lines.append(t("stats-ratings", average=average, count=stats.ratings))
    return "\n".join(lines)


def chart_caption(t: Translator, report: StatsReport) -> str:
    """What the chart shows: its days, and which colour is which (the chart has no words)."""
    days = report.stats.days
    first, last = (days[0].day, days[-1].day) if days else (report.first_day, report.last_day)
    return t("stats-chart-caption", first=t.date(first), last=t.date(last))
