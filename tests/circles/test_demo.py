"""`flask demo` loads GrandsEnsemble's circles through the real services; its pages render."""
from __future__ import annotations

from datetime import date
from html import unescape

import sqlalchemy as sa

from circles import queries
from circles.models import Chantier, Circle, CircleRole, RoleAssignment, RoleKind
from governance import demo as governance_demo
from governance.demo import PASSWORD
from governance.models import Cooperative, Person
from governance.platform.extensions import db
from governance.platform.journal import verify_chain


def test_demo_circles(runner, client, login, monkeypatch):
    # Only the packages circles stands on: tests/test_cli.py runs the whole demo.
    monkeypatch.setattr(governance_demo, "EXTRAS", [
        load for load in governance_demo.EXTRAS if load.__module__ != "contributions.demo"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    ge = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == "grandsensemble"))
    circles = {c.name: c for c in queries.coop_circles(ge.id)}
    assert {"Cercle d'ancrage", "Outils", "Accompagnement pair à pair", "Communication",
            "Wiki et documentation"} <= set(circles)
    assert circles["Wiki et documentation"].parent_id == circles["Outils"].id
    member = db.session.scalar(sa.select(Person).where(Person.email == "member@example.coop"))
    today = date.today()
    assert queries.lead_link_id(circles["Accompagnement pair à pair"].id, today) == member.id
    assert queries.is_member(circles["Outils"].id, member.id, today)
    assert circles["Outils"].id in queries.reviewed_circle_ids(member.id, today)  # custom role
    statuses = set(db.session.scalars(sa.select(Chantier.status)))
    assert len(statuses) == 5 and 8 <= db.session.scalar(
        sa.select(sa.func.count()).select_from(Chantier)) <= 12
    past = db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment).where(
        RoleAssignment.ends_on < today))
    assert past >= 1
    assert len(queries.history(circles["Communication"])) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CircleRole).where(
        CircleRole.kind == RoleKind.CUSTOM)) == 1
    assert verify_chain()[2] == ""

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(member, PASSWORD)
    html = unescape(client.get("/c/grandsensemble/circles").get_data(as_text=True))
    assert "Accompagnement pair à pair" in html and "Maëlle Membre" in html
    comm = circles["Communication"].id
    html = unescape(client.get(f"/c/grandsensemble/circles/{comm}").get_data(as_text=True))
    assert "Changed on Sep 12, 2022" in html and "la page des cercles" in html.lower()
    r = client.get(f"/c/grandsensemble/circles/{circles['Outils'].id}/chantiers")
    assert r.status_code == 200 and "Annuaire des entrepreneur" in unescape(
        r.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Circle)) == 5
