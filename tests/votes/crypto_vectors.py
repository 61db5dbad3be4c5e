"""Known-answer vectors of votes.crypto, shared by the Python tests and the browser's
(`static/js/crypto.js`, checked in Chromium): every random choice comes from a seeded rng, so
the exact bytes are pinned. `python -m tests.votes.crypto_vectors` rewrites the file."""
from __future__ import annotations

import json
from pathlib import Path

from votes.crypto import ballots, elgamal, proofs, threshold
from votes.crypto import group as g

FILE = Path(__file__).resolve().parent.parent / "data" / "crypto-vectors.json"
BALLOTS = [("resolution", ["for", "against", "abstain"], [], 1, "against"),
           ("choice", ["o1", "o2", "o3"], [], 1, None),
           ("approval", ["o1", "o2", "o3", "o4"], [], 2, ["o2", "o4"]),
           ("majority_judgment", ["o1", "o2"], ["Bien", "Passable", "À rejeter"], 1,
            {"o2": "Passable"})]


def vectors() -> dict:
    rng = g.seeded(b"coopgov known answers")
    hx = g.point_hex
    out: dict = {"base_point": hx(g.G), "order": str(g.L)}
    out["hash_to_scalar"] = [
        {"tag": "coopgov/v1/test", "parts": [{"text": "élection"}, {"point": hx(g.G)},
                                             {"scalar": g.scalar_hex(7)}],
         "scalar": g.scalar_hex(g.hash_to_scalar("coopgov/v1/test", "élection", g.G, 7))}]
    out["rng"] = {"seed": b"coopgov known answers".hex(),
                  "first": [g.scalar_hex(x) for x in
                            (lambda r: [r(), r(), r()])(g.seeded(b"coopgov known answers"))]}
    out["base"] = [{"scalar": g.scalar_hex(s), "point": hx(g.base(s))}
                   for s in (1, 2, 3, 1000, g.L - 1, rng())]
    x = rng()
    y = g.base(x)
    out["pok"] = {"context": "vote-1/holder-1", "x": g.scalar_hex(x), "key": hx(y),
                  "proof": proofs.as_json(proofs.prove_key("vote-1/holder-1", x, rng))}
    out["interval"] = []
    for m, counts in [(0, [0, 1]), (1, [0, 1]), (2, [0, 1, 2, 3])]:
        r = rng()
        ct = elgamal.encrypt(y, m, r)
        out["interval"].append({
            "context": f"vote-1/q{m}", "key": hx(y), "m": m, "r": g.scalar_hex(r),
            "counts": counts, "ciphertext": ct.as_json(),
            "proof": proofs.as_json(proofs.prove_interval(f"vote-1/q{m}", y, ct, r, m, counts,
                                                          rng))})
    ct = elgamal.encrypt(y, 1, rng())
    d, proof = proofs.prove_decryption("vote-1/tally", x, ct.alpha, rng)
    out["decryption"] = {"context": "vote-1/tally", "s": g.scalar_hex(x), "key": hx(y),
                         "alpha": hx(ct.alpha), "partial": hx(d),
                         "proof": proofs.as_json(proof)}
    out["threshold"] = ceremony(rng)
    out["ballots"] = [
        {"method": method, "options": options, "grades": grades, "seats": seats,
         "choice": choice, "context": f"vote-1/ballot-{method}", "key": hx(y),
         "ballot": ballots.encrypt(f"vote-1/ballot-{method}", y,
                                   ballots.shape(method, len(options), seats, len(grades)),
                                   ballots.plain(method, options, grades, choice), rng)}
        for method, options, grades, seats, choice in BALLOTS]
    return out


def ceremony(rng) -> dict:
    """Three holders, any two of whom open the box."""
    context, k = "vote-1/ceremony", 2
    seeds = [bytes([i]) * 32 for i in (1, 2, 3)]
    polys = [threshold.polynomial(s, context, k) for s in seeds]
    keys = [g.base(threshold.encryption_key(s)) for s in seeds]
    commits = [threshold.commitments(p) for p in polys]
    sealed = [[threshold.seal_share(context, keys[j], threshold.evaluate(p, j + 1), rng)
               for j in range(3)] for p in polys]
    return {"context": context, "threshold": k, "seeds": [s.hex() for s in seeds],
            "encryption_keys": [g.point_hex(e) for e in keys],
            "commitments": [[g.point_hex(a) for a in c] for c in commits],
            "shares": sealed,
            "verification_keys": [g.point_hex(threshold.verification_key(commits, j))
                                  for j in (1, 2, 3)],
            "public_key": g.point_hex(threshold.public_key(commits)),
            "lagrange_1_3": {str(j): g.scalar_hex(v)
                             for j, v in threshold.lagrange([1, 3]).items()}}


if __name__ == "__main__":
    FILE.write_text(json.dumps(vectors(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {FILE}")
