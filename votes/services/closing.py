"""Closing a vote: lock it against the writes in flight, seal its box, count it; the clock's
closes; the second call of an assembly's vote."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import SYSTEM, DomainError, System, service

from .. import ballotbox, boxjson, encryptedbox, rules
from ..models import Ballot, Batch, RollEntry, State, Vote
from . import ceremony, tallying
from .access import check_held, colleges_of, lock, poll_of, require_admin
from .sealing import sealed_box

log = logging.getLogger(__name__)


def lock_for_close(votes: list[Vote]) -> None:
    """Take the exclusive lock of the votes to close (an assembly closing several resolutions
    takes them all first, before writing anything)."""
    lock(votes, exclusive=True)


@service
def close_vote(actor: Person | System, vote: Vote, *, now: datetime | None = None,
               held_ok: bool = False) -> dict | None:
    """Seal the box and compute the result (admin, or the clock as `SYSTEM`); for an
    encrypted vote, sum its ballots per college into the tally that the bureau opens
    (`decrypting.publish_decryption`), and return None.

    The exclusive lock waits for every ballot in flight to commit; a ballot arriving later
    waits for this transaction, then finds the vote closed. So the seal holds every ballot
    that got a receipt, and no other.
    """
    require_admin(actor, vote.cooperative)
    check_held(vote, held_ok)
    lock_for_close([vote])
    if vote.state != State.OPEN:
        raise DomainError("vote_not_open_to_close", {})
    closed_at = (now or utcnow()).replace(microsecond=0)
    db.session.execute(sa.update(Vote).where(Vote.id == vote.id, Vote.state == State.OPEN)
                       .values(state=State.CLOSED, closed_at=closed_at)
                       .execution_options(synchronize_session=False))
    vote.state, vote.closed_at = State.CLOSED, closed_at
    if vote.encrypted:
        entries = tallying.tally_of(vote)
        tallying.drop_parts(vote)
        vote.tally_json = json.dumps(entries)
        record(actor, "vote.close", "vote", vote.id, cooperative_id=vote.cooperative_id,
               after={"tally": ballotbox.sha256_hex(boxjson.canonical(entries)),
                      "fingerprint": vote.fingerprint})
        if not held_ok:  # an assembly asks its holders once for all its boxes
            ceremony.tell_closed(vote)
        return None
    _rewrite_ballots(vote)
    grouped = _grouped(vote)
    try:  # its recount must agree, and its fingerprint be the one taken at opening
        box, vote.box_json = sealed_box(vote, result=count(vote, grouped).as_json(), text=True)
    except boxjson.MalformedBox as err:
        log.error("vote %s not sealed: %s", vote.id, err)
        raise DomainError("box_not_sealed", {}) from None
    vote.summary_json = json.dumps(_summary(box, grouped[1]), ensure_ascii=False)
    record(actor, "vote.close", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"seal": box["seal"], "fingerprint": box["opening"]["fingerprint"],
                  "outcome": box["result"]["outcome"]})
    return box["result"]


def _rewrite_ballots(vote: Vote) -> None:
    """Re-insert the ballots in tracker order within the closing transaction.

    A ballot is written in the same transaction as its emargement, so until now its row shared
    their transaction id (PostgreSQL's xmin) and followed the casting order (physical order,
    SQLite's rowid). After this, every ballot carries the closing transaction's id and sits in
    tracker order: nothing in the rows follows who voted when. The rows go through a
    temporary table, never through Python.

    Ballots in clear only: an encrypted ballot is never decrypted alone (only its college's
    sums are, by the bureau), so its link to its voter, which its receipt states anyway,
    reveals nothing (docs/crypto.md, "What the server knows"); rewriting 100,000 of them would
    cost the close seconds.
    """
    params = {"vote": vote.id}
    db.session.execute(sa.text("CREATE TEMPORARY TABLE ballot_rewrite AS SELECT * FROM ballot "
                               "WHERE vote_id = :vote"), params)
    db.session.execute(sa.delete(Ballot.__table__).where(Ballot.vote_id == vote.id))
    db.session.execute(sa.text("INSERT INTO ballot SELECT * FROM ballot_rewrite "
                               "ORDER BY tracker"))
    db.session.execute(sa.text("DROP TABLE ballot_rewrite"))
    db.session.expire_all()


def seal_opened(vote: Vote, entries: list[dict], decryptions: list[dict]) -> dict:
    """Seal an encrypted vote's box once its tally is decrypted (`entries` with their counts):
    count its totals, build and check the format 3 box. Runs inside the decryption's service."""
    grouped = _grouped(vote)
    totals = encryptedbox.totals_of(poll_of(vote), entries)
    try:
        box, vote.box_json = sealed_box(
            vote, result=count(vote, grouped, totals).as_json(), text=True, encrypted={
                "encryption": vote.opening["encryption"], "tally": entries,
                "decryptions": decryptions})
    except boxjson.MalformedBox as err:
        log.error("vote %s not sealed: %s", vote.id, err)
        raise DomainError("box_not_sealed", {}) from None
    vote.summary_json = json.dumps(_summary(box, [], totals), ensure_ascii=False)
    return box


def purge_dead_rows() -> None:
    """Reclaim the ballots' old row versions once the close is committed (PostgreSQL VACUUM;
    SQLite's deleted rows are overwritten by secure_delete)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ballot, tally_part"))


def close(actor: Person | System, vote: Vote, *, now: datetime | None = None,
          held_ok: bool = False) -> dict:
    """Close and seal the vote, then purge the ballots' old row versions."""
    result = close_vote(actor, vote, now=now, held_ok=held_ok)
    purge_dead_rows()
    return result


def _grouped(vote: Vote) -> tuple[list, list, list]:
    """The roll and the ballots grouped in SQL, one row per distinct content with its count
    (none for encrypted ballots); and the batches."""
    roll = db.session.execute(
        sa.select(RollEntry.college, RollEntry.weight, RollEntry.participating, RollEntry.voted,
                  sa.func.count()).where(RollEntry.vote_id == vote.id)
        .group_by(RollEntry.college, RollEntry.weight, RollEntry.participating,
                  RollEntry.voted)).all()
    ballots = [] if vote.encrypted else db.session.execute(  # counted by their totals
        sa.select(Ballot.college, Ballot.weight, Ballot.choice_json, sa.func.count())
        .where(Ballot.vote_id == vote.id)
        .group_by(Ballot.college, Ballot.weight, Ballot.choice_json)).all()
    batches = db.session.execute(sa.select(Batch.college, Batch.counts_json)
                                 .where(Batch.vote_id == vote.id)).all()
    return roll, ballots, batches


def count(vote: Vote, grouped: tuple | None = None,
          totals: tuple[rules.Totals, ...] = ()) -> rules.Result:
    """The result, counted from the roll and the ballots grouped in SQL (encrypted ballots:
    from their decrypted `totals`).

    The rules only sum weights, so one row per distinct (college, weight, choice) with its
    count gives the same result as the single ballots, at the cost of a GROUP BY.
    """
    roll, ballots, batches = grouped or _grouped(vote)
    if totals or vote.encrypted:  # encrypted ballots count only through their totals
        ballots = []
    return rules.tally(replace(
        poll_of(vote),
        colleges=tuple(rules.College(c["id"], Fraction(c["weight"])) for c in colleges_of(vote)),
        roll=tuple(rules.RollEntry(c, Fraction(w) * n, p, v) for c, w, p, v, n in roll),
        ballots=tuple(rules.Ballot(c, Fraction(w) * n, json.loads(ch))
                      for c, w, ch, n in ballots),
        batches=tuple(rules.Batch(c, {o: Fraction(x) for o, x in json.loads(counts).items()})
                      for c, counts in batches), totals=totals))


def _summary(box: dict, ballots: list, totals: tuple[rules.Totals, ...] = ()) -> dict:
    """What the result pages need of a sealed box: result, colleges, batches, and the ballots
    summed per (college, choice) (encrypted ballots: their decrypted totals)."""
    summed: dict = {}
    for college, weight, choice, n in ballots:
        key = (college, choice)
        summed[key] = summed.get(key, Fraction(0)) + Fraction(weight) * n
    return {"result": box["result"], "colleges": box["colleges"], "batches": box["batches"],
            "ballots": [{"college": c, "choice": json.loads(ch), "weight": str(w)}
                        for (c, ch), w in summed.items()],
            "totals": [{"college": t.college, "weight": str(t.weight), "blank": str(t.blank),
                        "counts": {o: [str(x) for x in v] if isinstance(v, tuple) else str(v)
                                   for o, v in t.counts.items()}} for t in totals]}


def close_due(now: datetime | None = None) -> int:
    """Close every open vote whose closing time has passed (the scheduled `votes close-due`)."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(Vote).where(
        Vote.state == State.OPEN, Vote.closes_at.is_not(None), Vote.closes_at <= now)).all()
    closed = 0
    for vote in due:
        try:
            close(SYSTEM, vote, now=vote.closes_at)
            closed += 1
        except DomainError:  # closed meanwhile, or not sealed (close_vote logged why)
            pass
    return closed


@service
def second_call(vote: Vote) -> None:
    """An assembly's vote still open goes to the second call: the statutes' second-call
    quorum, fixed at opening with the rule, applies from now on. Runs inside the assembly's
    service."""
    lock([vote])
    if vote.state == State.OPEN and vote.call == 1:
        vote.call = 2
        record(SYSTEM, "vote.second_call", "vote", vote.id, cooperative_id=vote.cooperative_id,
               after={"quorum": vote.quorum_second})
