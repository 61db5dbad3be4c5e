"""Demo contracts of GrandsEnsemble's entrepreneurs-salariés: most became sociétaires within
the delay; one is still in time, one is late, one left before joining."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ..models import Membership, Person, Status
from ..platform.extensions import db
from .services import end_contract, record_contract


def _newcomer(email: str, first: str, last: str) -> Person:
    person = Person(email=email, first_name=first, last_name=last)
    person.refresh_search_name()
    db.session.add(person)
    db.session.flush()
    return person


def load(coops: dict, rng) -> None:
    """Called by `governance.demo` inside its transaction."""
    ge = coops["grandsensemble"]
    admitted = db.session.execute(sa.select(Membership.person_id, Membership.admitted_on).where(
        Membership.cooperative_id == ge.id, Membership.category == "entrepreneur_employee",
        Membership.status == Status.ADMITTED).order_by(Membership.number).limit(12)).all()
    rows = [(person_id, on - timedelta(days=rng.randrange(200, 900)), rng.choice((0, 0, 6, 12)),
             None) for person_id, on in admitted]
    today = date.today()
    late = _newcomer("entrepreneure.en.retard@example.org", "Inès", "Retard")
    due = _newcomer("entrepreneur.nouveau@example.org", "Hugo", "Nouveau")
    gone = _newcomer("entrepreneure.partie@example.org", "Léa", "Départ")
    rows += [(late.id, today - timedelta(days=3 * 365 + 120), 6, None),
             (due.id, today - timedelta(days=300), 0, None),
             (gone.id, date(2021, 9, 1), 0, date(2023, 3, 31))]
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.coop"))
    for person_id, signed_on, cape, ended_on in rows:
        contract = record_contract(admin, ge, db.session.get(Person, person_id).email,
                                   signed_on, cape, today)
        if ended_on is not None:
            end_contract(admin, contract, ended_on)
