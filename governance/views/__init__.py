"""The `gov` blueprint: cooperatives, colleges, the register, the audit journal."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..messages import message
from ..models import Cooperative, Membership
from ..permissions import can_see
from ..services import DomainError, Forbidden

bp = Blueprint("gov", __name__, template_folder="../templates")


def load_coop(slug: str, allowed=can_see) -> Cooperative:
    """The cooperative named in the URL, or 404; 403 unless `allowed(current_user, coop)`."""
    coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == slug))
    if coop is None:
        abort(404)
    g.coop = coop
    if not allowed(current_user, coop):
        abort(403)
    return coop


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


@bp.get("/")
def home():
    """Landing page; a logged-in person sees their cooperatives."""
    if not current_user.is_authenticated:
        return render_template("governance/home.html", memberships=[])
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.person_id == current_user.id)
        .options(sa.orm.joinedload(Membership.cooperative), sa.orm.joinedload(Membership.college))
        .order_by(Membership.cooperative_id)).all()
    return render_template("governance/home.html", memberships=memberships)


@bp.get("/cooperatives")
@login_required
def cooperatives():
    """The group's cooperatives (public facts of the group), for every logged-in person."""
    listed = db.session.scalars(sa.select(Cooperative).order_by(Cooperative.name)).all()
    return render_template("governance/cooperatives.html", coops=listed)


# The route modules hang their routes off `bp`, so they are imported once it exists: the
# register, accounts' pages, share capital and its campaigns and CSV import, the board, CAE
# contracts, and the pages of jobs (an import's confirmation).
from . import (  # noqa: E402,F401
    audit,
    board,
    campaigns,
    capital,
    capital_import,
    contracts,
    coops,
    imports,
    jobs,
    register,
)
