"""An encrypted vote's tally: each college's ballots summed, still encrypted. Each cast adds
its ciphertexts to a running sum (one of `SLOTS` per college and weight, chosen at random, so
that casts rarely wait for each other); the close adds the slots up, weights each sum, and
checks the slots against the ballots (else it sums every ballot again)."""
from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import replace
from fractions import Fraction

import sqlalchemy as sa

from governance.platform.extensions import db

from .. import encryptedbox, rules
from ..crypto import group as g
from ..models import Ballot, RollEntry, TallyPart, Vote
from .access import colleges_of, poll_of

SLOTS = 8


def _size(vote: Vote) -> int:
    """How many ciphertexts a ballot of the vote holds."""
    return sum(n for n, _sums, _coefs in encryptedbox.shape_of(poll_of(vote)).answers)


def prepare_parts(vote: Vote) -> None:
    """At opening: the empty running sums of each (college, weight) of the roll."""
    empty = g.IDENTITY * (2 * _size(vote))
    groups = db.session.execute(sa.select(RollEntry.college, RollEntry.weight).where(
        RollEntry.vote_id == vote.id).distinct()).all()
    db.session.execute(sa.insert(TallyPart), [
        {"vote_id": vote.id, "college": college, "weight": weight, "slot": slot,
         "ballots": 0, "sums": empty} for college, weight in groups for slot in range(SLOTS)])


def add_to_part(vote: Vote, college: str | None, weight: str, blob: bytes) -> None:
    """In the cast's transaction: add the ballot's ciphertexts to a random slot of its
    college and weight (its row locked until the cast commits)."""
    same_college = TallyPart.college.is_(None) if college is None else \
        TallyPart.college == college
    part = db.session.execute(sa.select(TallyPart.id, TallyPart.sums).where(
        TallyPart.vote_id == vote.id, same_college, TallyPart.weight == weight,
        TallyPart.slot == secrets.randbelow(SLOTS)).with_for_update()).one()
    sums = b"".join(g.add(part.sums[i:i + 32], blob[i:i + 32])
                    for i in range(0, len(blob), 32))
    db.session.execute(sa.update(TallyPart).where(TallyPart.id == part.id).values(
        sums=sums, ballots=TallyPart.ballots + 1).execution_options(synchronize_session=False))


def tally_of(vote: Vote) -> list[dict]:
    """The `tally` entries of the closing vote, from the running sums; from every ballot
    when the sums do not account for each ballot exactly once."""
    poll = replace(poll_of(vote), colleges=tuple(
        rules.College(c["id"], Fraction(c["weight"])) for c in colleges_of(vote)))
    parts = db.session.execute(sa.select(TallyPart.college, TallyPart.weight, TallyPart.ballots,
                                         TallyPart.sums).where(TallyPart.vote_id == vote.id))
    summed: dict = defaultdict(lambda: [0, None])
    for college, weight, n, sums in parts:
        entry = summed[(college, weight)]
        entry[0] += n
        entry[1] = sums if entry[1] is None else b"".join(
            g.add(entry[1][i:i + 32], sums[i:i + 32]) for i in range(0, len(sums), 32))
    counted = {(c, w): n for c, w, n in db.session.execute(
        sa.select(Ballot.college, Ballot.weight, sa.func.count())
        .where(Ballot.vote_id == vote.id).group_by(Ballot.college, Ballot.weight))}
    if {k: v[0] for k, v in summed.items() if v[0]} != counted:
        rows = db.session.execute(sa.select(Ballot.college, Ballot.weight, Ballot.ciphertexts)
                                  .where(Ballot.vote_id == vote.id))
        return encryptedbox.tally_entries(poll, rows)
    return encryptedbox.tally_entries(poll, [(college, weight, sums, n) for (college, weight),
                                             (n, sums) in summed.items() if n])


def drop_parts(vote: Vote) -> None:
    """After the close: the running sums are no longer needed."""
    db.session.execute(sa.delete(TallyPart).where(TallyPart.vote_id == vote.id))
