"""Who may do what in a cooperative: platform admin, secretariat (admin), board, member."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort, g, has_app_context, has_request_context
from flask_login import current_user

from .models import Cooperative, CoopRole, Membership, Person, Role, Status
from .platform.extensions import db

ACTIVE = (Status.ADMITTED,)


def roles_in(person: Person | None, coop: Cooperative) -> set[str]:
    """The person's roles in the cooperative: 'admin', 'board', 'member' (admitted sociétaire).

    Cached for the request (and for a job, which sets `g.cache_roles`); services that change
    roles clear the cache.
    """
    if person is None or not person.is_authenticated:
        return set()
    cached = has_request_context() or (has_app_context() and g.get("cache_roles"))
    cache = g.setdefault("roles_cache", {}) if cached else {}
    key = (person.id, coop.id)
    if key not in cache:
        cache[key] = _roles(person, coop)
    return set(cache[key])


def forget_roles() -> None:
    if has_app_context():
        g.pop("roles_cache", None)


def _roles(person: Person, coop: Cooperative) -> set[str]:
    roles = set(db.session.scalars(sa.select(CoopRole.role).where(
        CoopRole.cooperative_id == coop.id, CoopRole.person_id == person.id)))
    roles = {r.value if hasattr(r, "value") else r for r in roles}
    status = db.session.scalar(sa.select(Membership.status).where(
        Membership.cooperative_id == coop.id, Membership.person_id == person.id))
    if status in ACTIVE:
        roles.add("member")
    if person.is_platform_admin:
        roles.add("admin")
    return roles


def can_admin(person, coop) -> bool:
    return "admin" in roles_in(person, coop)


def can_see(person, coop) -> bool:
    """Any role in the cooperative lets a person see its summary."""
    return bool(roles_in(person, coop))


def can_take_part(person, coop) -> bool:
    """A role in the cooperative, or a running entrepreneur-salarié's contract: a CAE's
    entrepreneurs join its circles and are paid for their time before they are sociétaires."""
    if can_see(person, coop):
        return True
    if person is None or not person.is_authenticated:
        return False
    from datetime import date

    from .contracts.models import EntrepreneurContract
    return db.session.scalar(sa.select(EntrepreneurContract.id).where(
        EntrepreneurContract.cooperative_id == coop.id,
        EntrepreneurContract.person_id == person.id,
        sa.or_(EntrepreneurContract.ended_on.is_(None),
               EntrepreneurContract.ended_on >= date.today())).limit(1)) is not None


def can_see_register(person, coop) -> bool:
    roles = roles_in(person, coop)
    if roles & {"admin", "board"}:
        return True
    return "member" in roles and coop.register_visibility == "names"


def can_see_contacts(person, coop) -> bool:
    """Emails and addresses of other members: secretariat and board only."""
    return bool(roles_in(person, coop) & {"admin", "board"})


def can_run_board(person, coop) -> bool:
    """Board meetings, their agenda and attendance: secretariat and board."""
    return bool(roles_in(person, coop) & {"admin", "board"})


def platform_admin_required(view):
    """Only platform admins (403 for others; login first when anonymous)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from flask import current_app
            return current_app.login_manager.unauthorized()
        if not current_user.is_platform_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def grant(person: Person, coop: Cooperative, role: Role) -> CoopRole:
    """Give a role (used by services and the demo)."""
    existing = db.session.scalar(sa.select(CoopRole).where(
        CoopRole.cooperative_id == coop.id, CoopRole.person_id == person.id,
        CoopRole.role == role))
    if existing:
        return existing
    cr = CoopRole(cooperative_id=coop.id, person_id=person.id, role=role)
    db.session.add(cr)
    forget_roles()
    return cr
