"""Translated labels of enumerated values, for templates (one source: the forms' choices)."""
from __future__ import annotations

from fractions import Fraction

from flask_babel import lazy_gettext as _l

from .board.forms import ATTENDANCE, MINUTES_STATES, ROLES
from .capital.forms import KIND_LABELS
from .forms.coops import COUNTINGS, LEGAL_FORMS
from .forms.register import CATEGORIES, STATUSES
from .rules import fraction_str


def _labeller(choices):
    table = dict(choices)
    return lambda value: str(table.get(getattr(value, "value", value), value))


def fraction(value) -> str:
    """An exact share as written in the statutes: "1/5", or "—" when there is none."""
    if value is None or value == "":
        return "—"
    return fraction_str(Fraction(value))


# Links that other packages add to a cooperative's page: (endpoint, lazy label).
COOP_LINKS: list[tuple[str, object]] = [("gov.capital", _l("Share capital")),
                                         ("gov.board", _l("Board"))]

GLOBALS = {
    "coop_links": COOP_LINKS,
    "legal_form_label": _labeller(LEGAL_FORMS),
    "counting_label": _labeller(COUNTINGS),
    "category_label": _labeller(CATEGORIES),
    "status_label": _labeller(STATUSES),
    "movement_label": _labeller(KIND_LABELS),
    "mandate_role_label": _labeller(ROLES),
    "attendance_label": _labeller(ATTENDANCE),
    "minutes_state_label": _labeller(MINUTES_STATES),
}
