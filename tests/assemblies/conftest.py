"""Fixtures of general assemblies: a weighted cooperative with its secretariat and members,
an assembly with an agenda and two resolutions (one approved by the board), convened or not."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from assemblies.services import convocation, prepare
from governance.platform.clock import utcnow
from governance.platform.extensions import db

COLLEGES = [("a", "Entrepreneurs", "2/5"), ("b", "Permanents", "3/10"),
            ("c", "Soutiens", "3/10")]


@pytest.fixture(autouse=True)
def _request(app):
    """Convocations hold the assembly's link: services run inside a request, as in the site."""
    with app.test_request_context():
        yield


@pytest.fixture
def make_assembly(make_coop, make_person, make_member):
    """make_assembly(members=(4, 3, 3), kind="extraordinary", convene=False, joint=False)
    → namespace(assembly, coop, admin, members: list of Membership, resolutions, other)."""

    def make(members=(4, 3, 3), kind="extraordinary", convene=False, joint=False,
             slug="smart", starts_in=timedelta(days=20)):
        coop = make_coop(slug, colleges=COLLEGES)
        admin = make_person(f"admin@{slug}.example.org", "Sam", "Secretariat",
                            roles={coop: "admin"})
        people = []
        for (code, _name, _w), n in zip(COLLEGES, members, strict=True):
            people += [make_member(coop, college=code, email_consent=True) for _ in range(n)]
        others = []
        if joint:
            other = make_coop(f"{slug}-two")
            from governance.models import Role
            from governance.permissions import grant
            grant(admin, other, Role.ADMIN)
            db.session.commit()
            others = [other]
            people_two = [make_member(other, email_consent=True) for _ in range(3)]
        assembly = prepare.create_assembly(admin, coop, prepare.AssemblyDraft(
            title="Assemblée générale extraordinaire", kind=kind,
            starts_at=(utcnow() + starts_in).replace(microsecond=0), place="Paris",
            others=others))
        prepare.add_item(admin, assembly, "Rapport du conseil")
        first = prepare.add_resolution(admin, assembly, "Plan de continuation",
                                       "L'assemblée approuve le plan.", board_approved=True,
                                       kind="extraordinary")
        second = prepare.add_resolution(admin, assembly, "Motion d'un sociétaire", "Texte.",
                                        board_approved=False, kind="ordinary")
        if convene:
            convocation.convene(admin, assembly)
        return SimpleNamespace(assembly=assembly, coop=coop, admin=admin, members=people,
                               resolutions=[first, second], others=others,
                               members_two=people_two if joint else [])

    return make


def place(assembly, membership):
    """The participant row of a membership on the assembly's roll."""
    import sqlalchemy as sa

    from assemblies.models import Participant
    return db.session.scalar(sa.select(Participant).where(
        Participant.assembly_id == assembly.id, Participant.person_id == membership.person_id,
        Participant.cooperative_id == membership.cooperative_id))
