"""Import of share movements from CSV (upload → preview → confirm), docs/capital-csv.md."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...forms.imports import ConfirmForm, ImportForm
from ...permissions import can_admin
from ...platform import jobs
from ...platform.messages import message, register_messages
from ...services import imports as pending
from ...views.common import load_coop
from ...views.imports import PREVIEW_ROWS, SHOWN_ERRORS, confirm_upload, upload_step
from ..blueprint import bp
from ..services import imports as svc

register_messages({
    "csv_no_movements": _l("The file has a header row but no movement."),
    "csv_unknown_movement_kind": _l("“%(value)s” is not a kind of movement: write "
                                    "subscription, release, transfer or reimbursement."),
    "csv_unknown_member": _l("There is no sociétaire number %(number)s in this cooperative."),
    "csv_bad_shares": _l("“%(value)s” in %(column)s is not a whole number of shares."),
    "csv_bad_amount": _l("“%(value)s” in %(column)s is not an amount in euros and cents."),
    "csv_paid_without_shares": _l("amount_paid needs the number of shares in shares."),
    "csv_only_for_transfers": _l("%(column)s is only for transfers: leave it empty."),
    "csv_release_shares": _l("A release pays shares already subscribed: leave shares empty."),
    "csv_amount_not_for_kind": _l("%(column)s is only for subscriptions and releases: leave "
                                  "it empty."),
    "csv_scop_ratio": _l("This movement would take employee-associates below the SCOP ratios "
                         "(%(capital)s of the capital, %(votes)s of the votes): record it with "
                         "the movement form, where the warning can be acknowledged."),
})

# The columns of docs/capital-csv.md, as the import page explains them.
COLUMN_HELP = [
    ("date", _l("Required: date of the movement, YYYY-MM-DD or DD/MM/YYYY, not in the "
                "future.")),
    ("kind", _l("Required: subscription, release, transfer or reimbursement (or souscription, "
                "libération, cession, remboursement).")),
    ("member_number", _l("Required: membership number of the subscriber, of the member who "
                         "pays, of the seller, or of the member reimbursed.")),
    ("to_member_number", _l("Transfers only, required: membership number of the buyer.")),
    ("shares", _l("Number of shares; required except for a release.")),
    ("amount_paid", _l("A release: the amount paid (required). A subscription: the part paid "
                       "now, when the statutes allow partly paid shares (empty: fully paid).")),
    ("reference", _l("Subscription form, board decision; required for a transfer (the board's "
                     "approval).")),
]


def _folder() -> Path:
    return Path(current_app.instance_path) / "imports-capital"


def _upload_page(coop, errors=(), status=200, form=None):
    shown = [(e.line, message(e.code, e.params)) for e in list(errors)[:SHOWN_ERRORS]]
    return render_template("capital/import.html", coop=coop,
                           form=form or ImportForm(), columns=COLUMN_HELP, errors=shown,
                           error_count=len(errors)), status


def _preview(coop, result, token, status=200):
    return render_template("capital/import_preview.html", coop=coop,
                           count=len(result.lines), rows=result.lines[:PREVIEW_ROWS],
                           form=ConfirmForm(token=token)), status


@bp.route("/c/<slug>/capital/import", methods=["GET", "POST"])
@login_required
def import_upload(slug):
    """Upload a movements file: its error report, or a preview to confirm. Secretariat only."""
    coop = load_coop(slug, can_admin)
    return upload_step(
        lambda data: svc.check_file(current_user, coop, data),
        lambda errors=(), status=200, form=None: _upload_page(coop, errors, status, form),
        lambda result, data: _preview(coop, result,
                                      pending.save_pending(_folder(), data, coop, current_user)))


@bp.post("/c/<slug>/capital/import/confirm")
@login_required
def import_confirm(slug):
    """Start recording every movement of a checked file, or none (after the response); its
    token works once. Secretariat only."""
    coop = load_coop(slug, can_admin)
    return confirm_upload(coop, _folder(), "capital_import",
                          lambda status: _upload_page(coop, status=status))


jobs.KINDS["capital_import"] = jobs.Kind(run=svc.import_movements, check=svc.check_file)
