"""Benchmark of electronic votes: 10,000 voters casting through gunicorn, and the tally at 100,000.

    .venv/bin/python -m bench.vote_bench [--database-url URL] [--voters 10000] [--workers N]
                                         [--concurrency N]

Builds a throw-away PostgreSQL database from the Alembic migrations, bulk-loads one cooperative
(5 weighted colleges) with N admitted members and an admin, creates and opens a secret
resolution vote with the real services (the roll is frozen by `open_vote`), then serves the real
application with gunicorn and, from a second process, makes every voter cast one ballot through
`POST /votes/<id>/cast` with a forged Flask-Login session cookie and a valid CSRF token (CSRF on,
as in production). In the same run it loads `GET /healthz`, the bare endpoint of the same server,
with the same number of requests and the same concurrency. Then it checks the ballot box in the
database, adds synthetic ballots up to 100,000 and times the tally (`services.count`: GROUP BY
rows counted by `rules.tally`), the sealing of the box and `rules.tally` over single ballots
against a raw SQL GROUP BY over the same rows. The
markdown report is printed and written to bench/results/votes-postgresql.md. See bench/README.md.

With `--encrypted`, the same run also measures encrypted ballots: a second secret resolution
vote gets a key ceremony (3 holders of the dataset, any 2 open the box, seeds derived from fixed
texts), is opened, and every voter posts a ballot encrypted beforehand (a pool of 2 processes,
before any timing) to `POST /votes/<id>/cast`; gunicorn then serves `bench.floor:create_app()`,
the application plus the floor `POST /bench/floor` (session, user load, CSRF, one INSERT, commit,
small page), loaded with the same requests at the same concurrency. After the load the encrypted
vote is closed and its box opened by 2 holders in-process (both timed), and the decrypted
per-college totals must equal the choices sent. The report puts the plain cast, the encrypted
cast and the floor side by side (throughput, latency, server CPU per request).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench.common import guard
from bench.register_bench import (
    COLLEGES,
    FIRST,
    LAST,
    _pick,
    ensure_postgres_database,
    reset_database,
)
from bench.smtp_sink import Sink

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_votes"
RESULTS = ROOT / "bench" / "results"
TARGET_TOTAL_S = 60.0
TARGET_P99_MS = 300.0
TARGET_BARE_RATIO = 0.40
TARGET_TALLY_RATIO = 3.0
TALLY_BALLOTS = 100_000
TALLY_RUNS = 5
TARGET_FLOOR_RATIO = 2.0  # encrypted cast's server CPU per request ≤ 2 × the floor's (reported)
HOLDERS, THRESHOLD = 3, 2  # the encrypted vote's bureau: any 2 of 3 holders open the box
ENCRYPT_PROCESSES = 2

SLUG = "vote-bench"
ADMIN_EMAIL = "admin@vote-bench.example.org"
VOTER_EMAIL = "v{n}@vote-bench.example.org"
OUTBOX_TO = re.compile(rb"^To: (v\d+|admin)@vote-bench\.example\.org\r?$", re.M)
USER_AGENT = "coopgov-vote-bench/1"
CHOICES = ("for", "against", "abstain")


# --------------------------------------------------------------------------- database


def make_app(url: str, secret_key: str):
    from app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})


@dataclass
class EncryptedVote:
    """The second vote of an `--encrypted` run: a secret resolution with a key ceremony."""
    vote_id: int
    public_id: str
    public_key: str  # the bureau's key, as the opening froze it
    roll: int
    holders: list[int]  # person ids of holders 1 … HOLDERS
    on_roll: dict[int, tuple[str, str]]  # person id → (college, weight) on the vote's roll
    ceremony_s: float  # the ceremony and the opening, through the services


@dataclass
class Dataset:
    vote_id: int
    public_id: str
    roll: int
    voters: list[tuple[int, str]]  # (person id, Flask-Login session id)
    admin: tuple[int, str]
    build_s: float
    encrypted: EncryptedVote | None = None


def holder_seed(position: int) -> bytes:
    """Key holder `position`'s 32-byte seed: fixed, the benchmark's only (never a real vote's)."""
    return hashlib.sha256(f"coopgov vote bench key holder {position}".encode()).digest()


def load(app, voters: int, seed: int, with_email: bool, encrypted: bool = False) -> Dataset:
    """One cooperative, five colleges, `voters` admitted members, an admin, an open vote (and,
    with `encrypted`, a second open vote whose ballots are encrypted)."""
    from flask_migrate import upgrade

    from governance.models import College, Cooperative, CoopRole, Membership, Person, Role
    from governance.platform.extensions import db
    from governance.services import sessions
    from governance.services.accounts import hash_password
    from votes import bureau, services
    from votes.crypto import group
    from votes.models import RollEntry

    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        coop = Cooperative(slug=SLUG, name="Vote Bench Coop", legal_form="scic_sa",
                           nominal_share_value=Decimal(25), weighting="colleges")
        coop.colleges = [College(code=c, name=n, weight=w, position=i)
                         for i, (c, n, w, _cat, _share) in enumerate(COLLEGES)]
        # One real argon2 hash shared by every member: rows of the real size, computed once.
        password_hash = hash_password(secrets.token_urlsafe(16))
        admin = Person(email=ADMIN_EMAIL, first_name="Ada", last_name="Admin",
                       password_hash=password_hash)
        admin.refresh_search_name()
        db.session.add_all([coop, admin])
        db.session.flush()
        db.session.add(CoopRole(cooperative_id=coop.id, person_id=admin.id, role=Role.ADMIN))
        db.session.commit()
        coop_id, admin_id = coop.id, admin.id
        college_ids = {c.code: c.id for c in coop.colleges}

        now = datetime(2026, 1, 1, 12, 0)
        people, facts = [], []
        for n in range(1, voters + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            people.append(dict(
                kind="natural", first_name=first, last_name=last, legal_name="",
                search_name=f"{first} {last}".lower(),
                email=VOTER_EMAIL.format(n=n) if with_email else None,
                address=f"{rng.randint(1, 200)} rue de la Coopération, 75011 Paris",
                representative_id=None, cooperative_id=None, password_hash=password_hash,
                locale=None, is_platform_admin=False, is_active_account=True, created_at=now))
            code, _name, _w, category, _share = _pick(rng, COLLEGES)
            applied = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3650))
            admitted = applied + timedelta(days=rng.randint(10, 90))
            facts.append(dict(
                cooperative_id=coop_id, number=n, college_id=college_ids[code],
                category=category, status="admitted", applied_on=applied, admitted_on=admitted,
                admission_ref=f"CA {admitted:%Y-%m}", left_on=None, exit_reason="",
                email_consent=True, email_consent_on=applied, created_at=now))
        with db.engine.begin() as conn:
            ids = []
            for i in range(0, voters, 5000):
                ids += conn.execute(sa.insert(Person).returning(
                    Person.id, sort_by_parameter_order=True), people[i:i + 5000]).scalars().all()
            for row, person_id in zip(facts, ids, strict=True):
                row["person_id"] = person_id
            for i in range(0, voters, 5000):
                conn.execute(sa.insert(Membership), facts[i:i + 5000])
        vacuum(db.engine)

        # The vote, created and opened by the real services: the roll is frozen by open_vote.
        admin = db.session.get(Person, admin_id)
        coop = db.session.get(Cooperative, coop_id)
        vote = services.create_vote(admin, coop, services.VoteDraft(
            title="Résolution de banc d'essai", body="Approuver les comptes de l'exercice.",
            method="resolution", secret=True))
        roll = services.open_vote(admin, vote, notify=False)
        vote_id, public_id = vote.id, vote.public_id
        on_roll = set(db.session.scalars(sa.select(RollEntry.person_id).where(
            RollEntry.vote_id == vote_id)))
        people_on_roll = db.session.scalars(sa.select(Person).where(Person.id.in_(on_roll))
                                            .order_by(Person.id)).all()
        voters_ids = [(p.id, f"{p.id}.{sessions.open_session(p)}") for p in people_on_roll]
        admin_session = (admin.id, f"{admin.id}.{sessions.open_session(admin)}")
        db.session.commit()  # the login sessions the forged cookies name

        sealed = None
        if encrypted:
            # The encrypted vote: the ceremony run through the services from the holders'
            # seeds (what their browsers do), then opened by the real service.
            ceremony_started = time.perf_counter()
            vote = services.create_vote(admin, coop, services.VoteDraft(
                title="Résolution chiffrée de banc d'essai",
                body="Approuver l'affectation du résultat de l'exercice.",
                method="resolution", secret=True))
            holders = people_on_roll[:HOLDERS]
            holder_ids = [p.id for p in holders]
            bureau.hold_ceremony(admin, vote, holders,
                                 [holder_seed(j) for j in range(1, HOLDERS + 1)], THRESHOLD,
                                 group.seeded(b"coopgov vote bench ceremony"))
            roll_encrypted = services.open_vote(admin, vote, notify=False)
            on_roll_encrypted = {pid: (college, weight) for pid, college, weight in
                                 db.session.execute(sa.select(
                                     RollEntry.person_id, RollEntry.college, RollEntry.weight)
                                     .where(RollEntry.vote_id == vote.id))}
            sealed = EncryptedVote(vote.id, vote.public_id,
                                   vote.opening["encryption"]["public_key"], roll_encrypted,
                                   holder_ids, on_roll_encrypted,
                                   time.perf_counter() - ceremony_started)
        vacuum(db.engine)
        db.session.remove()
    return Dataset(vote_id, public_id, roll, voters_ids, admin_session,
                   time.perf_counter() - started, sealed)


def vacuum(engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


# --------------------------------------------------------------------------- sessions


def forge(app, people: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """(session cookie, CSRF form token) per person, as Flask-Login and Flask-WTF make them.

    The cookie is signed by the app's own session interface and holds what `login_user` and
    `generate_csrf` would store: the user id, freshness, the session-protection identifier of
    this client (address and User-Agent) and the raw CSRF token. The form token is that raw
    token signed with Flask-WTF's scheme, so the server's CSRF check runs for real.
    """
    from flask_login.utils import _create_identifier
    from itsdangerous import URLSafeTimedSerializer

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                  headers={"User-Agent": USER_AGENT}):
        ident = _create_identifier()
        signer = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(app.config.get("WTF_CSRF_SECRET_KEY") or
                                  app.config["SECRET_KEY"], salt="wtf-csrf-token")
    out = []
    for _person_id, session_id in people:
        raw = secrets.token_hex(20)
        cookie = signer.dumps({"_user_id": session_id, "_fresh": True, "_id": ident,
                               "csrf_token": raw})
        out.append((cookie, csrf.dumps(raw)))
    return out


def http_request(method: str, path: str, port: int, *, cookie: str | None = None,
                 form: dict | None = None, cookie_name: str = "session") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
             f"User-Agent: {USER_AGENT}", "Accept-Language: fr", "Accept: text/html"]
    if cookie:
        lines.append(f"Cookie: {cookie_name}={cookie}")
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        lines += ["Content-Type: application/x-www-form-urlencoded",
                  f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --------------------------------------------------------------------------- encrypted ballots


def _encrypt_chunk(job: tuple) -> list[str]:
    """Encrypted ballots of `matrices` (0/1 per choice), as the voter's browser posts them
    (compact JSON); runs in a pool process, with only the vote's public id and key."""
    public_id, public_key, form, matrices, seed = job
    from votes.crypto import ballots as crypto_ballots
    from votes.crypto import group
    from votes.encryptedbox import ballot_context
    y, rng, context = group.point(public_key), group.seeded(seed), ballot_context(public_id)
    return [json.dumps(crypto_ballots.encrypt(context, y, form, matrix, rng),
                       separators=(",", ":")) for matrix in matrices]


def encrypt_ballots(app, sealed: EncryptedVote, choices: list[str], seed: int,
                    processes: int = ENCRYPT_PROCESSES) -> list[str]:
    """One encrypted ballot per choice, made by a pool of `processes` (spawned) processes.
    The shape and the 0/1 matrices come from the vote as the server reads it (`poll_of`)."""
    from governance.platform.extensions import db
    from votes import encryptedbox
    from votes.crypto import ballots as crypto_ballots
    from votes.models import Vote
    from votes.services import poll_of
    with app.app_context():
        poll = poll_of(db.session.get(Vote, sealed.vote_id))
        db.session.remove()
    form = encryptedbox.shape_of(poll)
    matrices = [crypto_ballots.plain(poll.method, list(poll.options), list(poll.grades), c)
                for c in choices]
    size = 200
    jobs = [(sealed.public_id, sealed.public_key, form, matrices[i:i + size],
             f"coopgov vote bench ballots {seed} {i}".encode())
            for i in range(0, len(matrices), size)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        out = [text for chunk in pool.imap(_encrypt_chunk, jobs) for text in chunk]
    return out


def time_check(sealed: EncryptedVote, app, ballots: list[str], n: int = 100) -> float:
    """Median seconds of the server's check of one ballot (`encryptedbox.check_ballot`: every
    proof), in this process, over `n` of the ballots; raises if one fails."""
    from governance.platform.extensions import db
    from votes import encryptedbox
    from votes.crypto import group
    from votes.models import Vote
    from votes.services import poll_of
    with app.app_context():
        poll = poll_of(db.session.get(Vote, sealed.vote_id))
        db.session.remove()
    y, runs = group.point(sealed.public_key), []
    for text in ballots[:n]:
        doc = json.loads(text)
        started = time.perf_counter()
        encryptedbox.check_ballot(sealed.public_id, y, poll, doc)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


# --------------------------------------------------------------------------- load (2nd process)


def _read_response(sock: socket.socket, buf: bytearray) -> tuple[int, bytes, bool]:
    """(status, body, server closes) of one HTTP/1.1 response; `buf` keeps extra bytes."""
    while (end := buf.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the headers")
        buf += chunk
    head = bytes(buf[:end]).decode("latin-1").split("\r\n")
    del buf[:end + 4]
    status = int(head[0].split(" ", 2)[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    closes = headers.get("connection", "").lower() == "close" or head[0].startswith("HTTP/1.0")
    if "content-length" in headers:
        size = int(headers["content-length"])
        while len(buf) < size:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed in the body")
            buf += chunk
        body = bytes(buf[:size])
        del buf[:size]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        raise ConnectionError("chunked responses are not supported by this client")
    else:  # the body runs to the end of the connection
        while chunk := sock.recv(65536):
            buf += chunk
        body, closes = bytes(buf), True
        buf.clear()
    return status, body, closes


@dataclass
class PhaseResult:
    name: str
    wall_s: float
    latencies: list[float]
    statuses: dict
    errors: int
    samples: list[str]
    client_cpu_s: float
    connections: int


def drive(port: int, name: str, requests: list[bytes], concurrency: int, kind: str) -> PhaseResult:
    """Send `requests` with `concurrency` threads (one keep-alive connection each, reopened
    when the server closes it) and check every response. Runs in the load process."""
    check = {
        "cast": lambda status, body: status == 200 and b'class="tracker"' in body,
        "bare": lambda status, body: status == 200 and body == b"ok",
        "page": lambda status, body: status == 200 and b'class="ballot"' in body,
        "floor": lambda status, body: status == 200 and b'class="bench-floor"' in body,
    }[kind]
    latencies = [0.0] * len(requests)
    statuses: Counter = Counter()
    samples: list[str] = []
    errors = [0]
    connections = [0]
    lock = threading.Lock()
    it = iter(range(len(requests)))
    barrier = threading.Barrier(concurrency + 1)

    def worker():
        sock, buf = None, bytearray()
        barrier.wait()
        while True:
            with lock:
                i = next(it, None)
            if i is None:
                break
            started = time.perf_counter()
            status, ok, why = 0, False, ""
            for attempt in (1, 2):
                reused = sock is not None
                try:
                    if sock is None:
                        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        buf.clear()
                        with lock:
                            connections[0] += 1
                    sock.sendall(requests[i])
                    status, body, closes = _read_response(sock, buf)
                    ok = check(status, body)
                    if not ok:
                        why = f"HTTP {status}: {body[:300]!r}"
                    if closes:
                        sock.close()
                        sock = None
                    break
                except OSError as err:  # includes ConnectionError and timeouts
                    if sock is not None:
                        sock.close()
                    sock = None
                    why = f"{type(err).__name__}: {err}"
                    if not (reused and attempt == 1):
                        break  # retry only a request sent on a kept-alive connection
            latencies[i] = time.perf_counter() - started
            with lock:
                statuses[status] += 1
                if not ok:
                    errors[0] += 1
                    if len(samples) < 5:
                        samples.append(why)
        if sock is not None:
            sock.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    cpu0 = time.process_time()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return PhaseResult(name, wall, latencies, dict(statuses), errors[0], samples,
                       time.process_time() - cpu0, connections[0])


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url: str, secret_key: str, relay_port: int | None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MAIL_") and k not in ("REDIS_URL", "PROXY_COUNT", "HTTPS")}
    env |= {"DATABASE_URL": url, "SECRET_KEY": secret_key, "PYTHONDONTWRITEBYTECODE": "1",
            "TWO_FACTOR_REQUIRED": "0"}  # the benches' secretariat has no authenticator app
    if relay_port:  # the mail relay of a production host, on the loopback (no TLS there)
        env |= {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(relay_port), "MAIL_USE_TLS": "0"}
    return env


def start_server(url: str, secret_key: str, port: int, workers: int, threads: int, log: Path,
                 relay_port: int | None = None, app_spec: str = "app:create_app()",
                 timeout: int = 120, env: dict | None = None):
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--backlog", "4096", "--timeout", str(timeout), "--log-level", "warning"]
    if threads > 1:
        cmd += ["--threads", str(threads)]  # gthread workers
    cmd.append(app_spec)  # `bench.floor:create_app()` adds the floor endpoint
    out = log.open("wb")
    env = server_env(url, secret_key, relay_port) | (env or {})
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    out.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(http_request("GET", "/healthz", port))
                if _read_response(s, bytearray())[:2] == (200, b"ok"):
                    return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {log}")


def stop_server(proc) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown of master and workers
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the process group started for this server only
        proc.wait(10)


def cleanup_outbox(before: set[str]) -> int:
    """Remove the receipts the server mailed to the benchmark's own addresses (outbox mode)."""
    outbox = ROOT / "instance" / "outbox"
    if not outbox.is_dir():
        return 0
    removed = 0
    for path in outbox.glob("*.eml"):
        if path.name in before:
            continue
        try:
            with path.open("rb") as f:
                head = f.read(2048)
        except OSError:
            continue
        if OUTBOX_TO.search(head):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# --------------------------------------------------------------------------- CPU accounting

CLK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK


def cpu_snapshot(server_pid: int, dbname: str, load_pids: tuple[int, ...]) -> dict:
    """CPU seconds used so far by the gunicorn master and workers, by the PostgreSQL backends
    of the benchmark database, by the load processes (the load, the mail relay), and by the
    whole machine (busy, total)."""
    app = db = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        st = _stat(pid)
        if st is None:
            continue
        if pid == server_pid or st[0] == server_pid:
            app += st[1]
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if cmd.startswith(b"postgres: ") and f" {dbname} ".encode() in cmd:
            db += st[1]
    load = sum((_stat(pid) or (0, 0.0))[1] for pid in load_pids)
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = cpu[3] + cpu[4]
    return {"app": app, "db": db, "load": load, "busy": (sum(cpu) - idle) / CLK,
            "total": sum(cpu) / CLK}


def cpu_delta(a: dict, b: dict) -> dict:
    return {k: b[k] - a[k] for k in a}


class BackendSampler(threading.Thread):
    """Samples what the PostgreSQL backends of the benchmark database are doing (every
    `interval` s, from pg_stat_activity) and whether the row of the audit journal's head — the
    lock every write holds from `journal.record` to its commit — is locked (`pgrowlocks`), on a
    connection of its own."""

    def __init__(self, url: sa.URL, interval: float = 0.05):
        super().__init__(daemon=True)
        self.url, self.interval = url, interval
        self.states: Counter = Counter()
        self.samples = self.lock_held = self.lock_waiters = 0
        self._done = threading.Event()

    @staticmethod
    def category(state: str | None, wtype: str | None, event: str | None) -> str:
        if state == "idle":
            return "idle (no request in the database)"
        if state == "idle in transaction":
            return "in a transaction, waiting for the application"
        if wtype == "Lock" and event in ("transactionid", "tuple"):
            return f"waiting for a row lock, here the journal's head ({event})"
        if wtype == "Lock":
            return f"waiting for a lock ({event})"
        if wtype in ("IO", "LWLock") and event and "WAL" in event:
            return f"writing/flushing the WAL at commit ({event})"
        if wtype == "Client":
            return f"sending/receiving ({event})"
        if wtype is None and state == "active":
            return "running a statement (CPU)"
        return f"{state}: {wtype}/{event}"

    def run(self):
        import psycopg
        u = self.url
        with psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432,
                             user=u.username or "postgres", password=u.password,
                             dbname=u.database, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgrowlocks")
            while not self._done.is_set():
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'").fetchall()
                held = conn.execute(
                    "SELECT count(*) FROM pgrowlocks('site_meta') l JOIN site_meta m "
                    "ON m.ctid = l.locked_row WHERE m.key = 'audit_head'").fetchone()[0]
                self.samples += 1
                self.lock_held += bool(held)
                for row in rows:
                    category = self.category(*row)
                    self.states[category] += 1
                    self.lock_waiters += category.startswith("waiting for a row lock")
                self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join(10)


# --------------------------------------------------------------------------- checks and tally


def check_box(app, vote_id: int, sent: Counter | None) -> dict:
    """What the database holds after the cast phase (`sent` None: an encrypted vote, whose
    ballots' choices are read only from the decrypted totals)."""
    from governance.models import AuditEntry
    from governance.platform.extensions import db
    from votes.models import Ballot, Emargement, RollEntry
    with app.app_context():
        s = db.session
        out = {
            "ballots": s.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                .where(Ballot.vote_id == vote_id)),
            "emargements": s.scalar(sa.select(sa.func.count()).select_from(Emargement).join(
                RollEntry, RollEntry.id == Emargement.roll_entry_id)
                .where(RollEntry.vote_id == vote_id)),
            "roll voted": s.scalar(sa.select(sa.func.count()).select_from(RollEntry).where(
                RollEntry.vote_id == vote_id, RollEntry.voted)),
            "journal vote.cast": s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                          .where(AuditEntry.action == "vote.cast")),
        }
        if sent is not None:
            out["choices"] = {json.loads(c): n for c, n in s.execute(
                sa.select(Ballot.choice_json, sa.func.count()).where(Ballot.vote_id == vote_id)
                .group_by(Ballot.choice_json))}
            out["choices match"] = Counter(out["choices"]) == sent
        db.session.remove()
    return out


def close_and_open(app, sealed: EncryptedVote, admin_id: int,
                   sent: dict[str, Counter]) -> dict:
    """Close the encrypted vote (timed: `close_vote`, then the VACUUM of `close`), then open its
    box with holders 1 and 2 (timed each: the holder's partial decryptions with their proofs,
    and the upload's service; the second one opens the box). `sent`: per college, the summed
    roll weights of the choices sent; they must equal the decrypted totals."""
    from governance.models import Person
    from governance.platform.extensions import db
    from votes import bureau, services
    from votes.crypto import group
    from votes.models import Ballot, Vote
    rng = group.seeded(b"coopgov vote bench opening")
    out: dict = {}
    with app.app_context():
        admin = db.session.get(Person, admin_id)
        vote = db.session.get(Vote, sealed.vote_id)
        started = time.perf_counter()
        services.close_vote(admin, vote)
        out["close_vote_s"] = time.perf_counter() - started
        started = time.perf_counter()
        services.purge_dead_rows()
        out["purge_s"] = time.perf_counter() - started
        db.session.remove()
        out["opening_s"] = []
        result = None
        for j in range(1, THRESHOLD + 1):
            vote = db.session.get(Vote, sealed.vote_id)
            holder = db.session.get(Person, sealed.holders[j - 1])
            started = time.perf_counter()
            result = bureau.open_box(vote, [(holder, holder_seed(j), j)], rng)
            out["opening_s"].append(time.perf_counter() - started)
            db.session.remove()
        vote = db.session.get(Vote, sealed.vote_id)
        box = json.loads(vote.box_json) if vote.box_json else {}
        out["box ballots"] = len(box.get("ballots", ()))
        out["box format"] = box.get("format")
        out["ballots in table"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Ballot).where(Ballot.vote_id == vote.id))
        db.session.remove()
    out["result"] = result
    decrypted = {}
    for college in (result or {}).get("colleges", ()):
        decrypted[college["id"]] = {o: Fraction(college.get(o) or 0) for o in CHOICES}
    expected = {c: {o: Fraction(n.get(o, 0)) for o in CHOICES} for c, n in sent.items()}
    out["decrypted"], out["expected"] = decrypted, expected
    out["match"] = result is not None and all(
        decrypted.get(c, dict.fromkeys(CHOICES, Fraction(0))) == expected.get(
            c, dict.fromkeys(CHOICES, Fraction(0))) for c in set(decrypted) | set(expected))
    return out


def add_synthetic(app, vote_id: int, public_id: str, target: int, seed: int) -> int:
    """Valid ballots, roll entries (voted) and emargements up to `target` ballots in the vote,
    and the vote's fingerprint taken again over the larger roll."""
    from governance.models import Person
    from governance.platform.extensions import db
    from votes import boxseal, services
    from votes.models import Ballot, Emargement, RollEntry
    rng = random.Random(seed + 7)
    with app.app_context():
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                 .where(Ballot.vote_id == vote_id))
        extra = max(0, target - have)
        now = datetime(2026, 1, 1, 12, 0)
        with db.engine.begin() as conn:
            for start in range(0, extra, 10_000):
                n = min(10_000, extra - start)
                ids = conn.execute(sa.insert(Person).returning(
                    Person.id, sort_by_parameter_order=True), [dict(
                        kind="natural", first_name="Synthétique", last_name=f"{start + i}",
                        legal_name="", search_name=f"synthétique {start + i}", email=None,
                        address="", representative_id=None, cooperative_id=None,
                        password_hash=None, locale=None, is_platform_admin=False,
                        is_active_account=True, created_at=now) for i in range(n)]
                ).scalars().all()
                colleges = [_pick(rng, COLLEGES)[0] for _ in range(n)]
                roll_ids = conn.execute(sa.insert(RollEntry).returning(
                    RollEntry.id, sort_by_parameter_order=True), [dict(
                        vote_id=vote_id, person_id=pid, membership_number=None, college=col,
                        weight="1", voter_ref=secrets.token_hex(8), participating=True,
                        voted=True, open_tracker=None)
                        for pid, col in zip(ids, colleges, strict=True)]
                ).scalars().all()
                conn.execute(sa.insert(Emargement), [dict(roll_entry_id=r, channel="online")
                                                     for r in roll_ids])
                ballots = []
                for col in colleges:
                    content = {"tracker": services.tracker(), "college": col, "weight": "1",
                               "choice": rng.choice(CHOICES)}
                    ballots.append(dict(
                        id=secrets.token_hex(16), vote_id=vote_id, tracker=content["tracker"],
                        college=col, weight="1", choice_json=json.dumps(content["choice"]),
                        hash=boxseal.ballot_hash(public_id, content)))
                rng.shuffle(ballots)
                conn.execute(sa.insert(Ballot), ballots)
        # The synthetic voters joined the roll after the opening: fingerprint the roll again,
        # as if they had been on it then (the close refuses a roll that changed).
        from votes.models import Vote
        from votes.services import sealing
        vote = db.session.get(Vote, vote_id)
        vote.fingerprint = sealing.freeze(vote)["fingerprint"]
        db.session.commit()
        vacuum(db.engine)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                  .where(Ballot.vote_id == vote_id))
        db.session.remove()
    return total


RAW_SQL = ("SELECT college, choice_json, count(*), sum(CAST(weight AS numeric)) FROM ballot "
           "WHERE vote_id = :v GROUP BY college, choice_json")
RAW_ROLL_SQL = ("SELECT college, weight, participating, voted, count(*) FROM roll_entry "
                "WHERE vote_id = :v GROUP BY college, weight, participating, voted")


def poll_from_db(vote, rows_roll, rows_ballots):
    from votes import rules, services
    poll = services.poll_of(vote)
    colleges = tuple(rules.College(c.code, Fraction(c.weight)) for c in vote.cooperative.colleges)
    return rules.Poll(
        method=poll.method, rule=poll.rule, options=poll.options, seats=poll.seats,
        grades=poll.grades, colleges=colleges,
        roll=tuple(rules.RollEntry(c, Fraction(w), p, v) for c, w, p, v in rows_roll),
        ballots=tuple(rules.Ballot(c, Fraction(w), json.loads(ch)) for c, w, ch in rows_ballots))


@dataclass
class Timing:
    label: str
    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def time_tally(app, vote_id: int, runs: int) -> tuple[dict[str, Timing], dict]:
    """Median of `runs` timings of each way of computing the result over the same rows."""
    from governance.platform.clock import utcnow
    from governance.platform.extensions import db
    from votes import rules, services
    from votes.models import Ballot, RollEntry, Vote
    t = {k: Timing(label) for k, label in [
        ("raw", "raw SQL GROUP BY college, choice_json over the ballots"),
        ("close", "sealing at close: services.count, then services.sealed_box (load, hash, "
                  "fingerprint, seal, verify), as close_vote does"),
        ("load_tally", "rules.tally on Poll data loaded from the DB (load + tally)"),
        ("tally", "rules.tally alone (Poll already in memory)"),
        ("count", "the tally: services.count (GROUP BY rows of ballots and roll + rules.tally)"),
    ]}
    results = {}
    with app.app_context():
        for _ in range(runs):
            db.session.remove()
            with db.engine.connect() as conn:
                started = time.perf_counter()
                raw = conn.execute(sa.text(RAW_SQL), {"v": vote_id}).all()
                t["raw"].runs.append(time.perf_counter() - started)
            results["raw"] = raw

            db.session.remove()
            vote = db.session.get(Vote, vote_id)
            vote.closed_at = utcnow()  # what close_vote sets before sealing (never committed)
            started = time.perf_counter()
            box = services.sealed_box(vote, result=services.count(vote).as_json())
            t["close"].runs.append(time.perf_counter() - started)
            results["close"] = box["result"]
            db.session.rollback()
            db.session.remove()

            vote = db.session.get(Vote, vote_id)
            _ = vote.cooperative.colleges  # the vote row and its colleges, as the close has them
            started = time.perf_counter()
            rows_roll = db.session.execute(sa.select(
                RollEntry.college, RollEntry.weight, RollEntry.participating, RollEntry.voted)
                .where(RollEntry.vote_id == vote_id)).all()
            rows_ballots = db.session.execute(sa.select(
                Ballot.college, Ballot.weight, Ballot.choice_json)
                .where(Ballot.vote_id == vote_id)).all()
            poll = poll_from_db(vote, rows_roll, rows_ballots)
            loaded = time.perf_counter()
            result = rules.tally(poll).as_json()
            done = time.perf_counter()
            t["load_tally"].runs.append(done - started)
            t["tally"].runs.append(done - loaded)
            results["load_tally"] = result

            vote = db.session.get(Vote, vote_id)
            _ = vote.cooperative.colleges
            started = time.perf_counter()
            results["count"] = services.count(vote).as_json()
            t["count"].runs.append(time.perf_counter() - started)
            db.session.remove()
    return t, results


# --------------------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[round(q * 100) - 1]


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def report(meta: dict, phases: dict, cpu: dict, backends_by_phase: dict, box: dict,
           voters: int, timings, results, tally_ballots: int, args, mailed: dict
           ) -> tuple[list[str], bool]:
    cast = phases["cast"]
    bare = [phases["bare-before"], phases["bare-after"]]
    n = len(cast.latencies)
    cast_rate = n / cast.wall_s
    bare_rate = statistics.fmean(len(b.latencies) / b.wall_s for b in bare)
    ratio = cast_rate / bare_rate
    p50, p95, p99 = (pct(cast.latencies, q) * 1000 for q in (0.50, 0.95, 0.99))
    db_ok = (box["ballots"] == voters and box["emargements"] == voters
             and box["roll voted"] == voters and box["choices match"])
    raw = timings["raw"].median
    ok = {
        "total": cast.wall_s <= TARGET_TOTAL_S, "p99": p99 < TARGET_P99_MS,
        "errors": cast.errors == 0 and db_ok, "ratio": ratio >= TARGET_BARE_RATIO,
        "count": timings["count"].median <= TARGET_TALLY_RATIO * raw,
        "mailed": not mailed or mailed["messages"] == mailed["recipients"] == voters,
    }
    lines = [f"# Vote benchmark — {meta['dialect']}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += [
        "", f"{voters:,} distinct voters each cast one ballot (`POST /votes/<id>/cast`, forged "
        "Flask-Login session cookie, CSRF on) through gunicorn, from a second process with "
        f"{args.concurrency} concurrent connections; the bare endpoint `GET /healthz` gets the "
        "same number of requests at the same concurrency, before and after the casts.", "",
        "| Measure | Result | Target | |", "|---|---:|---|:---:|",
        f"| {voters:,} ballots cast, wall time | {cast.wall_s:.1f} s | ≤ {TARGET_TOTAL_S:.0f} s "
        f"| {mark(ok['total'])} |",
        f"| ballots/s | {cast_rate:.0f} | | |",
        f"| cast latency p50 / p95 / p99 | {p50:.0f} / {p95:.0f} / {p99:.0f} ms "
        f"| p99 < {TARGET_P99_MS:.0f} ms | {mark(ok['p99'])} |",
        f"| cast latency max | {max(cast.latencies) * 1000:.0f} ms | | |",
        f"| errors (anything but 200 with the receipt) | {cast.errors} "
        f"(statuses {fmt_statuses(cast.statuses)}) | 0 | {mark(cast.errors == 0)} |",
        f"| in the database: ballots / emargements / roll entries voted | "
        f"{box['ballots']:,} / {box['emargements']:,} / {box['roll voted']:,} | "
        f"exactly {voters:,} each | {mark(db_ok)} |",
        f"| ballots per choice = choices sent | {fmt_choices(box['choices'])} | equal | "
        f"{mark(box['choices match'])} |",
    ]
    if mailed:
        lines.append(
            f"| receipts received by the mail relay (messages / distinct voters) | "
            f"{mailed['messages']:,} / {mailed['recipients']:,}, the last "
            f"{mailed['after_s']:.1f} s after the last response | one per ballot | "
            f"{mark(ok['mailed'])} |")
    lines += [
        f"| bare `GET /healthz` req/s (before / after the casts) | "
        f"{len(bare[0].latencies) / bare[0].wall_s:.0f} / "
        f"{len(bare[1].latencies) / bare[1].wall_s:.0f} (errors {bare[0].errors + bare[1].errors})"
        f" | | |",
        f"| bare latency p50 / p99 (before) | {pct(bare[0].latencies, .5) * 1000:.1f} / "
        f"{pct(bare[0].latencies, .99) * 1000:.1f} ms | | |",
        f"| cast ÷ bare throughput (bare = mean of both runs) | {ratio:.1%} (against each: "
        f"{cast_rate * bare[0].wall_s / len(bare[0].latencies):.1%}, "
        f"{cast_rate * bare[1].wall_s / len(bare[1].latencies):.1%}) "
        f"| ≥ {TARGET_BARE_RATIO:.0%} | {mark(ok['ratio'])} |",
    ]
    lines += ["", "## Where the CPU goes (seconds of CPU per phase)", "",
              "Gunicorn = master and workers; PostgreSQL = the backends of the benchmark "
              "database; load = the load process; machine = every process (the machine is "
              f"shared: {os.cpu_count()} CPU).", "",
              "| Phase | wall s | requests | gunicorn CPU s | PostgreSQL CPU s | load CPU s "
              "| machine busy | gunicorn ms/req | PostgreSQL ms/req | connections |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key in phases:
        ph, c = phases[key], cpu[key]
        reqs = len(ph.latencies)
        busy = c["busy"] / c["total"] if c["total"] else 0
        lines.append(f"| {key} | {ph.wall_s:.1f} | {reqs:,} | {c['app']:.1f} | {c['db']:.1f} | "
                     f"{c['load']:.1f} | {busy:.0%} | {c['app'] / reqs * 1000:.2f} | "
                     f"{c['db'] / reqs * 1000:.2f} | {ph.connections:,} |")
    for key, backends in backends_by_phase.items():
        if not backends.samples:
            continue
        seen = sum(backends.states.values())
        lines += ["", "## PostgreSQL backends during the casts"
                  + (" of encrypted ballots" if key == "cast-encrypted" else ""), "",
                  f"{backends.samples:,} samples of `pg_stat_activity` (every "
                  f"{backends.interval * 1000:.0f} ms) over the {args.workers * args.threads} "
                  "connections of the server; the lock on the journal's head row (one for the "
                  "whole platform, taken by every write from `journal.record` to the commit) "
                  "was held "
                  f"in **{backends.lock_held / backends.samples:.0%}** of the samples, with "
                  f"{backends.lock_waiters / backends.samples:.2f} backends waiting for it on "
                  "average.", "", "| Backend state | share of backend samples |", "|---|---:|"]
        lines += [f"| {k} | {v / seen:.0%} |" for k, v in backends.states.most_common()]
    if any(ph.samples for ph in phases.values()):
        lines += ["", "First errors:", ""]
        lines += [f"- {key}: {s}" for key, ph in phases.items() for s in ph.samples]

    lines += ["", f"## Tally of {tally_ballots:,} ballots", "",
              f"{voters:,} cast ballots plus {tally_ballots - voters:,} synthetic ones (valid "
              "content and hashes, with roll entries marked voted and emargements) in the same "
              f"vote; median of {TALLY_RUNS} runs, fresh SQLAlchemy session each run.", "",
              "| Computation | median | runs | ÷ raw SQL | Target | |",
              "|---|---:|---|---:|---|:---:|"]
    for key in ("raw", "count", "close", "load_tally", "tally"):
        tm = timings[key]
        target = f"≤ {TARGET_TALLY_RATIO:.0f}×" if key == "count" else ""
        lines.append(f"| {tm.label} | {tm.median * 1000:.0f} ms | "
                     f"{', '.join(f'{x * 1000:.0f}' for x in tm.runs)} | "
                     f"{tm.median / raw:.1f}× | {target} | "
                     f"{mark(ok[key]) if key in ok else ''} |")
    same = results["close"] == results["load_tally"] == results["count"]
    lines += ["", f"The three computed results are identical: {same} "
              f"(outcome {results['close']['outcome']}, share for "
              f"{results['close']['share_for']})."]
    return lines, all(ok.values()) and same


def report_encrypted(phases: dict, cpu: dict, box: dict, opened: dict, mailed: dict,
                     voters: int, check_s: float, args) -> tuple[list[str], bool]:
    """The encrypted cast and the plain cast against the floor, the close and the opening;
    whether the checks hold (the targets are reported, not part of the exit status)."""
    def server_ms(key: str) -> float:
        return (cpu[key]["app"] + cpu[key]["db"]) / len(phases[key].latencies) * 1000

    def rate(key: str) -> float:
        return len(phases[key].latencies) / phases[key].wall_s

    enc = phases["cast-encrypted"]
    floor_ms, floor_rate = server_ms("floor"), rate("floor")
    ratio = {k: server_ms(k) / floor_ms for k in ("cast", "cast-encrypted")}
    p99 = pct(enc.latencies, .99) * 1000
    db_ok = box["ballots"] == box["emargements"] == box["roll voted"] == voters
    mailed_ok = not mailed or mailed["messages"] == voters
    checks = {"errors": enc.errors == 0 and phases["floor"].errors == 0, "db": db_ok,
              "mailed": mailed_ok, "result": opened["match"],
              "box": opened["box ballots"] == opened["ballots in table"] == voters}
    lines = ["", "## Encrypted ballots against the floor", "",
             f"A second secret resolution vote with a key ceremony ({HOLDERS} holders, any "
             f"{THRESHOLD} open the box): each of the {voters:,} voters posts a ballot encrypted "
             f"beforehand (by {ENCRYPT_PROCESSES} processes, before any timing) to "
             "`POST /votes/<id>/cast`; the server checks its proofs, then casts it as a plain "
             "ballot. The floor, `POST /bench/floor` (`bench/floor.py`, registered only in this "
             "server), is the cheapest authenticated write of the same stack: session, user "
             "load, CSRF, one INSERT, commit, a small page; it gets one request per voter at "
             f"the same concurrency ({args.concurrency}). Server CPU = gunicorn (master and "
             "workers, the receipt mails included) + the PostgreSQL backends of the database, "
             "over the phase.", "",
             "| Phase | requests | wall s | req/s | latency p50 / p95 / p99 ms | errors "
             "| gunicorn CPU ms/req | PostgreSQL CPU ms/req | server CPU ms/req "
             "| server CPU ÷ floor | req/s ÷ floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, label in [("floor", "floor `POST /bench/floor`"), ("cast", "plain cast"),
                       ("cast-encrypted", "encrypted cast"),
                       ("bare-before", "bare `GET /healthz` (before)"),
                       ("bare-after", "bare `GET /healthz` (after)")]:
        ph, c = phases[key], cpu[key]
        n = len(ph.latencies)
        lat = " / ".join(f"{pct(ph.latencies, q) * 1000:.0f}" for q in (.5, .95, .99))
        lines.append(f"| {label} | {n:,} | {ph.wall_s:.1f} | {rate(key):.0f} | {lat} | "
                     f"{ph.errors} | {c['app'] / n * 1000:.2f} | {c['db'] / n * 1000:.2f} | "
                     f"{server_ms(key):.2f} | {server_ms(key) / floor_ms:.2f}× | "
                     f"{rate(key) / floor_rate:.2f} |")
    close_s = opened["close_vote_s"] + opened["purge_s"]
    lines += [
        "", "| Measure | Result | Target | |", "|---|---:|---|:---:|",
        f"| encrypted cast ÷ floor, server CPU per request (proof checks included) | "
        f"{server_ms('cast-encrypted'):.2f} ÷ {floor_ms:.2f} ms = "
        f"**{ratio['cast-encrypted']:.2f}×** | ≤ {TARGET_FLOOR_RATIO:.0f}× | "
        f"{mark(ratio['cast-encrypted'] <= TARGET_FLOOR_RATIO)} |",
        f"| plain cast ÷ floor, server CPU per request (for reference) | "
        f"{server_ms('cast'):.2f} ÷ {floor_ms:.2f} ms = {ratio['cast']:.2f}× | "
        f"≤ {TARGET_FLOOR_RATIO:.0f}× | {mark(ratio['cast'] <= TARGET_FLOOR_RATIO)} |",
        f"| encrypted cast latency p99 ({voters:,} ballots) | {p99:.0f} ms | "
        f"< {TARGET_P99_MS:.0f} ms | {mark(p99 < TARGET_P99_MS)} |",
        f"| the server's check of one ballot's proofs, in-process (median of 100) | "
        f"{check_s * 1000:.2f} ms | | |",
        f"| errors: encrypted casts / floor (anything but 200 with the receipt / the page) | "
        f"{enc.errors} (statuses {fmt_statuses(enc.statuses)}) / {phases['floor'].errors} | 0 "
        f"| {mark(checks['errors'])} |",
        f"| in the database: ballots / emargements / roll entries voted | "
        f"{box['ballots']:,} / {box['emargements']:,} / {box['roll voted']:,} | "
        f"exactly {voters:,} each | {mark(db_ok)} |",
    ]
    if mailed:
        lines.append(f"| receipts received by the mail relay for these casts | "
                     f"{mailed['messages']:,}, the last {mailed['after_s']:.1f} s after the last "
                     f"response | one per ballot | {mark(mailed_ok)} |")
    lines += [
        f"| close: `services.close_vote` (exclusive lock, {voters:,} encrypted ballots summed "
        "per college, not rewritten) | "
        f"{opened['close_vote_s']:.2f} s | | |",
        f"| close: `VACUUM ballot` (`services.purge_dead_rows`) | {opened['purge_s']:.2f} s | | |",
        f"| close, in all (`services.close`) | {close_s:.2f} s | | |",
    ]
    for j, took in enumerate(opened["opening_s"], 1):
        what = ("its partial decryptions with their proofs, upload checked and stored"
                if j < THRESHOLD else "the same, then the box opened: totals decrypted, "
                "counted, format 3 box sealed and verified")
        lines.append(f"| opening, holder {j} (`bureau.open_box`: {what}) | {took:.2f} s | | |")
    lines += [
        f"| opening, in all ({THRESHOLD} holders of {HOLDERS}) | "
        f"{sum(opened['opening_s']):.2f} s | | |",
        f"| sealed box (format {opened['box format']}): ballots / in the table | "
        f"{opened['box ballots']:,} / {opened['ballots in table']:,} | {voters:,} each | "
        f"{mark(checks['box'])} |",
        f"| decrypted totals per college = choices sent | "
        f"{'equal' if opened['match'] else 'DIFFERENT'} | equal | {mark(opened['match'])} |",
        "", "| College | sent for / against / abstain | decrypted for / against / abstain |",
        "|---|---:|---:|"]
    zero = dict.fromkeys(CHOICES, Fraction(0))
    for college in sorted(set(opened["expected"]) | set(opened["decrypted"])):
        sent = opened["expected"].get(college, zero)
        got = opened["decrypted"].get(college, zero)
        lines.append(f"| {college} | {' / '.join(str(sent[o]) for o in CHOICES)} | "
                     f"{' / '.join(str(got[o]) for o in CHOICES)} |")
    if opened["result"]:
        lines += ["", f"Outcome of the encrypted vote: {opened['result']['outcome']} (share for "
                  f"{opened['result'].get('share_for')})."]
    return lines, all(checks.values())


def wait_for_receipts(relay: Sink, voters: int, timeout: float = 120.0,
                      already: int = 0) -> dict:
    """Wait until the relay holds a receipt per voter (the workers' mail threads send them
    after the responses) beyond the `already` messages of an earlier phase, at most `timeout`
    s; what it received (messages of this phase, distinct recipients of the run), and when."""
    started = time.perf_counter()
    while True:
        messages, recipients = relay.counts()
        waited = time.perf_counter() - started
        if messages - already >= voters or waited > timeout:
            return {"messages": messages - already, "recipients": recipients,
                    "after_s": waited}
        time.sleep(0.05)


def fmt_statuses(statuses: dict) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items()))


def fmt_choices(choices: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(choices.items()))


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_VOTES_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers (default 2 × CPU)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (> 1 uses gthread workers)")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="concurrent connections of the load (default 2 × workers)")
    parser.add_argument("--tally-ballots", type=int, default=TALLY_BALLOTS)
    parser.add_argument("--encrypted", action="store_true",
                        help="also an encrypted vote (key ceremony, 3 holders, any 2 open): its "
                             "casts, the floor endpoint POST /bench/floor, the close and the "
                             "opening of its box, in the same run")
    parser.add_argument("--no-email", action="store_true",
                        help="voters without an email address: no receipt is mailed")
    parser.add_argument("--outbox", action="store_true",
                        help="receipts written to instance/outbox (development mode) instead "
                             "of sent to the mail relay")
    parser.add_argument("--keep-outbox", action="store_true",
                        help="keep the receipts written to instance/outbox")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true",
                        help="wipe the database even if its name does not contain 'bench'")
    args = parser.parse_args(argv)
    args.concurrency = args.concurrency or 2 * args.workers * args.threads

    url = sa.make_url(args.database_url)
    if url.get_backend_name() != "postgresql":
        sys.exit("this benchmark runs on PostgreSQL only")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url_s = url.render_as_string(hide_password=False)
    guard(url, args.force)
    ensure_postgres_database(url)
    reset_database(url_s)

    secret_key = secrets.token_hex(32)  # this run's key, given to gunicorn as SECRET_KEY
    app = make_app(url_s, secret_key)
    data = load(app, args.voters, args.seed, with_email=not args.no_email,
                encrypted=args.encrypted)
    print(f"loaded {args.voters:,} members and opened the vote ({data.roll:,} on the roll) "
          f"in {data.build_s:.1f} s", flush=True)
    if data.roll != args.voters:
        sys.exit(f"the roll has {data.roll} entries, expected {args.voters}")
    sealed = data.encrypted
    if sealed is not None:
        print(f"  of which the encrypted vote's ceremony and opening: {sealed.ceremony_s:.1f} s "
              f"({sealed.roll:,} on its roll)", flush=True)
        if sealed.roll != args.voters:
            sys.exit(f"the encrypted vote's roll has {sealed.roll} entries, expected "
                     f"{args.voters}")

    # Everything the load sends is built before any timing.
    rng = random.Random(args.seed + 1)
    port = free_port()
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    started = time.perf_counter()
    forged = forge(app, data.voters + [data.admin])
    sent: Counter = Counter()
    cast_requests = []
    for cookie, token in forged[:-1]:
        choice = rng.choice(CHOICES)
        sent[choice] += 1
        cast_requests.append(http_request(
            "POST", f"/votes/{data.vote_id}/cast", port, cookie=cookie, cookie_name=cookie_name,
            form={"csrf_token": token, "choice": choice}))
    rng.shuffle(cast_requests)
    bare_requests = [http_request("GET", "/healthz", port)] * len(cast_requests)
    # Warm-up: every worker imports, renders and connects to the database before the timing;
    # the voters' own pages check that the forged sessions are accepted.
    page = [http_request("GET", f"/votes/{data.vote_id}", port, cookie=c, cookie_name=cookie_name)
            for c, _t in forged[:max(50, 8 * args.workers)]]
    print(f"forged {len(forged):,} sessions and CSRF tokens in "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    # The encrypted vote: one ballot per voter, encrypted by a pool of processes, and the
    # floor: one request per voter, with the same sessions.
    encrypted_requests: list[bytes] = []
    floor_requests: list[bytes] = []
    sent_encrypted: dict[str, Counter] = {}
    encrypt_s = check_s = 0.0
    if sealed is not None:
        erng = random.Random(args.seed + 2)
        choices = [erng.choice(CHOICES) for _ in data.voters]
        for (person_id, _sid), choice in zip(data.voters, choices, strict=True):
            college, weight = sealed.on_roll[person_id]
            sent_encrypted.setdefault(college, Counter())[choice] += Fraction(weight)
        started = time.perf_counter()
        ballots = encrypt_ballots(app, sealed, choices, args.seed)
        encrypt_s = time.perf_counter() - started
        check_s = time_check(sealed, app, ballots)
        print(f"encrypted {len(ballots):,} ballots in {encrypt_s:.1f} s "
              f"({ENCRYPT_PROCESSES} processes); the check of one takes {check_s * 1000:.1f} ms "
              f"here", flush=True)
        for (cookie, token), ballot in zip(forged[:-1], ballots, strict=True):
            encrypted_requests.append(http_request(
                "POST", f"/votes/{sealed.vote_id}/cast", port, cookie=cookie,
                cookie_name=cookie_name, form={"csrf_token": token, "ballot": ballot}))
            floor_requests.append(http_request(
                "POST", "/bench/floor", port, cookie=cookie, cookie_name=cookie_name,
                form={"csrf_token": token}))
        del ballots
        erng.shuffle(encrypted_requests)
        erng.shuffle(floor_requests)
        from bench.floor import create_table
        from governance.platform.extensions import db
        with app.app_context():
            create_table(db.engine)  # outside the timed phases, before the server
            db.session.remove()

    from governance.platform.extensions import db
    with app.app_context():
        version = db.session.execute(sa.text("SELECT version()")).scalar()
        db.session.remove()

    outbox = ROOT / "instance" / "outbox"
    outbox_before = {p.name for p in outbox.glob("*.eml")} if outbox.is_dir() else set()
    log = RESULTS / "votes-gunicorn.log"
    RESULTS.mkdir(exist_ok=True)
    server = None
    phases: dict[str, PhaseResult] = {}
    backends: dict[str, BackendSampler] = {}
    cpu: dict[str, dict] = {}
    load_before = os.getloadavg()
    relay = None if args.no_email or args.outbox else Sink()
    mailed: dict[str, dict] = {}
    app_spec = "bench.floor:create_app()" if sealed is not None else "app:create_app()"
    plan = [("bare-before", bare_requests, "bare"), ("cast", cast_requests, "cast")]
    if sealed is not None:
        plan += [("floor", floor_requests, "floor"),
                 ("cast-encrypted", encrypted_requests, "cast")]
    plan.append(("bare-after", bare_requests, "bare"))
    try:
        server = start_server(url_s, secret_key, port, args.workers, args.threads, log,
                              relay.port if relay else None, app_spec)
        print(f"gunicorn (pid {server.pid}) on 127.0.0.1:{port}: {args.workers} workers"
              + (f" × {args.threads} threads" if args.threads > 1 else "")
              + f", {app_spec}", flush=True)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            load_pids = (pool.submit(os.getpid).result(),) + ((relay.pid,) if relay else ())
            warm = pool.submit(drive, port, "warm-up", page, args.concurrency, "page").result()
            if warm.errors:
                raise RuntimeError(f"warm-up failed ({fmt_statuses(warm.statuses)}): "
                                   f"{warm.samples}")
            pool.submit(drive, port, "warm-up", bare_requests[:2000], args.concurrency,
                        "bare").result()
            if floor_requests:  # a few rows more in bench_floor, and the route warm
                warm = pool.submit(drive, port, "warm-up", floor_requests[:8 * args.workers],
                                   args.concurrency, "floor").result()
                if warm.errors:
                    raise RuntimeError(f"floor warm-up failed ({fmt_statuses(warm.statuses)}): "
                                       f"{warm.samples}")
            for key, reqs, kind in plan:
                sampler = BackendSampler(url) if key.startswith("cast") else None
                if sampler is not None:
                    sampler.start()
                already = relay.counts()[0] if relay is not None else 0
                before = cpu_snapshot(server.pid, url.database, load_pids)
                phases[key] = pool.submit(drive, port, key, reqs, args.concurrency,
                                          kind).result()
                if key.startswith("cast") and relay is not None:
                    mailed[key] = wait_for_receipts(relay, args.voters, already=already)
                cpu[key] = cpu_delta(before, cpu_snapshot(server.pid, url.database, load_pids))
                if sampler is not None:
                    sampler.stop()
                    backends[key] = sampler
                ph = phases[key]
                print(f"  {key}: {len(reqs):,} requests in {ph.wall_s:.1f} s "
                      f"({len(reqs) / ph.wall_s:.0f}/s), p99 {pct(ph.latencies, .99) * 1000:.0f} "
                      f"ms, errors {ph.errors}", flush=True)
    finally:
        stop_server(server)
        if relay is not None:
            relay.stop()
        removed = 0 if args.keep_outbox else cleanup_outbox(outbox_before)
    load_after = os.getloadavg()

    box = check_box(app, data.vote_id, sent)
    box_encrypted = opened = None
    if sealed is not None:
        box_encrypted = check_box(app, sealed.vote_id, None)
        print("closing the encrypted vote and opening its box", flush=True)
        opened = close_and_open(app, sealed, data.admin[0], sent_encrypted)
        print(f"  close {opened['close_vote_s'] + opened['purge_s']:.1f} s, opening "
              f"{' + '.join(f'{x:.1f}' for x in opened['opening_s'])} s, decrypted totals "
              f"{'equal' if opened['match'] else 'DIFFERENT from'} the choices sent", flush=True)
    total = add_synthetic(app, data.vote_id, data.public_id, args.tally_ballots, args.seed)
    print(f"{total:,} ballots in the vote; timing the tally ({TALLY_RUNS} runs)", flush=True)
    timings, results = time_tally(app, data.vote_id, TALLY_RUNS)

    meta = {
        "dialect": "postgresql", "database": str(version).split(" on ")[0],
        "server": f"gunicorn, {args.workers} "
                  + (f"gthread workers × {args.threads} threads" if args.threads > 1
                     else "sync workers") + f", `{app_spec}`",
        "load": f"1 process, {args.concurrency} threads, raw HTTP/1.1 sockets (keep-alive when "
                "the server keeps the connection)",
        "voters": f"{args.voters:,} (5 colleges 2/5, 1/5, 3/20, 3/20, 1/10)",
        "receipts": "not mailed (voters without email)" if args.no_email else
                    f"written to the outbox (instance/outbox; {removed:,} removed afterwards)"
                    if args.outbox else "sent by SMTP (no TLS) to a mail relay on the loopback "
                    "(`bench/smtp_sink.py`, a process of its own, counted in the load's CPU)",
        "dataset build": f"{data.build_s:.1f} s",
    }
    if sealed is not None:
        meta["encrypted vote"] = (
            f"secret resolution, key ceremony of {HOLDERS} holders (any {THRESHOLD} open) run "
            f"through the services and opened in {sealed.ceremony_s:.1f} s (in the build); "
            f"{args.voters:,} ballots encrypted beforehand in {encrypt_s:.1f} s by "
            f"{ENCRYPT_PROCESSES} processes")
    meta |= {
        "python": platform.python_version(), "sqlalchemy": sa.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "run at": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load average (1/5/15 min) before the load": " / ".join(f"{x:.1f}" for x in load_before),
        "load average (1/5/15 min) after the load": " / ".join(f"{x:.1f}" for x in load_after),
    }
    lines, passed = report(meta, phases, cpu, backends, box, args.voters, timings, results,
                           total, args, mailed.get("cast", {}))
    if sealed is not None:
        more, checked = report_encrypted(phases, cpu, box_encrypted, opened,
                                         mailed.get("cast-encrypted", {}), args.voters,
                                         check_s, args)
        lines += more
        passed = passed and checked
    print()
    print("\n".join(lines))
    out = RESULTS / "votes-postgresql.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print()
    print(f"written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
