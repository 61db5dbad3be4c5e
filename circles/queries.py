"""Reads of circles shared by several views and by the contributions package."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from governance.models import Person
from governance.platform.extensions import db

from . import rules
from .models import (
    Chantier,
    Circle,
    CircleMember,
    CircleRevision,
    CircleRole,
    RoleAssignment,
    RoleKind,
)


def _holding(day: date):
    return sa.and_(RoleAssignment.starts_on <= day,
                   sa.or_(RoleAssignment.ends_on.is_(None), RoleAssignment.ends_on >= day))


def _reviews():
    return sa.or_(CircleRole.kind == RoleKind.LEAD_LINK, CircleRole.reviews)


def reviewer_ids(circle_id: int, day: date) -> set[int]:
    """Who may review the circle's contributions on `day`: the holders of its lead link and of
    its roles marked `reviews`, and the lead link of the circle it is nested in (so that a lead
    link's own time, which they never review, always has a reviewer)."""
    parent = sa.select(Circle.parent_id).where(Circle.id == circle_id).scalar_subquery()
    return set(db.session.scalars(
        sa.select(RoleAssignment.person_id).join(CircleRole)
        .where(_holding(day), sa.or_(
            sa.and_(CircleRole.circle_id == circle_id, _reviews()),
            sa.and_(CircleRole.circle_id == parent, CircleRole.kind == RoleKind.LEAD_LINK)))))


def reviewed_circle_ids(person_id: int, day: date) -> set[int]:
    """The circles whose contributions the person may review on `day` (see `reviewer_ids`)."""
    roles = (sa.select(CircleRole.circle_id, CircleRole.kind).join(RoleAssignment)
             .where(RoleAssignment.person_id == person_id, _holding(day), _reviews()))
    rows = db.session.execute(roles).all()
    own = {circle_id for circle_id, _kind in rows}
    led = [circle_id for circle_id, kind in rows if kind == RoleKind.LEAD_LINK]
    children = set(db.session.scalars(sa.select(Circle.id).where(Circle.parent_id.in_(led)))) \
        if led else set()
    return own | children


def circles_of(person_id: int, cooperative_id: int, day: date) -> list[Circle]:
    """The circles of the cooperative the person is a member of on `day`, by name."""
    return list(db.session.scalars(
        sa.select(Circle).join(CircleMember, CircleMember.circle_id == Circle.id)
        .where(Circle.cooperative_id == cooperative_id, CircleMember.person_id == person_id,
               CircleMember.joined_on <= day,
               sa.or_(CircleMember.left_on.is_(None), CircleMember.left_on >= day))
        .order_by(Circle.name).distinct()))


def is_member(circle_id: int, person_id: int, day: date) -> bool:
    return db.session.scalar(sa.select(CircleMember.id).where(
        CircleMember.circle_id == circle_id, CircleMember.person_id == person_id,
        CircleMember.joined_on <= day,
        sa.or_(CircleMember.left_on.is_(None), CircleMember.left_on >= day)).limit(1)) is not None


# -- pages ------------------------------------------------------------------------------------

def lead_link_id(circle_id: int | None, day: date) -> int | None:
    """Who holds the circle's lead link on `day` (None: nobody, or no circle)."""
    if circle_id is None:
        return None
    return db.session.scalar(
        sa.select(RoleAssignment.person_id).join(CircleRole)
        .where(CircleRole.circle_id == circle_id, CircleRole.kind == RoleKind.LEAD_LINK,
               _holding(day)).limit(1))


def led_by(person_id: int, cooperative_id: int, day: date) -> list[Circle]:
    """The cooperative's living circles whose lead link the person holds on `day`."""
    return list(db.session.scalars(
        sa.select(Circle).join(CircleRole, CircleRole.circle_id == Circle.id).join(RoleAssignment)
        .where(Circle.cooperative_id == cooperative_id, Circle.dissolved_on.is_(None),
               CircleRole.kind == RoleKind.LEAD_LINK, RoleAssignment.person_id == person_id,
               _holding(day)).order_by(Circle.name).distinct()))


def holds_role(circle_id: int, person_id: int, day: date) -> bool:
    """Whether the person holds one of the circle's roles on `day`."""
    return db.session.scalar(
        sa.select(RoleAssignment.id).join(CircleRole)
        .where(CircleRole.circle_id == circle_id, RoleAssignment.person_id == person_id,
               _holding(day)).limit(1)) is not None


def coop_circles(cooperative_id: int, *, dissolved: bool = True) -> list[Circle]:
    """The cooperative's circles by name (dissolved ones too unless `dissolved=False`)."""
    query = sa.select(Circle).where(Circle.cooperative_id == cooperative_id)
    if not dissolved:
        query = query.where(Circle.dissolved_on.is_(None))
    return list(db.session.scalars(query.order_by(Circle.name)))


def parents_of(cooperative_id: int) -> dict[int, int | None]:
    """id → parent id of every circle of the cooperative (for the nesting rule)."""
    return dict(db.session.execute(sa.select(Circle.id, Circle.parent_id)
                                   .where(Circle.cooperative_id == cooperative_id)).all())


def roles_of(circle_ids: list[int]) -> list[CircleRole]:
    """The roles in use of these circles: core roles first in their fixed order, then custom."""
    roles = db.session.scalars(sa.select(CircleRole).where(
        CircleRole.circle_id.in_(circle_ids), CircleRole.removed_on.is_(None))).all()
    order = {kind: i for i, kind in enumerate(RoleKind)}
    return sorted(roles, key=lambda r: (order[RoleKind(r.kind)], r.name.lower(), r.id))


def terms_of(role_ids: list[int]) -> list[RoleAssignment]:
    """Every term of these roles, oldest first, with their holders loaded."""
    if not role_ids:
        return []
    return list(db.session.scalars(
        sa.select(RoleAssignment).where(RoleAssignment.role_id.in_(role_ids))
        .options(sa.orm.selectinload(RoleAssignment.person))
        .order_by(RoleAssignment.starts_on, RoleAssignment.id)))


def members_of(circle_id: int) -> list[CircleMember]:
    """Everyone who is or was in the circle, newest first, with their person loaded."""
    return list(db.session.scalars(
        sa.select(CircleMember).where(CircleMember.circle_id == circle_id)
        .options(sa.orm.selectinload(CircleMember.person))
        .order_by(CircleMember.joined_on.desc(), CircleMember.id.desc())))


@dataclass
class Node:
    """A circle on the map: its roles' holders today and its sub-circles."""

    circle: Circle
    holders: list[tuple[CircleRole, list[RoleAssignment]]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def tree(cooperative_id: int, day: date) -> list[Node]:
    """The cooperative's living circles nested under their parents, by name, each with who holds
    which role on `day`."""
    circles = coop_circles(cooperative_id, dissolved=False)
    nodes = {c.id: Node(c) for c in circles}
    roles = roles_of(list(nodes))
    current = [t for t in terms_of([r.id for r in roles]) if t.holds_on(day)]
    for role in roles:
        nodes[role.circle_id].holders.append((role, [t for t in current if t.role_id == role.id]))
    roots = []
    for c in circles:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(nodes[c.id])
    return roots


@dataclass
class RoleView:
    role: CircleRole
    current: list[RoleAssignment]
    upcoming: list[RoleAssignment]
    past: list[RoleAssignment]


@dataclass
class Change:
    """A revision of a circle and the fields it changed (all of them for the first)."""

    revision: CircleRevision
    fields: list[str]
    parent_name: str | None


def circle_roles(circle: Circle, day: date) -> list[RoleView]:
    roles = roles_of([circle.id])
    terms = terms_of([r.id for r in roles])
    views = []
    for role in roles:
        mine = [t for t in terms if t.role_id == role.id]
        views.append(RoleView(role, [t for t in mine if t.holds_on(day)],
                              [t for t in mine if t.starts_on > day],
                              [t for t in mine if t.ends_on is not None and t.ends_on < day]))
    return views


def history(circle: Circle) -> list[Change]:
    """The circle's revisions, newest first, each with what it changed from the one before."""
    revisions = list(db.session.scalars(
        sa.select(CircleRevision).where(CircleRevision.circle_id == circle.id)
        .options(sa.orm.selectinload(CircleRevision.by))
        .order_by(CircleRevision.at, CircleRevision.id)))
    names = dict(db.session.execute(sa.select(Circle.id, Circle.name).where(
        Circle.cooperative_id == circle.cooperative_id)).all())
    changes, before = [], {}
    for rev in revisions:
        after = {"name": rev.name, "parent": rev.parent_id, "purpose": rev.purpose,
                 "domains": rev.domains, "accountabilities": rev.accountabilities}
        changes.append(Change(rev, rules.revision_changes(before, after),
                              names.get(rev.parent_id)))
        before = after
    return changes[::-1]


def chantiers_by_status(circle_id: int) -> dict[str, list[Chantier]]:
    """The circle's chantiers in the board's columns (by due date, undated last, then title)."""
    items = db.session.scalars(
        sa.select(Chantier).where(Chantier.circle_id == circle_id)
        .options(sa.orm.selectinload(Chantier.people))).all()
    columns: dict[str, list[Chantier]] = {s: [] for s in rules.STATUSES}
    for item in sorted(items, key=lambda c: (c.due_on is None, c.due_on or date.min,
                                             c.title.lower())):
        columns[getattr(item.status, "value", item.status)].append(item)
    return columns


def involvable(circle: Circle, day: date) -> list[Person]:
    """Who may be named on a chantier: the circle's members and role holders on `day`."""
    ids = {m.person_id for m in members_of(circle.id)
           if m.joined_on <= day and (m.left_on is None or m.left_on >= day)}
    ids |= {t.person_id for t in terms_of([r.id for r in roles_of([circle.id])])
            if t.holds_on(day)}
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Person).where(Person.id.in_(ids))
                                   .order_by(Person.last_name, Person.first_name)))
