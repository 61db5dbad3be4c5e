"""The minutes (procès-verbal): the secretariat writes the debates, the bureau (chair or
secretary) approves, the secretariat publishes them to the sociétaires."""
from __future__ import annotations

from datetime import datetime

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.service import DomainError, Forbidden, service

from ..models import Assembly, State
from . import journal, move, require_manager, require_state


@service
def save_minutes(actor: Person, assembly: Assembly, debates: str) -> None:
    """Write the debates of the minutes (secretariat or the bureau's secretary), until they
    are approved."""
    if actor.id != assembly.secretary_id:
        require_manager(actor, assembly)
    require_state(assembly, State.CLOSED)
    if assembly.minutes_approved_at is not None:
        raise DomainError("minutes_approved", {})
    assembly.debates = (debates or "").strip()
    journal(actor, assembly, "assembly.minutes_save", after={"length": len(assembly.debates)})


@service
def approve_minutes(actor: Person, assembly: Assembly, *, now: datetime | None = None) -> None:
    """The bureau's chair or secretary approves the minutes."""
    if actor.id not in {assembly.chair_id, assembly.secretary_id}:
        raise Forbidden()
    require_state(assembly, State.CLOSED)
    if assembly.minutes_approved_at is not None:
        raise DomainError("minutes_approved", {})
    if any(rv.vote.awaiting_bureau for r in assembly.resolutions for rv in r.votes):
        raise DomainError("minutes_boxes_closed", {})  # the minutes give every result
    assembly.minutes_approved_at = now or utcnow()
    journal(actor, assembly, "assembly.minutes_approve")


@service
def publish_minutes(actor: Person, assembly: Assembly, *, now: datetime | None = None) -> None:
    """Publish approved minutes to the sociétaires (secretariat)."""
    require_manager(actor, assembly)
    if assembly.minutes_approved_at is None:
        raise DomainError("minutes_not_approved", {})
    assembly.minutes_published_at = now or utcnow()
    move(actor, assembly, State.PUBLISHED)
