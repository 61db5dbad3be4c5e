"""Tables of the share capital beyond the ledger itself: capital campaigns, and two derived tables
that keep the capital page fast on a large ledger.

`ShareBalance` and `CapitalDay` are DERIVED from `share_movement`: they are written only by the
`after_insert` hook below, in the same transaction (and flush) as the movement itself, never by
hand, never by a form; `queries.derived_mismatches` recomputes them from the ledger and
migration 0007 built them from the movements already there. The ledger stays the record.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..models import Cooperative, Membership, ShareMovement
from ..platform.clock import utcnow
from ..platform.extensions import MONEY, db


class CapitalCampaign(db.Model):
    """A capital campaign: a partner's euros matched by the others' at `match_ratio`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # The partner whose subscriptions are matched (Smart Belgique in SmartFr's "1+1" plan).
    partner_membership_id: Mapped[int] = mapped_column(sa.ForeignKey("membership.id"))
    target: Mapped[Decimal] = mapped_column(MONEY)  # everything to raise, partner included
    # Euros of the others for each euro of the partner, an exact fraction string ("1", "1/2").
    match_ratio: Mapped[str] = mapped_column(sa.String(16), default="1", server_default="1")
    starts_on: Mapped[date]
    deadline: Mapped[date]  # last day whose subscriptions count
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    cooperative: Mapped[Cooperative] = relationship()
    partner: Mapped[Membership] = relationship()


class ShareBalance(db.Model):
    """DERIVED: what a membership holds, the sum of its movements (see the module docstring)."""

    # Covers the capital per college: an index-only scan on PostgreSQL.
    __table_args__ = (sa.Index("ix_share_balance_coop_college", "cooperative_id", "college_id",
                               postgresql_include=["subscribed", "paid"]),)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("membership.id"), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    college_id: Mapped[int | None]  # the member's college, mirrored by `_follow_college`
    shares: Mapped[int] = mapped_column(default=0)
    subscribed: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))


class CapitalDay(db.Model):
    """DERIVED: change of subscribed capital per day, the points of the capital history.

    A corrected movement and its correction are both left out (the original's day loses the
    original again, the correction adds nothing); `movements` counts the day's movements that
    still count, so that a day left with none disappears from the history.
    """

    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), primary_key=True)
    on: Mapped[date] = mapped_column(primary_key=True)
    delta: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    movements: Mapped[int] = mapped_column(default=0)


_UPSERTS: dict = {}


def _upsert_statement(dialect: str, table, keys: tuple, adds: tuple, fixed: tuple):
    """INSERT … ON CONFLICT (keys) DO UPDATE adding `adds`; built once per dialect and table."""
    if (dialect, table.name) not in _UPSERTS:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table).values({c: sa.bindparam(c) for c in keys + adds + fixed})
        _UPSERTS[dialect, table.name] = stmt.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: table.c[c] + stmt.excluded[c] for c in adds})
    return _UPSERTS[dialect, table.name]


def _capital_delta(from_id, to_id, subscribed) -> Decimal:
    if from_id is None:
        return subscribed
    return -subscribed if to_id is None else Decimal(0)


@sa.event.listens_for(ShareMovement, "after_insert")
def _derive(_mapper, conn, mv: ShareMovement) -> None:
    """Keep the derived tables in step with the ledger, in the movement's own transaction."""
    dialect = conn.dialect.name
    balance = _upsert_statement(dialect, ShareBalance.__table__, ("membership_id",),
                                ("shares", "subscribed", "paid"), ("cooperative_id", "college_id"))
    for member, sign in ((mv.to_membership_id, 1), (mv.from_membership_id, -1)):
        if member is not None:
            conn.execute(balance, {"membership_id": member, "shares": sign * mv.shares,
                                   "subscribed": sign * mv.amount_subscribed,
                                   "paid": sign * mv.amount_paid,
                                   "cooperative_id": mv.cooperative_id,
                                   "college_id": conn.scalar(sa.select(Membership.college_id)
                                                             .where(Membership.id == member))})
    day, count = mv.on, 1
    if mv.corrects_id is not None:  # the original leaves its day's history again
        day = conn.scalar(sa.select(ShareMovement.on).where(ShareMovement.id == mv.corrects_id))
        count = -1
    per_day = _upsert_statement(dialect, CapitalDay.__table__, ("cooperative_id", "on"),
                                ("delta", "movements"), ())
    conn.execute(per_day, {"cooperative_id": mv.cooperative_id, "on": day, "movements": count,
                           "delta": _capital_delta(mv.from_membership_id, mv.to_membership_id,
                                                   mv.amount_subscribed)})


@sa.event.listens_for(Membership, "after_update")
def _follow_college(_mapper, conn, m: Membership) -> None:
    """A member who changes college takes their derived balance along (same transaction)."""
    b = ShareBalance.__table__
    conn.execute(b.update().where(b.c.membership_id == m.id).values(college_id=m.college_id))
