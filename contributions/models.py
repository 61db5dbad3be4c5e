"""Tables of the contributive budget: budgets (with a rate per role), envelopes per circle,
contributions (time logged), payment batches, and two derived tallies.

A contribution is never deleted; once approved it no longer changes, except to go into one
payment batch. A correction is a new entry with negative hours that references the entry it
corrects. The tallies are kept by the services in the same transaction as the entries they sum
(never edited by hand): they make the envelope check and the reports read a few rows instead
of every entry.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.models import HOURS, Chantier, Circle, CircleRole, RoleKind
from governance.models import Cooperative, Person
from governance.platform.clock import utcnow
from governance.platform.extensions import MONEY, db, enum_type

RATE = sa.Numeric(8, 2)


class EntryStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for review; its author may still edit it
    APPROVED = "approved"  # counted against the envelope; locked
    REJECTED = "rejected"  # with a reason; its author may edit and resubmit it
    PAID = "paid"  # in a payment batch; locked


class Budget(db.Model):
    """A cooperative's contributive budget for a period, as decided by a vote or minutes."""

    __table_args__ = (sa.Index("ix_budget_coop_period", "cooperative_id", "starts_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # last day of the period
    amount: Mapped[Decimal] = mapped_column(MONEY)
    hourly_rate: Mapped[Decimal] = mapped_column(RATE)  # euros, gross
    decision: Mapped[str] = mapped_column(sa.String(300), default="")  # "AGO 2022, 4th res."
    decision_url: Mapped[str] = mapped_column(sa.String(500), default="")  # vote or minutes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    cooperative: Mapped[Cooperative] = relationship()
    rates: Mapped[list[BudgetRate]] = relationship(back_populates="budget",
                                                   cascade="all, delete-orphan")
    envelopes: Mapped[list[Envelope]] = relationship(back_populates="budget")


class BudgetRate(db.Model):
    """An hourly rate for the time spent in a kind of role, instead of the budget's rate."""

    __table_args__ = (sa.UniqueConstraint("budget_id", "role_kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"))
    role_kind: Mapped[RoleKind] = mapped_column(enum_type(RoleKind))
    rate: Mapped[Decimal] = mapped_column(RATE)

    budget: Mapped[Budget] = relationship(back_populates="rates")


class Envelope(db.Model):
    """The part of a budget given to a circle. Its row is locked while an entry is approved."""

    __table_args__ = (sa.UniqueConstraint("budget_id", "circle_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"))
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circle.id"))
    amount: Mapped[Decimal] = mapped_column(MONEY)

    budget: Mapped[Budget] = relationship(back_populates="envelopes")
    circle: Mapped[Circle] = relationship()


class PaymentBatch(db.Model):
    """The approved entries of a month (and earlier ones approved late) paid together; totals
    frozen when it closes."""

    __table_args__ = (sa.UniqueConstraint("cooperative_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    month: Mapped[date]  # first day of the month closed
    entries: Mapped[int] = mapped_column(default=0)
    hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    closed_by: Mapped[Person | None] = relationship()


class Contribution(db.Model):
    """Time a member logged for a circle; `rate` and `amount` are fixed when it is logged."""

    __table_args__ = (
        sa.Index("ix_contribution_envelope_status", "envelope_id", "status"),
        sa.Index("ix_contribution_person_day", "person_id", "worked_on"),
        sa.Index("ix_contribution_coop_status_day", "cooperative_id", "status", "worked_on"),
        sa.Index("ix_contribution_batch", "batch_id"),
        sa.CheckConstraint("hours <> 0", name="hours_not_zero"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    envelope_id: Mapped[int] = mapped_column(sa.ForeignKey("envelope.id"))
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circle.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    chantier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chantier.id"))
    role_id: Mapped[int | None] = mapped_column(sa.ForeignKey("circle_role.id"))
    worked_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(HOURS)  # quarter hours; negative for a correction
    rate: Mapped[Decimal] = mapped_column(RATE)
    amount: Mapped[Decimal] = mapped_column(MONEY)  # hours × rate, gross
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[EntryStatus] = mapped_column(enum_type(EntryStatus),
                                                default=EntryStatus.SUBMITTED)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contribution.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    reviewed_at: Mapped[datetime | None]
    reject_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_batch.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    circle: Mapped[Circle] = relationship()
    chantier: Mapped[Chantier | None] = relationship()
    role: Mapped[CircleRole | None] = relationship()
    envelope: Mapped[Envelope] = relationship()
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])
    corrects: Mapped[Contribution | None] = relationship(remote_side=[id])
    batch: Mapped[PaymentBatch | None] = relationship()


class _Tally:
    """Sums of the entries of one envelope in one status (derived; see the module's doc)."""

    status: Mapped[EntryStatus] = mapped_column(enum_type(EntryStatus), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))


class EnvelopeMonth(_Tally, db.Model):
    """Per envelope, month worked and status: the budget's spending by month and circle."""

    envelope_id: Mapped[int] = mapped_column(sa.ForeignKey("envelope.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)


class EnvelopeMember(_Tally, db.Model):
    """Per envelope, member and status: what each member was paid or is owed."""

    __table_args__ = (sa.Index("ix_envelope_member_person", "person_id"),)
    envelope_id: Mapped[int] = mapped_column(sa.ForeignKey("envelope.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), primary_key=True)
