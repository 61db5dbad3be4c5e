"""Reads of general assemblies shared by several views: the quorum per cooperative, who
takes part, the check-in search, proxies of a holder."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from governance.platform.extensions import db
from votes.models import RollEntry

from . import rules
from .models import (
    Assembly,
    AssemblyDocument,
    Participant,
    Presence,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionVote,
)


def present_clause(table, call: int):
    """SQL: the participant was checked in (in the room or online) at this call."""
    return sa.and_(table.presence != Presence.ABSENT, table.present_call == call)


def participating_clause(assembly: Assembly):
    """SQL: the participant takes part in the current call: present, voted in advance, or
    represented by an accepted proxy whose holder is present (the chair, for a blank one).

    The represented are an uncorrelated `IN (subquery)`, run once: as a correlated EXISTS,
    PostgreSQL costed it per row and switched on JIT, ~0.8 s for 10,000 places
    (bench/assembly_bench.py)."""
    call = assembly.sitting.call
    holder = aliased(Participant)
    represented = (sa.select(Proxy.principal_id).outerjoin(holder, holder.id == Proxy.holder_id)
                   .where(Proxy.assembly_id == assembly.id, Proxy.state == ProxyState.ACCEPTED,
                          sa.or_(Proxy.holder_id.is_(None), present_clause(holder, call))))
    return sa.or_(present_clause(Participant, call), Participant.voted_in_advance.is_(True),
                  Participant.id.in_(represented))


def required_quorum(assembly: Assembly, coop) -> Fraction | None:
    """The quorum the cooperative must reach at the current call: that of the strictest kind
    among the resolutions (the assembly's kind when there are none)."""
    kinds = [str(r.kind) for r in assembly.resolutions] or [str(assembly.kind)]
    kind = rules.strictest(kinds)
    call = assembly.sitting.call
    value = getattr(coop, f"{kind}_quorum_first" if call == 1 else f"{kind}_quorum_second")
    return Fraction(value) if value else None


def quorum(assembly: Assembly) -> dict[int, rules.Quorum]:
    """The quorum of each cooperative, live, from the attendance register (one query: the
    roll and those taking part counted in the same scan)."""
    counts = {coop_id: (taking_part, roll) for coop_id, taking_part, roll in db.session.execute(
        sa.select(Participant.cooperative_id,
                  sa.func.count(sa.case((participating_clause(assembly), 1))), sa.func.count())
        .where(Participant.assembly_id == assembly.id)
        .group_by(Participant.cooperative_id))}
    return {coop.id: rules.Quorum(required_quorum(assembly, coop), *counts.get(coop.id, (0, 0)))
            for coop in assembly.cooperatives}


def search(assembly: Assembly, text: str, limit: int = 20) -> list[Participant]:
    """Check-in search: by membership number, or by the start of a name (or of a word)."""
    text = (text or "").strip().lower()
    stmt = (sa.select(Participant).where(Participant.assembly_id == assembly.id)
            .options(sa.orm.joinedload(Participant.person),
                     sa.orm.joinedload(Participant.cooperative)))
    if not text:
        return []
    if text.isdigit():
        stmt = stmt.where(Participant.number == int(text))
    else:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(sa.or_(Participant.search_name.like(f"{escaped}%", escape="\\"),
                                 Participant.search_name.like(f"% {escaped}%", escape="\\")))
    return list(db.session.scalars(stmt.order_by(Participant.search_name).limit(limit)))


def proxies_held(participant: Participant) -> list[Proxy]:
    """The proxies offered to or accepted by this participant."""
    return list(db.session.scalars(
        sa.select(Proxy).where(Proxy.assembly_id == participant.assembly_id,
                               Proxy.holder_id == participant.id,
                               Proxy.state.in_([ProxyState.OFFERED, ProxyState.ACCEPTED]))
        .options(sa.orm.joinedload(Proxy.principal).joinedload(Participant.person))
        .order_by(Proxy.id)))


def proxy_given(participant: Participant) -> Proxy | None:
    """The proxy this participant gave and did not take back (offered or accepted)."""
    return db.session.scalar(
        sa.select(Proxy).where(Proxy.assembly_id == participant.assembly_id,
                               Proxy.principal_id == participant.id,
                               Proxy.state.in_([ProxyState.OFFERED, ProxyState.ACCEPTED])))


@dataclass
class Situation:
    """Where one of the user's places on the roll stands: their answer, presence, the proxy
    they gave, the proxies they hold, and per resolution whether a ballot was cast for them."""

    participant: Participant
    present: bool
    proxy_given: Proxy | None
    proxies_held: list[Proxy]
    voted: dict[tuple[int, int], bool]  # (resolution id, person id) → a ballot was cast,
    # for this place and the principals whose proxy it holds

    @property
    def principals(self) -> list[Participant]:
        return [p.principal for p in self.proxies_held if p.state == ProxyState.ACCEPTED]


def voted_map(assembly: Assembly, cooperative_id: int, person_ids: list[int]) -> dict:
    """{(resolution id, person id): voted} for these people of one cooperative."""
    rows = db.session.execute(
        sa.select(ResolutionVote.resolution_id, RollEntry.person_id, RollEntry.voted)
        .join(RollEntry, RollEntry.vote_id == ResolutionVote.vote_id)
        .join(Resolution, Resolution.id == ResolutionVote.resolution_id)
        .where(Resolution.assembly_id == assembly.id,
               ResolutionVote.cooperative_id == cooperative_id,
               RollEntry.person_id.in_(person_ids))).all()
    return {(r, p): v for r, p, v in rows}


def my_situation(assembly: Assembly, participant: Participant) -> Situation:
    call = assembly.sitting.call if assembly.sitting else None
    held = proxies_held(participant)
    people = [participant.person_id] + [x.principal.person_id for x in held]
    return Situation(
        participant=participant,
        present=participant.presence != Presence.ABSENT and participant.present_call == call,
        proxy_given=proxy_given(participant), proxies_held=held,
        voted=voted_map(assembly, participant.cooperative_id, people))


def situations(assembly: Assembly, participants: list[Participant]) -> list[Situation]:
    """The check-in rows: each participant with their presence and proxies (3 queries)."""
    if not participants:
        return []
    ids = [p.id for p in participants]
    call = assembly.sitting.call
    given = {x.principal_id: x for x in db.session.scalars(sa.select(Proxy).where(
        Proxy.assembly_id == assembly.id, Proxy.principal_id.in_(ids),
        Proxy.state.in_([ProxyState.OFFERED, ProxyState.ACCEPTED]))
        .options(sa.orm.joinedload(Proxy.holder).joinedload(Participant.person)))}
    held: dict[int, list[Proxy]] = {}
    for x in db.session.scalars(sa.select(Proxy).where(
            Proxy.assembly_id == assembly.id, Proxy.holder_id.in_(ids),
            Proxy.state == ProxyState.ACCEPTED)
            .options(sa.orm.joinedload(Proxy.principal).joinedload(Participant.person))):
        held.setdefault(x.holder_id, []).append(x)
    return [Situation(participant=p,
                      present=p.presence != Presence.ABSENT and p.present_call == call,
                      proxy_given=given.get(p.id), proxies_held=held.get(p.id, []), voted={})
            for p in participants]


def documents(assembly: Assembly) -> list[AssemblyDocument]:
    """The assembly's documents, oldest first (their content stays deferred)."""
    return list(db.session.scalars(sa.select(AssemblyDocument)
                                   .where(AssemblyDocument.assembly_id == assembly.id)
                                   .order_by(AssemblyDocument.id)))


def convocation_counts(assembly: Assembly) -> tuple[int, int]:
    """(convened by email, convened by post): places on the roll."""
    rows = dict(db.session.execute(
        sa.select(Participant.by_email, sa.func.count())
        .where(Participant.assembly_id == assembly.id).group_by(Participant.by_email)).all())
    return rows.get(True, 0), rows.get(False, 0)


def postal_roll(assembly: Assembly) -> list[Participant]:
    """The places convened by post (no consent to email), by cooperative and name."""
    return list(db.session.scalars(
        sa.select(Participant).where(Participant.assembly_id == assembly.id,
                                     Participant.by_email.is_(False))
        .options(sa.orm.joinedload(Participant.person),
                 sa.orm.joinedload(Participant.cooperative))
        .order_by(Participant.cooperative_id, Participant.search_name, Participant.number)))


def live_turnout(assembly: Assembly) -> list[tuple[Resolution, object, object]]:
    """For each resolution open in the sitting, each cooperative's turnout so far (ballots
    cast against the roll, never what was chosen): (resolution, cooperative, Turnout)."""
    from votes.queries import turnout
    return [(r, rv.cooperative, turnout(rv.vote)[0])
            for r in assembly.resolutions if r.opened and not r.closed for rv in r.votes]


def ceremonies(assembly: Assembly) -> list[tuple]:
    """(resolution, resolution vote, key ceremony) of each vote of the assembly's resolutions
    that has one, in resolution order."""
    from votes.queries import ceremony_of
    found = [(r, rv, ceremony_of(rv.vote)) for r in assembly.resolutions for rv in r.votes]
    return [row for row in found if row[2] is not None]
