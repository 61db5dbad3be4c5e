"""Charts as inline SVG drawn on the server: no JavaScript, no external asset.

Only presentation attributes (the site's Content-Security-Policy forbids inline styles). Every
chart is `role="img"` with a title and a description that says its numbers in words; the page
also shows the same numbers in a table. The votes' result charts are built on these helpers.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from markupsafe import Markup, escape

from .formatting import day, money

WIDTH, BAR_MAX, ROW, BAR = 420, 340, 46, 18  # shown at most 28rem wide (class "narrow")
INK, MUTED, BAR_FILL, TRACK, MARK = "#1b1f24", "#4a5360", "#0b5c8a", "#e4e8ec", "#a4161a"
_ids = count(1)


def text(x, y, content, *, anchor="start", fill=INK, size=15, weight="normal") -> str:
    return (f'<text x="{x}" y="{y}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(content)}</text>')


def frame(height: int, title: str, desc: str, body: list[str], width: int = WIDTH) -> Markup:
    n = next(_ids)
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart{n}-t chart{n}-d" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="chart{n}-t">{escape(title)}</title><desc id="chart{n}-d">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def shorten(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


LINE_W, LINE_H, LEFT, TOP, BOTTOM = 640, 260, 110, 12, 28  # plot area inside the frame


def line(points: list[tuple[date, Decimal]], *, title: str, mark: Decimal | None = None,
         mark_label: str = "") -> Markup:
    """A step line of an amount over time (it holds its value until the next point), from 0 to
    its highest value; a dashed line marks `mark` (the reimbursement floor). Dates are spaced
    in proportion to time; the axes are labelled with the first and last day, 0 and the top."""
    plot_w, plot_h = LINE_W - LEFT - 8, LINE_H - TOP - BOTTOM
    top = max([v for _, v in points] + [mark or Decimal(0), Decimal(1)])
    first, last = (points[0][0], points[-1][0]) if points else (None, None)
    span = max(((last - first).days if points else 0), 1)

    def x(on: date) -> float:
        return round(LEFT + (on - first).days / span * plot_w, 1)

    def y(value) -> float:
        return round(TOP + plot_h - float(Decimal(value) / top) * plot_h, 1)

    base = TOP + plot_h
    body = [f'<line x1="{LEFT}" y1="{base}" x2="{LEFT + plot_w}" y2="{base}" stroke="{MUTED}"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="{MUTED}"/>',
            text(LEFT - 6, base + 4, money(0), anchor="end", size=12, fill=MUTED),
            text(LEFT - 6, TOP + 10, money(top), anchor="end", size=12, fill=MUTED)]
    if points:
        path, previous = [], None
        for on, value in points:
            if previous is not None:
                path.append(f"{x(on)},{previous}")
            previous = y(value)
            path.append(f"{x(on)},{previous}")
        if len(points) == 1:
            path.append(f"{LEFT + plot_w},{previous}")
        body.append(f'<polyline points="{" ".join(path)}" fill="none" stroke="{BAR_FILL}" '
                    f'stroke-width="2.5"/>')
        body.append(text(LEFT, LINE_H - 8, day(first), size=12, fill=MUTED))
        body.append(text(LEFT + plot_w, LINE_H - 8, day(last), anchor="end", size=12,
                          fill=MUTED))
    if mark:
        body.append(f'<line x1="{LEFT}" y1="{y(mark)}" x2="{LEFT + plot_w}" y2="{y(mark)}" '
                    f'stroke="{MARK}" stroke-width="2" stroke-dasharray="5 3"/>')
        body.append(text(LEFT + plot_w, y(mark) - 5, mark_label or money(mark), anchor="end",
                          size=12, fill=MARK))
    desc = "; ".join(f"{day(on)}: {money(value)}" for on, value in points[-12:])
    if len(points) > 12:
        desc = f"… {desc}"
    if mark:
        desc += f". {mark_label or money(mark)}"
    return frame(LINE_H, title, desc, body, width=LINE_W)
