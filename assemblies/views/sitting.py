"""The secretariat's sitting: the attendance register with its search-as-you-type check-in,
the live quorum, opening, resolutions opened and closed, hands counted, closing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.platform.extensions import db, htmx
from governance.platform.urls import db_id
from governance.views.common import child_or_404, run
from votes import services as votes

from .. import queries
from ..blueprint import bp
from ..forms import CheckInForm
from ..models import Participant, Resolution
from ..services import attendance, voting
from .common import assembly_or_404, require_manager


def _back(assembly, anchor="sitting"):
    return redirect(url_for("assemblies.show", assembly_id=assembly.id, _anchor=anchor))


@bp.get("/assemblies/<int:assembly_id>/quorum")
@login_required
def quorum(assembly_id):
    """The live quorum per cooperative (an htmx fragment, polled)."""
    assembly = assembly_or_404(assembly_id)
    response = render_template("assemblies/_quorum.html", assembly=assembly,
                               quorum=queries.quorum(assembly),
                               turnouts=queries.live_turnout(assembly))
    return response, 200, {"Cache-Control": "no-store", "Vary": "HX-Request"}


@bp.get("/assemblies/<int:assembly_id>/attendance")
@login_required
def register(assembly_id):
    """The attendance register: search a sociétaire by name or number and check them in."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    text = request.args.get("q", "")[:100]
    found = queries.search(assembly, text)
    situations = queries.situations(assembly, found)
    if htmx and request.args.get("partial"):
        return render_template("assemblies/_checkin_rows.html", assembly=assembly,
                               situations=situations, q=text, form=CheckInForm())
    return render_template("assemblies/attendance.html", assembly=assembly, q=text,
                           situations=situations, quorum=queries.quorum(assembly),
                           turnouts=queries.live_turnout(assembly), form=CheckInForm())


@bp.post("/assemblies/<int:assembly_id>/attendance/<int:participant_id>")
@login_required
def check_in(assembly_id, participant_id):
    """Record a sociétaire in the room, online or absent; htmx swaps the row in place."""
    assembly = assembly_or_404(assembly_id)
    participant = child_or_404(Participant, participant_id, assembly_id=assembly.id)
    form = CheckInForm()
    if form.validate_on_submit():
        run(lambda: attendance.check_in(current_user, participant, form.presence.data))
    else:
        abort(400)
    if htmx:
        db.session.refresh(participant)
        response = render_template("assemblies/_checkin_rows.html", assembly=assembly,
                                   situations=queries.situations(assembly, [participant]),
                                   form=CheckInForm(), q="")
        return response, 200, {"HX-Trigger": "quorum-changed"}
    return redirect(url_for("assemblies.register", assembly_id=assembly.id,
                            q=request.form.get("q", "")))


@bp.post("/assemblies/<int:assembly_id>/open")
@login_required
def open_sitting(assembly_id):
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    run(lambda: voting.open_sitting(current_user, assembly), _("The sitting is open."))
    return _back(assembly)


def _resolutions(assembly) -> list[Resolution]:
    """The resolution named in the form (`resolution`), or all of them (`all`)."""
    if request.form.get("all"):
        return [r for r in assembly.resolutions if not r.closed]
    wanted = request.form.get("resolution", type=db_id)
    chosen = [r for r in assembly.resolutions if r.id == wanted]
    if not chosen:
        abort(404)
    return chosen


@bp.post("/assemblies/<int:assembly_id>/resolutions/open")
@login_required
def open_resolutions(assembly_id):
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    run(lambda: voting.open_resolutions(current_user, _resolutions(assembly)),
        _("Voting is open."))
    return _back(assembly)


@bp.post("/assemblies/<int:assembly_id>/resolutions/close")
@login_required
def close_resolutions(assembly_id):
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    done = run(lambda: voting.close_resolutions(current_user, _resolutions(assembly)),
               _("Voting is closed and counted."))
    if done:
        votes.purge_dead_rows()
    return _back(assembly, "results")


@bp.post("/assemblies/<int:assembly_id>/resolutions/<int:resolution_id>/hands")
@login_required
def hands(assembly_id, resolution_id):
    """Enter a show of hands of one cooperative: for and against per college."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    resolution = next((r for r in assembly.resolutions if r.id == resolution_id), None)
    coop_id = request.form.get("cooperative", type=db_id)
    if resolution is None or coop_id not in {c.id for c in assembly.cooperatives}:
        abort(404)
    counts = {}
    try:
        for key, value in request.form.items():
            if key.startswith(("for:", "against:")) and value.strip():
                option, _sep, college = key.partition(":")
                number = int(value)
                if not 0 <= number <= 10**7:
                    raise ValueError
                counts.setdefault(college or None, {})[option] = number
    except ValueError:
        flash(_("Counts are whole numbers of hands."), "error")
        return _back(assembly)
    run(lambda: voting.enter_hands(current_user, resolution, coop_id, counts),
        _("The show of hands is entered."))
    return _back(assembly)


@bp.post("/assemblies/<int:assembly_id>/close")
@login_required
def close(assembly_id):
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    if run(lambda: voting.close_assembly(current_user, assembly) or True,
           _("The assembly is closed.")):
        votes.purge_dead_rows()
    return _back(assembly, "results")

