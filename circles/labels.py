"""Translated labels of circles' enumerated values, for templates and messages."""
from __future__ import annotations

from governance.labels import _labeller

from .forms import ROLE_KINDS, STATUSES

role_kind_label = _labeller(ROLE_KINDS)
chantier_status_label = _labeller(STATUSES)


def role_label(role) -> str:
    """A custom role by its name, a core role by its kind, in the reader's language."""
    return role.name if getattr(role.kind, "value", role.kind) == "custom" and role.name \
        else role_kind_label(role.kind)


GLOBALS = {"role_kind_label": role_kind_label, "chantier_status_label": chantier_status_label,
           "role_label": role_label}
