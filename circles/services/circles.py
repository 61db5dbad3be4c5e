"""Circles: create (with their four core roles), change (a new dated revision each time),
dissolve; members join and leave on a date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from governance.models import Cooperative, Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.journal import diff, record
from governance.platform.service import SYSTEM, DomainError, Forbidden, System, service

from .. import queries, rules
from ..models import CORE_ROLES, Circle, CircleMember, CircleRevision, CircleRole, RoleKind
from ..permissions import can_create_circle, can_edit
from .common import check, lock, require_alive, today_or


@dataclass
class CircleDraft:
    """What a circle says of itself; domains and accountabilities one a line."""

    name: str
    purpose: str = ""
    domains: str = ""
    accountabilities: str = ""
    parent_id: int | None = None


def snapshot(circle: Circle) -> dict:
    return {"name": circle.name, "parent": circle.parent_id, "purpose": circle.purpose,
            "domains": circle.domains, "accountabilities": circle.accountabilities}


def _parent(coop: Cooperative, parent_id: int | None) -> Circle | None:
    if parent_id is None:
        return None
    parent = db.session.get(Circle, parent_id)
    if parent is None or parent.cooperative_id != coop.id or parent.dissolved_on is not None:
        raise DomainError("unknown_parent_circle", {})
    return parent


def _apply(circle: Circle, draft: CircleDraft) -> None:
    circle.name = check(rules.check_name, draft.name)
    circle.purpose = (draft.purpose or "").strip()
    circle.domains = rules.lines_text(draft.domains)
    circle.accountabilities = rules.lines_text(draft.accountabilities)
    circle.parent_id = draft.parent_id


def _revise(actor: Person | System, circle: Circle) -> CircleRevision:
    rev = CircleRevision(circle_id=circle.id, at=utcnow(), by_id=actor.id,
                         name=circle.name, purpose=circle.purpose, domains=circle.domains,
                         accountabilities=circle.accountabilities, parent_id=circle.parent_id)
    db.session.add(rev)
    return rev


@service
def create_circle(actor: Person | System, coop: Cooperative, draft: CircleDraft,
                  today: date | None = None) -> Circle:
    """A new circle with its four core roles. Secretariat, or the lead link of the parent
    circle (`SYSTEM`: the demo)."""
    parent = _parent(coop, draft.parent_id)
    if actor is not SYSTEM and not can_create_circle(actor, coop, parent, today_or(today)):
        raise Forbidden()
    circle = Circle(cooperative_id=coop.id)
    _apply(circle, draft)
    db.session.add(circle)
    db.session.flush()
    for kind in CORE_ROLES:
        db.session.add(CircleRole(circle_id=circle.id, kind=kind, name="", purpose="",
                                  accountabilities="", reviews=kind == RoleKind.LEAD_LINK))
    _revise(actor, circle)
    record(actor, "circle.create", "circle", circle.id, cooperative_id=coop.id,
           after=snapshot(circle))
    return circle


@service
def edit_circle(actor: Person, circle: Circle, draft: CircleDraft,
                today: date | None = None) -> bool:
    """Change a circle's name, purpose, domains, accountabilities or parent; a dated revision
    keeps what it was. Secretariat or the circle's lead link. False when nothing changed."""
    if not can_edit(actor, circle, today_or(today)):
        raise Forbidden()
    require_alive(circle)
    lock(circle)
    _parent(circle.cooperative, draft.parent_id)
    check(rules.check_parent, circle.id, draft.parent_id,
          queries.parents_of(circle.cooperative_id))
    before = snapshot(circle)
    _apply(circle, draft)
    old, new = diff(before, snapshot(circle))
    if not new:
        return False
    _revise(actor, circle)
    record(actor, "circle.edit", "circle", circle.id, cooperative_id=circle.cooperative_id,
           before=old, after=new)
    return True


@service
def dissolve_circle(actor: Person, circle: Circle, on: date,
                    today: date | None = None) -> Circle:
    """Dissolve a circle on a date: it leaves the map and stays in the history; its running
    terms and memberships end that day. Its sub-circles must be moved or dissolved first."""
    if not can_edit(actor, circle, today_or(today)):
        raise Forbidden()
    require_alive(circle)
    if on is None:
        raise DomainError("date_required", {})
    living = db.session.scalar(sa.select(Circle.name).where(
        Circle.parent_id == circle.id, Circle.dissolved_on.is_(None)).limit(1))
    if living is not None:
        raise DomainError("circle_has_subcircles", {"name": living})
    terms = [t for t in queries.terms_of([r.id for r in queries.roles_of([circle.id])])
             if t.ends_on is None or t.ends_on > on]
    members = [m for m in queries.members_of(circle.id) if m.left_on is None or m.left_on > on]
    later = max([t.starts_on for t in terms] + [m.joined_on for m in members], default=on)
    if later > on:  # nobody's term or membership may end before it began
        raise DomainError("dissolved_too_early", {"date": on, "since": later})
    circle.dissolved_on = on
    for row in terms:
        row.ends_on = on
    for row in members:
        row.left_on = on
    record(actor, "circle.dissolve", "circle", circle.id, cooperative_id=circle.cooperative_id,
           after={"dissolved_on": on})
    return circle


@service
def add_member(actor: Person, circle: Circle, person: Person, joined_on: date,
               today: date | None = None) -> CircleMember:
    """A person joins the circle on a date. Secretariat or the circle's lead link."""
    if not can_edit(actor, circle, today_or(today)):
        raise Forbidden()
    require_alive(circle)
    if joined_on is None:
        raise DomainError("date_required", {})
    lock(circle)
    for m in queries.members_of(circle.id):
        if m.person_id == person.id and (m.left_on is None or m.left_on >= joined_on):
            raise DomainError("already_in_circle", {"name": person.display_name})
    member = CircleMember(circle_id=circle.id, person_id=person.id, joined_on=joined_on)
    db.session.add(member)
    db.session.flush()
    record(actor, "circle.member_add", "circle_member", member.id,
           cooperative_id=circle.cooperative_id,
           after={"circle": circle.id, "person": person.id, "joined_on": joined_on})
    return member


@service
def remove_member(actor: Person, member: CircleMember, left_on: date,
                  today: date | None = None) -> CircleMember:
    """A member leaves the circle on a date (the last day in it); nothing is deleted."""
    circle = member.circle
    if not can_edit(actor, circle, today_or(today)):
        raise Forbidden()
    if member.left_on is not None:
        raise DomainError("member_already_left", {"date": member.left_on})
    check(rules.check_dates, member.joined_on, left_on)
    member.left_on = left_on
    record(actor, "circle.member_leave", "circle_member", member.id,
           cooperative_id=circle.cooperative_id, after={"left_on": left_on})
    return member
