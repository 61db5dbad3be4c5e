"""A circle's board of chantiers: columns by status; add a chantier, move it, change it.

With htmx the board updates in place (`_board.html` comes back alone); without JavaScript the
same forms post and redirect to the board."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.platform.extensions import htmx
from governance.platform.messages import message
from governance.views.common import run

from .. import queries
from .. import services as svc
from ..blueprint import bp
from ..forms import STATUSES, ChantierForm, MoveForm
from ..permissions import can_plan
from .common import load_chantier, load_circle, today


def _draft(form) -> svc.ChantierDraft:
    return svc.ChantierDraft(title=form.title.data, description=form.description.data,
                             status=form.status.data, hours=form.hours.data or "",
                             due_on=form.due_on.data, people=list(form.people.data or []))


def _board(coop, circle, form=None, status=200):
    """The board page, or only the board when htmx asks (errors included, so htmx swaps it)."""
    day = today()
    plans = circle.dissolved_on is None and can_plan(current_user, circle, day)
    form = form or ChantierForm(formdata=None, people=queries.involvable(circle, day))
    context = dict(coop=coop, circle=circle, columns=queries.chantiers_by_status(circle.id),
                   statuses=STATUSES, plans=plans, form=form, move_form=MoveForm(formdata=None))
    if htmx:
        return render_template("circles/_board.html", partial=True, **context)
    return render_template("circles/board.html", **context), status


@bp.get("/c/<slug>/circles/<int:circle_id>/chantiers")
@login_required
def board(slug, circle_id):
    """The circle's chantiers by status; its members, role holders and the secretariat plan
    them here."""
    coop, circle = load_circle(slug, circle_id)
    return _board(coop, circle)


@bp.post("/c/<slug>/circles/<int:circle_id>/chantiers")
@login_required
def chantier_add(slug, circle_id):
    """Add a chantier to the board."""
    coop, circle = load_circle(slug, circle_id, can_plan)
    form = ChantierForm(people=queries.involvable(circle, today()))
    if form.validate_on_submit() and run(
            lambda: svc.create_chantier(current_user, circle, _draft(form), today=today()),
            _("Chantier added.")):
        if htmx:
            return _board(coop, circle)
        return redirect(url_for("circles.board", slug=slug, circle_id=circle.id))
    return _board(coop, circle, form, 400)


@bp.post("/c/<slug>/circles/<int:circle_id>/chantiers/<int:chantier_id>/move")
@login_required
def chantier_move(slug, circle_id, chantier_id):
    """Move a chantier to another status."""
    coop, circle = load_circle(slug, circle_id, can_plan)
    chantier = load_chantier(circle, chantier_id)
    form = MoveForm()
    if form.validate_on_submit():
        run(lambda: svc.move_chantier(current_user, chantier, form.status.data, today=today()),
            _("“%(title)s” moved.", title=chantier.title))
    else:
        flash(message("chantier_status"), "error")
    if htmx:
        return _board(coop, circle)
    return redirect(url_for("circles.board", slug=slug, circle_id=circle.id))


@bp.route("/c/<slug>/circles/<int:circle_id>/chantiers/<int:chantier_id>/edit",
          methods=["GET", "POST"])
@login_required
def chantier_edit(slug, circle_id, chantier_id):
    """Change a chantier's title, description, status, hours, due date and people."""
    coop, circle = load_circle(slug, circle_id, can_plan)
    chantier = load_chantier(circle, chantier_id)
    people = {p.id: p for p in queries.involvable(circle, today())} | \
        {p.id: p for p in chantier.people}
    form = ChantierForm(obj=chantier, people=sorted(people.values(),
                                                     key=lambda p: p.display_name.lower()))
    if not form.is_submitted():
        form.status.data = getattr(chantier.status, "value", chantier.status)
        form.hours.data = "" if chantier.estimated_hours is None else \
            format(chantier.estimated_hours.normalize(), "f")
        form.people.data = [p.id for p in chantier.people]
    if form.validate_on_submit() and run(
            lambda: svc.edit_chantier(current_user, chantier, _draft(form), today=today()),
            _("Chantier updated.")):
        return redirect(url_for("circles.board", slug=slug, circle_id=circle.id))
    return render_template("circles/chantier.html", coop=coop, circle=circle,
                           chantier=chantier, form=form), 400 if form.is_submitted() else 200
