"""Time logged by members: log, edit while not yet approved, correct with a negative entry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from circles import queries as circles
from circles.models import Chantier, Circle, CircleRole, RoleAssignment
from governance.models import Cooperative, Person
from governance.platform.extensions import db
from governance.platform.journal import record

from .. import rules
from ..models import Budget, Contribution, Envelope
from . import DomainError, Forbidden, check, service
from .tallies import count, lock_envelope


@dataclass
class EntryDraft:
    circle: Circle | None
    worked_on: date | None
    hours: Decimal | None
    description: str = ""
    chantier: Chantier | None = None
    role: CircleRole | None = None


def budget_on(coop_id: int, day: date) -> Budget | None:
    return db.session.scalar(sa.select(Budget).where(
        Budget.cooperative_id == coop_id, Budget.starts_on <= day, Budget.ends_on >= day))


def logged_on(person_id: int, day: date, but: int | None = None) -> Decimal:
    """Hours the person has logged on `day` in entries not rejected (all cooperatives)."""
    query = sa.select(sa.func.coalesce(sa.func.sum(Contribution.hours), 0)).where(
        Contribution.person_id == person_id, Contribution.worked_on == day,
        Contribution.status.in_(rules.LOGGED))
    if but is not None:
        query = query.where(Contribution.id != but)
    return Decimal(db.session.scalar(query) or 0)


def _place(actor: Person, coop: Cooperative, draft: EntryDraft, today: date,
           but: int | None = None) -> tuple[Envelope, Decimal]:
    """Check a draft against the rules; return the envelope it goes to and its rate."""
    if draft.circle is None or draft.circle.cooperative_id != coop.id:
        raise DomainError("circle_required", {})
    if draft.worked_on is None or draft.hours is None:
        raise DomainError("entry_incomplete", {})
    day, circle = draft.worked_on, draft.circle
    check(rules.check_hours, draft.hours)
    budget = budget_on(coop.id, day)
    check(rules.check_worked_on, day, today, budget and budget.starts_on,
          budget and budget.ends_on)
    envelope = db.session.scalar(sa.select(Envelope).where(
        Envelope.budget_id == budget.id, Envelope.circle_id == circle.id))
    if envelope is None:
        raise DomainError("no_envelope", {"circle": circle.name, "budget": budget.name})
    if not circles.is_member(circle.id, actor.id, day) and draft.role is None:
        raise DomainError("not_in_circle", {"circle": circle.name, "day": day})
    if draft.chantier is not None and draft.chantier.circle_id != circle.id:
        raise DomainError("chantier_not_in_circle", {"circle": circle.name})
    if draft.role is not None and not _holds(actor.id, draft.role, circle, day):
        raise DomainError("role_not_held", {"circle": circle.name, "day": day})
    # One member's day at a time: two entries logged at once cannot pass 12 hours together.
    db.session.execute(sa.select(Person.id).where(Person.id == actor.id).with_for_update())
    check(rules.check_day, logged_on(actor.id, day, but), draft.hours, day)
    rate = rules.rate_for(budget.hourly_rate, {str(r.role_kind): r.rate for r in budget.rates},
                          str(draft.role.kind) if draft.role else None)
    return envelope, rate


def _holds(person_id: int, role: CircleRole, circle: Circle, day: date) -> bool:
    return role.circle_id == circle.id and db.session.scalar(sa.select(RoleAssignment.id).where(
        RoleAssignment.role_id == role.id, RoleAssignment.person_id == person_id,
        RoleAssignment.starts_on <= day,
        sa.or_(RoleAssignment.ends_on.is_(None), RoleAssignment.ends_on >= day)).limit(1)) \
        is not None


def _fields(entry: Contribution) -> dict:
    return {"circle": entry.circle_id, "worked_on": entry.worked_on, "hours": entry.hours,
            "rate": entry.rate, "amount": entry.amount, "chantier": entry.chantier_id,
            "role": entry.role_id, "description": entry.description}


@service
def log_contribution(actor: Person, coop: Cooperative, draft: EntryDraft,
                     today: date | None = None) -> Contribution:
    """A member logs time they spent for one of their circles; it waits for review."""
    if actor is None or not actor.is_authenticated:
        raise Forbidden()
    envelope, rate = _place(actor, coop, draft, today or date.today())
    lock_envelope(envelope.id)
    entry = Contribution(
        cooperative_id=coop.id, envelope_id=envelope.id, circle_id=draft.circle.id,
        person_id=actor.id, chantier_id=draft.chantier and draft.chantier.id,
        role_id=draft.role and draft.role.id, worked_on=draft.worked_on, hours=draft.hours,
        rate=rate, amount=rules.amount(draft.hours, rate),
        description=draft.description.strip(), status=rules.SUBMITTED, created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    count(entry, rules.SUBMITTED)
    record(actor, "contribution.log", "contribution", entry.id, cooperative_id=coop.id,
           after=_fields(entry))
    return entry


@service
def edit_contribution(actor: Person, entry: Contribution, draft: EntryDraft,
                      today: date | None = None) -> Contribution:
    """Its author changes an entry not yet approved; a rejected entry goes back to review."""
    if actor is None or actor.id != entry.person_id or entry.corrects_id is not None:
        raise Forbidden()
    coop = db.session.get(Cooperative, entry.cooperative_id)
    check(rules.check_editable, str(entry.status))
    envelope, rate = _place(actor, coop, draft, today or date.today(), but=entry.id)
    for envelope_id in sorted({entry.envelope_id, envelope.id}):
        lock_envelope(envelope_id)
    db.session.refresh(entry, with_for_update=True)
    check(rules.check_editable, str(entry.status))  # reviewed meanwhile?
    before = _fields(entry)
    count(entry, str(entry.status), -1)
    entry.envelope_id, entry.circle_id = envelope.id, draft.circle.id
    entry.chantier_id = draft.chantier and draft.chantier.id
    entry.role_id = draft.role and draft.role.id
    entry.worked_on, entry.hours, entry.rate = draft.worked_on, draft.hours, rate
    entry.amount = rules.amount(draft.hours, rate)
    entry.description = draft.description.strip()
    entry.status, entry.reject_reason = rules.SUBMITTED, ""
    entry.reviewed_by_id = entry.reviewed_at = None
    db.session.flush()
    count(entry, rules.SUBMITTED)
    record(actor, "contribution.edit", "contribution", entry.id,
           cooperative_id=entry.cooperative_id, before=before, after=_fields(entry))
    return entry


@service
def correct_contribution(actor: Person, entry: Contribution, hours: Decimal | None,
                         description: str, today: date | None = None) -> Contribution:
    """Take back hours of an approved or paid entry with a new, negative entry, reviewed like
    any other (by its author or a reviewer of the circle)."""
    today = today or date.today()
    if actor is None or (actor.id != entry.person_id
                         and actor.id not in circles.reviewer_ids(entry.circle_id, today)):
        raise Forbidden()
    if hours is None:
        raise DomainError("entry_incomplete", {})
    if not description.strip():
        raise DomainError("correction_reason", {})
    lock_envelope(entry.envelope_id)
    taken = -Decimal(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(
        Contribution.hours), 0)).where(Contribution.corrects_id == entry.id,
                                       Contribution.status != rules.REJECTED)) or 0)
    check(rules.check_correction, str(entry.status), entry.hours, taken, hours)
    correction = Contribution(
        cooperative_id=entry.cooperative_id, envelope_id=entry.envelope_id,
        circle_id=entry.circle_id, person_id=entry.person_id, chantier_id=entry.chantier_id,
        role_id=entry.role_id, worked_on=entry.worked_on, hours=-hours, rate=entry.rate,
        amount=rules.amount(-hours, entry.rate), description=description.strip(),
        status=rules.SUBMITTED, corrects_id=entry.id, created_by_id=actor.id)
    db.session.add(correction)
    db.session.flush()
    count(correction, rules.SUBMITTED)
    record(actor, "contribution.correct", "contribution", correction.id,
           cooperative_id=entry.cooperative_id, after=_fields(correction) | {"corrects": entry.id})
    return correction
