"""Tables of the votes package.

Who voted (the roll and its emargement) and what was voted (the ballot box) live in separate
tables with no shared key: ballots have random ids, no timestamps and no voter column.
"""
from __future__ import annotations

import enum
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.models import Cooperative, Person
from governance.platform.attachments import DocumentColumns
from governance.platform.clock import utcnow
from governance.platform.extensions import db, enum_type


class Method(enum.StrEnum):
    RESOLUTION = "resolution"
    CHOICE = "choice"
    APPROVAL = "approval"
    MAJORITY_JUDGMENT = "majority_judgment"


class State(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Eligibility(enum.StrEnum):
    ALL = "all"  # every admitted sociétaire
    COLLEGES = "colleges"  # the admitted sociétaires of some colleges
    BOARD = "board"  # the board members


class Vote(db.Model):
    """A vote of a cooperative; its rule is copied from the statutes and frozen at opening."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(64), unique=True)  # `vote.id` in the box
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    method: Mapped[Method] = mapped_column(enum_type(Method))
    secret: Mapped[bool] = mapped_column(default=True)
    options_json: Mapped[str] = mapped_column(sa.Text)  # [{"id", "label"}]
    grades_json: Mapped[str] = mapped_column(sa.Text, default="[]")  # majority judgment
    seats: Mapped[int] = mapped_column(default=1)  # approval
    weighting: Mapped[str] = mapped_column(sa.String(16))
    counting: Mapped[str] = mapped_column(sa.String(16))
    threshold: Mapped[str] = mapped_column(sa.String(16))
    strict: Mapped[bool]
    quorum: Mapped[str | None] = mapped_column(sa.String(16))
    # An assembly's vote: the statutes' quorum at a second call, fixed with the rule; `call`
    # says which applies (a second call moves it to 2).
    quorum_second: Mapped[str | None] = mapped_column(sa.String(16))
    call: Mapped[int] = mapped_column(default=1, server_default="1")
    empty_college: Mapped[str] = mapped_column(sa.String(16), default="redistribute")
    eligibility: Mapped[Eligibility] = mapped_column(enum_type(Eligibility),
                                                     default=Eligibility.ALL)
    eligible_colleges_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    opens_at: Mapped[datetime | None]  # planned (UTC)
    closes_at: Mapped[datetime | None]  # planned (UTC); passing it closes the vote
    state: Mapped[State] = mapped_column(enum_type(State), default=State.DRAFT)
    opened_at: Mapped[datetime | None]
    # Frozen at opening: the header, rule and colleges (with their weights) that the box will
    # publish, {"vote", "colleges"}, and the fingerprint (sha256) of those and of the roll,
    # published then and checked by the verifier.
    opening_json: Mapped[str | None] = mapped_column(sa.Text)
    fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    closed_at: Mapped[datetime | None]
    # An encrypted vote from its close until the bureau opens it: each college's tally (its
    # ballots' ciphertexts weighted and summed), the `tally` of the format 3 box.
    tally_json: Mapped[str | None] = mapped_column(sa.Text, deferred=True)
    box_json: Mapped[str | None] = mapped_column(sa.Text, deferred=True)  # the sealed box
    # What the result pages read, written with the box: its result and colleges, and its
    # ballots summed per (college, choice); small however many ballots the box holds.
    summary_json: Mapped[str | None] = mapped_column(sa.Text)
    # A resolution of a general assembly: ballots arrive only through the assembly's pages,
    # which check attendance and proxies (and take advance votes before the sitting).
    held: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Voters confirm a code emailed to them before casting (CNIL level 2: a second factor).
    second_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cooperative: Mapped[Cooperative] = relationship()
    documents: Mapped[list[VoteDocument]] = relationship(order_by="VoteDocument.id")

    @property
    def options(self) -> list[dict]:
        return json.loads(self.options_json)

    @property
    def grades(self) -> list[str]:
        return json.loads(self.grades_json)

    @property
    def eligible_colleges(self) -> list[str]:
        return json.loads(self.eligible_colleges_json)

    @property
    def closing(self) -> bool:
        """Open but past its closing time: it takes no ballot and waits for the scheduled close
        (`flask votes close-due`), which no page request does."""
        return self.state == State.OPEN and self.closes_at is not None \
            and utcnow() >= self.closes_at

    @property
    def opening(self) -> dict | None:
        return json.loads(self.opening_json) if self.opening_json else None

    @property
    def encrypted(self) -> bool:
        """Its ballots are encrypted in the voter's browser: it has a key ceremony (fixed in
        the opening's fingerprint once open)."""
        if self.opening_json:
            return "encryption" in self.opening
        return db.session.scalar(sa.select(sa.exists().where(
            KeyCeremony.vote_id == self.id))) if self.id else False

    @property
    def awaiting_bureau(self) -> bool:
        """Closed and encrypted, its box not yet opened by k of its key holders."""
        return self.state == State.CLOSED and self.summary_json is None and self.encrypted

    @property
    def quorum_now(self) -> str | None:
        """The quorum that applies at the vote's current call."""
        return self.quorum if self.call == 1 else self.quorum_second

    @property
    def box(self) -> dict | None:
        return json.loads(self.box_json) if self.box_json else None

    @property
    def summary(self) -> dict | None:
        return json.loads(self.summary_json) if self.summary_json else None

    @property
    def result(self) -> dict | None:
        summary = self.summary
        return summary["result"] if summary else None


class RollEntry(db.Model):
    """One voter on the roll frozen at opening, with their college and weight at that time.

    `participating`/`voted` are the emargement: they say that a ballot was cast, never which.
    """

    __table_args__ = (sa.UniqueConstraint("vote_id", "person_id"),
                      sa.Index("ix_roll_entry_vote_college", "vote_id", "college"))
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    membership_number: Mapped[int | None]
    college: Mapped[str | None] = mapped_column(sa.String(32))
    weight: Mapped[str] = mapped_column(sa.String(32), default="1")
    voter_ref: Mapped[str] = mapped_column(sa.String(32), unique=True)  # opaque id in the box
    participating: Mapped[bool] = mapped_column(default=False)
    voted: Mapped[bool] = mapped_column(default=False)
    # Open ballots only: the voter's tracker, so that allowed people see who voted what.
    open_tracker: Mapped[str | None] = mapped_column(sa.String(32))


class VoteCode(db.Model):
    """The one-time code last emailed to a voter for a vote, as a keyed hash, and whether they
    confirmed it. It says a voter is about to vote, never what: no link to the ballot box."""

    __table_args__ = (sa.UniqueConstraint("vote_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    confirmed: Mapped[bool] = mapped_column(default=False)


class Emargement(db.Model):
    """The signature on the roll: at most one per roll entry (the unique constraint refuses a
    second ballot, including a concurrent one). No time, no link to the ballot."""

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_entry_id: Mapped[int] = mapped_column(sa.ForeignKey("roll_entry.id"), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(16), default="online")


class Ballot(db.Model):
    """A ballot in the box: random id, tracker, college, weight and choice; nothing else."""

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random, not ordered
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"), index=True)
    tracker: Mapped[str] = mapped_column(sa.String(32), unique=True)
    college: Mapped[str | None] = mapped_column(sa.String(32))
    weight: Mapped[str] = mapped_column(sa.String(32))
    choice_json: Mapped[str] = mapped_column(sa.Text)
    hash: Mapped[str] = mapped_column(sa.String(64))
    # An encrypted ballot's ciphertexts (α‖β of each choice, in order), read by the close.
    ciphertexts: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    @property
    def choice(self):
        return json.loads(self.choice_json)


class TallyPart(db.Model):
    """An encrypted vote's running sum of the ciphertexts of its ballots of one college and
    weight, in one of a few slots (a cast adds to a random slot: casts rarely wait for each
    other). The close adds the slots up instead of every ballot again."""

    __table_args__ = (sa.UniqueConstraint("vote_id", "college", "weight", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"))
    college: Mapped[str | None] = mapped_column(sa.String(32))
    weight: Mapped[str] = mapped_column(sa.String(32))
    slot: Mapped[int]
    ballots: Mapped[int] = mapped_column(default=0)
    sums: Mapped[bytes] = mapped_column(sa.LargeBinary)  # α‖β of each choice, summed


class Batch(db.Model):
    """Ballots counted by hand (show of hands, paper forms): summed weights per option."""

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"), index=True)
    college: Mapped[str | None] = mapped_column(sa.String(32))
    counts_json: Mapped[str] = mapped_column(sa.Text)  # {"for": "12", ...}


class VoteDocument(DocumentColumns, db.Model):
    """A document attached to a vote (the resolution's text, a report). Added while the vote is
    a draft, frozen at opening: every voter reads the same bytes, whose hash is journaled."""

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"), index=True)


class CeremonyState(enum.StrEnum):
    KEYS = "keys"  # each holder publishes their encryption key
    SHARES = "shares"  # each holder publishes their commitments and sealed shares
    CHECKS = "checks"  # each holder checks the shares sent to them and confirms
    DONE = "done"  # the vote's public key is known
    FAILED = "failed"  # a holder found a bad share: the secretariat starts again


class KeyCeremony(db.Model):
    """The bureau's key of an encrypted vote, made by its holders k of n (docs/crypto.md)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"), unique=True)
    threshold: Mapped[int]  # k: how many holders open the box
    state: Mapped[CeremonyState] = mapped_column(enum_type(CeremonyState),
                                                 default=CeremonyState.KEYS)
    public_key: Mapped[str | None] = mapped_column(sa.String(64))  # Y, once done
    failure: Mapped[str] = mapped_column(sa.Text, default="")  # who found which bad share
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    holders: Mapped[list[KeyHolder]] = relationship(order_by="KeyHolder.position")


class KeyHolder(db.Model):
    """A holder of the bureau's key: what they published at each step. Their seed, and so
    their share of the key, never reaches the server."""

    __table_args__ = (sa.UniqueConstraint("ceremony_id", "position"),
                      sa.UniqueConstraint("ceremony_id", "person_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(sa.ForeignKey("key_ceremony.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    position: Mapped[int]  # j, from 1
    encryption_key: Mapped[str | None] = mapped_column(sa.String(64))  # E_j
    key_proof_json: Mapped[str | None] = mapped_column(sa.Text)
    commitments_json: Mapped[str | None] = mapped_column(sa.Text)  # [A_j0 … A_j(k−1)]
    commitment_proof_json: Mapped[str | None] = mapped_column(sa.Text)  # knows a_j0
    shares_json: Mapped[str | None] = mapped_column(sa.Text)  # f_j(i) sealed to E_i, by i
    verification_key: Mapped[str | None] = mapped_column(sa.String(64))  # V_j, at the end
    confirmation_json: Mapped[str | None] = mapped_column(sa.Text)  # knows s_j for V_j
    # After the close: the holder's partial decryptions of the tally, with their proofs.
    decryption_json: Mapped[str | None] = mapped_column(sa.Text)

    person: Mapped[Person] = relationship()
