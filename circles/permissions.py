"""Who may do what with circles. The secretariat (`can_admin`) may do everything; otherwise:

- create a circle: the lead link of the circle it is nested in;
- change a circle, its members, custom roles and terms: the circle's lead link, except the
  terms of its own lead link role, assigned by the lead link of the parent circle;
- plan chantiers: the circle's members and role holders;
- read the map and the circles: anyone with a role in the cooperative, or a CAE
  entrepreneur-salarié with a running contract (`can_take_part`).
"""
from __future__ import annotations

from datetime import date

from governance.permissions import can_admin

from . import queries
from .models import Circle, CircleRole, RoleKind


def _id(person) -> int | None:
    return person.id if person is not None and person.is_authenticated else None


def can_create_circle(person, coop, parent: Circle | None, day: date) -> bool:
    if can_admin(person, coop):
        return True
    return parent is not None and _id(person) is not None and \
        queries.lead_link_id(parent.id, day) == _id(person)


def can_edit(person, circle: Circle, day: date) -> bool:
    """Purpose, domains, accountabilities, nesting, members, custom roles, terms."""
    if can_admin(person, circle.cooperative):
        return True
    return _id(person) is not None and queries.lead_link_id(circle.id, day) == _id(person)


def can_assign(person, role: CircleRole, day: date) -> bool:
    """The lead link role is assigned from above: secretariat or the parent's lead link."""
    circle = role.circle
    if RoleKind(role.kind) != RoleKind.LEAD_LINK:
        return can_edit(person, circle, day)
    if can_admin(person, circle.cooperative):
        return True
    return _id(person) is not None and circle.parent_id is not None and \
        queries.lead_link_id(circle.parent_id, day) == _id(person)


def can_plan(person, circle: Circle, day: date) -> bool:
    """Chantiers: the circle's members and role holders on `day`, and the secretariat."""
    if can_admin(person, circle.cooperative):
        return True
    pid = _id(person)
    return pid is not None and (queries.is_member(circle.id, pid, day)
                                or queries.holds_role(circle.id, pid, day))
