"""What the write modules of circles share: rule refusals in words, locks, people by email
or number."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from governance.models import Cooperative, Membership, Person
from governance.permissions import can_take_part
from governance.platform.extensions import db
from governance.platform.service import DomainError, as_domain
from governance.rules import RuleError

from ..models import Circle


def refused(err: RuleError) -> DomainError:
    """The rule's error with people's names instead of their ids."""
    params = dict(err.params)
    if isinstance(params.get("holder"), int):
        person = db.session.get(Person, params["holder"])
        params["holder"] = person.display_name if person else params["holder"]
    return DomainError(err.code, params)


def check(rule, *args):
    return as_domain(rule, *args, refused=refused)


def today_or(day: date | None) -> date:
    return day or date.today()


def find_person(coop: Cooperative, who: str) -> Person:
    """A person of the cooperative by email or membership number; refused when unknown or with
    no role in the cooperative."""
    text = (who or "").strip()
    if not text:
        raise DomainError("circle_person_required", {})
    if text.isdigit():
        person = db.session.scalar(sa.select(Person).join(
            Membership, Membership.person_id == Person.id).where(
            Membership.cooperative_id == coop.id, Membership.number == int(text)))
    else:
        person = db.session.scalar(sa.select(Person).where(Person.email == text.lower()))
    if person is None or not can_take_part(person, coop):
        raise DomainError("unknown_circle_person", {"who": text})
    return person


def lock(circle: Circle) -> None:
    """Serialise writes to one circle (two holders of the same role assigned at once)."""
    db.session.execute(sa.select(Circle.id).where(Circle.id == circle.id).with_for_update())


def require_alive(circle: Circle) -> None:
    if circle.dissolved_on is not None:
        raise DomainError("circle_dissolved", {"date": circle.dissolved_on})
