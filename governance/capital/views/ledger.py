"""Routes of the share capital: the capital page, the register of movements (and its CSV),
recording and correcting movements, the reimbursement queue, a sociétaire's statement."""
from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...models import Membership, RequestStatus, ShareMovement
from ...permissions import can_admin, can_see_contacts
from ...platform import charts
from ...platform.downloads import guard
from ...platform.extensions import db
from ...platform.formatting import money
from ...platform.messages import message
from ...platform.service import DomainError
from ...platform.urls import page_number
from ...queries import member_voting_share
from ...views.common import load_coop, run
from .. import queries as cq
from .. import rules
from ..blueprint import bp
from ..forms import CorrectionForm, MovementForm
from ..services import ledger as svc

EXPORT_BATCH = 2000


@bp.get("/c/<slug>/capital")
@login_required
def overview(slug):
    """Capital now, over time, peak and floor; capital next to votes per college. Any role."""
    coop = load_coop(slug)
    summary, history = cq.capital_summary(coop), cq.capital_history(coop)
    chart = charts.line(history, title=_("Subscribed capital over time"), mark=summary.floor,
                        mark_label=_("floor %(amount)s", amount=money(summary.floor)))
    return render_template(
        "capital/overview.html", coop=coop, s=summary, chart=chart,
        months=cq.month_ends(history), queued=cq.queued_count(coop),
        scop_min={"capital": rules.SCOP_MIN_CAPITAL, "votes": rules.SCOP_MIN_VOTES},
        broken=summary.scop.broken() if summary.scop else set(),
        board=can_see_contacts(current_user, coop), admin=can_admin(current_user, coop))


@bp.get("/c/<slug>/capital/movements")
@login_required
def movements(slug):
    """The register of share movements, newest first. Secretariat and board."""
    coop = load_coop(slug, can_see_contacts)
    size = current_app.config["REGISTER_PAGE_SIZE"]
    page = page_number()
    rows, total = cq.movement_rows(coop, page=page, size=size)
    return render_template("capital/movements.html", coop=coop, rows=rows,
                           total=total, page=page, pages=max(1, -(-total // size)),
                           admin=can_admin(current_user, coop),
                           form=CorrectionForm(on=date.today()))


@bp.get("/c/<slug>/capital/movements.csv")
@login_required
def movements_csv(slug):
    """The register of movements as CSV (`;`, UTF-8 with BOM), streamed. Secretariat, board."""
    coop = load_coop(slug, can_see_contacts)
    run(lambda: svc.record_export(current_user, coop))
    app, coop_id = current_app._get_current_object(), coop.id

    def generate():
        yield "\ufeff" + _csv([cq.EXPORT_COLUMNS])  # then batches, each in a short session
        after = 0
        while True:
            with app.app_context():
                rows = cq.movements_export(coop_id, after, EXPORT_BATCH)
            yield _csv([guard(v) for v in row.values()] for row in rows)
            if len(rows) < EXPORT_BATCH:
                return
            after = rows[-1]["number"]

    response = Response(generate(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{coop.slug}-share-movements-{date.today():%Y-%m-%d}.csv"')
    response.headers["Cache-Control"] = "no-store"
    return response


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _record(action):
    """`run` a service; a SCOP warning comes back as its text, to confirm, instead of a flash."""
    warning = None

    def attempt():
        nonlocal warning
        try:
            return action()
        except DomainError as err:
            if err.code != "scop_ratio_warning":
                raise
            warning = message(err.code, err.params)
    return run(attempt), warning


def _movement(form, member, other):
    """The service call that records the form's movement."""
    common = dict(on=form.on.data, reference=form.reference.data or "")
    ack = dict(acknowledge_warning=form.acknowledge.data)
    kind = form.kind.data
    if kind == "subscription":
        return lambda: svc.record_subscription(current_user, member, form.shares.data,
                                               paid=form.amount.data, **common, **ack)
    if kind == "release":
        return lambda: svc.record_release(current_user, member, form.amount.data, **common)
    if kind == "transfer":
        return lambda: svc.record_transfer(current_user, member, other, form.shares.data,
                                           **common, **ack)
    return lambda: svc.request_reimbursement(current_user, member, form.shares.data, **common,
                                             **ack)


def _recorded(result) -> str:
    if not isinstance(result, ShareMovement):  # a reimbursement request
        if result.status == RequestStatus.QUEUED:
            return _("The capital cannot go below a quarter of its peak: this reimbursement "
                     "of %(amount)s is queued, place %(place)s in the queue. It will be paid "
                     "when new subscriptions make room.", amount=money(result.amount_paid),
                     place=cq.queue_place(result))
        return _("Reimbursement of %(amount)s recorded.", amount=money(result.amount_paid))
    return _("Movement no. %(number)s recorded.", number=result.number)


@bp.route("/c/<slug>/capital/movements/new", methods=["GET", "POST"])
@login_required
def movement_new(slug):
    """Record a subscription, release, transfer or reimbursement. Secretariat only."""
    coop = load_coop(slug, can_admin)
    form, warning = MovementForm(on=date.today()), None
    if form.validate_on_submit():
        member = form.member.membership(coop.id)
        other = form.other.membership(coop.id) if form.kind.data == "transfer" else None
        if member and (other or form.kind.data != "transfer"):
            number = member.number
            result, warning = _record(_movement(form, member, other))
            if result is not None:
                flash(_recorded(result), "success")
                return redirect(url_for("capital.statement", slug=slug, number=number))
    status = 400 if form.is_submitted() else 200
    return render_template("capital/movement_new.html", coop=coop, form=form,
                           warning=warning), status


@bp.post("/c/<slug>/capital/movements/<int:number>/correct")
@login_required
def correct(slug, number):
    """Cancel a movement by its counter-movement (the original stays). Secretariat only."""
    coop = load_coop(slug, can_admin)
    movement = db.session.scalar(sa.select(ShareMovement).where(
        ShareMovement.cooperative_id == coop.id, ShareMovement.number == number))
    if movement is None:
        abort(404)
    form = CorrectionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return redirect(url_for("capital.movements", slug=slug))
    result, warning = _record(lambda: svc.record_correction(
        current_user, movement, on=form.on.data, reference=form.reference.data or "",
        acknowledge_warning=form.acknowledge.data))
    if warning:
        return render_template("capital/movement_confirm.html", coop=coop, form=form,
                               number=number, warning=warning), 400
    if result is not None:
        flash(_("Movement no. %(number)s corrected by movement no. %(correction)s.",
                number=number, correction=result.number), "success")
    return redirect(url_for("capital.movements", slug=slug))


@bp.get("/c/<slug>/capital/queue")
@login_required
def queue(slug):
    """The reimbursements waiting for room above the floor, in the order they will be paid."""
    coop = load_coop(slug, can_admin)
    return render_template("capital/queue.html", coop=coop,
                           lines=cq.reimbursement_queue(coop), s=cq.capital_summary(coop))


@bp.get("/c/<slug>/members/<int:number>/statement")
@login_required
def statement(slug, number):
    """A sociétaire's statement of shares, printable. The member themself, board, secretariat."""
    coop = load_coop(slug, lambda person, coop: True)  # the membership decides, below
    board = can_see_contacts(current_user, coop)
    m = db.session.scalar(sa.select(Membership).where(Membership.cooperative_id == coop.id,
                                                      Membership.number == number))
    if m is None or current_user.id not in (m.person_id, m.person.representative_id):
        if not board:
            abort(403)  # the same answer whether or not the number exists
        if m is None:
            abort(404)
    st = cq.member_statement(m)
    return render_template(
        "capital/statement.html", coop=coop, m=m, st=st, today=date.today(),
        vote_share=member_voting_share(m),
        capital_share=cq.share_of(st.balance.subscribed, cq.capital_now(coop)),
        queued=[line for line in st.requests if line.place],
        board=board)
