"""A circle's members, custom roles and role terms: forms posted from the circle's page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.platform.extensions import db
from governance.views.common import child_or_404, run

from .. import services as svc
from ..blueprint import bp
from ..forms import DateForm, MemberForm, RoleForm, TermForm
from ..models import CircleMember, CircleRole, RoleAssignment
from ..permissions import can_assign, can_edit
from .circles import render_show
from .common import load_circle, today


def _back(slug, circle):
    return redirect(url_for("circles.show", slug=slug, circle_id=circle.id))


def _refused(form):
    """A date form posted from the circle's page: its errors as messages on the page."""
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


@bp.post("/c/<slug>/circles/<int:circle_id>/members")
@login_required
def member_add(slug, circle_id):
    """A person joins the circle (secretariat or lead link)."""
    coop, circle = load_circle(slug, circle_id, can_edit)
    form = MemberForm()
    if form.validate_on_submit() and run(lambda: svc.add_member(
            current_user, circle, svc.find_person(coop, form.person.data), form.joined_on.data,
            today=today()), _("Member added.")):
        return _back(slug, circle)
    return render_show(coop, circle, 400, member_form=form)


@bp.post("/c/<slug>/circles/<int:circle_id>/members/<int:member_id>/leave")
@login_required
def member_leave(slug, circle_id, member_id):
    """A member leaves the circle on a date (secretariat or lead link)."""
    coop, circle = load_circle(slug, circle_id, can_edit)
    member = child_or_404(CircleMember, member_id, circle_id=circle.id)
    form = DateForm()
    if form.validate_on_submit() and run(
            lambda: svc.remove_member(current_user, member, form.on.data, today=today()),
            _("%(name)s left the circle.", name=member.person.display_name)):
        return _back(slug, circle)
    _refused(form)
    return render_show(coop, circle, 400)


@bp.post("/c/<slug>/circles/<int:circle_id>/roles")
@login_required
def role_add(slug, circle_id):
    """Add a custom role with its purpose and accountabilities (secretariat or lead link)."""
    coop, circle = load_circle(slug, circle_id, can_edit)
    form = RoleForm()
    if form.validate_on_submit() and run(lambda: svc.add_role(current_user, circle, svc.RoleDraft(
            form.name.data, form.purpose.data, form.accountabilities.data, form.reviews.data),
            today=today()), _("Role added.")):
        return _back(slug, circle)
    return render_show(coop, circle, 400, role_form=form)


def _role(circle, role_id) -> CircleRole:
    role = child_or_404(CircleRole, role_id, circle_id=circle.id)
    return role


@bp.post("/c/<slug>/circles/<int:circle_id>/roles/<int:role_id>/remove")
@login_required
def role_remove(slug, circle_id, role_id):
    """Stop using a custom role from a date (secretariat or lead link)."""
    coop, circle = load_circle(slug, circle_id, can_edit)
    role = _role(circle, role_id)
    form = DateForm()
    if form.validate_on_submit() and run(
            lambda: svc.remove_role(current_user, role, form.on.data, today=today()),
            _("Role removed.")):
        return _back(slug, circle)
    _refused(form)
    return render_show(coop, circle, 400)


@bp.post("/c/<slug>/circles/<int:circle_id>/roles/<int:role_id>/terms")
@login_required
def term_assign(slug, circle_id, role_id):
    """Give a role to a person for a term. The lead link is assigned by the secretariat or
    the parent circle's lead link, the other roles by the circle's lead link too."""
    coop, circle = load_circle(slug, circle_id)
    role = _role(circle, role_id)
    if not can_assign(current_user, role, today()):
        abort(403)
    form = TermForm(prefix=f"r{role.id}")
    if form.validate_on_submit() and run(lambda: svc.assign_role(
            current_user, role, svc.find_person(coop, form.person.data), form.starts_on.data,
            form.ends_on.data, today=today()), _("Role holder recorded.")):
        return _back(slug, circle)
    return render_show(coop, circle, 400, term_forms={role.id: form})


@bp.post("/c/<slug>/circles/<int:circle_id>/terms/<int:term_id>/end")
@login_required
def term_end(slug, circle_id, term_id):
    """End a role holder's term on a date (same people as for assigning it)."""
    coop, circle = load_circle(slug, circle_id)
    term = db.session.get(RoleAssignment, term_id)
    if term is None or term.role.circle_id != circle.id:
        abort(404)
    if not can_assign(current_user, term.role, today()):
        abort(403)
    form = DateForm()
    if form.validate_on_submit() and run(
            lambda: svc.end_term(current_user, term, form.on.data, today=today()),
            _("Term ended.")):
        return _back(slug, circle)
    _refused(form)
    return render_show(coop, circle, 400)
