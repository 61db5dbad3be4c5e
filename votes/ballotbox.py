"""The published ballot box of a closed vote (docs/ballot-box-format.md).

`coopgov-ballot-box/2` is what the close of a vote in clear seals: the vote's header and rule,
its colleges and its roll, fingerprinted at opening; the ballots, batches and announced result;
a seal over the whole document. `coopgov-ballot-box/3` is its encrypted version: the bureau's
keys are fingerprinted too, the ballots are encrypted, and the box holds each college's tally
with its decryption by the bureau (votes/encryptedbox.py). `coopgov-ballot-box/1` (seal over
ballots and batches only) is still read and verified, for the boxes sealed before. Read a
sealed document (written by `boxbuild`) with strict validation, and verify it: hashes,
fingerprint, seal, ballots, roll reconciliation, and a recount with `votes.rules.tally`, the
same count as the web result.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from governance.rules import RuleError, fraction_str

from . import encryptedbox, rules
from .boxjson import (
    MalformedBox,
    canonical,
    field,
    items,
    loads,
    number_field,
    one_of,
    parse_number,
    path_of,
    sha256_hex,
    show,
)
from .boxseal import (
    FORMATS,
    OPENING_PARTS,
    ballot_hash,
    opening_hashes,
    seal,
    seal_v1,
)

# Keys of `result` whose values are number strings, compared by value ("0.45" == "9/20").
NUMERIC_KEYS = {"required", "participation", "weight", "for", "against", "abstain", "expressed",
                "share_for", "threshold", "share", "p", "q"}

# ---------------------------------------------------------------------------------------------
# Reading a document.

@dataclass(frozen=True)
class Box:
    """A parsed document: `poll` holds every entry as written, checked or not; its quorum is
    the one of the box's call."""

    doc: dict
    version: int
    vote_id: str
    poll: rules.Poll
    voters: tuple[str, ...]     # parallel to poll.roll
    trackers: tuple[str, ...]   # parallel to poll.ballots
    seal: str
    result: dict | None


def _time(obj: dict, key: str, where: str) -> None:
    try:
        datetime.fromisoformat(field(obj, key, str, where))
    except ValueError:
        raise MalformedBox(f"{path_of(where, key)}: {show(obj[key])} is not an ISO 8601 "
                           f"time") from None


def _parse_vote(vote: dict, version: int, call: int) -> tuple[str, rules.Poll]:
    w = "vote"
    vote_id = field(vote, "id", str, w)
    for key in ("title", "cooperative"):
        field(vote, key, str, w)
    field(vote, "secret", bool, w)
    method = one_of(vote, "method", rules.METHODS, w, "method")
    for key in ("opened_at", "closed_at") if version == 1 else ("opened_at",):
        _time(vote, key, w)
    options = []
    for i, option in enumerate(items(vote, "options", w)):
        options.append(field(option, "id", str, f"vote.options[{i}]"))
        field(option, "label", str, f"vote.options[{i}]")
    if not options or len(set(options)) != len(options):
        raise MalformedBox("vote.options: option ids must be present and distinct")
    if method == "resolution" and set(options) != set(rules.RESOLUTION_OPTIONS):
        raise MalformedBox(f"vote.options: a resolution has the options for, against, abstain, "
                           f"not {', '.join(options)}")
    grades = field(vote, "grades", list, w, optional=True, nullable=True)
    seats = field(vote, "seats", int, w, optional=True, nullable=True)
    if method == "majority_judgment":
        if not grades or any(not isinstance(g, str) for g in grades) or \
                len(set(grades)) != len(grades):
            raise MalformedBox("vote.grades: a majority judgment needs a list of distinct grades")
    elif grades is not None:
        raise MalformedBox("vote.grades: only for majority_judgment")
    if method == "approval":
        if seats is None or seats < 1:
            raise MalformedBox("vote.seats: an approval vote needs a number of seats, at least 1")
    elif seats is not None:
        raise MalformedBox("vote.seats: only for approval")
    rule_doc = field(vote, "rule", dict, w)
    w = "vote.rule"
    quorum = number_field(rule_doc, "quorum", w, low=0, high=1, nullable=True)
    if version > 1:
        second = number_field(rule_doc, "quorum_second_call", w, low=0, high=1, nullable=True)
        quorum = quorum if call == 1 else second
    rule = rules.Rule(
        weighting=one_of(rule_doc, "weighting", rules.WEIGHTINGS, w, "weighting"),
        counting=one_of(rule_doc, "counting", rules.COUNTINGS, w, "counting mode"),
        threshold=number_field(rule_doc, "threshold", w, low=0, high=1),
        strict=field(rule_doc, "strict", bool, w), quorum=quorum,
        empty_college=one_of(rule_doc, "empty_college", rules.EMPTY_COLLEGE_RULES, w,
                             "empty_college rule"))
    return vote_id, rules.Poll(method=method, rule=rule, options=tuple(options),
                               seats=seats or 1, grades=tuple(grades or ()))


def _parse_closing(doc: dict, version: int) -> int:
    """Format 2's fields of the opening and the close (format 3: and the encrypted parts);
    returns the call."""
    opened = field(doc, "opening", dict, "document")
    for key in ("vote", "colleges", "roll", "fingerprint") + (
            ("encryption",) if version == 3 else ()):
        field(opened, key, str, "opening")
    if version == 3:
        field(doc, "encryption", dict, "document")
        items(doc, "tally", "document")
        items(doc, "decryptions", "document")
    call = field(doc, "call", int, "document")
    if call not in (1, 2):
        raise MalformedBox(f"call: must be 1 or 2, not {call}")
    _time(doc, "closed_at", "document")
    field(doc, "result", dict, "document")
    return call


def _parse_ballot(b: dict, w: str) -> tuple[str, rules.Ballot]:
    """A ballot's tracker and content, or MalformedBox saying which field is wrong."""
    tracker = field(b, "tracker", str, w)
    field(b, "hash", str, w)
    if "choice" not in b:
        raise MalformedBox(f'{w}: missing field "choice"')
    return tracker, rules.Ballot(field(b, "college", str, w, nullable=True),
                                 number_field(b, "weight", w, above=0), b["choice"])


def _well_formed(b) -> tuple[str, rules.Ballot] | None:
    """`_parse_ballot` of a ballot whose fields all have their types (the usual case, read
    ~4× faster: a box holds up to 100,000 ballots), else None to let it say what is wrong."""
    if type(b) is not dict or "choice" not in b or type(b.get("hash")) is not str:
        return None
    tracker, college, weight = b.get("tracker"), b.get("college", 0), b.get("weight")
    if type(tracker) is not str or (college is not None and type(college) is not str) or \
            type(weight) is not str:
        return None
    try:
        value = parse_number(weight)
    except MalformedBox:
        return None
    return (tracker, rules.Ballot(college, value, b["choice"])) if value > 0 else None


def parse(doc: dict | str | bytes) -> Box:
    """Read a document (JSON text or already loaded), refusing anything outside the format."""
    if isinstance(doc, str | bytes):
        doc = loads(doc)
    if not isinstance(doc, dict):
        raise MalformedBox("the document is not a JSON object")
    fmt = field(doc, "format", str, "document")
    if fmt not in FORMATS:
        raise MalformedBox(f"format is {show(fmt)}, expected one of "
                           f"{', '.join(show(f) for f in reversed(FORMATS))}")
    version = FORMATS.index(fmt) + 1
    call = _parse_closing(doc, version) if version > 1 else 1
    vote_id, poll = _parse_vote(field(doc, "vote", dict, "document"), version, call)
    colleges = []
    for i, c in enumerate(items(doc, "colleges", "document")):
        colleges.append(rules.College(field(c, "id", str, f"colleges[{i}]"),
                                      number_field(c, "weight", f"colleges[{i}]", above=0)))
        field(c, "name", str, f"colleges[{i}]")
    ids = [c.id for c in colleges]
    if len(set(ids)) != len(ids):
        raise MalformedBox("colleges: college ids must be distinct")
    if (poll.rule.weighting == "colleges") != bool(colleges):
        raise MalformedBox("colleges: must list the colleges when weighting is colleges, "
                           "and be [] when weighting is none")
    roll, voters = [], []
    for i, e in enumerate(items(doc, "roll", "document")):
        w = f"roll[{i}]"
        voters.append(field(e, "voter", str, w))
        roll.append(rules.RollEntry(field(e, "college", str, w, nullable=True),
                                    number_field(e, "weight", w, above=0),
                                    field(e, "participating", bool, w),
                                    field(e, "voted", bool, w)))
    ballots, trackers = [], []
    for i, b in enumerate(items(doc, "ballots", "document")):
        tracker, ballot = _well_formed(b) or _parse_ballot(b, f"ballots[{i}]")
        trackers.append(tracker)
        ballots.append(ballot)
    batches = []
    for i, b in enumerate(items(doc, "batches", "document", optional=version == 1)):
        w = f"batches[{i}]"
        counts = field(b, "counts", dict, w)
        batches.append(rules.Batch(field(b, "college", str, w, nullable=True),
                                   {o: number_field(counts, o, f"{w}.counts", low=0)
                                    for o in counts}))
    result = field(doc, "result", dict, "document", optional=True, nullable=True)
    return Box(doc, version, vote_id,
               replace(poll, colleges=tuple(colleges), roll=tuple(roll), ballots=tuple(ballots),
                       batches=tuple(batches)),
               tuple(voters), tuple(trackers), field(doc, "seal", str, "document"), result)


# ---------------------------------------------------------------------------------------------
# Verifying.

def _label(college: str | None) -> str:
    return "the roll (no colleges)" if college is None else f"college {show(college)}"


def _seal_problems(box: Box, fingerprint: str | None, trusted: bool = False) -> list[str]:
    """Format 2: the opening's parts against the document, the seal over it, and the
    fingerprint published at opening when given; format 1: the seal over ballots and batches."""
    raw = box.doc
    if box.version == 1:
        if seal_v1(raw["ballots"], raw.get("batches", [])) != box.seal:
            return ["seal does not match the ballots and batches"]
        return ["a box of format 1 has no fingerprint to compare"] if fingerprint else []
    problems = []
    written = raw["opening"]
    recomputed = opening_hashes(raw["vote"], raw["colleges"], raw["roll"],
                                 raw["encryption"] if box.version == 3 else None)
    problems += [why for part, why in OPENING_PARTS.items()
                 if part in recomputed and recomputed[part] != written[part]]
    parts = {k: written[k] for k in OPENING_PARTS if k in recomputed}
    if sha256_hex(canonical(parts)) != written["fingerprint"]:
        problems.append("opening.fingerprint does not match the hashes of its parts")
    if not trusted and seal(raw) != box.seal:
        problems.append("seal does not match the document: its vote, roll, ballots, batches or "
                        "result changed after the close")
    if fingerprint is not None and fingerprint.strip().lower() != written["fingerprint"]:
        problems.append(f"opening.fingerprint {written['fingerprint']} is not the fingerprint "
                        f"published when the vote opened ({fingerprint.strip()}): this is not "
                        f"the vote that was opened")
    return problems


def verify(doc: dict | str | bytes, *, fingerprint: str | None = None,
           trusted: bool = False) -> tuple[list[str], dict]:
    """Every problem found by the checks of "What votes verify checks", and the recount.

    `trusted`: `build` checking the box it just made skips what it computed itself (the
    ballots' hashes, the seal) and what the server checked as the ballots came and went (an
    encrypted ballot's proofs and tracker, the tally summed at the close).
    `fingerprint` is the one published when the vote opened, if the caller has it. Raises
    MalformedBox when the document is not of this format. The recount leaves out the ballots,
    batches and roll entries reported as problems (invalid, or of an unknown college).
    """
    box = parse(doc)
    poll, raw = box.poll, box.doc
    known = [c.id for c in poll.colleges] or [None]

    # 1. hashes, fingerprint and seal (`trusted`: the hashes and seal were just computed)
    problems = _seal_problems(box, fingerprint, trusted)
    for tracker, written in zip(box.trackers, raw["ballots"], strict=True):
        if not trusted and ballot_hash(box.vote_id, written) != written["hash"]:
            problems.append(f"ballot {tracker}: hash does not match its content")
    if list(box.trackers) != sorted(box.trackers):
        problems.append("ballots are not sorted by tracker")
    for tracker, n in Counter(box.trackers).items():
        if n > 1:
            problems.append(f"tracker {tracker} appears {n} times")

    # 2. ballots and batches valid for the method, in a known college; encrypted ballots
    # proved so, their tally, its decryption
    ballots, batches, roll, totals = [], [], [], ()
    if box.version == 3:
        found, totals = encryptedbox.check(raw, box.vote_id, poll, known, trusted=trusted)
        problems += found
    for tracker, ballot in zip(box.trackers, poll.ballots, strict=True):
        why = (f"unknown college {show(ballot.college)}" if ballot.college not in known
               else None if box.version == 3 else rules.ballot_error(poll, ballot.choice))
        if why:
            problems.append(f"ballot {tracker}: {why}")
        else:
            ballots.append(ballot)
    for i, batch in enumerate(poll.batches):
        why = (f"unknown college {show(batch.college)}" if batch.college not in known
               else rules.batch_error(poll, batch.counts))
        if why:
            where = "" if batch.college is None else f" ({_label(batch.college)})"
            problems.append(f"batch {i + 1}{where}: {why}")
        else:
            batches.append(batch)

    # 3. the roll, and per college: ballots and batches = roll entries marked voted
    for voter, n in Counter(box.voters).items():
        if n > 1:
            problems.append(f"voter {voter} appears {n} times in the roll")
    for voter, entry in zip(box.voters, poll.roll, strict=True):
        if entry.college not in known:
            problems.append(f"roll entry {voter}: unknown college {show(entry.college)}")
            continue
        if entry.voted and not entry.participating:
            problems.append(f"roll entry {voter}: voted without participating")
        roll.append(entry)
    cast, voted = defaultdict(Fraction), defaultdict(Fraction)
    n_ballots, n_voted = Counter(b.college for b in poll.ballots), Counter()
    for (college, weight), n in Counter((b.college, b.weight) for b in poll.ballots).items():
        cast[college] += weight * n  # a box repeats few weights: summed once per weight
    for batch in poll.batches:
        cast[batch.college] += sum(batch.counts.values(), Fraction(0))
    for (college, weight), n in Counter((e.college, e.weight) for e in roll if e.voted).items():
        voted[college] += weight * n
        n_voted[college] += n
    for c in known:
        if cast[c] != voted[c]:
            problems.append(f"{_label(c)}: ballots and batches weigh {fraction_str(cast[c])}, "
                            f"roll entries marked voted weigh {fraction_str(voted[c])}")
        if n_ballots[c] > n_voted[c]:
            problems.append(f"{_label(c)}: {n_ballots[c]} ballots for {n_voted[c]} roll "
                            f"entries marked voted")

    # 4. the recount, with the same rules as the web result
    try:
        recount = rules.tally(replace(
            poll, roll=tuple(roll), ballots=() if box.version == 3 else tuple(ballots),
            batches=tuple(batches), totals=totals)).as_json()
    except RuleError as err:  # pragma: no cover - parse and the filters above exclude it
        raise MalformedBox(f"cannot be counted: {err}") from None
    if box.result is not None:
        _compare("result", None, box.result, recount, problems)
    return problems, recount


def _same(key: str | None, announced, recomputed) -> bool:
    if key in NUMERIC_KEYS and isinstance(announced, str) and isinstance(recomputed, str):
        try:
            return parse_number(announced) == parse_number(recomputed)
        except MalformedBox:
            return False
    return type(announced) is type(recomputed) and announced == recomputed


def _compare(path: str, key: str | None, announced, recomputed, problems: list[str]) -> None:
    """Append one problem per field where the announced result differs from the recount."""
    if isinstance(announced, dict) and isinstance(recomputed, dict):
        for k, value in recomputed.items():
            if k not in announced:
                problems.append(f"{path}.{k}: missing from the announced result "
                                f"(recomputed {show(value)})")
            else:
                _compare(f"{path}.{k}", k, announced[k], value, problems)
        for k in [k for k in announced if k not in recomputed]:
            problems.append(f"{path}.{k}: announced {show(announced[k])}, not part of a result")
    elif isinstance(announced, list) and isinstance(recomputed, list) and \
            (len(announced) == len(recomputed) or any(isinstance(v, dict) for v in recomputed)):
        if len(announced) != len(recomputed):
            problems.append(f"{path}: announced {len(announced)} entries, "
                            f"recomputed {len(recomputed)}")
        for i, (a, r) in enumerate(zip(announced, recomputed, strict=False)):
            _compare(f"{path}[{i}]", key, a, r, problems)
    elif not _same(key, announced, recomputed):
        problems.append(f"{path}: announced {show(announced)}, recomputed {show(recomputed)}")


