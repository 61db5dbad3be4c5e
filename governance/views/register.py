"""Routes of the register: list/search/filter, a member's page, admissions and exits."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..blueprint import bp
from ..capital import queries as cq
from ..capital.rules import Balance
from ..contracts.queries import late_count
from ..forms.register import STATUSES, CollegeMoveForm, MemberForm, StatusForm
from ..models import Membership
from ..permissions import can_admin, can_see_contacts, can_see_register
from ..platform.extensions import db, htmx
from ..platform.messages import message
from ..platform.urls import page_number
from ..queries import member_voting_share, register_page
from ..services import register as svc
from .common import load_coop, run


@bp.get("/c/<slug>/members")
@login_required
def members(slug):
    """The register, searchable and filtered; htmx asks only for the table."""
    coop = load_coop(slug, can_see_register)
    args = {k: request.args.get(k, "")[:100] for k in ("q", "college", "status")}
    if args["status"] not in {s for s, _label in STATUSES}:
        args["status"] = ""
    size = current_app.config["REGISTER_PAGE_SIZE"]
    page = page_number()
    rows, total = register_page(coop, page=page, size=size, **args)
    ctx = dict(coop=coop, rows=rows, total=total, page=page, pages=max(1, -(-total // size)),
               args=args, statuses=STATUSES, contacts=can_see_contacts(current_user, coop),
               can_admin=can_admin(current_user, coop))
    if htmx and htmx.target == "register-results":
        return render_template("governance/_register_table.html", **ctx)
    if ctx["contacts"]:  # secretariat and board: who is late joining (CAE)
        ctx["late_entrepreneurs"] = late_count(coop.id, date.today())
    return render_template("governance/members.html", **ctx)


def _membership(coop, number: int) -> Membership:
    m = db.session.scalar(sa.select(Membership).where(
        Membership.cooperative_id == coop.id, Membership.number == number))
    if m is None:
        abort(404)
    return m


def _own_or(check):
    """Allow the member themselves, or whoever `check` allows."""
    return lambda person, coop: True if person.is_authenticated and any(
        m.cooperative_id == coop.id for m in person.memberships) else check(person, coop)


@bp.get("/c/<slug>/members/<int:number>")
@login_required
def member(slug, number):
    """A member's page: college, weight, effective voting share; contacts for the secretariat."""
    coop = load_coop(slug, _own_or(can_see_register))
    m = _membership(coop, number)
    own = m.person_id == current_user.id
    if not own and not can_see_register(current_user, coop):
        abort(403)
    admin = can_admin(current_user, coop)
    college_form = CollegeMoveForm(on=date.today()) if admin else None
    if college_form:
        college_form.college.choices = [(c.code, c.name) for c in coop.colleges]
    contacts = own or can_see_contacts(current_user, coop)  # also who sees the statement
    return render_template(
        "governance/member.html", coop=coop, m=m, share=member_voting_share(m), own=own,
        held=cq.member_balances([m.id]).get(m.id, Balance()) if contacts else None,
        contacts=contacts, admin=admin,
        status_form=StatusForm(on=date.today()) if admin else None, college_form=college_form)


@bp.route("/c/<slug>/members/new", methods=["GET", "POST"])
@login_required
def member_new(slug):
    coop = load_coop(slug, can_admin)
    form = MemberForm()
    form.college.choices = [("", "—")] + [(c.code, c.name) for c in coop.colleges]
    if form.validate_on_submit():
        data = svc.NewMember(**{k: form[k].data for k in svc.NewMember.__dataclass_fields__
                                if k in form and k != "number"})
        data.email = data.email or None
        data.representative_email = data.representative_email or None
        m = run(lambda: svc.add_member(current_user, coop, data), _("Member registered."))
        if m:
            return redirect(url_for("gov.member", slug=slug, number=m.number))
    return render_template("governance/member_new.html", coop=coop, form=form)


@bp.post("/c/<slug>/members/<int:number>/status")
@login_required
def member_status(slug, number):
    coop = load_coop(slug, can_admin)
    m = _membership(coop, number)
    form = StatusForm()
    if form.validate_on_submit():
        run(lambda: svc.change_status(current_user, m, form.status.data, on=form.on.data,
                                      decision_ref=form.decision_ref.data or "",
                                      reason=form.reason.data or ""), _("Status changed."))
    else:
        flash(message("date_required"), "error")
    return redirect(url_for("gov.member", slug=slug, number=number))


@bp.post("/c/<slug>/members/<int:number>/college")
@login_required
def member_college(slug, number):
    coop = load_coop(slug, can_admin)
    m = _membership(coop, number)
    form = CollegeMoveForm()
    if form.validate_on_submit():
        run(lambda: svc.move_college(current_user, m, form.college.data, form.on.data),
            _("College changed."))
    else:
        flash(message("date_required"), "error")
    return redirect(url_for("gov.member", slug=slug, number=number))
