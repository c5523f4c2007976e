"""The /stats chart: cancels and new tickets per day, as a PNG.

matplotlib is imported when a chart is drawn, not when the bot starts (it takes a while
to load and is needed only for this), and only its Agg canvas is used: no window, no
global pyplot state, so a chart can be drawn in a worker thread while the bot goes on.
The chart carries no words (only dates and counts), so it needs no CJK font: the
caption sent with it says what each colour is, in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from domain.ports import DayCount

#: The caption's 🟥 and 🟦.
CANCELS_COLOUR = "#d62728"
TICKETS_COLOUR = "#1f77b4"
WIDTH_PX = 960
HEIGHT_PX = 480
DPI = 96
_BAR = 0.4


def draw_chart(days: Sequence[DayCount]) -> bytes:
    """A bar chart of the days, two bars a day; PNG bytes, ``WIDTH_PX`` × ``HEIGHT_PX``."""
    # Imported here on purpose: loading matplotlib costs the bot's start-up a second or two.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    places = range(len(days))
    series = (
        (-_BAR / 2, [d.cancels for d in days], CANCELS_COLOUR),
        (_BAR / 2, [d.tickets for d in days], TICKETS_COLOUR),
    )
    for shift, counts, colour in series:
        bars = axes.bar([x + shift for x in places], counts, _BAR, color=colour)
        # Each day's count on its bar, so the chart reads without the axis.
        axes.bar_label(bars, labels=[str(n) if n else "" for n in counts], padding=2)
    axes.set_xticks(list(places), [f"{d.day.month:02d}-{d.day.day:02d}" for d in days])
    axes.tick_params(axis="x", labelrotation=45)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    peak = max([0, *(d.cancels for d in days), *(d.tickets for d in days)])
    axes.set_ylim(bottom=0, top=peak + 1)  # room above the highest bar for its count
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
