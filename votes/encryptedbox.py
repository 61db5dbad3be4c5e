"""The encrypted parts of a `coopgov-ballot-box/3` document (docs/ballot-box-format.md): the
bureau's keys, the encrypted ballots, each college's tally, the holders' partial decryptions and
the decrypted counts. `check` verifies them all and gives the totals the rules recount."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

from . import rules
from .boxjson import MalformedBox, canonical, field, items, show, write_number
from .crypto import ballots as crypto_ballots
from .crypto import elgamal, proofs, tally, threshold
from .crypto import group as g

GROUP = "edwards25519"
TRACKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
HOLDER_FIELDS = ("position", "encryption_key", "key_proof", "commitments", "commitment_proof",
                 "shares", "verification_key", "confirmation")


# ---------------------------------------------------------------------------------------------
# Names: contexts of the hashes, trackers, the ballot's shape.

def ceremony_context(vote_id: str, what: str, position: int | None = None) -> str:
    """The context of a ceremony's hashes: the vote, the holder, the step."""
    return f"{vote_id}/ceremony" + (f"/holder-{position}" if position else "") + f"/{what}"


def ballot_context(vote_id: str) -> str:
    return f"{vote_id}/ballot"


def tally_context(vote_id: str, college: str | None) -> str:
    return f"{vote_id}/tally/" + ("-" if college is None else college)


def tracker_of(vote_id: str, choice) -> str:
    """The tracking code of an encrypted ballot: 60 bits of the sha256 of the vote's id and the
    ballot, as `K7QM-2XDP-9RTW`. The same ballot cast twice has the same code (refused)."""
    n = int.from_bytes(hashlib.sha256(canonical({"vote": vote_id, "ballot": choice}))
                       .digest()[:8], "big") >> 4
    raw = "".join(TRACKER_ALPHABET[(n >> (5 * i)) & 31] for i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def shape_of(poll: rules.Poll) -> crypto_ballots.Shape:
    return crypto_ballots.shape(poll.method, len(poll.options), poll.seats, len(poll.grades))


def poll_of_header(vote: dict, colleges: list[dict]) -> rules.Poll:
    """What the encrypted parts need of a vote's header: its method, options and colleges."""
    return rules.Poll(vote["method"], rules.Rule(weighting=vote["rule"]["weighting"]),
                      tuple(o["id"] for o in vote["options"]),
                      tuple(rules.College(c["id"], Fraction(c["weight"])) for c in colleges),
                      seats=vote.get("seats") or 1, grades=tuple(vote.get("grades") or ()))


def check_ballot(vote_id: str, y: bytes, poll: rules.Poll, choice) -> list:
    """The ciphertexts of an encrypted ballot whose proofs hold; BadBallot otherwise."""
    return crypto_ballots.check(ballot_context(vote_id), y, shape_of(poll), choice)


def encrypt(vote_id: str, y: bytes, poll: rules.Poll, choice, rng: g.Rng) -> dict:
    """`choice` encrypted with its proofs, as a voter's browser does (static/js/ballot.js)."""
    return crypto_ballots.encrypt(
        ballot_context(vote_id), y, shape_of(poll),
        crypto_ballots.plain(poll.method, list(poll.options), list(poll.grades), choice), rng)


def ciphertexts(choice) -> bytes:
    """The ciphertexts of a ballot already checked (when it was cast), as the tally reads them:
    α‖β of each choice, in order; no point validated again."""
    return bytes.fromhex("".join(c["alpha"] + c["beta"] for answer in choice["answers"]
                                 for c in answer["choices"]))


def blob(cts: list[list[elgamal.Ciphertext]]) -> bytes:
    """A checked ballot's ciphertexts as the tally reads them (see `ciphertexts`)."""
    return b"".join(c.alpha + c.beta for row in cts for c in row)


# ---------------------------------------------------------------------------------------------
# The bureau's keys.

@dataclass(frozen=True)
class Bureau:
    k: int
    y: bytes
    keys: dict[int, bytes]  # position → verification key V_j


def _proof(doc: dict, key: str, where: str) -> proofs.Proof:
    return proofs.from_json(field(doc, key, list, where), f"{where}.{key}", 1)


def check_bureau(vote_id: str, enc: dict) -> tuple[Bureau, list[str]]:
    """The bureau's keys of the `encryption` object, and every problem with their proofs: each
    holder knows their encryption key, their polynomial's constant and their share; the
    verification keys and the vote's key are those the commitments give."""
    where = "encryption"
    if field(enc, "group", str, where) != GROUP:
        raise MalformedBox(f"encryption.group: {show(enc['group'])} is not {show(GROUP)}")
    k = field(enc, "threshold", int, where)
    holders = items(enc, "holders", where)
    if not 1 <= k <= len(holders) or [field(h, "position", int, f"{where}.holders[{i}]")
                                      for i, h in enumerate(holders)] != \
            list(range(1, len(holders) + 1)):
        raise MalformedBox("encryption: holders must be numbered 1 … n, and 1 ≤ threshold ≤ n")
    problems, commitments, confirmations = [], [], []
    try:
        y = g.point(field(enc, "public_key", str, where), "encryption.public_key")
        for i, h in enumerate(holders, 1):
            w = f"encryption.holders[{i - 1}]"
            if set(h) != set(HOLDER_FIELDS):
                raise MalformedBox(f"{w}: must have exactly the fields {', '.join(HOLDER_FIELDS)}")
            e = g.point(field(h, "encryption_key", str, w), f"{w}.encryption_key")
            mine = [g.point(a, f"{w}.commitments") for a in field(h, "commitments", list, w)]
            if len(mine) != k or len(field(h, "shares", list, w)) != len(holders):
                raise MalformedBox(f"{w}: {k} commitments and {len(holders)} shares expected")
            if not proofs.check_key(ceremony_context(vote_id, "key", i), e,
                                    _proof(h, "key_proof", w)):
                problems.append(f"holder {i}: the proof of their encryption key fails")
            if not proofs.check_key(ceremony_context(vote_id, "coefficient", i), mine[0],
                                    _proof(h, "commitment_proof", w)):
                problems.append(f"holder {i}: the proof of their first commitment fails")
            commitments.append(mine)
            confirmations.append((g.point(field(h, "verification_key", str, w),
                                          f"{w}.verification_key"), _proof(h, "confirmation", w)))
    except g.BadElement as err:
        raise MalformedBox(str(err)) from None
    keys = {}
    for i, (v, proof) in enumerate(confirmations, 1):
        keys[i] = threshold.verification_key(commitments, i)
        if keys[i] != v:
            problems.append(f"holder {i}: verification_key is not the one their commitments give")
        elif not proofs.check_key(ceremony_context(vote_id, "share", i), v, proof):
            problems.append(f"holder {i}: the proof of their share of the key fails")
    if threshold.public_key(commitments) != y:
        problems.append("encryption.public_key is not the sum of the holders' first commitments")
    return Bureau(k, y, keys), problems


# ---------------------------------------------------------------------------------------------
# The tally: per college, the ballots' ciphertexts weighted and summed.

def tally_entries(poll: rules.Poll, ballots) -> list[dict]:
    """`tally` of the document: for each college with ballots (in the colleges' order), its
    ballots' weight, the scale that makes their weights integers, and the combined ciphertexts.
    `ballots`: (college, weight, ciphertexts as bytes: see `ciphertexts`) of every ballot, or
    (college, weight, summed ciphertexts, how many ballots) of ballots already summed."""
    by_college: dict = {}
    for college, weight, cts, *count in ballots:
        by_college.setdefault(college, []).append((Fraction(weight), cts, count[0] if count
                                                   else 1))
    rows = [size for size, _sums, _coefs in shape_of(poll).answers]
    out = []
    for college in [c.id for c in poll.colleges] or [None]:
        mine = by_college.get(college)
        if not mine:
            continue
        k = tally.scale(w for w, _, _ in mine)
        combined = tally.combine([(w, cts) for w, cts, _ in mine], rows, k)
        out.append({"college": college, "weight": write_number(sum(w * n for w, _, n in mine)),
                    "scale": k,
                    "ciphertexts": [[c.as_json() for c in row] for row in combined]})
    return out


def combined_of(entry: dict) -> list[list[elgamal.Ciphertext]]:
    return [[elgamal.Ciphertext.from_json(c, "tally ciphertext") for c in row]
            for row in entry["ciphertexts"]]


def partials_of(doc: dict, n: int, where: str) -> list[list[list[bytes]]]:
    """A holder's partial decryptions, one matrix per tally entry."""
    out, given = [], doc.get("partials")
    if not isinstance(given, list):
        raise g.BadElement(f"{where}.partials: must be a list")
    for e, entry in enumerate(given):
        if not isinstance(entry, list):
            raise g.BadElement(f"{where}.partials[{e}]: must be a list")
        if not all(isinstance(row, list) for row in entry):
            raise g.BadElement(f"{where}.partials[{e}]: must be a list of lists")
        out.append([[g.point(p, f"{where}.partials[{e}]") for p in row] for row in entry])
    if len(out) != n:
        raise g.BadElement(f"{where}: one list of partial decryptions per tally entry")
    return out


def check_partials(vote_id: str, v: bytes, entries: list[dict], points, proved) -> bool:
    """Whether each of a holder's partial decryptions is proved for their key."""
    if not isinstance(proved, list) or len(proved) != len(entries):
        return False
    try:
        return all(tally.check_partial(tally_context(vote_id, entry["college"]), v,
                                       combined_of(entry), points[e], proved[e])
                   for e, entry in enumerate(entries))
    except (g.BadElement, IndexError, TypeError):
        return False


def decrypt_entries(entries: list[dict], partials: dict[int, list]) -> list[list[list[int]]]:
    """The counts of each tally entry from the partial decryptions of k holders."""
    return [tally.decrypt(combined_of(entry), {p: mine[e] for p, mine in partials.items()},
                          int(Fraction(entry["weight"]) * entry["scale"]))
            for e, entry in enumerate(entries)]


def totals_of(poll: rules.Poll, entries: list[dict]) -> tuple[rules.Totals, ...]:
    """The decrypted counts of the tally entries as the rules read them."""
    return tuple(tally.totals(poll.method, e["college"], Fraction(e["weight"]), e["scale"],
                              e["counts"], list(poll.options)) for e in entries)


# ---------------------------------------------------------------------------------------------
# Checking a document's encrypted parts.

PARALLEL_FROM = 200  # ballots: from this many, their proofs are checked on every core


def _check_some(vote_id: str, y: bytes, poll: rules.Poll, ballots: list[dict]) -> list:
    """(problems, ciphertexts or None) of each ballot: its tracker and its proofs."""
    out = []
    for b in ballots:
        problems = [] if tracker_of(vote_id, b["choice"]) == b["tracker"] else \
            ["tracker is not the hash of its ballot"]
        try:
            out.append((problems, blob(check_ballot(vote_id, y, poll, b["choice"]))))
        except crypto_ballots.BadBallot as err:
            out.append((problems + [str(err)], None))
    return out


def check_ballots(vote_id: str, y: bytes, poll: rules.Poll, ballots: list[dict],
                  workers: int | None = None) -> list:
    """`_check_some` of every ballot, in order; many ballots are shared among processes, one
    per core (checking a proof is CPU work in Python between libsodium's calls)."""
    workers = workers or os.cpu_count() or 1
    if len(ballots) < PARALLEL_FROM or workers < 2:
        return _check_some(vote_id, y, poll, ballots)
    size = -(-len(ballots) // (4 * workers))
    chunks = [ballots[i:i + size] for i in range(0, len(ballots), size)]
    with ProcessPoolExecutor(workers) as pool:
        done = pool.map(_check_some, *zip(*[(vote_id, y, poll, c) for c in chunks],
                                          strict=True))
        return [item for chunk in done for item in chunk]

def check(doc: dict, vote_id: str, poll: rules.Poll, known: list, *, trusted: bool = False
          ) -> tuple[list[str], tuple[rules.Totals, ...]]:
    """Every problem of the encrypted parts of a format 3 document, and the totals to recount
    (none when the tally cannot be trusted). `trusted` (the server sealing its own box) skips
    the ballots' proofs and trackers, checked at cast, and the tally, summed at the close."""
    bureau, problems = check_bureau(vote_id, field(doc, "encryption", dict, "document"))
    good = []
    ballots = [] if trusted else doc["ballots"]
    for b, (found, cts) in zip(ballots, check_ballots(vote_id, bureau.y, poll, ballots),
                               strict=True):
        problems += [f"ballot {b['tracker']}: {why}" for why in found]
        if cts is not None and b["college"] in known:  # else reported with the roll's checks
            good.append((b["college"], b["weight"], cts))
    entries = items(doc, "tally", "document")
    expected = [] if trusted else tally_entries(poll, good)
    for entry in entries:
        for key in ("college", "weight", "scale", "ciphertexts", "counts"):
            if key not in entry:
                raise MalformedBox(f'tally: missing field "{key}"')
    if not trusted and [{k: e[k] for k in ("college", "weight", "scale", "ciphertexts")}
                        for e in entries] != expected:
        problems.append("tally: the combined ciphertexts are not those of the valid ballots")
        return problems, ()
    trusted = {}
    for i, d in enumerate(items(doc, "decryptions", "document")):
        w = f"decryptions[{i}]"
        j = field(d, "holder", int, w)
        try:
            points = partials_of(d, len(entries), w)
        except g.BadElement as err:
            raise MalformedBox(str(err)) from None
        if j not in bureau.keys or j in trusted:
            problems.append(f"{w}: holder {j} is not a holder, or appears twice")
        elif not check_partials(vote_id, bureau.keys[j], entries, points,
                                field(d, "proofs", list, w)):
            problems.append(f"{w}: a proof of holder {j}'s partial decryption fails")
        else:
            trusted[j] = points
    if len(trusted) < bureau.k:
        problems.append(f"decryptions: {len(trusted)} holders' partial decryptions hold, "
                        f"{bureau.k} are needed to open the box")
        return problems, ()
    chosen = {j: trusted[j] for j in sorted(trusted)[:bureau.k]}
    for e, entry in enumerate(entries):
        counts = entry["counts"]
        bound = Fraction(entry["weight"]) * entry["scale"]
        if not isinstance(counts, list) or any(
                not isinstance(row, list) or any(type(n) is not int or not 0 <= n <= bound
                                                 for n in row) for row in counts) or \
                [len(r) for r in counts] != [len(r) for r in entry["ciphertexts"]] or \
                not tally.holds(combined_of(entry), {j: p[e] for j, p in chosen.items()},
                                counts):
            problems.append(f"tally[{e}]: counts are not the decryption of its ciphertexts")
            return problems, ()
    try:
        return problems, totals_of(poll, entries)
    except rules.RuleError as err:
        problems.append(f"tally: {err}")
        return problems, ()
