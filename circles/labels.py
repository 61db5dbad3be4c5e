"""Translated labels of circles' enumerated values, for templates and messages."""
from __future__ import annotations

from governance.platform.labels import labeller

from .forms import ROLE_KINDS, STATUSES

role_kind_label = labeller(ROLE_KINDS)
chantier_status_label = labeller(STATUSES)


def role_label(role) -> str:
    """A custom role by its name, a core role by its kind, in the reader's language."""
    return role.name if getattr(role.kind, "value", role.kind) == "custom" and role.name \
        else role_kind_label(role.kind)


GLOBALS = {"role_kind_label": role_kind_label, "chantier_status_label": chantier_status_label,
           "role_label": role_label}
