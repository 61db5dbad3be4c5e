"""The audit journal page: platform admins see all, a cooperative's secretariat its own."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user, login_required

from ..blueprint import bp
from ..models import AuditEntry, Cooperative
from ..permissions import can_admin
from ..platform.extensions import db

PAGE = 100


@bp.get("/audit")
@login_required
def audit():
    """Filter by cooperative, action and actor; newest first."""
    coops = db.session.scalars(sa.select(Cooperative).order_by(Cooperative.name)).all()
    visible = [c for c in coops if can_admin(current_user, c)]
    if not visible and not current_user.is_platform_admin:
        abort(403)
    stmt = sa.select(AuditEntry)
    slug = request.args.get("coop", "")
    if slug:
        coop = next((c for c in visible if c.slug == slug), None)
        if coop is None:
            abort(403)
        stmt = stmt.where(AuditEntry.cooperative_id == coop.id)
    elif not current_user.is_platform_admin:
        stmt = stmt.where(AuditEntry.cooperative_id.in_([c.id for c in visible]))
    action = request.args.get("action", "")[:64]
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    actor = request.args.get("actor", "")[:100].lower()
    if actor:
        stmt = stmt.where(AuditEntry.actor_label.contains(actor, autoescape=True))
    try:
        before = int(request.args.get("before", "0"))
    except ValueError:
        before = 0
    if before:
        stmt = stmt.where(AuditEntry.id < before)
    entries = db.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(PAGE)).all()
    return render_template("governance/audit.html", entries=entries, coops=visible,
                           args={"coop": slug, "action": action, "actor": actor},
                           more=len(entries) == PAGE)
