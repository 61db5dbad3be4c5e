"""Reads of the share ledger, as SQL aggregates: balances, statements, capital, the queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from . import rules
from .extensions import db
from .models import (Cooperative, Membership, ReimbursementRequest, RequestStatus,
                     ShareMovement, Status)
from .queries import college_summary

M = ShareMovement


def _sides(where):
    """Every movement seen from each member it touches, signed: +to, -from (UNION ALL)."""
    to = sa.select(M.to_membership_id.label("mid"), M.shares.label("shares"),
                   M.amount_subscribed.label("subscribed"), M.amount_paid.label("paid")
                   ).where(M.to_membership_id.is_not(None), *where(M.to_membership_id))
    out = sa.select(M.from_membership_id, -M.shares, -M.amount_subscribed, -M.amount_paid
                    ).where(M.from_membership_id.is_not(None), *where(M.from_membership_id))
    return sa.union_all(to, out).subquery()


def _sums(sides):
    return (sa.func.sum(sides.c.shares), sa.func.sum(sides.c.subscribed),
            sa.func.sum(sides.c.paid))


def _money(value) -> Decimal:
    """A SQL sum as exact cents (SQLite sums NUMERIC as floats; cents survive the rounding)."""
    return Decimal(str(value or 0)).quantize(rules.CENT)


def _balance(shares, subscribed, paid) -> rules.Balance:
    return rules.Balance(int(shares or 0), _money(subscribed), _money(paid))


def member_balances(ids) -> dict[int, rules.Balance]:
    """Balances of the given memberships (an absent key holds nothing)."""
    ids = [i for i in ids if i is not None]
    s = _sides(lambda col: [col.in_(ids)])
    rows = db.session.execute(sa.select(s.c.mid, *_sums(s)).group_by(s.c.mid))
    return {mid: _balance(*rest) for mid, *rest in rows}


def cooperative_balances(coop: Cooperative):
    """(membership id, category, status, college id, balance) of every member who holds or held."""
    s = _sides(lambda _col: [M.cooperative_id == coop.id])
    sums = sa.select(s.c.mid, *_sums(s)).group_by(s.c.mid).subquery()
    rows = db.session.execute(sa.select(
        Membership.id, Membership.category, Membership.status, Membership.college_id,
        *list(sums.c)[1:]).join(sums, sums.c.mid == Membership.id))
    return [(mid, cat, status, college, _balance(*rest))
            for mid, cat, status, college, *rest in rows]


def capital_by_college(coop: Cooperative) -> dict[int | None, tuple[Decimal, Decimal]]:
    """(subscribed, paid) held by the members of each college (None: no college)."""
    s = _sides(lambda _col: [M.cooperative_id == coop.id])
    rows = db.session.execute(
        sa.select(Membership.college_id, sa.func.sum(s.c.subscribed), sa.func.sum(s.c.paid))
        .join(Membership, Membership.id == s.c.mid).group_by(Membership.college_id))
    return {college: (_money(sub), _money(paid)) for college, sub, paid in rows}


def reserved_shares(membership_id: int, *, but: int | None = None) -> int:
    """Shares of the member waiting in the reimbursement queue (request `but` left out)."""
    stmt = sa.select(sa.func.coalesce(sa.func.sum(ReimbursementRequest.shares), 0)).where(
        ReimbursementRequest.membership_id == membership_id,
        ReimbursementRequest.status == RequestStatus.QUEUED)
    if but is not None:
        stmt = stmt.where(ReimbursementRequest.id != but)
    return int(db.session.scalar(stmt))


def daily_capital(coop: Cooperative) -> list[tuple[date, Decimal]]:
    """Change of subscribed capital per day; corrected movements and corrections left out."""
    delta = sa.case((M.from_membership_id.is_(None), M.amount_subscribed),
                    (M.to_membership_id.is_(None), -M.amount_subscribed), else_=0)
    corrected = sa.select(M.corrects_id).where(M.cooperative_id == coop.id,
                                               M.corrects_id.is_not(None))
    rows = db.session.execute(sa.select(M.on, sa.func.sum(delta)).where(
        M.cooperative_id == coop.id, M.corrects_id.is_(None), M.id.not_in(corrected))
        .group_by(M.on).order_by(M.on))
    return [(day, _money(d)) for day, d in rows]


def capital_history(coop: Cooperative) -> list[tuple[date, Decimal]]:
    """Capital at the end of each day it changed: the points of the capital chart."""
    return rules.capital_history(daily_capital(coop))


def capital_and_peak(coop: Cooperative) -> tuple[Decimal, Decimal]:
    """The cooperative's subscribed capital now and the highest it ever reached."""
    history = capital_history(coop)
    return (history[-1][1] if history else Decimal(0)), rules.peak_capital(history)


@dataclass
class QueueLine:
    place: int  # 1 for the head of the queue
    request: ReimbursementRequest


def reimbursement_queue(coop: Cooperative) -> list[QueueLine]:
    """The waiting reimbursement requests in the order they will be paid."""
    rows = db.session.scalars(sa.select(ReimbursementRequest).where(
        ReimbursementRequest.cooperative_id == coop.id,
        ReimbursementRequest.status == RequestStatus.QUEUED)
        .order_by(ReimbursementRequest.position))
    return [QueueLine(i, r) for i, r in enumerate(rows, 1)]


@dataclass
class Statement:
    membership: Membership
    movements: list[ShareMovement]
    balance: rules.Balance
    requests: list[QueueLine]  # the member's requests, with their place when still queued


def member_statement(m: Membership) -> Statement:
    """A sociétaire's movements, balance and reimbursement requests."""
    movements = db.session.scalars(sa.select(M).where(
        sa.or_(M.from_membership_id == m.id, M.to_membership_id == m.id)).order_by(M.number)).all()
    requests = db.session.scalars(sa.select(ReimbursementRequest).where(
        ReimbursementRequest.membership_id == m.id).order_by(ReimbursementRequest.position)).all()
    places = {line.request.id: line.place for line in reimbursement_queue(m.cooperative)
              } if any(r.status == RequestStatus.QUEUED for r in requests) else {}
    return Statement(m, list(movements), member_balances([m.id]).get(m.id, rules.Balance()),
                     [QueueLine(places.get(r.id, 0), r) for r in requests])


@dataclass
class CollegeCapital:
    college: object  # College, or None without colleges
    members: int
    capital: Decimal
    capital_share: Fraction
    vote_share: Fraction


@dataclass
class CapitalSummary:
    capital: Decimal
    paid: Decimal
    peak: Decimal
    floor: Decimal  # a quarter of the peak, rounded up to the cent
    room: Decimal  # what can be reimbursed now without crossing the floor
    queued: Decimal  # capital waiting in the reimbursement queue
    colleges: list[CollegeCapital]
    scop: rules.ScopRatios | None  # for SCOP and CAE only


def scop_associates(held) -> list[rules.Associate]:
    """SCOP associates from `cooperative_balances` rows."""
    return [rules.associate(cat, status == Status.ADMITTED, b) for _, cat, status, _, b in held]


def capital_summary(coop: Cooperative) -> CapitalSummary:
    """The capital page's figures: capital, peak, floor, and capital next to votes per college."""
    capital, peak = capital_and_peak(coop)
    by_college = capital_by_college(coop)
    colleges = []
    for line in college_summary(coop):
        amount = by_college.get(line.college.id if line.college else None, (Decimal(0),))[0]
        colleges.append(CollegeCapital(line.college, line.members, amount,
                                       Fraction(amount) / Fraction(capital) if capital
                                       else Fraction(0), line.vote_share))
    queued = db.session.scalar(sa.select(sa.func.sum(ReimbursementRequest.amount_subscribed))
                               .where(ReimbursementRequest.cooperative_id == coop.id,
                                      ReimbursementRequest.status == RequestStatus.QUEUED))
    scop = (rules.scop_ratios(scop_associates(cooperative_balances(coop)))
            if coop.legal_form in rules.SCOP_FORMS else None)  # SCOPs are small: per member
    paid = sum((p for _, p in by_college.values()), Decimal(0))
    return CapitalSummary(capital, paid, peak,
                          rules.floor_in_cents(peak), rules.room_above_floor(capital, peak),
                          _money(queued), colleges, scop)
