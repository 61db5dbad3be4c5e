"""What the route modules of governance and its features share: the cooperative a URL names, and a
service call whose refusal becomes a message."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, g
from flask_login import current_user

from ..models import Cooperative
from ..permissions import can_see
from ..platform.extensions import db
from ..platform.messages import message
from ..platform.service import DomainError, Forbidden


def load_coop(slug: str, allowed=can_see) -> Cooperative:
    """The cooperative named in the URL, or 404; 403 unless `allowed(current_user, coop)`."""
    coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == slug))
    if coop is None:
        abort(404)
    g.coop = coop
    if not allowed(current_user, coop):
        abort(403)
    return coop


def child_or_404(model, row_id, **owner):
    """The row `row_id` of `model` whose columns equal `owner` (the parent the URL names, e.g.
    `cooperative_id=coop.id`), else 404: an id of another cooperative is as unknown as none."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in owner.items()):
        abort(404)
    return row


def run(action, success: str | None = None):
    """Call a service; flash its domain error (translated) and return None when it refuses."""
    try:
        result = action()
    except Forbidden:
        abort(403)
    except DomainError as err:
        flash(message(err.code, err.params), "error")
        return None
    if success:
        flash(success, "success")
    return result
