"""Every write of general assemblies: prepare, convene, attendance, proxies, voting, minutes.

Each public function is a `@service` (one transaction, permission check, journal entry); the
state machine of `rules.TRANSITIONS` guards what may happen when.
"""
from __future__ import annotations

from governance.permissions import can_admin
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import SYSTEM, DomainError, Forbidden, as_domain  # noqa: F401 - used by the modules here
from governance.rules import RuleError

from .. import rules
from ..models import Assembly, State


def require_manager(actor, assembly: Assembly) -> None:
    """The secretariat of the host cooperative runs the assembly (platform admins too)."""
    if actor is not SYSTEM and not can_admin(actor, assembly.cooperative):
        raise Forbidden()


def require_state(assembly: Assembly, *states: State) -> None:
    if assembly.state not in states:
        raise DomainError("assembly_wrong_state", {"state": str(assembly.state)})


def move(actor, assembly: Assembly, new: State, **after) -> None:
    """Change the assembly's state along an allowed transition, journaled."""
    try:
        rules.check_transition(str(assembly.state), str(new))
    except RuleError as err:
        raise DomainError("assembly_wrong_state", {"state": str(assembly.state)}) from err
    before = str(assembly.state)
    assembly.state = new
    journal(actor, assembly, f"assembly.{new}", before={"state": before},
            after={"state": str(new), **after})


def journal(actor, assembly: Assembly, action: str, **data) -> None:
    db.session.flush()
    record(actor, action, "assembly", assembly.id, cooperative_id=assembly.cooperative_id,
           **data)

