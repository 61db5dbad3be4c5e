"""Benchmark of the contributive budget at scale (default: 200 circles, 5,000 members, 500,000
entries, on PostgreSQL).

    .venv/bin/python -m bench.contributions_bench [--database-url URL] [--members 5000]
                                                  [--circles 200] [--entries 500000]
                                                  [--requests 200]

Builds a throw-away database from the Alembic migrations, bulk-loads the register benchmark's
cooperative (bench/register_bench.py) with N admitted members, then bulk-inserts: circles (a
tenth at the top, the others nested under them) with their four core roles and a lead link
each, every member in two circles, a budget for 2025 with one envelope per circle, and the
entries spread over 2025 — January to September paid in monthly batches (a few rejected),
October approved (some rejected or waiting), November and December half approved, half
waiting — and the two tallies computed from the entries by SQL, as the services keep them.
Then times, in one run: closing October into a payment batch with the real service (the
target: < 10 s), and through the Flask test client the report pages and exports, the payments
pages, a member's own page and a lead link's review queue (target: p95 < 200 ms for the
reports). Writes bench/results/contributions-<dialect>.md. The database is wiped (its name must
contain "bench").
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

import sqlalchemy as sa

from bench import register_bench as rb
from bench.common import database_url, instrument

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_contributions"
TARGET_CLOSE_S = 10.0
TARGET_P95_MS = 200.0
YEAR = 2025
RATE = Decimal(20)
HOURS = [Decimal(h) for h in ("1", "1.5", "2", "2.5", "3", "4")]
CHUNK = 20_000


def _status(rng: random.Random, month: int) -> str:
    """January–September paid (some rejected), October approved (some rejected or waiting),
    November and December half approved, half waiting."""
    r = rng.random()
    if month <= 9:
        return "rejected" if r < 0.05 else "paid"
    if month == 10:
        return "rejected" if r < 0.05 else "submitted" if r < 0.12 else "approved"
    return "submitted" if r < 0.5 else "approved"


def load(app, members: int, circles: int, entries: int, seed: int) -> dict:
    """Circles, roles, circle members, the 2025 budget and envelopes, the entries and the
    tallies, in bulk. Returns the ids the measures need."""
    from circles.models import Circle, CircleMember, CircleRole, RoleAssignment, RoleKind
    from contributions.models import (
        Budget,
        Contribution,
        Envelope,
        EnvelopeMember,
        EnvelopeMonth,
        PaymentBatch,
    )
    from contributions.services.batches import _month_expr
    from governance.models import Cooperative, Membership, Person
    from governance.platform.extensions import db

    rng = random.Random(seed + 7)
    with app.app_context():
        s = db.session
        coop_id = s.scalar(sa.select(Cooperative.id).where(Cooperative.slug == rb.SLUG))
        people = s.scalars(sa.select(Membership.person_id).where(
            Membership.cooperative_id == coop_id).order_by(Membership.number)).all()
        top = max(1, circles // 10)
        s.execute(sa.insert(Circle), [dict(
            cooperative_id=coop_id, name=f"Cercle {i:03d}", purpose="Raison d'être du cercle",
            domains="", accountabilities="", parent_id=None) for i in range(top)])
        roots = s.scalars(sa.select(Circle.id).order_by(Circle.id)).all()
        s.execute(sa.insert(Circle), [dict(
            cooperative_id=coop_id, name=f"Cercle {i:03d}", purpose="Raison d'être du cercle",
            domains="", accountabilities="", parent_id=roots[i % top])
            for i in range(top, circles)])
        circle_ids = s.scalars(sa.select(Circle.id).order_by(Circle.id)).all()
        s.execute(sa.insert(CircleRole), [dict(circle_id=c, kind=k, name="", purpose="",
                                               accountabilities="", reviews=k == "lead_link")
                                          for c in circle_ids for k in RoleKind
                                          if k != RoleKind.CUSTOM])
        lead_roles = dict(s.execute(sa.select(CircleRole.circle_id, CircleRole.id).where(
            CircleRole.kind == RoleKind.LEAD_LINK)).all())
        belongs = {p: rng.sample(circle_ids, 2) for p in people}
        s.execute(sa.insert(CircleMember), [dict(circle_id=c, person_id=p,
                                                 joined_on=date(YEAR - 1, 1, 1))
                                            for p, cs in belongs.items() for c in cs])
        by_circle: dict[int, list[int]] = {}
        for p, cs in belongs.items():
            for c in cs:
                by_circle.setdefault(c, []).append(p)
        leads = {c: (by_circle.get(c) or people)[0] for c in circle_ids}
        s.execute(sa.insert(RoleAssignment), [dict(role_id=lead_roles[c], person_id=p,
                                                   starts_on=date(YEAR - 1, 1, 1))
                                              for c, p in leads.items()])
        per_envelope = Decimal(150_000)
        budget = Budget(cooperative_id=coop_id, name=f"Budget contributif {YEAR}",
                        starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 12, 31),
                        amount=per_envelope * circles, hourly_rate=RATE,
                        decision=f"AGO {YEAR - 1}")
        s.add(budget)
        s.flush()
        s.execute(sa.insert(Envelope), [dict(budget_id=budget.id, circle_id=c,
                                             amount=per_envelope) for c in circle_ids])
        envelopes = dict(s.execute(sa.select(Envelope.circle_id, Envelope.id)).all())
        batches = {}
        for month in range(1, 10):
            batch = PaymentBatch(cooperative_id=coop_id, month=date(YEAR, month, 1))
            s.add(batch)
            s.flush()
            batches[month] = batch.id
        s.commit()

        rows, per_person = [], max(1, entries // len(people))
        for p in people:
            for _ in range(per_person):
                circle = rng.choice(belongs[p])
                day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
                hours = rng.choice(HOURS)
                status = _status(rng, day.month)
                rows.append(dict(
                    cooperative_id=coop_id, envelope_id=envelopes[circle], circle_id=circle,
                    person_id=p, worked_on=day, hours=hours, rate=RATE, amount=hours * RATE,
                    description="Contribution au cercle", status=status,
                    batch_id=batches[day.month] if status == "paid" else None,
                    reject_reason="Hors périmètre" if status == "rejected" else "",
                    created_by_id=p))
        rng.shuffle(rows)
        with db.engine.begin() as conn:
            for i in range(0, len(rows), CHUNK):
                conn.execute(sa.insert(Contribution), rows[i:i + CHUNK])
        month = _month_expr()
        c = Contribution
        for model, key in ((EnvelopeMonth, month), (EnvelopeMember, c.person_id)):
            select = sa.select(c.envelope_id, key, c.status, sa.func.count(),
                               sa.func.sum(c.hours), sa.func.sum(c.amount)).group_by(
                c.envelope_id, key, c.status)
            columns = ["envelope_id", "month" if model is EnvelopeMonth else "person_id",
                       "status", "entries", "hours", "amount"]
            s.execute(sa.insert(model).from_select(columns, select))
        for batch_id in batches.values():
            totals = s.execute(sa.select(sa.func.count(), sa.func.sum(c.hours),
                                         sa.func.sum(c.amount)).where(c.batch_id == batch_id)
                               ).one()
            s.execute(sa.update(PaymentBatch).where(PaymentBatch.id == batch_id).values(
                entries=totals[0], hours=totals[1] or 0, amount=totals[2] or 0))
        member = people[len(people) // 2]
        lead = leads[circle_ids[-1]]
        admin_hash = s.scalar(sa.select(Person.password_hash).where(
            Person.email == rb.ADMIN_EMAIL))
        s.execute(sa.update(Person).where(Person.id.in_([member, lead]))
                  .values(password_hash=admin_hash))
        emails = dict(s.execute(sa.select(Person.id, Person.email).where(
            Person.id.in_([member, lead]))).all())
        s.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        out = {"budget": budget.id, "member": emails[member], "lead": emails[lead],
               "entries": len(rows), "circles": len(circle_ids), "last_batch": batches[9]}
        db.session.remove()
    return out


def check_dataset(app) -> dict:
    """The tallies must sum to what the entries sum to, status by status."""
    from contributions.models import Contribution, EnvelopeMember, EnvelopeMonth
    from governance.platform.extensions import db
    with app.app_context():
        s = db.session
        raw = dict(s.execute(sa.select(Contribution.status, sa.func.sum(Contribution.amount))
                             .group_by(Contribution.status)).all())
        for model in (EnvelopeMonth, EnvelopeMember):
            tally = dict(s.execute(sa.select(model.status, sa.func.sum(model.amount))
                                   .group_by(model.status)).all())
            if tally != raw:
                sys.exit(f"{model.__name__} does not match the entries: {tally} vs {raw}")
        db.session.remove()
    return {str(k): str(v) for k, v in raw.items()}


def close_october(app) -> tuple[float, int, int]:
    """Close October with the service, as the secretariat does; returns (seconds, entries,
    batch id)."""
    from contributions.services.batches import close_month
    from governance.models import Cooperative, Person
    from governance.platform.extensions import db
    with app.app_context():
        coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == rb.SLUG))
        admin = db.session.scalar(sa.select(Person).where(Person.email == rb.ADMIN_EMAIL))
        started = time.perf_counter()
        batch = close_month(admin, coop, date(YEAR, 10, 1), today=date(YEAR + 1, 1, 15))
        took = time.perf_counter() - started
        entries, batch_id = batch.entries, batch.id
        db.session.remove()
    return took, entries, batch_id


def scenarios(ids: dict, batch_id: int) -> tuple[list[rb.Scenario], list[rb.Scenario]]:
    """(pages read by the admin, pages read by a member and a lead link)."""
    base = f"/c/{rb.SLUG}/contributions"
    budget = f"{base}/budgets/{ids['budget']}"
    pages = [30, 60, 99]

    def sc(key, label, urls, **kw):
        return rb.Scenario(key, label, urls, rows_marker=None, **kw)

    admin = [
        sc("budgets", "Budgets list (spent vs remaining)", [f"{base}/budgets"]),
        sc("budget", "Budget page: envelopes per circle, per month with chart", [budget]),
        sc("members", "Report per member, page 1 (50 of 5,000)", [f"{budget}?by=member"]),
        sc("members_deep", "Report per member, deep pages", [f"{budget}?by=member&page={p}"
                                                             for p in pages]),
        sc("csv_circle", "CSV per circle", [f"{budget}/report.csv?by=circle"], full_page=False),
        sc("csv_month", "CSV per month", [f"{budget}/report.csv?by=month"], full_page=False),
        sc("csv_member", "CSV per member (5,000 rows)", [f"{budget}/report.csv?by=member"],
           full_page=False),
        sc("payments", "Payments: batches and months to close", [f"{base}/payments"]),
        sc("batch", "Batch page (October)", [f"{base}/payments/{batch_id}"]),
        sc("batch_csv", "Batch CSV for payroll (October)", [f"{base}/payments/{batch_id}.csv"],
           full_page=False),
    ]
    member = [sc("mine", "My contributions (a member, 100 entries)", [f"{base}/"])]
    lead = [sc("review", "Review queue (a lead link)", [f"{base}/review"])]
    return admin, member + lead


def login_as(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": rb.ADMIN_PASSWORD})
    if response.status_code != 302:
        sys.exit(f"login of {email} failed: HTTP {response.status_code}")


REPORTS = {"budgets", "budget", "members", "members_deep", "csv_circle", "csv_month",
           "csv_member"}


def report(meta: dict, scs: list[rb.Scenario], close_s: float, closed: int, n: int) -> list[str]:
    lines = [f"# Contributive budget benchmark — {meta['dialect']}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    ok = "✅" if close_s < TARGET_CLOSE_S else "❌"
    lines += ["", f"Closing October {YEAR} into a payment batch (service, one transaction): "
              f"**{close_s:.2f} s** for {closed:,} entries (target < {TARGET_CLOSE_S:.0f} s) "
              f"{ok}", "",
              f"{n} requests per page after {rb.WARMUP} warm-up requests, Flask test client "
              f"(no network, no server). Target: p95 < {TARGET_P95_MS:.0f} ms for the reports.",
              "", "| Page | p50 ms | p95 ms | p99 ms | mean ms | SQL stmts/req | SQL ms (mean) "
              "| p95 < 200 ms |", "|---|---:|---:|---:|---:|---:|---:|:---:|"]
    for sc in scs:
        counts = f"{min(sc.counts)}" if min(sc.counts) == max(sc.counts) \
            else f"{min(sc.counts)}–{max(sc.counts)}"
        ok = ("✅" if sc.ms(0.95) < TARGET_P95_MS else "❌") if sc.key in REPORTS else "—"
        lines.append(f"| {sc.label} | {sc.ms(0.50):.1f} | {sc.ms(0.95):.1f} | "
                     f"{sc.ms(0.99):.1f} | {statistics.fmean(sc.times) * 1000:.1f} | {counts} | "
                     f"{statistics.fmean(sc.sql_times) * 1000:.1f} | {ok} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_CONTRIBUTIONS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--circles", type=int, default=200)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    url_s = database_url(args.database_url, args.force)
    rb.reset_database(url_s)
    app = rb.make_app(url_s)
    started = time.perf_counter()
    rb.load(app, args.members, args.seed, statuses=[("admitted", 1.0)])
    members_s = time.perf_counter() - started
    started = time.perf_counter()
    ids = load(app, args.members, args.circles, args.entries, args.seed)
    entries_s = time.perf_counter() - started
    sums = check_dataset(app)
    print(f"loaded {args.members} members in {members_s:.1f} s; {ids['circles']} circles and "
          f"{ids['entries']:,} entries in {entries_s:.1f} s; amounts by status {sums}",
          flush=True)
    load_before = os.getloadavg()[0]
    close_s, closed, batch_id = close_october(app)
    print(f"  closed October: {closed:,} entries in {close_s:.2f} s", flush=True)
    check_dataset(app)

    recorder = rb.Recorder()
    dialect, version = instrument(app, recorder)
    admin_scs, own_scs = scenarios(ids, batch_id)
    scs = []
    for email, group in ((rb.ADMIN_EMAIL, admin_scs), (ids["member"], own_scs[:1]),
                         (ids["lead"], own_scs[1:])):
        client = app.test_client()
        login_as(client, email)
        for sc in group:
            rb.run(client, recorder, sc, args.requests)
            scs.append(sc)
            print(f"  {sc.label}: p95 {sc.ms(0.95):.1f} ms, {sc.counts[-1]} statements",
                  flush=True)

    meta = {"dialect": dialect, "database": version.split(" on ")[0],
            "members (all admitted)": f"{args.members:,}", "circles": f"{ids['circles']:,}",
            "entries": f"{ids['entries']:,}",
            "dataset build": f"members {members_s:.1f} s, circles, entries and tallies "
                             f"{entries_s:.1f} s",
            "python": platform.python_version(), "sqlalchemy": sa.__version__,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
            "run at": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load average (1 min) before/after": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"}
    lines = report(meta, scs, close_s, closed, args.requests)
    print("\n" + "\n".join(lines))
    rb.RESULTS.mkdir(exist_ok=True)
    out = rb.RESULTS / f"contributions-{dialect}.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    met = close_s < TARGET_CLOSE_S and all(sc.ms(0.95) < TARGET_P95_MS for sc in scs
                                          if sc.key in REPORTS)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
