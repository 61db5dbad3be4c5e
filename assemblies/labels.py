"""Translated labels of the assemblies' enumerated values, added to the site's template
globals (`labeller`, as in every package)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from governance.platform.labels import labeller

from .forms import PRESENCE

STATES = [("draft", _l("In preparation")), ("convened", _l("Convened")),
          ("open", _l("In session")), ("closed", _l("Closed")),
          ("published", _l("Minutes published"))]
KINDS = [("ordinary", _l("Ordinary")), ("extraordinary", _l("Extraordinary")),
         ("mixed", _l("Mixed"))]  # shorter than the form's, which explains "mixed"

GLOBALS = {"assembly_state_label": labeller(STATES), "assembly_kind_label": labeller(KINDS),
           "presence_label": labeller(PRESENCE)}
