"""Pure rules of general assemblies (RULES.md §4): notice, quorum per call, proxies, blank
proxies and who casts for whom. Plain values in, plain values out; exact fractions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from math import ceil

from governance.rules import RuleError

ORDINARY, EXTRAORDINARY, MIXED = "ordinary", "extraordinary", "mixed"


# -- convocation ------------------------------------------------------------------------------

def notice_days(sent: datetime | date, sitting: datetime | date) -> int:
    """Whole days between the convocation and the sitting (calendar days, dates only)."""
    sent_day = sent.date() if isinstance(sent, datetime) else sent
    sitting_day = sitting.date() if isinstance(sitting, datetime) else sitting
    return (sitting_day - sent_day).days


def check_notice(sent, sitting, required: int, reason: str = "") -> int:
    """The notice given, in days; a shorter notice than `required` needs a recorded reason.

    Exactly `required` days is enough (R225-69: "au moins quinze jours").
    """
    days = notice_days(sent, sitting)
    if days < 0:
        raise RuleError("sitting_in_past", {})
    if days < required and not reason.strip():
        raise RuleError("short_notice", {"days": days, "required": required})
    return days


# -- quorum -----------------------------------------------------------------------------------

def quorum_required(kind: str, call: int, first: Fraction | None,
                    second: Fraction | None) -> Fraction | None:
    """The quorum of a call: the statutes' first-call or second-call value (None: none)."""
    if call not in (1, 2):
        raise RuleError("bad_call", {"call": call})
    return first if call == 1 else second


@dataclass(frozen=True)
class Quorum:
    """Participation against the quorum of one cooperative's roll (member weights)."""

    required: Fraction | None
    participating: int
    roll: int

    @property
    def participation(self) -> Fraction:
        return Fraction(self.participating, self.roll) if self.roll else Fraction(0)

    @property
    def met(self) -> bool:
        """Met when participation reaches the quorum (≥: "au moins le quart")."""
        if self.roll == 0:
            return False
        return self.required is None or self.participation >= self.required

    @property
    def needed(self) -> int:
        """How many more participants the quorum needs (0 when met)."""
        if self.required is None or self.met:
            return 0
        return max(0, ceil(self.required * self.roll) - self.participating)


def strictest(kinds: list[str]) -> str:
    """The kind whose quorum an assembly must reach to deliberate on all its resolutions."""
    return EXTRAORDINARY if EXTRAORDINARY in kinds else ORDINARY


# -- proxies ----------------------------------------------------------------------------------

def proxy_cap(rule: str, max_proxies: int, members: int) -> int:
    """How many proxies one holder may carry: the statutes' fixed cap, or the SCOP rule
    `max(1, floor(N / 20))` with N the number of sociétaires."""
    if rule == "scop":
        return max(1, members // 20)
    return max_proxies


@dataclass(frozen=True)
class ProxyRequest:
    """A proxy being given: who gives it to whom, and what both are doing already."""

    principal: int
    holder: int | None  # None: a blank proxy to the chair
    holder_on_roll: bool  # the holder is a sociétaire of the same cooperative's roll
    holder_carries: int  # proxies the holder already accepted or was offered
    cap: int
    principal_voted: bool  # a ballot was already cast for the principal
    holder_gave_proxy: bool  # the holder gave their own vote away


def check_proxy(req: ProxyRequest) -> None:
    """Refuse a proxy the rules forbid (RULES.md §4), with the reason's code."""
    if req.principal_voted:
        raise RuleError("proxy_after_vote", {})
    if req.holder is None:
        return  # the chair takes every blank proxy (no cap)
    if req.holder == req.principal:
        raise RuleError("proxy_to_self", {})
    if not req.holder_on_roll:
        raise RuleError("proxy_holder_not_member", {})
    if req.holder_gave_proxy:
        raise RuleError("proxy_holder_gave_proxy", {})
    if req.holder_carries >= req.cap:
        raise RuleError("proxy_cap", {"cap": req.cap})


def can_revoke(holder_voted_for_principal: bool) -> bool:
    """A principal takes their vote back until their holder has voted for them."""
    return not holder_voted_for_principal


def blank_proxy_choice(board_approved: bool) -> str:
    """A blank proxy votes FOR the resolutions the board approved, AGAINST the others."""
    return "for" if board_approved else "against"


def may_cast_for(actor: int, principal: int, holder: int | None,
                 principal_gave_proxy: bool) -> bool:
    """Whether `actor` casts the principal's ballot: a member for themselves unless they gave a
    proxy (and did not revoke it), a holder for their principal."""
    if actor == principal:
        return not principal_gave_proxy
    return principal_gave_proxy and holder == actor


# -- state machine ----------------------------------------------------------------------------

TRANSITIONS = {
    "draft": {"convened"},
    "convened": {"open"},
    "open": {"convened", "closed"},  # back to convened: a second call
    "closed": {"published"},
    "published": set(),
}


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, set()):
        raise RuleError("assembly_state", {"current": current, "new": new})
