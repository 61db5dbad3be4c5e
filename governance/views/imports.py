"""Register CSV import (upload → preview → confirm) and export (docs/register-csv.md)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import register_csv
from ..blueprint import bp
from ..forms.imports import COLUMN_HELP, ConfirmForm, ImportForm
from ..permissions import can_admin, can_see_contacts
from ..platform import jobs
from ..platform.messages import message, register_messages
from ..platform.service import Forbidden
from ..services import imports as svc
from .common import load_coop

PREVIEW_ROWS = 50
SHOWN_ERRORS = 1000

register_messages({
    "csv_not_utf8": _l("The file is not in UTF-8 (first unreadable character on line "
                       "%(line)s). In your spreadsheet, save it as “CSV UTF-8” and send it "
                       "again."),
    "csv_empty": _l("The file is empty."),
    "csv_no_lines": _l("The file has a header row but no sociétaire."),
    "csv_too_many_lines": _l("The file has more than %(max)s lines: split it."),
    "csv_unreadable": _l("This line cannot be read as CSV: check its quotes (\")."),
    "csv_cell_without_column": _l("Column %(position)s holds a value but has no name in the "
                                  "header row."),
    "csv_unknown_columns": _l("Unknown columns: %(columns)s. See the documented columns."),
    "csv_duplicate_columns": _l("These columns appear more than once: %(columns)s."),
    "csv_missing_columns": _l("Missing columns: %(columns)s."),
    "csv_required": _l("The column %(column)s is required."),
    "csv_too_long": _l("The column %(column)s is longer than %(max)s characters."),
    "csv_unknown_kind": _l("“%(value)s” is not a kind of person: write natural or legal."),
    "csv_unknown_category": _l("“%(value)s” is not a category of sociétaire."),
    "csv_unknown_status": _l("“%(value)s” is not a status: write candidate or admitted "
                             "(resigned, excluded or deceased for former members)."),
    "csv_last_name_required": _l("A natural person needs a last name."),
    "csv_legal_name_required": _l("A legal person needs its legal name."),
    "csv_bad_email": _l("“%(value)s” is not a valid email address."),
    "csv_duplicate_email": _l("The email %(email)s is already on line %(first)s."),
    "csv_kind_mismatch": _l("The email %(email)s belongs to a person of the other kind "
                            "(natural or legal)."),
    "csv_representative_natural": _l("Only a legal person has a representative: empty "
                                     "representative_email."),
    "csv_unknown_representative": _l("The representative %(email)s is unknown: they must "
                                     "already be on the platform, or be a natural person on "
                                     "an earlier line."),
    "csv_bad_date": _l("“%(value)s” in %(column)s is not a date: write YYYY-MM-DD or "
                       "DD/MM/YYYY."),
    "csv_future_date": _l("The date %(value)s in %(column)s is in the future."),
    "csv_date_required": _l("The column %(column)s needs a date for this status."),
    "csv_date_before": _l("The date %(date)s in %(column)s is earlier than %(since)s."),
    "csv_candidate_admitted_on": _l("A candidate has no admission date: write admitted as "
                                    "the status, or empty admitted_on."),
    "csv_exit_without_status": _l("left_on and exit_reason are only for former members "
                                  "(resigned, excluded, deceased)."),
    "csv_bad_boolean": _l("“%(value)s” in %(column)s is neither yes nor no."),
    "csv_bad_number": _l("“%(value)s” is not a membership number."),
    "csv_duplicate_number": _l("Membership number %(number)s is already on line %(first)s."),
    "csv_import_refused": _l("The file was refused: nothing was imported."),
    "job_changed": _l("The register or the ledger changed during the import; nothing was "
                      "saved. Try again."),
    "job_error": _l("The import stopped before its end; nothing was saved. Try again; if it "
                    "fails again, tell the platform's administrators."),
    "job_forbidden": _l("You may no longer import into this cooperative; nothing was saved."),
})


def _folder() -> Path:
    return Path(current_app.instance_path) / "imports"


def _upload_page(coop, errors=(), status=200, form=None):
    """The upload form, with the error report of the last file when it was refused."""
    shown = [(e.line, message(e.code, e.params)) for e in list(errors)[:SHOWN_ERRORS]]
    return render_template("governance/import.html", coop=coop, form=form or ImportForm(),
                           columns=COLUMN_HELP, errors=shown, error_count=len(errors)), status


@bp.route("/c/<slug>/members/import", methods=["GET", "POST"])
@login_required
def register_import(slug):
    """Upload a register file: its error report, or a preview to confirm. Secretariat only."""
    coop = load_coop(slug, can_admin)
    return upload_step(
        lambda data: svc.check_file(current_user, coop, data),
        lambda errors=(), status=200, form=None: _upload_page(coop, errors, status, form),
        lambda result, data: _preview(coop, result,
                                      svc.save_pending(_folder(), data, coop, current_user)))


def upload_step(check, upload_page, preview):
    """The upload step of every CSV import: the form's errors, the file's error report, or the
    preview of a checked file (`preview(result, data)` keeps it for the confirm step)."""
    form = ImportForm()
    if not form.validate_on_submit():
        return upload_page(status=400 if form.is_submitted() else 200, form=form)
    data = form.file.data.read()
    try:
        result = check(data)
    except Forbidden:
        abort(403)
    if not result.ok:
        return upload_page(result.errors, 400)
    return preview(result, data)


def _preview(coop, result, token, status=200):
    return render_template("governance/import_preview.html", coop=coop, count=len(result.lines),
                           rows=result.lines[:PREVIEW_ROWS], form=ConfirmForm(token=token),
                           known=sum(line.known_person for line in result.lines),
                           colleges={c.code: c.name for c in coop.colleges}), status


@bp.post("/c/<slug>/members/import/confirm")
@login_required
def register_import_confirm(slug):
    """Start the import of a checked file (all lines or none, after the response); its token
    works once. Secretariat only."""
    coop = load_coop(slug, can_admin)
    return confirm_upload(coop, _folder(), "register_import",
                          lambda status: _upload_page(coop, status=status))


def confirm_upload(coop, folder, kind: str, upload_page):
    """The confirm step of every CSV import: claim the checked file of the form's token (once)
    and hand it to a job (`governance.jobs`), whose page shows its progress and outcome."""
    form = ConfirmForm()
    token = form.token.data
    claimed = svc.claim_pending(folder, token, coop, current_user) \
        if form.validate_on_submit() else None
    if claimed is None:
        flash(_("This import was already done, or has expired: send the file again."), "error")
        return upload_page(400)
    path, data = claimed
    try:
        job = jobs.submit(current_user, coop, kind, data)
    except Forbidden:
        svc.drop_pending(folder, token, path)
        abort(403)
    except Exception:
        svc.release_pending(folder, token, path)
        raise
    svc.drop_pending(folder, token, path)
    return redirect(url_for("gov.job", slug=coop.slug, job_id=job.id), 303)


jobs.KINDS["register_import"] = jobs.Kind(run=svc.import_register, check=svc.check_file)


@bp.get("/c/<slug>/members.csv")
@login_required
def register_export(slug):
    """The whole register as CSV (`;`, UTF-8 with BOM), streamed. Secretariat and board."""
    coop = load_coop(slug, can_see_contacts)
    try:
        svc.record_export(current_user, coop)
    except Forbidden:
        abort(403)
    filename = f"{coop.slug}-register-{date.today():%Y-%m-%d}.csv"
    app, coop_id = current_app._get_current_object(), coop.id

    def generate():
        # The body is sent after the request has ended: each batch is read in a short
        # application context (and database session) of its own, so that no transaction or
        # cursor stays open while a slow client downloads.
        yield "\ufeff" + register_csv.write_rows([], header=True)
        after = 0
        while True:
            with app.app_context():
                rows = svc.export_page(coop_id, after, svc.EXPORT_BATCH)
            if rows:
                yield register_csv.write_rows(rows)
            if len(rows) < svc.EXPORT_BATCH:
                return
            after = rows[-1]["number"]

    response = Response(generate(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
