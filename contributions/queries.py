"""Reads of the contributive budget shared by its pages, CSV exports and benchmark.

The reports read only the derived tallies (`EnvelopeMonth`, `EnvelopeMember`), grouped in SQL:
a few thousand rows at most whatever the number of entries. Only a payment batch's own lines
read its entries (by `batch_id`), since the tallies hold no rate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from circles.models import Circle
from governance.models import Membership, Person, PersonKind
from governance.platform.extensions import db

from . import rules
from .models import Budget, Contribution, Envelope, EnvelopeMember, EnvelopeMonth, PaymentBatch

ZERO = Decimal(0)
MEMBERS_PAGE = 50
BATCH_PAGE = 200


MAX_ID = 2**31 - 1  # an id past a 32-bit key is nobody's (PostgreSQL would refuse the query)


def _own(model, coop_id: int, obj_id: int):
    """The row of `model` with this id if it belongs to the cooperative, else None."""
    obj = db.session.get(model, obj_id) if 0 < obj_id <= MAX_ID else None
    return obj if obj is not None and obj.cooperative_id == coop_id else None


def _d(value) -> Decimal:
    return Decimal(value) if value is not None else ZERO


def _sum(model, column: str, status):
    """sum(column) of the tally rows in `status` (a status or a tuple of them), 0 when none."""
    statuses = (status,) if isinstance(status, str) else tuple(status)
    return sa.func.coalesce(sa.func.sum(sa.case(
        (model.status.in_(statuses), getattr(model, column)), else_=0)), 0)


@dataclass
class Spending:
    """What a budget or an envelope of `amount` has: approved (owed), paid, waiting for review
    (hours and amounts)."""

    amount: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    waiting: Decimal = ZERO
    hours_approved: Decimal = ZERO
    hours_paid: Decimal = ZERO
    hours_waiting: Decimal = ZERO

    @property
    def committed(self) -> Decimal:
        return self.approved + self.paid

    @property
    def hours(self) -> Decimal:
        """Hours counted (approved or paid)."""
        return self.hours_approved + self.hours_paid

    @property
    def left(self) -> Decimal:
        return rules.spent(self.amount, self.committed)[0]

    @property
    def share(self) -> Decimal:
        """Share of the amount committed, in [0, 1] (for a progress bar)."""
        return rules.spent(self.amount, self.committed)[1]


@dataclass
class BudgetLine:
    budget: Budget
    spending: Spending


@dataclass
class CircleLine:
    """A circle of a budget: its envelope (None when it has none yet) and its spending."""

    circle_id: int
    circle_name: str
    dissolved: bool
    envelope_id: int | None
    spending: Spending = field(default_factory=Spending)


@dataclass
class MonthLine:
    month: date
    spending: Spending


@dataclass
class MemberLine:
    person_id: int
    name: str
    number: int | None  # membership number in the cooperative, if a sociétaire
    hours: Decimal
    owed: Decimal  # approved, not yet paid
    paid: Decimal

    @property
    def amount(self) -> Decimal:
        return self.owed + self.paid


def _spending_columns(model):
    return (
        _sum(model, "amount", rules.APPROVED).label("approved"),
        _sum(model, "amount", rules.PAID).label("paid"),
        _sum(model, "amount", rules.SUBMITTED).label("waiting"),
        _sum(model, "hours", rules.APPROVED).label("hours_approved"),
        _sum(model, "hours", rules.PAID).label("hours_paid"),
        _sum(model, "hours", rules.SUBMITTED).label("hours_waiting"),
    )


def _spending(row, amount) -> Spending:
    return Spending(amount=_d(amount), approved=_d(row.approved), paid=_d(row.paid),
                    waiting=_d(row.waiting), hours_approved=_d(row.hours_approved),
                    hours_paid=_d(row.hours_paid), hours_waiting=_d(row.hours_waiting))


def budget_lines(coop_id: int) -> list[BudgetLine]:
    """The cooperative's budgets, latest first, with what each has committed (one query)."""
    sums = (sa.select(Envelope.budget_id, *_spending_columns(EnvelopeMonth))
            .join(EnvelopeMonth, EnvelopeMonth.envelope_id == Envelope.id)
            .join(Budget, Budget.id == Envelope.budget_id)
            .where(Budget.cooperative_id == coop_id)
            .group_by(Envelope.budget_id).subquery())
    rows = db.session.execute(
        sa.select(Budget, sums).outerjoin(sums, sums.c.budget_id == Budget.id)
        .where(Budget.cooperative_id == coop_id).order_by(Budget.starts_on.desc())).all()
    return [BudgetLine(row.Budget, _spending(row, row.Budget.amount)) for row in rows]


def budget_of(coop_id: int, budget_id: int) -> Budget | None:
    """The budget, if it is one of the cooperative's."""
    return _own(Budget, coop_id, budget_id)


def budget_spending(budget: Budget) -> Spending:
    sums = db.session.execute(
        sa.select(*_spending_columns(EnvelopeMonth))
        .join(Envelope, Envelope.id == EnvelopeMonth.envelope_id)
        .where(Envelope.budget_id == budget.id)).one()
    return _spending(sums, budget.amount)


def circle_lines(budget: Budget, with_open_circles: bool = False,
                 circle_id: int | None = None) -> list[CircleLine]:
    """The budget's envelopes per circle, by circle name, with their spending (one grouped
    query on the month tally). `with_open_circles` adds the cooperative's circles not
    dissolved that have no envelope yet (for the secretariat's envelope forms); `circle_id`
    keeps one circle only (an htmx row)."""
    sums = (sa.select(EnvelopeMonth.envelope_id, *_spending_columns(EnvelopeMonth))
            .join(Envelope, Envelope.id == EnvelopeMonth.envelope_id)
            .where(Envelope.budget_id == budget.id)
            .group_by(EnvelopeMonth.envelope_id).subquery())
    query = (sa.select(Circle.id, Circle.name, Circle.dissolved_on, Envelope.id.label("eid"),
                       Envelope.amount, sums)
             .select_from(Circle)
             .outerjoin(Envelope, sa.and_(Envelope.circle_id == Circle.id,
                                          Envelope.budget_id == budget.id))
             .outerjoin(sums, sums.c.envelope_id == Envelope.id)
             .where(Circle.cooperative_id == budget.cooperative_id)
             .order_by(Circle.name, Circle.id))
    if with_open_circles:
        query = query.where(sa.or_(Envelope.id.is_not(None), Circle.dissolved_on.is_(None)))
    else:
        query = query.where(Envelope.id.is_not(None))
    if circle_id is not None:
        query = query.where(Circle.id == circle_id)
    return [CircleLine(row.id, row.name, row.dissolved_on is not None, row.eid,
                       _spending(row, row.amount)) for row in db.session.execute(query)]


def circle_line(budget: Budget, circle_id: int) -> CircleLine | None:
    """One circle's line of the budget (with or without an envelope)."""
    lines = circle_lines(budget, with_open_circles=True, circle_id=circle_id)
    return lines[0] if lines else None


def circle_of(coop_id: int, circle_id: int) -> Circle | None:
    """The circle, if it is one of the cooperative's."""
    return _own(Circle, coop_id, circle_id)


def month_lines(budget: Budget) -> list[MonthLine]:
    """The budget's spending per month worked, in order (one grouped query)."""
    month = EnvelopeMonth.month
    rows = db.session.execute(
        sa.select(month, *_spending_columns(EnvelopeMonth))
        .join(Envelope, Envelope.id == EnvelopeMonth.envelope_id)
        .where(Envelope.budget_id == budget.id)
        .group_by(month).order_by(month)).all()
    return [MonthLine(_as_date(row.month), _spending(row, ZERO)) for row in rows]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


NAME_COLUMNS = (Person.kind, Person.first_name, Person.last_name, Person.legal_name)


def _name(row) -> str:
    """`Person.display_name` from the selected columns (no entity to load per line)."""
    if row.kind is PersonKind.LEGAL:
        return row.legal_name
    return f"{row.first_name} {row.last_name}".strip()


def _lines(size: int | None):
    """The number of lines of a paged query, counted with the page (a window function); not
    needed when every line is read."""
    return (sa.func.count().over() if size is not None else sa.literal(0)).label("lines")


def _member_sums(budget: Budget):
    return (sa.select(EnvelopeMember.person_id.label("person_id"),
                      _sum(EnvelopeMember, "hours", rules.COUNTED).label("hours"),
                      _sum(EnvelopeMember, "amount", rules.APPROVED).label("owed"),
                      _sum(EnvelopeMember, "amount", rules.PAID).label("paid"),
                      _sum(EnvelopeMember, "amount", rules.COUNTED).label("total"))
            .join(Envelope, Envelope.id == EnvelopeMember.envelope_id)
            .where(Envelope.budget_id == budget.id,
                   EnvelopeMember.status.in_(rules.COUNTED))
            .group_by(EnvelopeMember.person_id).subquery())


def _paged(query, sums, page: int, size: int | None):
    """Run `query` (which counts its lines in a `lines` window column) for one page, or whole
    when `size` is None; returns the rows and how many lines there are in all. (Lists of rows
    of a table page through `db.paginate`; these grouped rows carry their own count.)"""
    if size is not None:
        query = query.limit(size).offset((max(page, 1) - 1) * size)
    rows = db.session.execute(query).all()
    if size is None:
        return rows, len(rows)
    if rows:
        return rows, rows[0].lines
    # past the last page, or nobody: count apart
    return rows, db.session.scalar(sa.select(sa.func.count()).select_from(sums)) or 0


def member_lines(budget: Budget, page: int = 1, size: int | None = MEMBERS_PAGE
                 ) -> tuple[list[MemberLine], int]:
    """What each member was paid or is owed from the budget, largest amount first, and how
    many members there are. `page` counts from 1; `size=None` returns every line (CSV)."""
    sums = _member_sums(budget)
    query = (sa.select(sums, *NAME_COLUMNS, Membership.number, _lines(size))
             .join(Person, Person.id == sums.c.person_id)
             .outerjoin(Membership, sa.and_(Membership.person_id == sums.c.person_id,
                                            Membership.cooperative_id == budget.cooperative_id))
             .order_by(sums.c.total.desc(), Person.search_name, Person.id))
    rows, total = _paged(query, sums, page, size)
    return [MemberLine(row.person_id, _name(row), row.number, _d(row.hours), _d(row.owed),
                       _d(row.paid)) for row in rows], total


# Payments


@dataclass
class BatchLine:
    batch: PaymentBatch
    closed_by: str


@dataclass
class Waiting:
    """A month that is over, not yet closed: the approved entries not yet paid, worked up to
    its end."""

    month: date
    entries: int
    amount: Decimal


@dataclass
class PayLine:
    person_id: int
    name: str
    number: int | None
    circle: str
    rate: Decimal
    hours: Decimal
    amount: Decimal


def batch_lines(coop_id: int) -> list[BatchLine]:
    """The cooperative's payment batches, latest month first."""
    rows = db.session.execute(
        sa.select(PaymentBatch, Person).outerjoin(Person, Person.id == PaymentBatch.closed_by_id)
        .where(PaymentBatch.cooperative_id == coop_id)
        .order_by(PaymentBatch.month.desc())).all()
    return [BatchLine(b, p.display_name if p else "") for b, p in rows]


def batch_of(coop_id: int, batch_id: int) -> PaymentBatch | None:
    """The payment batch, if it is one of the cooperative's."""
    return _own(PaymentBatch, coop_id, batch_id)


def months_to_close(coop_id: int, today: date) -> list[Waiting]:
    """The months from the earliest budget's start to last month that are not closed, oldest
    first, each with what closing it would pay. An approved entry is in no batch (paying it
    makes it paid), so the approved rows of the month tally are what waits (one grouped
    query), summed up to each month's end."""
    first = db.session.scalar(sa.select(sa.func.min(Budget.starts_on)).where(
        Budget.cooperative_id == coop_id))
    last = _previous_month(rules.month_of(today))
    if first is None or rules.month_of(first) > last:
        return []
    rows = db.session.execute(
        sa.select(EnvelopeMonth.month, sa.func.sum(EnvelopeMonth.entries),
                  sa.func.sum(EnvelopeMonth.amount))
        .join(Envelope, Envelope.id == EnvelopeMonth.envelope_id)
        .join(Budget, Budget.id == Envelope.budget_id)
        .where(Budget.cooperative_id == coop_id, EnvelopeMonth.status == rules.APPROVED)
        .group_by(EnvelopeMonth.month)).all()
    by_month = {_as_date(m): (int(n or 0), _d(a)) for m, n, a in rows}
    closed = set(db.session.scalars(sa.select(PaymentBatch.month).where(
        PaymentBatch.cooperative_id == coop_id)))
    months, month = [], rules.month_of(first)
    entries, amount = 0, ZERO
    for m, (n, a) in by_month.items():  # approved before the first budget: none, but safe
        if m < month:
            entries, amount = entries + n, amount + a
    while month <= last:
        n, a = by_month.get(month, (0, ZERO))
        entries, amount = entries + n, amount + a
        if month not in closed:
            months.append(Waiting(month, entries, amount))
        month = _next_month(month)
    return months


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def _pay_lines_query(batch: PaymentBatch):
    return (sa.select(Contribution.person_id, Contribution.circle_id, Contribution.rate,
                      sa.func.sum(Contribution.hours).label("hours"),
                      sa.func.sum(Contribution.amount).label("amount"))
            .where(Contribution.batch_id == batch.id)
            .group_by(Contribution.person_id, Contribution.circle_id, Contribution.rate)
            .subquery())


def pay_lines(batch: PaymentBatch, page: int = 1, size: int | None = BATCH_PAGE
              ) -> tuple[list[PayLine], int]:
    """The batch per member × circle × rate, by member then circle, and the number of lines.
    `size=None` returns every line (CSV)."""
    sums = _pay_lines_query(batch)
    query = (sa.select(sums, *NAME_COLUMNS, Circle.name.label("circle"), Membership.number,
                       _lines(size))
             .join(Person, Person.id == sums.c.person_id)
             .join(Circle, Circle.id == sums.c.circle_id)
             .outerjoin(Membership, sa.and_(Membership.person_id == sums.c.person_id,
                                            Membership.cooperative_id == batch.cooperative_id))
             .order_by(Person.search_name, Person.id, Circle.name, Circle.id, sums.c.rate))
    rows, total = _paged(query, sums, page, size)
    return [PayLine(row.person_id, _name(row), row.number, row.circle, _d(row.rate),
                    _d(row.hours), _d(row.amount)) for row in rows], total
