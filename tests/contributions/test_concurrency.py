"""On PostgreSQL, reviewers approving the last hours of an envelope at the same moment cannot
overspend it; a month closed twice at once makes one batch."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from circles.models import CircleRole, RoleAssignment, RoleKind
from contributions.models import Contribution, PaymentBatch
from contributions.services.batches import close_month
from contributions.services.budgets import set_envelope
from contributions.services.review import approve
from governance.models import Cooperative, Person
from governance.platform.extensions import db

from ..conftest import is_postgres
from .conftest import TODAY

pytestmark = pytest.mark.skipif(not is_postgres(), reason="PostgreSQL concurrency test")


def test_two_reviewers_approving_the_last_hours_at_once_cannot_overspend(crowd, world, log,
                                                                          make_member):
    reviewer = make_member(world.coop, "reviewer@ge.coop").person
    role = CircleRole(circle_id=world.circle.id, kind=RoleKind.CUSTOM, name="Relecture",
                      reviews=True)
    db.session.add(role)
    db.session.flush()
    db.session.add(RoleAssignment(role_id=role.id, person_id=reviewer.id,
                                  starts_on=date(2022, 1, 1)))
    db.session.commit()
    set_envelope(world.admin, world.budget, world.circle, Decimal(100))
    approve(world.lead, log(world.bob, "4"), today=TODAY)  # 80 of 100 committed
    last = [log(world.alice, "1", date(2022, 3, 2)).id,  # 20 each: room for one only
            log(world.bob, "1", date(2022, 3, 3)).id]
    reviewers = [world.lead.id, reviewer.id]

    def attempt(i):
        me, entry = db.session.get(Person, reviewers[i]), db.session.get(Contribution, last[i])
        return lambda: approve(me, entry, today=TODAY) and "approved"

    outcomes = crowd(2, attempt)
    assert sorted(outcomes) == ["approved", "envelope_exhausted"]
    db.session.expire_all()
    approved = db.session.scalar(sa.select(sa.func.sum(Contribution.amount)).where(
        Contribution.status == "approved"))
    assert approved == Decimal(100)


def test_a_month_closed_twice_at_once_makes_one_batch(crowd, world, log):
    for day in (1, 2, 3):
        approve(world.lead, log(world.alice, "1", date(2022, 3, day)), today=TODAY)

    admin_id, coop_id = world.admin.id, world.coop.id  # read here, not in the threads

    def attempt(i):
        admin, coop = db.session.get(Person, admin_id), db.session.get(Cooperative, coop_id)
        return lambda: close_month(admin, coop, date(2022, 3, 1), today=TODAY) and "closed"

    outcomes = crowd(3, attempt)
    assert sorted(outcomes) == ["closed", "month_closed", "month_closed"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PaymentBatch.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(
        Contribution.status == "paid")) == 3
