"""Routes of a closed vote's published results: the sealed ballot box, the single-file
verifier and the results as CSV."""
import csv
import io
from decimal import Decimal
from fractions import Fraction

from flask import (
    Response,
)
from flask_login import login_required

from governance.platform.downloads import guard

from .. import queries, standalone
from ..blueprint import bp
from .common import closed_or_404, load_vote, option_labels


@bp.get("/votes/<int:vote_id>/ballot-box.json")
@login_required
def ballot_box(vote_id):
    """The sealed ballot box (coopgov-ballot-box/2 or /3) of a closed vote, to recount."""
    vote = load_vote(vote_id)
    closed_or_404(vote)
    response = Response(vote.box_json, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{vote.public_id}.json"'
    return response


@bp.get("/votes/<int:vote_id>/coopgov-verify.py")
@login_required
def verifier(vote_id):
    """The single-file verifier of the vote's box: Python and PyNaCl, nothing of coopgov."""
    vote = load_vote(vote_id)
    closed_or_404(vote)
    response = Response(standalone.build(), mimetype="text/x-python")
    response.headers["Content-Disposition"] = 'attachment; filename="coopgov-verify.py"'
    return response


CSV_COLUMNS = ["college", "college_name", "college_weight", "option", "option_label", "votes",
               "expressed", "share", "majority_grade", "rank", "winner", "outcome"]


def _decimal(value: Fraction | None, places: int = 6) -> str:
    if value is None:
        return ""
    if Fraction(value).denominator == 1:
        return str(Fraction(value).numerator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-places)))


@bp.get("/votes/<int:vote_id>/results.csv")
@login_required
def results_csv(vote_id):
    """The result per college and overall, one line per (college, option), `;`-separated."""
    vote = load_vote(vote_id)
    closed_or_404(vote)
    result = queries.results(vote, option_labels(vote))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in result.colleges:
        for o in result.options:
            writer.writerow([guard(c.id or ""), guard(c.name), _decimal(c.weight), o.id,
                             guard(o.label),
                             _decimal(c.counts.get(o.id, Fraction(0))) if result.method !=
                             "majority_judgment" else "",
                             _decimal(c.expressed), _decimal(c.share(o.id)) if result.method !=
                             "majority_judgment" else "", guard(c.grades.get(o.id) or ""),
                             "", "", ""])
    for o in result.options:
        votes = sum((c.counts.get(o.id, Fraction(0)) for c in result.colleges), Fraction(0))
        share = result.share_for if result.method == "resolution" and o.id == "for" else \
            None if result.method == "resolution" else o.share
        winner = (o in result.winners) if result.method != "resolution" else ""
        writer.writerow(["overall", "", "", o.id, guard(o.label),
                         "" if result.method == "majority_judgment" else _decimal(votes),
                         _decimal(sum((c.expressed for c in result.colleges), Fraction(0))),
                         _decimal(share), guard(o.grade or ""), o.rank or "",
                         "" if winner == "" else ("yes" if winner else "no"), result.outcome])
    response = Response("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{vote.public_id}-results.csv"'
    return response
