"""Routes to list, prepare and convene assemblies (the secretariat) and the assembly's page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from governance.models import Cooperative, Person
from governance.permissions import can_admin, can_see
from governance.platform.extensions import db
from governance.views.common import load_coop, run
from votes import queries as vote_queries
from votes.forms import to_utc

from .. import queries
from ..blueprint import bp
from ..forms import (
    AnswerForm,
    AssemblyForm,
    BallotForm,
    BureauForm,
    ConveneForm,
    ItemForm,
    ProxyForm,
    ResolutionForm,
    SecondCallForm,
)
from ..models import Assembly, AssemblyCoop, State
from ..services import convocation, prepare, voting
from .common import assembly_or_404, manages, my_places, require_manager
from .convocation import convocation_context
from .member import sealing


@bp.get("/c/<slug>/assemblies")
@login_required
def index(slug):
    """The cooperative's assemblies (joint ones included); drafts for the secretariat only."""
    coop = load_coop(slug, can_see)
    admin = can_admin(current_user, coop)
    assemblies = db.session.scalars(
        sa.select(Assembly).join(AssemblyCoop, AssemblyCoop.assembly_id == Assembly.id)
        .where(AssemblyCoop.cooperative_id == coop.id).order_by(Assembly.id.desc())).all()
    if not admin:
        assemblies = [a for a in assemblies if a.state != State.DRAFT]
    return render_template("assemblies/index.html", coop=coop, assemblies=assemblies,
                           can_admin=admin)


def _others(coop: Cooperative) -> list[Cooperative]:
    """The other cooperatives whose secretariat the user also holds (for a joint assembly)."""
    return [c for c in db.session.scalars(sa.select(Cooperative).order_by(Cooperative.name))
            if c.id != coop.id and can_admin(current_user, c)]


@bp.route("/c/<slug>/assemblies/new", methods=["GET", "POST"])
@login_required
def new(slug):
    """Prepare a new assembly (secretariat)."""
    coop = load_coop(slug, can_admin)
    others = _others(coop)
    form = AssemblyForm()
    form.others.choices = [(c.id, c.name) for c in others]
    if form.validate_on_submit():
        chosen = [c for c in others if c.id in (form.others.data or [])]
        assembly = run(lambda: prepare.create_assembly(current_user, coop, prepare.AssemblyDraft(
            title=form.title.data, kind=form.kind.data, starts_at=to_utc(form.starts_at.data),
            place=form.place.data or "", online_link=form.online_link.data or "",
            second_factor=form.second_factor.data, others=chosen)),
            _("The assembly is prepared as a draft: add its agenda and resolutions, then "
              "convene it."))
        if assembly is not None:
            return redirect(url_for("assemblies.show", assembly_id=assembly.id))
    return render_template("assemblies/new.html", coop=coop, form=form)


def page(assembly: Assembly, status: int = 200, **forms):
    """The assembly's page: facts, agenda, the user's own answers, the secretariat's tools."""
    places = my_places(assembly)
    ctx = dict(assembly=assembly, manages=manages(assembly), places=places,
               quorum=queries.quorum(assembly) if assembly.state != State.DRAFT else {},
               turnouts=queries.live_turnout(assembly),
               item_form=ItemForm(), resolution_form=ResolutionForm(),
               convene_form=ConveneForm(), second_form=SecondCallForm(),
               bureau_form=BureauForm(), answer_form=AnswerForm(), proxy_form=ProxyForm(),
               ballot_form=BallotForm(), mine=[queries.my_situation(assembly, p)
                                               for p in places])
    ctx["rooms"] = _rooms(assembly) if ctx["manages"] else {}
    ctx["small_colleges"] = _small_colleges(assembly) if ctx["manages"] else {}
    ctx.update(convocation_context(assembly))  # documents; emailed and postal counts
    ctx["key_holder_names"] = [db.session.get(Person, pid).display_name
                               for pid in assembly.key_holders]
    ctx["seal"] = sealing(assembly)
    ctx.update(forms)
    return render_template("assemblies/show.html", **ctx), status


def _small_colleges(assembly: Assembly) -> dict[str, list[str]]:
    """Before the convocation: {cooperative: [college names]} whose roll would hold fewer
    than three voters, whose ballots therefore cannot stay secret within them."""
    if assembly.state != State.DRAFT or not assembly.resolutions:
        return {}
    small = {rv.cooperative.name: [c.name for c in vote_queries.small_colleges(rv.vote)]
             for rv in assembly.resolutions[0].votes}
    return {coop: names for coop, names in small.items() if names}


def _rooms(assembly: Assembly) -> dict:
    """{(resolution id, coop id): {college: votes in the room not yet cast}} for the open
    resolutions: the show-of-hands form's figures."""
    if assembly.state != State.OPEN:
        return {}
    return {(r.id, rv.cooperative_id): {c: len(e) for c, e in
                                        voting.in_room(assembly, rv.vote).items()}
            for r in assembly.resolutions if r.opened and not r.closed for rv in r.votes}


@bp.get("/assemblies/<int:assembly_id>")
@login_required
def show(assembly_id):
    """The assembly: convocation, agenda, resolutions, quorum; what the user can do."""
    assembly = assembly_or_404(assembly_id)
    if assembly.state == State.DRAFT and not manages(assembly) and \
            current_user.id not in assembly.key_holders:  # holders make the keys before
        return render_template("error.html", code=404), 404
    return page(assembly)


@bp.post("/assemblies/<int:assembly_id>/items")
@login_required
def add_item(assembly_id):
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    form = ItemForm()
    if not form.validate_on_submit():
        return page(assembly, 400, item_form=form)
    run(lambda: prepare.add_item(current_user, assembly, form.title.data),
        _("The agenda item is added."))
    return redirect(url_for("assemblies.show", assembly_id=assembly.id, _anchor="agenda"))


@bp.post("/assemblies/<int:assembly_id>/resolutions")
@login_required
def add_resolution(assembly_id):
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    form = ResolutionForm()
    if not form.validate_on_submit():
        return page(assembly, 400, resolution_form=form)
    run(lambda: prepare.add_resolution(current_user, assembly, form.title.data, form.text.data,
                                       form.kind.data, form.board_approved.data),
        _("The resolution is added."))
    return redirect(url_for("assemblies.show", assembly_id=assembly.id, _anchor="agenda"))


@bp.post("/assemblies/<int:assembly_id>/bureau")
@login_required
def bureau(assembly_id):
    """Name the chair and secretary (by membership number in the host cooperative) and the
    scrutineers."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    form = BureauForm()
    if not form.validate_on_submit():
        return page(assembly, 400, bureau_form=form)
    people = {}
    for field in (form.chair, form.secretary):
        if field.data:
            member = field.membership(assembly.cooperative_id)
            if member is None:
                return page(assembly, 400, bureau_form=form)
            people[field.name] = member.person
    run(lambda: prepare.set_bureau(current_user, assembly, people.get("chair"),
                                   people.get("secretary"), form.scrutineers.data),
        _("The bureau is recorded."))
    return redirect(url_for("assemblies.show", assembly_id=assembly.id))


@bp.post("/assemblies/<int:assembly_id>/convene")
@login_required
def convene(assembly_id):
    """Convene the first call: freezes the roll, emails the convocations."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    form = ConveneForm()
    if not form.validate_on_submit():
        return page(assembly, 400, convene_form=form)
    if _small_colleges(assembly) and not request.form.get("small_colleges_ok"):
        flash(_("Some colleges would have fewer than three voters, whose ballots cannot stay "
                "secret within them: read the warning, tick the box, then convene."), "error")
        return page(assembly, 400, convene_form=form)
    count = run(lambda: convocation.convene(current_user, assembly, reason=form.reason.data or ""))
    if count is None:
        return page(assembly, 400, convene_form=form)
    flash(ngettext("The assembly is convened: %(num)s sociétaire is on its roll.",
                   "The assembly is convened: %(num)s sociétaires are on its roll.", count),
          "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly.id))


@bp.post("/assemblies/<int:assembly_id>/second-call")
@login_required
def second_call(assembly_id):
    """Convene a second call with the same agenda, when the first lacks quorum."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    form = SecondCallForm()
    if not form.validate_on_submit():
        return page(assembly, 400, second_form=form)
    sitting = run(lambda: convocation.second_call(current_user, assembly,
                                                  to_utc(form.starts_at.data),
                                                  reason=form.reason.data or ""),
                  _("The second call is convened."))
    if sitting is None:
        return page(assembly, 400, second_form=form)
    return redirect(url_for("assemblies.show", assembly_id=assembly.id))
