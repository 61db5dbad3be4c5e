"""Roles of a circle: custom roles added and removed; terms of role holders assigned and ended.

A term is never deleted: it ends on a date, so the circle's page keeps who held what."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from governance.models import Person
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import DomainError, Forbidden, service

from .. import queries, rules
from ..models import Circle, CircleRole, RoleAssignment, RoleKind
from ..permissions import can_assign, can_edit
from .common import check, lock, require_alive, today_or


@dataclass
class RoleDraft:
    name: str
    purpose: str = ""
    accountabilities: str = ""
    reviews: bool = False  # its holders review the circle's contributions


@service
def add_role(actor: Person, circle: Circle, draft: RoleDraft,
             today: date | None = None) -> CircleRole:
    """A custom role with its own purpose and accountabilities. Secretariat or lead link."""
    if not can_edit(actor, circle, today_or(today)):
        raise Forbidden()
    require_alive(circle)
    name = " ".join((draft.name or "").split())
    if not name:
        raise DomainError("role_name_required", {})
    lock(circle)
    if any(r.kind == RoleKind.CUSTOM and r.name.lower() == name.lower()
           for r in queries.roles_of([circle.id])):
        raise DomainError("role_name_taken", {"name": name})
    role = CircleRole(circle_id=circle.id, kind=RoleKind.CUSTOM, name=name,
                      purpose=(draft.purpose or "").strip(),
                      accountabilities=rules.lines_text(draft.accountabilities),
                      reviews=bool(draft.reviews))
    db.session.add(role)
    db.session.flush()
    record(actor, "circle.role_add", "circle_role", role.id,
           cooperative_id=circle.cooperative_id,
           after={"circle": circle.id, "name": name, "purpose": role.purpose,
                  "accountabilities": role.accountabilities, "reviews": role.reviews})
    return role


@service
def remove_role(actor: Person, role: CircleRole, on: date,
                today: date | None = None) -> CircleRole:
    """A custom role is no longer used after `on` (its last day), when its running terms end
    too. The four core roles stay with the circle. Secretariat or lead link."""
    circle = role.circle
    if not can_edit(actor, circle, today_or(today)):
        raise Forbidden()
    if RoleKind(role.kind) != RoleKind.CUSTOM:
        raise DomainError("core_role_kept", {})
    if role.removed_on is not None:
        raise DomainError("role_already_removed", {"date": role.removed_on})
    if on is None:
        raise DomainError("date_required", {})
    for term in queries.terms_of([role.id]):
        if term.starts_on > on:
            raise DomainError("role_has_later_term", {"name": term.person.display_name,
                                                      "date": term.starts_on})
        if term.ends_on is None or term.ends_on > on:
            term.ends_on = on
    role.removed_on = on
    record(actor, "circle.role_remove", "circle_role", role.id,
           cooperative_id=circle.cooperative_id, after={"removed_on": on})
    return role


def _terms(role: CircleRole) -> list[rules.Term]:
    return [rules.Term(t.person_id, t.starts_on, t.ends_on, t.id)
            for t in queries.terms_of([role.id])]


@service
def assign_role(actor: Person, role: CircleRole, person: Person, starts_on: date,
                ends_on: date | None = None, today: date | None = None) -> RoleAssignment:
    """A person holds a role from `starts_on` (to `ends_on`, the last day, when known).

    The core roles have one holder at a time. The lead link is assigned by the secretariat or
    the parent circle's lead link; the other roles by the circle's lead link too.
    """
    circle = role.circle
    if not can_assign(actor, role, today_or(today)):
        raise Forbidden()
    require_alive(circle)
    if role.removed_on is not None:
        raise DomainError("role_already_removed", {"date": role.removed_on})
    lock(circle)
    kind = RoleKind(role.kind).value
    check(rules.check_term, kind, rules.Term(person.id, starts_on, ends_on), _terms(role))
    term = RoleAssignment(role_id=role.id, person_id=person.id, starts_on=starts_on,
                          ends_on=ends_on, created_by_id=actor.id)
    db.session.add(term)
    db.session.flush()
    record(actor, "circle.term_assign", "role_assignment", term.id,
           cooperative_id=circle.cooperative_id,
           after={"circle": circle.id, "role": role.id, "kind": kind, "person": person.id,
                  "starts_on": starts_on, "ends_on": ends_on})
    return term


@service
def end_term(actor: Person, term: RoleAssignment, ends_on: date,
             today: date | None = None) -> RoleAssignment:
    """End a running or future term on `ends_on` (its last day). Same people as assign."""
    role = term.role
    if not can_assign(actor, role, today_or(today)):
        raise Forbidden()
    check(rules.check_end, term.starts_on, term.ends_on, ends_on)
    before = term.ends_on
    term.ends_on = ends_on
    record(actor, "circle.term_end", "role_assignment", term.id,
           cooperative_id=role.circle.cooperative_id,
           before={"ends_on": before}, after={"ends_on": ends_on})
    return term
