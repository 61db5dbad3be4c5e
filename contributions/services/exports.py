"""Downloads of the contributive budget's reports and payment batches: each is journaled."""
from __future__ import annotations

from governance.models import Cooperative, Person
from governance.permissions import can_admin, can_see, can_see_contacts
from governance.platform.journal import record

from . import Forbidden, service

# Who may take each export out of the platform: pay per member is personal.
ALLOWED = {"circle": can_see, "month": can_see, "member": can_see_contacts, "batch": can_admin}


@service
def record_export(actor: Person, coop: Cooperative, what: str, obj_type: str, obj_id: int,
                  count: int) -> None:
    """Journal that a report or a payment batch was downloaded (the permission of `what`)."""
    if actor is None or not ALLOWED[what](actor, coop):
        raise Forbidden()
    record(actor, f"contributions.export_{what}", obj_type, obj_id, cooperative_id=coop.id,
           after={"count": count})
