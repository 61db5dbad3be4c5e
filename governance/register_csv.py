"""The register as CSV: read and validate an import file, write export rows (docs/register-csv.md).

Pure: no Flask, no database. The caller gives what it knows of the cooperative in a `Context`
and gets back either the lines to import or every error found, each as (line, code, params)
with line numbers as a spreadsheet shows them (the header is line 1).
"""
from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

from . import rules
from .capital.rules import cents
from .platform.downloads import FORMULA_START, guard

MAX_LINES = 50_000
MAX_NUMBER = 2_147_483_647  # an SQL integer
COLUMNS = ("number", "kind", "last_name", "first_name", "legal_name", "email", "address",
           "representative_email", "college", "category", "status", "applied_on", "admitted_on",
           "admission_ref", "email_consent", "left_on", "exit_reason")
REQUIRED_COLUMNS = ("category",)
# Import only: an opening balance, recorded as a subscription (docs/register-csv.md).
BALANCE_COLUMNS = ("shares", "amount_paid")
IMPORT_COLUMNS = COLUMNS + BALANCE_COLUMNS
MAX_LENGTH = {"last_name": 120, "first_name": 120, "legal_name": 200, "email": 254,
              "representative_email": 254, "address": 1000, "admission_ref": 200,
              "exit_reason": 2000, "college": 32}
DATE_COLUMNS = ("applied_on", "admitted_on", "left_on")
EXIT_STATUSES = ("resigned", "excluded", "deceased")


def _key(text: str) -> str:
    """Compare labels loosely: lower case, no accents, no inclusive-writing suffixes (·e, .es)."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[·•‧.]\w*", "", text)
    return " ".join(re.sub(r"[-_/'’]", " ", text).split())


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(alias): value for value, aliases in table.items()
            for alias in (value, *aliases)}


KINDS = _aliases({
    "natural": ("natural person", "physique", "personne physique"),
    "legal": ("legal person", "morale", "personne morale"),
})
CATEGORIES = _aliases({
    "permanent_employee": ("permanent employee", "permanent", "salarié·e permanent·e",
                           "salariée permanente", "salarié permanent"),
    "entrepreneur_employee": ("entrepreneur-employee", "entrepreneur", "entrepreneur·e salarié·e",
                              "entrepreneure salariée", "entrepreneur salarié"),
    "user": ("usager·e", "usagère", "utilisateur", "utilisatrice", "bénéficiaire"),
    "partner": ("partenaire",),
    "associated_structure": ("associated structure", "structure associée", "structure"),
    "local_authority": ("local authority", "collectivité", "collectivité territoriale",
                        "collectivité locale"),
    "founder": ("fondateur", "fondatrice", "fondateur·rice"),
    "other": ("autre",),
})
STATUSES = _aliases({
    "candidate": ("candidat", "candidat·e"),
    "admitted": ("admis", "admise", "admis·e"),
    "resigned": ("démissionnaire", "démissionné", "démissionnée"),
    "excluded": ("exclu", "exclue", "exclu·e"),
    "deceased": ("décédé", "décédée", "décédé·e"),
})
BOOLEANS = {"yes": True, "oui": True, "1": True, "true": True, "vrai": True, "y": True, "o": True,
            "no": False, "non": False, "0": False, "false": False, "faux": False, "n": False,
            "": False}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NUMBER = re.compile(r"^\d{1,10}$")


@dataclass(frozen=True)
class LineError:
    """One problem of the file: `line` as a spreadsheet numbers it (None for the whole file)."""

    line: int | None
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class Table:
    """The file cut into cells: the header's column names and the non-empty records."""

    columns: list[str] = field(default_factory=list)
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    delimiter: str = ";"

    def emails(self) -> set[str]:
        """Every email the records mention (members and representatives), lower-cased."""
        return {v.lower() for _line, r in self.records
                for k in ("email", "representative_email") if (v := r.get(k))}

    def numbers(self) -> set[int]:
        return {int(v) for _line, r in self.records
                if _NUMBER.match(v := r.get("number", "")) and int(v) <= MAX_NUMBER}


@dataclass
class Context:
    """What the validation must know of the cooperative and the platform."""

    colleges: Iterable[str] = ()  # college codes of the cooperative
    colleges_required: bool = False  # the cooperative weights votes by colleges
    members: set[str] = field(default_factory=set)  # emails already in this register
    people: dict[str, str] = field(default_factory=dict)  # email → kind, of known persons
    numbers: set[int] = field(default_factory=set)  # membership numbers already used
    max_number: int = 0
    today: date = field(default_factory=date.today)


@dataclass
class ImportLine:
    """A valid line: `member` holds the keyword arguments of services.register.NewMember."""

    line: int
    member: dict
    exit_status: str | None = None  # resigned, excluded or deceased: recorded after admission
    left_on: date | None = None
    exit_reason: str = ""
    known_person: bool = False  # the email belongs to a person already on the platform
    shares: int = 0  # opening balance: shares subscribed (0: none)
    amount_paid: Decimal | None = None  # of them, paid (None: fully paid)


@dataclass
class Result:
    lines: list[ImportLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@functools.lru_cache(maxsize=4096)
def _valid_domain(domain: str) -> bool:
    return valid_email("a@" + domain, fast=False)


def valid_email(value: str, fast: bool = True) -> bool:
    """The forms' check (email_validator, no DNS); a plain ASCII local part checks its domain
    once per file instead of once per line (50,000 lines share a few domains)."""
    local, at, domain = value.rpartition("@")
    if fast and at and len(local) <= 64 and len(value) <= 254 and _LOCAL_PART.fullmatch(local):
        return _valid_domain(domain)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _unguard(value: str) -> str:
    """Undo the export's protection against formulas ("'=x" → "=x")."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_table(data: bytes, max_lines: int = MAX_LINES, columns=IMPORT_COLUMNS,
               required=REQUIRED_COLUMNS, empty_code: str = "csv_no_lines") -> Table:
    """Decode (UTF-8, with or without BOM), detect `;` or `,`, cut the file into records
    (the header must name `columns`, `required` among them)."""
    table = Table()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\x00")
    try:
        if nul >= 0:  # UTF-16 ("Unicode text") decodes as UTF-8 full of NUL bytes
            raise UnicodeDecodeError("utf-8", data, nul, nul + 1, "NUL byte")
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        table.errors.append(LineError(None, "csv_not_utf8", {"line": line}))
        return table
    if not text.strip():
        table.errors.append(LineError(None, "csv_empty", {}))
        return table
    table.delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter, strict=True)
    line, header = 0, None
    try:
        for line, cells in enumerate(reader, start=1):
            if header is None:
                header = [re.sub(r"[\s-]+", "_", c.strip().lower()) for c in cells]
                _check_header(table, header, columns, required)
                continue
            if not any(c.strip() for c in cells):
                continue  # an empty row keeps its number but holds nothing
            if len(table.records) >= max_lines:
                table.errors.append(LineError(line, "csv_too_many_lines", {"max": max_lines}))
                break
            record = {}
            for position, value in enumerate(cells):
                value = _unguard(value.strip())
                name = header[position] if position < len(header) else ""
                if name:
                    record[name] = value
                elif value:
                    table.errors.append(LineError(line, "csv_cell_without_column",
                                                  {"position": position + 1}))
            table.records.append((line, record))
    except csv.Error:
        table.errors.append(LineError(line + 1, "csv_unreadable", {}))
    if not table.errors and not table.records:
        table.errors.append(LineError(None, empty_code, {}))
    return table


def _check_header(table: Table, header: list[str], columns, required) -> None:
    names = [n for n in header if n]
    table.columns = [n for n in names if n in columns]
    unknown = [n for n in names if n not in columns]
    if unknown:
        table.errors.append(LineError(1, "csv_unknown_columns", {"columns": ", ".join(unknown)}))
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        table.errors.append(LineError(1, "csv_duplicate_columns", {"columns": ", ".join(twice)}))
    missing = [n for n in required if n not in names]
    if missing:
        table.errors.append(LineError(1, "csv_missing_columns", {"columns": ", ".join(missing)}))


def parse_date(value: str, today: date) -> tuple[date | None, str | None]:
    """A date written YYYY-MM-DD or DD/MM/YYYY; the error code when it is bad or in the future."""
    if not value:
        return None, None
    try:
        if m := _ISO_DATE.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _FR_DATE.match(value):
            day = date(int(m[3]), int(m[2]), int(m[1]))
        else:
            return None, "csv_bad_date"
    except ValueError:
        return None, "csv_bad_date"
    return (None, "csv_future_date") if day > today else (day, None)


class _Line:
    """Validation of one record; collects its errors."""

    def __init__(self, line: int, record: dict[str, str]):
        self.line, self.record, self.errors = line, record, []

    def get(self, column: str) -> str:
        return self.record.get(column, "")

    def error(self, code: str, **params) -> None:
        self.errors.append(LineError(self.line, code, params))

    def choice(self, column: str, table: dict[str, str], code: str, default: str | None):
        value = self.get(column)
        if not value:
            if default is None:
                self.error("csv_required", column=column)
            return default
        found = table.get(_key(value))
        if found is None:
            self.error(code, value=_shorten(value))
        return found


FATAL = ("csv_not_utf8", "csv_empty", "csv_duplicate_columns", "csv_missing_columns",
         "csv_too_many_lines")


def validate(table: Table, ctx: Context) -> Result:
    """Check every record against the rules and the cooperative; collect all errors."""
    result = Result(errors=list(table.errors), columns=list(table.columns))
    if any(e.code in FATAL for e in table.errors):
        return result
    colleges = {code.lower(): code for code in ctx.colleges}
    explicit = table.numbers()
    first_email: dict[str, int] = {}
    first_number: dict[int, int] = {}
    natural_before: set[str] = set()
    running_max = ctx.max_number
    for line_no, record in table.records:
        v = _Line(line_no, record)
        for column, limit in MAX_LENGTH.items():
            if len(v.get(column)) > limit:
                v.error("csv_too_long", column=column, max=limit)
        kind = v.choice("kind", KINDS, "csv_unknown_kind", "natural")
        category = v.choice("category", CATEGORIES, "csv_unknown_category", None)
        status = v.choice("status", STATUSES, "csv_unknown_status", "candidate")
        if kind == "natural" and not v.get("last_name"):
            v.error("csv_last_name_required")
        if kind == "legal" and not v.get("legal_name"):
            v.error("csv_legal_name_required")

        email = v.get("email").lower() or None
        if email and not valid_email(email):
            v.error("csv_bad_email", value=_shorten(v.get("email")))
            email = None
        if email:
            if email in first_email:
                v.error("csv_duplicate_email", email=email, first=first_email[email])
            else:
                first_email[email] = line_no
            if email in ctx.members:
                v.error("already_member", email=email)
            elif kind and ctx.people.get(email, kind) != kind:
                v.error("csv_kind_mismatch", email=email)
            if kind == "natural":
                natural_before.add(email)

        representative = v.get("representative_email").lower() or None
        if representative and kind == "natural":
            v.error("csv_representative_natural")
        elif representative and ctx.people.get(representative) != "natural" \
                and representative not in natural_before:
            v.error("csv_unknown_representative", email=_shorten(representative))

        college = v.get("college")
        if college:
            college = colleges.get(college.lower())
            if college is None:
                v.error("unknown_college", college=_shorten(v.get("college")))
        elif ctx.colleges_required:
            v.error("college_required")

        days = {}
        for column in DATE_COLUMNS:
            days[column], code = parse_date(v.get(column), ctx.today)
            if code:
                v.error(code, column=column, value=_shorten(v.get(column)))
        consent = BOOLEANS.get(v.get("email_consent").lower())
        if consent is None:
            v.error("csv_bad_boolean", column="email_consent",
                    value=_shorten(v.get("email_consent")))

        number = _number(v, ctx, explicit, first_number)
        if number is None and not v.get("number"):
            number = running_max + 1
            while number in explicit:
                number += 1
        if number is not None:
            running_max = max(running_max, number)

        shares, paid = opening_balance(v)
        admitted = status == "admitted" or (status in EXIT_STATUSES
                                             and days["admitted_on"] is not None)
        if status and not any(e.code in ("csv_bad_date", "csv_future_date") for e in v.errors):
            _check_dates(v, status, admitted, days)
        result.errors.extend(v.errors)
        if v.errors:
            continue
        member = dict(kind=kind, first_name=v.get("first_name"), last_name=v.get("last_name"),
                      legal_name=v.get("legal_name"), email=email, address=v.get("address"),
                      college=college or None, category=category,
                      status="admitted" if admitted else "candidate",
                      applied_on=days["applied_on"], admitted_on=days["admitted_on"],
                      admission_ref=v.get("admission_ref"), email_consent=consent,
                      representative_email=representative, number=number)
        exit_status = status if status in EXIT_STATUSES else None
        result.lines.append(ImportLine(
            line_no, member, exit_status, days["left_on"] if exit_status else None,
            v.get("exit_reason") if exit_status else "", bool(email and email in ctx.people),
            shares, paid))
    return result


MAX_SHARES = 10_000_000


def whole_shares(v: _Line, column: str = "shares") -> int:
    """A whole number of shares from 1 to 10 million, or 0 with an error (empty: 0, no error)."""
    raw = v.get(column)
    if not raw:
        return 0
    if not _NUMBER.match(raw) or not 1 <= int(raw) <= MAX_SHARES:
        v.error("csv_bad_shares", column=column, value=_shorten(raw))
        return 0
    return int(raw)


def amount(v: _Line, column: str = "amount_paid") -> Decimal | None:
    """Euros and cents (`1234.50`, `1 234,50`), 0 or more; None when empty or wrong."""
    raw = "".join(v.get(column).split()).replace("\u202f", "")
    if not raw:
        return None
    try:
        value = cents(raw)
    except rules.RuleError:
        value = None
    if value is None or value < 0 or value >= 10**12:
        v.error("csv_bad_amount", column=column, value=_shorten(v.get(column)))
        return None
    return value


def opening_balance(v: _Line) -> tuple[int, Decimal | None]:
    """The optional opening balance of a register line: shares and the amount paid of them."""
    shares, paid = whole_shares(v), amount(v)
    if paid is not None and not shares and not v.get("shares"):
        v.error("csv_paid_without_shares")
    return shares, paid


def _number(v: _Line, ctx: Context, explicit: set[int], first: dict[int, int]) -> int | None:
    raw = v.get("number")
    if not raw:
        return None
    if not _NUMBER.match(raw) or not 1 <= int(raw) <= MAX_NUMBER:
        v.error("csv_bad_number", value=_shorten(raw))
        return None
    number = int(raw)
    if number in first:
        v.error("csv_duplicate_number", number=number, first=first[number])
    else:
        first[number] = v.line
    if number in ctx.numbers:
        v.error("duplicate_number", number=number)
    return number


def _check_dates(v: _Line, status: str, admitted: bool, days: dict) -> None:
    """Admission and exit follow the register's transitions (rules.check_transition)."""
    if status in ("admitted", *EXIT_STATUSES) and admitted:
        try:
            rules.check_transition("candidate", "admitted", on=days["admitted_on"],
                                   decision_ref=v.get("admission_ref"), since=days["applied_on"])
        except rules.RuleError as err:
            _rule_error(v, err, "admitted_on")
    if status == "candidate" and days["admitted_on"]:
        v.error("csv_candidate_admitted_on")
    if status in EXIT_STATUSES:
        since = days["admitted_on"] or days["applied_on"]
        try:
            rules.check_transition("admitted" if admitted else "candidate", status,
                                   on=days["left_on"], reason=v.get("exit_reason"), since=since)
        except rules.RuleError as err:
            _rule_error(v, err, "left_on")
    elif days["left_on"] or v.get("exit_reason"):
        v.error("csv_exit_without_status")


def _rule_error(v: _Line, err: rules.RuleError, column: str) -> None:
    if err.code == "date_required":
        v.error("csv_date_required", column=column)
    elif err.code == "date_before":
        v.error("csv_date_before", column=column, date=err.params["date"].isoformat(),
                since=err.params["since"].isoformat())
    else:
        v.error(err.code, **err.params)


def check(data: bytes, ctx: Context, max_lines: int = MAX_LINES) -> Result:
    """Read and validate a whole file against a context given in advance."""
    return validate(read_table(data, max_lines), ctx)


# --- export ---------------------------------------------------------------------------------

def write_rows(rows: Iterable[dict], header: bool = False) -> str:
    """CSV text (`;`, CRLF) for rows given as {column: value}; the header first if asked."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if header:
        writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([guard(row.get(c)) for c in COLUMNS])
    return out.getvalue()
