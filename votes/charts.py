"""Result charts of the votes, as inline SVG drawn on the server (helpers in governance.charts).

Every chart is `role="img"` with a title and a description that says all its numbers in words;
the page also shows the same numbers in a table.
"""
from __future__ import annotations

from fractions import Fraction

from markupsafe import Markup

from governance.platform.charts import BAR, BAR_FILL, BAR_MAX, INK, MARK, ROW, TRACK
from governance.platform.charts import frame as _frame
from governance.platform.charts import shorten as _short
from governance.platform.charts import text as _text
from governance.platform.formatting import share

# Best grade first: green to red, distinguishable in grey too (decreasing lightness steps).
GRADE_FILLS = ["#1d6b34", "#4f9a5e", "#9cc59a", "#e0c46c", "#d98b4a", "#a4161a", "#6b0f12"]


def bars(rows: list[tuple[str, Fraction | None]], *, title: str,
         threshold: Fraction | None = None, threshold_label: str = "") -> Markup:
    """Horizontal bars, one per (label, share), label above its bar, value after it; a dashed
    line marks the threshold. A share of None (nothing expressed) draws no bar and says "—"."""
    top = 26 if threshold is not None else 4
    height = top + ROW * len(rows) + 6
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * ROW
        body.append(_text(0, y + 14, _short(label), weight="600"))
        body.append(f'<rect x="0" y="{y + 20}" width="{BAR_MAX}" height="{BAR}" fill="{TRACK}"/>')
        if value is not None:
            width = round(float(min(max(value, Fraction(0)), Fraction(1))) * BAR_MAX, 1)
            body.append(f'<rect x="0" y="{y + 20}" width="{width}" height="{BAR}" '
                        f'fill="{BAR_FILL}"/>')
        body.append(_text(BAR_MAX + 8, y + 34, share(value)))
    if threshold is not None:
        x = round(float(threshold) * BAR_MAX, 1)
        body.append(f'<line x1="{x}" y1="18" x2="{x}" y2="{height - 2}" stroke="{MARK}" '
                    f'stroke-width="2" stroke-dasharray="5 3"/>')
        body.append(_text(x, 13, threshold_label or share(threshold), fill=MARK, size=12,
                          anchor="middle" if 60 < x < BAR_MAX - 60 else
                          "start" if x <= 60 else "end"))
    desc = "; ".join(f"{label}: {share(value)}" for label, value in rows)
    if threshold is not None:
        desc += f". {threshold_label or share(threshold)}"
    return _frame(height, title, desc, body)


def profiles(rows: list[tuple[str, list[Fraction]]], grades: list[str], *, title: str) -> Markup:
    """Majority judgment's merit profiles: one bar per option split by grade (best first, from
    the left), with a line at the median (50 %) and a legend of the grades."""
    fills = [GRADE_FILLS[min(i * len(GRADE_FILLS) // max(len(grades), 1),
                             len(GRADE_FILLS) - 1)] for i in range(len(grades))]
    legend_rows = -(-len(grades) // 2)
    top = 8 + 22 * legend_rows
    height = top + ROW * len(rows) + 10
    body = []
    for i, grade in enumerate(grades):
        x, y = (i % 2) * 210, 4 + (i // 2) * 22
        body.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fills[i]}"/>')
        body.append(_text(x + 20, y + 12, _short(grade, 22), size=14))
    for r, (label, masses) in enumerate(rows):
        y = top + r * ROW
        body.append(_text(0, y + 14, _short(label), weight="600"))
        x, total = 0.0, sum(masses, Fraction(0))
        for i, mass in enumerate(masses):
            if mass <= 0:
                continue
            width = float(mass / total) * BAR_MAX if total else 0
            body.append(f'<rect x="{round(x, 1)}" y="{y + 20}" width="{round(width, 1)}" '
                        f'height="{BAR}" fill="{fills[i]}"/>')
            x += width
    mid = BAR_MAX / 2
    body.append(f'<line x1="{mid}" y1="{top}" x2="{mid}" y2="{height - 4}" stroke="{INK}" '
                f'stroke-width="2" stroke-dasharray="5 3"/>')
    desc = "; ".join(label + ": " + ", ".join(f"{g} {share(m)}" for g, m in zip(grades, masses,
                                                                               strict=True))
                     for label, masses in rows)
    return _frame(height, title, desc, body)
