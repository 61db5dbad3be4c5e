"""Benchmark of the share capital at scale (default: 50,000 members, 200,000 movements, PostgreSQL).

    .venv/bin/python -m bench.capital_bench [--database-url URL] [--members 50000]
                                            [--movements 200000] [--requests 200]

Builds a throw-away database from the Alembic migrations, bulk-loads the register benchmark's
cooperative (bench/register_bench.py: 5 weighted colleges, N members, an admin), then a share
ledger of M movements with SQL inserts (a subscription on admission for every member, then
top-ups, transfers, reimbursements and a few corrections, each one valid against the balances
so far), and builds the derived tables with the same SQL as migration 0007. Then times, through
the Flask test client logged in as the admin: the register, a statement (varied members), the
capital page and the register of movements, with p50/p95 and SQL statement counts; and, as the
before/after of the derived tables, the capital page's two aggregates computed from the ledger
itself (as before migration 0007) and from the derived tables. Writes
bench/results/capital-<dialect>.md. The database is wiped (its name must contain "bench").
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from bench import register_bench as rb
from bench.common import guard, instrument

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_capital"
RESULTS = Path(__file__).resolve().parent / "results"
NOMINAL = 25


def _migration_0007():
    """Migration 0007 as a module: its BACKFILL builds the derived tables from the ledger."""
    import importlib.util
    path = (Path(__file__).resolve().parent.parent / "migrations" / "versions"
            / "0007_share_ledger_derived_tables.py")
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_ledger(app, movements: int, seed: int) -> None:
    """`movements` valid movements over the cooperative's members, inserted in batches."""
    from governance.models import Cooperative, Membership, Person, ShareMovement
    from governance.platform.extensions import db

    rng = random.Random(seed)
    with app.app_context():
        coop_id = db.session.scalar(sa.select(Cooperative.id).where(Cooperative.slug == rb.SLUG))
        admin_id = db.session.scalar(sa.select(Person.id).where(Person.email == rb.ADMIN_EMAIL))
        members = db.session.execute(sa.select(Membership.id, Membership.status,
                                               Membership.admitted_on, Membership.applied_on)
                                     .where(Membership.cooperative_id == coop_id)).all()
        db.session.remove()
    now = datetime(2026, 1, 1, 12, 0)
    held: dict[int, int] = {}
    rows: list[dict] = []

    def add(kind, on, src, dst, shares, corrects=None):
        value = Decimal(shares * NOMINAL)
        rows.append(dict(cooperative_id=coop_id, number=len(rows) + 1, kind=kind, on=on,
                         from_membership_id=src, to_membership_id=dst, shares=shares,
                         amount_subscribed=value, amount_paid=value,
                         reference=f"CA {on:%Y-%m}" if kind == "transfer" else "",
                         corrects_id=corrects, created_at=now, created_by_id=admin_id))
        for mid, sign in ((dst, 1), (src, -1)):
            if mid is not None:
                held[mid] = held.get(mid, 0) + sign * shares

    # First the subscriptions on admission (candidates subscribe too, on application).
    first = sorted(((m.admitted_on or m.applied_on), m.id) for m in members)
    for on, mid in first[:movements]:
        add("subscription", on, None, mid, rng.choice([1, 2, 4, 4, 8, 20, 40, 200]))
    ids = [mid for _on, mid in first]
    start = max(on for on, _ in first[:movements]) if first else date(2020, 1, 1)
    day = 0
    while len(rows) < movements:
        on = start + timedelta(days=day // 60)  # ~60 movements a day
        day += 1
        r = rng.random()
        mid = rng.choice(ids)
        if r < 0.55:
            add("subscription", on, None, mid, rng.choice([1, 2, 4, 10]))
        elif r < 0.8 and held.get(mid, 0) >= 2:
            buyer = rng.choice(ids)
            if buyer != mid:
                add("transfer", on, mid, buyer, rng.randint(1, held[mid] // 2))
        elif r < 0.999 and held.get(mid, 0) >= 2:
            add("reimbursement", on, mid, None, rng.randint(1, held[mid] // 2))
        elif rows[-1]["kind"] == "subscription" and rows[-1]["corrects_id"] is None:
            last = rows[-1]  # a correction of the movement just recorded
            add("correction", on, last["to_membership_id"], None, last["shares"],
                corrects=len(rows))  # ids are the numbers: the table is empty before
    backfill = _migration_0007().BACKFILL
    with app.app_context(), db.engine.begin() as conn:
        for i in range(0, len(rows), 10_000):
            conn.execute(sa.insert(ShareMovement), [dict(r, id=r["number"])
                                                     for r in rows[i:i + 10_000]])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('share_movement', 'id'),"
                                 " (SELECT max(id) FROM share_movement))")
        for statement in backfill:
            conn.exec_driver_sql(statement)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()


def scenarios(members: int, seed: int) -> list[rb.Scenario]:
    base = f"/c/{rb.SLUG}"
    rng = random.Random(seed + 2)
    numbers = [rng.randint(1, members) for _ in range(97)]
    return [
        rb.Scenario("register", "Register, first page", [f"{base}/members"]),
        rb.Scenario("statement", "Statement (varied members)",
                    [f"{base}/members/{n}/statement" for n in numbers], rows_marker=None),
        rb.Scenario("capital", "Capital page", [f"{base}/capital"], rows_marker=None),
        rb.Scenario("movements", "Register of movements, first page",
                    [f"{base}/capital/movements"], rows_marker=None),
    ]


def aggregates(app, runs: int = 15) -> list[tuple[str, float, float]]:
    """Median ms of the capital page's aggregates from the ledger (before 0007) and derived."""
    from governance.capital import queries as cq
    from governance.models import Cooperative, Membership
    from governance.platform.extensions import db
    M = cq.M

    def ledger_by_college(coop):
        s = cq._sides(lambda _col: [M.cooperative_id == coop.id])
        return db.session.execute(
            sa.select(Membership.college_id, sa.func.sum(s.c.subscribed), sa.func.sum(s.c.paid))
            .join(Membership, Membership.id == s.c.mid).group_by(Membership.college_id)).all()

    def ledger_daily(coop):
        delta = sa.case((M.from_membership_id.is_(None), M.amount_subscribed),
                        (M.to_membership_id.is_(None), -M.amount_subscribed), else_=0)
        corrected = sa.select(M.corrects_id).where(M.cooperative_id == coop.id,
                                                   M.corrects_id.is_not(None))
        return db.session.execute(sa.select(M.on, sa.func.sum(delta)).where(
            M.cooperative_id == coop.id, M.corrects_id.is_(None), M.id.not_in(corrected))
            .group_by(M.on).order_by(M.on)).all()

    pairs = [("capital per college", ledger_by_college, cq.capital_by_college),
             ("capital per day (history)", ledger_daily, cq.daily_capital),
             ("capital_summary (whole)", None, cq.capital_summary)]
    out = []
    with app.app_context():
        coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == rb.SLUG))
        mismatches = cq.derived_mismatches(coop)
        if mismatches:
            sys.exit(f"derived tables differ from the ledger: {mismatches[:5]}")
        for label, before, after in pairs:
            times = []
            for fn in (before, after):
                if fn is None:
                    times.append(float("nan"))
                    continue
                samples = []
                for _ in range(runs):
                    db.session.expire_all()
                    started = time.perf_counter()
                    fn(coop)
                    samples.append(time.perf_counter() - started)
                times.append(statistics.median(samples) * 1000)
            out.append((label, *times))
    return out


def report(meta, scs, aggs, n) -> list[str]:
    lines = [f"# Capital benchmark — {meta['dialect']}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", f"{n} requests per page after {rb.WARMUP} warm-up requests, Flask test client "
              "(no network, no server), logged in as the cooperative's admin. "
              f"Target: p95 < {rb.TARGET_P95_MS:.0f} ms.", "",
              "| Page | p50 ms | p95 ms | p99 ms | mean ms | SQL stmts/req | SQL ms (mean) "
              "| p95 < 100 ms |", "|---|---:|---:|---:|---:|---:|---:|:---:|"]
    for sc in scs:
        counts = f"{min(sc.counts)}" if min(sc.counts) == max(sc.counts) \
            else f"{min(sc.counts)}–{max(sc.counts)}"
        lines.append(f"| {sc.label} | {sc.ms(0.50):.1f} | {sc.ms(0.95):.1f} | "
                     f"{sc.ms(0.99):.1f} | {statistics.fmean(sc.times) * 1000:.1f} | {counts} | "
                     f"{statistics.fmean(sc.sql_times) * 1000:.1f} | "
                     f"{'✅' if sc.ms(0.95) < rb.TARGET_P95_MS else '❌'} |")
    lines += ["", "## The capital page's aggregates: from the ledger (before migration 0007) "
              "and from the derived tables", "",
              "Median of 15 runs in one application context, fresh identity map each run.", "",
              "| Aggregate | from share_movement ms | from the derived tables ms |",
              "|---|---:|---:|"]
    lines += [f"| {label} | {'—' if b != b else f'{b:.1f}'} | {a:.1f} |"
              for label, b, a in aggs]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_CAPITAL_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--movements", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    url = sa.make_url(args.database_url)
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url_s = url.render_as_string(hide_password=False)
    guard(url, args.force)
    rb.reset_database(url_s)
    app = rb.make_app(url_s)
    started = time.perf_counter()
    rb.load(app, args.members, args.seed)
    load_ledger(app, args.movements, args.seed)
    build_s = time.perf_counter() - started
    print(f"loaded {args.members} members and {args.movements} movements in {build_s:.1f} s")

    recorder = rb.Recorder()
    dialect, version = instrument(app, recorder)
    client = app.test_client()
    rb.login(client)
    load_before = os.getloadavg()[0]
    scs = scenarios(args.members, args.seed)
    for sc in scs:
        rb.run(client, recorder, sc, args.requests)
        print(f"  {sc.label}: p95 {sc.ms(0.95):.1f} ms, {sc.counts[-1]} statements", flush=True)
    aggs = aggregates(app)
    meta = {"dialect": dialect, "database": str(version).split(" on ")[0],
            "members": f"{args.members:,}", "movements": f"{args.movements:,}",
            "dataset build": f"{build_s:.1f} s", "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
            "run at": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load average (1 min) before/after": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"}
    lines = report(meta, scs, aggs, args.requests)
    print("\n" + "\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"capital-{dialect}.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0 if all(sc.ms(0.95) < rb.TARGET_P95_MS for sc in scs) else 1


if __name__ == "__main__":
    sys.exit(main())
