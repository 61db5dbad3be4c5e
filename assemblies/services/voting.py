"""The sitting: opening (quorum at opening), resolutions opened and closed one by one or all
at once, ballots cast by participants and proxy holders, advance votes before the sitting,
show-of-hands counts per college, blank proxies, closing."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.service import SYSTEM, DomainError, Forbidden, service
from governance.services import two_factor
from votes import services as votes
from votes.models import RollEntry, Vote

from .. import queries, rules
from ..models import Assembly, Participant, Presence, Proxy, ProxyState, Resolution, State
from . import journal, keys, move, require_manager, require_state


@service
def open_sitting(actor: Person, assembly: Assembly, *, now: datetime | None = None) -> dict:
    """Open the current call; the quorum of each cooperative at opening is kept."""
    require_manager(actor, assembly)
    require_state(assembly, State.CONVENED)
    sitting = assembly.sitting
    sitting.opened_at = now or utcnow()
    at_opening = {str(coop_id): {"participating": q.participating, "roll": q.roll,
                                 "required": None if q.required is None else str(q.required),
                                 "met": q.met}
                  for coop_id, q in queries.quorum(assembly).items()}
    sitting.opening_quorum_json = json.dumps(at_opening)
    move(actor, assembly, State.OPEN, call=sitting.call, quorum=at_opening)
    return at_opening


def _resolution_vote(resolution: Resolution, cooperative_id: int) -> Vote:
    for rv in resolution.votes:
        if rv.cooperative_id == cooperative_id:
            return rv.vote
    raise DomainError("not_on_roll", {})


def _assembly_of(resolution: Resolution) -> Assembly:
    return db.session.get(Assembly, resolution.assembly_id)


@service
def open_resolutions(actor: Person, resolutions: list[Resolution]) -> int:
    """Open resolutions for voting in the sitting (one, or all those not yet closed)."""
    if not resolutions:
        return 0
    assembly = _assembly_of(resolutions[0])
    require_manager(actor, assembly)
    require_state(assembly, State.OPEN)
    opened = 0
    for resolution in resolutions:
        if resolution.assembly_id != assembly.id:
            raise Forbidden()
        if not resolution.closed and not resolution.opened:
            resolution.opened = True
            opened += 1
            journal(actor, assembly, "assembly.resolution_open",
                    after={"position": resolution.position})
    return opened


def _check_caster(assembly: Assembly, actor_p: Participant, target: Participant) -> None:
    """The actor casts for `target`: themselves unless they gave a proxy, or their principal
    through an accepted proxy."""
    given = queries.proxy_given(target)
    holder = given.holder_id if given is not None and given.state == ProxyState.ACCEPTED else None
    if not rules.may_cast_for(actor_p.id, target.id, holder, given is not None):
        raise DomainError("proxy_given" if actor_p.id == target.id else "not_your_proxy", {})


def _participant(assembly: Assembly, person_id: int, cooperative_id: int) -> Participant:
    participant = db.session.scalar(sa.select(Participant).where(
        Participant.assembly_id == assembly.id, Participant.person_id == person_id,
        Participant.cooperative_id == cooperative_id))
    if participant is None:
        raise DomainError("not_on_roll", {})
    return participant


def _entry(vote: Vote, person_id: int) -> RollEntry:
    entry = votes.entry_of(vote, person_id)
    if entry is None:
        raise DomainError("not_on_roll", {})
    return entry


def _votes_of(resolutions: list[Resolution], cooperative_id: int | None = None) -> list[Vote]:
    """The votes of the resolutions (of one cooperative), to lock before any write."""
    return [rv.vote for r in resolutions for rv in r.votes
            if cooperative_id is None or rv.cooperative_id == cooperative_id]


def _second_factor(assembly: Assembly, actor: Person) -> None:
    """An assembly that asks for it: the voter logged in with their authenticator app."""
    if assembly.second_factor and not two_factor.session_has_it(actor):
        raise DomainError("assembly_second_factor", {})


@service
def cast(actor: Person, resolution: Resolution, target: Participant, choice: str):
    """Cast the ballot of `target` (the actor, or a principal whose proxy they hold) on an
    open resolution; the actor must be present (in the room or online). Returns the receipt
    (tracker and hash)."""
    assembly = _assembly_of(resolution)
    require_state(assembly, State.OPEN)
    if target.assembly_id != assembly.id:
        raise Forbidden()
    if not resolution.opened or resolution.closed:
        raise DomainError("resolution_not_open", {})
    _second_factor(assembly, actor)
    actor_p = _participant(assembly, actor.id, target.cooperative_id)
    if not (actor_p.presence != Presence.ABSENT
            and actor_p.present_call == assembly.sitting.call):
        raise DomainError("vote_needs_presence", {})
    _check_caster(assembly, actor_p, target)
    vote = _resolution_vote(resolution, target.cooperative_id)
    channel = "online" if actor_p.id == target.id else "proxy"
    return votes.put_ballot(actor, vote, _entry(vote, target.person_id), choice,
                            channel=channel)


def ballot_targets(actor: Person, resolution: Resolution) -> list[Participant]:
    """Whose ballots the actor casts on the resolution: each of their places present at the
    current call that gave no proxy, and the principals of the proxies they accepted."""
    assembly = _assembly_of(resolution)
    mine = db.session.scalars(sa.select(Participant).where(
        Participant.assembly_id == assembly.id, Participant.person_id == actor.id)).all()
    if not mine:
        raise DomainError("not_on_roll", {})
    call = assembly.sitting.call
    present = [p for p in mine if p.presence != Presence.ABSENT and p.present_call == call]
    if not present:
        raise DomainError("vote_needs_presence", {})
    targets = []
    for p in present:
        if queries.proxy_given(p) is None:
            targets.append(p)
        targets += [x.principal for x in queries.proxies_held(p)
                    if x.state == ProxyState.ACCEPTED]
    return targets


@service
def cast_for_all(actor: Person, resolution: Resolution, choice,
                 ballots: dict | None = None) -> list:
    """The actor votes the same way for themselves and every principal whose proxy they hold,
    in each cooperative where they are present; returns the receipts of the ballots cast
    (those already cast are skipped). An encrypted vote takes one ballot per voter, encrypted
    by the actor's browser: `ballots` maps `<resolution id>-<participant id>` to each."""
    targets = ballot_targets(actor, resolution)
    votes.lock_open(_votes_of([resolution]))  # before any ballot: see votes.services.lock
    receipts = []
    for target in targets:
        vote = _resolution_vote(resolution, target.cooperative_id)
        if not _entry(vote, target.person_id).voted:
            ballot = (ballots or {}).get(f"{resolution.id}-{target.id}") if vote.encrypted \
                else choice
            if ballot is None:
                raise DomainError("bad_ballot", {})
            receipts.append(cast(actor, resolution, target, ballot))
    return receipts


@service
def vote_in_advance(actor: Person, participant: Participant, choices: dict[int, str]) -> list:
    """Vote in advance (the online postal vote) on the resolutions before the sitting opens:
    `choices` maps a resolution id to for/against/abstain. Counts for the quorum. Returns the
    ballots' receipts, in resolution order."""
    if actor.id != participant.person_id:
        raise Forbidden()
    assembly = db.session.get(Assembly, participant.assembly_id)
    require_state(assembly, State.CONVENED)
    _second_factor(assembly, actor)
    if queries.proxy_given(participant) is not None:
        raise DomainError("proxy_given", {})
    by_id = {r.id: r for r in assembly.resolutions}
    if not choices or set(choices) - set(by_id):
        raise DomainError("advance_choices", {})
    votes.lock_open(_votes_of([by_id[i] for i in choices], participant.cooperative_id))
    receipts = []
    for resolution_id, choice in sorted(choices.items()):
        vote = _resolution_vote(by_id[resolution_id], participant.cooperative_id)
        receipts.append(votes.put_ballot(actor, vote, _entry(vote, participant.person_id),
                                         choice, channel="advance"))
    participant.voted_in_advance = True
    journal(actor, assembly, "assembly.advance_vote",
            after={"participant": participant.number, "coop": participant.cooperative_id,
                   "resolutions": len(choices)})
    return receipts


def in_room(assembly: Assembly, vote: Vote) -> dict[str | None, list[int]]:
    """The roll entries, per college, of those in the room who have not voted: sociétaires
    present in person and the principals whose proxy they hold."""
    call = assembly.sitting.call
    holders = sa.select(Participant.id).where(
        Participant.assembly_id == assembly.id, Participant.presence == Presence.IN_PERSON,
        Participant.present_call == call)
    proxied = sa.select(Proxy.principal_id).where(
        Proxy.assembly_id == assembly.id, Proxy.state == ProxyState.ACCEPTED,
        Proxy.holder_id.in_(holders))
    given = sa.select(Proxy.principal_id).where(
        Proxy.assembly_id == assembly.id,
        Proxy.state.in_([ProxyState.OFFERED, ProxyState.ACCEPTED]))
    people = sa.select(Participant.person_id).where(
        Participant.assembly_id == assembly.id,
        Participant.cooperative_id == vote.cooperative_id,
        sa.or_(sa.and_(Participant.id.in_(holders), Participant.id.not_in(given)),
               Participant.id.in_(proxied)))
    rows = db.session.execute(sa.select(RollEntry.college, RollEntry.id).where(
        RollEntry.vote_id == vote.id, RollEntry.voted.is_(False),
        RollEntry.person_id.in_(people))).all()
    groups: dict[str | None, list[int]] = {}
    for college, entry_id in rows:
        groups.setdefault(college, []).append(entry_id)
    return groups


@service
def enter_hands(actor: Person, resolution: Resolution, cooperative_id: int,
                counts: dict[str | None, dict[str, int]]) -> dict:
    """Enter a show of hands of one cooperative, per college: the "for" and "against" counted
    in the room; everyone else in the room who has not voted abstains. The room's roll entries
    are marked voted, and a batch per college goes into the ballot box."""
    assembly = _assembly_of(resolution)
    require_manager(actor, assembly)
    require_state(assembly, State.OPEN)
    if not resolution.opened or resolution.closed:
        raise DomainError("resolution_not_open", {})
    vote = _resolution_vote(resolution, cooperative_id)
    votes.lock_open([vote])
    room = in_room(assembly, vote)
    entered = {college: votes.add_hands(vote, college, entries, counts.get(college) or {})
               for college, entries in room.items()}
    if set(counts) - set(room):
        raise DomainError("hands_nobody", {})
    journal(actor, assembly, "assembly.hands",
            after={"position": resolution.position, "coop": cooperative_id,
                   "counts": {str(k): v for k, v in entered.items()}})
    return entered


def _blank_proxies(actor, assembly: Assembly, resolution: Resolution, vote: Vote) -> int:
    """Cast the blank proxies given to the chair: FOR what the board approved, else AGAINST."""
    principals = db.session.scalars(
        sa.select(Participant.person_id).join(Proxy, Proxy.principal_id == Participant.id)
        .where(Proxy.assembly_id == assembly.id, Proxy.holder_id.is_(None),
               Proxy.state == ProxyState.ACCEPTED,
               Participant.cooperative_id == vote.cooperative_id)).all()
    choice = rules.blank_proxy_choice(resolution.board_approved)
    entries = db.session.scalars(sa.select(RollEntry).where(
        RollEntry.vote_id == vote.id, RollEntry.voted.is_(False),
        RollEntry.person_id.in_(principals))).all()
    for entry in entries:  # the chair's ballots: the rule's choice, encrypted here if need be
        votes.put_ballot(actor, vote, entry, votes.encrypted_for(vote, choice)
                         if vote.encrypted else choice, channel="proxy")
    return len(entries)


def _mark_participating(assembly: Assembly, vote: Vote) -> None:
    """The roll entries of those taking part in the sitting (RULES.md §2): their weight counts
    for the quorum, and as "against" under the `participants` counting mode."""
    votes.mark_participating(vote, sa.select(Participant.person_id).where(
        Participant.assembly_id == assembly.id,
        Participant.cooperative_id == vote.cooperative_id,
        queries.participating_clause(assembly)))


@service
def close_resolutions(actor: Person, resolutions: list[Resolution],
                      *, now: datetime | None = None) -> dict[int, dict]:
    """Close resolutions: blank proxies are cast, participation is recorded on each roll, and
    each cooperative's vote is sealed and counted. Returns {resolution id: {coop id: result}}
    (None for an encrypted vote: its key holders open the box afterwards)."""
    if not resolutions:
        return {}
    assembly = _assembly_of(resolutions[0])
    require_manager(actor, assembly)
    require_state(assembly, State.OPEN)
    if any(r.assembly_id != assembly.id for r in resolutions):
        raise Forbidden()
    votes.lock_for_close(_votes_of([r for r in resolutions if not r.closed]))
    for resolution in resolutions:  # as another close may have left it
        db.session.refresh(resolution, ["opened", "closed"])
    results = {}
    for resolution in resolutions:
        if resolution.closed:
            continue
        results[resolution.id] = {}
        for rv in resolution.votes:
            _blank_proxies(actor, assembly, resolution, rv.vote)
            _mark_participating(assembly, rv.vote)
            results[resolution.id][rv.cooperative_id] = votes.close_vote(
                SYSTEM, rv.vote, now=now, held_ok=True)
        resolution.opened, resolution.closed = False, True
        journal(actor, assembly, "assembly.resolution_close",
                after={"position": resolution.position,
                       "outcomes": {str(k): v["outcome"] if v else "awaiting_bureau"
                                    for k, v in results[resolution.id].items()}})
    if any(v is None for closed in results.values() for v in closed.values()):
        keys.tell_closed(assembly)
    return results


@service
def close_assembly(actor: Person, assembly: Assembly, *, now: datetime | None = None) -> None:
    """Close the sitting: any resolution still open is closed and counted."""
    require_manager(actor, assembly)
    require_state(assembly, State.OPEN)
    close_resolutions(actor, [r for r in assembly.resolutions if not r.closed], now=now)
    move(actor, assembly, State.CLOSED, call=assembly.sitting.call)

