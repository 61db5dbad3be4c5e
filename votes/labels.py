"""Translated labels of a vote's state and method, added to the site's template globals
(`labeller`, as in every package)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from governance.platform.labels import labeller

from .models import Method, State

_state = labeller([("draft", _l("Draft")), ("open", _l("Open")), ("closed", _l("Closed"))])
_method = labeller([("resolution", _l("Resolution: for, against or abstain")),
                    ("choice", _l("Choice of one option")),
                    ("majority_judgment", _l("Majority judgment"))])


def vote_state_label(vote) -> str:
    """Draft, open or closed; "Closing…" while a close is under way."""
    return _("Closing…") if vote.closing and vote.state != State.DRAFT else _state(vote.state)


def vote_method_label(vote) -> str:
    """How the vote counts; an approval vote says how many options a voter may approve."""
    if vote.method == Method.APPROVAL:
        return ngettext("Approval: up to %(num)s option per voter",
                        "Approval: up to %(num)s options per voter", vote.seats)
    return _method(vote.method)


GLOBALS = {"vote_state_label": vote_state_label, "vote_method_label": vote_method_label}
