"""Routes of a vote's life: list, create, the vote's page, live turnout, cast, open, close,
open ballots, the ballot tracker.

Thin views: parse → call a service or a query → render. Who may see a vote: anyone with a role
in its cooperative (or on its roll); only voters on the roll cast (the service decides); only
the secretariat creates, opens and closes.
"""

from flask import (
    abort,
    flash,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from governance.permissions import can_admin, can_see, can_see_contacts
from governance.platform import documents
from governance.platform.extensions import db, htmx
from governance.platform.formatting import share
from governance.platform.mail import send_after
from governance.views.common import load_coop, run

from .. import charts, encryptedbox, queries, second_factor
from .. import services as svc
from ..blueprint import bp
from ..forms import BallotMissing, VoteForm, read_ballot, read_encrypted
from ..models import State, Vote
from .common import RECOUNT_COMMAND, back, closed_or_404, load_vote, option_labels, vote_or_404


def _turnout_context(vote: Vote) -> dict:
    overall, colleges = queries.turnout(vote)
    return dict(vote=vote, overall=overall, college_turnout=colleges,
                polling=vote.state == State.OPEN)


def _result_context(vote: Vote, labels: dict) -> dict:
    result = queries.results(vote, labels)
    if result is None:
        return {"result": None}
    if result.method == "majority_judgment":
        chart = charts.profiles([(o.label, o.profile) for o in result.options], result.grades,
                                title=_("Merit profile of each option (best grade on the "
                                        "left); the dashed line is the median"))
        return {"result": result, "chart": chart}
    mark = dict(threshold=result.threshold,
                threshold_label=_("threshold %(share)s", share=share(result.threshold)))
    if result.method == "resolution":
        rows = [(c.name or _("All voters"), c.share("for")) for c in result.colleges]
        if result.weighted:
            rows.append((_("Weighted result"), result.share_for))
        chart = charts.bars(rows, title=_("Share of votes for, per college and weighted"), **mark)
    else:
        chart = charts.bars([(o.label, o.share) for o in result.options],
                            title=_("Weighted share of each option"), **mark)
    return {"result": result, "chart": chart}


# ---------------------------------------------------------------------------------------------
# Pages.

@bp.get("/c/<slug>/votes")
@login_required
def index(slug):
    """The cooperative's votes; the secretariat also sees drafts and a "New vote" button."""
    coop = load_coop(slug, can_see)
    admin = can_admin(current_user, coop)
    votes = [v for v in queries.votes_of(coop) if admin or v.state != State.DRAFT]
    return render_template("votes/index.html", coop=coop, votes=votes, can_admin=admin)


@bp.route("/c/<slug>/votes/new", methods=["GET", "POST"])
@login_required
def new(slug):
    """Create a draft vote (secretariat)."""
    coop = load_coop(slug, can_admin)
    # `?for=board` (the board's pages): the board votes, on an open ballot, unless changed.
    form = VoteForm(coop=coop, data={"eligibility": "board", "secret": False}
                    if request.args.get("for") == "board" else None)
    if form.validate_on_submit():
        vote = run(lambda: svc.create_vote(current_user, coop, form.draft()),
                   _("The vote is created as a draft: check it, then open it."))
        if vote is not None:
            return back(vote)
    return render_template("votes/new.html", coop=coop, form=form,
                           weighted=coop.weighting == "colleges")


@bp.get("/votes/<int:vote_id>")
@login_required
def show(vote_id):
    """The vote: its question and rule, the ballot or the voter's state, turnout, result."""
    vote = load_vote(vote_id)
    coop = vote.cooperative
    if vote.state == State.DRAFT and not can_admin(current_user, coop):
        abort(404)  # drafts are the secretariat's work in progress
    labels = option_labels(vote)
    ctx = dict(vote=vote, coop=coop, labels=labels, entry=queries.roll_entry(vote, current_user),
               can_admin=can_admin(current_user, coop),
               can_see_ballots=can_see_contacts(current_user, coop),
               accepting=svc.is_open(vote), recount=RECOUNT_COMMAND,
               document_types=sorted(documents.TYPES),
               document_max=documents.MAX_BYTES // (1024 * 1024),
               eligible_names=", ".join(c.name for c in coop.colleges
                                        if c.code in vote.eligible_colleges))
    entry = ctx["entry"]
    ctx["needs_code"] = entry is not None and not entry.voted and not second_factor.confirmed(
        vote, current_user)
    ctx["small_colleges"] = queries.small_colleges(vote)
    ctx["ceremony"] = queries.ceremony_of(vote) if vote.secret else None
    ctx["colleges"] = svc.colleges_of(vote)
    if vote.state == State.OPEN and vote.encrypted:
        ctx |= _encrypted_ballot_context(vote)
    if vote.state != State.DRAFT:
        ctx |= _turnout_context(vote)
    if vote.state == State.CLOSED:
        ctx |= _result_context(vote, labels)
    return render_template("votes/show.html", **ctx)


def _encrypted_ballot_context(vote: Vote) -> dict:
    """What static/js/ballot.js needs to encrypt the voter's ballot, and its messages."""
    return {"ballot_data": {
        "vote": vote.public_id, "context": encryptedbox.ballot_context(vote.public_id),
        "key": vote.opening["encryption"]["public_key"], "method": str(vote.method),
        "options": ["for", "against", "abstain"] if vote.method == "resolution"
        else [o["id"] for o in vote.options], "grades": vote.grades, "seats": vote.seats},
        "ballot_texts": {
            "resolution": _("Choose for, against or abstain."),
            "choice": _("Choose an option, or a blank vote."),
            "approval": ngettext("Select at most %(num)s option.",
                                 "Select at most %(num)s options.", vote.seats),
            "judgment": _("Grade at least one option."),
            "encrypting": _("Encrypting your ballot…")}}


@bp.get("/votes/<int:vote_id>/turnout")
@login_required
def turnout(vote_id):
    """Live turnout (the htmx partial polled by the vote page): who took part, never what."""
    vote = load_vote(vote_id)
    if vote.state == State.DRAFT:
        abort(404)
    if htmx and vote.state == State.CLOSED:
        return htmx_refresh()  # the page reloads and shows the result
    return render_template("votes/_turnout.html", **_turnout_context(vote))


def htmx_refresh():
    from flask_htmx import make_response as htmx_response
    return htmx_response("", 204, refresh=True)


@bp.post("/votes/<int:vote_id>/cast")
@login_required
def cast(vote_id):
    """Put the voter's ballot in the box and show its receipt (tracker and hash), also mailed."""
    vote = vote_or_404(vote_id)
    entry = queries.roll_entry(vote, current_user)
    if entry is None:
        abort(403)  # only voters on the roll cast (the service checks it too)
    try:
        choice = read_encrypted(request.form) if vote.encrypted else \
            read_ballot(vote, request.form)
    except BallotMissing as err:
        flash(str(err), "error")
        return back(vote)
    shown = {"id": vote.id, "title": vote.title, "coop": vote.cooperative.name}
    # The commit changes nothing the receipt page shows: keep the rows loaded, so that the page
    # does not reload the voter (for the header) in a second transaction.
    session = db.session()
    session.expire_on_commit, expire = False, session.expire_on_commit
    try:
        receipt = run(lambda: svc.cast(current_user, vote, choice, entry=entry))
    finally:
        session.expire_on_commit = expire
    if receipt is None:
        return back(vote)
    lookup = url_for("votes.tracker", vote_id=vote_id, code=receipt.tracker, _external=True)
    mailed = _mail_receipt(shown, receipt, lookup)
    response = make_response(render_template("votes/receipt.html", vote=shown, receipt=receipt,
                                             lookup=lookup, mailed=mailed,
                                             recount=RECOUNT_COMMAND))
    response.headers["Cache-Control"] = "no-store"  # the tracker is for the voter only
    return response


def _mail_receipt(vote: dict, receipt: svc.Receipt, lookup: str) -> bool:
    """Email the receipt to the voter, in the language of the page they see, from a background
    thread (the page does not wait for the mail server). False when they have no address."""
    if not current_user.email:
        return False
    send_after(current_user.email, _("Your ballot in “%(title)s”", title=vote["title"]),
               _("Your ballot in the vote “%(title)s” of %(coop)s is in the ballot box.\n\n"
                 "Tracking code: %(tracker)s\nHash of your ballot: %(hash)s\n\n"
                 "Keep them. When the vote is closed, find your ballot in the published ballot "
                 "box here: %(link)s\n",
                 title=vote["title"], coop=vote["coop"], tracker=receipt.tracker,
                 hash=receipt.hash, link=lookup))
    return True


@bp.post("/votes/<int:vote_id>/open")
@login_required
def open_vote(vote_id):
    """Open the vote: freeze its roll and notify the voters (secretariat)."""
    vote = load_vote(vote_id, can_admin)
    if queries.small_colleges(vote) and not request.form.get("small_colleges_ok"):
        flash(_("Some colleges would have fewer than three voters, whose ballots cannot stay "
                "secret within them: read the warning, tick the box, then open the vote."),
              "error")
        return back(vote)
    size = run(lambda: svc.open_vote(current_user, vote))
    if size is not None:
        flash(ngettext("The vote is open: %(num)s voter on the roll.",
                       "The vote is open: %(num)s voters on the roll.", size), "success")
    return back(vote)


@bp.post("/votes/<int:vote_id>/close")
@login_required
def close_vote(vote_id):
    """Close the vote now: seal the box and count it (secretariat)."""
    vote = load_vote(vote_id, can_admin)
    run(lambda: svc.close(current_user, vote),
        _("The vote is closed and its ballot box sealed."))
    return back(vote)


@bp.get("/votes/<int:vote_id>/open-ballots")
@login_required
def open_ballots(vote_id):
    """Who voted what in a closed open-ballot vote (secretariat and board); 404 when secret."""
    vote = load_vote(vote_id, can_see_contacts)
    if vote.secret:
        abort(404)
    closed_or_404(vote)
    return render_template("votes/open_ballots.html", vote=vote, labels=option_labels(vote),
                           rows=queries.open_ballots(vote),
                           colleges={c.code: c.name for c in vote.cooperative.colleges})


@bp.get("/votes/<int:vote_id>/tracker")
@login_required
def tracker(vote_id):
    """Find a tracking code in the published ballot box."""
    vote = load_vote(vote_id)
    if vote.state == State.DRAFT:
        abort(404)
    code = request.args.get("code", "")[:40]
    ballot = queries.find_tracker(vote, code)
    return render_template("votes/tracker.html", vote=vote, code=code, ballot=ballot,
                           labels=option_labels(vote),
                           colleges={c.code: c.name for c in vote.cooperative.colleges})
