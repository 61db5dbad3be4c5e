"""Routes of the second factor: a voter asks for a code by email, then types it in."""
from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from governance.views.common import run

from .. import second_factor
from ..blueprint import bp
from .common import load_vote


class CodeForm(FlaskForm):
    code = StringField(validators=[DataRequired(), Length(max=20)])


def _ballot(vote):
    return redirect(url_for("votes.show", vote_id=vote.id) + "#ballot-title")


@bp.post("/votes/<int:vote_id>/code")
@login_required
def send_code(vote_id):
    """Email the voter a one-time code for this vote."""
    vote = load_vote(vote_id)
    if not vote.second_factor or not FlaskForm().validate_on_submit():
        abort(400)
    run(lambda: second_factor.send_code(current_user, vote),
        _("A code is on its way to %(email)s.", email=current_user.email))
    return _ballot(vote)


@bp.post("/votes/<int:vote_id>/code/confirm")
@login_required
def confirm_code(vote_id):
    """Check the code the voter typed; the ballot then shows."""
    vote = load_vote(vote_id)
    form = CodeForm()
    if not vote.second_factor or not form.validate_on_submit():
        abort(400)
    run(lambda: second_factor.confirm_code(current_user, vote, form.code.data),
        _("Code confirmed: you can vote."))
    return _ballot(vote)
