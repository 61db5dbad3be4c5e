"""Benchmark of a general assembly at scale (default: 10,000 sociétaires, 2,000 proxies to 400
holders and 3,000 advance votes, on PostgreSQL).

    .venv/bin/python -m bench.assembly_bench [--database-url URL] [--members 10000]
                                             [--proxies 2000] [--holders 400] [--advance 3000]
                                             [--requests 200]

Builds a throw-away database from the Alembic migrations, bulk-loads the register benchmark's
cooperative (bench/register_bench.py: 5 weighted colleges, an admin) with N admitted members,
prepares an assembly with two resolutions and convenes it with the real service (the roll is
frozen, each resolution's vote opened), then bulk-inserts the accepted proxies and the advance
votes (ballots hashed as `votes.services.put_ballot` hashes them, emargements, roll entries
voted, `participant.voted_in_advance`). Then times, through the Flask test client logged in as
the admin: the check-in search (htmx fragment) by name prefixes and by membership numbers, the
quorum fragment, and a check-in (htmx POST) followed by the quorum fragment; with SQL statement
counts, and EXPLAIN ANALYZE of the quorum and search statements. Writes
bench/results/assembly-<dialect>.md. The database is wiped (its name must contain "bench").
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from bench import register_bench as rb
from bench.common import database_url, instrument
from bench.vote_bench import CHOICES, vacuum

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_assembly"
RESULTS = Path(__file__).resolve().parent / "results"
HTMX = {"HX-Request": "true"}
ROW = b'<tr id="participant-'  # one per check-in row
# What a secretariat types: the start of a last or first name, two letters and more.
TYPED = ["Fournier", "Nguyen", "Camille", "Lefèvre", "Benali", "Zoé", "Martinez", "Ma"]
RESOLUTIONS = [("Approbation des comptes 2025", "ordinary"),
               ("Modification des statuts : collège des partenaires", "extraordinary")]


# --------------------------------------------------------------------------- dataset


def convene(app) -> tuple[int, int, float]:
    """A mixed assembly with an agenda item and two resolutions, convened by the service:
    returns (assembly id, roll size, seconds the convene took)."""
    from assemblies.services import convocation, prepare
    from governance.models import Cooperative, Person
    from governance.platform.clock import utcnow
    from governance.platform.extensions import db

    with app.test_request_context():  # the convocation holds the assembly's link
        coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == rb.SLUG))
        admin = db.session.scalar(sa.select(Person).where(Person.email == rb.ADMIN_EMAIL))
        assembly = prepare.create_assembly(admin, coop, prepare.AssemblyDraft(
            title="Assemblée générale mixte 2026", kind="mixed", place="Paris",
            starts_at=(utcnow() + timedelta(days=30)).replace(microsecond=0)))
        prepare.add_item(admin, assembly, "Rapport de gestion du conseil")
        for title, kind in RESOLUTIONS:
            prepare.add_resolution(admin, assembly, title, "L'assemblée générale décide.",
                                   kind=kind, board_approved=True)
        started = time.perf_counter()
        roll = convocation.convene(admin, assembly, notify=False)
        took = time.perf_counter() - started
        assembly_id = assembly.id
        db.session.remove()
    return assembly_id, roll, took


def load_attendance(app, assembly_id: int, proxies: int, holders: int, advance: int,
                    seed: int) -> dict:
    """Accepted proxies (`proxies` principals, spread over `holders` holders) and advance votes
    on both resolutions, bulk-inserted; three disjoint groups of the roll. Returns the groups'
    participant ids."""
    from assemblies.models import Participant, Proxy, ProxyState, Resolution, ResolutionVote
    from governance.platform.clock import utcnow
    from governance.platform.extensions import db
    from votes import boxseal, services
    from votes.models import Ballot, Emargement, RollEntry, Vote

    rng = random.Random(seed + 3)
    with app.app_context():
        s = db.session
        roll = s.execute(sa.select(Participant.id, Participant.person_id,
                                   Participant.cooperative_id)
                         .where(Participant.assembly_id == assembly_id)
                         .order_by(Participant.id)).all()
        if holders + proxies + advance > len(roll):
            sys.exit(f"the roll has {len(roll)} places: too few for {holders} holders, "
                     f"{proxies} principals and {advance} advance votes")
        rng.shuffle(roll)
        held_by = roll[:holders]
        principals = roll[holders:holders + proxies]
        voters = roll[holders + proxies:holders + proxies + advance]
        now = utcnow()
        s.execute(sa.insert(Proxy), [dict(
            assembly_id=assembly_id, cooperative_id=p.cooperative_id, principal_id=p.id,
            holder_id=held_by[i % holders].id, state=ProxyState.ACCEPTED, created_at=now,
            answered_at=now) for i, p in enumerate(principals)])
        votes = s.execute(sa.select(Vote.id, Vote.public_id, Vote.secret)
                          .join(ResolutionVote, ResolutionVote.vote_id == Vote.id)
                          .join(Resolution, Resolution.id == ResolutionVote.resolution_id)
                          .where(Resolution.assembly_id == assembly_id)).all()
        people = [v.person_id for v in voters]
        for vote_id, public_id, secret in votes:
            entries = s.execute(sa.select(RollEntry.id, RollEntry.college, RollEntry.weight)
                                .where(RollEntry.vote_id == vote_id,
                                       RollEntry.person_id.in_(people))).all()
            signed, ballots = [], []
            for entry_id, college, weight in entries:  # what put_ballot writes, in bulk
                code = services.tracker()
                content = {"tracker": code, "college": college, "weight": weight,
                           "choice": rng.choice(CHOICES)}
                signed.append(dict(id=entry_id, participating=True, voted=True,
                                   open_tracker=None if secret else code))
                ballots.append(dict(
                    id=secrets.token_hex(16), vote_id=vote_id, tracker=code, college=college,
                    weight=weight, choice_json=json.dumps(content["choice"]),
                    hash=boxseal.ballot_hash(public_id, content)))
            rng.shuffle(ballots)
            s.execute(sa.update(RollEntry), signed)
            s.execute(sa.insert(Emargement), [dict(roll_entry_id=e["id"], channel="advance")
                                              for e in signed])
            s.execute(sa.insert(Ballot), ballots)
        s.execute(sa.update(Participant).where(Participant.id.in_([v.id for v in voters]))
                  .values(voted_in_advance=True))
        s.commit()
        if db.engine.dialect.name == "postgresql":
            vacuum(db.engine)
        db.session.remove()
    return {"holders": [h.id for h in held_by], "principals": [p.id for p in principals],
            "advance": [v.id for v in voters],
            "others": [r.id for r in roll[holders + proxies + advance:]]}


def check_dataset(app, assembly_id: int, groups: dict) -> dict:
    """What the database holds: ballots, emargements, voted roll entries per resolution, and
    the quorum as the application computes it."""
    from assemblies import queries
    from assemblies.models import Assembly, Resolution, ResolutionVote
    from governance.platform.extensions import db
    from votes.models import Ballot, Emargement, RollEntry

    with app.app_context():
        s = db.session
        vote_ids = s.scalars(sa.select(ResolutionVote.vote_id).join(Resolution).where(
            Resolution.assembly_id == assembly_id)).all()
        out = {
            "ballots": s.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                .where(Ballot.vote_id.in_(vote_ids))),
            "emargements": s.scalar(sa.select(sa.func.count()).select_from(Emargement).join(
                RollEntry, RollEntry.id == Emargement.roll_entry_id)
                .where(RollEntry.vote_id.in_(vote_ids))),
            "roll voted": s.scalar(sa.select(sa.func.count()).select_from(RollEntry).where(
                RollEntry.vote_id.in_(vote_ids), RollEntry.voted)),
        }
        quorum = queries.quorum(s.get(Assembly, assembly_id))
        out["taking part"] = sum(q.participating for q in quorum.values())
        out["on the roll"] = sum(q.roll for q in quorum.values())
        db.session.remove()
    expected = 2 * len(groups["advance"])
    if out["ballots"] != expected or out["emargements"] != expected \
            or out["roll voted"] != expected or out["taking part"] != len(groups["advance"]):
        sys.exit(f"the dataset is not what was loaded: {out}")
    return out


# --------------------------------------------------------------------------- measurement


def scenarios(assembly_id: int, members: int, seed: int) -> list[rb.Scenario]:
    base = f"/assemblies/{assembly_id}"
    rng = random.Random(seed + 4)
    numbers = [rng.randint(1, members) for _ in range(97)]
    prefixes = [word.lower()[:n] for word in TYPED for n in (2, 3, 5, 8) if n <= len(word)]
    search = f"{base}/attendance?partial=1&q="
    return [
        rb.Scenario("name", f"Check-in search, name prefixes ({len(set(prefixes))} prefixes, "
                    "2–8 letters)", [search + quote(p) for p in prefixes], headers=HTMX,
                    rows_marker=ROW, full_page=False),
        rb.Scenario("number", "Check-in search, membership numbers (varied)",
                    [search + str(n) for n in numbers], headers=HTMX, rows_marker=ROW,
                    full_page=False),
        rb.Scenario("quorum", "Quorum fragment (nobody checked in yet)", [f"{base}/quorum"],
                    headers=HTMX, rows_marker=None, full_page=False),
    ]


def _sample(sc: rb.Scenario, elapsed: float, statements: list) -> None:
    sc.times.append(elapsed)
    sc.counts.append(len(statements))
    sc.sql_times.append(sum(t for _s, _p, t in statements))
    sc.last_statements = statements


def check_ins(client, recorder: rb.Recorder, assembly_id: int, targets: list[int],
              n: int) -> list[rb.Scenario]:
    """Check in `targets` one after the other (htmx POST), each followed by the quorum
    fragment, as the page does on the `quorum-changed` trigger."""
    post = rb.Scenario("checkin", "Check-in POST (htmx, the row swapped)", [])
    after = rb.Scenario("after", "Quorum fragment after each check-in", [])
    both = rb.Scenario("both", "Check-in POST + quorum fragment", [])
    quorum_url = f"/assemblies/{assembly_id}/quorum"
    for i, participant_id in enumerate(targets[:rb.WARMUP + n]):
        url = f"/assemblies/{assembly_id}/attendance/{participant_id}"
        recorder.reset()
        recorder.active = True
        started = time.perf_counter()
        response = client.post(url, data={"presence": "in_person"}, headers=HTMX)
        elapsed = time.perf_counter() - started
        recorder.active = False
        if response.status_code != 200 or response.headers.get("HX-Trigger") != \
                "quorum-changed":
            sys.exit(f"POST {url}: HTTP {response.status_code}\n{response.get_data(True)[:2000]}")
        posted = list(recorder.statements)
        _response, elapsed_q = rb.request(client, recorder, quorum_url, HTMX)
        if i < rb.WARMUP:
            continue
        _sample(post, elapsed, posted)
        _sample(after, elapsed_q, list(recorder.statements))
        _sample(both, elapsed + elapsed_q, posted + list(recorder.statements))
    return [post, after, both]


def label(sql: str) -> str:
    s = " ".join(sql.split()).lower()
    if "from participant" in s and "count(" in s:
        return "quorum: roll and taking part"
    if "from participant" in s and " like " in s:
        return "search by name"
    if "from participant" in s and "participant.number =" in s:
        return "search by number"
    if "from proxy" in s:
        return "proxies of the rows found"
    return "other"


def keep(sql: str) -> bool:
    return label(sql) != "other"


# --------------------------------------------------------------------------- report


def report(meta: dict, scs: list[rb.Scenario], explains: dict, n: int,
           targeted: set[str]) -> list[str]:
    lines = [f"# Assembly benchmark — {meta['dialect']}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", f"{n} requests per measure after {rb.WARMUP} warm-up requests, Flask test "
              "client (no network, no server), logged in as the cooperative's admin. "
              f"Target: p95 < {rb.TARGET_P95_MS:.0f} ms for the check-in search and the "
              "quorum.", "",
              "| Measure | rows | p50 ms | p95 ms | p99 ms | mean ms | SQL stmts/req "
              "| SQL ms (mean) | p95 < 100 ms |", "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for sc in scs:
        counts = f"{min(sc.counts)}" if min(sc.counts) == max(sc.counts) \
            else f"{min(sc.counts)}–{max(sc.counts)}"
        ok = ("✅" if sc.ms(0.95) < rb.TARGET_P95_MS else "❌") if sc.key in targeted else "—"
        lines.append(f"| {sc.label} | {'' if sc.rows is None else sc.rows} | "
                     f"{sc.ms(0.50):.1f} | {sc.ms(0.95):.1f} | {sc.ms(0.99):.1f} | "
                     f"{statistics.fmean(sc.times) * 1000:.1f} | {counts} | "
                     f"{statistics.fmean(sc.sql_times) * 1000:.1f} | {ok} |")
    if not explains:
        return lines
    pg = meta["dialect"] == "postgresql"
    lines += ["", "## Index use of the quorum and search statements", "",
              "From EXPLAIN (ANALYZE, BUFFERS) of the statements of each measure's last request, "
              "run again with the same parameters." if pg else
              "From EXPLAIN QUERY PLAN of the statements of each measure's last request.", "",
              "| Measure | statement | ms in bench | " + ("ms in EXPLAIN | " if pg else "")
              + "indexes used | full scans |", "|---|---|---:|" + ("---:|" if pg else "")
              + "---|---|"]
    for sc in scs:
        for e in explains.get(sc.key, []):
            lines.append(f"| {sc.label} | {label(e['sql'])} | {e['ms']:.2f} | "
                         + (f"{e['exec_ms']:.2f} | " if pg else "")
                         + f"{', '.join(e['indexes']) or '**none**'} | "
                         f"{', '.join(e['full_scans']) or '—'} |")
    return lines


def plans(scs: list[rb.Scenario], explains: dict) -> list[str]:
    lines = ["", "## Query plans", ""]
    for sc in scs:
        if explains.get(sc.key):
            lines += [f"### {sc.label}", ""]
        for e in explains.get(sc.key, []):
            lines += [f"**{label(e['sql'])}** — {e['ms']:.2f} ms during the benchmark", "",
                      "```sql", " ".join(e["sql"].split()), "```", "", "```", *e["plan"],
                      "```", ""]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_ASSEMBLY_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--proxies", type=int, default=2_000)
    parser.add_argument("--holders", type=int, default=400)
    parser.add_argument("--advance", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    url_s = database_url(args.database_url, args.force)
    rb.reset_database(url_s)
    app = rb.make_app(url_s)
    started = time.perf_counter()
    rb.load(app, args.members, args.seed, statuses=[("admitted", 1.0)])
    members_s = time.perf_counter() - started
    assembly_id, roll, convene_s = convene(app)
    started = time.perf_counter()
    groups = load_attendance(app, assembly_id, args.proxies, args.holders, args.advance,
                             args.seed)
    attendance_s = time.perf_counter() - started
    loaded = check_dataset(app, assembly_id, groups)
    print(f"loaded {args.members} members in {members_s:.1f} s; convened {roll} in "
          f"{convene_s:.1f} s; {args.proxies} proxies and {args.advance} advance votes in "
          f"{attendance_s:.1f} s; {loaded}")

    recorder = rb.Recorder()
    dialect, version = instrument(app, recorder)
    client = app.test_client()
    rb.login(client)
    load_before = os.getloadavg()[0]
    scs = scenarios(assembly_id, args.members, args.seed)
    for sc in scs:
        rb.run(client, recorder, sc, args.requests)
        print(f"  {sc.label}: p95 {sc.ms(0.95):.1f} ms, {sc.counts[-1]} statements", flush=True)
    # Holders and members without a proxy, alternately: a holder brings their principals in.
    targets = [x for pair in zip(groups["holders"], groups["others"], strict=False) for x in pair]
    if len(targets) < rb.WARMUP + args.requests:
        sys.exit(f"too few sociétaires left to check in {rb.WARMUP + args.requests}")
    for sc in check_ins(client, recorder, assembly_id, targets, args.requests):
        scs.append(sc)
        print(f"  {sc.label}: p95 {sc.ms(0.95):.1f} ms, {sc.counts[-1]} statements", flush=True)
    explains = {} if args.no_explain else {
        sc.key: rb.explain(app, sc.last_statements, keep=keep)
        for sc in scs if sc.key in ("name", "number", "quorum", "after")}

    meta = {"dialect": dialect, "database": version.split(" on ")[0],
            "members (all admitted, on the roll)": f"{args.members:,}",
            "accepted proxies / holders": f"{args.proxies:,} / {args.holders:,}",
            "advance votes (2 resolutions each)": f"{args.advance:,}",
            "checked in during the benchmark": f"{rb.WARMUP + args.requests:,}",
            "dataset build": f"members {members_s:.1f} s, convene (service) {convene_s:.1f} s, "
                             f"proxies and advance votes {attendance_s:.1f} s",
            "python": platform.python_version(), "sqlalchemy": sa.__version__,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
            "run at": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load average (1 min) before/after": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"}
    targeted = {"name", "number", "quorum", "after"}
    lines = report(meta, scs, explains, args.requests, targeted)
    print("\n" + "\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"assembly-{dialect}.md"
    out.write_text("\n".join(lines + plans(scs, explains)) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0 if all(sc.ms(0.95) < rb.TARGET_P95_MS for sc in scs if sc.key in targeted) else 1


if __name__ == "__main__":
    sys.exit(main())
