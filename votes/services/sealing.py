"""The published box of a vote built from its tables: the parts fingerprinted at opening (header
and rule, colleges, roll, and the bureau's keys of an encrypted vote) and, at close, the whole
sealed `coopgov-ballot-box/2` document (`/3` once the bureau opened an encrypted box)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from governance.platform.extensions import db

from .. import boxbuild, boxjson, boxseal, encryptedbox
from ..models import Ballot, Batch, KeyCeremony, KeyHolder, RollEntry, Vote
from .access import colleges_of


def _aware(moment: datetime | None) -> datetime | None:
    """Stored times are naive UTC; the published box states the offset."""
    return moment.replace(tzinfo=UTC) if moment else None


def header(vote: Vote) -> dict:
    """The vote's header and rule as the box writes them: as frozen at opening."""
    if vote.opening_json:
        return vote.opening["vote"]
    return {"id": vote.public_id, "title": vote.title, "cooperative": vote.cooperative.slug,
            "method": str(vote.method), "secret": vote.secret, "options": vote.options,
            "grades": vote.grades, "seats": vote.seats,
            "rule": {"weighting": vote.weighting, "counting": vote.counting,
                     "threshold": vote.threshold, "strict": vote.strict, "quorum": vote.quorum,
                     "quorum_second_call": vote.quorum_second,
                     "empty_college": vote.empty_college},
            "opened_at": _aware(vote.opened_at).isoformat() if vote.opened_at else None}


def roll(vote: Vote) -> list[dict]:
    """The roll in voter order, with who took part and voted (never what)."""
    return [{"voter": ref, "college": college, "weight": weight, "participating": present,
             "voted": voted}
            for ref, college, weight, present, voted in db.session.execute(
                sa.select(RollEntry.voter_ref, RollEntry.college, RollEntry.weight,
                          RollEntry.participating, RollEntry.voted)
                .where(RollEntry.vote_id == vote.id).order_by(RollEntry.voter_ref))]


def encryption(vote: Vote) -> dict | None:
    """The bureau's keys as the box publishes them (`encryption`): as frozen at opening, or
    from a completed ceremony; None for a vote in clear."""
    if vote.opening_json:
        return vote.opening.get("encryption")
    ceremony = db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id))
    if ceremony is None:
        return None
    return {"group": encryptedbox.GROUP, "threshold": ceremony.threshold,
            "public_key": ceremony.public_key, "holders": [holder(h) for h in ceremony.holders]}


def holder(h: KeyHolder) -> dict:
    """What the box publishes of a key holder: every key and proof of their ceremony."""
    read = lambda text: json.loads(text) if text else None  # noqa: E731
    return {"position": h.position, "encryption_key": h.encryption_key,
            "key_proof": read(h.key_proof_json), "commitments": read(h.commitments_json),
            "commitment_proof": read(h.commitment_proof_json), "shares": read(h.shares_json),
            "verification_key": h.verification_key, "confirmation": read(h.confirmation_json)}


def freeze(vote: Vote) -> dict:
    """At opening: keep the header, rule, colleges and bureau's keys the box will publish, and
    return the hashes of those and of the roll, with the vote's fingerprint."""
    frozen = {"vote": header(vote), "colleges": colleges_of(vote)}
    keys = encryption(vote)
    if keys is not None:
        frozen["encryption"] = keys
    vote.opening_json = json.dumps(frozen, ensure_ascii=False)
    return boxseal.opening(frozen["vote"], frozen["colleges"], roll(vote), keys)


def _choice(text: str, splice: bool):
    """A stored choice as `build` takes it: an encrypted ballot's as its canonical text
    (spliced into the box: parsing 100,000 of them would cost seconds), else parsed."""
    if splice and boxjson.is_canonical_text(text):
        return boxjson.Raw(text)
    return json.loads(text)


def sealed_box(vote: Vote, *, result: dict | None = None, encrypted: dict | None = None,
               text: bool = False):
    """The sealed document of a closed vote (boxbuild.build refuses one that would not
    verify, or whose fingerprint is not the one taken at opening); with `text`, and its
    published text."""
    splice = vote.encrypted and result is not None
    ballots = [{"tracker": code, "college": college, "weight": weight,
                "choice": _choice(choice, splice),
                "hash": digest}
               for code, college, weight, choice, digest in db.session.execute(
                   sa.select(Ballot.tracker, Ballot.college, Ballot.weight, Ballot.choice_json,
                             Ballot.hash).where(Ballot.vote_id == vote.id))]
    batches = [{"college": college, "counts": json.loads(counts)}
               for college, counts in db.session.execute(
                   sa.select(Batch.college, Batch.counts_json).where(Batch.vote_id == vote.id)
                   .order_by(Batch.id))]
    return boxbuild.build(header(vote), colleges_of(vote), roll(vote), ballots, batches,
                           call=vote.call, closed_at=_aware(vote.closed_at), result=result,
                           fingerprint=vote.fingerprint, encrypted=encrypted, text=text)
