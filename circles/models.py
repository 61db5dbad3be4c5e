"""Tables of contributive circles: circles (nested), their revisions, members, roles and the
terms of their holders, and chantiers (work items).

History is kept: a circle's purpose, domains and accountabilities change by a new revision; a
role holder's term ends on a date instead of being deleted; a member leaves on a date.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.models import Cooperative, Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db, enum_type

HOURS = sa.Numeric(7, 2)


class RoleKind(enum.StrEnum):
    LEAD_LINK = "lead_link"  # premier lien: reviews the circle's contributions
    FACILITATOR = "facilitator"
    SECRETARY = "secretary"
    REP_LINK = "rep_link"  # second lien: represents the circle in its parent
    CUSTOM = "custom"


CORE_ROLES = (RoleKind.LEAD_LINK, RoleKind.FACILITATOR, RoleKind.SECRETARY, RoleKind.REP_LINK)


class ChantierStatus(enum.StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Circle(db.Model):
    """A circle of a cooperative; `parent_id` nests it in another circle (any depth).

    The current name, purpose, domains and accountabilities; each change also writes a
    `CircleRevision`, so the page shows what the circle was and since when."""

    __table_args__ = (sa.Index("ix_circle_coop_parent", "cooperative_id", "parent_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("circle.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")  # raison d'être
    domains: Mapped[str] = mapped_column(sa.Text, default="")  # one a line
    accountabilities: Mapped[str] = mapped_column(sa.Text, default="")  # one a line
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dissolved_on: Mapped[date | None]  # a dissolved circle stays in the history

    cooperative: Mapped[Cooperative] = relationship()
    parent: Mapped[Circle | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name


class CircleRevision(db.Model):
    """What a circle said of itself from `at` on (name, purpose, domains, accountabilities,
    parent), and who changed it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circle.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    domains: Mapped[str] = mapped_column(sa.Text, default="")
    accountabilities: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("circle.id"))

    by: Mapped[Person | None] = relationship()


class CircleMember(db.Model):
    """A person's membership of a circle, from `joined_on` to `left_on` (NULL while in it)."""

    __table_args__ = (sa.Index("ix_circle_member_circle_person", "circle_id", "person_id"),
                      sa.Index("ix_circle_member_person", "person_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circle.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    person: Mapped[Person] = relationship()
    circle: Mapped[Circle] = relationship()


class CircleRole(db.Model):
    """A role of a circle: one of the four core roles, created with the circle, or a custom
    role with its own purpose and accountabilities. `reviews` lets its holders review the
    circle's contributions (always true of the lead link)."""

    __table_args__ = (sa.Index("ix_circle_role_circle", "circle_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circle.id"))
    kind: Mapped[RoleKind] = mapped_column(enum_type(RoleKind))
    name: Mapped[str] = mapped_column(sa.String(200), default="")  # custom roles only
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    accountabilities: Mapped[str] = mapped_column(sa.Text, default="")  # one a line
    reviews: Mapped[bool] = mapped_column(default=False)
    removed_on: Mapped[date | None]  # a custom role no longer in use

    circle: Mapped[Circle] = relationship()


class RoleAssignment(db.Model):
    """A person holding a role for a term, from `starts_on` to `ends_on` (NULL: open-ended).
    Ending a term sets `ends_on`; nothing is deleted."""

    __table_args__ = (sa.Index("ix_role_assignment_role", "role_id"),
                      sa.Index("ix_role_assignment_person", "person_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("circle_role.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # last day in the role
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    role: Mapped[CircleRole] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    def holds_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


chantier_person = sa.Table(
    "chantier_person", db.metadata,
    sa.Column("chantier_id", sa.ForeignKey("chantier.id"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("person.id"), primary_key=True),
)


class Chantier(db.Model):
    """A work item planned by a circle, moved across the board by its status."""

    __table_args__ = (sa.Index("ix_chantier_circle_status", "circle_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circle.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ChantierStatus] = mapped_column(enum_type(ChantierStatus),
                                                   default=ChantierStatus.PROPOSED)
    estimated_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    circle: Mapped[Circle] = relationship()
    people: Mapped[list[Person]] = relationship(secondary=chantier_person,
                                                order_by="Person.last_name")
