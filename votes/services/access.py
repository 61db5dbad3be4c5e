"""What every votes service checks first: who may act, whether the vote is held by an assembly,
and the lock that makes the writes into a vote's box and its close exclude each other."""
from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from governance.permissions import can_admin
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.service import SYSTEM, DomainError, Forbidden

from .. import rules
from ..models import State, Vote

VOTE_LOCK = 7_270_002  # first key of the votes' advisory locks (the second is the vote's id)


def require_admin(actor, coop) -> None:
    """The secretariat of `coop`; or `SYSTEM` (the clock, an assembly)."""
    if actor is not SYSTEM and not can_admin(actor, coop):
        raise Forbidden()


def check_held(vote: Vote, held_ok: bool) -> None:
    if vote.held and not held_ok:
        raise DomainError("vote_in_assembly", {})


def is_open(vote: Vote, now: datetime | None = None) -> bool:
    """Open and before its closing time (past it, the vote waits for `close-due`)."""
    return vote.state == State.OPEN and (vote.closes_at is None
                                         or (now or utcnow()) < vote.closes_at)


def lock(votes: list[Vote], *, exclusive: bool = False) -> None:
    """Lock the votes for the rest of the transaction, in id order (PostgreSQL), then read
    their state as it is once locked.

    Every write into a box (ballot, hand count, participation) takes a vote's shared lock; the
    close takes the exclusive one. So a close waits for the writes in flight to commit, and a
    write that comes after it waits for the close, then finds the vote closed. These are
    advisory locks, whose queue is fair: once a close waits, later writes wait behind it (a
    shared row lock would let a stream of casts starve the close). Taken first in a service,
    in id order, before any journal entry, so that two services never wait for each other.
    SQLite serialises writers and needs none.
    """
    ids = sorted({v.id for v in votes})
    if not ids:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        take = sa.func.pg_advisory_xact_lock if exclusive else \
            sa.func.pg_advisory_xact_lock_shared
        for vote_id in ids:
            db.session.execute(sa.select(take(VOTE_LOCK, vote_id)))
    fresh = {row.id: row for row in db.session.execute(
        sa.select(Vote.id, Vote.state, Vote.closes_at, Vote.call).where(Vote.id.in_(ids)))}
    for vote in votes:
        for key in ("state", "closes_at", "call"):
            set_committed_value(vote, key, getattr(fresh[vote.id], key))


def lock_open(votes: list[Vote], now: datetime | None = None) -> None:
    """The shared lock of `lock`, then refuse unless every vote is open and not past its time."""
    lock(votes)
    for vote in votes:
        if not is_open(vote, now):
            raise DomainError("vote_not_open", {})


def lock_cast(vote: Vote, now: datetime | None = None) -> None:
    """The shared lock of one vote for a ballot, without reading the vote again: the caller's
    conditional write checks that it is still open in a statement after the lock."""
    if not is_open(vote, now):
        raise DomainError("vote_not_open", {})
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock_shared(VOTE_LOCK, vote.id)))


def poll_of(vote: Vote) -> rules.Poll:
    """The plain-data poll of the counting rules (no roll or ballots). At a second call the
    statutes' second-call quorum applies."""
    quorum = vote.quorum_now
    rule = rules.Rule(weighting=vote.weighting, counting=vote.counting,
                      threshold=Fraction(vote.threshold), strict=vote.strict,
                      quorum=Fraction(quorum) if quorum else None,
                      empty_college=vote.empty_college)
    return rules.Poll(method=str(vote.method), rule=rule,
                      options=tuple(o["id"] for o in vote.options),
                      seats=vote.seats, grades=tuple(vote.grades))


def colleges_of(vote: Vote) -> list[dict]:
    """The colleges the vote counts with, as `{"id", "name", "weight"}`: frozen at opening
    (a later change of the statutes does not reach an open vote), the cooperative's before."""
    if vote.weighting != "colleges":
        return []
    if vote.opening_json:
        return vote.opening["colleges"]
    return [{"id": c.code, "name": c.name, "weight": c.weight} for c in vote.cooperative.colleges]
