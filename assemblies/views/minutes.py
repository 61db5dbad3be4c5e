"""The minutes (procès-verbal) of a closed assembly with its attendance sheet, the bureau's
approval and their publication; the CSV exports of results, attendance and proxies.

Who reads the minutes: the secretariat and the bureau (chair, secretary) once the assembly is
closed; every sociétaire of its cooperatives once they are published (404 before)."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from governance.permissions import can_admin, can_see_contacts
from governance.views.common import run
from votes.views.common import option_labels

from .. import exports, minutes
from ..blueprint import bp
from ..forms import MinutesForm
from ..models import Assembly, State
from ..services import exports as export_service
from ..services import minutes as svc
from .common import assembly_or_404

CLOSED = (State.CLOSED, State.PUBLISHED)


def _bureau(assembly: Assembly) -> bool:
    return current_user.id in {assembly.chair_id, assembly.secretary_id}


def _secretariat(assembly: Assembly) -> bool:
    return any(can_admin(current_user, c) for c in assembly.cooperatives)


def minutes_or_404(assembly_id: int) -> Assembly:
    """The assembly whose minutes the user may read; 404 while they may not (not closed yet,
    or not published for a sociétaire), 403 outside its cooperatives."""
    assembly = assembly_or_404(assembly_id)
    if assembly.state not in CLOSED:
        abort(404)
    if assembly.state != State.PUBLISHED and not (_secretariat(assembly) or _bureau(assembly)):
        abort(404)
    return assembly


def _labels(assembly: Assembly) -> dict[str, str]:
    first = next((rv.vote for r in assembly.resolutions for rv in r.votes), None)
    return option_labels(first) if first is not None else {}


def _page(assembly: Assembly, form: MinutesForm | None = None, status: int = 200):
    open_ = assembly.minutes_approved_at is None and assembly.state == State.CLOSED
    manages = can_admin(current_user, assembly.cooperative)
    labels = _labels(assembly)
    return render_template(
        "assemblies/minutes.html", m=minutes.gather(assembly, labels), labels=labels,
        assembly=assembly, form=form or MinutesForm(debates=assembly.debates),
        can_edit=open_ and (manages or current_user.id == assembly.secretary_id),
        can_approve=open_ and _bureau(assembly),
        can_publish=manages and assembly.state == State.CLOSED
        and assembly.minutes_approved_at is not None,
        can_export=can_see_contacts(current_user, assembly.cooperative)), status


@bp.get("/assemblies/<int:assembly_id>/minutes")
@login_required
def minutes_page(assembly_id):
    """The procès-verbal, printable, with the attendance sheet; the bureau's and the
    secretariat's actions while it is being written, approved and published."""
    return _page(minutes_or_404(assembly_id))


def _back(assembly: Assembly):
    return redirect(url_for("assemblies.minutes_page", assembly_id=assembly.id))


@bp.post("/assemblies/<int:assembly_id>/minutes")
@login_required
def save_minutes(assembly_id):
    """Save the debates (the secretariat or the bureau's secretary, until approval)."""
    assembly = minutes_or_404(assembly_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return _page(assembly, form, 400)
    run(lambda: svc.save_minutes(current_user, assembly, form.debates.data),
        _("The minutes are saved."))
    return _back(assembly)


STEPS = {"approve": (svc.approve_minutes,
                     _l("The minutes are approved: they can no longer be changed.")),
         "publish": (svc.publish_minutes, _l("The minutes are published to the sociétaires."))}


@bp.post("/assemblies/<int:assembly_id>/minutes/<any(approve, publish):step>")
@login_required
def minutes_step(assembly_id, step):
    """The bureau's chair or secretary approves the minutes; the secretariat then publishes
    them to the sociétaires (the service checks who)."""
    assembly = minutes_or_404(assembly_id)
    action, done = STEPS[step]
    run(lambda: action(current_user, assembly), str(done))
    return _back(assembly)


def _csv(body: str, assembly: Assembly, name: str) -> Response:
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="assembly-{assembly.id}-{name}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/assemblies/<int:assembly_id>/results.csv")
@login_required
def results_csv(assembly_id):
    """Results per resolution, cooperative and college: anyone who sees the closed assembly."""
    assembly = assembly_or_404(assembly_id)
    if assembly.state not in CLOSED:
        abort(404)
    rows = exports.result_rows(minutes.results(assembly, _labels(assembly)))
    return _csv(exports.text(exports.RESULT_COLUMNS, rows), assembly, "results")


def _named_export(assembly_id: int) -> Assembly:
    """Exports naming people: the host's secretariat and board, once the roll is frozen."""
    assembly = assembly_or_404(assembly_id)
    if not can_see_contacts(current_user, assembly.cooperative):
        abort(403)
    if assembly.state == State.DRAFT:
        abort(404)
    return assembly


@bp.get("/assemblies/<int:assembly_id>/attendance.csv")
@login_required
def attendance_csv(assembly_id):
    """The attendance sheet of the last call (secretariat and board of the host), journaled."""
    assembly = _named_export(assembly_id)
    sheet = minutes.attendance_sheet(assembly)
    run(lambda: export_service.record_export(current_user, assembly, "attendance", len(sheet)))
    slugs = {c.id: c.slug for c in assembly.cooperatives}
    return _csv(exports.text(exports.ATTENDANCE_COLUMNS, exports.attendance_rows(sheet, slugs)),
                assembly, "attendance")


@bp.get("/assemblies/<int:assembly_id>/proxies.csv")
@login_required
def proxies_csv(assembly_id):
    """Every proxy with its state and dates (secretariat and board of the host), journaled."""
    assembly = _named_export(assembly_id)
    rows = exports.proxy_rows(assembly, _("the chair (blank proxy)"))
    run(lambda: export_service.record_export(current_user, assembly, "proxies", len(rows)))
    return _csv(exports.text(exports.PROXY_COLUMNS, rows), assembly, "proxies")
