"""Share movements as CSV: read and validate an import file (docs/capital-csv.md).

Pure: no Flask, no database. Reading (UTF-8 with or without BOM, `;` or `,`, line numbers as a
spreadsheet shows them) is `register_csv.read_table`; this module checks each line's values.
Whether a member holds the shares a line moves is for the ledger services to say, line by line,
when the file is imported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..register_csv import (  # noqa: F401
    FATAL,
    MAX_NUMBER,
    LineError,
    Result,
    Table,
    _aliases,
    _Line,
    _shorten,
    amount,
    parse_date,
    read_table,
    whole_shares,
)

MAX_LINES = 200_000
COLUMNS = ("date", "kind", "member_number", "to_member_number", "shares", "amount_paid",
           "reference")
REQUIRED_COLUMNS = ("date", "kind", "member_number")
KINDS = _aliases({
    "subscription": ("souscription",),
    "release": ("libération", "liberation", "payment", "versement"),
    "transfer": ("cession", "transfert"),
    "reimbursement": ("remboursement", "withdrawal", "retrait"),
})
NEEDS_SHARES = ("subscription", "transfer", "reimbursement")


@dataclass(frozen=True)
class MovementLine:
    """A valid line: what the ledger service of its kind needs."""

    line: int
    kind: str
    on: date
    member: int  # membership number: the subscriber, payer, seller or the one reimbursed
    to_member: int | None  # the buyer of a transfer
    shares: int
    amount_paid: Decimal | None  # a release's amount; a partly paid subscription's payment
    reference: str


@dataclass
class Context:
    numbers: set[int] = field(default_factory=set)  # membership numbers of the cooperative
    today: date = field(default_factory=date.today)


def read(data: bytes, max_lines: int = MAX_LINES) -> Table:
    return read_table(data, max_lines, COLUMNS, REQUIRED_COLUMNS, "csv_no_movements")


def numbers(table: Table) -> set[int]:
    """The membership numbers a file mentions (to fetch only those)."""
    return {int(v) for _line, r in table.records
            for k in ("member_number", "to_member_number")
            if (v := r.get(k, "")).isdigit() and len(v) <= 10 and int(v) <= MAX_NUMBER}


def _member(v: _Line, column: str, ctx: Context) -> int | None:
    raw = v.get(column)
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_NUMBER:
        v.error("csv_bad_number", value=_shorten(raw))
        return None
    if int(raw) not in ctx.numbers:
        v.error("csv_unknown_member", number=int(raw))
        return None
    return int(raw)


def validate(table: Table, ctx: Context) -> Result:
    """Check every line's values; collect all errors, each with its line number."""
    result = Result(errors=list(table.errors), columns=list(table.columns))
    if any(e.code in FATAL for e in table.errors):
        return result
    for line_no, record in table.records:
        v = _Line(line_no, record)
        if len(v.get("reference")) > 200:
            v.error("csv_too_long", column="reference", max=200)
        kind = v.choice("kind", KINDS, "csv_unknown_movement_kind", None)
        on = None
        if not v.get("date"):
            v.error("csv_required", column="date")
        else:
            on, code = parse_date(v.get("date"), ctx.today)
            if code:
                v.error(code, column="date", value=_shorten(v.get("date")))
        member = _member(v, "member_number", ctx)
        if not v.get("member_number"):
            v.error("csv_required", column="member_number")
        to_member = _member(v, "to_member_number", ctx)
        shares, paid = whole_shares(v), amount(v)
        if kind == "transfer":
            if not v.get("to_member_number"):
                v.error("csv_required", column="to_member_number")
            elif member is not None and member == to_member:
                v.error("transfer_to_self")
            if not v.get("reference").strip():
                v.error("board_approval_required")
        elif kind and v.get("to_member_number"):
            v.error("csv_only_for_transfers", column="to_member_number")
        if kind in NEEDS_SHARES and not v.get("shares"):
            v.error("csv_required", column="shares")
        if kind == "release":
            if v.get("shares"):
                v.error("csv_release_shares")
            if not v.get("amount_paid"):
                v.error("csv_required", column="amount_paid")
            elif paid is not None and paid <= 0:
                v.error("amount_positive")
        if kind in ("transfer", "reimbursement") and v.get("amount_paid"):
            v.error("csv_amount_not_for_kind", column="amount_paid")
        result.errors.extend(v.errors)
        if not v.errors:
            result.lines.append(MovementLine(line_no, kind, on, member, to_member, shares, paid,
                                             v.get("reference").strip()))
    return result


def check(data: bytes, ctx: Context, max_lines: int = MAX_LINES) -> Result:
    return validate(read(data, max_lines), ctx)

