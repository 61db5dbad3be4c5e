"""Mail that could not be delivered: the secretariat of a cooperative sends again the messages
given up after their last attempt (its convocations, vote notices, key holders' calls)."""
from __future__ import annotations

from ..models import Cooperative, Person
from ..permissions import can_admin
from ..platform import mail_queue
from ..platform.journal import record
from ..platform.service import Forbidden, service


@service
def send_again(actor: Person, coop: Cooperative, ids: list[int] | None) -> int:
    """Put the given-up messages `ids` (else all) of `coop` back in the queue; how many. The
    clock (or the worker) sends them within a minute. Secretariat only."""
    if not can_admin(actor, coop):
        raise Forbidden()
    again = mail_queue.try_again(ids, coop.id)
    if again:
        record(actor, "mail.send_again", "cooperative", coop.id, cooperative_id=coop.id,
               after={"messages": again})
    return len(again)
