"""Every write of circles: permission check, one transaction (`@service`), audit entry.

`circles` (circles, their revisions and members), `roles` (custom roles and terms) and
`chantiers` (work items); their public functions are re-exported here. They raise `Forbidden`
or `DomainError` (governance.services); the views turn them into a 403 or a message.
"""
from governance.platform.service import DomainError, Forbidden, service  # noqa: F401

from .chantiers import ChantierDraft, create_chantier, edit_chantier, move_chantier  # noqa: F401
from .circles import (  # noqa: F401
    CircleDraft,
    add_member,
    create_circle,
    dissolve_circle,
    edit_circle,
    remove_member,
)
from .common import find_person, refused, today_or  # noqa: F401
from .roles import RoleDraft, add_role, assign_role, end_term, remove_role  # noqa: F401
