"""Review of logged time by the circle's lead link or designated reviewers."""
from __future__ import annotations

from datetime import date

from circles import queries as circles
from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.journal import record

from .. import rules
from ..models import Contribution
from . import Forbidden, check, service
from .tallies import committed, lock_envelope, move


def _reviewable(actor: Person | None, entry: Contribution, today: date | None):
    """Lock the entry's envelope, then the entry, and check the actor may review it now."""
    if actor is None or not actor.is_authenticated:
        raise Forbidden()
    envelope = lock_envelope(entry.envelope_id)
    db.session.refresh(entry, with_for_update=True)
    check(rules.check_review, actor.id, entry.person_id, entry.created_by_id,
          circles.reviewer_ids(entry.circle_id, today or date.today()), str(entry.status))
    return envelope


@service
def approve(actor: Person, entry: Contribution, today: date | None = None) -> Contribution:
    """Approve an entry, unless it would take the circle's envelope past its amount."""
    envelope = _reviewable(actor, entry, today)
    check(rules.check_approval, envelope.amount, committed(envelope.id), entry.amount)
    move(entry, rules.APPROVED)
    entry.reviewed_by_id, entry.reviewed_at = actor.id, utcnow()
    record(actor, "contribution.approve", "contribution", entry.id,
           cooperative_id=entry.cooperative_id, after={"amount": entry.amount})
    return entry


@service
def reject(actor: Person, entry: Contribution, reason: str,
           today: date | None = None) -> Contribution:
    """Reject an entry with the reason its author will read."""
    check(rules.check_reason, reason)
    _reviewable(actor, entry, today)
    move(entry, rules.REJECTED)
    entry.reviewed_by_id, entry.reviewed_at = actor.id, utcnow()
    entry.reject_reason = reason.strip()[:500]
    record(actor, "contribution.reject", "contribution", entry.id,
           cooperative_id=entry.cooperative_id, after={"reason": entry.reject_reason})
    return entry
