"""The attendance register: a sociétaire's answer before the assembly (will attend, in person
or online) and the secretariat's check-in during it; a member joins online themselves."""
from __future__ import annotations

from datetime import datetime

from governance.models import Person
from governance.permissions import can_admin
from governance.platform.clock import utcnow
from governance.platform.service import DomainError, Forbidden, service

from .. import queries
from ..models import Assembly, Participant, Presence, State
from . import journal, require_state


def _assembly(participant: Participant) -> Assembly:
    from governance.platform.extensions import db
    return db.session.get(Assembly, participant.assembly_id)


@service
def answer(actor: Person, participant: Participant, intent: str) -> None:
    """The sociétaire says whether they will attend, in person or online (until the sitting
    opens)."""
    if actor.id != participant.person_id:
        raise Forbidden()
    assembly = _assembly(participant)
    require_state(assembly, State.CONVENED)
    if intent not in {p.value for p in Presence}:
        raise DomainError("bad_presence", {})
    if intent != Presence.ABSENT and queries.proxy_given(participant):
        raise DomainError("attend_after_proxy", {})
    participant.intent = Presence(intent)
    journal(actor, assembly, "assembly.answer",
            after={"participant": participant.number, "coop": participant.cooperative_id,
                   "intent": intent})


@service
def check_in(actor: Person, participant: Participant, presence: str, *,
             now: datetime | None = None) -> None:
    """Record a sociétaire present in the room or online, or absent again (the secretariat of
    the host or of the sociétaire's cooperative), at the current call."""
    assembly = _assembly(participant)
    if not (can_admin(actor, assembly.cooperative) or can_admin(actor, participant.cooperative)):
        raise Forbidden()
    require_state(assembly, State.CONVENED, State.OPEN)
    _set_presence(actor, assembly, participant, presence, now)


@service
def join_online(actor: Person, participant: Participant, *,
                now: datetime | None = None) -> None:
    """A sociétaire joins the open sitting online from their own account."""
    if actor.id != participant.person_id:
        raise Forbidden()
    assembly = _assembly(participant)
    require_state(assembly, State.OPEN)
    _set_presence(actor, assembly, participant, Presence.ONLINE, now)


def _set_presence(actor, assembly: Assembly, participant: Participant, presence: str,
                  now: datetime | None) -> None:
    if presence not in {p.value for p in Presence}:
        raise DomainError("bad_presence", {})
    if presence != Presence.ABSENT and queries.proxy_given(participant) is not None:
        raise DomainError("attend_after_proxy", {})
    participant.presence = Presence(presence)
    participant.present_call = assembly.sitting.call if presence != Presence.ABSENT else None
    participant.checked_in_at = (now or utcnow()) if presence != Presence.ABSENT else None
    journal(actor, assembly, "assembly.check_in",
            after={"participant": participant.number, "coop": participant.cooperative_id,
                   "presence": presence, "call": assembly.sitting.call})
