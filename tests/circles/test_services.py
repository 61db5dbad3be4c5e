"""The services of circles: who may write, what the rules refuse (nothing changed), the
journal entry and the history kept."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from circles import queries
from circles import services as svc
from circles.models import (
    Chantier,
    ChantierStatus,
    Circle,
    CircleRevision,
    RoleAssignment,
    RoleKind,
)
from governance.models import AuditEntry
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden

from .conftest import START, TODAY, role


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _actions() -> list[str]:
    return [a for a in db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id))
            if a.startswith(("circle.", "chantier."))]


def refused(code, fn, *args, **kw):
    entries = _count(AuditEntry)
    with pytest.raises(DomainError) as err:
        fn(*args, **kw)
    assert err.value.code == code, err.value
    db.session.expire_all()
    assert _count(AuditEntry) == entries  # nothing journaled, nothing saved
    return err.value


def test_create_gives_the_four_core_roles_a_revision_and_a_journal_entry(world):
    roles = queries.roles_of([world.root.id])
    assert [r.kind for r in roles] == [RoleKind.LEAD_LINK, RoleKind.FACILITATOR,
                                       RoleKind.SECRETARY, RoleKind.REP_LINK]
    assert [r.reviews for r in roles] == [True, False, False, False]
    assert world.root.accountabilities == "Répartir le budget\nRendre compte"
    assert _count(CircleRevision) == 2
    assert _actions()[:2] == ["circle.create", "circle.create"]


def test_lead_link_of_the_parent_creates_a_sub_circle(world):
    draft = svc.CircleDraft("Wiki", parent_id=world.root.id)
    circle = svc.create_circle(world.lead, world.coop, draft, today=TODAY)
    assert circle.parent_id == world.root.id
    with pytest.raises(Forbidden):  # not at the top, not under a circle they do not lead
        svc.create_circle(world.lead, world.coop, svc.CircleDraft("Top"), today=TODAY)
    with pytest.raises(Forbidden):
        svc.create_circle(world.lead, world.coop, svc.CircleDraft("W", parent_id=world.sub.id),
                          today=TODAY)
    with pytest.raises(Forbidden):
        svc.create_circle(world.member, world.coop, draft, today=TODAY)


def test_empty_name_and_foreign_parent_refused(world, make_coop, make_person):
    refused("circle_name_required", svc.create_circle, world.admin, world.coop,
            svc.CircleDraft("  "))
    other = make_coop("x")
    admin_x = make_person("a@x.org", roles={other: "admin"})
    foreign = svc.create_circle(admin_x, other, svc.CircleDraft("Ailleurs"))
    refused("unknown_parent_circle", svc.create_circle, world.admin, world.coop,
            svc.CircleDraft("C", parent_id=foreign.id))
    assert _count(Circle) == 3


def test_edit_keeps_history_and_journals_the_difference(world):
    changed = svc.edit_circle(world.lead, world.root, svc.CircleDraft(
        "Cercle d'ancrage", "Nouvelle raison d'être.", "Le budget contributif",
        "Répartir le budget\nRendre compte"), today=TODAY)
    assert changed
    history = queries.history(world.root)
    assert [c.fields for c in history] == [["purpose"], ["name", "purpose", "domains",
                                                         "accountabilities"]]
    assert history[0].revision.by_id == world.lead.id
    assert history[1].revision.purpose == "Faire vivre la gouvernance partagée."
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "circle.edit" and "Nouvelle raison" in entry.summary
    assert "budget" not in entry.summary  # only what changed
    same = svc.edit_circle(world.lead, world.root, svc.CircleDraft(
        "Cercle d'ancrage", "Nouvelle raison d'être.", "Le budget contributif",
        "Répartir le budget\nRendre compte"), today=TODAY)
    assert same is False and len(queries.history(world.root)) == 2


def test_edit_refused_to_others_and_cycles_refused(world):
    draft = svc.CircleDraft("Outils", parent_id=world.root.id)
    for person in (world.member, world.societaire, world.outsider):
        with pytest.raises(Forbidden):
            svc.edit_circle(person, world.sub, draft, today=TODAY)
    refused("circle_cycle", svc.edit_circle, world.admin, world.root,
            svc.CircleDraft("Cercle d'ancrage", parent_id=world.sub.id))
    refused("circle_cycle", svc.edit_circle, world.admin, world.root,
            svc.CircleDraft("Cercle d'ancrage", parent_id=world.root.id))
    assert world.root.parent_id is None and world.root.name == "Cercle d'ancrage"


def test_dissolve_needs_sub_circles_gone_and_ends_terms(world):
    refused("circle_has_subcircles", svc.dissolve_circle, world.admin, world.root, TODAY)
    svc.add_member(world.admin, world.sub, world.member, TODAY)
    refused("dissolved_too_early", svc.dissolve_circle, world.admin, world.sub,
            date(2023, 3, 14))
    svc.dissolve_circle(world.admin, world.sub, TODAY)
    svc.dissolve_circle(world.lead, world.root, TODAY, today=TODAY)
    assert world.root.dissolved_on == TODAY
    term = db.session.scalar(sa.select(RoleAssignment))
    assert term.ends_on == TODAY
    assert queries.members_of(world.root.id)[0].left_on == TODAY
    refused("circle_dissolved", svc.add_member, world.admin, world.root, world.societaire, TODAY)


def test_members_join_once_and_leave_on_a_date(world):
    refused("already_in_circle", svc.add_member, world.admin, world.root, world.member, TODAY)
    membership = queries.members_of(world.root.id)[0]
    refused("end_before_start", svc.remove_member, world.admin, membership, date(2022, 6, 30))
    svc.remove_member(world.lead, membership, date(2022, 12, 31), today=TODAY)
    refused("member_already_left", svc.remove_member, world.admin, membership, TODAY)
    assert not queries.is_member(world.root.id, world.member.id, TODAY)
    svc.add_member(world.admin, world.root, world.member, TODAY)  # comes back later
    assert queries.is_member(world.root.id, world.member.id, TODAY)
    with pytest.raises(Forbidden):
        svc.add_member(world.member, world.root, world.societaire, TODAY, today=TODAY)


def test_find_person_by_email_or_number_within_the_cooperative(world):
    assert svc.find_person(world.coop, " MEMBER@ge.example.org ") == world.member
    assert svc.find_person(world.coop, "2") == world.member  # membership number
    refused("unknown_circle_person", svc.find_person, world.coop, "out@other.example.org")
    refused("unknown_circle_person", svc.find_person, world.coop, "99")
    refused("circle_person_required", svc.find_person, world.coop, " ")


def test_one_lead_link_at_a_time(world):
    lead = role(world.root)
    err = refused("single_holder_overlap", svc.assign_role, world.admin, lead, world.member,
                  date(2023, 1, 1))
    assert err.params["holder"] == world.lead.display_name
    term = db.session.scalar(sa.select(RoleAssignment))
    svc.end_term(world.admin, term, date(2022, 12, 31))
    svc.assign_role(world.admin, lead, world.member, date(2023, 1, 1))
    assert queries.lead_link_id(world.root.id, date(2022, 12, 31)) == world.lead.id
    assert queries.lead_link_id(world.root.id, TODAY) == world.member.id
    refused("end_before_start", svc.assign_role, world.admin, role(world.sub), world.member,
            TODAY, date(2023, 1, 1))


def test_lead_link_assigned_from_above_other_roles_by_the_lead_link(world):
    sub_lead, root_lead = role(world.sub), role(world.root)
    with pytest.raises(Forbidden):  # their own lead link role
        svc.assign_role(world.lead, root_lead, world.member, date(2030, 1, 1), today=TODAY)
    svc.assign_role(world.lead, sub_lead, world.member, START, today=TODAY)  # parent's lead
    facilitator = role(world.sub, RoleKind.FACILITATOR)
    svc.assign_role(world.member, facilitator, world.societaire, START, today=TODAY)
    with pytest.raises(Forbidden):  # the parent's lead link does not run the sub-circle
        svc.assign_role(world.lead, role(world.sub, RoleKind.SECRETARY), world.member, START,
                        today=TODAY)
    term = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.role_id == sub_lead.id))
    with pytest.raises(Forbidden):  # nor ends their own lead link term
        svc.end_term(world.member, term, TODAY, today=TODAY)
    assert "circle.term_assign" in _actions()


def test_custom_roles(world):
    r = svc.add_role(world.lead, world.root, svc.RoleDraft(
        "Référent·e Nuage", "Répondre.", "a\n\nb", reviews=True), today=TODAY)
    assert r.accountabilities == "a\nb" and r.reviews
    refused("role_name_taken", svc.add_role, world.admin, world.root,
            svc.RoleDraft("référent·e nuage"))
    refused("role_name_required", svc.add_role, world.admin, world.root, svc.RoleDraft(" "))
    svc.assign_role(world.lead, r, world.member, START, today=TODAY)
    svc.assign_role(world.lead, r, world.societaire, START, today=TODAY)  # several holders
    assert world.member.id in queries.reviewer_ids(world.root.id, TODAY)
    refused("term_overlap", svc.assign_role, world.admin, r, world.member, TODAY)
    refused("core_role_kept", svc.remove_role, world.admin, role(world.root), TODAY)
    svc.remove_role(world.admin, r, TODAY)
    assert world.member.id not in queries.reviewer_ids(world.root.id, date(2023, 3, 16))
    refused("role_already_removed", svc.assign_role, world.admin, r, world.member, TODAY)
    with pytest.raises(Forbidden):
        svc.add_role(world.member, world.root, svc.RoleDraft("X"), today=TODAY)


def test_chantiers_by_members_and_holders(world):
    c = svc.create_chantier(world.member, world.root, svc.ChantierDraft(
        "Annuaire", "Du Nuage", "planned", "2,5", date(2023, 6, 30), [world.lead.id]),
        today=TODAY)
    assert c.estimated_hours == 2.5 and c.people == [world.lead]
    svc.move_chantier(world.lead, c, "in_progress", today=TODAY)
    assert c.status == ChantierStatus.IN_PROGRESS
    svc.edit_chantier(world.admin, c, svc.ChantierDraft("Annuaire v2", status="done"))
    assert (c.title, c.status, c.estimated_hours, c.people) == ("Annuaire v2", "done", None, [])
    assert _actions()[-3:] == ["chantier.create", "chantier.move", "chantier.edit"]
    for person in (world.societaire, world.outsider):
        with pytest.raises(Forbidden):
            svc.create_chantier(person, world.root, svc.ChantierDraft("X"), today=TODAY)
        with pytest.raises(Forbidden):
            svc.move_chantier(person, c, "planned", today=TODAY)


@pytest.mark.parametrize("draft, code", [
    (svc.ChantierDraft(" "), "chantier_title_required"),
    (svc.ChantierDraft("T", hours="1.1"), "chantier_hours_quarter"),
    (svc.ChantierDraft("T", hours="-1"), "chantier_hours_negative"),
    (svc.ChantierDraft("T", status="archived"), "chantier_status"),
])
def test_bad_chantier_refused(world, draft, code):
    refused(code, svc.create_chantier, world.admin, world.root, draft)
    assert _count(Chantier) == 0


def test_only_members_and_holders_are_involved(world):
    refused("chantier_person_not_in_circle", svc.create_chantier, world.admin, world.root,
            svc.ChantierDraft("T", people=[world.societaire.id]))
