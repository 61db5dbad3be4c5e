"""Pure rules of the register (RULES.md §1): weights, colleges, voting shares, status changes;
the share capital's are in `governance.capital.rules`.

No Flask, no database: plain values in, plain values out, exact arithmetic.
Errors carry a stable `code` and parameters; the caller turns them into a translated message.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .base import RuleError, parse_fraction  # noqa: F401  (the rules' base, re-exported)

MIN_COLLEGES, MAX_COLLEGES = 3, 10
MIN_COLLEGE_WEIGHT, MAX_COLLEGE_WEIGHT = Fraction(1, 10), Fraction(1, 2)


def fraction_str(value: Fraction) -> str:
    """The exact form written in the database and in ballot boxes: "3/10", "1"."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


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
