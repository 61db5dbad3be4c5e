"""Reviewers (the circle's lead link or a designated reviewer) approve or reject the time
logged in their circles; htmx swaps the reviewed row in place."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.platform.extensions import db, htmx
from governance.views.common import load_coop, run

from .. import entry_queries as q
from ..blueprint import bp
from ..forms.entries import ReviewForm
from ..services import review as reviewing
from .common import entry_or_404
from .entries import can_contribute


@bp.get("/c/<slug>/contributions/review")
@login_required
def review(slug):
    """Entries waiting for review in the circles the current user reviews."""
    coop = load_coop(slug, can_contribute)
    if not q.reviews_any(current_user.id, coop.id, date.today()):
        abort(403)
    queues, total = q.review_queue(current_user.id, coop.id, date.today())
    return render_template("contributions/review.html", coop=coop, form=ReviewForm(),
                           queues=queues, total=total, shown=min(total, q.QUEUE))


@bp.post("/c/<slug>/contributions/<int:entry_id>/<any(approve, reject):decision>")
@login_required
def decide(slug, entry_id, decision):
    """Approve or reject one entry; the service checks the reviewer and the envelope."""
    coop = load_coop(slug, can_contribute)
    entry = entry_or_404(coop, entry_id)
    if current_user.id not in q.circles.reviewer_ids(entry.circle_id, date.today()):
        abort(403)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    if decision == "approve":
        done = run(lambda: reviewing.approve(current_user, entry), _("Approved."))
    else:
        done = run(lambda: reviewing.reject(current_user, entry, form.reason.data or ""),
                   _("Rejected; the author will read your reason."))
    if htmx:
        db.session.refresh(entry)
        return render_template("contributions/_review_row.html", coop=coop, entry=entry,
                               form=ReviewForm(), done=done is not None)
    return redirect(url_for(".review", slug=coop.slug))
