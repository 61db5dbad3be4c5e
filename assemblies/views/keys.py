"""The bureau's keys of an assembly whose ballots are encrypted: the secretariat names the key
holders; each holder does their steps for every resolution's vote at once on the assembly's
ceremony page (static/js/ceremony.js posts each vote's step to the votes package's routes)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.views.common import run
from votes.views.ceremony import ceremony_data, holders_from

from .. import queries
from ..blueprint import bp
from ..services import keys
from .common import assembly_or_404, manages, require_manager


@bp.post("/assemblies/<int:assembly_id>/key-holders")
@login_required
def key_holders(assembly_id):
    """Encrypt the assembly's ballots: name the key holders (emails) and how many open."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    named = holders_from(request.form)
    if named is not None:
        run(lambda: keys.name_key_holders(current_user, assembly, *named),
            _("The key holders are named: each of them now creates their key on the "
              "assembly's key ceremony page."))
    return redirect(url_for("assemblies.show", assembly_id=assembly.id, _anchor="keys"))


@bp.get("/assemblies/<int:assembly_id>/ceremony")
@login_required
def ceremony(assembly_id):
    """Every resolution vote's ceremony; the holder's step for all of them (JavaScript)."""
    assembly = assembly_or_404(assembly_id)
    rows = queries.ceremonies(assembly)
    mine = {id(c): next((h for h in c.holders if h.person_id == current_user.id), None)
            for _r, _rv, c in rows}
    if not rows or (not any(mine.values()) and not manages(assembly)):
        abort(404 if not rows else 403)
    ceremonies = [ceremony_data(rv.vote, c, mine[id(c)]) for _r, rv, c in rows]
    position = next((c["position"] for c in ceremonies if c["position"]), None)
    step = next((c["todo"] for c in ceremonies if c["todo"]), None)
    data = {"name": f"assembly-{assembly.id}", "position": position,
            "ceremonies": [c for c in ceremonies if c["todo"] == step] if step else []}
    return render_template(
        "assemblies/ceremony.html", assembly=assembly, rows=rows, data=data, step=step,
        progress=_progress(rows),
        me=position is not None,
        waiting=any(str(c.state) not in ("done", "failed") for _r, _rv, c in rows)
        or any(rv.vote.awaiting_bureau for _r, rv, _c in rows))


STEPS = ("encryption_key", "commitments_json", "confirmation_json", "decryption_json")


def _progress(rows) -> list[tuple]:
    """(holder of the first ceremony, [how many ceremonies they did each step of])."""
    by_position: dict[int, list] = {}
    for _r, _rv, c in rows:
        for h in c.holders:
            by_position.setdefault(h.position, []).append(h)
    return [(hs[0], [sum(1 for h in hs if getattr(h, step)) for step in STEPS])
            for _p, hs in sorted(by_position.items())]
