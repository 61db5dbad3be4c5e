"""Reads of logged time: a member's entries and what they are owed, a reviewer's queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from circles import queries as circles
from circles.models import Chantier, ChantierStatus, Circle, CircleRole, RoleAssignment
from governance.platform.extensions import db

from . import rules
from .models import Contribution, Envelope
from .services.tallies import committed

PAGE = 50
_LOAD = (sa.orm.joinedload(Contribution.circle), sa.orm.joinedload(Contribution.chantier),
         sa.orm.joinedload(Contribution.reviewed_by))


@dataclass
class Summary:
    month_hours: Decimal  # logged this month, rejected entries aside
    month_approved: Decimal  # approved or paid this month
    waiting: int  # entries waiting for review
    waiting_amount: Decimal
    owed: Decimal  # approved, not yet in a payment batch
    paid_this_year: Decimal


def summary(person_id: int, coop_id: int, today: date) -> Summary:
    """What the member logged this month, is owed and was paid, in one query."""
    c = Contribution
    month, year = rules.month_of(today), today.replace(month=1, day=1)

    def total(column, *where):
        return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*where), column), else_=0)), 0)

    row = db.session.execute(sa.select(
        total(c.hours, c.worked_on >= month, c.status.in_(rules.LOGGED)),
        total(c.amount, c.worked_on >= month, c.status.in_(rules.COUNTED)),
        total(1, c.status == rules.SUBMITTED), total(c.amount, c.status == rules.SUBMITTED),
        total(c.amount, c.status == rules.APPROVED),
        total(c.amount, c.status == rules.PAID, c.worked_on >= year),
    ).where(c.person_id == person_id, c.cooperative_id == coop_id)).one()
    return Summary(*(Decimal(v) for v in row[:2]), int(row[2]), *(Decimal(v) for v in row[3:]))


def my_entries(person_id: int, coop_id: int, page: int = 1) -> tuple[list[Contribution], bool]:
    """The member's entries, newest day first, a page at a time; and whether more follow."""
    found = db.paginate(
        sa.select(Contribution).where(Contribution.person_id == person_id,
                                      Contribution.cooperative_id == coop_id)
        .order_by(Contribution.worked_on.desc(), Contribution.id.desc()).options(*_LOAD),
        page=page, per_page=PAGE, error_out=False)
    return found.items, found.has_next


def choices(person_id: int, coop_id: int, today: date):
    """The circles a member logs time for, the open chantiers of those circles and the roles
    they hold in them."""
    mine = circles.circles_of(person_id, coop_id, today)
    ids = [c.id for c in mine]
    chantiers = list(db.session.scalars(
        sa.select(Chantier).where(Chantier.circle_id.in_(ids), Chantier.status.not_in(
            (ChantierStatus.DONE, ChantierStatus.DROPPED)))
        .options(sa.orm.joinedload(Chantier.circle)).order_by(Chantier.circle_id,
                                                                Chantier.title)))
    roles = list(db.session.scalars(
        sa.select(CircleRole).join(RoleAssignment)
        .where(CircleRole.circle_id.in_(ids), RoleAssignment.person_id == person_id,
               RoleAssignment.starts_on <= today,
               sa.or_(RoleAssignment.ends_on.is_(None), RoleAssignment.ends_on >= today))
        .options(sa.orm.joinedload(CircleRole.circle)).distinct()))
    return mine, chantiers, roles


@dataclass
class Queue:
    circle: Circle
    envelope_left: dict[int, Decimal]  # envelope id → amount left
    entries: list[Contribution]


QUEUE = 100  # entries shown at once to a reviewer, the oldest first


def review_queue(person_id: int, coop_id: int, today: date) -> tuple[list[Queue], int]:
    """The oldest entries waiting for review in the circles the person reviews (the person's
    own aside), by circle, with what each envelope has left; and how many wait in all."""
    ids = circles.reviewed_circle_ids(person_id, today)
    waiting = (Contribution.cooperative_id == coop_id, Contribution.circle_id.in_(ids),
               Contribution.status == rules.SUBMITTED, Contribution.person_id != person_id,
               sa.or_(Contribution.created_by_id.is_(None),
                      Contribution.created_by_id != person_id))
    total = db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(*waiting))
    entries = sorted(db.session.scalars(
        sa.select(Contribution).where(*waiting)
        .order_by(Contribution.worked_on, Contribution.id).limit(QUEUE)
        .options(*_LOAD, sa.orm.joinedload(Contribution.person),
                 sa.orm.joinedload(Contribution.envelope).joinedload(Envelope.budget))),
        key=lambda e: (e.circle.name, e.worked_on, e.id))
    queues: dict[int, Queue] = {}
    for entry in entries:
        queue = queues.setdefault(entry.circle_id, Queue(entry.circle, {}, []))
        queue.entries.append(entry)
        if entry.envelope_id not in queue.envelope_left:
            queue.envelope_left[entry.envelope_id] = (entry.envelope.amount
                                                      - committed(entry.envelope_id))
    return list(queues.values()), total


def reviews_any(person_id: int, coop_id: int, today: date) -> bool:
    ids = circles.reviewed_circle_ids(person_id, today)
    return bool(ids) and db.session.scalar(sa.select(Circle.id).where(
        Circle.id.in_(ids), Circle.cooperative_id == coop_id).limit(1)) is not None
