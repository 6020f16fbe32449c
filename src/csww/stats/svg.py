"""Small inline SVG charts: grouped bars, single bars and lines. No script, no external
resource; every chart has a title and a text alternative for screen readers."""

from __future__ import annotations

import math
from html import escape

SERIES_COLOURS = ("#1d70b8", "#f47738", "#505a5f", "#00703c", "#912b88")
FONT = "Arial,Helvetica,sans-serif"


def _fmt(value: float, unit: str) -> str:
    if unit == "%" or value % 1:
        return f"{value:,.1f}{unit}"
    return f"{value:,.0f}{unit}"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        # Sizes and font as SVG attributes, never a style attribute, so a page whose Content
        # Security Policy forbids inline styles still draws the chart at its own size.
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="csww-chart" font-family="{FONT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def nice_step(rough: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 × a power of ten) at least ``rough``."""
    if rough <= 0:
        return 1.0
    power: float = 10.0 ** math.floor(math.log10(rough))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= rough:
            return m * power
    return 10 * power


def grouped_bars(
    title: str,
    groups: list[tuple[str, list[float | None]]],
    series: list[str],
    unit: str = "",
    width: int = 560,
) -> str:
    """Horizontal bars: one group per indicator, one bar per series (LA, region, England)."""
    bar, gap, label_w = 18, 14, 210
    plot_w = width - label_w - 70
    top = 6
    height = top + len(groups) * (len(series) * bar + gap) + 10
    values = [v for _, vs in groups for v in vs if v is not None]
    high = max(values, default=1.0) or 1.0
    body: list[str] = []
    y = top
    for label, vs in groups:
        body.append(
            f'<text x="{label_w - 8}" y="{y + bar * len(series) / 2 + 5}" font-size="14" '
            f'text-anchor="end" fill="#0b0c0c">{escape(label)}</text>'
        )
        for i, v in enumerate(vs):
            if v is None:
                body.append(
                    f'<text x="{label_w + 4}" y="{y + bar - 5}" font-size="12" fill="#505a5f">'
                    f"not available</text>"
                )
            else:
                w = max(1.0, plot_w * v / high)
                body.append(
                    f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar - 3}" '
                    f'fill="{SERIES_COLOURS[i % 5]}"><title>{escape(series[i])}: '
                    f"{_fmt(v, unit)}</title></rect>"
                )
                body.append(
                    f'<text x="{label_w + w + 5:.1f}" y="{y + bar - 6}" font-size="12" '
                    f'fill="#0b0c0c">{_fmt(v, unit)}</text>'
                )
            y += bar
        y += gap
    return _svg(width, height, title, body)


def bars(
    title: str,
    items: list[tuple[str, float]],
    unit: str = "%",
    width: int = 560,
    colour: str = SERIES_COLOURS[0],
) -> str:
    """Horizontal bars for the categories of one breakdown."""
    bar, label_w = 22, 250
    plot_w = width - label_w - 60
    room = (label_w - 12) // 7
    height = len(items) * bar + 10
    high = max((v for _, v in items), default=1.0) or 1.0
    body = []
    for i, (label, v) in enumerate(items):
        y = 5 + i * bar
        w = max(1.0, plot_w * v / high) if v else 0.0
        short = label if len(label) <= room else label[: room - 1] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="13" text-anchor="end" '
            f'fill="#0b0c0c"><title>{escape(label)}</title>{escape(short)}</text>'
        )
        body.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{bar - 6}" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" font-size="12" fill="#0b0c0c">'
            f"{_fmt(v, unit)}</text>"
        )
    return _svg(width, height, title, body)


def lines(
    title: str,
    years: list[int],
    series: list[tuple[str, list[float | None]]],
    unit: str = "",
    width: int = 560,
    height: int = 240,
) -> str:
    """A line per series over the years; gaps where a value is not available."""
    left, right, top, bottom = 52, 20, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    step = nice_step(max(values, default=1.0) / 4)
    high = step * max(1, -(-max(values, default=1.0) // step))
    low = 0.0
    body: list[str] = []
    ticks = round(high / step)
    for k in range(ticks + 1):
        v = step * k
        y = top + plot_h - plot_h * k / ticks
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" '
            f'stroke-width="1"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#505a5f">{_fmt(round(v, 2), unit)}</text>'
        )

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * (v - low) / (high - low)

    for i, year in enumerate(years):
        x, _ = xy(i, low)
        body.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="12" text-anchor="middle" '
            f'fill="#0b0c0c">{year}</text>'
        )
    for n, (name, vs) in enumerate(series):
        colour = SERIES_COLOURS[n % 5]
        points = [(i, v) for i, v in enumerate(vs) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
        if len(points) > 1:
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>'
            )
        for i, v in points:
            x, y = xy(i, v)
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(name)} '
                f"{years[i]}: {_fmt(v, unit)}</title></circle>"
            )
    return _svg(width, height, title, body)
