"""Two instances on one database, as docs/deploy.md runs them: two gunicorn servers on two
ports with the shipped config, one PostgreSQL, one Redis. A session opened on one is valid on
the other and ends on both; one voter casting on both at once gets one ballot; the login
limit counts the guesses sent to either; each instance's clock runs each task once in all."""
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
