"""The page of a job (an import's confirmation): its progress, live with htmx and refreshed
without JavaScript, then its outcome; a failed job can be tried again. Secretariat only."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..blueprint import bp
from ..models import Job
from ..permissions import can_admin
from ..platform import jobs
from ..platform.extensions import db, htmx
from ..platform.messages import message
from ..platform.service import Forbidden
from .common import load_coop

# kind: (title, what is done, where to go next and its label, where to send a file again)
PAGES = {
    "register_import": (
        _l("Import the register"),
        lambda n: ngettext("%(num)s sociétaire imported.", "%(num)s sociétaires imported.", n),
        "gov.members", _l("See the register"), "gov.register_import"),
    "capital_import": (
        _l("Import share movements"),
        lambda n: ngettext("%(num)s movement recorded.", "%(num)s movements recorded.", n),
        "capital.overview", _l("See the share capital"), "capital.import_upload"),
}


def _load(slug: str, job_id: int):
    coop = load_coop(slug, can_admin)
    job = db.session.scalar(sa.select(Job).where(Job.id == job_id,
                                                 Job.cooperative_id == coop.id))
    if job is None:
        abort(404)
    return coop, job


@bp.get("/c/<slug>/jobs/<int:job_id>")
@login_required
def job(slug, job_id):
    """Where a job stands; htmx asks only for its status every second while it runs."""
    coop, job = _load(slug, job_id)
    done, total, _beat = jobs.progress(job)
    title, said, next_endpoint, next_label, again = PAGES[job.kind]
    result = job.result or {}
    errors = [(line, message(code, params)) for line, code, params in result.get("errors", [])]
    reason = result.get("reason")
    context = dict(
        coop=coop, job=job, done=done, total=total, title=title,
        said=said(result.get("count", 0)), next_url=url_for(next_endpoint, slug=coop.slug),
        next_label=next_label, again_url=url_for(again, slug=coop.slug), errors=errors,
        error_count=result.get("error_count", 0), running=job.state in ("queued", "running"),
        reason=message(f"job_{reason}", {}) if reason else None,
        can_retry=jobs.can_retry(job), form=FlaskForm())
    if htmx and htmx.target == "job-status":
        return render_template("governance/_job_status.html", **context)
    return render_template("governance/job.html", **context)


@bp.post("/c/<slug>/jobs/<int:job_id>/retry")
@login_required
def job_retry(slug, job_id):
    """Try a failed job again from its kept file (once, whoever clicks first)."""
    coop, job = _load(slug, job_id)
    form = FlaskForm()
    try:
        restarted = form.validate_on_submit() and jobs.retry(current_user, job)
    except Forbidden:
        abort(403)
    if not restarted:
        flash(_("This import cannot be tried again: send the file again."), "error")
    return redirect(url_for("gov.job", slug=coop.slug, job_id=job.id), 303)
