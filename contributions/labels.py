"""Translated labels of the contributions package's enumerated values (for templates and
messages), added to the site's template globals."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from governance.platform.labels import labeller

ENTRY_STATUSES = [("submitted", _l("Waiting for review")), ("approved", _l("Approved")),
                  ("rejected", _l("Rejected")), ("paid", _l("Paid out"))]
ROLE_KINDS = [("lead_link", _l("Lead link")), ("facilitator", _l("Facilitator")),
              ("secretary", _l("Secretary")), ("rep_link", _l("Rep link")),
              ("custom", _l("Other role"))]

GLOBALS = {"entry_status_label": labeller(ENTRY_STATUSES),
           "budget_role_label": labeller(ROLE_KINDS)}
