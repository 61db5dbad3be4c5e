"""The budget's chart per month, drawn on the server with governance's SVG helpers (no script,
no inline style); the page shows the same figures in a table."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from governance.platform.charts import BAR_FILL, INK, MUTED, frame, text
from governance.platform.formatting import money

WIDTH, BAR_MAX, ROW, BAR, TOP = 560, 380, 52, 13, 34
PAID_FILL = "#1d6b34"  # the site's "ok" green, AA on white


def months(lines) -> Markup:
    """Approved (owed) and paid amounts of each month, as pairs of horizontal bars."""
    top = max([max(line.spending.approved, line.spending.paid) for line in lines]
              + [Decimal(1)])
    approved_label, paid_label = _("Approved, not yet paid"), _("Amount paid")
    body = [f'<rect x="0" y="6" width="14" height="14" fill="{BAR_FILL}"/>',
            text(20, 18, approved_label, size=13),
            f'<rect x="240" y="6" width="14" height="14" fill="{PAID_FILL}"/>',
            text(260, 18, paid_label, size=13)]
    for i, line in enumerate(lines):
        y = TOP + i * ROW
        body.append(text(0, y + 14, format_date(line.month, "MMMM y"), size=14,
                         weight="bold", fill=INK))
        for j, (value, fill) in enumerate(((line.spending.approved, BAR_FILL),
                                           (line.spending.paid, PAID_FILL))):
            bar_y = y + 20 + j * (BAR + 2)
            width = round(float(max(value, Decimal(0)) / top) * BAR_MAX, 1)
            body.append(f'<rect x="0" y="{bar_y}" width="{width}" height="{BAR}" '
                        f'fill="{fill}"/>')
            body.append(text(width + 6, bar_y + 11, money(value), size=12, fill=MUTED))
    desc = "; ".join(
        f"{format_date(line.month, 'MMMM y')}: {approved_label} {money(line.spending.approved)}"
        f", {paid_label} {money(line.spending.paid)}" for line in lines)
    return frame(TOP + ROW * len(lines) + 4, _("Amounts approved and paid per month"), desc,
                 body, width=WIDTH)
