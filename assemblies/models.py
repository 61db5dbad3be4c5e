"""Tables of general assemblies: the assembly, its cooperatives (a joint assembly holds
several), its calls (sittings), agenda, resolutions (each a vote per cooperative), the roll
frozen at convocation with the attendance register, and proxies."""
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
from votes.models import Vote


class Kind(enum.StrEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"
    MIXED = "mixed"  # each resolution ordinary or extraordinary


class State(enum.StrEnum):
    DRAFT = "draft"
    CONVENED = "convened"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"  # the minutes are published


class Presence(enum.StrEnum):
    ABSENT = "absent"
    IN_PERSON = "in_person"
    ONLINE = "online"


class ProxyState(enum.StrEnum):
    OFFERED = "offered"  # waits for the holder's acceptance
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class Assembly(db.Model):
    """A general assembly, of one cooperative or joint (several cooperatives, one meeting).

    `cooperative_id` is the host, whose secretariat runs it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[Kind] = mapped_column(enum_type(Kind))
    state: Mapped[State] = mapped_column(enum_type(State), default=State.DRAFT)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    online_link: Mapped[str] = mapped_column(sa.String(500), default="")
    # Voters log in with their authenticator app to vote (CNIL level 2).
    second_factor: Mapped[bool] = mapped_column(default=False)
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    secretary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    scrutineers: Mapped[str] = mapped_column(sa.String(500), default="")  # names, free text
    debates: Mapped[str] = mapped_column(sa.Text, default="")  # the minutes' free text
    minutes_approved_at: Mapped[datetime | None]
    minutes_published_at: Mapped[datetime | None]
    # Encrypted ballots: the bureau's key holders (person ids, in order) and how many of them
    # open the boxes; every resolution's vote gets a key ceremony with them (docs/crypto.md).
    key_holders_json: Mapped[str | None] = mapped_column(sa.Text)
    key_threshold: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cooperative: Mapped[Cooperative] = relationship()
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[Person | None] = relationship(foreign_keys=[secretary_id])
    members: Mapped[list[AssemblyCoop]] = relationship(order_by="AssemblyCoop.id",
                                                        cascade="all, delete-orphan")
    sittings: Mapped[list[Sitting]] = relationship(order_by="Sitting.call")
    items: Mapped[list[AgendaItem]] = relationship(order_by="AgendaItem.position")
    resolutions: Mapped[list[Resolution]] = relationship(order_by="Resolution.position")

    @property
    def cooperatives(self) -> list[Cooperative]:
        return [m.cooperative for m in self.members]

    @property
    def key_holders(self) -> list[int]:
        return json.loads(self.key_holders_json) if self.key_holders_json else []

    @property
    def sitting(self) -> Sitting | None:
        """The current call (the latest)."""
        return self.sittings[-1] if self.sittings else None


class AssemblyCoop(db.Model):
    """A cooperative taking part in the assembly: its own roll, quorum and tallies."""

    __table_args__ = (sa.UniqueConstraint("assembly_id", "cooperative_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"))
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), index=True)

    cooperative: Mapped[Cooperative] = relationship()


class Sitting(db.Model):
    """A call of the assembly: the first, and a second when the first lacked quorum."""

    __table_args__ = (sa.UniqueConstraint("assembly_id", "call"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"))
    call: Mapped[int] = mapped_column(default=1)
    starts_at: Mapped[datetime]  # UTC
    convened_at: Mapped[datetime | None]
    notice_days: Mapped[int | None]
    short_notice_reason: Mapped[str] = mapped_column(sa.Text, default="")
    opened_at: Mapped[datetime | None]
    # Quorum per cooperative when the sitting opened: {slug: {participating, roll, required}}
    opening_quorum_json: Mapped[str | None] = mapped_column(sa.Text)


class AgendaItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))


class Resolution(db.Model):
    """A resolution on the agenda: one text, one vote per cooperative of the assembly."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[Kind] = mapped_column(enum_type(Kind))  # ordinary or extraordinary
    board_approved: Mapped[bool] = mapped_column(default=True)
    opened: Mapped[bool] = mapped_column(default=False)  # open for voting in the room
    closed: Mapped[bool] = mapped_column(default=False)

    votes: Mapped[list[ResolutionVote]] = relationship(order_by="ResolutionVote.id")


class ResolutionVote(db.Model):
    """The vote of one cooperative on a resolution (its own roll and tally)."""

    __table_args__ = (sa.UniqueConstraint("resolution_id", "cooperative_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(sa.ForeignKey("resolution.id"))
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("vote.id"), unique=True)

    cooperative: Mapped[Cooperative] = relationship()
    vote: Mapped[Vote] = relationship()


class Participant(db.Model):
    """A sociétaire on the assembly's roll, frozen at convocation, with their answer and the
    attendance register: how they were convened, whether they said they would come, whether
    they were checked in (at which call) or voted in advance."""

    __table_args__ = (sa.UniqueConstraint("assembly_id", "cooperative_id", "person_id"),
                      sa.Index("ix_participant_assembly_name", "assembly_id", "search_name"),
                      sa.Index("ix_participant_assembly_number", "assembly_id", "number"))
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"))
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    number: Mapped[int]  # membership number
    college: Mapped[str | None] = mapped_column(sa.String(32))
    search_name: Mapped[str] = mapped_column(sa.String(250), default="")  # lower-cased name
    by_email: Mapped[bool] = mapped_column(default=False)  # convened by email (consented)
    intent: Mapped[Presence] = mapped_column(enum_type(Presence), default=Presence.ABSENT)
    presence: Mapped[Presence] = mapped_column(enum_type(Presence), default=Presence.ABSENT)
    present_call: Mapped[int | None]  # the call at which `presence` was recorded
    checked_in_at: Mapped[datetime | None]
    voted_in_advance: Mapped[bool] = mapped_column(default=False)

    person: Mapped[Person] = relationship()
    cooperative: Mapped[Cooperative] = relationship()


class Proxy(db.Model):
    """A proxy for the assembly: the principal's vote carried by another sociétaire of the
    same roll, or a blank proxy to the chair (`holder_id` NULL)."""

    __table_args__ = (sa.Index("ix_proxy_assembly_holder", "assembly_id", "holder_id"),
                      sa.Index("ix_proxy_assembly_principal", "assembly_id", "principal_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"))
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    principal_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"))
    holder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant.id"))
    state: Mapped[ProxyState] = mapped_column(enum_type(ProxyState))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    principal: Mapped[Participant] = relationship(foreign_keys=[principal_id])
    holder: Mapped[Participant | None] = relationship(foreign_keys=[holder_id])


class AssemblyDocument(DocumentColumns, db.Model):
    """A document of the assembly (reports, accounts), sent with the convocation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assembly.id"), index=True)
