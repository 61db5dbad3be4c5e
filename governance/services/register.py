"""Writes to the register of sociétaires: admit candidates, change status, move college."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from .. import rules
from ..models import Category, College, Cooperative, Membership, Person, PersonKind, Status
from ..permissions import can_admin
from ..platform.extensions import db
from ..platform.journal import record
from ..platform.service import DomainError, Forbidden, System, service


@dataclass
class NewMember:
    """What the secretariat enters (or a CSV line holds) to register a sociétaire."""

    kind: str = "natural"
    first_name: str = ""
    last_name: str = ""
    legal_name: str = ""
    email: str | None = None
    address: str = ""
    college: str | None = None  # college code
    category: str = "user"
    status: str = "candidate"
    applied_on: date | None = None
    admitted_on: date | None = None
    admission_ref: str = ""
    email_consent: bool = False
    representative_email: str | None = None  # legal persons
    number: int | None = None  # kept from an imported register, else the next one


def member_snapshot(m: Membership) -> dict:
    return {"number": m.number, "person": m.person.display_name,
            "college": m.college.code if m.college else None, "category": m.category,
            "status": m.status, "admitted_on": m.admitted_on, "left_on": m.left_on}


def require_admin(actor: Person, coop: Cooperative) -> None:
    if not can_admin(actor, coop):
        raise Forbidden()


def college_by_code(coop: Cooperative, code: str | None) -> College | None:
    if not code:
        if coop.weighting == "colleges":
            raise DomainError("college_required", {})
        return None
    college = db.session.scalar(sa.select(College).where(
        College.cooperative_id == coop.id, College.code == code))
    if college is None:
        raise DomainError("unknown_college", {"college": code})
    return college


def find_person(email: str | None) -> Person | None:
    if not email:
        return None
    return db.session.scalar(sa.select(Person).where(Person.email == email.lower()))


@service
def add_member(actor: Person | System, coop: Cooperative, data: NewMember, *,
               person: Person | None = None, check: bool = True) -> Membership:
    """Register a person (given, known by email, or new) as a sociétaire. Secretariat only.

    `check=False` is for the demo loader only (actor `SYSTEM`, journaled as "system").
    """
    if check:
        require_admin(actor, coop)
    college = college_by_code(coop, data.college)
    person = person or find_person(data.email)
    if person is None:
        person = Person(kind=PersonKind(data.kind), first_name=data.first_name.strip(),
                        last_name=data.last_name.strip(), legal_name=data.legal_name.strip(),
                        email=data.email.lower() if data.email else None,
                        address=data.address)
        if data.kind == "legal" and data.representative_email:
            rep = find_person(data.representative_email)
            if rep is None:
                raise DomainError("unknown_representative", {"email": data.representative_email})
            person.representative = rep
        person.refresh_search_name()
        db.session.add(person)
        db.session.flush()
    elif db.session.scalar(sa.select(Membership.id).where(
            Membership.cooperative_id == coop.id, Membership.person_id == person.id)):
        raise DomainError("already_member", {"email": data.email})
    if data.status == "admitted" and not data.admission_ref.strip():
        raise DomainError("decision_required", {})
    number = data.number
    current_max = db.session.scalar(sa.select(sa.func.max(Membership.number)).where(
        Membership.cooperative_id == coop.id))
    if number is None:
        number = rules.next_member_number(current_max)
    elif db.session.scalar(sa.select(Membership.id).where(
            Membership.cooperative_id == coop.id, Membership.number == number)):
        raise DomainError("duplicate_number", {"number": number})
    membership = Membership(
        cooperative_id=coop.id, person=person, number=number, college=college,
        category=Category(data.category), status=Status(data.status),
        applied_on=data.applied_on, admitted_on=data.admitted_on,
        admission_ref=data.admission_ref, email_consent=data.email_consent,
        email_consent_on=date.today() if data.email_consent else None)
    db.session.add(membership)
    db.session.flush()
    record(actor, "member.add", "membership", membership.id, cooperative_id=coop.id,
           after=member_snapshot(membership))
    return membership


@service
def change_status(actor: Person, membership: Membership, new: str, *, on: date | None,
                  decision_ref: str = "", reason: str = "") -> Membership:
    """Admit a candidate, or record a resignation, exclusion or death. Secretariat only."""
    require_admin(actor, membership.cooperative)
    since = membership.admitted_on or membership.applied_on
    try:
        rules.check_transition(membership.status, new, on=on, decision_ref=decision_ref,
                               reason=reason, since=since)
    except rules.RuleError as err:
        raise DomainError(err.code, err.params) from None
    before = member_snapshot(membership)
    membership.status = Status(new)
    if new == "admitted":
        membership.admitted_on, membership.admission_ref = on, decision_ref.strip()
    else:
        membership.left_on, membership.exit_reason = on, reason.strip()
    db.session.flush()
    record(actor, f"member.{new}", "membership", membership.id,
           cooperative_id=membership.cooperative_id, before=before,
           after=member_snapshot(membership))
    return membership


@service
def move_college(actor: Person, membership: Membership, code: str, on: date) -> Membership:
    """Move a member to another college (dated; frozen rolls are not affected)."""
    require_admin(actor, membership.cooperative)
    college = college_by_code(membership.cooperative, code)
    before = member_snapshot(membership)
    membership.college = college
    db.session.flush()
    after = member_snapshot(membership) | {"on": on}
    record(actor, "member.move_college", "membership", membership.id,
           cooperative_id=membership.cooperative_id, before=before, after=after)
    return membership


@service
def set_email_consent(actor: Person, membership: Membership, consent: bool) -> Membership:
    """A sociétaire (or the secretariat) records consent to convocation by email."""
    if actor.id != membership.person_id:
        require_admin(actor, membership.cooperative)
    before = {"email_consent": membership.email_consent, "on": membership.email_consent_on}
    membership.email_consent = consent
    membership.email_consent_on = date.today()
    record(actor, "member.email_consent", "membership", membership.id,
           cooperative_id=membership.cooperative_id, before=before,
           after={"email_consent": consent, "on": membership.email_consent_on})
    return membership


@service
def set_own_email_consents(actor: Person, consents: dict[int, bool]) -> int:
    """A sociétaire chooses, per cooperative, whether to be convened by email; only their own
    memberships (by id). Records and journals each change; returns how many changed."""
    mine = {m.id: m for m in db.session.scalars(
        sa.select(Membership).where(Membership.person_id == actor.id))}
    if set(consents) - set(mine):
        raise Forbidden()
    changed = [mine[i] for i, consent in consents.items() if mine[i].email_consent != consent]
    for membership in changed:
        set_email_consent(actor, membership, consents[membership.id])
    return len(changed)
