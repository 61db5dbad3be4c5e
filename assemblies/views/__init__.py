"""Routes of general assemblies. Thin views: parse → call a service or a query → render.

Who sees an assembly: anyone with a role in one of its cooperatives. The host cooperative's
secretariat runs it; sociétaires answer, give proxies and vote for themselves."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from governance.extensions import db
from governance.permissions import can_admin, can_see

from ..models import Assembly, Participant


def assembly_or_404(assembly_id: int) -> Assembly:
    """The assembly named in the URL; 404 when unknown, 403 for someone outside its
    cooperatives."""
    assembly = db.session.get(Assembly, assembly_id)
    if assembly is None:
        abort(404)
    if not any(can_see(current_user, c) for c in assembly.cooperatives):
        abort(403)
    return assembly


def manages(assembly: Assembly) -> bool:
    return can_admin(current_user, assembly.cooperative)


def require_manager(assembly: Assembly) -> None:
    if not manages(assembly):
        abort(403)


def my_places(assembly: Assembly) -> list[Participant]:
    """The current user's places on the roll (one per cooperative of a joint assembly)."""
    return list(db.session.scalars(sa.select(Participant).where(
        Participant.assembly_id == assembly.id, Participant.person_id == current_user.id)))


from . import convocation, keys, member, minutes, prepare, sitting  # noqa: E402,F401  (routes hang off `bp`)
