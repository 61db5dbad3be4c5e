"""Pure rules of counting a vote (RULES.md §3): resolution, choice, approval, majority judgment.

No Flask, no database: plain values in, plain values out, exact arithmetic (Fraction).
`tally(poll)` is the one count used by the web result and by `flask votes verify`.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from governance.rules import RuleError, fraction_str

METHODS = ("resolution", "choice", "approval", "majority_judgment")
WEIGHTINGS = ("none", "colleges")
COUNTINGS = ("votes_cast", "participants", "roll")
EMPTY_COLLEGE_RULES = ("redistribute", "against")
RESOLUTION_OPTIONS = ("for", "against", "abstain")
BATCH_METHODS = ("resolution", "choice")  # methods whose ballots may be counted by hand
# A college's total shows how its voters voted when fewer than this many are on the roll.
SECRET_COLLEGE_MIN = 3


@dataclass(frozen=True)
class Rule:
    """How a vote is counted: the statutes' settings for this kind of vote."""

    weighting: str = "none"
    counting: str = "votes_cast"
    threshold: Fraction = Fraction(1, 2)
    strict: bool = True
    quorum: Fraction | None = None
    empty_college: str = "redistribute"


@dataclass(frozen=True)
class College:
    id: str
    weight: Fraction


@dataclass(frozen=True)
class RollEntry:
    """One voter of the frozen roll: never what they chose."""

    college: str | None
    weight: Fraction
    participating: bool
    voted: bool = False


@dataclass(frozen=True)
class Ballot:
    """`choice`: "for"/"against"/"abstain"; an option or None; [options]; {option: grade}."""

    college: str | None
    weight: Fraction
    choice: object


@dataclass(frozen=True)
class Batch:
    """Ballots counted by hand in one college: summed weight per option."""

    college: str | None
    counts: dict[str, Fraction]


@dataclass(frozen=True)
class Totals:
    """The decrypted sums of one college's encrypted ballots (docs/crypto.md): the weight of
    all of them, of the blank ones, and per option the weight that chose it (majority
    judgment: per option, the weight per grade, best first)."""

    college: str | None
    weight: Fraction
    counts: dict
    blank: Fraction = Fraction(0)


@dataclass(frozen=True)
class Poll:
    """Everything a count needs; `colleges` is empty when `rule.weighting` is "none"."""

    method: str
    rule: Rule
    options: tuple[str, ...] = RESOLUTION_OPTIONS
    colleges: tuple[College, ...] = ()
    roll: tuple[RollEntry, ...] = ()
    ballots: tuple[Ballot, ...] = ()
    batches: tuple[Batch, ...] = ()
    seats: int = 1
    grades: tuple[str, ...] = ()
    totals: tuple[Totals, ...] = ()  # encrypted ballots, as the bureau decrypted them


# ---------------------------------------------------------------------------------------------
# Results: `as_json()` gives exactly the `result` object of ballot-box-format.md.

def _num(value: Fraction | None) -> str | None:
    return None if value is None else fraction_str(value)


@dataclass(frozen=True)
class Quorum:
    required: Fraction
    participation: Fraction

    @property
    def met(self) -> bool:
        return self.participation >= self.required

    def as_json(self) -> dict:
        return {"required": _num(self.required), "participation": _num(self.participation),
                "met": self.met}


@dataclass(frozen=True)
class CollegeCount:
    """One college's sums; `id` and `weight` are None for the whole roll without colleges."""

    id: str | None
    weight: Fraction | None
    expressed: Fraction
    votes: dict[str, Fraction] | None = None  # for/against/abstain, resolution only

    @property
    def share_for(self) -> Fraction | None:
        return self.votes["for"] / self.expressed if self.expressed else None

    def as_json(self) -> dict:
        data = {"id": self.id, "weight": _num(self.weight)}
        if self.votes is not None:
            data |= {o: _num(self.votes[o]) for o in RESOLUTION_OPTIONS}
        data["expressed"] = _num(self.expressed)
        if self.votes is not None:
            data["share_for"] = _num(self.share_for)
        return data


@dataclass(frozen=True)
class OptionShare:
    id: str
    share: Fraction | None


@dataclass(frozen=True)
class Judgment:
    """Majority judgment of one option: majority grade, mass above (p) and below (q), rank."""

    id: str
    grade: str | None
    p: Fraction | None
    q: Fraction | None
    rank: int | None


@dataclass(frozen=True)
class Result:
    method: str
    outcome: str
    quorum: Quorum | None
    colleges: tuple[CollegeCount, ...]
    threshold: Fraction | None = None
    strict: bool | None = None
    share_for: Fraction | None = None
    options: tuple[OptionShare, ...] = ()
    winners: tuple[str, ...] = ()
    ranking: tuple[Judgment, ...] = ()

    def as_json(self) -> dict:
        data = {"method": self.method, "outcome": self.outcome,
                "quorum": self.quorum.as_json() if self.quorum else None,
                "colleges": [c.as_json() for c in self.colleges]}
        if self.method == "resolution":
            data["share_for"] = _num(self.share_for)
        elif self.method == "majority_judgment":
            data["ranking"] = [{"id": j.id, "grade": j.grade, "p": _num(j.p), "q": _num(j.q),
                                "rank": j.rank} for j in self.ranking]
            return data
        else:
            data["options"] = [{"id": o.id, "share": _num(o.share)} for o in self.options]
            data["winners"] = list(self.winners)
        data |= {"threshold": _num(self.threshold), "strict": self.strict}
        return data


# ---------------------------------------------------------------------------------------------
# Validity of the input.

def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def ballot_error(poll: Poll, choice) -> str | None:
    """Why `choice` is not a valid ballot for the poll's method, or None when it is."""
    if poll.method == "resolution":
        if choice not in RESOLUTION_OPTIONS or not isinstance(choice, str):
            return f"choice {_show(choice)} is not one of for, against, abstain"
    elif poll.method == "choice":
        if choice is not None and (not isinstance(choice, str) or choice not in poll.options):
            return f"unknown option {_show(choice)}"
    elif poll.method == "approval":
        if not isinstance(choice, list | tuple):
            return "choice is not a list of options"
        for option in choice:
            if not isinstance(option, str) or option not in poll.options:
                return f"unknown option {_show(option)}"
        if len(set(choice)) != len(choice):
            return "an option is selected twice"
        if len(choice) > poll.seats:
            return f"selects {len(choice)} options, more than the {poll.seats} seats"
    elif poll.method == "majority_judgment":
        if not isinstance(choice, dict):
            return "choice is not an object from options to grades"
        for option, grade in choice.items():
            if option not in poll.options:
                return f"unknown option {_show(option)}"
            if not isinstance(grade, str) or grade not in poll.grades:
                return f"unknown grade {_show(grade)} for option {_show(option)}"
    return None


def batch_error(poll: Poll, counts: dict) -> str | None:
    """Why hand-counted `counts` do not fit the poll, or None when they do."""
    if poll.method not in BATCH_METHODS:
        return f"batches are only for resolution and choice, not {poll.method}"
    for option in counts:
        if option not in poll.options:
            return f"unknown option {_show(option)}"
    return None


def totals_error(poll: Poll, t: Totals) -> str | None:
    """Why decrypted totals cannot be those of the poll's ballots, or None when they can."""
    per_option = [list(v) if poll.method == "majority_judgment" else [v]
                  for v in t.counts.values()]
    if set(t.counts) != set(poll.options) or any(
            len(v) != (len(poll.grades) if poll.method == "majority_judgment" else 1)
            for v in per_option):
        return "totals do not name each option once"
    if t.weight < 0 or t.blank < 0 or any(x < 0 for v in per_option for x in v) or \
            any(sum(v) > t.weight for v in per_option) or t.blank > t.weight:
        return "totals out of their ballots' weight"
    taken = sum((sum(v) for v in per_option), Fraction(0))
    if poll.method in ("resolution", "choice") and taken + t.blank != t.weight:
        return "totals do not add up to their ballots' weight"
    return None


def check_poll(poll: Poll) -> None:
    """Refuse a poll that cannot be counted, naming the first broken rule."""
    rule = poll.rule
    for code, value, allowed in [("method", poll.method, METHODS),
                                 ("weighting", rule.weighting, WEIGHTINGS),
                                 ("counting", rule.counting, COUNTINGS),
                                 ("empty_college", rule.empty_college, EMPTY_COLLEGE_RULES)]:
        if value not in allowed:
            raise RuleError(f"unknown_{code}", {"value": value})
    for code, share in [("threshold", rule.threshold), ("quorum", rule.quorum)]:
        if share is not None and not 0 <= share <= 1:
            raise RuleError("share_out_of_range", {"field": code, "value": share})
    if len(set(poll.options)) != len(poll.options) or not poll.options:
        raise RuleError("bad_options", {"options": poll.options})
    if poll.method == "resolution" and set(poll.options) != set(RESOLUTION_OPTIONS):
        raise RuleError("bad_options", {"options": poll.options})
    if poll.method == "approval" and poll.seats < 1:
        raise RuleError("bad_seats", {"seats": poll.seats})
    if poll.method == "majority_judgment" and (not poll.grades
                                               or len(set(poll.grades)) != len(poll.grades)):
        raise RuleError("bad_grades", {"grades": poll.grades})
    ids = [c.id for c in poll.colleges]
    if (rule.weighting == "colleges") != bool(ids) or len(set(ids)) != len(ids):
        raise RuleError("bad_colleges", {"colleges": ids})
    if any(c.weight <= 0 for c in poll.colleges):
        raise RuleError("college_weight", {"colleges": ids})
    if any(e.weight <= 0 for e in (*poll.roll, *poll.ballots)) or \
            any(w < 0 for b in poll.batches for w in b.counts.values()):
        raise RuleError("bad_weight", {})
    for t in poll.totals:
        if why := totals_error(poll, t):
            raise RuleError("invalid_totals", {"why": why})
    known = set(ids) if ids else {None}
    for item in (*poll.roll, *poll.ballots, *poll.batches, *poll.totals):
        if item.college not in known:
            raise RuleError("unknown_college", {"college": item.college})
    for ballot in poll.ballots:
        if why := ballot_error(poll, ballot.choice):
            raise RuleError("invalid_ballot", {"why": why})
    for batch in poll.batches:
        if why := batch_error(poll, batch.counts):
            raise RuleError("invalid_batch", {"why": why})


# ---------------------------------------------------------------------------------------------
# Counting.

def passes(share: Fraction, rule: Rule) -> bool:
    """`share > threshold` when strict, `share ≥ threshold` otherwise."""
    return share > rule.threshold if rule.strict else share >= rule.threshold


def quorum(poll: Poll) -> Quorum | None:
    """Participation on member weights (not college weights); None when no quorum is required."""
    if poll.rule.quorum is None:
        return None
    total = sum((e.weight for e in poll.roll), Fraction(0))
    present = sum((e.weight for e in poll.roll if e.participating), Fraction(0))
    return Quorum(poll.rule.quorum, present / total if total else Fraction(0))


def _groups(poll: Poll) -> list[tuple[str | None, Fraction | None]]:
    """(id, weight) of each college, or the single pseudo-college (None, None)."""
    if poll.rule.weighting == "none":
        return [(None, None)]
    return [(c.id, c.weight) for c in poll.colleges]


def _sums(poll: Poll) -> tuple[dict, dict, dict, dict]:
    """Per college: option → weight (ballots and batches), cast weight, P_c, R_c."""
    votes: dict = defaultdict(lambda: defaultdict(Fraction))
    cast: dict = defaultdict(Fraction)
    present: dict = defaultdict(Fraction)
    roll: dict = defaultdict(Fraction)
    for e in poll.roll:
        roll[e.college] += e.weight
        if e.participating:
            present[e.college] += e.weight
    for b in poll.ballots:
        if poll.method == "majority_judgment":  # every ballot is cast; _judge reads the grades
            cast[b.college] += b.weight
            continue
        picked = list(b.choice) if poll.method == "approval" else \
            [] if b.choice is None else [b.choice]
        for option in picked:
            votes[b.college][option] += b.weight
        if picked and not (poll.method == "resolution" and b.choice == "abstain"):
            cast[b.college] += b.weight  # blank, null and abstention are not votes cast
    for batch in poll.batches:
        for option, weight in batch.counts.items():
            votes[batch.college][option] += weight
            if not (poll.method == "resolution" and option == "abstain"):
                cast[batch.college] += weight
    for t in poll.totals:
        cast[t.college] += t.weight - t.blank
        if poll.method == "resolution":
            cast[t.college] -= t.counts["abstain"]
        if poll.method != "majority_judgment":
            for option, weight in t.counts.items():
                votes[t.college][option] += weight
    return votes, cast, present, roll


def _expressed(poll: Poll, cast, present, roll) -> dict:
    """E_c under the counting mode; majority judgment always counts the ballots cast."""
    counting = "votes_cast" if poll.method == "majority_judgment" else poll.rule.counting
    source = {"votes_cast": cast, "participants": present, "roll": roll}[counting]
    return {c: source.get(c, Fraction(0)) for c, _ in _groups(poll)}


def _normalised(poll: Poll, expressed: dict) -> dict:
    """w'_c = w_c / Σ w_c over non-empty colleges (1 for the single pseudo-college)."""
    weights = {c: (w if w is not None else Fraction(1)) for c, w in _groups(poll)
               if expressed[c] > 0}
    total = sum(weights.values(), Fraction(0))
    return {c: w / total for c, w in weights.items()}


def tally(poll: Poll) -> Result:
    """Count a poll exactly per RULES.md §3."""
    check_poll(poll)
    votes, cast, present, roll = _sums(poll)
    expressed = _expressed(poll, cast, present, roll)
    resolution = poll.method == "resolution"
    colleges = tuple(
        CollegeCount(c, w, expressed[c],
                     {o: votes[c][o] for o in RESOLUTION_OPTIONS} if resolution else None)
        for c, w in _groups(poll))
    q = quorum(poll)
    common = dict(method=poll.method, quorum=q, colleges=colleges)
    no_quorum = q is not None and not q.met
    if resolution:
        share = _share_for(poll, colleges)
        outcome = ("no_quorum" if no_quorum else "rejected" if share is None
                   else "adopted" if passes(share, poll.rule) else "rejected")
        return Result(outcome=outcome, share_for=share, threshold=poll.rule.threshold,
                      strict=poll.rule.strict, **common)
    if poll.method == "majority_judgment":
        ranking = _judge(poll, expressed)
        top = [j for j in ranking if j.rank == 1]
        outcome = ("no_quorum" if no_quorum else "no_votes" if not top
                   else "tie" if len(top) > 1 else "decided")
        return Result(outcome=outcome, ranking=ranking, **common)
    weights = _normalised(poll, expressed)
    shares = {o: (sum((w * votes[c][o] / expressed[c] for c, w in weights.items()), Fraction(0))
                  if weights else None) for o in poll.options}
    options = tuple(OptionShare(o, shares[o]) for o in
                    sorted(poll.options, key=lambda o: -(shares[o] or 0)))
    seats = poll.seats if poll.method == "approval" else 1
    outcome, winners = ("no_quorum", ()) if no_quorum else \
        ("no_votes", ()) if not weights else _elect(options, seats, poll.rule)
    return Result(outcome=outcome, options=options, winners=winners,
                  threshold=poll.rule.threshold, strict=poll.rule.strict, **common)


def _share_for(poll: Poll, colleges: tuple[CollegeCount, ...]) -> Fraction | None:
    """Overall share S; None when no college expressed anything."""
    full = [c for c in colleges if c.expressed > 0]
    if not full:
        return None
    if poll.rule.weighting == "none":
        return full[0].share_for
    total = sum((c.weight for c in (colleges if poll.rule.empty_college == "against" else full)),
                Fraction(0))
    return sum((c.weight * c.share_for for c in full), Fraction(0)) / total


def _elect(options: tuple[OptionShare, ...], seats: int,
           rule: Rule) -> tuple[str, tuple[str, ...]]:
    """Options by decreasing share that pass the threshold, up to `seats`; a tie across the
    last seat elects only the options strictly above the tied share."""
    passing = [o for o in options if passes(o.share, rule)]
    if not passing:
        return "no_majority", ()
    if len(passing) > seats and passing[seats].share == passing[seats - 1].share:
        last = passing[seats - 1].share
        return "tie", tuple(o.id for o in passing if o.share > last)
    return "decided", tuple(o.id for o in passing[:seats])


def majority_grade(distribution: list[Fraction]) -> int:
    """Index of the lower median grade of a distribution of mass (best grade first, total 1):
    the best grade such that the mass at it or better exceeds one half."""
    total = sum(distribution, Fraction(0))
    running = Fraction(0)
    for index, mass in enumerate(distribution):
        running += mass
        if running > total / 2:
            return index
    raise RuleError("empty_distribution", {})


def _judge(poll: Poll, expressed: dict) -> tuple[Judgment, ...]:
    """Balinski–Laraki ranking; equal ranks are ties (standard competition ranking 1, 1, 3)."""
    weights = _normalised(poll, expressed)
    if not weights:
        return tuple(Judgment(o, None, None, None, None) for o in poll.options)
    worst = len(poll.grades) - 1
    index = {g: i for i, g in enumerate(poll.grades)}
    keys, judged = {}, {}
    for option in poll.options:
        dist = [Fraction(0)] * len(poll.grades)
        for b in poll.ballots:
            dist[index.get(b.choice.get(option), worst)] += weights[b.college] * b.weight / \
                expressed[b.college]
        for t in poll.totals:
            if t.college in weights:  # ungraded: the worst grade
                graded = list(t.counts[option])
                graded[worst] += t.weight - sum(graded, Fraction(0))
                for grade, weight in enumerate(graded):
                    dist[grade] += weights[t.college] * weight / expressed[t.college]
        g = majority_grade(dist)
        p, q = sum(dist[:g], Fraction(0)), sum(dist[g + 1:], Fraction(0))
        keys[option] = (g, 0, -p) if p > q else (g, 1, q)
        judged[option] = (poll.grades[g], p, q)
    order = sorted(poll.options, key=lambda o: keys[o])
    ranks = {o: 1 + sum(keys[other] < keys[o] for other in poll.options) for o in order}
    return tuple(Judgment(o, *judged[o], ranks[o]) for o in order)


# --------------------------------------------------------------------------- second factor

CODE_MINUTES = 10  # a code emailed to a voter is good for this long
CODE_ATTEMPTS = 5  # wrong tries before a new code must be asked for
RESEND_SECONDS = 60  # between two codes to the same voter


def code_problem(now, expires_at, attempts: int, matches: bool) -> str | None:
    """Why a typed code is refused ("code_expired", "code_attempts", "code_wrong"), or None."""
    if attempts >= CODE_ATTEMPTS:
        return "code_attempts"
    if now > expires_at:
        return "code_expired"
    return None if matches else "code_wrong"


def may_resend(now, sent_at) -> bool:
    return sent_at is None or (now - sent_at).total_seconds() >= RESEND_SECONDS
