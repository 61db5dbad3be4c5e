"""Budgets, their envelopes per circle and their reports (per circle, month and member)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.permissions import can_admin, can_see_contacts
from governance.platform.extensions import htmx
from governance.platform.messages import message
from governance.platform.service import DomainError, Forbidden
from governance.platform.urls import page_number
from governance.views.common import load_coop, run

from .. import charts, exports
from .. import queries as q
from ..blueprint import bp
from ..forms.budgets import BudgetForm, EnvelopeForm
from ..services.budgets import BudgetDraft, create_budget, set_envelope
from ..services.exports import ALLOWED, record_export

MAX_PAGE = 10**6


def month_label(month) -> str:
    """"March 2022" in the reader's language."""
    return format_date(month, "MMMM y")


def budget_or_404(coop, budget_id: int):
    budget = q.budget_of(coop.id, budget_id)
    if budget is None:
        abort(404)
    return budget


@bp.route("/c/<slug>/contributions/budgets", methods=["GET", "POST"])
@login_required
def budgets(slug):
    """The cooperative's budgets and what each has committed (any role); the secretariat
    records a new one."""
    coop = load_coop(slug)
    admin = can_admin(current_user, coop)
    form = BudgetForm() if admin else None
    if request.method == "POST":
        if not admin:
            abort(403)
        if form.validate_on_submit():
            draft = BudgetDraft(
                name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                amount=form.amount.data, hourly_rate=form.hourly_rate.data,
                decision=form.decision.data or "", decision_url=form.decision_url.data or "",
                role_rates=form.role_rates())
            budget = run(lambda: create_budget(current_user, coop, draft),
                         _("Budget recorded."))
            if budget is not None:
                return redirect(url_for("contributions.budget", slug=slug, budget_id=budget.id))
    status = 400 if request.method == "POST" else 200
    return render_template("contributions/budgets.html", coop=coop, admin=admin, form=form,
                           lines=q.budget_lines(coop.id)), status


@bp.get("/c/<slug>/contributions/budgets/<int:budget_id>")
@login_required
def budget(slug, budget_id):
    """A budget: its decision and rates, its envelopes, its reports per circle and month (any
    role) and per member (secretariat and board: pay is personal)."""
    coop = load_coop(slug)
    budget = budget_or_404(coop, budget_id)
    admin, board = can_admin(current_user, coop), can_see_contacts(current_user, coop)
    months = q.month_lines(budget)
    members = total = page = None
    if board:
        page = page_number(MAX_PAGE)
        members, total = q.member_lines(budget, page=page)
    return render_template(
        "contributions/budget.html", coop=coop, budget=budget, admin=admin, board=board,
        spending=q.budget_spending(budget),
        circles=q.circle_lines(budget, with_open_circles=admin), months=months,
        chart=charts.months(months) if months else None, members=members, page=page,
        pages=max(1, -(-(total or 0) // q.MEMBERS_PAGE)), total=total,
        rates={r.role_kind.value: r.rate for r in budget.rates}, month_label=month_label)


@bp.post("/c/<slug>/contributions/budgets/<int:budget_id>/envelopes/<int:circle_id>")
@login_required
def envelope_set(slug, budget_id, circle_id):
    """Give a circle its envelope or change it (secretariat); htmx swaps the row in place."""
    coop = load_coop(slug, can_admin)
    budget = budget_or_404(coop, budget_id)
    circle = q.circle_of(coop.id, circle_id)
    if circle is None or q.circle_line(budget, circle.id) is None:
        abort(404)  # another cooperative's circle, or dissolved without an envelope here
    form = EnvelopeForm()
    if form.validate_on_submit():
        error = _attempt(lambda: set_envelope(current_user, budget, circle, form.amount.data))
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if htmx:
        return render_template("contributions/_envelope_row.html", coop=coop, budget=budget,
                               line=q.circle_line(budget, circle_id), admin=True, error=error,
                               typed=request.form.get("amount", "")[:40] if error else None
                               ), 200, {"Vary": "HX-Request", "Cache-Control": "no-store"}
    if error:
        flash(error, "error")
    else:
        flash(_("Envelope of %(circle)s set.", circle=circle.name), "success")
    return redirect(url_for("contributions.budget", slug=slug, budget_id=budget.id,
                            _anchor="envelopes-h"))


def _attempt(action) -> str | None:
    """Call a service; its refusal comes back as the translated message (shown in the row)."""
    try:
        action()
    except Forbidden:
        abort(403)
    except DomainError as err:
        return message(err.code, err.params)
    return None


REPORTS = {"circle", "month", "member"}


@bp.get("/c/<slug>/contributions/budgets/<int:budget_id>/report.csv")
@login_required
def budget_csv(slug, budget_id):
    """A report of the budget as CSV: `?by=circle` or `month` (any role), `member`
    (secretariat and board). The download is journaled."""
    coop = load_coop(slug)
    budget = budget_or_404(coop, budget_id)
    by = request.args.get("by", "circle")
    if by not in REPORTS:
        abort(404)
    if not ALLOWED[by](current_user, coop):
        abort(403)
    if by == "circle":
        header, rows = exports.CIRCLE_COLUMNS, exports.circle_rows(q.circle_lines(budget))
    elif by == "month":
        header, rows = exports.MONTH_COLUMNS, exports.month_rows(q.month_lines(budget))
    else:
        header = exports.MEMBER_COLUMNS
        rows = exports.member_rows(q.member_lines(budget, size=None)[0])
    run(lambda: record_export(current_user, coop, by, "budget", budget.id, len(rows)))
    return exports.csv_response(exports.to_csv(header, rows),
                                f"{coop.slug}-budget-{budget.id}-{by}.csv")
