"""Small server-side SVG charts: readable in the browser and in WeasyPrint PDFs, no JavaScript.

Each chart comes with the data it shows, so pages put an accessible table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

# GOV.UK palette: distinguishable and high contrast on white.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#5694ca", "#85994b", "#b58840", "#912b88"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Decimal]


def _fmt(value: Decimal) -> str:
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:.1f}m"
    if abs(value) >= 1_000:
        return f"£{value / 1_000:.0f}k"
    return f"£{value:.0f}"


def stacked_bar_chart(
    *, title: str, categories: Sequence[str], series: Sequence[Series], width: int = 640
) -> SafeString:
    """Vertical stacked bars, one per category (for example financial years), one colour per series."""
    height, left, bottom, top = 300, 70, 40, 30
    legend_rows = (len(series) + 2) // 3
    total_height = height + legend_rows * 22 + 10
    plot_w, plot_h = width - left - 20, height - bottom - top
    totals = [sum((s.values[i] for s in series), Decimal("0")) for i in range(len(categories))]
    peak = max(totals, default=Decimal("0")) or Decimal("1")
    band = plot_w / max(len(categories), 1)
    bar_w = min(band * 0.6, 80)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" '
        f'viewBox="0 0 {width} {total_height}" width="{width}" class="jointly-chart" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for step in range(5):
        value = peak * step / 4
        y = top + plot_h - float(value / peak) * plot_h
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">{_fmt(value)}</text>'
        )
    for i, category in enumerate(categories):
        x = left + band * i + (band - bar_w) / 2
        y = float(top + plot_h)
        for s_index, s in enumerate(series):
            h = float(s.values[i] / peak) * plot_h
            y -= h
            colour = PALETTE[s_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(s.label)}, {escape(category)}: £{s.values[i]:,.2f}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT}">{escape(category)}</text>'
        )
    parts.extend(
        _legend(
            [s.label for s in series],
            left=left,
            plot_w=plot_w,
            top=height,
            text_x=20,
            swatch=lambda i, lx, ly, colour: f'<rect x="{lx:.1f}" y="{ly}" width="14" height="14" fill="{colour}"/>',
        )
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above


def _legend(
    labels: Sequence[str],
    *,
    left: int,
    plot_w: int,
    top: int,
    text_x: int,
    swatch: Callable[[int, float, int, str], str],
) -> list[str]:
    """A chart's key below the plot, three to a row: each series' swatch (drawn by ``swatch(index, x, y, colour)``)
    and its label."""
    parts: list[str] = []
    for index, label in enumerate(labels):
        row, col = divmod(index, 3)
        lx, ly = left + col * (plot_w / 3), top + row * 22
        parts.append(swatch(index, lx, ly, PALETTE[index % len(PALETTE)]))
        parts.append(
            f'<text x="{lx + text_x:.1f}" y="{ly + 12}" font-size="12" fill="{TEXT}">{escape(label[:40])}</text>'
        )
    return parts


@dataclass(frozen=True)
class GanttRow:
    label: str
    start: dt.date
    end: dt.date
    done: bool = False
    overdue: bool = False


def gantt_chart(*, title: str, rows: Sequence[GanttRow], today: dt.date, width: int = 900) -> SafeString:
    """Horizontal bars on a date axis, one row per stage, with a line for today."""
    if not rows:
        return mark_safe("")
    label_w, row_h, top = 260, 28, 36
    height = top + row_h * len(rows) + 10
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    span = max((last - first).days, 1)
    plot_w = width - label_w - 20

    def x_of(day: dt.date) -> float:
        return label_w + (day - first).days / span * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="gantt-title" '
        f'viewBox="0 0 {width} {height}" width="100%" class="jointly-chart" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="gantt-title">{escape(title)}</title>',
    ]
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            x = x_of(month)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height}" stroke="{GRID}"/>')
            parts.append(f'<text x="{x + 2:.1f}" y="{top - 10}" font-size="11" fill="{TEXT}">{month:%b %y}</text>')
        month = dt.date(month.year + (month.month // 12), month.month % 12 + 1, 1)
    for i, r in enumerate(rows):
        y = top + i * row_h
        colour = "#00703c" if r.done else ("#d4351c" if r.overdue else "#1d70b8")
        x1, x2 = x_of(r.start), x_of(r.end)
        parts.append(f'<text x="4" y="{y + 18}" font-size="12" fill="{TEXT}">{escape(r.label[:40])}</text>')
        parts.append(
            f'<rect x="{x1:.1f}" y="{y + 6}" width="{max(x2 - x1, 3):.1f}" height="{row_h - 12}" fill="{colour}">'
            f"<title>{escape(r.label)}: {r.start:%d %b %Y} to {r.end:%d %b %Y}</title></rect>"
        )
    if first <= today <= last:
        x = x_of(today)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height}" stroke="{TEXT}" stroke-width="2"/>')
        parts.append(f'<text x="{x + 3:.1f}" y="{height - 2}" font-size="11" fill="{TEXT}">Today</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above


@dataclass(frozen=True)
class LineSeries:
    label: str
    values: Sequence[Decimal | None]  # one per category; None leaves a gap
    dashed: bool = False  # for example a target line


def _plain(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def line_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[LineSeries],
    chart_id: str,
    fmt: Callable[[Decimal], str] = _plain,
    width: int = 640,
    height: int = 260,
    y_max: Decimal | None = None,
) -> SafeString:
    """Lines across categories (for example reporting periods), one colour per series, with markers on each point
    and a gap where a value is missing. ``chart_id`` must be unique on the page (it names the chart's title). The
    y axis runs from 0 (or the lowest value, if negative) to the highest value, or ``y_max`` (say 100 for
    percentages) when that is higher."""
    left, right, bottom, top = 70, 20, 50, 20
    legend_rows = (len(series) + 2) // 3
    total_height = height + legend_rows * 22 + 6
    plot_w, plot_h = width - left - right, height - bottom - top
    present = [v for s in series for v in s.values if v is not None]
    low = min([Decimal("0"), *present])
    high = max([*present, *([y_max] if y_max is not None else [])], default=Decimal("1"))
    if high == low:
        high = low + Decimal("1")
    span = high - low
    step_x = plot_w / max(len(categories) - 1, 1)

    def x_of(i: int) -> float:
        return left + (step_x * i if len(categories) > 1 else plot_w / 2)

    def y_of(v: Decimal) -> float:
        return top + plot_h - float((v - low) / span) * plot_h

    safe_id = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{safe_id}-title" '
        f'viewBox="0 0 {width} {total_height}" width="{width}" class="jointly-chart" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
    ]
    for step in range(5):
        value = low + span * step / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
            f"{escape(fmt(value))}</text>"
        )
    every = max(1, (len(categories) + 7) // 8)  # at most about 8 labels on the axis
    for i, category in enumerate(categories):
        if i % every == 0 or i == len(categories) - 1:
            parts.append(
                f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT}">{escape(category)}</text>'
            )
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        run: list[str] = []
        for i, v in enumerate(s.values):
            if v is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
                    )
                run = []
                continue
            run.append(f"{x_of(i):.1f},{y_of(v):.1f}")
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        elif s.dashed and len(categories) == 1 and s.values[0] is not None:
            # one category: a dashed reference line (a target) is drawn across the plot
            y = y_of(s.values[0])
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="2"{dash}/>'
            )
        if not s.dashed:
            for i, v in enumerate(s.values):
                if v is None:
                    continue
                parts.append(
                    f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="4" fill="{colour}">'
                    f"<title>{escape(s.label)}, {escape(categories[i])}: {escape(fmt(v))}</title></circle>"
                )

    def line_swatch(i: int, lx: float, ly: float, colour: str) -> str:
        dash = ' stroke-dasharray="6 4"' if series[i].dashed else ""
        return f'<line x1="{lx:.1f}" x2="{lx + 16:.1f}" y1="{ly + 7}" y2="{ly + 7}" stroke="{colour}" stroke-width="3"{dash}/>'

    parts.extend(
        _legend([s.label for s in series], left=left, plot_w=plot_w, top=height, text_x=22, swatch=line_swatch)
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above


@dataclass(frozen=True)
class GridCell:
    count: int
    label: str  # the band's name in words (never colour alone), for example "High"
    fill: str  # a light tint, so dark text on it keeps its contrast


def grid_chart(
    *,
    title: str,
    columns: Sequence[str],
    rows: Sequence[str],
    cells: Sequence[Sequence[GridCell]],
    x_title: str,
    y_title: str,
    width: int = 560,
) -> SafeString:
    """A heat grid (for example likelihood x impact): ``rows`` from top to bottom, ``cells[row][column]``, each cell
    showing its count and its band's name. Pages put the same counts in a table beside it."""
    left, top, bottom = 130, 34, 56
    cell_w = (width - left - 10) / max(len(columns), 1)
    cell_h = 56
    height = top + cell_h * len(rows) + bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="grid-title" '
        f'viewBox="0 0 {width} {height}" width="100%" class="jointly-chart" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="grid-title">{escape(title)}</title>',
        f'<text x="{left}" y="20" font-size="13" font-weight="bold" fill="{TEXT}">{escape(y_title)} (rows) by '
        f"{escape(x_title)} (columns)</text>",
    ]
    for r, row_label in enumerate(rows):
        y = top + r * cell_h
        parts.append(
            f'<text x="{left - 8}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
            f"{escape(row_label)}</text>"
        )
        for c, cell in enumerate(cells[r]):
            x = left + c * cell_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w:.1f}" height="{cell_h}" fill="{escape(cell.fill)}" '
                f'stroke="{TEXT}" stroke-width="1"><title>{escape(row_label)}, {escape(columns[c])}: '
                f"{cell.count} ({escape(cell.label)})</title></rect>"
            )
            weight = "bold" if cell.count else "normal"
            parts.append(
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 26}" text-anchor="middle" font-size="18" '
                f'font-weight="{weight}" fill="{TEXT}">{cell.count}</text>'
            )
            parts.append(
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 44}" text-anchor="middle" font-size="10" fill="{TEXT}">'
                f"{escape(cell.label)}</text>"
            )
    base = top + cell_h * len(rows)
    for c, column_label in enumerate(columns):
        x = left + c * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle" font-size="11" fill="{TEXT}">'
            f"{escape(column_label)}</text>"
        )
    parts.append(
        f'<text x="{left + (width - left - 10) / 2:.1f}" y="{base + 44}" text-anchor="middle" font-size="13" '
        f'fill="{TEXT}">{escape(x_title)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above
