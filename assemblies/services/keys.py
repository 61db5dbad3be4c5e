"""The bureau's keys of an assembly whose ballots are encrypted: the secretariat names the key
holders once, and every resolution's vote (one per cooperative) gets its key ceremony with
them; each holder does the steps of all of them at once from the assembly's ceremony page."""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from governance.models import Person
from governance.permissions import can_see
from governance.platform import mail_queue
from governance.platform.extensions import db
from governance.platform.service import SYSTEM, DomainError, service
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
    mail_queue.queue_each(
        people, assembly.cooperative,
        _l("You hold a key of the general assembly: %(title)s", title=assembly.title),
        _l("%(coop)s names you one of the %(n)s key holders of the general assembly "
           "\"%(title)s\": any %(k)s of you open the boxes of its resolutions once they are "
           "closed.\n\nCreate your key from your own browser: %(link)s\n\nYour key code never "
           "leaves your browser. Keep it safe: without the codes of %(k)s holders the boxes "
           "cannot be opened.",
           coop=assembly.cooperative.name, n=len(people), k=k, title=assembly.title,
           link=mail_queue.link("assemblies.ceremony", assembly_id=assembly.id)))
    return started


def tell_closed(assembly: Assembly) -> None:
    """Resolutions are closed: ask the assembly's key holders to open their boxes."""
    mail_queue.queue_each(
        [db.session.get(Person, pid) for pid in assembly.key_holders], assembly.cooperative,
        _l("Open the boxes of the general assembly: %(title)s", title=assembly.title),
        _l("Resolutions of the general assembly \"%(title)s\" of %(coop)s are closed. As one "
           "of its key holders, decrypt your part of their tallies from your browser with your "
           "key code: %(link)s\n\n%(k)s holders are needed to open the boxes; the results are "
           "published when they have.",
           title=assembly.title, coop=assembly.cooperative.name, k=assembly.key_threshold,
           link=mail_queue.link("assemblies.ceremony", assembly_id=assembly.id)))


def start_ceremonies(assembly: Assembly, resolution: Resolution,
                     people: list[Person] | None = None) -> int:
    """Start the key ceremony of each of the resolution's votes with the assembly's holders
    (none when its ballots are not encrypted). Runs inside the caller's service."""
    if not assembly.key_threshold:
        return 0
    if people is None:
        people = [db.session.get(Person, pid) for pid in assembly.key_holders]
    for rv in resolution.votes:
        votes.name_holders(SYSTEM, rv.vote, people, assembly.key_threshold, held_ok=True)
    return len(resolution.votes)
