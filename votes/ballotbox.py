"""The published ballot box of a closed vote: `coopgov-ballot-box/1` (ballot-box-format.md).

Build a sealed document, read one with strict validation, and verify it: hashes, seal, ballots,
roll reconciliation, and a recount with `votes.rules.tally`, the same count as the web result.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from governance.rules import RuleError, fraction_str

from . import rules

FORMAT = "coopgov-ballot-box/1"
# Keys of `result` whose values are number strings, compared by value ("0.45" == "9/20").
NUMERIC_KEYS = {"required", "participation", "weight", "for", "against", "abstain", "expressed",
                "share_for", "threshold", "share", "p", "q"}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9]+/[0-9]+")


class MalformedBox(ValueError):
    """Not a valid `coopgov-ballot-box/1` document; the message says where and why."""


# ---------------------------------------------------------------------------------------------
# Hashes.

def canonical(value) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ballot_hash(vote_id: str, ballot: dict) -> str:
    """sha256 of the ballot's own values, as written in the document, with the vote's id."""
    return sha256_hex(canonical({"vote": vote_id, "tracker": ballot["tracker"],
                                 "college": ballot["college"], "weight": ballot["weight"],
                                 "choice": ballot["choice"]}))


def seal(ballots: list[dict], batches: list) -> str:
    """sha256 of the ballots' `hash` fields in document order, "\\n"-joined, "\\n", batches."""
    text = "\n".join(b["hash"] for b in ballots).encode("utf-8") + b"\n" + canonical(batches)
    return sha256_hex(text)


# ---------------------------------------------------------------------------------------------
# Numbers and JSON.

def parse_number(text, where: str = "number") -> Fraction:
    """Read "3", "0.3" or "3/10" exactly; anything else (signs, spaces, floats) is malformed."""
    if not isinstance(text, str) or not _NUMBER.fullmatch(text):
        raise MalformedBox(f'{where}: {_show(text)} is not a number string such as "3", "0.3" '
                           f'or "3/10"')
    try:
        return Fraction(text)
    except (ZeroDivisionError, ValueError) as err:
        raise MalformedBox(f"{where}: {_show(text)} is not a number ({err})") from None


def write_number(value, where: str = "number") -> str:
    """A Fraction, int or number string as written in a box: lowest terms, "3/10" or "3"."""
    if isinstance(value, Fraction) or (isinstance(value, int) and not isinstance(value, bool)):
        return fraction_str(Fraction(value))
    if isinstance(value, str):
        return fraction_str(parse_number(value, where))
    raise MalformedBox(f"{where}: {value!r} is not an exact number (Fraction, int or string)")


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _refuse_float(text: str):
    raise MalformedBox(f'bare JSON number {text}: numbers are strings, such as "3/10"')


def _refuse_constant(text: str):
    raise MalformedBox(f"{text} is not allowed in a ballot box")


def _unique_keys(pairs: list) -> dict:
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise MalformedBox(f"duplicate key {_show(key)} in an object")
        obj[key] = value
    return obj


def loads(data: str | bytes) -> dict:
    """Strict JSON: UTF-8, no duplicate keys, no bare fractional numbers, an object at the top."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise MalformedBox(f"not UTF-8 text ({err})") from None
    try:
        doc = json.loads(data, parse_float=_refuse_float, parse_constant=_refuse_constant,
                         object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise MalformedBox(f"not valid JSON: {err}") from None
    if not isinstance(doc, dict):
        raise MalformedBox("the document is not a JSON object")
    return doc


def dumps(doc: dict) -> str:
    """The published text of a box (indented; hashes do not depend on it)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Reading a document.

_KINDS = {str: "a string", bool: "true or false", list: "a list", dict: "an object",
          int: "an integer"}


def _path(where: str, key: str) -> str:
    return key if where == "document" else f"{where}.{key}"


def _get(obj: dict, key: str, kind: type, where: str, *, nullable: bool = False,
         optional: bool = False):
    """obj[key] of the given JSON type; `optional`: may be absent; `nullable`: may be null."""
    if key not in obj:
        if optional:
            return None
        raise MalformedBox(f"{where}: missing field {_show(key)}")
    value = obj[key]
    if value is None and nullable:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedBox(f"{_path(where, key)}: must be {_KINDS[kind]}"
                           f"{' or null' if nullable else ''}, not {_show(value)}")
    return value


def _number(obj: dict, key: str, where: str, *, low=None, high=None, above=None,
            nullable=False) -> Fraction | None:
    text = _get(obj, key, str, where, nullable=nullable)
    if text is None:
        return None
    value = parse_number(text, _path(where, key))
    if (low is not None and value < low) or (high is not None and value > high) or \
            (above is not None and value <= above):
        bounds = (f"more than {above}" if above is not None else f"at least {low}"
                  if high is None else f"between {low} and {high}")
        raise MalformedBox(f"{_path(where, key)}: {text} must be {bounds}")
    return value


def _items(obj: dict, key: str, where: str, *, optional: bool = False) -> list[dict]:
    items = _get(obj, key, list, where, optional=optional) or []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise MalformedBox(f"{_path(where, key)}[{i}]: must be an object, not {_show(item)}")
    return items


def _one_of(obj: dict, key: str, allowed: tuple, where: str, what: str) -> str:
    value = _get(obj, key, str, where)
    if value not in allowed:
        raise MalformedBox(f"{_path(where, key)}: unknown {what} {_show(value)} "
                           f"(expected one of {', '.join(allowed)})")
    return value


@dataclass(frozen=True)
class Box:
    """A parsed document: `poll` holds every entry as written, checked or not."""

    doc: dict
    vote_id: str
    poll: rules.Poll
    voters: tuple[str, ...]     # parallel to poll.roll
    trackers: tuple[str, ...]   # parallel to poll.ballots
    seal: str
    result: dict | None


def _parse_vote(vote: dict) -> tuple[str, rules.Poll]:
    w = "vote"
    vote_id = _get(vote, "id", str, w)
    for key in ("title", "cooperative"):
        _get(vote, key, str, w)
    _get(vote, "secret", bool, w)
    method = _one_of(vote, "method", rules.METHODS, w, "method")
    for key in ("opened_at", "closed_at"):
        try:
            datetime.fromisoformat(_get(vote, key, str, w))
        except ValueError:
            raise MalformedBox(f"{w}.{key}: {_show(vote[key])} is not an ISO 8601 time") from None
    options = []
    for i, option in enumerate(_items(vote, "options", w)):
        options.append(_get(option, "id", str, f"vote.options[{i}]"))
        _get(option, "label", str, f"vote.options[{i}]")
    if not options or len(set(options)) != len(options):
        raise MalformedBox("vote.options: option ids must be present and distinct")
    if method == "resolution" and set(options) != set(rules.RESOLUTION_OPTIONS):
        raise MalformedBox(f"vote.options: a resolution has the options for, against, abstain, "
                           f"not {', '.join(options)}")
    grades = _get(vote, "grades", list, w, optional=True, nullable=True)
    seats = _get(vote, "seats", int, w, optional=True, nullable=True)
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
    rule_doc = _get(vote, "rule", dict, w)
    w = "vote.rule"
    rule = rules.Rule(
        weighting=_one_of(rule_doc, "weighting", rules.WEIGHTINGS, w, "weighting"),
        counting=_one_of(rule_doc, "counting", rules.COUNTINGS, w, "counting mode"),
        threshold=_number(rule_doc, "threshold", w, low=0, high=1),
        strict=_get(rule_doc, "strict", bool, w),
        quorum=_number(rule_doc, "quorum", w, low=0, high=1, nullable=True),
        empty_college=_one_of(rule_doc, "empty_college", rules.EMPTY_COLLEGE_RULES, w,
                              "empty_college rule"))
    return vote_id, rules.Poll(method=method, rule=rule, options=tuple(options),
                               seats=seats or 1, grades=tuple(grades or ()))


def parse(doc: dict | str | bytes) -> Box:
    """Read a document (JSON text or already loaded), refusing anything outside the format."""
    if isinstance(doc, str | bytes):
        doc = loads(doc)
    if not isinstance(doc, dict):
        raise MalformedBox("the document is not a JSON object")
    fmt = _get(doc, "format", str, "document")
    if fmt != FORMAT:
        raise MalformedBox(f"format is {_show(fmt)}, expected {_show(FORMAT)}")
    vote_id, poll = _parse_vote(_get(doc, "vote", dict, "document"))
    colleges = []
    for i, c in enumerate(_items(doc, "colleges", "document")):
        colleges.append(rules.College(_get(c, "id", str, f"colleges[{i}]"),
                                      _number(c, "weight", f"colleges[{i}]", above=0)))
        _get(c, "name", str, f"colleges[{i}]")
    ids = [c.id for c in colleges]
    if len(set(ids)) != len(ids):
        raise MalformedBox("colleges: college ids must be distinct")
    if (poll.rule.weighting == "colleges") != bool(colleges):
        raise MalformedBox("colleges: must list the colleges when weighting is colleges, "
                           "and be [] when weighting is none")
    roll, voters = [], []
    for i, e in enumerate(_items(doc, "roll", "document")):
        w = f"roll[{i}]"
        voters.append(_get(e, "voter", str, w))
        roll.append(rules.RollEntry(_get(e, "college", str, w, nullable=True),
                                    _number(e, "weight", w, above=0),
                                    _get(e, "participating", bool, w), _get(e, "voted", bool, w)))
    ballots, trackers = [], []
    for i, b in enumerate(_items(doc, "ballots", "document")):
        w = f"ballots[{i}]"
        trackers.append(_get(b, "tracker", str, w))
        _get(b, "hash", str, w)
        if "choice" not in b:
            raise MalformedBox(f'{w}: missing field "choice"')
        ballots.append(rules.Ballot(_get(b, "college", str, w, nullable=True),
                                    _number(b, "weight", w, above=0), b["choice"]))
    batches = []
    for i, b in enumerate(_items(doc, "batches", "document", optional=True)):
        w = f"batches[{i}]"
        counts = _get(b, "counts", dict, w)
        batches.append(rules.Batch(_get(b, "college", str, w, nullable=True),
                                   {o: _number(counts, o, f"{w}.counts", low=0) for o in counts}))
    result = _get(doc, "result", dict, "document", optional=True, nullable=True)
    return Box(doc, vote_id, replace(poll, colleges=tuple(colleges), roll=tuple(roll),
                                     ballots=tuple(ballots), batches=tuple(batches)),
               tuple(voters), tuple(trackers), _get(doc, "seal", str, "document"), result)


# ---------------------------------------------------------------------------------------------
# Verifying.

def _label(college: str | None) -> str:
    return "the roll (no colleges)" if college is None else f"college {_show(college)}"


def verify(doc: dict | str | bytes) -> tuple[list[str], dict]:
    """Every problem found by the checks of "What votes verify checks", and the recount.

    Raises MalformedBox when the document is not of this format. The recount leaves out the
    ballots, batches and roll entries reported as problems (invalid, or of an unknown college).
    """
    box = parse(doc)
    poll, raw = box.poll, box.doc
    problems: list[str] = []
    known = [c.id for c in poll.colleges] or [None]

    # 1. hashes and seal
    for tracker, written in zip(box.trackers, raw["ballots"], strict=True):
        if ballot_hash(box.vote_id, written) != written["hash"]:
            problems.append(f"ballot {tracker}: hash does not match its content")
    if seal(raw["ballots"], raw.get("batches", [])) != box.seal:
        problems.append("seal does not match the ballots and batches")
    if list(box.trackers) != sorted(box.trackers):
        problems.append("ballots are not sorted by tracker")
    for tracker, n in Counter(box.trackers).items():
        if n > 1:
            problems.append(f"tracker {tracker} appears {n} times")

    # 2. ballots and batches valid for the method, in a known college
    ballots, batches, roll = [], [], []
    for tracker, ballot in zip(box.trackers, poll.ballots, strict=True):
        why = (f"unknown college {_show(ballot.college)}" if ballot.college not in known
               else rules.ballot_error(poll, ballot.choice))
        if why:
            problems.append(f"ballot {tracker}: {why}")
        else:
            ballots.append(ballot)
    for i, batch in enumerate(poll.batches):
        why = (f"unknown college {_show(batch.college)}" if batch.college not in known
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
            problems.append(f"roll entry {voter}: unknown college {_show(entry.college)}")
            continue
        if entry.voted and not entry.participating:
            problems.append(f"roll entry {voter}: voted without participating")
        roll.append(entry)
    cast, voted = defaultdict(Fraction), defaultdict(Fraction)
    n_ballots, n_voted = Counter(b.college for b in poll.ballots), Counter()
    for b in poll.ballots:
        cast[b.college] += b.weight
    for batch in poll.batches:
        cast[batch.college] += sum(batch.counts.values(), Fraction(0))
    for e in roll:
        if e.voted:
            voted[e.college] += e.weight
            n_voted[e.college] += 1
    for c in known:
        if cast[c] != voted[c]:
            problems.append(f"{_label(c)}: ballots and batches weigh {fraction_str(cast[c])}, "
                            f"roll entries marked voted weigh {fraction_str(voted[c])}")
        if n_ballots[c] > n_voted[c]:
            problems.append(f"{_label(c)}: {n_ballots[c]} ballots for {n_voted[c]} roll "
                            f"entries marked voted")

    # 4. the recount, with the same rules as the web result
    try:
        recount = rules.tally(replace(poll, roll=tuple(roll), ballots=tuple(ballots),
                                      batches=tuple(batches))).as_json()
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
                                f"(recomputed {_show(value)})")
            else:
                _compare(f"{path}.{k}", k, announced[k], value, problems)
        for k in [k for k in announced if k not in recomputed]:
            problems.append(f"{path}.{k}: announced {_show(announced[k])}, not part of a result")
    elif isinstance(announced, list) and isinstance(recomputed, list) and \
            (len(announced) == len(recomputed) or any(isinstance(v, dict) for v in recomputed)):
        if len(announced) != len(recomputed):
            problems.append(f"{path}: announced {len(announced)} entries, "
                            f"recomputed {len(recomputed)}")
        for i, (a, r) in enumerate(zip(announced, recomputed, strict=False)):
            _compare(f"{path}[{i}]", key, a, r, problems)
    elif not _same(key, announced, recomputed):
        problems.append(f"{path}: announced {_show(announced)}, recomputed {_show(recomputed)}")


# ---------------------------------------------------------------------------------------------
# Building a document.

def _when(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else value


def build(vote: dict, colleges: list[dict], roll: list[dict], ballots: list[dict],
          batches: list[dict] = (), *, strict: bool = True, result: dict | None = None) -> dict:
    """A sealed document with its result, from plain data in the document's shape.

    Numbers may be Fraction, int or number strings; ballots are sorted by tracker, hashed and
    sealed. The result is `result` when given (`verify` then recounts and compares it), else
    the recount of `verify`. With `strict`, a box that would not verify raises MalformedBox
    instead of being returned.
    """
    rule = vote["rule"]
    quorum = rule.get("quorum")
    doc_vote = {
        "id": vote["id"], "title": vote["title"], "cooperative": vote["cooperative"],
        "method": vote["method"], "secret": vote["secret"],
        "options": [{"id": o["id"], "label": o["label"]} for o in vote["options"]]}
    if vote["method"] == "majority_judgment":
        doc_vote["grades"] = list(vote["grades"])
    if vote["method"] == "approval":
        doc_vote["seats"] = vote["seats"]
    doc_vote |= {
        "rule": {"weighting": rule["weighting"], "counting": rule["counting"],
                 "threshold": write_number(rule["threshold"], "vote.rule.threshold"),
                 "strict": rule["strict"],
                 "quorum": None if quorum is None else write_number(quorum, "vote.rule.quorum"),
                 "empty_college": rule.get("empty_college", "redistribute")},
        "opened_at": _when(vote["opened_at"]), "closed_at": _when(vote["closed_at"])}
    doc_ballots = []
    for b in sorted(ballots, key=lambda b: b["tracker"]):
        ballot = {"tracker": b["tracker"], "college": b.get("college"),
                  "weight": write_number(b.get("weight", 1), "ballot weight"),
                  "choice": b["choice"]}
        ballot["hash"] = ballot_hash(vote["id"], ballot)
        doc_ballots.append(ballot)
    doc_batches = [{"college": b.get("college"),
                    "counts": {o: write_number(n, "batch count") for o, n in b["counts"].items()}}
                   for b in batches]
    doc = {
        "format": FORMAT, "vote": doc_vote,
        "colleges": [{"id": c["id"], "name": c["name"],
                      "weight": write_number(c["weight"], "college weight")} for c in colleges],
        "roll": [{"voter": e["voter"], "college": e.get("college"),
                  "weight": write_number(e.get("weight", 1), "roll weight"),
                  "participating": e["participating"], "voted": e["voted"]} for e in roll],
        "ballots": doc_ballots, "batches": doc_batches,
        "seal": seal(doc_ballots, doc_batches)}
    if result is not None:
        doc["result"] = result
    problems, recount = verify(doc)
    if strict and problems:
        raise MalformedBox("the ballot box would not verify: " + "; ".join(problems))
    doc["result"] = result if result is not None else recount
    return doc
