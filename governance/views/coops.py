"""Routes of a cooperative: summary with voting rights per college, statutes, colleges, roles."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..blueprint import bp
from ..capital import queries as capital_queries
from ..forms.coops import SHARE_HINT, CollegesForm, NewCooperativeForm, RoleForm, StatutesForm
from ..permissions import can_admin, can_see_register, platform_admin_required, roles_in
from ..services import cooperatives as svc
from .common import load_coop, run


@bp.get("/c/<slug>")
@login_required
def coop(slug):
    """Summary: statutes and, per college, members, share of votes (and of capital)."""
    coop = load_coop(slug)
    return render_template("governance/coop.html", coop=coop,
                           colleges=capital_queries.college_lines(coop),
                           roles=roles_in(current_user, coop),
                           can_admin=can_admin(current_user, coop),
                           can_see_register=can_see_register(current_user, coop))


@bp.route("/c/<slug>/statutes", methods=["GET", "POST"])
@login_required
def statutes(slug):
    coop = load_coop(slug, can_admin)
    form = StatutesForm(obj=coop)
    if form.validate_on_submit():
        values = {f.name: f.data for f in form if f.name != "csrf_token"}
        if run(lambda: svc.update_statutes(current_user, coop, values), _("Statutes saved.")):
            return redirect(url_for("gov.coop", slug=slug))
    return render_template("governance/statutes.html", coop=coop, form=form, hint=SHARE_HINT)


@bp.route("/c/<slug>/colleges", methods=["GET", "POST"])
@login_required
def colleges(slug):
    coop = load_coop(slug, can_admin)
    form = CollegesForm()
    if not form.is_submitted():
        for entry, college in zip(form.rows, coop.colleges, strict=False):
            entry.form.code.data, entry.form.name.data = college.code, college.name
            entry.form.weight.data = college.weight
    elif form.validate() and run(lambda: svc.set_colleges(current_user, coop, form.filled()),
                                 _("Colleges saved.")):
        return redirect(url_for("gov.coop", slug=slug))
    return render_template("governance/colleges.html", coop=coop, form=form)


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@platform_admin_required
def coop_new():
    """A platform admin adds a cooperative to the group (statutes default to RULES.md)."""
    form = NewCooperativeForm()
    if form.validate_on_submit():
        values = {f.name: f.data for f in form if f.name != "csrf_token"}
        coop = run(lambda: svc.create_cooperative(current_user, values),
                   _("Cooperative created. Check its statutes."))
        if coop:
            return redirect(url_for("gov.statutes", slug=coop.slug))
    return render_template("governance/coop_new.html", form=form)


@bp.route("/c/<slug>/roles", methods=["GET", "POST"])
@login_required
def roles(slug):
    """Who holds the secretariat and the board; the secretariat grants and withdraws roles."""
    coop = load_coop(slug, can_admin)
    form = RoleForm()
    if form.validate_on_submit():
        grant_it = request.form.get("action", "grant") == "grant"
        if run(lambda: svc.set_role(current_user, coop, form.email.data, form.role.data,
                                    grant_it),
               _("Role granted.") if grant_it else _("Role withdrawn.")):
            return redirect(url_for("gov.roles", slug=slug))
    return render_template("governance/roles.html", coop=coop, form=form,
                           holders=svc.people_with_roles(coop))
