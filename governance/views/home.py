"""The landing page and the list of the group's cooperatives."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user, login_required

from ..blueprint import bp
from ..models import Cooperative, Membership
from ..platform.extensions import db


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
