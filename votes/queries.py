"""Reads of the votes package for the pages: lists, turnout, results for display, trackers.

Nothing here writes. Turnout reads only the emargement (who took part), never the ballots, so
that no partial result of an open vote can leak through it; results are read from the sealed
box of a closed vote, the document anyone can recount.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import sqlalchemy as sa

from governance.models import College, CoopRole, Membership, Person, Role, Status
from governance.platform.extensions import db

from . import rules
from .models import Eligibility, KeyCeremony, RollEntry, State, Vote


def votes_of(coop) -> list[Vote]:
    """The cooperative's votes: open first, then drafts, then closed; newest first."""
    order = sa.case((Vote.state == State.OPEN, 0), (Vote.state == State.DRAFT, 1), else_=2)
    return list(db.session.scalars(sa.select(Vote).where(Vote.cooperative_id == coop.id)
                                   .order_by(order, Vote.id.desc())))


def roll_entry(vote: Vote, person) -> RollEntry | None:
    """The person's entry on the vote's roll, or None (also for anonymous visitors)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    return db.session.scalar(sa.select(RollEntry).where(RollEntry.vote_id == vote.id,
                                                        RollEntry.person_id == person.id))


def eligible(vote: Vote) -> list[tuple[Person, Membership | None]]:
    """Who is on the roll: admitted sociétaires (of some colleges), or the board."""
    if vote.eligibility == Eligibility.BOARD:
        people = db.session.scalars(sa.select(Person).join(
            CoopRole, CoopRole.person_id == Person.id).where(
            CoopRole.cooperative_id == vote.cooperative_id, CoopRole.role == Role.BOARD)).all()
        members = {m.person_id: m for m in db.session.scalars(sa.select(Membership).where(
            Membership.cooperative_id == vote.cooperative_id,
            Membership.person_id.in_([p.id for p in people])))}
        return [(p, members.get(p.id)) for p in people]
    stmt = (sa.select(Membership).where(Membership.cooperative_id == vote.cooperative_id,
                                        Membership.status == Status.ADMITTED)
            .options(sa.orm.selectinload(Membership.person),
                     sa.orm.selectinload(Membership.college)))
    members = db.session.scalars(stmt).all()
    if vote.eligibility == Eligibility.COLLEGES:
        members = [m for m in members if m.college and m.college.code in vote.eligible_colleges]
    return [(m.person, m) for m in members]


def roll_colleges(vote: Vote) -> dict[str, int]:
    """How many voters per college the roll of a weighted vote would hold if it opened now
    (counted in SQL, however large the register)."""
    stmt = (sa.select(College.code, sa.func.count()).join(
        Membership, Membership.college_id == College.id)
        .where(Membership.cooperative_id == vote.cooperative_id,
               Membership.status == Status.ADMITTED).group_by(College.code))
    if vote.eligibility == Eligibility.COLLEGES:
        stmt = stmt.where(College.code.in_(vote.eligible_colleges))
    elif vote.eligibility == Eligibility.BOARD:
        return {}  # a board vote counts one person, one vote, without colleges
    return dict(db.session.execute(stmt).all())


def ceremony_of(vote: Vote) -> KeyCeremony | None:
    """The key ceremony of the vote, if the secretariat started one."""
    return db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id))


# ---------------------------------------------------------------------------------------------
# Turnout: from the emargement only.

@dataclass
class Turnout:
    """Who took part in one college (or overall): entries, and participation on member weights."""

    id: str | None
    name: str
    voted: int = 0  # entries with a ballot cast for them
    roll: int = 0
    present_weight: Fraction = Fraction(0)  # participating: voted, present or represented
    roll_weight: Fraction = Fraction(0)

    @property
    def participation(self) -> Fraction | None:
        """Participation as the quorum counts it (RULES.md §3), on member weights."""
        return self.present_weight / self.roll_weight if self.roll_weight else None


def turnout(vote: Vote) -> tuple[Turnout, list[Turnout]]:
    """Overall and per-college turnout of the roll (one grouped query)."""
    rows = db.session.execute(
        sa.select(RollEntry.college, RollEntry.weight, RollEntry.participating, RollEntry.voted,
                  sa.func.count()).where(RollEntry.vote_id == vote.id)
        .group_by(RollEntry.college, RollEntry.weight, RollEntry.participating,
                  RollEntry.voted)).all()
    names = {c.code: c.name for c in vote.cooperative.colleges}
    overall = Turnout(None, "")
    lines: dict[str | None, Turnout] = {}
    if vote.weighting == "colleges":
        lines = {code: Turnout(code, name) for code, name in names.items()}
    for college, weight, participating, voted, count in rows:
        targets = [overall]
        if vote.weighting == "colleges":
            targets.append(lines.setdefault(college, Turnout(college, names.get(college,
                                                                                college))))
        for line in targets:
            line.roll += count
            line.roll_weight += Fraction(weight) * count
            if voted:
                line.voted += count
            if participating:
                line.present_weight += Fraction(weight) * count
    colleges = [line for line in lines.values() if line.roll]
    return overall, colleges


# ---------------------------------------------------------------------------------------------
# Results of a closed vote, for display.

@dataclass
class CollegeResult:
    """One college's line (the whole roll when `id` is None): summed weights and shares."""

    id: str | None
    name: str
    weight: Fraction | None
    expressed: Fraction
    counts: dict[str, Fraction] = field(default_factory=dict)  # option → summed weight
    ballots: Fraction = Fraction(0)  # weight of ballots (and batches) in the college
    grades: dict[str, str | None] = field(default_factory=dict)  # MJ: option → majority grade

    def share(self, option: str) -> Fraction | None:
        return self.counts.get(option, Fraction(0)) / self.expressed if self.expressed else None


@dataclass
class OptionResult:
    id: str
    label: str
    share: Fraction | None = None
    elected: bool = False
    grade: str | None = None  # majority judgment
    p: Fraction | None = None
    q: Fraction | None = None
    rank: int | None = None
    profile: list[Fraction] = field(default_factory=list)  # MJ: weighted mass per grade


@dataclass
class ResultView:
    method: str
    outcome: str
    colleges: list[CollegeResult]
    options: list[OptionResult]
    quorum_required: Fraction | None
    participation: Fraction | None
    quorum_met: bool | None
    share_for: Fraction | None
    threshold: Fraction | None
    strict: bool | None
    weighted: bool
    grades: list[str]

    @property
    def winners(self) -> list[OptionResult]:
        if self.method == "majority_judgment":
            return [o for o in self.options if o.rank == 1] if self.outcome != "no_quorum" else []
        return [o for o in self.options if o.elected]


def _frac(text) -> Fraction | None:
    return None if text is None else Fraction(text)


def results(vote: Vote, labels: dict[str, str]) -> ResultView | None:
    """The sealed result of a closed vote, per college and weighted; None before the close.

    `labels` maps option ids to what the page shows. Per-college counts for choice, approval
    and majority judgment come from the box's ballots summed per (college, choice), kept with
    the box at close (the result holds only their totals).
    """
    box = vote.summary
    if box is None:
        return None
    result, method = box["result"], str(vote.method)
    names = {c["id"]: c["name"] for c in box["colleges"]}
    option_ids = [o["id"] for o in vote.options]
    grades = vote.grades
    colleges = [CollegeResult(c["id"], names.get(c["id"], c["id"] or ""), _frac(c["weight"]),
                              Fraction(c["expressed"])) for c in result["colleges"]]
    by_id = {c.id: c for c in colleges}
    marks: dict[str | None, dict[str, list[Fraction]]] = defaultdict(
        lambda: {o: [Fraction(0)] * len(grades) for o in option_ids})
    for ballot in box["ballots"]:
        line, weight = by_id.get(ballot["college"]), Fraction(ballot["weight"])
        if line is None:
            continue
        line.ballots += weight
        choice = ballot["choice"]
        if method == "majority_judgment":
            for option in option_ids:
                index = grades.index(choice[option]) if choice.get(option) in grades else \
                    len(grades) - 1  # ungraded: the worst grade (RULES.md §3)
                marks[ballot["college"]][option][index] += weight
            continue
        picked = choice if isinstance(choice, list) else [] if choice is None else [choice]
        for option in picked:
            line.counts[option] = line.counts.get(option, Fraction(0)) + weight
    for t in box.get("totals") or []:  # encrypted ballots: decrypted sums per college
        line = by_id.get(t["college"])
        if line is None:
            continue
        line.ballots += Fraction(t["weight"])
        for option, count in t["counts"].items():
            if method == "majority_judgment":
                graded = [Fraction(x) for x in count]
                graded[-1] += Fraction(t["weight"]) - sum(graded, Fraction(0))  # ungraded
                marks[t["college"]][option] = [a + b for a, b in
                                               zip(marks[t["college"]][option], graded,
                                                   strict=True)]
            else:
                line.counts[option] = line.counts.get(option, Fraction(0)) + Fraction(count)
    for batch in box.get("batches") or []:
        line = by_id.get(batch["college"])
        if line is None:
            continue
        for option, count in batch["counts"].items():
            line.counts[option] = line.counts.get(option, Fraction(0)) + Fraction(count)
            line.ballots += Fraction(count)
    if method == "resolution":
        for c in result["colleges"]:
            by_id[c["id"]].counts = {o: Fraction(c[o]) for o in rules.RESOLUTION_OPTIONS}
    options = _options(method, result, option_ids, labels)
    if method == "majority_judgment":
        _profiles(colleges, marks, options, grades)
    quorum = result.get("quorum")
    return ResultView(
        method=method, outcome=result["outcome"], colleges=colleges, options=options,
        quorum_required=_frac(quorum["required"]) if quorum else None,
        participation=_frac(quorum["participation"]) if quorum else None,
        quorum_met=quorum["met"] if quorum else None,
        share_for=_frac(result.get("share_for")), threshold=_frac(result.get("threshold")),
        strict=result.get("strict"), weighted=bool(box["colleges"]), grades=grades)


def _options(method: str, result: dict, option_ids: list[str],
             labels: dict[str, str]) -> list[OptionResult]:
    if method == "resolution":
        return [OptionResult(o, labels.get(o, o)) for o in option_ids]
    if method == "majority_judgment":
        return [OptionResult(j["id"], labels.get(j["id"], j["id"]), grade=j["grade"],
                             p=_frac(j["p"]), q=_frac(j["q"]), rank=j["rank"])
                for j in result["ranking"]]
    winners = set(result["winners"])
    return [OptionResult(o["id"], labels.get(o["id"], o["id"]), share=_frac(o["share"]),
                         elected=o["id"] in winners) for o in result["options"]]


def _profiles(colleges: list[CollegeResult], marks: dict, options: list[OptionResult],
              grades: list[str]) -> None:
    """Majority grade per college, and each option's weighted merit profile (RULES.md §3:
    a ballot weighs w'_c · weight / E_c)."""
    full = [c for c in colleges if c.expressed > 0]
    total = sum((c.weight if c.weight is not None else Fraction(1) for c in full), Fraction(0))
    for option in options:
        option.profile = [Fraction(0)] * len(grades)
    for c in full:
        normalised = (c.weight if c.weight is not None else Fraction(1)) / total
        for option in options:
            dist = marks[c.id][option.id]
            c.grades[option.id] = grades[rules.majority_grade(dist)] if sum(dist) else None
            for i, mass in enumerate(dist):
                option.profile[i] += normalised * mass / c.expressed


# ---------------------------------------------------------------------------------------------
# The box, trackers and open ballots.

def find_tracker(vote: Vote, code: str) -> dict | None:
    """The ballot with this tracker (case and spaces ignored) in the sealed box of a closed
    vote, the document anyone downloads and recounts; None when it is not there, or the vote
    is not closed."""
    wanted = "".join(code.split()).upper()
    if vote.state != State.CLOSED or not wanted or vote.box_json is None:
        return None
    return next((b for b in vote.box["ballots"] if b["tracker"] == wanted), None)


def small_colleges(vote: Vote) -> list:
    """The colleges of a secret weighted vote with fewer than `rules.SECRET_COLLEGE_MIN`
    voters on its roll (for a draft: on the roll it would freeze now): their totals show how
    their voters voted."""
    if not vote.secret or vote.weighting != "colleges":
        return []
    if vote.state == State.DRAFT:
        sizes = roll_colleges(vote)
    else:
        sizes = dict(db.session.execute(
            sa.select(RollEntry.college, sa.func.count()).where(RollEntry.vote_id == vote.id)
            .group_by(RollEntry.college)).all())
    return [c for c in vote.cooperative.colleges
            if 0 < sizes.get(c.code, 0) < rules.SECRET_COLLEGE_MIN]


def open_ballots(vote: Vote) -> list[tuple[Person, RollEntry, dict | None]]:
    """Who voted what in an open (not secret) closed vote: each roll entry with its ballot."""
    box = vote.box
    if vote.secret or box is None:
        return []
    ballots = {b["tracker"]: b for b in box["ballots"]}
    rows = db.session.execute(
        sa.select(Person, RollEntry).join(RollEntry, RollEntry.person_id == Person.id)
        .where(RollEntry.vote_id == vote.id)
        .order_by(Person.last_name, Person.first_name, Person.id)).all()
    return [(person, entry, ballots.get(entry.open_tracker) if entry.open_tracker else None)
            for person, entry in rows]
