"""Writes into an open vote's box: a ballot (online, by proxy, in advance), a hand count of the
room, the participation of those present. Each takes the vote's shared lock first, so that it
either lands before the close and is sealed, or is refused as the vote is closed."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import DomainError, Forbidden, System, service

from .. import boxjson, boxseal, encryptedbox, rules, second_factor
from ..crypto import group
from ..crypto.ballots import BadBallot
from ..models import Ballot, Batch, Emargement, RollEntry, State, Vote
from . import tallying
from .access import check_held, colleges_of, is_open, lock_cast, lock_open, poll_of

_TRACKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def tracker() -> str:
    """A tracking code such as `K7QM-2XDP-9RTW` (60 random bits)."""
    raw = "".join(secrets.choice(_TRACKER_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass
class Receipt:
    tracker: str
    hash: str


def entry_of(vote: Vote, person_id: int) -> RollEntry | None:
    """The person's entry on the vote's roll, if they are on it."""
    return db.session.scalar(sa.select(RollEntry).where(RollEntry.vote_id == vote.id,
                                                        RollEntry.person_id == person_id))


@service
def cast(actor: Person, vote: Vote, choice, *, now: datetime | None = None,
         entry: RollEntry | None = None) -> Receipt:
    """Put the actor's own ballot in the box; once only. `entry` is the actor's roll entry
    when the caller already loaded it."""
    check_held(vote, False)
    entry = entry or entry_of(vote, actor.id)
    if entry is None or entry.person_id != actor.id or entry.vote_id != vote.id:
        raise Forbidden()
    if not second_factor.confirmed(vote, actor):
        raise DomainError("second_factor_required", {})
    return put_ballot(actor, vote, entry, choice, now=now)


def put_ballot(actor: Person | System, vote: Vote, entry: RollEntry, choice, *,
               channel: str = "online", now: datetime | None = None) -> Receipt:
    """Put the ballot of roll entry `entry` in the box, for a caller that checked who may cast
    it (the voter; their proxy holder in an assembly). Runs inside the caller's service.

    The vote's shared lock excludes the close (PostgreSQL); the roll entry's conditional update,
    the first statement after it, checks that the vote is still open (on SQLite, it starts the
    write, which serialises it with the close) and decides between concurrent attempts of one
    voter. The emargement's unique key backs both up.
    """
    if entry.vote_id != vote.id:
        raise Forbidden()
    code, sealed = _checked(vote, choice)  # before the lock: proofs take milliseconds
    lock_cast(vote, now)
    now = now or utcnow()
    still_open = sa.exists().where(Vote.id == vote.id, Vote.state == State.OPEN,
                                   sa.or_(Vote.closes_at.is_(None), Vote.closes_at > now))
    signed = db.session.execute(
        sa.update(RollEntry).where(RollEntry.id == entry.id, RollEntry.voted.is_(False),
                                   still_open)
        .values(participating=True, voted=True, open_tracker=None if vote.secret else code)
        .execution_options(synchronize_session=False)).rowcount
    if not signed:
        db.session.refresh(vote, ["state", "closes_at"])
        raise DomainError("already_voted" if is_open(vote, now) else "vote_not_open", {})
    content = {"tracker": code, "college": entry.college, "weight": entry.weight,
               "choice": choice}
    digest = boxseal.ballot_hash(vote.public_id, content)
    try:  # plain INSERTs: nothing reads these rows back in the transaction
        db.session.execute(sa.insert(Emargement).values(roll_entry_id=entry.id, channel=channel))
    except IntegrityError:
        raise DomainError("already_voted", {}) from None
    try:  # an encrypted ballot's tracker is its hash: the same ballot twice is refused
        db.session.execute(sa.insert(Ballot).values(
            id=secrets.token_hex(16), vote_id=vote.id, tracker=code, college=entry.college,
            weight=entry.weight, choice_json=_stored(choice, sealed),
            hash=digest, ciphertexts=sealed))
    except IntegrityError:
        raise DomainError("bad_ballot", {}) from None
    if sealed is not None:
        tallying.add_to_part(vote, entry.college, entry.weight, sealed)
    record(actor, "vote.cast", "vote", vote.id, cooperative_id=vote.cooperative_id)
    return Receipt(code, digest)


def _stored(choice, sealed: bytes | None) -> str:
    """The choice as the ballot row keeps it: an encrypted one canonically, so that the box
    is sealed from these very bytes (sealing.sealed_box)."""
    if sealed is not None:
        return boxjson.canonical(choice).decode("utf-8")
    return json.dumps(choice, ensure_ascii=False)


def encrypted_for(vote: Vote, choice) -> dict:
    """`choice` encrypted by the server, with its proofs: only for a ballot whose choice the
    rules decide (a blank proxy given to the chair), never for a voter's."""
    return encryptedbox.encrypt(vote.public_id, group.point(vote.opening["encryption"]
                                                            ["public_key"]),
                                poll_of(vote), choice, group.random_scalar)


def _checked(vote: Vote, choice) -> tuple[str, bytes | None]:
    """The ballot's tracker once the ballot is checked, and an encrypted ballot's ciphertexts:
    its proofs hold (its tracker is its hash); a ballot in clear is one the method allows (a
    new random tracker). The refusal never says why: it could reveal the intended choice."""
    if vote.encrypted:
        y = group.point(vote.opening["encryption"]["public_key"])
        try:
            cts = encryptedbox.check_ballot(vote.public_id, y, poll_of(vote), choice)
        except BadBallot:
            raise DomainError("bad_ballot", {}) from None
        return encryptedbox.tracker_of(vote.public_id, choice), encryptedbox.blob(cts)
    if rules.ballot_error(poll_of(vote), choice) is not None:
        raise DomainError("bad_ballot", {})
    return tracker(), None


def add_hands(vote: Vote, college: str | None, entry_ids: list[int],
              counts: dict[str, int]) -> dict[str, str]:
    """A show of hands of one college of a vote held in an assembly: the roll entries of those
    in the room who had not voted are marked voted, and the counts enter the box as one batch
    (the choices are not kept per person). Runs inside the assembly's service, which checked
    who is in the room. Returns the batch's counts, the rest of the room abstaining."""
    lock_open([vote])
    poll = poll_of(vote)
    yes, no = counts.get("for", 0), counts.get("against", 0)
    if yes < 0 or no < 0 or yes + no > len(entry_ids):
        raise DomainError("hands_too_many", {"count": yes + no, "room": len(entry_ids)})
    batch = {"for": str(yes), "against": str(no), "abstain": str(len(entry_ids) - yes - no)}
    if rules.batch_error(poll, {o: Fraction(n) for o, n in batch.items()}) is not None:
        raise DomainError("bad_batch", {})
    if vote.weighting == "colleges" and college not in {c["id"] for c in colleges_of(vote)}:
        raise DomainError("bad_batch", {})
    same_college = RollEntry.college.is_(None) if college is None else \
        RollEntry.college == college
    marked = db.session.execute(
        sa.update(RollEntry).where(RollEntry.vote_id == vote.id, RollEntry.id.in_(entry_ids),
                                   RollEntry.voted.is_(False), same_college)
        .values(voted=True, participating=True)
        .execution_options(synchronize_session=False)).rowcount
    if marked != len(entry_ids):  # someone of the room voted meanwhile: count the room again
        raise DomainError("hands_room_changed", {})
    db.session.execute(sa.insert(Emargement), [{"roll_entry_id": e, "channel": "hands"}
                                               for e in entry_ids])
    db.session.add(Batch(vote_id=vote.id, college=college, counts_json=json.dumps(batch)))
    return batch


def mark_participating(vote: Vote, people) -> None:
    """Mark the roll entries of `people` (person ids, or a select of them) as taking part
    (RULES.md §2): their weight counts for the quorum, and as "against" under the
    `participants` counting mode. Runs inside the assembly's service."""
    lock_open([vote])
    db.session.execute(sa.update(RollEntry).where(
        RollEntry.vote_id == vote.id, RollEntry.person_id.in_(people))
        .values(participating=True).execution_options(synchronize_session=False))
