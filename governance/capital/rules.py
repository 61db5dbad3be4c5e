"""Pure rules of the share capital (RULES.md §5, SCOP ratios of §1) and of capital campaigns.

No Flask, no database: plain values in, plain values out, exact arithmetic (Decimal, Fraction).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from fractions import Fraction

from ..rules.base import RuleError, parse_fraction

# A movement goes from one side to the other; None is the cooperative itself: a subscription goes
# from None to a member, a reimbursement from a member to None, a transfer from member to member.
# Quantities are never negative; a correction is the reversed copy of the movement it corrects.

CENT = Decimal("0.01")
FLOOR_RATIO = Fraction(1, 4)  # law 47-1775 art. 13
SCOP_MIN_CAPITAL, SCOP_MIN_VOTES = Fraction(51, 100), Fraction(65, 100)
EMPLOYEE_CATEGORIES = frozenset({"permanent_employee", "entrepreneur_employee"})
SCOP_FORMS = frozenset({"scop_sa", "scop_sarl", "scop_sas", "cae"})


MAX_AMOUNT = Decimal(10) ** 12  # the ledger's Numeric(14, 2) columns hold less than this


def cents(value) -> Decimal:
    """An amount of money as an exact Decimal in cents; floats and fractions of a cent refused."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise RuleError("not_an_amount", {"value": value}) from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT or amount != amount.quantize(CENT):
        raise RuleError("not_an_amount", {"value": value})
    return amount.quantize(CENT)


@dataclass(frozen=True)
class Movement:
    """One line of the share ledger, as plain data."""

    number: int
    kind: str  # subscription | release | transfer | reimbursement | correction
    on: date | None
    from_id: int | None
    to_id: int | None
    shares: int = 0
    subscribed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    id: int | None = None
    corrects_id: int | None = None


@dataclass(frozen=True)
class Balance:
    """What a member holds, derived from the ledger."""

    shares: int = 0
    subscribed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    @property
    def unpaid(self) -> Decimal:
        return self.subscribed - self.paid

    def __add__(self, other: Balance) -> Balance:
        return Balance(self.shares + other.shares, self.subscribed + other.subscribed,
                       self.paid + other.paid)

    def __sub__(self, other: Balance) -> Balance:
        return Balance(self.shares - other.shares, self.subscribed - other.subscribed,
                       self.paid - other.paid)


def _moved(m: Movement) -> Balance:
    return Balance(m.shares, m.subscribed, m.paid)


def balances(movements) -> dict[int, Balance]:
    """Each member's balance: what came to them minus what left them."""
    result: dict[int, Balance] = {}
    for m in movements:
        if m.to_id is not None:
            result[m.to_id] = result.get(m.to_id, Balance()) + _moved(m)
        if m.from_id is not None:
            result[m.from_id] = result.get(m.from_id, Balance()) - _moved(m)
    return result


def check_balance(member_id: int, balance: Balance, reserved_shares: int = 0) -> None:
    """Refuse a balance a movement would leave negative or paid beyond what was subscribed."""
    params = {"member": member_id}
    if balance.shares < reserved_shares or balance.shares < 0:
        raise RuleError("shares_not_held", params)
    if balance.subscribed < 0 or balance.paid < 0:
        raise RuleError("negative_balance", params)
    if balance.paid > balance.subscribed:
        raise RuleError("paid_over_subscribed", params)


def check_movement(before: dict[int, Balance], m: Movement,
                   reserved: dict[int, int] | None = None) -> dict[int, Balance]:
    """The balances of the members `m` touches once applied, or RuleError if one breaks."""
    if m.shares < 0 or m.subscribed < 0 or m.paid < 0 or (m.from_id is None and m.to_id is None):
        raise RuleError("bad_movement", {})
    after = {k: before.get(k, Balance()) + d for k, d in balances([m]).items()}
    for k, b in after.items():
        check_balance(k, b, (reserved or {}).get(k, 0) if k == m.from_id else 0)
    return after


def subscription(shares: int, nominal: Decimal, paid: Decimal | None = None, *,
                 partial_allowed: bool = False) -> tuple[Decimal, Decimal]:
    """(subscribed, paid) of a subscription of `shares` at the nominal value."""
    if shares <= 0:
        raise RuleError("shares_positive", {})
    subscribed = cents(nominal) * shares
    paid = subscribed if paid is None else cents(paid)
    if paid != subscribed and not partial_allowed:
        raise RuleError("partial_payment_not_allowed", {})
    if not 0 <= paid <= subscribed:
        raise RuleError("paid_out_of_range", {"subscribed": subscribed})
    return subscribed, paid


def transfer(balance: Balance, shares: int, nominal: Decimal,
             member: int | None = None) -> tuple[Decimal, Decimal]:
    """(subscribed, paid) carried by a transfer: only fully paid shares change hands."""
    if shares <= 0:
        raise RuleError("shares_positive", {})
    value = cents(nominal) * shares
    if balance.shares < shares:
        raise RuleError("shares_not_held", {"member": member})
    if balance.paid < value:
        raise RuleError("transfer_unpaid", {"member": member})
    return value, value


def reimbursement(balance: Balance, shares: int, nominal: Decimal) -> tuple[Decimal, Decimal]:
    """(subscribed, paid) given back for `shares`: unpaid shares are cancelled first."""
    if shares <= 0:
        raise RuleError("shares_positive", {})
    subscribed = cents(nominal) * shares
    kept = max(Decimal(0), balance.subscribed - subscribed)  # what stays subscribed
    return subscribed, max(Decimal(0), balance.paid - kept)


def reversal(m: Movement) -> Movement:
    """The counter-movement that cancels `m` (its sides swapped)."""
    if m.corrects_id is not None:
        raise RuleError("cannot_correct_correction", {"number": m.number})
    return Movement(0, "correction", None, m.to_id, m.from_id, m.shares, m.subscribed, m.paid,
                    corrects_id=m.id)


def capital_delta(m: Movement) -> Decimal:
    """How much `m` changes the cooperative's subscribed capital (transfers leave it)."""
    if m.from_id is None:
        return m.subscribed
    return -m.subscribed if m.to_id is None else Decimal(0)


def capital(movements) -> Decimal:
    """Subscribed capital of the cooperative."""
    return sum((capital_delta(m) for m in movements), Decimal(0))


def daily_deltas(movements) -> list[tuple[date, Decimal]]:
    """Capital change per day, a corrected movement and its correction both left out."""
    corrected = {m.corrects_id for m in movements if m.corrects_id is not None}
    days: dict[date, Decimal] = {}
    for m in movements:
        if m.corrects_id is None and m.id not in corrected:
            days[m.on] = days.get(m.on, Decimal(0)) + capital_delta(m)
    return sorted(days.items())


def capital_history(deltas) -> list[tuple[date, Decimal]]:
    """Capital at the end of each day that changed it, from (day, change) in day order."""
    points, total = [], Decimal(0)
    for day, delta in deltas:
        total += delta
        points.append((day, total))
    return points


def peak_capital(history) -> Decimal:
    """The highest capital ever reached at the end of a day (0 for an empty ledger)."""
    return max((c for _, c in history), default=Decimal(0))


def reimbursement_floor(peak: Decimal) -> Fraction:
    """Capital may not go below a quarter of its peak: exact, even when it splits a cent."""
    return Fraction(peak) * FLOOR_RATIO


def floor_in_cents(peak: Decimal) -> Decimal:
    """The floor rounded up to the cent: for whole-cent capitals, `c >= this` iff `c >= floor`."""
    return (Decimal(peak) / 4).quantize(CENT, rounding=ROUND_CEILING)


def room_above_floor(capital_now: Decimal, peak: Decimal) -> Decimal:
    """How much capital can be reimbursed now without crossing the floor."""
    return max(Decimal(0), capital_now - floor_in_cents(peak))


def fits_above_floor(capital_now: Decimal, peak: Decimal, amount: Decimal) -> bool:
    """Whether reimbursing `amount` of subscribed capital keeps capital at or above the floor."""
    return Fraction(capital_now - amount) >= reimbursement_floor(peak)


def payable_from_queue(capital_now: Decimal, peak: Decimal, queue) -> list:
    """Keys of the queued requests payable now, from the head, stopping at the first that does
    not fit (a later request never jumps an earlier one); `queue` is (key, amount) in order."""
    paid = []
    for key, amount in queue:
        if not fits_above_floor(capital_now, peak, amount):
            break
        capital_now -= amount
        paid.append(key)
    return paid


@dataclass(frozen=True)
class Associate:
    """A sociétaire as the SCOP ratios see them: employee or not, capital, vote weight."""

    employee: bool
    capital: Decimal
    votes: Fraction


@dataclass(frozen=True)
class ScopRatios:
    """Employee-associates' share of capital and of votes (None when there is nothing to share)."""

    capital: Fraction | None
    votes: Fraction | None

    def broken(self) -> set[str]:
        low = set()
        if self.capital is not None and self.capital < SCOP_MIN_CAPITAL:
            low.add("capital")
        if self.votes is not None and self.votes < SCOP_MIN_VOTES:
            low.add("votes")
        return low


def scop_ratios(associates) -> ScopRatios:
    """Employee-associates' share of capital (>= 51 %) and of votes (>= 65 %)."""
    def share(attr):
        total = sum((Fraction(getattr(a, attr)) for a in associates), Fraction(0))
        mine = sum((Fraction(getattr(a, attr)) for a in associates if a.employee), Fraction(0))
        return mine / total if total else None
    return ScopRatios(share("capital"), share("votes"))


def scop_warnings(before: ScopRatios, after: ScopRatios) -> list[str]:
    """The ratios a movement takes (or keeps) below their minimum while lowering them."""
    def worse(old, new):
        return new is not None and (old is None or new < old)
    return sorted(k for k in after.broken() if worse(getattr(before, k), getattr(after, k)))


def associate(category: str, admitted: bool, held: Balance) -> Associate:
    """A SCOP associate: one vote per admitted sociétaire holding at least one share."""
    return Associate(category in EMPLOYEE_CATEGORIES, held.subscribed,
                     Fraction(int(admitted and held.shares > 0)))


# --- Capital campaigns with a matching rule (the "1+1" plan) ---------------------------------
# A partner promises to match: each euro the partner brings is matched by `ratio` euros from the
# other sociétaires and partners. Only what both sides brought counts as matched.


@dataclass(frozen=True)
class CampaignProgress:
    """Where a campaign stands: amounts brought in its period, matching, target, time left."""

    partner: Decimal  # subscribed by the partner during the campaign
    others: Decimal  # subscribed by everyone else during the campaign
    matched: Decimal  # the others' euros that match the partner's: min(partner × ratio, others)
    to_match: Decimal  # what the others still have to bring to match the partner fully
    raised: Decimal  # partner + others
    target: Decimal
    progress: Fraction  # raised / target, capped at 1 (0 without a target)
    days_left: int  # days to go, the deadline included; 0 once it has passed
    started: bool
    ended: bool


def parse_ratio(text) -> Fraction:
    """A matching ratio: "1" (one for one), "1/2", "2", "0.5"; more than 0, at most 100."""
    try:
        value = parse_fraction(str(text or "").strip())
    except RuleError:
        raise RuleError("campaign_ratio", {"value": text}) from None
    if not 0 < value <= 100:
        raise RuleError("campaign_ratio", {"value": text})
    return value


def check_campaign(target, starts_on: date | None, deadline: date | None) -> Decimal:
    """The target in cents, once the target and the dates make sense."""
    amount = cents(target)
    if amount <= 0:
        raise RuleError("amount_positive", {})
    if starts_on is None or deadline is None:
        raise RuleError("date_required", {})
    if deadline < starts_on:
        raise RuleError("date_before", {"date": deadline, "since": starts_on})
    return amount


def matched_amount(partner: Decimal, others: Decimal, ratio: Fraction) -> Decimal:
    """The others' euros matched by the partner's: min(partner × ratio, others), in cents
    (the partner's side rounded down: a fraction of a cent never counts as matched)."""
    return max(Decimal(0), min(_times(partner, ratio, ROUND_FLOOR), others))


def _times(amount: Decimal, ratio: Fraction, rounding: str) -> Decimal:
    """amount × ratio in cents, rounded as asked (exact: the division is done by Fraction)."""
    exact = Fraction(amount) * Fraction(ratio) * 100
    whole = exact.numerator // exact.denominator
    if rounding == ROUND_CEILING and whole != exact:
        whole += 1
    return Decimal(whole) / 100


def campaign_progress(subscriptions, partner_id, ratio: Fraction, target: Decimal,
                      starts_on: date, deadline: date, today: date) -> CampaignProgress:
    """Progress of a campaign from (member id, day, amount subscribed) of the subscriptions:
    only those dated from `starts_on` to `deadline` inclusive count."""
    partner = others = Decimal(0)
    for member, on, amount in subscriptions:
        if starts_on <= on <= deadline:
            if member == partner_id:
                partner += amount
            else:
                others += amount
    matched = matched_amount(partner, others, ratio)
    to_match = max(Decimal(0), _times(partner, ratio, ROUND_CEILING) - others)
    raised = partner + others
    progress = min(Fraction(1), Fraction(raised) / Fraction(target)) if target > 0 \
        else Fraction(0)
    return CampaignProgress(partner, others, matched, to_match, raised, Decimal(target),
                            progress, (deadline - max(today, starts_on)).days + 1
                            if today <= deadline else 0, today >= starts_on, today > deadline)
