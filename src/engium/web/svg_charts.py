"""Small server-side SVG charts for the staff app: bars for counts, lines for rates and times.

Drawn in Python, so the page needs no chart library, no script and no CDN, and every number on it is
also in the table below the charts. Colours come from CSS classes (``chart-series-0``...): the Content
Security Policy forbids style attributes, and presentation stays in app.css.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 60, 12, 14, 34
MAX_LABELS = 8


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: nothing to show for that bucket (no rate without conversations)


def _nice_top(highest: float) -> float:
    """A round axis maximum at or above ``highest`` whose quarters are round too (4, 8, 12, 20, 40...)."""
    if highest <= 1:
        return 1.0
    power = 1
    while True:
        for step in (4, 8, 12, 20):
            if step * power >= highest:
                return float(step * power)
        power *= 10


def _frame(labels: Sequence[str], top: float, fmt: Callable[[float], str], title: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<title>{escape(title)}</title>']
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(fmt(value))}</text>')
    every = max(1, -(-len(labels) // MAX_LABELS))
    slot = plot_w / max(1, len(labels))
    for i, label in enumerate(labels):
        if i % every == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(f'<text class="chart-axis" x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    return parts


def _svg(parts: list[str], title: str) -> Markup:
    body = "".join(parts)
    # Safe to mark: every text in the parts went through html.escape, every other value is a formatted number.
    svg = (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')
    return Markup(svg)  # noqa: S704


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series],
              fmt: Callable[[float], str] = lambda v: f"{v:g}") -> Markup:
    """Grouped bars, one group per label, one bar per series."""
    highest = max((v for s in series for v in s.values if v is not None), default=0.0)
    top = _nice_top(highest)
    parts = _frame(labels, top, fmt, title)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    bar_w = slot * 0.7 / max(1, len(series))
    for k, one in enumerate(series):
        for i, value in enumerate(one.values):
            if not value:
                continue
            h = plot_h * value / top
            x = LEFT + slot * i + slot * 0.15 + bar_w * k
            parts.append(f'<rect class="chart-series-{k}" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
                         f'width="{max(bar_w - 1, 1):.1f}" height="{h:.1f}">'
                         f'<title>{escape(labels[i])}: {escape(one.name)} {escape(fmt(value))}</title></rect>')
    return _svg(parts, title)


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series],
               fmt: Callable[[float], str] = lambda v: f"{v:g}", top: float | None = None) -> Markup:
    """One line per series; a bucket without a value breaks the line there."""
    highest = max((v for s in series for v in s.values if v is not None), default=0.0)
    ceiling = top if top is not None else _nice_top(highest)
    parts = _frame(labels, ceiling, fmt, title)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    for k, one in enumerate(series):
        run: list[str] = []
        for i, value in enumerate([*one.values, None]):
            if value is None:
                if len(run) > 1:
                    parts.append(f'<polyline class="chart-line-{k}" fill="none" points="{" ".join(run)}"/>')
                run = []
                continue
            x, y = LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * min(value, ceiling) / ceiling
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle class="chart-dot-{k}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                         f'<title>{escape(labels[i])}: {escape(one.name)} {escape(fmt(value))}</title></circle>')
    return _svg(parts, title)
