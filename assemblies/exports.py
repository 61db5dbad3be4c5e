"""The assembly's CSV exports: results per resolution, cooperative and college; the attendance
sheet; the proxies. `;`-separated, UTF-8 with a BOM, decimals with a point, codes in English,
every text cell guarded against formula injection, as the other exports of coopgov."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from governance.models import Cooperative, Person
from governance.platform.downloads import guard
from governance.platform.extensions import db

from .minutes import ResolutionMinutes, SheetRow
from .models import Assembly, Participant, Proxy

RESULT_COLUMNS = ("resolution", "resolution_title", "kind", "board_approved", "cooperative",
                  "college", "college_name", "college_weight", "for", "against", "abstain",
                  "expressed", "share_for", "weighted_share_for", "participation",
                  "quorum_required", "outcome")
ATTENDANCE_COLUMNS = ("cooperative", "number", "name", "college", "college_name", "weight",
                      "attendance", "represented_by_number", "represented_by_name",
                      "blank_proxy", "voted_in_advance", "checked_in_at_utc")
PROXY_COLUMNS = ("cooperative", "principal_number", "principal_name", "holder_number",
                 "holder_name", "state", "created_at_utc", "answered_at_utc")


def text(columns: tuple[str, ...], rows: Iterable[dict]) -> str:
    """The file: BOM, header, one guarded line per row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([guard(row.get(c)) for c in columns] for row in rows)
    return "\ufeff" + out.getvalue()


def as_decimal(value: Fraction | None) -> str:
    """An exact share or weight as a decimal with a point (six places unless whole)."""
    if value is None:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("1e-6")))


def _utc(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def result_rows(resolutions: list[ResolutionMinutes]) -> Iterable[dict]:
    """One line per resolution, cooperative and college (one line without colleges), with the
    cooperative's weighted share and outcome repeated on each."""
    for item in resolutions:
        r = item.resolution
        for coop_result in item.results:
            result = coop_result.result
            if result is None:
                continue
            for c in result.colleges:
                yield {"resolution": r.position, "resolution_title": r.title,
                       "kind": str(r.kind), "board_approved": r.board_approved,
                       "cooperative": coop_result.cooperative.slug, "college": c.id or "",
                       "college_name": c.name if c.id else "",
                       "college_weight": as_decimal(c.weight),
                       **{o: as_decimal(c.counts.get(o, Fraction(0)))
                          for o in ("for", "against", "abstain")},
                       "expressed": as_decimal(c.expressed),
                       "share_for": as_decimal(c.share("for")),
                       "weighted_share_for": as_decimal(result.share_for),
                       "participation": as_decimal(result.participation),
                       "quorum_required": as_decimal(result.quorum_required),
                       "outcome": result.outcome}


def attendance_rows(sheet: list[SheetRow], slugs: dict[int, str]) -> Iterable[dict]:
    for row in sheet:
        yield {"cooperative": slugs[row.cooperative_id], "number": row.number, "name": row.name,
               "college": row.college or "", "college_name": row.college_name,
               "weight": as_decimal(row.weight), "attendance": row.attendance,
               "represented_by_number": row.holder_number or "",
               "represented_by_name": row.holder_name, "blank_proxy": row.blank,
               "voted_in_advance": row.voted_in_advance,
               "checked_in_at_utc": _utc(row.checked_in_at)}


def proxy_rows(assembly: Assembly, chair: str) -> list[dict]:
    """Every proxy of the assembly, whatever its state (one query); `chair` names the holder
    of a blank proxy."""
    principal, holder = aliased(Participant), aliased(Participant)
    principal_p, holder_p = aliased(Person), aliased(Person)
    rows = db.session.execute(
        sa.select(Cooperative.slug, principal.number, principal_p, holder.number, holder_p,
                  Proxy.state, Proxy.created_at, Proxy.answered_at)
        .join(Cooperative, Cooperative.id == Proxy.cooperative_id)
        .join(principal, principal.id == Proxy.principal_id)
        .join(principal_p, principal_p.id == principal.person_id)
        .outerjoin(holder, holder.id == Proxy.holder_id)
        .outerjoin(holder_p, holder_p.id == holder.person_id)
        .where(Proxy.assembly_id == assembly.id)
        .order_by(Proxy.cooperative_id, principal.number, Proxy.id))
    return [{"cooperative": slug, "principal_number": number, "principal_name": p.display_name,
             "holder_number": holder_number or "",
             "holder_name": h.display_name if h is not None else chair, "state": str(state),
             "created_at_utc": _utc(created), "answered_at_utc": _utc(answered)}
            for slug, number, p, holder_number, h, state, created, answered in rows]
