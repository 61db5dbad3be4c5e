"""Members log time for their circles, follow its review and what they are owed, edit an entry
not yet approved and correct one that is."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from circles.models import Chantier, Circle, CircleRole
from governance.permissions import can_take_part
from governance.platform.extensions import db
from governance.platform.urls import page_number
from governance.views.common import load_coop, run

from .. import entry_queries as q
from .. import rules
from ..blueprint import bp
from ..forms.entries import CorrectionForm, EntryForm
from ..labels import GLOBALS
from ..services.entries import EntryDraft, correct_contribution, edit_contribution, log_contribution
from .common import entry_or_404


def can_contribute(person, coop) -> bool:
    """A role in the cooperative, a CAE entrepreneur's running contract, or a place in one of
    its circles (an entrepreneur of a CAE contributes before becoming a sociétaire)."""
    return can_take_part(person, coop) or bool(
        q.circles.circles_of(person.id, coop.id, date.today()))


def _form(coop, entry=None) -> EntryForm:
    mine, chantiers, roles = q.choices(current_user.id, coop.id, date.today())
    if entry is not None and entry.circle not in mine:
        mine.append(entry.circle)
    labelled = [(r, r.name or GLOBALS["budget_role_label"](r.kind)) for r in roles]
    data = {} if entry is None else {"obj": entry, "circle": entry.circle_id,
                                     "chantier": entry.chantier_id or 0,
                                     "role": entry.role_id or 0, "hours": str(entry.hours)}
    form = EntryForm(circles=mine, chantiers=chantiers, roles=labelled, **data)
    if entry is None and not form.is_submitted():
        form.worked_on.data = date.today()
    return form


def _draft(form: EntryForm) -> EntryDraft:
    def pick(model, value):
        return db.session.get(model, value) if value else None

    return EntryDraft(circle=pick(Circle, form.circle.data), worked_on=form.worked_on.data,
                      hours=form.hours_value, description=form.description.data or "",
                      chantier=pick(Chantier, form.chantier.data),
                      role=pick(CircleRole, form.role.data))


@bp.route("/c/<slug>/contributions/", methods=["GET", "POST"])
@login_required
def mine(slug):
    """The member's time: the log form, their entries with status, what they are owed."""
    coop = load_coop(slug, can_contribute)
    form = _form(coop)
    if form.validate_on_submit():
        if run(lambda: log_contribution(current_user, coop, _draft(form)),
               _("Your time is logged and waits for review.")):
            return redirect(url_for(".mine", slug=coop.slug))
    page = page_number()
    entries, more = q.my_entries(current_user.id, coop.id, page)
    return render_template("contributions/mine.html", coop=coop, form=form, entries=entries,
                           page=page, more=more, summary=q.summary(current_user.id, coop.id,
                                                                   date.today()),
                           editable=rules.EDITABLE,
                           counted=rules.COUNTED)


@bp.route("/c/<slug>/contributions/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, entry_id):
    """Its author changes an entry waiting for review or rejected."""
    coop = load_coop(slug, can_contribute)
    entry = entry_or_404(coop, entry_id)
    if entry.person_id != current_user.id or entry.corrects_id is not None:
        abort(403)
    form = _form(coop, entry)
    if form.validate_on_submit():
        if run(lambda: edit_contribution(current_user, entry, _draft(form)),
               _("The entry is changed and waits for review.")):
            return redirect(url_for(".mine", slug=coop.slug))
    return render_template("contributions/entry_edit.html", coop=coop, form=form, entry=entry,
                           locked=str(entry.status) not in rules.EDITABLE)


@bp.route("/c/<slug>/contributions/<int:entry_id>/correct", methods=["GET", "POST"])
@login_required
def correct(slug, entry_id):
    """Take back hours of an approved or paid entry (its author or a reviewer of the circle)."""
    coop = load_coop(slug, can_contribute)
    entry = entry_or_404(coop, entry_id)
    if entry.person_id != current_user.id and current_user.id not in \
            q.circles.reviewer_ids(entry.circle_id, date.today()):
        abort(403)
    form = CorrectionForm()
    if form.validate_on_submit():
        if run(lambda: correct_contribution(current_user, entry, form.hours_value,
                                            form.description.data),
               _("The correction is recorded and waits for review.")):
            back = ".mine" if entry.person_id == current_user.id else ".review"
            return redirect(url_for(back, slug=coop.slug))
    return render_template("contributions/entry_correct.html", coop=coop, form=form,
                           entry=entry)
