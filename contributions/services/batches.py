"""Payment batches: the secretariat closes a month and every approved entry not yet paid goes
into it, in one transaction; those entries are then paid and locked."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from governance.models import Cooperative, Person
from governance.platform.extensions import db
from governance.platform.journal import record

from .. import rules
from ..models import Contribution, Envelope, EnvelopeMember, EnvelopeMonth, PaymentBatch
from . import check, require_admin, service


def _eligible(coop_id: int, month: date):
    """`rules.batchable` as a SQL filter (tests/contributions/test_services.py checks that
    they agree)."""
    return (Contribution.cooperative_id == coop_id,
            Contribution.status == rules.BATCHED_STATUS, Contribution.batch_id.is_(None),
            Contribution.worked_on <= rules.batch_cutoff(month))


@service
def close_month(actor: Person, coop: Cooperative, month: date,
                today: date | None = None) -> PaymentBatch:
    """Close `month` into a payment batch (secretariat)."""
    require_admin(actor, coop)
    month = rules.month_of(month)
    db.session.execute(sa.select(Cooperative.id).where(Cooperative.id == coop.id)
                       .with_for_update())
    # No approval can land in the batch's envelopes while it is made.
    envelope_ids = sorted(db.session.scalars(
        sa.select(Contribution.envelope_id).where(*_eligible(coop.id, month)).distinct()))
    if envelope_ids:
        db.session.execute(sa.select(Envelope.id).where(Envelope.id.in_(envelope_ids))
                           .order_by(Envelope.id).with_for_update())
    totals = db.session.execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(Contribution.hours), 0),
        sa.func.coalesce(sa.func.sum(Contribution.amount), 0)).where(
            *_eligible(coop.id, month))).one()
    closed = set(db.session.scalars(sa.select(PaymentBatch.month).where(
        PaymentBatch.cooperative_id == coop.id)))
    check(rules.check_close_month, month, today or date.today(), closed, totals[0])
    batch = PaymentBatch(cooperative_id=coop.id, month=month, entries=totals[0],
                         hours=Decimal(totals[1]), amount=Decimal(totals[2]),
                         closed_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    db.session.execute(sa.update(Contribution).where(*_eligible(coop.id, month))
                       .values(batch_id=batch.id, status=rules.PAID)
                       .execution_options(synchronize_session=False))
    _move_tallies(batch.id)
    record(actor, "batch.close", "payment_batch", batch.id, cooperative_id=coop.id,
           after={"month": month, "entries": batch.entries, "hours": batch.hours,
                  "amount": batch.amount})
    return batch


def _move_tallies(batch_id: int) -> None:
    """Move the batch's sums from the approved to the paid rows of both tallies, in four
    set-based statements (a batch holds tens of thousands of entries)."""
    c = Contribution
    for model, key, column in ((EnvelopeMonth, "month", _month_expr()),
                               (EnvelopeMember, "person_id", c.person_id)):
        table = model.__table__
        sums = (sa.select(c.envelope_id.label("envelope_id"), column.label(key),
                          sa.func.count().label("entries"), sa.func.sum(c.hours).label("hours"),
                          sa.func.sum(c.amount).label("amount"))
                .where(c.batch_id == batch_id).group_by(c.envelope_id, column).subquery())
        db.session.execute(
            sa.update(table).where(table.c.envelope_id == sums.c.envelope_id,
                                   table.c[key] == sums.c[key],
                                   table.c.status == rules.APPROVED)
            .values(entries=table.c.entries - sums.c.entries,
                    hours=table.c.hours - sums.c.hours, amount=table.c.amount - sums.c.amount))
        insert = _insert(table).from_select(
            ["envelope_id", key, "status", "entries", "hours", "amount"],
            sa.select(sums.c.envelope_id, sums.c[key], sa.literal(rules.PAID), sums.c.entries,
                      sums.c.hours, sums.c.amount)
            .where(sums.c.entries > 0))  # SQLite needs a WHERE before ON CONFLICT
        db.session.execute(insert.on_conflict_do_update(
            index_elements=["envelope_id", key, "status"],
            set_={"entries": table.c.entries + insert.excluded.entries,
                  "hours": table.c.hours + insert.excluded.hours,
                  "amount": table.c.amount + insert.excluded.amount}))


def _insert(table):
    """INSERT … ON CONFLICT in the database's own dialect (PostgreSQL or SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _month_expr():
    """The first day of the entry's month, in SQL (as text on SQLite, a date on PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc("month", Contribution.worked_on), sa.Date)
    return sa.func.strftime("%Y-%m-01", Contribution.worked_on)

