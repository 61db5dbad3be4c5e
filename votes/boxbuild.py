"""Writing a sealed ballot box from plain data (docs/ballot-box-format.md): the document, its
seal, and the very text that seal hashed, checked by `ballotbox.verify` before it is returned."""
from __future__ import annotations

from json.encoder import encode_basestring

from .ballotbox import verify
from .boxjson import MalformedBox, Raw, canonical, dumps, sha256_hex, write_number
from .boxseal import (
    FORMAT,
    FORMAT_V3,
    ballot_hash,
    colleges_part,
    header_part,
    opening_hashes,
    roll_part,
    seal,
    when,
)

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
    doc_vote, doc_colleges, doc_roll = header_part(vote), colleges_part(colleges), roll_part(roll)
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
    doc |= {"opening": opening_hashes(doc_vote, doc_colleges, doc_roll, encryption),
            "call": call, "closed_at": when(closed_at or vote["closed_at"]),
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
