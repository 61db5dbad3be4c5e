"""Reads of the share ledger, as SQL aggregates: balances, statements, capital, the queue,
and where each capital campaign stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from ..models import (
    Cooperative,
    Membership,
    MovementKind,
    Person,
    ReimbursementRequest,
    RequestStatus,
    ShareMovement,
    Status,
)
from ..platform.extensions import db
from ..queries import college_summary
from . import rules
from .models import CapitalCampaign, CapitalDay, ShareBalance

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
    """(subscribed, paid) held by the members of each college (None: no college), from the
    derived balances (one row per member, its college mirrored: an index-only scan)."""
    b = ShareBalance
    rows = db.session.execute(
        sa.select(b.college_id, sa.func.sum(b.subscribed), sa.func.sum(b.paid))
        .where(b.cooperative_id == coop.id).group_by(b.college_id))
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
    """Change of subscribed capital per day; corrected movements and corrections left out
    (read from the derived `capital_day`: one row per day instead of every movement)."""
    rows = db.session.execute(sa.select(CapitalDay.on, CapitalDay.delta).where(
        CapitalDay.cooperative_id == coop.id, CapitalDay.movements > 0).order_by(CapitalDay.on))
    return [(day, _money(d)) for day, d in rows]


def derived_mismatches(coop: Cooperative) -> list[str]:
    """What the derived tables get wrong, recomputed from the ledger itself (empty: all good)."""
    wrong = []
    s = _sides(lambda _col: [M.cooperative_id == coop.id])
    ledger = {mid: _balance(*rest) for mid, *rest in db.session.execute(
        sa.select(s.c.mid, *_sums(s)).group_by(s.c.mid))}
    derived = {mid: _balance(*rest) for mid, *rest in db.session.execute(
        sa.select(ShareBalance.membership_id, ShareBalance.shares, ShareBalance.subscribed,
                  ShareBalance.paid).where(ShareBalance.cooperative_id == coop.id))}
    wrong += [f"balance of membership {mid}" for mid in ledger.keys() | derived.keys()
              if ledger.get(mid, rules.Balance()) != derived.get(mid, rules.Balance())]
    wrong += [f"college of membership {mid}" for mid, in db.session.execute(
        sa.select(ShareBalance.membership_id).join(Membership, Membership.id ==
                                                   ShareBalance.membership_id)
        .where(ShareBalance.cooperative_id == coop.id,
               sa.func.coalesce(ShareBalance.college_id, 0)
               != sa.func.coalesce(Membership.college_id, 0)))]
    delta = sa.case((M.from_membership_id.is_(None), M.amount_subscribed),
                    (M.to_membership_id.is_(None), -M.amount_subscribed), else_=0)
    corrected = sa.select(M.corrects_id).where(M.cooperative_id == coop.id,
                                               M.corrects_id.is_not(None))
    days = [(day, _money(d)) for day, d in db.session.execute(
        sa.select(M.on, sa.func.sum(delta)).where(
            M.cooperative_id == coop.id, M.corrects_id.is_(None), M.id.not_in(corrected))
        .group_by(M.on).order_by(M.on))]
    if days != daily_capital(coop):
        wrong.append("capital per day")
    return wrong


def capital_history(coop: Cooperative) -> list[tuple[date, Decimal]]:
    """Capital at the end of each day it changed: the points of the capital chart."""
    return rules.capital_history(daily_capital(coop))


def capital_and_peak(coop: Cooperative) -> tuple[Decimal, Decimal]:
    """The cooperative's subscribed capital now and the highest it ever reached at the end of a
    day, in one statement (a running sum over the derived capital per day)."""
    day = CapitalDay
    running = sa.select(day.delta.label("d"), sa.func.sum(day.delta).over(
        order_by=day.on).label("c")).where(day.cooperative_id == coop.id, day.movements > 0) \
        .subquery()
    now, peak = db.session.execute(sa.select(sa.func.sum(running.c.d),
                                             sa.func.max(running.c.c))).one()
    return _money(now), max(Decimal(0), _money(peak))


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


# --- Reads of the capital web pages -------------------------------------------------------------

def share_of(part, whole) -> Fraction:
    """`part` as an exact share of `whole` (0 when there is nothing to share)."""
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


def capital_now(coop: Cooperative) -> Decimal:
    """The cooperative's subscribed capital, in one aggregate (no history)."""
    return _money(db.session.scalar(sa.select(sa.func.sum(CapitalDay.delta))
                                    .where(CapitalDay.cooperative_id == coop.id)))


def college_lines(coop: Cooperative):
    """`college_summary` with each college's share of the capital filled in."""
    by_college = capital_by_college(coop)
    total = sum((sub for sub, _ in by_college.values()), Decimal(0))
    lines = college_summary(coop)
    for line in lines:
        held = by_college.get(line.college.id if line.college else None, (Decimal(0),))[0]
        line.capital_share = share_of(held, total)
    return lines


def queued_count(coop: Cooperative) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReimbursementRequest).where(
        ReimbursementRequest.cooperative_id == coop.id,
        ReimbursementRequest.status == RequestStatus.QUEUED))


def queue_place(request: ReimbursementRequest) -> int:
    """Place of a queued request (1 at the head), 0 once it is no longer queued."""
    if request.status != RequestStatus.QUEUED:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReimbursementRequest).where(
        ReimbursementRequest.cooperative_id == request.cooperative_id,
        ReimbursementRequest.status == RequestStatus.QUEUED,
        ReimbursementRequest.position <= request.position))


def month_ends(history: list[tuple[date, Decimal]]) -> list[tuple[date, Decimal]]:
    """The last point of each month of a capital history: the chart's table, kept short."""
    last: dict[tuple[int, int], tuple[date, Decimal]] = {}
    for on, value in history:
        last[(on.year, on.month)] = (on, value)
    return list(last.values())


@dataclass
class MovementRow:
    movement: ShareMovement
    corrects: int | None  # number of the movement it corrects
    corrected_by: int | None  # number of the correction that cancels it


def movement_rows(coop: Cooperative, *, page: int = 1, size: int = 50):
    """One page of the register of movements (newest first) and the number of movements."""
    found = db.paginate(
        sa.select(M).where(M.cooperative_id == coop.id)
        .options(sa.orm.selectinload(M.from_membership).selectinload(Membership.person),
                 sa.orm.selectinload(M.to_membership).selectinload(Membership.person))
        .order_by(M.number.desc()), page=page, per_page=size, error_out=False)
    ids = [mv.id for mv in found.items] + [mv.corrects_id for mv in found.items if mv.corrects_id]
    number = dict(db.session.execute(sa.select(M.id, M.number).where(M.id.in_(ids))).all())
    fixed_by = dict(db.session.execute(sa.select(M.corrects_id, M.number)
                                       .where(M.corrects_id.in_(ids))).all())
    return [MovementRow(mv, number.get(mv.corrects_id), fixed_by.get(mv.id))
            for mv in found.items], found.total


EXPORT_COLUMNS = ("number", "date", "kind", "from", "from_name", "to", "to_name", "shares",
                  "subscribed", "paid", "reference", "corrects")


def movements_export(coop_id: int, after: int = 0, size: int = 2000) -> list[dict]:
    """The next `size` movements numbered above `after`, as {column: value} (keyset pages)."""
    src, dst, fixed = (sa.orm.aliased(Membership), sa.orm.aliased(Membership),
                       sa.orm.aliased(M))
    src_p, dst_p = sa.orm.aliased(Person), sa.orm.aliased(Person)

    def name(p):
        return sa.case((p.kind == "legal", p.legal_name),
                       else_=p.first_name + " " + p.last_name)
    rows = db.session.execute(
        sa.select(M.number, M.on, M.kind, src.number, name(src_p), dst.number, name(dst_p),
                  M.shares, M.amount_subscribed, M.amount_paid, M.reference, fixed.number)
        .outerjoin(src, src.id == M.from_membership_id).outerjoin(src_p, src_p.id == src.person_id)
        .outerjoin(dst, dst.id == M.to_membership_id).outerjoin(dst_p, dst_p.id == dst.person_id)
        .outerjoin(fixed, fixed.id == M.corrects_id)
        .where(M.cooperative_id == coop_id, M.number > after).order_by(M.number).limit(size))
    return [dict(zip(EXPORT_COLUMNS, (*row[:8], _money(row[8]), _money(row[9]), *row[10:]),
                     strict=True)) for row in rows]



@dataclass
class CampaignLine:
    campaign: CapitalCampaign
    progress: rules.CampaignProgress


def campaigns(coop: Cooperative) -> list[CapitalCampaign]:
    return list(db.session.scalars(sa.select(CapitalCampaign).where(
        CapitalCampaign.cooperative_id == coop.id).order_by(CapitalCampaign.starts_on.desc(),
                                                             CapitalCampaign.id.desc())))


def campaign_progress(campaign: CapitalCampaign,
                      today: date | None = None) -> rules.CampaignProgress:
    """Subscriptions of the campaign's period, the partner's apart (a corrected subscription
    does not count), summed in SQL and matched by `rules.campaign_progress`."""
    corrected = sa.select(M.corrects_id).where(M.cooperative_id == campaign.cooperative_id,
                                               M.corrects_id.is_not(None))
    is_partner = M.to_membership_id == campaign.partner_membership_id
    rows = db.session.execute(
        sa.select(is_partner, sa.func.sum(M.amount_subscribed)).where(
            M.cooperative_id == campaign.cooperative_id, M.kind == MovementKind.SUBSCRIPTION,
            M.on >= campaign.starts_on, M.on <= campaign.deadline, M.id.not_in(corrected))
        .group_by(is_partner))
    sums = [(campaign.partner_membership_id if partner else None, campaign.starts_on,
             _money(amount)) for partner, amount in rows]
    return rules.campaign_progress(sums, campaign.partner_membership_id,
                                   rules.parse_ratio(campaign.match_ratio), campaign.target,
                                   campaign.starts_on, campaign.deadline, today or date.today())


def campaign_lines(coop: Cooperative, today: date | None = None) -> list[CampaignLine]:
    return [CampaignLine(c, campaign_progress(c, today)) for c in campaigns(coop)]
