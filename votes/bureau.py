"""The bureau's key holders run by one program, from their seeds: what each holder's browser
does (static/js/ceremony.js), for the demo's sealed votes and for the tests. A real vote's
seeds never reach the server."""
from __future__ import annotations

from .crypto import group as g
from .crypto import proofs, tally, threshold
from .encryptedbox import (
    GROUP,
    ballot_context,
    ceremony_context,
    ciphertexts,
    combined_of,
    decrypt_entries,
    poll_of_header,
    shape_of,
    tally_context,
    tally_entries,
    tracker_of,
)


def ceremony(vote_id: str, seeds: list[bytes], k: int, rng: g.Rng) -> dict:
    """The `encryption` object of a ceremony whose holders have these seeds."""
    where = lambda what, j=None: ceremony_context(vote_id, what, j)  # noqa: E731
    keys = [g.base(threshold.encryption_key(s)) for s in seeds]
    polys = [threshold.polynomial(s, where("polynomial"), k) for s in seeds]
    commits = [threshold.commitments(p) for p in polys]
    holders = []
    for j, (seed, poly) in enumerate(zip(seeds, polys, strict=True), 1):
        s_j = sum(threshold.evaluate(p, j) for p in polys) % g.L
        holders.append({
            "position": j, "encryption_key": g.point_hex(keys[j - 1]),
            "key_proof": proofs.as_json(proofs.prove_key(
                where("key", j), threshold.encryption_key(seed), rng)),
            "commitments": [g.point_hex(a) for a in commits[j - 1]],
            "commitment_proof": proofs.as_json(proofs.prove_key(where("coefficient", j),
                                                                poly[0], rng)),
            "shares": [threshold.seal_share(where("channel"), keys[i], threshold.evaluate(
                poly, i + 1), rng) for i in range(len(seeds))],
            "verification_key": g.point_hex(threshold.verification_key(commits, j)),
            "confirmation": proofs.as_json(proofs.prove_key(where("share", j), s_j, rng))})
    return {"group": GROUP, "threshold": k,
            "public_key": g.point_hex(threshold.public_key(commits)), "holders": holders}


def holder_share(vote_id: str, encryption: dict, seed: bytes, j: int) -> int:
    """s_j = Σ_i f_i(j), from the seed and the shares the holders sealed to holder j."""
    e = threshold.encryption_key(seed)
    return sum(threshold.open_share(ceremony_context(vote_id, "channel"), e, h["shares"][j - 1])
               for h in encryption["holders"]) % g.L


def decryption(vote_id: str, encryption: dict, seed: bytes, j: int, entries: list[dict],
               rng: g.Rng) -> dict:
    """Holder j's partial decryptions of the tally entries, with their proofs."""
    s = holder_share(vote_id, encryption, seed, j)
    partials, proved = [], []
    for entry in entries:
        points, entry_proofs = tally.partial(tally_context(vote_id, entry["college"]), s,
                                             combined_of(entry), rng)
        partials.append(points)
        proved.append(entry_proofs)
    return {"holder": j, "partials": partials, "proofs": proved}


def _points(decryptions: list[dict]) -> dict[int, list]:
    return {d["holder"]: [[[g.point(p) for p in row] for row in entry]
                          for entry in d["partials"]] for d in decryptions}


def encrypted_box(vote: dict, colleges: list[dict], roll: list[dict], choices, batches=(), *,
                  seeds: list[bytes], k: int, rng: g.Rng, openers=None) -> dict:
    """A sealed format 3 box of a vote whose ballots, `choices` as (college, weight, choice),
    are encrypted by their voters and opened by holders `openers` (default: the first k),
    all run here from the holders' seeds: the demo's and the tests' boxes."""
    from . import boxbuild
    from .crypto import ballots as crypto_ballots
    poll = poll_of_header(vote, colleges)
    encryption = ceremony(vote["id"], seeds, k, rng)
    y = g.point(encryption["public_key"])
    ballots = []
    for college, weight, choice in choices:
        doc = crypto_ballots.encrypt(
            ballot_context(vote["id"]), y, shape_of(poll),
            crypto_ballots.plain(poll.method, list(poll.options), list(poll.grades), choice), rng)
        ballots.append({"tracker": tracker_of(vote["id"], doc), "college": college,
                        "weight": weight, "choice": doc})
    entries = tally_entries(poll, [(b["college"], b["weight"], ciphertexts(b["choice"]))
                                   for b in ballots])
    decryptions = [decryption(vote["id"], encryption, seeds[j - 1], j, entries, rng)
                   for j in (openers or range(1, k + 1))]
    for entry, counts in zip(entries, decrypt_entries(entries, _points(decryptions)),
                             strict=True):
        entry["counts"] = counts
    return boxbuild.build(vote, colleges, roll, ballots, batches, encrypted={
        "encryption": encryption, "tally": entries, "decryptions": decryptions})


# ---------------------------------------------------------------------------------------------
# Through the services, as the holders' and voters' browsers do (the demo).

def hold_ceremony(admin, vote, people: list, seeds: list[bytes], k: int, rng: g.Rng) -> None:
    """Name `people` the key holders of the draft `vote`, and run each one's three steps."""
    from . import services as svc
    svc.name_holders(admin, vote, people, k)
    run_ceremony(vote, people, seeds, k, rng)


def run_ceremony(vote, people: list, seeds: list[bytes], k: int, rng: g.Rng) -> None:
    """Each of the key holders `people` of the vote's ceremony does their three steps."""
    from . import services as svc
    from .services.sealing import encryption
    where = lambda what, j=None: ceremony_context(vote.public_id, what, j)  # noqa: E731
    for j, (person, seed) in enumerate(zip(people, seeds, strict=True), 1):
        e = threshold.encryption_key(seed)
        svc.publish_key(person, vote, g.point_hex(g.base(e)),
                        proofs.as_json(proofs.prove_key(where("key", j), e, rng)))
    keys = [g.base(threshold.encryption_key(s)) for s in seeds]
    for j, (person, seed) in enumerate(zip(people, seeds, strict=True), 1):
        poly = threshold.polynomial(seed, where("polynomial"), k)
        svc.publish_shares(person, vote, [g.point_hex(a) for a in threshold.commitments(poly)],
                           proofs.as_json(proofs.prove_key(where("coefficient", j), poly[0],
                                                           rng)),
                           [threshold.seal_share(where("channel"), key,
                                                 threshold.evaluate(poly, i), rng)
                            for i, key in enumerate(keys, 1)])
    published = encryption(vote)
    for j, (person, seed) in enumerate(zip(people, seeds, strict=True), 1):
        s = holder_share(vote.public_id, published, seed, j)
        svc.confirm(person, vote, proofs.as_json(proofs.prove_key(where("share", j), s, rng)))


def encrypt_ballot(vote, choice, rng: g.Rng) -> dict:
    """What a voter's browser posts for `choice` in the open encrypted `vote`."""
    from .encryptedbox import encrypt
    from .services import poll_of
    return encrypt(vote.public_id, g.point(vote.opening["encryption"]["public_key"]),
                   poll_of(vote), choice, rng)


def open_box(vote, holders: list[tuple], rng: g.Rng) -> dict | None:
    """Holders (person, seed, position) each decrypt their part of the closed vote's tally."""
    import json

    from . import services as svc
    result = None
    for person, seed, j in holders:
        d = decryption(vote.public_id, vote.opening["encryption"], seed, j,
                       json.loads(vote.tally_json), rng)
        result = svc.publish_decryption(person, vote, d["partials"], d["proofs"])
    return result
