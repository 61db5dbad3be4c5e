"""Reads shared by several views: per-college summary, the register page, voting shares."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from . import rules
from .models import College, Cooperative, Membership, Person, Status
from .platform.extensions import db
from .platform.urls import ID_MAX

ALL = "_all"  # the pseudo-college of a cooperative without weighting


@dataclass
class CollegeLine:
    college: College | None
    members: int
    vote_share: Fraction
    member_share: Fraction
    capital_share: Fraction | None = None  # filled once the share ledger exists


def active_counts(coop: Cooperative) -> dict[int | None, int]:
    rows = db.session.execute(
        sa.select(Membership.college_id, sa.func.count()).where(
            Membership.cooperative_id == coop.id, Membership.status == Status.ADMITTED)
        .group_by(Membership.college_id)).all()
    return {college_id: n for college_id, n in rows}


def college_summary(coop: Cooperative) -> list[CollegeLine]:
    """Per college: admitted members, the college's share of votes, one member's share."""
    counts = active_counts(coop)
    if coop.weighting == "colleges":
        weights = {c.id: Fraction(c.weight) for c in coop.colleges}
        per_member = rules.voting_shares("colleges", weights, counts)
        return [CollegeLine(c, counts.get(c.id, 0), weights[c.id], per_member[c.id])
                for c in coop.colleges]
    by_college = {c.id: counts.get(c.id, 0) for c in coop.colleges}
    if counts.get(None):
        by_college[None] = counts[None]
    per_member = rules.voting_shares("none", {}, by_college)
    vote = rules.college_vote_shares("none", {}, by_college)
    names = {c.id: c for c in coop.colleges}
    return [CollegeLine(names.get(k), n, vote[k], per_member[k]) for k, n in by_college.items()]


def member_voting_share(m: Membership) -> Fraction:
    """Effective voting share of one member (RULES.md §1); 0 unless admitted."""
    if m.status != Status.ADMITTED:
        return Fraction(0)
    counts = active_counts(m.cooperative)
    if m.cooperative.weighting == "colleges" and m.college is not None:
        return rules.voting_shares("colleges", {m.college_id: Fraction(m.college.weight)},
                                   counts)[m.college_id]
    return rules.voting_shares("none", {}, {ALL: sum(counts.values())})[ALL]


def register_query(coop: Cooperative, q: str = "", college: str = "", status: str = ""):
    """The filtered register; people are joined only to search their names and emails.

    Digits alone search the membership number (an index lookup, not a scan of names).
    """
    stmt = sa.select(Membership).where(Membership.cooperative_id == coop.id)
    term = q.strip().lower()
    if term.isdigit():  # (a number beyond the column's range matches nobody)
        stmt = stmt.where(Membership.number == int(term) if int(term) <= ID_MAX else sa.false())
    elif term:
        stmt = stmt.join(Membership.person).where(sa.or_(
            Person.search_name.contains(term, autoescape=True),
            Person.email.contains(term, autoescape=True)))
    if college:
        stmt = stmt.join(Membership.college).where(College.code == college)
    if status:
        stmt = stmt.where(Membership.status == status)
    return stmt


def register_page(coop: Cooperative, *, q="", college="", status="", page=1, size=50):
    """One page of the register (ordered by number) and the number of matching members."""
    found = db.paginate(
        register_query(coop, q, college, status)
        .options(selectinload(Membership.person), selectinload(Membership.college))
        .order_by(Membership.number), page=page, per_page=size, error_out=False)
    return found.items, found.total
