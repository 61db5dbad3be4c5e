"""Routes of the contributive budget, under /c/<slug>/contributions. Thin views: parse →
call a service or a query → render.

Members log and follow their time; reviewers review their circles' time; the secretariat
records budgets and envelopes and closes months into payment batches; anyone with a role in the
cooperative reads the budget reports."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from governance.extensions import db
from governance.permissions import can_admin

from .. import bp  # noqa: F401 - routes hang off it
from ..models import Contribution


def entry_or_404(coop, entry_id: int) -> Contribution:
    entry = db.session.get(Contribution, entry_id)
    if entry is None or entry.cooperative_id != coop.id:
        abort(404)
    return entry


@bp.app_template_global()
def contribution_nav(coop) -> dict:
    """Which links of the contributive budget's menu the current user gets."""
    from ..entry_queries import reviews_any
    return {"reviewer": reviews_any(current_user.id, coop.id, date.today()),
            "admin": can_admin(current_user, coop)}


from . import budgets, entries, payments, review  # noqa: E402,F401
