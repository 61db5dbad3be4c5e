"""Routes of the key ceremony: the secretariat names the key holders of a draft secret vote;
each holder's page runs their steps in the browser (static/js/ceremony.js), which posts only
public keys, commitments, sealed shares and proofs, as JSON."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.models import Person
from governance.permissions import can_admin
from governance.platform.extensions import db
from governance.platform.messages import message
from governance.platform.service import DomainError, Forbidden
from governance.platform.urls import db_id
from governance.views.common import run

from .. import encryptedbox, queries
from .. import services as svc
from ..blueprint import bp
from ..services.ceremony import MAX_HOLDERS, root
from .common import load_vote, vote_or_404

MAX_BODY = 64 * 1024  # a step's JSON: keys, commitments and shares of at most 9 holders
MAX_DECRYPTION = 1024 * 1024  # partial decryptions: ~300 bytes a sum, per college and choice


def holders_from(form) -> tuple[list[Person], int] | None:
    """The key holders named by email in `form` (one per line) and how many of them open the
    box (0 when not a number: the service refuses it with the ceremony's message); None, with
    the error flashed, when an address has no account."""
    emails = [e.strip().lower() for e in form.get("holders", "")[:5000].splitlines()
              if e.strip()]
    valid = [e for e in emails if "\x00" not in e]  # no address holds a NUL (nor may a query)
    people = db.session.scalars(sa.select(Person).where(
        sa.func.lower(Person.email).in_(valid))).all() if valid else []
    by_email = {p.email.lower(): p for p in people}
    unknown = [e for e in emails if e not in by_email]
    if unknown:
        flash(_("No account has the address %(email)s.",
                email=unknown[0][:200].replace("\x00", "")), "error")
        return None
    k = form.get("threshold", type=db_id)
    return [by_email[e] for e in emails], k if k is not None and 0 < k <= MAX_HOLDERS else 0


@bp.post("/votes/<int:vote_id>/ceremony/holders")
@login_required
def ceremony_holders(vote_id):
    """Name the key holders (their email addresses, one per line) and how many open the box."""
    vote = load_vote(vote_id, can_admin)
    named = holders_from(request.form)
    if named is not None:
        run(lambda: svc.name_holders(current_user, vote, *named),
            _("The key holders are named: each of them now creates their key on the "
              "ceremony's page."))
    return redirect(url_for("votes.show", vote_id=vote.id) + "#bureau-title")


def _ceremony(vote):
    """The vote's ceremony (404 without one) and the current user's place in it, if any."""
    found = queries.ceremony_of(vote)
    if found is None:
        abort(404)
    return found, next((h for h in found.holders if h.person_id == current_user.id), None)


def todo(vote, ceremony, me) -> str | None:
    """The holder's step still to do in the vote's ceremony: key, shares, checks, open."""
    if me is None:
        return None
    if ceremony.state == "keys" and not me.encryption_key:
        return "key"
    if ceremony.state == "shares" and not me.commitments_json:
        return "shares"
    if ceremony.state == "checks" and not me.confirmation_json:
        return "checks"
    if ceremony.state == "done" and vote.awaiting_bureau and not me.decryption_json:
        return "open"
    return None


def ceremony_data(vote, ceremony, me) -> dict:
    """What static/js/ceremony.js needs of one vote's ceremony for the holder `me`."""
    return {"vote": vote.public_id, "context": root(vote), "threshold": ceremony.threshold,
            "state": str(ceremony.state), "position": me.position if me else None,
            "todo": todo(vote, ceremony, me),
            "holders": [{"position": h.position, "key": h.encryption_key,
                         "commitments": json.loads(h.commitments_json or "null"),
                         "share": json.loads(h.shares_json)[me.position - 1]
                         if me and h.shares_json else None,
                         "verification_key": h.verification_key} for h in ceremony.holders],
            "tally": [{"context": encryptedbox.tally_context(vote.public_id, e["college"]),
                       "ciphertexts": e["ciphertexts"]}
                      for e in json.loads(vote.tally_json)] if vote.awaiting_bureau else [],
            "urls": {step: url_for(f"votes.ceremony_{step}", vote_id=vote.id)
                     for step in ("key", "shares", "confirm", "report", "decrypt")}}


@bp.get("/votes/<int:vote_id>/ceremony")
@login_required
def ceremony(vote_id):
    """The ceremony's page: who has done which step; the holder's own step (JavaScript)."""
    vote = load_vote(vote_id)
    found, me = _ceremony(vote)
    if me is None and not can_admin(current_user, vote.cooperative):
        abort(403)
    one = ceremony_data(vote, found, me)
    data = {"name": vote.public_id, "position": one["position"], "ceremonies": [one]}
    return render_template("votes/ceremony.html", vote=vote, ceremony=found, me=me, data=data,
                           step=one["todo"])


def _step(vote_id, action, limit=MAX_BODY):
    """Run a holder's step from the JSON the page posted; answer JSON (400 with the reason in
    the holder's language when refused, nothing recorded)."""
    vote = vote_or_404(vote_id)  # a holder may hold the key of a joint assembly's other
    if _ceremony(vote)[1] is None:  # cooperatives' votes: only the ceremony's holders
        abort(403)  # take its steps
    try:
        body = request.get_json(silent=True) if (request.content_length or 0) <= limit \
            else None
    except RecursionError:  # "[[[[…": nested deeper than the decoder goes
        body = None
    if not isinstance(body, dict):
        return jsonify(error=_("What your browser sent could not be read: nothing was "
                               "recorded.")), 400
    try:
        done = action(vote, body)
    except Forbidden:
        abort(403)
    except DomainError as err:
        return jsonify(error=message(err.code, err.params)), 400
    return jsonify(state=str(getattr(done, "state", "")))


@bp.post("/votes/<int:vote_id>/ceremony/key")
@login_required
def ceremony_key(vote_id):
    return _step(vote_id, lambda vote, body: svc.publish_key(
        current_user, vote, body.get("key"), body.get("proof")))


@bp.post("/votes/<int:vote_id>/ceremony/shares")
@login_required
def ceremony_shares(vote_id):
    return _step(vote_id, lambda vote, body: svc.publish_shares(
        current_user, vote, body.get("commitments"), body.get("proof"), body.get("shares")))


@bp.post("/votes/<int:vote_id>/ceremony/confirm")
@login_required
def ceremony_confirm(vote_id):
    return _step(vote_id, lambda vote, body: svc.confirm(current_user, vote, body.get("proof")))


@bp.post("/votes/<int:vote_id>/ceremony/report")
@login_required
def ceremony_report(vote_id):
    def report(vote, body):
        sender = body.get("sender")
        if not isinstance(sender, int) or isinstance(sender, bool):
            raise DomainError("ceremony_malformed", {"why": "sender"})
        return svc.report_bad_share(current_user, vote, sender)
    return _step(vote_id, report)


@bp.post("/votes/<int:vote_id>/ceremony/decrypt")
@login_required
def ceremony_decrypt(vote_id):
    """After the close: the holder's partial decryptions of the tally, with their proofs."""
    return _step(vote_id, lambda vote, body: svc.publish_decryption(
        current_user, vote, body.get("partials"), body.get("proofs")), MAX_DECRYPTION)
