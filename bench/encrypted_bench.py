"""Encrypted ballots: what their cryptography costs, how long the close and the opening of a
large encrypted vote take on PostgreSQL, and how long an independent verification of a box
takes (issue "Encrypted ballots opened by the bureau de vote").

    .venv/bin/python -m bench.encrypted_bench [--ballots 100000] [--verify-ballots 10000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_encrypted]

1. crypto: one ballot's encryption (the voter's browser does it; here in Python) and check
   (the server at cast, the verifier), per method;
2. close and opening: a secret resolution with a key ceremony (3 holders, any 2 open) and
   `--ballots` encrypted ballots in its box, inserted directly (their ciphertexts are real,
   made by adding G and Y step by step; their proofs are one real ballot's, which the close
   does not read: they were checked at cast). Timed: `close_vote` (lock, ballots rewritten,
   each college's sum), the VACUUM, then each holder's upload (`publish_decryption`: its
   proofs checked; the second one decrypts, counts and seals the box);
3. verify: a box of `--verify-ballots` real encrypted resolution ballots (and a smaller one of
   majority judgment, 5 options × 6 grades), verified as the standalone verifier does.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_encrypted"
SEEDS = [bytes([n]) * 32 for n in (1, 2, 3)]


def timed(fn, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n


def crypto_costs() -> list[tuple[str, float, float]]:
    """(method, encrypt ms, check ms) for one ballot."""
    from votes.crypto import ballots
    from votes.crypto import group as g
    y = g.base(g.random_scalar())
    out = []
    for name, method, options, seats, grades, choice in [
            ("resolution", "resolution", 3, 1, 0, "for"),
            ("choice of 4", "choice", 4, 1, 0, "o2"),
            ("approval, 4 options, 2 seats", "approval", 4, 2, 0, ["o1", "o3"]),
            ("majority judgment, 5 options × 6 grades", "majority_judgment", 5, 1, 6,
             {"o1": "g0", "o3": "g4"})]:
        form = ballots.shape(method, options, seats, grades)
        matrix = ballots.plain(method, [f"o{i}" for i in range(1, options + 1)],
                               [f"g{i}" for i in range(grades)], choice)
        n = 3 if grades else 20
        doc = ballots.encrypt("bench/ballot", y, form, matrix, g.random_scalar)
        enc = timed(lambda form=form, matrix=matrix: ballots.encrypt(
            "bench/ballot", y, form, matrix, g.random_scalar), n)
        chk = timed(lambda form=form, doc=doc: ballots.check("bench/ballot", y, form, doc), n)
        out.append((name, enc * 1e3, chk * 1e3))
    return out


# --------------------------------------------------------------------------- close and opening

def _ciphertexts(y: bytes, ms: list[int], start: int) -> tuple[bytes, bytes]:
    """Ballots' ciphertexts for the counts `ms` (three per ballot), r = start, start + 1, …:
    consecutive randomness makes each one two additions from the last."""
    from votes.crypto import group as g
    a, b = g.base(start), g.mul(y, start)
    blob = bytearray()
    for m in ms:
        blob += a + (g.add(b, g.G) if m else b)
        a, b = g.add(a, g.G), g.add(b, y)
    return bytes(blob), b""


def _chunk(args) -> bytes:
    y, ms, start = args
    return _ciphertexts(y, ms, start)[0]


# --------------------------------------------------------------------------- verification

def _encrypt(args) -> list[dict]:
    from votes.crypto import ballots
    from votes.crypto import group as g
    vote_id, y, method, options, seats, grades, choices = args
    form = ballots.shape(method, len(options), seats, len(grades))
    return [ballots.encrypt(f"{vote_id}/ballot", y, form,
                            ballots.plain(method, options, grades, c), g.random_scalar)
            for c in choices]


def verify_box(n: int, method: str) -> dict:
    """Seal a box of `n` real encrypted ballots (made on two processes, opened by two holders
    from their seeds), then verify it as `coopgov-verify.py` does, timed."""
    import random

    from votes import ballotbox, boxbuild, boxjson, bureau, encryptedbox
    from votes.crypto import group as g
    rnd = random.Random(n)
    options = ["for", "against", "abstain"] if method == "resolution" else \
        [f"o{i}" for i in range(1, 6)]
    grades = [f"g{i}" for i in range(6)] if method == "majority_judgment" else []
    choices = [rnd.choice(options) if method == "resolution" else
               {o: rnd.choice(grades) for o in options if rnd.random() < 0.6} or {"o1": "g0"}
               for _ in range(n)]
    vote = {"id": f"bench-{method}", "title": "Bench", "cooperative": "bench", "method": method,
            "secret": True, "options": [{"id": o, "label": o} for o in options],
            "rule": {"weighting": "none", "counting": "votes_cast", "threshold": "1/2",
                     "strict": True, "quorum": None, "empty_college": "redistribute"},
            "opened_at": "2026-12-01T09:00:00+00:00", "closed_at": "2026-12-02T09:00:00+00:00"}
    if grades:
        vote["grades"] = grades
    rng = g.seeded(b"bench verify")
    encryption = bureau.ceremony(vote["id"], SEEDS, 2, rng)
    y = g.point(encryption["public_key"])
    started = time.perf_counter()
    step = max(1, n // 16)
    with ProcessPoolExecutor(2) as pool:
        docs = [d for part in pool.map(_encrypt, [
            (vote["id"], y, method, options, 1, grades, choices[i:i + step])
            for i in range(0, n, step)]) for d in part]
    made = time.perf_counter() - started
    ballots = [{"tracker": encryptedbox.tracker_of(vote["id"], d), "college": None,
                "weight": 1, "choice": d} for d in docs]
    roll = [{"voter": f"v{i:06}", "college": None, "weight": 1, "participating": True,
             "voted": True} for i in range(n)]
    poll = encryptedbox.poll_of_header(vote, [])
    entries = encryptedbox.tally_entries(poll, [(None, 1, encryptedbox.ciphertexts(d))
                                                for d in docs])
    decryptions = [bureau.decryption(vote["id"], encryption, SEEDS[j - 1], j, entries, rng)
                   for j in (1, 2)]
    for entry, counts in zip(entries, encryptedbox.decrypt_entries(
            entries, bureau._points(decryptions)), strict=True):
        entry["counts"] = counts
    box = boxbuild.build(vote, [], roll, ballots, encrypted={
        "encryption": encryption, "tally": entries, "decryptions": decryptions})
    text = boxjson.dumps(box)
    started = time.perf_counter()
    problems, _ = ballotbox.verify(text)
    return {"ballots": n, "method": method, "made_s": made, "verify_s":
            time.perf_counter() - started, "problems": len(problems), "MB": len(text) / 1e6}



def close_and_open(url: str, n: int) -> dict:
    """Close, then open with two holders, a vote of `n` encrypted ballots (on the demo's
    SmartFr: its colleges, and admin, board and member as the bureau)."""
    from flask_migrate import upgrade

    from app import create_app
    from governance import demo
    from governance.models import Cooperative, Person
    from governance.platform.extensions import db
    from votes import bureau
    from votes import services as svc
    from votes.crypto import group as g
    from votes.models import Vote
    _fresh_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    out: dict = {"ballots": n}
    with app.app_context():
        upgrade()
        demo.load()
        coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == "smartfr"))
        people = [db.session.scalar(sa.select(Person).where(Person.email == e))
                  for e in ("admin@example.coop", "board@example.coop", "member@example.coop")]
        rng = g.seeded(b"coopgov encrypted bench")
        vote = svc.create_vote(people[0], coop, svc.VoteDraft(title="Bench", quorum=""))
        bureau.hold_ceremony(people[0], vote, people, SEEDS, 2, rng)
        svc.open_vote(people[0], vote, notify=False)
        sample = bureau.encrypt_ballot(vote, "for", rng)
        vote_id, public_id = vote.id, vote.public_id
        y = g.point(vote.opening["encryption"]["public_key"])
        colleges = [c["id"] for c in vote.opening["colleges"]] or [None]
        ids = [p.id for p in people]
        db.session.commit()
        started = time.perf_counter()
        sent = _insert_ballots(vote, n, y, sample, colleges)
        out["setup_s"] = time.perf_counter() - started
        db.session.remove()
        vote = db.session.get(Vote, vote_id)
        started = time.perf_counter()
        svc.close_vote(db.session.get(Person, ids[0]), vote)
        out["close_vote_s"] = time.perf_counter() - started
        started = time.perf_counter()
        svc.purge_dead_rows()
        out["vacuum_s"] = time.perf_counter() - started
        db.session.remove()
        out["uploads_s"] = []
        for j in (1, 2):
            vote = db.session.get(Vote, vote_id)
            holder = db.session.get(Person, ids[j - 1])
            entries = json.loads(vote.tally_json)
            d = bureau.decryption(public_id, vote.opening["encryption"], SEEDS[j - 1], j,
                                  entries, rng)
            started = time.perf_counter()
            result = svc.publish_decryption(holder, vote, d["partials"], d["proofs"])
            out["uploads_s"].append(time.perf_counter() - started)
            db.session.remove()
        out["for"] = sum(int(c["for"]) for c in result["colleges"])
        out["sent for"] = sent
        vote = db.session.get(Vote, vote_id)
        out["box MB"] = len(vote.box_json) / 1e6
        db.session.remove()
    return out


def _fill_parts(conn, vote_id: int, blobs: bytes, n: int, colleges: list) -> None:
    """What the casts would have added up in the running sums (slot 0 of each college)."""
    from votes.crypto import tally
    from votes.models import TallyPart
    for c, college in enumerate(colleges):
        mine = [(1, blobs[192 * i:192 * (i + 1)]) for i in range(c, n, len(colleges))]
        if not mine:
            continue
        sums = tally.combine(mine, [3], 1)
        same = TallyPart.college.is_(None) if college is None else TallyPart.college == college
        conn.execute(sa.update(TallyPart).where(
            TallyPart.vote_id == vote_id, same, TallyPart.weight == "1", TallyPart.slot == 0)
            .values(ballots=len(mine), sums=b"".join(ct.alpha + ct.beta for ct in sums[0])))


def _insert_ballots(vote, n: int, y: bytes, sample: dict, colleges: list) -> int:
    """`n` encrypted ballots (every third one "for", the others "against"), their roll
    entries and emargements, straight into the tables; the roll fingerprinted again."""
    from governance.models import Person
    from governance.platform.extensions import db
    from votes import boxjson, boxseal, encryptedbox
    from votes.models import Ballot, Emargement, RollEntry
    from votes.services import sealing
    ms = [m for i in range(n) for m in ((1, 0, 0) if i % 3 == 0 else (0, 1, 0))]
    step = 30_000
    with ProcessPoolExecutor(2) as pool:
        blobs = b"".join(pool.map(_chunk, [(y, ms[i:i + step], 1 + i)
                                           for i in range(0, len(ms), step)]))
    now = datetime(2026, 1, 1, 12, 0)
    with db.engine.begin() as conn:
        for start in range(0, n, 10_000):
            size = min(10_000, n - start)
            ids = conn.execute(sa.insert(Person).returning(
                Person.id, sort_by_parameter_order=True), [dict(
                    kind="natural", first_name="Synthétique", last_name=f"{start + i}",
                    legal_name="", search_name=f"synthétique {start + i}", email=None,
                    address="", representative_id=None, cooperative_id=None,
                    password_hash=None, locale=None, is_platform_admin=False,
                    is_active_account=True, created_at=now) for i in range(size)]
            ).scalars().all()
            rows = [(start + i, pid, colleges[(start + i) % len(colleges)])
                    for i, pid in enumerate(ids)]
            roll_ids = conn.execute(sa.insert(RollEntry).returning(
                RollEntry.id, sort_by_parameter_order=True), [dict(
                    vote_id=vote.id, person_id=pid, membership_number=None, college=college,
                    weight="1", voter_ref=secrets.token_hex(8), participating=True,
                    voted=True, open_tracker=None) for _i, pid, college in rows]
            ).scalars().all()
            conn.execute(sa.insert(Emargement), [dict(roll_entry_id=r, channel="online")
                                                 for r in roll_ids])
            ballots = []
            for i, _pid, college in rows:
                blob = blobs[192 * i:192 * (i + 1)]
                choice = json.loads(json.dumps(sample))
                for c, ct in enumerate(choice["answers"][0]["choices"]):
                    ct["alpha"], ct["beta"] = blob[64 * c:64 * c + 32].hex(), \
                        blob[64 * c + 32:64 * c + 64].hex()
                tracker = encryptedbox.tracker_of(vote.public_id, choice)
                content = {"tracker": tracker, "college": college, "weight": "1",
                           "choice": choice}
                ballots.append(dict(
                    id=secrets.token_hex(16), vote_id=vote.id, tracker=tracker,
                    college=college, weight="1",
                    choice_json=boxjson.canonical(choice).decode("utf-8"),
                    hash=boxseal.ballot_hash(vote.public_id, content), ciphertexts=blob))
            conn.execute(sa.insert(Ballot), ballots)
        _fill_parts(conn, vote.id, blobs, n, colleges)
    vote = db.session.merge(vote)
    vote.fingerprint = sealing.freeze(vote)["fingerprint"]
    db.session.commit()
    return sum(1 for i in range(n) if i % 3 == 0)


def _fresh_database(url: str) -> None:
    u = sa.make_url(url)
    admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ENCRYPTED_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--verify-ballots", type=int, default=10_000)
    parser.add_argument("--only", choices=("crypto", "close", "verify"))
    args = parser.parse_args(argv)
    print(f"coopgov encrypted bench, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    if args.only in (None, "crypto"):
        print("One ballot (Python, one core):")
        for name, enc, chk in crypto_costs():
            print(f"  {name:42} encrypt {enc:7.1f} ms   check {chk:7.1f} ms", flush=True)
    if args.only in (None, "close"):
        out = close_and_open(args.database_url, args.ballots)
        total = out["close_vote_s"] + sum(out["uploads_s"])
        print(f"Close and opening of {out['ballots']:,} encrypted ballots (PostgreSQL):\n"
              f"  close_vote (lock, sums per college)         {out['close_vote_s']:7.2f} s\n"
              f"  VACUUM of the ballots                        {out['vacuum_s']:7.2f} s\n"
              f"  holder 1's upload (proofs checked)           {out['uploads_s'][0]:7.2f} s\n"
              f"  holder 2's upload (checked, decrypted, counted, box of {out['box MB']:.0f} MB "
              f"sealed) {out['uploads_s'][1]:7.2f} s\n"
              f"  close + opening: {total:.2f} s (target ≤ 10 s: "
              f"{'met' if total <= 10 else 'NOT met'}); decrypted 'for' {out['for']} "
              f"= sent {out['sent for']}: {out['for'] == out['sent for']}", flush=True)
    if args.only in (None, "verify"):
        for n, method in [(args.verify_ballots, "resolution"),
                          (max(1, args.verify_ballots // 20), "majority_judgment")]:
            out = verify_box(n, method)
            print(f"Verification of a box of {n:,} {method} ballots ({out['MB']:.0f} MB, "
                  f"{os.cpu_count()} cores): {out['verify_s']:.1f} s, {out['problems']} "
                  f"problems ({out['verify_s'] / n * 1e3:.2f} ms a ballot; made in "
                  f"{out['made_s']:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
