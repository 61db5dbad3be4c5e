"""What the route modules of assemblies share: loading what a URL names, or 404/403."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from governance.permissions import can_admin, can_see
from governance.platform.extensions import db

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
