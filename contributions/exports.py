"""CSV exports of the contributive budget (reports, payment batches for payroll); the journal
entry each download leaves is written by `services.exports`.

Machine-readable on purpose: comma-separated, UTF-8 without BOM, CRLF line ends, amounts and
hours with a dot and two decimals, months as YYYY-MM, whatever the reader's language. Names
never start like a formula (OWASP CSV injection)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask import Response

from governance.platform.downloads import guard

from . import rules

BATCH_COLUMNS = ["member", "membership_number", "hours", "rate", "gross_amount", "circle",
                 "period"]
CIRCLE_COLUMNS = ["circle", "envelope", "hours", "approved", "paid", "waiting_for_review",
                  "remaining"]
MONTH_COLUMNS = ["month", "hours", "approved", "paid", "waiting_for_review"]
MEMBER_COLUMNS = ["member", "membership_number", "hours", "owed", "paid"]


def decimal(value) -> str:
    """`1234.5` → "1234.50"."""
    return str(Decimal(value).quantize(rules.CENT))


def period(month) -> str:
    return f"{month:%Y-%m}"


def batch_rows(batch, lines) -> list[list[str]]:
    month = period(batch.month)
    return [[guard(line.name), "" if line.number is None else str(line.number),
             decimal(line.hours), decimal(line.rate), decimal(line.amount), guard(line.circle),
             month] for line in lines]


def circle_rows(lines) -> list[list[str]]:
    return [[guard(line.circle_name), decimal(line.spending.amount),
             decimal(line.spending.hours), decimal(line.spending.approved),
             decimal(line.spending.paid), decimal(line.spending.waiting),
             decimal(line.spending.left)] for line in lines]


def month_rows(lines) -> list[list[str]]:
    return [[period(line.month), decimal(line.spending.hours), decimal(line.spending.approved),
             decimal(line.spending.paid), decimal(line.spending.waiting)] for line in lines]


def member_rows(lines) -> list[list[str]]:
    return [[guard(line.name), "" if line.number is None else str(line.number),
             decimal(line.hours), decimal(line.owed), decimal(line.paid)] for line in lines]


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_response(content: str, filename: str) -> Response:
    response = Response(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
