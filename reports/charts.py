"""Charts as inline SVG, drawn on the server from a stored report's figures.

No JavaScript and no chart library: the same markup works on the page and in the PDF. Each
chart has a title and a description for screen readers (``role="img"``, ``aria-labelledby``);
the page shows the same figures as tables next to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Distinguishable colours (also for common colour-vision deficiencies), dark enough on white.
PALETTE = ["#1f5f99", "#b35a00", "#2e7d32", "#8e2470", "#5b5b5b", "#00796b"]
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 16, 72


def _nice_max(value: float) -> float:
    """A round upper bound for an axis of four steps: 4, 8, 20, 40, 80, 200, … (whole ticks)."""
    bound = 4.0
    while bound < value:
        bound *= 2.5 if str(int(bound)).startswith("8") else 2
    return bound


def _frame(chart_id: str, title: str, description: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 (every text in ``body`` was escaped where it was made)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{chart_id}-title" aria-describedby="chart-{chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" font-size="11">'
        f'<title id="chart-{chart_id}-title">{escape(title)}</title>'
        f'<desc id="chart-{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _axis(max_value: float, *, right: bool = False, percent: bool = False) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = max_value * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        label = f"{value * 100:.0f}%" if percent else f"{value:g}"
        if right:
            parts.append(
                f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" fill="#333">{label}</text>'
            )
        else:
            parts.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="#d9dee4"/>'
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{label}</text>'
            )
    return parts


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def pareto_svg(
    labels: Sequence[str],
    counts: Sequence[int],
    cumulative_shares: Sequence[float | None],
    *,
    title: str,
    description: str,
) -> SafeString:
    """Bars of the count per cause, most frequent first, with the cumulative share as a line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_max(max(counts, default=0))
    body = _axis(top) + _axis(1.0, right=True, percent=True)
    n = max(len(counts), 1)
    slot = plot_w / n
    points = []
    for i, (label, count, share) in enumerate(zip(labels, counts, cumulative_shares, strict=True)):
        h = plot_h * count / top
        x = LEFT + i * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{escape(label)}: {count}</title></rect>'
        )
        cx = LEFT + i * slot + slot / 2
        body.append(
            f'<text transform="translate({cx:.1f},{HEIGHT - BOTTOM + 12}) rotate(30)" '
            f'fill="#333">{escape(_short(label))}</text>'
        )
        if share is not None:
            points.append((cx, HEIGHT - BOTTOM - plot_h * share))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{PALETTE[1]}" stroke-width="2.5"/>'
        )
        body += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[1]}"/>' for x, y in points
        ]
    return _frame("pareto", title, description, body)


def trend_svg(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    description: str,
) -> SafeString:
    """One line per cause over the months, with a legend under the chart."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_max(max((max(c, default=0) for _, c in series), default=0))
    body = _axis(top)
    step = plot_w / max(len(months) - 1, 1)
    for i, month in enumerate(months):
        body.append(
            f'<text x="{LEFT + i * step:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
            f'fill="#333">{escape(month[2:])}</text>'
        )
    for index, (label, counts) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="6 3"' if index % 2 else ""
        path = " ".join(
            f"{LEFT + i * step:.1f},{HEIGHT - BOTTOM - plot_h * c / top:.1f}"
            for i, c in enumerate(counts)
        )
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}>'
            f"<title>{escape(label)}</title></polyline>"
        )
        lx = LEFT + (index % 3) * 220
        ly = HEIGHT - 30 + (index // 3) * 16
        body.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="3"{dash}/><text x="{lx + 28}" y="{ly}" fill="#333">'
            f"{escape(_short(label, 28))}</text>"
        )
    return _frame("trend", title, description, body)


def paired_bars_svg(
    labels: Sequence[str],
    first: Sequence[int],
    second: Sequence[int],
    *,
    first_label: str,
    second_label: str,
    title: str,
    description: str,
) -> SafeString:
    """Two bars per category (e.g. emotion at intake and at resolution), with a legend."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_max(max([*first, *second], default=0))
    body = _axis(top)
    slot = plot_w / max(len(labels), 1)
    for i, label in enumerate(labels):
        for j, (values, colour) in enumerate(((first, PALETTE[1]), (second, PALETTE[0]))):
            h = plot_h * values[i] / top
            x = LEFT + i * slot + slot * (0.1 + 0.4 * j)
            body.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{slot * 0.38:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {values[i]}</title></rect>'
            )
        body.append(
            f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'text-anchor="middle" fill="#333">{escape(_short(label, 14))}</text>'
        )
    for j, (label, colour) in enumerate(((first_label, PALETTE[1]), (second_label, PALETTE[0]))):
        lx = LEFT + j * 220
        body.append(
            f'<rect x="{lx}" y="{HEIGHT - 38}" width="14" height="10" fill="{colour}"/>'
            f'<text x="{lx + 20}" y="{HEIGHT - 29}" fill="#333">{escape(label)}</text>'
        )
    return _frame("emotions", title, description, body)
