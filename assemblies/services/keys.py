"""The bureau's keys of an assembly whose ballots are encrypted: the secretariat names the key
holders once, and every resolution's vote (one per cooperative) gets its key ceremony with
them; each holder does the steps of all of them at once from the assembly's ceremony page."""
from __future__ import annotations

import json

from governance.extensions import db
from governance.models import Person
from governance.permissions import can_see
from governance.services import DomainError, service
from votes import services as votes

from ..models import Assembly, Resolution, State
from . import journal, require_manager, require_state


@service
def name_key_holders(actor: Person, assembly: Assembly, people: list[Person], k: int) -> int:
    """Encrypt the assembly's ballots: `people` hold the bureau's key, any `k` of them open
    the boxes (secretariat, before the convocation). Naming them again starts every ceremony
    again. Returns how many votes have a ceremony."""
    require_manager(actor, assembly)
    require_state(assembly, State.DRAFT)
    if not all(can_see(p, assembly.cooperative) for p in people):
        raise DomainError("ceremony_holder_outside", {})
    if len({p.id for p in people}) != len(people) or \
            not 1 <= k <= len(people) <= votes.MAX_HOLDERS:
        raise DomainError("ceremony_holders", {"max": votes.MAX_HOLDERS})
    assembly.key_holders_json, assembly.key_threshold = json.dumps([p.id for p in people]), k
    started = 0
    for resolution in assembly.resolutions:
        started += start_ceremonies(assembly, resolution, people)
    journal(actor, assembly, "assembly.key_holders",
            after={"threshold": k, "holders": [p.id for p in people]})
    return started


def start_ceremonies(assembly: Assembly, resolution: Resolution,
                     people: list[Person] | None = None) -> int:
    """Start the key ceremony of each of the resolution's votes with the assembly's holders
    (none when its ballots are not encrypted). Runs inside the caller's service."""
    if not assembly.key_threshold:
        return 0
    if people is None:
        people = [db.session.get(Person, pid) for pid in assembly.key_holders]
    for rv in resolution.votes:
        votes.name_holders(None, rv.vote, people, assembly.key_threshold, held_ok=True)
    return len(resolution.votes)
