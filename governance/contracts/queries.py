"""Reads of the entrepreneurs' contracts: where each stands against the delay to join."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..models import Membership, Person, Status
from ..platform.extensions import db
from . import rules
from .models import EntrepreneurContract


@dataclass
class Standing:
    contract: EntrepreneurContract
    deadline: date
    situation: str  # associate, ended, due, late
    number: int | None  # membership number, once a sociétaire


def standings(coop_id: int, today: date) -> list[Standing]:
    """Every contract of the cooperative, the late first, then by deadline."""
    rows = db.session.execute(
        sa.select(EntrepreneurContract, Membership.admitted_on, Membership.number)
        .join(Person, Person.id == EntrepreneurContract.person_id)
        .outerjoin(Membership, sa.and_(Membership.person_id == EntrepreneurContract.person_id,
                                       Membership.cooperative_id == coop_id,
                                       Membership.status == Status.ADMITTED))
        .where(EntrepreneurContract.cooperative_id == coop_id)
        .options(sa.orm.contains_eager(EntrepreneurContract.person))).all()
    out = [Standing(c, rules.deadline(c.signed_on, c.cape_months),
                    rules.situation(c.signed_on, c.cape_months, c.ended_on, admitted, today),
                    number) for c, admitted, number in rows]
    order = {"late": 0, "due": 1, "associate": 2, "ended": 3}
    return sorted(out, key=lambda s: (order[s.situation], s.deadline, s.contract.id))


def late_count(coop_id: int, today: date) -> int:
    return sum(1 for s in standings(coop_id, today) if s.situation == "late")
