"""What the minutes (procès-verbal) of an assembly hold, read from the tables: its calls and
convocation, agenda, bureau, per cooperative the quorum at opening and at the end with the
attendance counts, each resolution's text and result per college and weighted, and the
attendance sheet. Nothing here writes; the number of queries does not grow with the roll."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from governance import rules as gov_rules
from governance.models import AuditEntry, Cooperative, Person
from governance.platform.extensions import db
from governance.platform.journal import anchor_of
from votes import queries as vote_queries
from votes.models import Vote

from . import queries, rules
from .models import (
    Assembly,
    Participant,
    Presence,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionVote,
    Sitting,
)

REPRESENTED, ADVANCE = "represented", "advance"  # beside Presence's in_person and online
ATTENDANCE = (Presence.IN_PERSON.value, Presence.ONLINE.value, REPRESENTED, ADVANCE)


@dataclass
class Call:
    """A call (sitting) of the assembly with its convocation and the quorum at its opening."""

    sitting: Sitting
    opening: dict[int, rules.Quorum]  # cooperative id → quorum when the call opened


@dataclass
class SheetRow:
    """A line of the attendance sheet: a sociétaire who took part in the last call."""

    cooperative_id: int
    cooperative: str
    number: int
    name: str
    college: str | None
    college_name: str
    weight: Fraction  # effective voting share w_c / n_c when colleges weigh, else 1
    attendance: str  # in_person, online, represented, advance
    holder_number: int | None = None  # represented: by this sociétaire…
    holder_name: str = ""
    blank: bool = False  # …or by the chair (a blank proxy)
    voted_in_advance: bool = False
    checked_in_at: datetime | None = None


@dataclass
class CoopAttendance:
    """One cooperative's quorum at the end of the sitting and who took part, how."""

    cooperative: Cooperative
    quorum: rules.Quorum
    counts: dict[str, int] = field(default_factory=dict)  # ATTENDANCE code → sociétaires


@dataclass
class CoopResult:
    """One cooperative's vote on a resolution; `result` is None until it is counted."""

    cooperative: Cooperative
    vote: Vote
    result: vote_queries.ResultView | None


@dataclass
class ResolutionMinutes:
    resolution: Resolution
    results: list[CoopResult]


@dataclass
class Opening:
    """An encrypted box opened by the key holders: when, by whom, and the box's seal."""

    at: datetime
    holders: list[str]
    seal: str


@dataclass
class Bureau:
    """The bureau's keys of an assembly whose ballots were encrypted."""

    holders: list[str]  # names, in the holders' order
    threshold: int
    ready_at: datetime | None  # the last ceremony completed
    openings: dict[int, Opening]  # vote id → its opening


@dataclass
class Minutes:
    assembly: Assembly
    calls: list[Call]
    attendance: list[CoopAttendance]
    resolutions: list[ResolutionMinutes]
    sheet: list[SheetRow]
    bureau: Bureau | None = None
    anchor: str | None = None  # the journal's "<id>:<hash>" when the bureau approved them


def gather(assembly: Assembly, labels: dict[str, str]) -> Minutes:
    """Everything the minutes show (`labels`: what the pages call for/against/abstain)."""
    sheet = attendance_sheet(assembly)
    end = queries.quorum(assembly)
    attendance = []
    for coop in assembly.cooperatives:
        counts = dict.fromkeys(ATTENDANCE, 0)
        for row in sheet:
            if row.cooperative_id == coop.id:
                counts[row.attendance] += 1
        attendance.append(CoopAttendance(coop, end[coop.id], counts))
    return Minutes(assembly=assembly, calls=[Call(s, opening_quorum(s)) for s in assembly.sittings],
                   attendance=attendance, resolutions=results(assembly, labels), sheet=sheet,
                   bureau=bureau(assembly),
                   anchor=anchor_of("assembly.minutes_approve", "assembly", assembly.id))



def bureau(assembly: Assembly) -> Bureau | None:
    """The key ceremony and the openings of the boxes, from the audit journal (one query)."""
    if not assembly.key_threshold:
        return None
    people = {p.id: p.display_name for p in db.session.scalars(
        sa.select(Person).where(Person.id.in_(assembly.key_holders)))}
    names = [people.get(pid, "") for pid in assembly.key_holders]
    vote_ids = [str(rv.vote_id) for r in assembly.resolutions for rv in r.votes]
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.object_id, AuditEntry.at, AuditEntry.summary)
        .where(AuditEntry.object_type == "vote", AuditEntry.object_id.in_(vote_ids),
               AuditEntry.action.in_(("vote.ceremony_confirm", "vote.box_opened")))
        .order_by(AuditEntry.id)).all() if vote_ids else []
    ready = [at for action, _v, at, _s in entries if action == "vote.ceremony_confirm"]
    openings = {}
    for action, vote_id, at, summary in entries:
        if action == "vote.box_opened":
            after = json.loads(summary).get("after", {})
            openings[int(vote_id)] = Opening(at, [names[j - 1] for j in after.get("holders", [])
                                                  if 0 < j <= len(names)], after.get("seal", ""))
    return Bureau(names, assembly.key_threshold, max(ready) if ready else None, openings)


def opening_quorum(sitting: Sitting) -> dict[int, rules.Quorum]:
    """The quorum of each cooperative kept when the call opened (empty if it never opened)."""
    kept = json.loads(sitting.opening_quorum_json) if sitting.opening_quorum_json else {}
    return {int(coop_id): rules.Quorum(
        None if q["required"] is None else Fraction(q["required"]), q["participating"], q["roll"])
        for coop_id, q in kept.items()}


def results(assembly: Assembly, labels: dict[str, str]) -> list[ResolutionMinutes]:
    """Each resolution with, per cooperative, its sealed result (votes' own reading of the box:
    per college and weighted); two queries whatever the number of resolutions."""
    found = db.session.scalars(
        sa.select(Resolution).where(Resolution.assembly_id == assembly.id)
        .order_by(Resolution.position)
        .options(selectinload(Resolution.votes).options(joinedload(ResolutionVote.vote),
                                                        joinedload(ResolutionVote.cooperative))))
    return [ResolutionMinutes(r, [CoopResult(rv.cooperative, rv.vote,
                                             vote_queries.results(rv.vote, labels))
                                  for rv in r.votes]) for r in found]


def _weights(assembly: Assembly) -> dict[tuple[int, str | None], Fraction]:
    """{(cooperative id, college): a member's effective voting share} on the assembly's roll
    (RULES.md §1: w_c / n_c with n_c counted on the roll frozen at convocation)."""
    counts: dict[int, dict[str | None, int]] = {}
    for coop_id, college, n in db.session.execute(
            sa.select(Participant.cooperative_id, Participant.college, sa.func.count())
            .where(Participant.assembly_id == assembly.id)
            .group_by(Participant.cooperative_id, Participant.college)):
        counts.setdefault(coop_id, {})[college] = n
    weights = {}
    for coop in assembly.cooperatives:
        if coop.weighting != "colleges":
            continue
        shares = gov_rules.voting_shares(
            "colleges", {c.code: Fraction(c.weight) for c in coop.colleges},
            counts.get(coop.id, {}))
        weights |= {(coop.id, code): value for code, value in shares.items()}
    return weights


def attendance_sheet(assembly: Assembly) -> list[SheetRow]:
    """Every sociétaire who took part in the last call: present in the room or online,
    represented (by whom), or voted in advance; by cooperative, then name (one query, plus
    one for the weights)."""
    if assembly.sitting is None:
        return []
    call = assembly.sitting.call
    holder, holder_person = aliased(Participant), aliased(Person)
    rows = db.session.execute(
        sa.select(Participant.cooperative_id, Participant.number, Participant.college,
                  Participant.presence, Participant.present_call, Participant.voted_in_advance,
                  Participant.checked_in_at, Person, Proxy.id, Proxy.holder_id, holder.number,
                  sa.and_(holder.presence != Presence.ABSENT, holder.present_call == call),
                  holder_person)
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(Proxy, sa.and_(Proxy.principal_id == Participant.id,
                                  Proxy.state == ProxyState.ACCEPTED))
        .outerjoin(holder, holder.id == Proxy.holder_id)
        .outerjoin(holder_person, holder_person.id == holder.person_id)
        .where(Participant.assembly_id == assembly.id, queries.participating_clause(assembly))
        .order_by(Participant.cooperative_id, Participant.search_name, Participant.number))
    coops = {c.id: c for c in assembly.cooperatives}
    colleges = {(c.id, college.code): college.name for c in coops.values()
                for college in c.colleges}
    weights = _weights(assembly)
    sheet = []
    for (coop_id, number, college, presence, present_call, advance, checked_in, person,
         proxy_id, holder_id, holder_number, holder_present, holder_p) in rows:
        row = SheetRow(coop_id, coops[coop_id].name, number, person.display_name, college,
                       colleges.get((coop_id, college), college or ""),
                       weights.get((coop_id, college), Fraction(0))
                       if coops[coop_id].weighting == "colleges" else Fraction(1),
                       ADVANCE, voted_in_advance=bool(advance), checked_in_at=checked_in)
        if presence != Presence.ABSENT and present_call == call:
            row.attendance = str(presence)
        elif proxy_id is not None and (holder_id is None or holder_present):
            row.attendance, row.blank = REPRESENTED, holder_id is None
            row.holder_number = holder_number
            row.holder_name = holder_p.display_name if holder_p is not None else ""
        sheet.append(row)
    return sheet
