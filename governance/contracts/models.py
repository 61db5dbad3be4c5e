"""Employment contracts of a CAE's entrepreneurs-salariés (re-exported by `governance.models`):
the law gives them three years from the contract, less any CAPE period, to become sociétaires
(RULES.md §6); the register flags who is late."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..models import Person
from ..platform.clock import utcnow
from ..platform.extensions import db


class EntrepreneurContract(db.Model):
    """An entrepreneur-salarié's contract with the cooperative (CESA), and the months of CAPE
    (contrat d'appui au projet d'entreprise) before it, which shorten the delay."""

    __table_args__ = (sa.Index("ix_entrepreneur_contract_coop_person", "cooperative_id",
                               "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    signed_on: Mapped[date]
    cape_months: Mapped[int] = mapped_column(default=0)
    ended_on: Mapped[date | None]  # the contract ended: no longer due to join
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
