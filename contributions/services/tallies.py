"""The derived tallies per envelope (by month and by member), moved in the same transaction as
the entries they sum, under the envelope's row lock."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from governance.platform.extensions import db

from .. import rules
from ..models import Contribution, Envelope, EnvelopeMember, EnvelopeMonth


def lock_envelope(envelope_id: int) -> Envelope:
    """The envelope, its row locked until the transaction ends (PostgreSQL; SQLite serialises
    writers anyway): approvals and tally updates of one envelope happen one at a time."""
    return db.session.execute(sa.select(Envelope).where(Envelope.id == envelope_id)
                              .with_for_update().execution_options(populate_existing=True)
                              ).scalar_one()


def committed(envelope_id: int) -> Decimal:
    """What the envelope has approved or paid (corrections included)."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(EnvelopeMonth.amount), 0))
                             .where(EnvelopeMonth.envelope_id == envelope_id,
                                    EnvelopeMonth.status.in_(rules.COUNTED))) or Decimal(0)


def _row(model, status, **key):
    row = db.session.get(model, dict(key, status=status))
    if row is None:
        row = model(status=status, entries=0, hours=Decimal(0), amount=Decimal(0), **key)
        db.session.add(row)
    return row


def add(envelope_id: int, month, person_id: int, status: str, entries: int, hours: Decimal,
        amount: Decimal) -> None:
    """Add (or with negative figures, take away) entries to both tallies of an envelope."""
    for row in (_row(EnvelopeMonth, status, envelope_id=envelope_id, month=month),
                _row(EnvelopeMember, status, envelope_id=envelope_id, person_id=person_id)):
        row.entries += entries
        row.hours += hours
        row.amount += amount


def count(entry: Contribution, status: str, sign: int = 1) -> None:
    add(entry.envelope_id, rules.month_of(entry.worked_on), entry.person_id, status, sign,
        sign * entry.hours, sign * entry.amount)


def move(entry: Contribution, new_status: str) -> None:
    """Change an entry's status and move it between tallies."""
    count(entry, str(entry.status), -1)
    entry.status = new_status
    count(entry, new_status)
