"""What the route modules of circles share: loading what a URL names, or 404/403."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from governance.permissions import can_take_part
from governance.views.common import child_or_404, load_coop

from ..models import Chantier, Circle


def load_circle(slug: str, circle_id: int, allowed=None) -> tuple:
    """The cooperative and its circle named in the URL: 404 when unknown, 403 when the current
    user has no role in the cooperative, or when `allowed(current_user, circle, today())` is
    false (who may edit the circle, plan its chantiers…)."""
    coop = load_coop(slug, can_take_part)
    circle = child_or_404(Circle, circle_id, cooperative_id=coop.id)
    if allowed is not None and not allowed(current_user, circle, today()):
        abort(403)
    return coop, circle


def load_chantier(circle: Circle, chantier_id: int) -> Chantier:
    chantier = child_or_404(Chantier, chantier_id, circle_id=circle.id)
    return chantier


def today() -> date:
    return date.today()
