"""Translated labels of enumerated values, for templates (one source: the forms' choices)."""
from __future__ import annotations

from fractions import Fraction

from .board.forms import ATTENDANCE, MINUTES_STATES, ROLES
from .capital.forms import KIND_LABELS
from .forms.coops import COUNTINGS, LEGAL_FORMS
from .forms.register import CATEGORIES, STATUSES
from .platform.labels import COOP_LINKS, labeller
from .rules import fraction_str


def fraction(value) -> str:
    """An exact share as written in the statutes: "1/5", or "—" when there is none."""
    if value is None or value == "":
        return "—"
    return fraction_str(Fraction(value))


GLOBALS = {
    "coop_links": COOP_LINKS,
    "legal_form_label": labeller(LEGAL_FORMS),
    "counting_label": labeller(COUNTINGS),
    "category_label": labeller(CATEGORIES),
    "status_label": labeller(STATUSES),
    "movement_label": labeller(KIND_LABELS),
    "mandate_role_label": labeller(ROLES),
    "attendance_label": labeller(ATTENDANCE),
    "minutes_state_label": labeller(MINUTES_STATES),
}
