"""Two instances on one database, as docs/deploy.md runs them: two gunicorn servers on two
ports with the shipped config, one PostgreSQL, one Redis. A session opened on one is valid on
the other and ends on both; one voter casting on both at once gets one ballot; the login
limit counts the guesses sent to either; each instance's clock runs each task once in all; a
worker killed in the middle of an import loses nothing."""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.platform.extensions import db
from tests.conftest import DATABASE_URL, PASSWORD, is_postgres
from tests.servers import free_port, wait_until_up
from votes.models import Ballot, Emargement

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/13"

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="instances share PostgreSQL")]


def _redis_or_skip() -> None:
    import redis
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        if os.environ.get("CI") == "true":  # .ci/run starts one
            pytest.fail("no Redis on 127.0.0.1:6379 although CI=true", pytrace=False)
        pytest.skip("no Redis on 127.0.0.1:6379")


def _env() -> dict:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, JOBS="worker",
               SECRET_KEY="two-instances-" + "k" * 40, WEB_CONCURRENCY="2",
               LOGIN_RATE_LIMIT="10 per minute", TWO_FACTOR_REQUIRED="0")
    return env


@pytest.fixture
def instances(tmp_path):
    """The addresses of two instances (A, B), stopped after the test."""
    _redis_or_skip()
    servers, bases = [], []
    for name in "ab":
        port = free_port()
        with (tmp_path / f"{name}.log").open("wb") as log:
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "--chdir", str(ROOT), "app:create_app()"],
                env=_env() | {"BIND": f"127.0.0.1:{port}"}, stdout=log, stderr=subprocess.STDOUT))
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        wait_until_up(base)
    yield bases
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(30)


def _browser():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _open(opener, url: str, form: dict | None = None) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(url, data, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


def _log_in(opener, base: str, email: str, password: str = PASSWORD) -> int:
    _, page = _open(opener, base + "/login")
    return _open(opener, base + "/login",
                 {"csrf_token": _token(page), "email": email, "password": password})[0]


@pytest.fixture
def open_vote(make_coop, make_person, make_member):
    from tests.votes.test_views import new_vote
    coop = make_coop("smart", colleges=[("a", "A", "1/2"), ("b", "B", "1/2")])
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voters = [make_member(coop, college=c).person for c in "ab"]
    vote = new_vote(coop, admin)
    return vote, voters


def test_a_session_and_a_ballot_across_two_instances(instances, open_vote):
    a, b = instances
    vote, voters = open_vote
    browser = _browser()
    assert _log_in(browser, a, voters[0].email) == 200  # followed to the home page
    status, page = _open(browser, f"{b}/votes/{vote.id}")  # the same session, on B
    assert status == 200 and 'name="choice"' in page
    token = _token(page)

    outcomes, start = [], threading.Barrier(2)

    def cast(base):
        start.wait()
        outcomes.append(_open(browser, f"{base}/votes/{vote.id}/cast",
                              {"csrf_token": token, "choice": "for"}))

    threads = [threading.Thread(target=cast, args=(base,)) for base in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum('class="tracker"' in body for _, body in outcomes) == 1, outcomes
    assert all(status < 500 for status, _ in outcomes)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Emargement)) == 1

    _, page = _open(browser, f"{b}/")
    assert _open(browser, f"{b}/logout", {"csrf_token": _token(page)})[0] == 200
    status, page = _open(browser, f"{a}/votes/{vote.id}")  # ended on A too
    assert 'name="password"' in page and 'name="choice"' not in page


def test_the_login_limit_counts_guesses_sent_to_either_instance(instances):
    statuses = [_log_in(_browser(), instances[i % 2], f"nobody{i}@example.org", "nope")
                for i in range(15)]
    assert statuses == [200] * 10 + [429] * 5, statuses


def test_each_instance_s_clock_runs_each_task_once_in_all():
    at = "2026-12-06T09:00:30"  # one minute for all three (the clock's slot)
    clocks = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "clock", "--once",
                                "--at", at],
                               cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
              for _ in range(3)]
    outputs = [clock.communicate(timeout=60)[0] for clock in clocks]
    assert all(clock.returncode == 0 for clock in clocks), outputs
    said = "\n".join(outputs)
    assert said.count("votes.close-due:") == 1 and said.count("mail.send:") == 1, outputs


def _register(lines: int) -> bytes:
    header = ("number;kind;last_name;first_name;legal_name;email;address;representative_email;"
              "college;category;status;applied_on;admitted_on;admission_ref;email_consent")
    rows = [f";natural;Membre{i};Anne;;m{i}@example.net;;;entrepreneurs;"
            f"entrepreneur·e salarié·e;admis;2022-01-10;2022-03-15;CA 2022-03;oui"
            for i in range(lines)]
    return ("\n".join([header, *rows]) + "\n").encode()


def _worker(tmp_path, name: str) -> subprocess.Popen:
    with (tmp_path / f"{name}.log").open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                                cwd=ROOT, env=_env() | {"JOB_STALE_S": "2"}, stdout=log,
                                stderr=subprocess.STDOUT)


def _job_row(job_id: int):
    from governance.models import Job
    with db.engine.connect() as conn:
        return conn.execute(sa.select(Job.state, Job.done, Job.attempts)
                            .where(Job.id == job_id)).one()


def test_a_worker_killed_mid_import_loses_nothing(tmp_path, make_coop, make_person):
    """kill -9 of the worker in the middle of an import: nothing of it is written (one
    transaction), and another worker takes the job again once its heartbeat is stale."""
    import time

    from governance.models import AuditEntry, Job, Membership
    from tests.governance.platform.conftest import COLLEGES
    _redis_or_skip()
    coop = make_coop("smartfr", colleges=COLLEGES)
    admin = make_person("admin@example.org", roles={coop: "admin"})
    data = _register(400)
    job = Job(kind="register_import", cooperative_id=coop.id, person_id=admin.id, data=data,
              sha256="0" * 64)
    db.session.add(job)
    db.session.commit()
    first = _worker(tmp_path, "first")
    try:
        deadline = time.monotonic() + 60
        while (_job_row(job.id).done < 50 and _job_row(job.id)[0] in ("queued", "running")
               and time.monotonic() < deadline):
            time.sleep(0.1)
        assert _job_row(job.id)[0] == "running" and _job_row(job.id).done >= 50, \
            db.session.scalar(sa.select(Job.result).where(Job.id == job.id))
    finally:
        first.kill()  # SIGKILL: no cleanup of any kind
        first.wait(10)
    members = sa.select(sa.func.count()).select_from(Membership)
    assert db.session.scalar(members) == 0  # all or nothing

    second = _worker(tmp_path, "second")
    try:
        deadline = time.monotonic() + 120
        while _job_row(job.id)[0] != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        second.terminate()
        second.wait(10)
    assert _job_row(job.id)[0::2] == ("done", 2), (tmp_path / "second.log").read_text()[-2000:]
    db.session.expire_all()
    assert db.session.scalar(members) == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "job.requeue")) == 1
