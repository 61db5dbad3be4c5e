"""What the votes' routes share: loading a vote with its permission checks, the redirect back
to it, the template filters, the options' labels."""
from datetime import UTC
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from babel.dates import format_datetime
from flask import (
    abort,
    g,
    redirect,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from governance.permissions import can_see
from governance.platform.extensions import db
from governance.platform.formatting import number

from .. import queries
from ..blueprint import bp
from ..forms import TIMEZONE
from ..models import State, Vote

RECOUNT_COMMAND = "flask --app app votes verify FILE.json"


# ---------------------------------------------------------------------------------------------
# Loading and permissions.

def sees(vote: Vote) -> bool:
    """Anyone with a role in the cooperative, and every voter on the roll (who may have left)."""
    return can_see(current_user, vote.cooperative) or \
        queries.roll_entry(vote, current_user) is not None


def vote_or_404(vote_id: int) -> Vote:
    """The vote named in the URL (with its cooperative, in one query), or 404."""
    vote = db.session.get(Vote, vote_id, options=[sa.orm.joinedload(Vote.cooperative)])
    if vote is None:
        abort(404)
    g.coop = vote.cooperative  # for the language when nothing else chooses it
    return vote


def load_vote(vote_id: int, allowed=None) -> Vote:
    """The vote named in the URL, or 404; 403 unless `allowed(current_user, coop)` (default:
    whoever sees the vote)."""
    vote = vote_or_404(vote_id)
    if not (allowed(current_user, vote.cooperative) if allowed else sees(vote)):
        abort(403)
    return vote


def closed_or_404(vote: Vote) -> None:
    if vote.state != State.CLOSED or vote.summary_json is None:
        abort(404)


def back(vote: Vote):
    return redirect(url_for("votes.show", vote_id=vote.id))


# ---------------------------------------------------------------------------------------------
# Display helpers shared by the templates.

@bp.app_template_filter("local_time")
def local_time(value) -> str:
    """A stored naive-UTC time as Paris wall-clock time, in the user's locale."""
    if value is None:
        return ""
    when = format_datetime(value.replace(tzinfo=UTC), "medium", tzinfo=TIMEZONE,
                           locale=get_locale())
    return _("%(when)s (Paris time)", when=when)


@bp.app_template_filter("weight")
def weight(value) -> str:
    """A summed weight: an integer as a number, else two decimals."""
    if value is None:
        return "—"
    value = Fraction(value)
    if value.denominator == 1:
        return number(value.numerator)
    return number((Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01")))


def option_labels(vote: Vote) -> dict[str, str]:
    """What the pages call each option: the resolution's answers are translated."""
    if vote.method == "resolution":
        return {"for": _("For"), "against": _("Against"), "abstain": _("Abstain")}
    return {o["id"]: o["label"] for o in vote.options}
