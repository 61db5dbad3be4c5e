"""Fixtures of circles: a cooperative with its secretariat, a root circle and a sub-circle, the
root's lead link, members, a sociétaire in no circle and an outsider of the cooperative."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from circles import services as svc
from circles.models import CircleRole, RoleKind
from governance.platform.extensions import db

START = date(2022, 7, 1)
TODAY = date(2023, 3, 15)


def role(circle, kind=RoleKind.LEAD_LINK) -> CircleRole:
    return db.session.scalars(sa.select(CircleRole).where(
        CircleRole.circle_id == circle.id, CircleRole.kind == kind)).first()


@pytest.fixture
def world(make_coop, make_person, make_member):
    """namespace(coop, admin, lead, member, societaire, outsider, root, sub): `lead` holds the
    root's lead link, `member` is in the root, `societaire` in no circle; `outsider` has no role
    in the cooperative; `sub` is nested in the root, with no lead link."""
    coop = make_coop("ge", name="GrandsEnsemble")
    other = make_coop("other")
    admin = make_person("admin@ge.example.org", "Sam", "Secretariat", roles={coop: "admin"})
    lead = make_member(coop, "lead@ge.example.org").person
    member = make_member(coop, "member@ge.example.org").person
    societaire = make_member(coop, "soc@ge.example.org").person
    outsider = make_member(other, "out@other.example.org").person
    root = svc.create_circle(admin, coop, svc.CircleDraft(
        "Cercle d'ancrage", "Faire vivre la gouvernance partagée.", "Le budget contributif",
        "Répartir le budget\nRendre compte"), today=START)
    sub = svc.create_circle(admin, coop, svc.CircleDraft("Outils", "Refondre les outils.",
                                                         parent_id=root.id), today=START)
    svc.assign_role(admin, role(root), lead, START, today=START)
    svc.add_member(admin, root, member, START, today=START)
    return SimpleNamespace(coop=coop, admin=admin, lead=lead, member=member,
                           societaire=societaire, outsider=outsider, root=root, sub=sub)
