"""What the route modules of contributions share: loading what a URL names, or 404/403."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from governance.permissions import can_admin
from governance.views.common import child_or_404

from ..blueprint import bp
from ..models import Contribution


def entry_or_404(coop, entry_id: int) -> Contribution:
    entry = child_or_404(Contribution, entry_id, cooperative_id=coop.id)
    return entry


@bp.app_template_global()
def contribution_nav(coop) -> dict:
    """Which links of the contributive budget's menu the current user gets."""
    from ..entry_queries import reviews_any
    return {"reviewer": reviews_any(current_user.id, coop.id, date.today()),
            "admin": can_admin(current_user, coop)}
