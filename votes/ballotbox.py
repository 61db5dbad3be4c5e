"""The published ballot box of a closed vote (docs/ballot-box-format.md).

`coopgov-ballot-box/2` is what the close of a vote in clear seals: the vote's header and rule,
its colleges and its roll, fingerprinted at opening; the ballots, batches and announced result;
a seal over the whole document. `coopgov-ballot-box/3` is its encrypted version: the bureau's
keys are fingerprinted too, the ballots are encrypted, and the box holds each college's tally
with its decryption by the bureau (votes/encryptedbox.py). `coopgov-ballot-box/1` (seal over
ballots and batches only) is still read and verified, for the boxes sealed before. Build a
sealed document, read one with strict validation, and verify it: hashes, fingerprint, seal,
ballots, roll reconciliation, and a recount with `votes.rules.tally`, the same count as the
web result.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from json.encoder import encode_basestring

from governance.rules import RuleError, fraction_str

from . import encryptedbox, rules
from .boxjson import (  # noqa: F401 - part of this module's interface
    MalformedBox,
    Raw,
    canonical,
    dumps,
    field,
    is_canonical_text,
    items,
    loads,
    number_field,
    one_of,
    parse_number,
    path_of,
    sha256_hex,
    show,
    write_number,
)

FORMAT = "coopgov-ballot-box/2"
FORMAT_V1 = "coopgov-ballot-box/1"
FORMAT_V3 = "coopgov-ballot-box/3"  # encrypted ballots (votes/encryptedbox.py)
FORMATS = (FORMAT_V1, FORMAT, FORMAT_V3)
ENCRYPTED_PARTS = ("encryption", "tally", "decryptions")
# Keys of `result` whose values are number strings, compared by value ("0.45" == "9/20").
NUMERIC_KEYS = {"required", "participation", "weight", "for", "against", "abstain", "expressed",
                "share_for", "threshold", "share", "p", "q"}
OPENING_PARTS = {
    "vote": "vote: the header or the rule (title, options, threshold, quorum, counting…) is not "
            "the one fingerprinted at opening",
    "colleges": "colleges: the colleges or their weights are not those fingerprinted at opening",
    "roll": "roll: the voters on the roll, their colleges or weights are not those "
            "fingerprinted at opening",
    "encryption": "encryption: the bureau's keys are not those fingerprinted at opening",
}


# ---------------------------------------------------------------------------------------------
# Hashes.

def ballot_hash(vote_id: str, ballot: dict) -> str:
    """sha256 of the ballot's own values, as written in the document, with the vote's id."""
    return sha256_hex(canonical({"vote": vote_id, "tracker": ballot["tracker"],
                                 "college": ballot["college"], "weight": ballot["weight"],
                                 "choice": ballot["choice"]}))


def seal_v1(ballots: list[dict], batches: list) -> str:
    """Format 1: sha256 of the ballots' hashes in document order, "\\n"-joined, "\\n", batches."""
    text = "\n".join(b["hash"] for b in ballots).encode("utf-8") + b"\n" + canonical(batches)
    return sha256_hex(text)


def seal(doc: dict) -> str:
    """Format 2: sha256 of the whole document but its `seal`."""
    return sha256_hex(canonical({k: v for k, v in doc.items() if k != "seal"}))


def _opening_hashes(vote: dict, colleges: list, roll: list, encryption: dict | None = None
                    ) -> dict:
    """The hashes of the parts fixed at opening, as written, and the fingerprint over them
    (format 3: the bureau's keys too)."""
    at_opening = sorted(({"voter": e["voter"], "college": e["college"], "weight": e["weight"]}
                         for e in roll), key=lambda e: e["voter"])
    parts = {"vote": sha256_hex(canonical(vote)), "colleges": sha256_hex(canonical(colleges)),
             "roll": sha256_hex(canonical(at_opening))}
    if encryption is not None:
        parts["encryption"] = sha256_hex(canonical(encryption))
    return parts | {"fingerprint": sha256_hex(canonical(parts))}


def opening(vote: dict, colleges: list[dict], roll: list[dict],
            encryption: dict | None = None) -> dict:
    """The `opening` object of a vote as it opens: the hashes of its header and rule, its
    colleges, its roll and the bureau's keys of an encrypted vote, and its fingerprint
    (published then, checked by `verify`)."""
    return _opening_hashes(_header(vote), _colleges(colleges), _roll(roll), encryption)


# ---------------------------------------------------------------------------------------------
# Writing the parts of a document (numbers in lowest terms, fields in the format's order).

def _when(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _header(vote: dict) -> dict:
    rule = vote["rule"]
    quorum = rule.get("quorum")
    doc = {"id": vote["id"], "title": vote["title"], "cooperative": vote["cooperative"],
           "method": vote["method"], "secret": vote["secret"],
           "options": [{"id": o["id"], "label": o["label"]} for o in vote["options"]]}
    if vote["method"] == "majority_judgment":
        doc["grades"] = list(vote["grades"])
    if vote["method"] == "approval":
        doc["seats"] = vote["seats"]
    doc["rule"] = {"weighting": rule["weighting"], "counting": rule["counting"],
                   "threshold": write_number(rule["threshold"], "vote.rule.threshold"),
                   "strict": rule["strict"],
                   "quorum": None if quorum is None else write_number(quorum, "vote.rule.quorum")}
    second = rule.get("quorum_second_call")
    doc["rule"]["quorum_second_call"] = None if second is None else write_number(
        second, "vote.rule.quorum_second_call")
    doc["rule"]["empty_college"] = rule.get("empty_college", "redistribute")
    doc["opened_at"] = _when(vote["opened_at"])
    return doc


def _colleges(colleges: list[dict]) -> list[dict]:
    return [{"id": c["id"], "name": c["name"], "weight": write_number(c["weight"],
                                                                       "college weight")}
            for c in colleges]


def _roll(roll: list[dict]) -> list[dict]:
    return [{"voter": e["voter"], "college": e.get("college"),
             "weight": write_number(e.get("weight", 1), "roll weight"),
             "participating": e.get("participating", False), "voted": e.get("voted", False)}
            for e in sorted(roll, key=lambda e: e["voter"])]


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
    recomputed = _opening_hashes(raw["vote"], raw["colleges"], raw["roll"],
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



# ---------------------------------------------------------------------------------------------
# Building a document.

def build(vote: dict, colleges: list[dict], roll: list[dict], ballots: list[dict],
          batches: list[dict] = (), *, call: int = 1, closed_at=None,
          result: dict | None = None, fingerprint: str | None = None,
          strict: bool = True, encrypted: dict | None = None, text: bool = False):
    """A sealed `coopgov-ballot-box/2` document, from plain data in the document's shape
    (`coopgov-ballot-box/3` with `encrypted`: its encryption, tally and decryptions).

    Numbers may be Fraction, int or number strings; the roll is sorted by voter, the ballots by
    tracker, hashed (a ballot's `hash`, when given, is the one computed as it was cast); the
    opening's hashes are computed and the whole sealed. The result is `result` when given
    (`verify` then recounts and compares it), else the recount. A ballot's choice may be
    `Raw` canonical text, with its hash (an encrypted ballot as stored at cast): it is spliced
    into the sealed bytes, never parsed, and stays `Raw` in the returned document.
    `closed_at` defaults to `vote["closed_at"]`. With `strict`, a box that would not verify,
    or whose fingerprint is not `fingerprint` (taken at opening), raises MalformedBox.
    With `text`, returns the document and its published text (`dumps`), written from the
    bytes its seal hashed instead of encoded again.
    """
    doc_vote, doc_colleges, doc_roll = _header(vote), _colleges(colleges), _roll(roll)
    doc_ballots = []
    for b in sorted(ballots, key=lambda b: b["tracker"]):
        ballot = {"tracker": b["tracker"], "college": b.get("college"),
                  "weight": write_number(b.get("weight", 1), "ballot weight"),
                  "choice": b["choice"]}
        if isinstance(b["choice"], Raw) and (not b.get("hash") or result is None):
            raise ValueError("a spliced choice comes with its hash and the result, computed "
                             "by the server (its box is checked as `trusted`)")
        ballot["hash"] = b.get("hash") or ballot_hash(vote["id"], ballot)
        doc_ballots.append(ballot)
    encryption = encrypted["encryption"] if encrypted else None
    doc = {"format": FORMAT_V3 if encrypted else FORMAT, "vote": doc_vote,
           "colleges": doc_colleges, "roll": doc_roll}
    if encrypted:
        doc["encryption"] = encryption
    doc |= {"opening": _opening_hashes(doc_vote, doc_colleges, doc_roll, encryption),
            "call": call, "closed_at": _when(closed_at or vote["closed_at"]),
            "ballots": doc_ballots}
    if encrypted:
        doc |= {"tally": encrypted["tally"], "decryptions": encrypted["decryptions"]}
    doc |= {"batches": [{"college": b.get("college"),
                         "counts": {o: write_number(n, "batch count")
                                    for o, n in b["counts"].items()}} for b in batches],
            "result": result or {}}
    if result is None:
        doc["seal"] = seal(doc)
        doc["result"] = verify(doc)[1]
    body = _body(doc)
    doc["seal"] = sha256_hex(body.encode("utf-8"))  # seal(doc), its text kept to publish
    problems = verify(doc, fingerprint=fingerprint, trusted=True)[0]
    if strict and problems:
        raise MalformedBox("the ballot box would not verify: " + "; ".join(problems))
    return (doc, dumps(doc, body)) if text else doc


def _body(doc: dict) -> str:
    """The canonical text of the document but its seal, each ballot's `Raw` choice spliced
    as stored (the keys sort as `ballots` first, and `choice` first in a ballot)."""
    whole = {k: v for k, v in doc.items() if k != "seal"}
    if not any(isinstance(b["choice"], Raw) for b in doc["ballots"]):
        return canonical(whole).decode("utf-8")
    rest = canonical({k: v for k, v in whole.items() if k != "ballots"}).decode("utf-8")
    if min(whole) != "ballots" or rest == "{}":
        raise ValueError("ballots must sort first in a document")
    string = encode_basestring
    texts = [f'{{"choice":{_choice_text(b["choice"])},"college":'
             f'{"null" if b["college"] is None else string(b["college"])},'
             f'"hash":{string(b["hash"])},"tracker":{string(b["tracker"])},'
             f'"weight":{string(b["weight"])}}}' for b in doc["ballots"]]
    return '{"ballots":[' + ",".join(texts) + "]," + rest[1:]


def _choice_text(choice) -> str:
    return choice.text if isinstance(choice, Raw) else canonical(choice).decode("utf-8")
