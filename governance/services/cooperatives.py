"""Writes to cooperatives: statutes' parameters, colleges and roles."""
from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa

from .. import rules
from ..models import College, Cooperative, CoopRole, Membership, Person, Role
from ..permissions import forget_roles, grant
from ..platform.extensions import db
from ..platform.journal import diff, record
from ..platform.service import DomainError, Forbidden, service
from .register import require_admin

STATUTE_FIELDS = (
    "name", "legal_form", "nominal_share_value", "default_locale", "weighting",
    "ordinary_counting", "ordinary_quorum_first", "ordinary_quorum_second", "ordinary_majority",
    "ordinary_majority_strict", "extraordinary_counting", "extraordinary_quorum_first",
    "extraordinary_quorum_second", "extraordinary_majority", "extraordinary_majority_strict",
    "notice_days_first", "notice_days_second", "proxy_rule", "max_proxies", "register_visibility",
    "partial_payment",
)
SHARE_FIELDS = ("ordinary_quorum_first", "ordinary_quorum_second", "ordinary_majority",
                "extraordinary_quorum_first", "extraordinary_quorum_second",
                "extraordinary_majority")


def statutes(coop: Cooperative) -> dict:
    return {f: getattr(coop, f) for f in STATUTE_FIELDS}


def college_weights(coop: Cooperative) -> dict[str, Fraction]:
    return {c.code: Fraction(c.weight) for c in coop.colleges}


def _check_shares(values: dict) -> dict:
    """Quorums and majorities must read as exact fractions between 0 and 1."""
    out = dict(values)
    for f in SHARE_FIELDS:
        if f in out:
            try:
                share = rules.parse_share(out[f])
            except rules.RuleError as err:
                raise DomainError(err.code, err.params | {"field": f}) from None
            if share is None and f.endswith("majority"):
                raise DomainError("majority_required", {"field": f})
            out[f] = None if share is None else rules.fraction_str(share)
    return out


@service
def update_statutes(actor: Person, coop: Cooperative, values: dict) -> Cooperative:
    """Change the statutes' parameters. Secretariat only; journaled with before/after."""
    require_admin(actor, coop)
    values = _check_shares({k: v for k, v in values.items() if k in STATUTE_FIELDS})
    if values.get("weighting", coop.weighting) == "colleges":
        try:
            rules.validate_colleges(college_weights(coop))
        except rules.RuleError as err:
            raise DomainError(err.code, err.params) from None
    before = statutes(coop)
    for k, v in values.items():
        setattr(coop, k, v)
    db.session.flush()
    b, a = diff(before, statutes(coop))
    record(actor, "cooperative.update", "cooperative", coop.id, cooperative_id=coop.id,
           before=b, after=a)
    return coop


@service
def set_colleges(actor: Person, coop: Cooperative,
                 rows: list[tuple[str, str, str]]) -> list[College]:
    """Replace the colleges with (code, name, weight text) rows; RULES.md §1 when weighted.

    A college that still has members cannot be removed.
    """
    require_admin(actor, coop)
    parsed: dict[str, tuple[str, Fraction]] = {}
    for code, name, weight in rows:
        code = code.strip()
        if code in parsed:
            raise DomainError("duplicate_college", {"college": code})
        try:
            parsed[code] = (name.strip(), rules.parse_fraction(weight))
        except rules.RuleError as err:
            raise DomainError(err.code, err.params | {"college": code}) from None
    if coop.weighting == "colleges":
        try:
            rules.validate_colleges({c: w for c, (_, w) in parsed.items()})
        except rules.RuleError as err:
            raise DomainError(err.code, err.params) from None
    before = {c.code: c.weight for c in coop.colleges}
    existing = {c.code: c for c in coop.colleges}
    for code, college in existing.items():
        if code not in parsed:
            used = db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
                Membership.college_id == college.id))
            if used:
                raise DomainError("college_in_use", {"college": code, "count": used})
            db.session.delete(college)
    for position, (code, (name, weight)) in enumerate(parsed.items()):
        college = existing.get(code) or College(cooperative_id=coop.id, code=code)
        college.name, college.weight, college.position = name, rules.fraction_str(weight), position
        db.session.add(college)
    db.session.flush()
    db.session.refresh(coop)
    record(actor, "cooperative.colleges", "cooperative", coop.id, cooperative_id=coop.id,
           before=before, after={c.code: c.weight for c in coop.colleges})
    return coop.colleges


@service
def set_role(actor: Person, coop: Cooperative, email: str, role: str, on: bool) -> None:
    """Grant or withdraw the secretariat (admin) or board role. Secretariat only."""
    require_admin(actor, coop)
    person = db.session.scalar(sa.select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        raise DomainError("unknown_person", {"email": email})
    if on:
        grant(person, coop, Role(role))
    else:
        if actor.id == person.id and role == "admin" and not actor.is_platform_admin:
            raise DomainError("cannot_drop_own_admin", {})
        db.session.execute(sa.delete(CoopRole).where(
            CoopRole.cooperative_id == coop.id, CoopRole.person_id == person.id,
            CoopRole.role == Role(role)))
        forget_roles()
    record(actor, "role.grant" if on else "role.revoke", "person", person.id,
           cooperative_id=coop.id, after={"role": role, "person": person.display_name})


@service
def create_cooperative(actor: Person, values: dict) -> Cooperative:
    """Add a cooperative to the group, with RULES.md defaults. Platform admins only."""
    if not actor.is_platform_admin:
        raise Forbidden()
    if db.session.scalar(sa.select(Cooperative.id).where(Cooperative.slug == values["slug"])):
        raise DomainError("slug_taken", {"slug": values["slug"]})
    coop = Cooperative(**values)
    db.session.add(coop)
    db.session.flush()
    grant(actor, coop, Role.ADMIN)
    record(actor, "cooperative.create", "cooperative", coop.id, cooperative_id=coop.id,
           after=statutes(coop))
    return coop


def people_with_roles(coop: Cooperative) -> list[tuple[Person, str]]:
    return db.session.execute(
        sa.select(Person, CoopRole.role).join(CoopRole, CoopRole.person_id == Person.id)
        .where(CoopRole.cooperative_id == coop.id).order_by(Person.search_name)).all()
