"""Payment batches (secretariat): close a month that is over, read a batch, export it for
payroll."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.permissions import can_admin
from governance.platform.formatting import money
from governance.platform.urls import page_number
from governance.views.common import load_coop, run

from .. import exports
from .. import queries as q
from ..blueprint import bp
from ..forms.budgets import CloseMonthForm
from ..services.batches import close_month
from ..services.exports import record_export
from .budgets import MAX_PAGE, month_label


def _choices(waiting: list[q.Waiting]) -> list[tuple[str, str]]:
    return [(f"{w.month:%Y-%m}", ngettext(
        "%(month)s: %(num)s approved entry waiting, %(amount)s",
        "%(month)s: %(num)s approved entries waiting, %(amount)s", w.entries,
        month=format_date(w.month, "MMMM y"), amount=money(w.amount))) for w in waiting]


def batch_or_404(coop, batch_id: int):
    batch = q.batch_of(coop.id, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/c/<slug>/contributions/payments", methods=["GET", "POST"])
@login_required
def payments(slug):
    """The payment batches, and the form that closes a month into a new one. Secretariat."""
    coop = load_coop(slug, can_admin)
    form = CloseMonthForm()
    waiting = q.months_to_close(coop.id, date.today())
    form.month.choices = _choices(waiting)
    if not form.is_submitted():  # the oldest month with something to pay
        form.month.data = next((f"{w.month:%Y-%m}" for w in waiting if w.entries), None)
    if form.validate_on_submit():
        month = date.fromisoformat(form.month.data + "-01")
        batch = run(lambda: close_month(current_user, coop, month), _(
            "%(month)s closed: the payment batch is ready.",
            month=format_date(month, "MMMM y")))
        if batch is not None:
            return redirect(url_for("contributions.batch", slug=slug, batch_id=batch.id))
    status = 400 if form.is_submitted() else 200
    return render_template("contributions/payments.html", coop=coop, form=form,
                           batches=q.batch_lines(coop.id), month_label=month_label,
                           admin=True), status


@bp.get("/c/<slug>/contributions/payments/<int:batch_id>")
@login_required
def batch(slug, batch_id):
    """A payment batch per member, circle and rate, with its totals. Secretariat."""
    coop = load_coop(slug, can_admin)
    batch = batch_or_404(coop, batch_id)
    page = page_number(MAX_PAGE)
    lines, total = q.pay_lines(batch, page=page)
    return render_template("contributions/payment.html", coop=coop, batch=batch, lines=lines,
                           page=page, pages=max(1, -(-total // q.BATCH_PAGE)),
                           closed_by=batch.closed_by.display_name if batch.closed_by else "",
                           month_label=month_label, admin=True)


@bp.get("/c/<slug>/contributions/payments/<int:batch_id>.csv")
@login_required
def batch_csv(slug, batch_id):
    """The batch for payroll, as CSV; the download is journaled. Secretariat."""
    coop = load_coop(slug, can_admin)
    batch = batch_or_404(coop, batch_id)
    rows = exports.batch_rows(batch, q.pay_lines(batch, size=None)[0])
    run(lambda: record_export(current_user, coop, "batch", "payment_batch", batch.id,
                                      len(rows)))
    return exports.csv_response(exports.to_csv(exports.BATCH_COLUMNS, rows),
                                f"{coop.slug}-payments-{batch.month:%Y-%m}.csv")
