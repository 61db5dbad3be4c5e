"""Pure rules of the register (RULES.md §1): weights, colleges, voting shares, status changes.

No Flask, no database: plain values in, plain values out, exact arithmetic.
Errors carry a stable `code` and parameters; the caller turns them into a translated message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from fractions import Fraction

MIN_COLLEGES, MAX_COLLEGES = 3, 10
MIN_COLLEGE_WEIGHT, MAX_COLLEGE_WEIGHT = Fraction(1, 10), Fraction(1, 2)


@dataclass
class RuleError(Exception):
    """A rule was broken; `code` names the rule, `params` fill its message."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*$")
_FRACTION = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")
_DECIMAL = re.compile(r"^\s*(\d{1,6}(?:[.,]\d{1,12})?)\s*$")


def parse_fraction(text: str) -> Fraction:
    """Read "3/10", "0.3", "30 %" or "33,33 %" as an exact fraction; percentages allow two decimals."""
    if m := _PERCENT.match(text or ""):
        return Fraction(Decimal(m.group(1).replace(",", "."))) / 100
    if m := _FRACTION.match(text or ""):
        if int(m.group(2)) == 0:
            raise RuleError("zero_denominator", {"value": text})
        return Fraction(int(m.group(1)), int(m.group(2)))
    if m := _DECIMAL.match(text or ""):
        try:
            return Fraction(Decimal(m.group(1).replace(",", ".")))
        except InvalidOperation:  # pragma: no cover - the pattern already excludes it
            pass
    raise RuleError("not_a_weight", {"value": text})


def fraction_str(value: Fraction) -> str:
    """The exact form written in the database and in ballot boxes: "3/10", "1"."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def parse_share(text: str | None) -> Fraction | None:
    """A threshold or quorum between 0 and 1 inclusive, or None for an empty value."""
    if text is None or not str(text).strip():
        return None
    value = parse_fraction(str(text))
    if not 0 <= value <= 1:
        raise RuleError("share_out_of_range", {"value": text})
    return value


def validate_colleges(weights: dict[str, Fraction]) -> None:
    """College weighting (SCIC): 3 to 10 colleges, each 10 % to 50 %, summing to exactly 100 %."""
    n = len(weights)
    if not MIN_COLLEGES <= n <= MAX_COLLEGES:
        raise RuleError("college_count", {"count": n, "min": MIN_COLLEGES, "max": MAX_COLLEGES})
    for code, weight in weights.items():
        if not MIN_COLLEGE_WEIGHT <= weight <= MAX_COLLEGE_WEIGHT:
            raise RuleError("college_weight", {"college": code, "weight": weight})
    total = sum(weights.values(), Fraction(0))
    if total != 1:
        raise RuleError("college_sum", {"total": total})


def voting_shares(weighting: str, college_weights: dict[str, Fraction],
                  members_per_college: dict[str, int]) -> dict[str, Fraction]:
    """Effective voting share of one active member of each college: w_c / n_c, or 1/N.

    Without colleges every key gets 1/N where N counts all active members.
    A college without members yields 0 for its (absent) members.
    """
    if weighting == "none":
        total = sum(members_per_college.values())
        return {c: (Fraction(1, total) if total else Fraction(0)) for c in members_per_college}
    return {c: (Fraction(w) / members_per_college[c] if members_per_college.get(c) else Fraction(0))
            for c, w in college_weights.items()}


def college_vote_shares(weighting: str, college_weights: dict[str, Fraction],
                        members_per_college: dict[str, int]) -> dict[str, Fraction]:
    """Share of the votes held by each college as a whole (its weight, or its head count / N)."""
    if weighting == "none":
        total = sum(members_per_college.values())
        return {c: Fraction(n, total) if total else Fraction(0)
                for c, n in members_per_college.items()}
    return {c: Fraction(w) for c, w in college_weights.items()}


# Allowed status changes of a membership: candidate → admitted → resigned/excluded/deceased.
TRANSITIONS: dict[str, set[str]] = {
    "candidate": {"admitted", "resigned", "deceased"},
    "admitted": {"resigned", "excluded", "deceased"},
    "resigned": set(),
    "excluded": set(),
    "deceased": set(),
}
EXIT_STATUSES = {"resigned", "excluded", "deceased"}


def check_transition(current: str, new: str, *, on, decision_ref: str = "",
                     reason: str = "", since=None) -> None:
    """Refuse a status change the register does not allow, or one missing what it needs."""
    if new not in TRANSITIONS.get(current, set()):
        raise RuleError("bad_transition", {"current": current, "new": new})
    if on is None:
        raise RuleError("date_required", {})
    if since is not None and on < since:
        raise RuleError("date_before", {"date": on, "since": since})
    if new == "admitted" and not decision_ref.strip():
        raise RuleError("decision_required", {})
    if new == "excluded" and not reason.strip():
        raise RuleError("reason_required", {})


def next_member_number(current_max: int | None) -> int:
    """Membership numbers are sequential per cooperative and never reused."""
    return (current_max or 0) + 1


def percent(value: Fraction) -> Decimal:
    """A share as a percentage rounded to two decimals, for display only."""
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal("0.01"))


# --- Share capital (RULES.md §5 and the SCOP ratios of §1) -------------------------------------
# A movement goes from one side to the other; None is the cooperative itself: a subscription goes
# from None to a member, a reimbursement from a member to None, a transfer from member to member.
# Quantities are never negative; a correction is the reversed copy of the movement it corrects.

CENT = Decimal("0.01")
FLOOR_RATIO = Fraction(1, 4)  # law 47-1775 art. 13
SCOP_MIN_CAPITAL, SCOP_MIN_VOTES = Fraction(51, 100), Fraction(65, 100)
EMPLOYEE_CATEGORIES = frozenset({"permanent_employee", "entrepreneur_employee"})
SCOP_FORMS = frozenset({"scop_sa", "scop_sarl", "scop_sas", "cae"})


def cents(value) -> Decimal:
    """An amount of money as an exact Decimal in cents; floats and fractions of a cent refused."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise RuleError("not_an_amount", {"value": value}) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
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
