"""Fixtures of the contributive budget: a cooperative with a circle, its lead link, two members,
a 2022 budget with the circle's envelope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from circles.models import Circle, CircleMember, CircleRole, RoleAssignment, RoleKind
from contributions.services.budgets import BudgetDraft, create_budget, set_envelope
from contributions.services.entries import EntryDraft, log_contribution
from governance.platform.extensions import db

TODAY = date(2022, 12, 15)


@dataclass
class World:
    coop: object
    admin: object
    lead: object  # lead link of the circle
    alice: object
    bob: object
    circle: Circle
    lead_role: CircleRole
    budget: object
    envelope: object


@pytest.fixture
def world(make_coop, make_person, make_member):
    coop = make_coop("ge", legal_form="scop_sa")
    admin = make_person("admin@ge.coop", "Ada", "Admin", roles={coop: "admin"})
    lead, alice, bob = (make_member(coop, f"{n}@ge.coop").person for n in ("lead", "alice", "bob"))
    circle = Circle(cooperative_id=coop.id, name="Outils", purpose="Des outils")
    db.session.add(circle)
    db.session.flush()
    roles = {k: CircleRole(circle_id=circle.id, kind=k, reviews=k == RoleKind.LEAD_LINK)
             for k in (RoleKind.LEAD_LINK, RoleKind.FACILITATOR)}
    db.session.add_all(roles.values())
    db.session.flush()
    db.session.add(RoleAssignment(role_id=roles[RoleKind.LEAD_LINK].id, person_id=lead.id,
                                  starts_on=date(2022, 1, 1)))
    for p in (lead, alice, bob):
        db.session.add(CircleMember(circle_id=circle.id, person_id=p.id,
                                    joined_on=date(2022, 1, 1)))
    db.session.commit()
    budget = create_budget(admin, coop, BudgetDraft(
        "Budget contributif 2022", date(2022, 1, 1), date(2022, 12, 31), Decimal("10000"),
        Decimal("20"), "AGO du 30 juin 2022", role_rates={"facilitator": Decimal("25")}))
    envelope = set_envelope(admin, budget, circle, Decimal("1000"))
    return World(coop, admin, lead, alice, bob, circle, roles[RoleKind.LEAD_LINK], budget,
                 envelope)


@pytest.fixture
def log(world):
    """log(person, hours, day=date(2022, 3, 1), **draft) → Contribution (submitted)."""

    def do(person, hours, day=date(2022, 3, 1), **kw):
        draft = EntryDraft(circle=kw.pop("circle", world.circle), worked_on=day,
                           hours=Decimal(hours), description=kw.pop("description", "Travail"),
                           **kw)
        return log_contribution(person, world.coop, draft, today=TODAY)

    return do
