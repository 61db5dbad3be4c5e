"""What a sociétaire does: answer the convocation, give, accept or revoke a proxy, vote in
advance, join online, and vote in the sitting for themselves and their principals."""
from __future__ import annotations

import json

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from governance.platform.urls import db_id
from governance.views.common import child_or_404, run
from votes import encryptedbox
from votes.forms import BallotMissing, read_encrypted

from ..blueprint import bp
from ..forms import CHOICES, AnswerForm, ProxyForm
from ..models import Participant, Proxy, Resolution, State
from ..services import attendance, proxies, voting
from .common import assembly_or_404, my_places

MAX_SEALED = 400 * 1024  # ~1.5 kB an encrypted resolution ballot: for principals, advance votes


def _back(assembly_id: int, anchor: str = "yours"):
    return redirect(url_for("assemblies.show", assembly_id=assembly_id, _anchor=anchor))


def _my_place(assembly, participant_id: int) -> Participant:
    """One of the user's own places on the roll (403 otherwise)."""
    for place in my_places(assembly):
        if place.id == participant_id:
            return place
    abort(403)


def _proxy(assembly, proxy_id: int) -> Proxy:
    proxy = child_or_404(Proxy, proxy_id, assembly_id=assembly.id)
    return proxy


@bp.post("/assemblies/<int:assembly_id>/places/<int:participant_id>/answer")
@login_required
def answer(assembly_id, participant_id):
    """Say whether one will attend, in the room or online."""
    assembly = assembly_or_404(assembly_id)
    place = _my_place(assembly, participant_id)
    form = AnswerForm()
    if form.validate_on_submit():
        run(lambda: attendance.answer(current_user, place, form.intent.data),
            _("Your answer is recorded."))
    return _back(assembly.id)


@bp.post("/assemblies/<int:assembly_id>/places/<int:participant_id>/proxy")
@login_required
def give_proxy(assembly_id, participant_id):
    """Give a proxy to another sociétaire (by membership number) or a blank one to the chair."""
    assembly = assembly_or_404(assembly_id)
    place = _my_place(assembly, participant_id)
    form = ProxyForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    elif not form.blank.data and not form.holder.data:
        flash(_("Give the membership number of your proxy holder, or choose a blank proxy."),
              "error")
    else:
        holder = None if form.blank.data else form.holder.data
        run(lambda: proxies.give_proxy(current_user, place, holder),
            _("Your blank proxy is given to the chair.") if holder is None else
            _("Your proxy is offered: it counts once the holder accepts it."))
    return _back(assembly.id)


@bp.post("/assemblies/<int:assembly_id>/proxies/<int:proxy_id>/<any(accept, decline):answer>")
@login_required
def answer_proxy(assembly_id, proxy_id, answer):
    """The holder accepts or declines a proxy offered to them (the service checks who)."""
    assembly = assembly_or_404(assembly_id)
    proxy = _proxy(assembly, proxy_id)
    accept = answer == "accept"
    run(lambda: proxies.answer_proxy(current_user, proxy, accept),
        _("You hold this proxy.") if accept else _("The proxy is declined."))
    return _back(assembly.id)


@bp.post("/assemblies/<int:assembly_id>/proxies/<int:proxy_id>/revoke")
@login_required
def revoke_proxy(assembly_id, proxy_id):
    """The principal takes their vote back (until their holder has voted for them)."""
    assembly = assembly_or_404(assembly_id)
    proxy = _proxy(assembly, proxy_id)
    run(lambda: proxies.revoke_proxy(current_user, proxy),
        _("Your proxy is revoked: you vote yourself."))
    return _back(assembly.id)


def sealing(assembly):
    """For the templates, when the assembly's ballots are encrypted (else None):
    `seal(resolutions, voters, radio)` gives the JSON that static/js/assembly-ballots.js
    reads off a ballot form: for each resolution and voter, the key and context of the vote
    that takes the ballot, the radio buttons of its choice (`radio`, or `r<resolution id>`
    when None) and the key of its ballot in the posted `ballots` (`<resolution>-<voter>`)."""
    if not assembly.key_threshold or assembly.state not in (State.CONVENED, State.OPEN):
        return None

    def seal(resolutions, voters, radio=None) -> str:
        targets = []
        for r in resolutions:
            votes = {rv.cooperative_id: rv.vote for rv in r.votes}
            for v in voters:
                vote = votes[v.cooperative_id]
                targets.append({"radio": radio or f"r{r.id}", "out": f"{r.id}-{v.id}",
                                "context": encryptedbox.ballot_context(vote.public_id),
                                "key": vote.opening["encryption"]["public_key"]})
        return json.dumps(targets)
    return seal


def _sealed_ballots():
    """The encrypted ballots posted by the voter's browser, by `<resolution>-<voter>`; a
    translated error is flashed (and None returned) without them: no JavaScript."""
    try:
        ballots = read_encrypted(request.form, "ballots", MAX_SEALED)
    except BallotMissing as err:
        flash(str(err), "error")
        return None
    return ballots if isinstance(ballots, dict) else {}


def _choice(name: str) -> str | None:
    value = request.form.get(name, "")
    return value if value in dict(CHOICES) else None


@bp.post("/assemblies/<int:assembly_id>/places/<int:participant_id>/advance")
@login_required
def advance(assembly_id, participant_id):
    """Vote in advance on every resolution (the online postal vote)."""
    assembly = assembly_or_404(assembly_id)
    place = _my_place(assembly, participant_id)
    if assembly.key_threshold:
        ballots = _sealed_ballots()
        if ballots is None:
            return _back(assembly.id)
        choices = {r.id: ballots.get(f"{r.id}-{place.id}", {}) for r in assembly.resolutions}
    else:
        choices = {r.id: _choice(f"r{r.id}") for r in assembly.resolutions}
    if None in choices.values():
        flash(_("Choose for, against or abstain on every resolution."), "error")
        return _back(assembly.id)
    receipts = run(lambda: voting.vote_in_advance(current_user, place, choices))
    if receipts:
        flash(_("Your advance vote is in the ballot box. It counts for the quorum."), "success")
        _flash_trackers(receipts)
    return _back(assembly.id)


def _flash_trackers(receipts) -> None:
    """Show the tracking codes, with which the voter finds each ballot in the published box
    (the flash lives in the voter's own session only)."""
    flash(ngettext("Your tracking code: %(codes)s. Keep it to find your ballot in the "
                   "published ballot box.",
                   "Your tracking codes: %(codes)s. Keep them to find your ballots in the "
                   "published ballot boxes.", len(receipts),
                   codes=", ".join(r.tracker for r in receipts)), "info")


@bp.post("/assemblies/<int:assembly_id>/places/<int:participant_id>/join")
@login_required
def join(assembly_id, participant_id):
    """Join the open sitting online."""
    assembly = assembly_or_404(assembly_id)
    place = _my_place(assembly, participant_id)
    run(lambda: attendance.join_online(current_user, place), _("You are present online."))
    return _back(assembly.id, "sitting")


def _resolution(assembly, resolution_id: int) -> Resolution:
    resolution = child_or_404(Resolution, resolution_id, assembly_id=assembly.id)
    return resolution


@bp.post("/assemblies/<int:assembly_id>/resolutions/<int:resolution_id>/vote")
@login_required
def vote(assembly_id, resolution_id):
    """Cast a ballot on an open resolution: for oneself or a principal (`for` = their place),
    or the same way for oneself and every principal (`all`)."""
    assembly = assembly_or_404(assembly_id)
    resolution = _resolution(assembly, resolution_id)
    ballots = _sealed_ballots() if assembly.key_threshold else None
    choice = None if assembly.key_threshold else _choice("choice")
    if ballots is None and choice is None:
        if not assembly.key_threshold:
            flash(_("Choose for, against or abstain."), "error")
        return _back(assembly.id, "sitting")
    if request.form.get("all"):
        receipts = run(lambda: voting.cast_for_all(current_user, resolution, choice, ballots))
        if receipts is not None:
            flash(ngettext("%(num)s ballot cast.", "%(num)s ballots cast.", len(receipts)),
                  "success")
            _flash_trackers(receipts)
        return _back(assembly.id, "sitting")
    target = child_or_404(Participant, request.form.get("for", type=db_id) or 0,
                          assembly_id=assembly.id)
    mine = ballots.get(f"{resolution.id}-{target.id}", {}) if ballots is not None else choice
    receipt = run(lambda: voting.cast(current_user, resolution, target, mine),
                  _("Ballot cast."))
    if receipt is not None:
        _flash_trackers([receipt])
    return _back(assembly.id, "sitting")
