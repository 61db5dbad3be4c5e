"""A ballot box's formats, its hashes and seal, and the parts fixed when a vote opens (its
header and rule, its colleges, its roll, written as the format says, and their fingerprint);
docs/ballot-box-format.md. `ballotbox` reads and verifies a box, `boxbuild` writes one."""
from __future__ import annotations

from .boxjson import canonical, sha256_hex, write_number

FORMAT = "coopgov-ballot-box/2"
FORMAT_V1 = "coopgov-ballot-box/1"
FORMAT_V3 = "coopgov-ballot-box/3"  # encrypted ballots (votes/encryptedbox.py)
FORMATS = (FORMAT_V1, FORMAT, FORMAT_V3)
ENCRYPTED_PARTS = ("encryption", "tally", "decryptions")
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


def opening_hashes(vote: dict, colleges: list, roll: list, encryption: dict | None = None
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
    return opening_hashes(header_part(vote), colleges_part(colleges), roll_part(roll), encryption)


# ---------------------------------------------------------------------------------------------
# Writing the parts of a document (numbers in lowest terms, fields in the format's order).

def when(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else value


def header_part(vote: dict) -> dict:
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
    doc["opened_at"] = when(vote["opened_at"])
    return doc


def colleges_part(colleges: list[dict]) -> list[dict]:
    return [{"id": c["id"], "name": c["name"], "weight": write_number(c["weight"],
                                                                       "college weight")}
            for c in colleges]


def roll_part(roll: list[dict]) -> list[dict]:
    return [{"voter": e["voter"], "college": e.get("college"),
             "weight": write_number(e.get("weight", 1), "roll weight"),
             "participating": e.get("participating", False), "voted": e.get("voted", False)}
            for e in sorted(roll, key=lambda e: e["voter"])]
