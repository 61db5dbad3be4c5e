"""Chantiers: the work items a circle plans, added, changed and moved across its board by the
circle's members, its role holders and the secretariat."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.journal import diff, record
from governance.platform.service import DomainError, Forbidden, service

from .. import queries, rules
from ..models import Chantier, ChantierStatus, Circle
from ..permissions import can_plan
from .common import check, require_alive, today_or


@dataclass
class ChantierDraft:
    """A chantier as typed: hours as text ("2,5"), people by id."""

    title: str
    description: str = ""
    status: str = "proposed"
    hours: str = ""
    due_on: date | None = None
    people: list[int] = field(default_factory=list)


def snapshot(c: Chantier) -> dict:
    return {"title": c.title, "description": c.description, "status": c.status,
            "estimated_hours": c.estimated_hours, "due_on": c.due_on,
            "people": sorted(p.id for p in c.people)}


def _apply(chantier: Chantier, circle: Circle, draft: ChantierDraft, day: date) -> None:
    title = check(rules.check_title, draft.title)
    status = check(rules.check_status, draft.status)
    hours = check(rules.parse_hours, draft.hours)
    allowed = {p.id: p for p in queries.involvable(circle, day)}
    allowed |= {p.id: p for p in chantier.people}  # someone who left stays on their chantier
    unknown = [pid for pid in draft.people if pid not in allowed]
    if unknown:
        raise DomainError("chantier_person_not_in_circle", {})
    chantier.title, chantier.description = title, (draft.description or "").strip()
    chantier.status, chantier.estimated_hours = ChantierStatus(status), hours
    chantier.due_on = draft.due_on
    chantier.people = [allowed[pid] for pid in dict.fromkeys(draft.people)]
    chantier.updated_at = utcnow()


def _require_planner(actor: Person, circle: Circle, today: date | None) -> date:
    day = today_or(today)
    if not can_plan(actor, circle, day):
        raise Forbidden()
    require_alive(circle)
    return day


@service
def create_chantier(actor: Person, circle: Circle, draft: ChantierDraft,
                    today: date | None = None) -> Chantier:
    """Add a chantier to the circle's board."""
    day = _require_planner(actor, circle, today)
    chantier = Chantier(circle_id=circle.id, created_by_id=actor.id, people=[])
    _apply(chantier, circle, draft, day)
    db.session.add(chantier)
    db.session.flush()
    record(actor, "chantier.create", "chantier", chantier.id,
           cooperative_id=circle.cooperative_id, after=snapshot(chantier) | {"circle": circle.id})
    return chantier


@service
def edit_chantier(actor: Person, chantier: Chantier, draft: ChantierDraft,
                  today: date | None = None) -> Chantier:
    """Change a chantier's title, description, status, hours, due date or people."""
    circle = chantier.circle
    day = _require_planner(actor, circle, today)
    before = snapshot(chantier)
    _apply(chantier, circle, draft, day)
    old, new = diff(before, snapshot(chantier))
    if new:
        record(actor, "chantier.edit", "chantier", chantier.id,
               cooperative_id=circle.cooperative_id, before=old, after=new)
    return chantier


@service
def move_chantier(actor: Person, chantier: Chantier, status: str,
                  today: date | None = None) -> Chantier:
    """Move a chantier to another column of the board."""
    circle = chantier.circle
    _require_planner(actor, circle, today)
    new = ChantierStatus(check(rules.check_status, status))
    if new == chantier.status:
        return chantier
    before = chantier.status
    chantier.status, chantier.updated_at = new, utcnow()
    record(actor, "chantier.move", "chantier", chantier.id, cooperative_id=circle.cooperative_id,
           before={"status": before}, after={"status": new})
    return chantier
