"""Benchmark of a large register import through gunicorn (4 workers, 30 s timeout) on PostgreSQL.

    .venv/bin/python -m bench.import_bench [--database-url URL] [--lines 26000] [--workers 4]

Builds a throw-away database from the migrations with one cooperative and its secretariat,
starts gunicorn as production would (sync workers, `--timeout 30`), then, as the secretariat in
a browser would: logs in, uploads a register file of N lines, confirms it, and follows the job's
page until it ends. Reports the time of each step, how the progress moved, the members counted
in the database afterwards and any HTTP 5xx. See bench/README.md.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import re
import secrets
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from bench.common import database_url
from bench.vote_bench import ROOT, free_port, make_app, start_server, stop_server

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench"
EMAIL, PASSWORD = "admin@bench.example.org", "bench-admin-password-2026"


def build(url: str, secret_key: str) -> None:
    from flask_migrate import upgrade

    from governance.models import College, Cooperative, Person, Role
    from governance.permissions import grant
    from governance.platform.extensions import db
    from governance.services.accounts import hash_password
    app = make_app(url, secret_key)
    with app.app_context():
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
        coop = Cooperative(slug="bench", name="Bench", legal_form="scic_sa",
                           nominal_share_value=Decimal(25), weighting="colleges")
        coop.colleges = [College(code=c, name=c, weight="1/2", position=i)
                         for i, c in enumerate(("a", "b"))]
        admin = Person(email=EMAIL, first_name="Anne", last_name="Admin",
                       password_hash=hash_password(PASSWORD))
        admin.refresh_search_name()
        db.session.add_all([coop, admin])
        db.session.flush()
        grant(admin, coop, Role.ADMIN)
        db.session.commit()
    return app


def register_file(n: int) -> bytes:
    lines = ["last_name;first_name;email;college;category;status;admitted_on;admission_ref;shares"]
    lines += [f"Nom{i};Prénom{i};p{i}@bench.example.org;{'ab'[i % 2]};user;admitted;2021-01-04;"
              f"CA-2021-01;{1 + i % 3}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


class Browser:
    """Cookies, CSRF tokens and redirects, as a browser without JavaScript."""

    def __init__(self, base: str):
        self.base, self.errors = base, []
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: bytes | None = None, headers=None) -> tuple[int, str, str]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as err:
            if err.code >= 500:
                self.errors.append((path, err.code))
            return err.code, err.url, err.read().decode()

    @staticmethod
    def token(page: str, name: str = "csrf_token") -> str:
        return re.search(rf'name="{name}"[^>]*value="([^"]+)"', page).group(1)

    def post(self, path: str, fields: dict, page: str):
        fields = {"csrf_token": self.token(page)} | fields
        body = urllib.parse.urlencode(fields).encode()
        return self.open(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path: str, page: str, data: bytes):
        boundary = secrets.token_hex(16)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{self.token(page)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"file\"; filename=\"register.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.open(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--lines", type=int, default=26_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    url, key = database_url(args.database_url, args.force), secrets.token_hex(32)
    app = build(url, key)
    data = register_file(args.lines)
    port, log = free_port(), Path(tempfile.mkdtemp(prefix="coopgov-import-")) / "gunicorn.log"
    server = start_server(url, key, port, args.workers, 1, log, timeout=30)
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        _s, _u, page = browser.open("/login")
        browser.post("/login", {"email": EMAIL, "password": PASSWORD}, page)
        _s, _u, page = browser.open("/c/bench/members/import")
        started = time.monotonic()
        status, _u, preview = browser.upload("/c/bench/members/import", page, data)
        checked = time.monotonic()
        if status != 200:
            print(f"upload refused: HTTP {status}", file=sys.stderr)
            return 1
        status, job_url, page = browser.post("/c/bench/members/import/confirm",
                                             {"token": browser.token(preview, "token")}, preview)
        confirmed = time.monotonic()
        path, polls, seen = job_url.removeprefix(browser.base), 0, []
        while "imported." not in page and "nothing was" not in page:
            time.sleep(1)
            _s, _u, page = browser.open(path, headers={"HX-Request": "true",
                                                       "HX-Target": "job-status",
                                                       "Accept-Language": "en"})
            polls += 1
            done = re.search(r'value="(\d+)"', page)
            seen.append(int(done.group(1)) if done else 0)
        ended = time.monotonic()
    finally:
        stop_server(server)
    from governance.models import Membership
    from governance.platform.extensions import db
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Membership))
    outcome = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()[:160]
    print(f"# Register import of {args.lines:,} lines through gunicorn ({args.workers} sync "
          f"workers, --timeout 30), {sa.make_url(url).get_backend_name()}\n")
    print(f"- upload and check (preview): {checked - started:.1f} s, HTTP 200")
    print(f"- confirmation request: {confirmed - checked:.2f} s (HTTP {status}, the job's page)")
    print(f"- job, from confirmation to its end: {ended - confirmed:.1f} s, {polls} polls; "
          f"progress seen: {', '.join(str(v) for v in seen[::max(1, len(seen) // 8)])}")
    print(f"- outcome: {outcome}")
    print(f"- members in the database: {count:,}; HTTP 5xx: {len(browser.errors)}")
    return 0 if count == args.lines and not browser.errors else 1


if __name__ == "__main__":
    sys.exit(main())
