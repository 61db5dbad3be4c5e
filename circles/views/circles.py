"""The map of a cooperative's circles, a circle's page, creating, changing and dissolving."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.permissions import can_admin, can_take_part
from governance.views.common import load_coop, run

from .. import queries, rules
from .. import services as svc
from ..blueprint import bp
from ..forms import CircleForm, DateForm, MemberForm, RoleForm, TermForm
from ..permissions import can_assign, can_create_circle, can_edit
from .common import load_circle, today


@bp.get("/c/<slug>/circles")
@login_required
def index(slug):
    """The map: the cooperative's circles nested in one another, with today's role holders."""
    coop = load_coop(slug, can_take_part)
    day = today()
    admin = can_admin(current_user, coop)
    creates = admin or bool(_led(coop.id, day))
    return render_template("circles/index.html", coop=coop, roots=queries.tree(coop.id, day),
                           creates=creates,
                           dissolved=[c for c in queries.coop_circles(coop.id)
                                      if c.dissolved_on is not None])


def _led(coop_id, day):
    """The living circles the current user is lead link of."""
    return queries.led_by(current_user.id, coop_id, day)


def render_show(coop, circle, status=200, **forms):
    """A circle's page; `forms` holds the forms refused by a POST, shown with their errors."""
    day = today()
    edits = circle.dissolved_on is None and can_edit(current_user, circle, day)
    roles = queries.circle_roles(circle, day)
    everyone = queries.members_of(circle.id)
    assigns = {r.role.id for r in roles
               if circle.dissolved_on is None and can_assign(current_user, r.role, day)}
    return render_template(
        "circles/show.html", coop=coop, circle=circle, roles=roles, assigns=assigns,
        edits=edits,
        members=[m for m in everyone if m.left_on is None or m.left_on >= day],
        former=[m for m in everyone if m.left_on is not None and m.left_on < day],
        history=queries.history(circle),
        children=[c for c in queries.coop_circles(coop.id, dissolved=False)
                  if c.parent_id == circle.id],
        creates=circle.dissolved_on is None and can_create_circle(
            current_user, coop, circle, day),
        member_form=forms.get("member_form") or MemberForm(formdata=None),
        role_form=forms.get("role_form") or RoleForm(formdata=None),
        term_forms={r.role.id: forms.get("term_forms", {}).get(r.role.id)
                    or TermForm(formdata=None, prefix=f"r{r.role.id}") for r in roles}), status


@bp.get("/c/<slug>/circles/<int:circle_id>")
@login_required
def show(slug, circle_id):
    """A circle: purpose, domains, accountabilities, members, roles and their holders' terms,
    sub-circles and the dated history of its revisions."""
    coop, circle = load_circle(slug, circle_id)
    return render_show(coop, circle)


def _draft(form) -> svc.CircleDraft:
    return svc.CircleDraft(name=form.name.data, purpose=form.purpose.data,
                           domains=form.domains.data,
                           accountabilities=form.accountabilities.data,
                           parent_id=form.parent.data)


@bp.route("/c/<slug>/circles/new", methods=["GET", "POST"])
@login_required
def new(slug):
    """Create a circle: the secretariat anywhere, a lead link within the circle they lead."""
    coop = load_coop(slug, can_take_part)
    day = today()
    admin = can_admin(current_user, coop)
    parents = queries.coop_circles(coop.id, dissolved=False) if admin else _led(coop.id, day)
    if not parents and not admin:
        abort(403)
    form = CircleForm(parents=[(c.id, c.name) for c in parents], top=admin)
    if request.method == "GET" and request.args.get("parent", "").isdigit():
        form.parent.data = int(request.args["parent"])
    if form.validate_on_submit():
        circle = run(lambda: svc.create_circle(current_user, coop, _draft(form), today=day),
                     _("Circle created, with its lead link, facilitator, secretary and rep "
                       "link roles."))
        if circle is not None:
            return redirect(url_for("circles.show", slug=slug, circle_id=circle.id))
    return render_template("circles/form.html", coop=coop, form=form, circle=None), \
        400 if form.is_submitted() else 200


def _edit_form(coop, circle, fresh: bool) -> CircleForm:
    """The circle's form, offering as parents every living circle that is not itself or below
    it; `fresh`: filled from the circle, not from the request."""
    parents = queries.parents_of(coop.id)
    choices = [(c.id, c.name) for c in queries.coop_circles(coop.id, dissolved=False)
               if c.id != circle.id and circle.id not in rules.ancestors(c.id, parents)]
    form = CircleForm(formdata=None if fresh else request.form, obj=circle, parents=choices)
    if fresh:
        form.parent.data = circle.parent_id
    return form


@bp.route("/c/<slug>/circles/<int:circle_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, circle_id):
    """Change a circle's purpose, domains, accountabilities or nesting (secretariat or lead
    link); the previous version stays in its history."""
    coop, circle = load_circle(slug, circle_id)
    day = today()
    if not can_edit(current_user, circle, day) or circle.dissolved_on is not None:
        abort(403)
    form = _edit_form(coop, circle, fresh=request.method == "GET")
    if form.validate_on_submit():
        changed = run(lambda: svc.edit_circle(current_user, circle, _draft(form), today=day))
        if changed is not None:
            flash(_("Circle updated.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("circles.show", slug=slug, circle_id=circle.id))
    return render_template("circles/form.html", coop=coop, form=form, circle=circle,
                           date_form=DateForm(formdata=None)), 400 if form.is_submitted() else 200


@bp.post("/c/<slug>/circles/<int:circle_id>/dissolve")
@login_required
def dissolve(slug, circle_id):
    """Dissolve a circle on a date (secretariat or lead link)."""
    coop, circle = load_circle(slug, circle_id, can_edit)
    form = DateForm()
    if form.validate_on_submit() and run(
            lambda: svc.dissolve_circle(current_user, circle, form.on.data, today=today()),
            _("Circle dissolved.")):
        return redirect(url_for("circles.show", slug=slug, circle_id=circle.id))
    return render_template("circles/form.html", coop=coop, circle=circle, date_form=form,
                           form=_edit_form(coop, circle, fresh=True)), 400
