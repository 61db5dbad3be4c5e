"""Routes of circles, under /c/<slug>/circles. Thin views: parse → call a service or a query →
render or redirect.

Anyone with a role in the cooperative reads its map of circles, each circle and its board;
who may change what is in `circles.permissions` (buttons and forms show only to them, and every
write checks it again)."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from governance.extensions import db
from governance.permissions import can_take_part
from governance.views import load_coop

from .. import bp  # noqa: F401 - the blueprint the routes hang off
from ..models import Chantier, Circle


def load_circle(slug: str, circle_id: int, allowed=None) -> tuple:
    """The cooperative and its circle named in the URL: 404 when unknown, 403 when the current
    user has no role in the cooperative, or when `allowed(current_user, circle, today())` is
    false (who may edit the circle, plan its chantiers…)."""
    coop = load_coop(slug, can_take_part)
    circle = db.session.get(Circle, circle_id)
    if circle is None or circle.cooperative_id != coop.id:
        abort(404)
    if allowed is not None and not allowed(current_user, circle, today()):
        abort(403)
    return coop, circle


def load_chantier(circle: Circle, chantier_id: int) -> Chantier:
    chantier = db.session.get(Chantier, chantier_id)
    if chantier is None or chantier.circle_id != circle.id:
        abort(404)
    return chantier


def today() -> date:
    return date.today()


from . import chantiers, circles, members  # noqa: E402,F401  (routes hang off `bp`)
