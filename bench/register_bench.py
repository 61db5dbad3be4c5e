"""Benchmark of the register at scale (default: 50,000 members on PostgreSQL).

    .venv/bin/python -m bench.register_bench [--database-url URL] [--members 50000] [--requests 200]

Builds a throw-away database from the Alembic migrations, bulk-loads one cooperative (5 weighted
colleges) with N members, then times the register's pages through the Flask test client, logged
in as the cooperative's admin, and counts the SQL statements of each request. On PostgreSQL the
slowest statements of each page are run again under EXPLAIN ANALYZE (EXPLAIN QUERY PLAN on
SQLite) to show which indexes they use. The markdown report is printed and written to
bench/results/register-<dialect>.md. See bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from bench.common import guard, instrument

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench"
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P95_MS = 100.0
WARMUP = 10

SLUG = "bench"
ADMIN_EMAIL = "admin@bench.example.org"
ADMIN_PASSWORD = "bench-admin-password-2026"
MEMBER_EMAIL = "m{n}@bench.example.org"
# code, name, weight, category, share of the members
COLLEGES = [
    ("entrepreneurs", "Entrepreneur·es salarié·es", "2/5", "entrepreneur_employee", 0.55),
    ("permanents", "Salarié·es permanent·es", "1/5", "permanent_employee", 0.15),
    ("structures", "Structures associées", "3/20", "associated_structure", 0.10),
    ("soutiens", "Soutiens et collectivités", "3/20", "user", 0.15),
    ("partenaires", "Partenaires économiques", "1/10", "partner", 0.05),
]
STATUSES = [("admitted", 0.88), ("candidate", 0.06), ("resigned", 0.06)]
FIRST = ["Camille", "Léa", "Hugo", "Nora", "Inès", "Yanis", "Chloé", "Malik", "Zoé", "Louis",
         "Amina", "Jules", "Sarah", "Théo", "Lina", "Adam", "Manon", "Sacha", "Eva", "Nathan",
         "Jeanne", "Karim", "Alice", "Rayan", "Lou", "Paul", "Mila", "Omar", "Anaïs", "Tom",
         "Elsa", "Bastien", "Maëlle", "Idriss", "Clara", "Victor", "Salomé", "Mehdi", "Agathe",
         "Lucas"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
        "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Benali", "N'Diaye", "Nguyen",
        "Rossi", "Haddad", "Chevalier", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
        "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
        "Fontaine", "Rousseau", "Brun", "Faure", "Barbier", "Meunier", "Boyer", "Blanchard",
        "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Arnaud", "Roche",
        "Renard", "Schmitt", "Roy", "Leclerc", "Colin", "Vidal", "Caron", "Picard",
        "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier"]
SEARCH_NAME = "Fournier"  # a last name, ~1/80 of the members
SEARCH_NUMBER = 12345


# --------------------------------------------------------------------------- database


def make_app(url: str):
    from app import create_app
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SERVER_NAME": None,
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })


def ensure_postgres_database(url: sa.URL) -> None:
    import psycopg
    from psycopg import sql
    with psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432,
                         user=url.username or "postgres", password=url.password,
                         dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                        (url.database,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))
            print(f"created database {url.database}")


def reset_database(url_s: str) -> None:
    url = sa.make_url(url_s)
    if url.get_backend_name() == "postgresql":
        ensure_postgres_database(url)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    elif url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(url.database + suffix).unlink(missing_ok=True)
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        sys.exit(f"unsupported database: {url.get_backend_name()}")


def existing_members(app) -> int | None:
    """Members of the benchmark cooperative already in the database (for --reuse)."""
    from governance.models import Cooperative, Membership
    from governance.platform.extensions import db
    with app.app_context():
        try:
            coop_id = db.session.scalar(sa.select(Cooperative.id).where(Cooperative.slug == SLUG))
        except sa.exc.DBAPIError:
            db.session.rollback()
            return None
        if coop_id is None:
            return None
        return db.session.scalar(sa.select(sa.func.count()).select_from(Membership)
                                 .where(Membership.cooperative_id == coop_id))


def _pick(rng: random.Random, weighted: list[tuple]) -> tuple:
    r, acc = rng.random(), 0.0
    for item in weighted:
        acc += item[-1]
        if r < acc:
            return item
    return weighted[-1]


def load(app, members: int, seed: int, statuses=STATUSES) -> None:
    """One cooperative, five colleges, `members` people and memberships (their statuses drawn
    from `statuses`), one admin."""
    from flask_migrate import upgrade

    from governance.models import College, Cooperative, CoopRole, Membership, Person, Role
    from governance.platform.extensions import db
    from governance.services.accounts import hash_password

    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        coop = Cooperative(slug=SLUG, name="Bench Coop", legal_form="scic_sa",
                           nominal_share_value=Decimal(25), weighting="colleges")
        coop.colleges = [College(code=c, name=n, weight=w, position=i)
                         for i, (c, n, w, _cat, _share) in enumerate(COLLEGES)]
        admin = Person(email=ADMIN_EMAIL, first_name="Ada", last_name="Admin",
                       password_hash=hash_password(ADMIN_PASSWORD))
        admin.refresh_search_name()
        db.session.add_all([coop, admin])
        db.session.flush()
        db.session.add(CoopRole(cooperative_id=coop.id, person_id=admin.id, role=Role.ADMIN))
        db.session.commit()
        coop_id = coop.id
        college_ids = {c.code: c.id for c in coop.colleges}

        now = datetime(2026, 1, 1, 12, 0)
        people, facts = [], []
        for n in range(1, members + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            probe = Person(first_name=first, last_name=last)
            probe.refresh_search_name()  # the same lower-casing as the application
            people.append(dict(
                kind="natural", first_name=first, last_name=last, legal_name="",
                search_name=probe.search_name, email=MEMBER_EMAIL.format(n=n),
                address=f"{rng.randint(1, 200)} rue de la Coopération, 75011 Paris",
                representative_id=None, cooperative_id=None, password_hash=None, locale=None,
                is_platform_admin=False, is_active_account=True, created_at=now))
            code, _name, _w, category, _share = _pick(rng, COLLEGES)
            status = _pick(rng, statuses)[0]
            applied = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3650))
            admitted = applied + timedelta(days=rng.randint(10, 90)) if status != "candidate" \
                else None
            facts.append(dict(
                cooperative_id=coop_id, number=n, college_id=college_ids[code],
                category=category, status=status, applied_on=applied, admitted_on=admitted,
                admission_ref=f"CA {admitted:%Y-%m}" if admitted else "",
                left_on=admitted + timedelta(days=rng.randint(100, 2000))
                if status == "resigned" else None,
                exit_reason="démission" if status == "resigned" else "",
                email_consent=rng.random() < 0.7, email_consent_on=applied, created_at=now))
        with db.engine.begin() as conn:
            for i in range(0, members, 5000):
                conn.execute(sa.insert(Person), people[i:i + 5000])
            ids = dict(conn.execute(sa.select(Person.email, Person.id)
                                    .where(Person.email.like("m%@bench.example.org"))).all())
            for row in facts:
                row["person_id"] = ids[MEMBER_EMAIL.format(n=row["number"])]
            for i in range(0, members, 5000):
                conn.execute(sa.insert(Membership), facts[i:i + 5000])
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()


# --------------------------------------------------------------------------- measurement


class Recorder:
    """Counts and times the SQL statements sent to the database while `active`."""

    def __init__(self):
        self.active = False
        self.reset()

    def reset(self):
        self.statements: list[tuple[str, object, float]] = []
        self._started: list[float] = []

    def before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self._started.append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and self._started:
            self.statements.append((statement, parameters,
                                    time.perf_counter() - self._started.pop()))


@dataclass
class Scenario:
    key: str
    label: str
    urls: list[str]
    headers: dict = field(default_factory=dict)
    rows_marker: bytes | None = b'<tr><td class="num">'  # one per register row
    full_page: bool = True
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    rows: int | None = None
    last_statements: list = field(default_factory=list)

    def ms(self, q: float) -> float:
        if len(self.times) < 2:
            return self.times[0] * 1000
        cuts = statistics.quantiles(self.times, n=100, method="inclusive")
        return cuts[round(q * 100) - 1] * 1000


def scenarios(members: int, seed: int) -> list[Scenario]:
    base = f"/c/{SLUG}"
    rng = random.Random(seed + 1)
    numbers = [rng.randint(1, members) for _ in range(97)]
    deep = min(500, max(1, members // 50))
    htmx = {"HX-Request": "true", "HX-Target": "register-results"}
    return [
        Scenario("first", "Register, first page", [f"{base}/members"]),
        Scenario("deep", f"Register, deep page (page={deep})", [f"{base}/members?page={deep}"]),
        Scenario("name", f"Search by name (q={SEARCH_NAME})",
                 [f"{base}/members?q={SEARCH_NAME}"]),
        Scenario("number", f"Search by number (q={SEARCH_NUMBER})",
                 [f"{base}/members?q={SEARCH_NUMBER}"]),
        Scenario("filter", "Filter college=permanents & status=admitted",
                 [f"{base}/members?college=permanents&status=admitted"]),
        Scenario("htmx", "htmx partial (first page, table only)", [f"{base}/members"],
                 headers=htmx, full_page=False),
        Scenario("member", "Member page (varied numbers)",
                 [f"{base}/members/{n}" for n in numbers], rows_marker=None),
        Scenario("coop", "Cooperative page (per-college summary)", [base], rows_marker=None),
    ]


def login(client) -> None:
    response = client.post("/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    if response.status_code != 302:
        sys.exit(f"login failed: HTTP {response.status_code}")


def request(client, recorder: Recorder, url: str, headers: dict):
    recorder.reset()
    recorder.active = True
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = time.perf_counter() - started
    recorder.active = False
    if response.status_code != 200:
        sys.exit(f"GET {url}: HTTP {response.status_code}\n{response.get_data(True)[:2000]}")
    return response, elapsed


def run(client, recorder: Recorder, sc: Scenario, n: int) -> None:
    for i in range(WARMUP + n):
        url = sc.urls[i % len(sc.urls)]
        response, elapsed = request(client, recorder, url, sc.headers)
        is_full = b"<html" in response.data
        if is_full != sc.full_page:
            sys.exit(f"GET {url}: expected a {'full page' if sc.full_page else 'fragment'}")
        if i < WARMUP:
            continue
        sc.times.append(elapsed)
        sc.counts.append(len(recorder.statements))
        sc.sql_times.append(sum(t for _s, _p, t in recorder.statements))
        if sc.rows_marker is not None:
            sc.rows = response.data.count(sc.rows_marker)
    sc.last_statements = list(recorder.statements)


def statements_by_page_size(app, client, recorder: Recorder, sizes=(10, 50, 200)):
    """The register's statement count at several page sizes: constant means no N+1."""
    saved = app.config["REGISTER_PAGE_SIZE"]
    out = []
    try:
        for size in sizes:
            app.config["REGISTER_PAGE_SIZE"] = size
            for url in (f"/c/{SLUG}/members", f"/c/{SLUG}/members?q={SEARCH_NAME}"):
                response, _t = request(client, recorder, url, {})
                out.append((size, url, response.data.count(b'<tr><td class="num">'),
                            len(recorder.statements)))
    finally:
        app.config["REGISTER_PAGE_SIZE"] = saved
    return out


# --------------------------------------------------------------------------- EXPLAIN

PG_SCAN = re.compile(r"(Parallel )?(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan)"
                     r"(?: Backward)?(?: using (\S+))? on (\S+)")
SQLITE_SCAN = re.compile(r"^(SCAN|SEARCH) (\S+)(?: AS \S+)?(?: USING (?:COVERING )?"
                         r"(INDEX (\S+)|INTEGER PRIMARY KEY))?(?: (\(.*\)))?")


def explain(app, statements, top: int = 3, keep=None) -> list[dict]:
    """EXPLAIN a request's register statements (count, page, per-college counts, member by
    number, …; or those `keep(sql)` accepts), slowest first, with the parameters they ran
    with; else its slowest SELECT."""
    from governance.platform.extensions import db
    out = []
    keep = keep or (lambda sql: label(sql) in MAIN)
    ranked = [s for s in sorted(statements, key=lambda s: s[2], reverse=True)
              if s[0].lstrip().upper().startswith("SELECT")]
    chosen = [s for s in ranked if keep(s[0])][:top] or ranked[:1]
    with app.app_context(), db.engine.connect() as conn:
        pg = conn.dialect.name == "postgresql"
        for statement, params, took in chosen:
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(prefix + statement, params).all()
            plan = [r[0] for r in rows] if pg else [r[-1] for r in rows]
            out.append({"sql": statement, "ms": took * 1000, "plan": plan,
                        **access_paths(plan, pg)})
            conn.rollback()
    return out


def access_paths(plan: list[str], pg: bool) -> dict:
    """Indexes used, tables read in full, and (PostgreSQL) the execution time of a plan."""
    indexes, full, exec_ms = [], [], None
    for line in plan:
        if pg:
            m = PG_SCAN.search(line)
            if m and m.group(2) == "Seq Scan":
                full.append(m.group(4))
            elif m and m.group(2) == "Bitmap Index Scan":
                indexes.append(m.group(4))  # "Bitmap Index Scan on <index>"
            elif m:
                indexes.append(f"{m.group(3)} ({m.group(4)})")
            elif "Execution Time:" in line:
                exec_ms = float(line.split(":")[1].split()[0])
        else:
            m = SQLITE_SCAN.search(line.strip())
            if m is None:
                continue
            kind, table, using, index, cond = m.groups()
            name = index or ("rowid" if using else None)
            if kind == "SCAN":
                full.append(table + (f" (in {name} order)" if name else ""))
            elif name:
                indexes.append(f"{name} ({table}{': ' + cond[1:-1] if cond else ''})")
    return {"indexes": list(dict.fromkeys(indexes)), "full_scans": list(dict.fromkeys(full)),
            "exec_ms": exec_ms}


def label(sql: str) -> str:
    s = " ".join(sql.split()).lower()
    if "count(" in s and "group by" in s:
        return "per-college counts"
    if "count(" in s:
        return "count query"
    if "order by membership.number" in s:
        return "register page query"
    if s.startswith("select") and "from membership" in s and "membership.number =" in s:
        return "member by number"
    if "from person" in s and "person.id in (" in s:
        return "people of the page (selectin)"
    return "other"


MAIN = {"per-college counts", "count query", "register page query", "member by number",
        "people of the page (selectin)"}


# --------------------------------------------------------------------------- report


def summary(meta: dict, scs: list[Scenario], sizes, explains: dict, n: int) -> list[str]:
    lines = [f"# Register benchmark — {meta['dialect']}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", f"{n} requests per page after {WARMUP} warm-up requests, Flask test client "
              "(no network, no server), logged in as the cooperative's admin. "
              f"Target: p95 < {TARGET_P95_MS:.0f} ms.", "",
              "| Page | rows | p50 ms | p95 ms | p99 ms | mean ms | req/s | SQL stmts/req "
              "| SQL ms (mean) | p95 < 100 ms |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for sc in scs:
        mean = statistics.fmean(sc.times)
        counts = f"{min(sc.counts)}" if min(sc.counts) == max(sc.counts) \
            else f"{min(sc.counts)}–{max(sc.counts)}"
        ok = "✅" if sc.ms(0.95) < TARGET_P95_MS else "❌"
        lines.append(
            f"| {sc.label} | {'' if sc.rows is None else sc.rows} | {sc.ms(0.50):.1f} | "
            f"{sc.ms(0.95):.1f} | {sc.ms(0.99):.1f} | {mean * 1000:.1f} | {1 / mean:.0f} | "
            f"{counts} | {statistics.fmean(sc.sql_times) * 1000:.1f} | {ok} |")
    lines += ["", "## SQL statements per register request, by page size", "",
              "A constant count whatever the page size shows there is no N+1 query.", "",
              "| REGISTER_PAGE_SIZE | URL | rows shown | SQL statements |",
              "|---:|---|---:|---:|"]
    lines += [f"| {size} | `{url}` | {rows} | {count} |" for size, url, rows, count in sizes]
    if explains:
        pg = meta["dialect"] == "postgresql"
        lines += ["", "## Index use of the register statements", "",
                  "From EXPLAIN (ANALYZE) of the statements of each page's last request, run "
                  "again with the same parameters." if pg else
                  "From EXPLAIN QUERY PLAN of the statements of each page's last request.", "",
                  "| Page | statement | ms in bench | " + ("ms in EXPLAIN | " if pg else "")
                  + "indexes used | full scans |",
                  "|---|---|---:|" + ("---:|" if pg else "") + "---|---|"]
        for sc in scs:
            for e in explains.get(sc.key, []):
                lines.append(
                    f"| {sc.label} | {label(e['sql'])} | {e['ms']:.2f} | "
                    + (f"{e['exec_ms']:.2f} | " if pg else "")
                    + f"{', '.join(e['indexes']) or '**none**'} | "
                    f"{', '.join(e['full_scans']) or '—'} |")
    return lines


def plans(scs: list[Scenario], explains: dict) -> list[str]:
    lines = ["", "## Query plans", ""]
    for sc in scs:
        lines += [f"### {sc.label}", ""]
        for e in explains.get(sc.key, []):
            lines += [f"**{label(e['sql'])}** — {e['ms']:.2f} ms during the benchmark", "",
                      "```sql", " ".join(e["sql"].split()), "```", "", "```",
                      *e["plan"], "```", ""]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data already loaded when it has the same number of members")
    parser.add_argument("--force", action="store_true",
                        help="wipe the database even if its name does not contain 'bench'")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args(argv)

    url = sa.make_url(args.database_url)
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url_s = url.render_as_string(hide_password=False)
    guard(url, args.force)

    if url.get_backend_name() == "postgresql":
        ensure_postgres_database(url)
    app = make_app(url_s) if args.reuse else None
    build_s = None
    if app is not None and existing_members(app) == args.members:
        print(f"reusing the {args.members} members already in the database")
    else:
        reset_database(url_s)
        app = make_app(url_s)
        started = time.perf_counter()
        load(app, args.members, args.seed)
        build_s = time.perf_counter() - started
        print(f"loaded {args.members} members in {build_s:.1f} s")

    recorder = Recorder()
    dialect, version = instrument(app, recorder)

    # No app context is held open here: each test-client request gets its own, hence its own
    # SQLAlchemy session, exactly as in production.
    client = app.test_client()
    login(client)
    load_before = os.getloadavg()[0]
    scs = scenarios(args.members, args.seed)
    for sc in scs:
        run(client, recorder, sc, args.requests)
        print(f"  {sc.label}: p95 {sc.ms(0.95):.1f} ms, {sc.counts[-1]} statements",
              flush=True)
    sizes = statements_by_page_size(app, client, recorder)
    explains = {} if args.no_explain else {sc.key: explain(app, sc.last_statements)
                                           for sc in scs}

    meta = {
        "dialect": dialect, "database": str(version).split(" on ")[0],
        "members": f"{args.members:,}", "cooperatives": 1, "colleges": len(COLLEGES),
        "page size": app.config["REGISTER_PAGE_SIZE"],
        "dataset build": f"{build_s:.1f} s" if build_s is not None else "reused",
        "python": platform.python_version(), "sqlalchemy": sa.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "run at": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load average (1 min) before/after": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}",
    }
    head = summary(meta, scs, sizes, explains, args.requests)
    print()
    print("\n".join(head))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"register-{dialect}.md"
    out.write_text("\n".join(head + plans(scs, explains)) + "\n", encoding="utf-8")
    print()
    print(f"written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0 if all(sc.ms(0.95) < TARGET_P95_MS for sc in scs) else 1


if __name__ == "__main__":
    sys.exit(main())
