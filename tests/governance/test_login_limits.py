"""Login limits: per address and per account, shared by every worker (database, or Redis when
`REDIS_URL` is set), and a stranger's guesses do not lock the owner out of their own browser."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from governance import login_guard
from governance.rules import login as rules
from tests.conftest import DATABASE_URL, PASSWORD
from tests.servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


def test_limits_are_parsed():
    assert rules.parse_limit("10 per minute") == (10, 60)
    assert rules.parse_limit("3/hour") == (3, 3600)
    with pytest.raises(ValueError):
        rules.parse_limit("often")


@pytest.mark.parametrize("failures,first_at,now,wait", [
    (9, 100, 100, 0), (10, 100, 100, 60), (10, 100, 159, 1), (10, 100, 160, 0), (50, 100, 130, 30)])
def test_an_address_waits_out_its_window_once_at_the_limit(failures, first_at, now, wait):
    assert rules.address_wait(failures, first_at, 10, 60, now) == wait


@pytest.mark.parametrize("failures,delay", [(0, 0), (4, 0), (5, 1), (6, 2), (9, 16), (15, 900),
                                            (40, 900)])
def test_an_account_is_slowed_more_with_each_failure(failures, delay):
    assert rules.account_delay(failures) == delay
    assert rules.account_wait(failures, 1000, 1000) == delay
    assert rules.account_wait(failures, 1000, 1000 + delay) == 0


def _try(client, email, password, address):
    return client.post("/login", data={"email": email, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


def test_guesses_from_many_addresses_slow_the_account(app, make_person, monkeypatch):
    make_person("ada@example.org")
    client = app.test_client()
    for i in range(rules.FREE_FAILURES):
        assert _try(client, "ada@example.org", "nope", f"10.0.0.{i}").status_code == 200
    response = _try(client, "ada@example.org", PASSWORD, "10.0.1.1")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    later = time.time() + 2
    monkeypatch.setattr(login_guard.time, "time", lambda: later)
    assert _try(client, "ada@example.org", PASSWORD, "10.0.1.1").status_code == 302


def test_the_owner_s_own_browser_is_not_locked_out_by_a_stranger(app, make_person):
    make_person("ada@example.org")
    owner, stranger = app.test_client(), app.test_client()
    assert _try(owner, "ada@example.org", PASSWORD, "192.0.2.1").status_code == 302
    owner.post("/logout")
    for i in range(12):  # from the owner's own (shared) address and others
        _try(stranger, "ada@example.org", "nope", "192.0.2.1" if i % 2 else f"198.51.100.{i}")
    assert _try(stranger, "ada@example.org", PASSWORD, "198.51.100.99").status_code == 429
    assert _try(owner, "ada@example.org", PASSWORD, "192.0.2.1").status_code == 302


def _redis_url() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return None
    return "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize("storage", ["database", "redis"])
def test_the_address_limit_holds_across_four_workers(app, tmp_path, storage):
    """15 wrong passwords from one address, each on its own account, to gunicorn's 4 workers:
    10 are checked, then every one is refused, whichever worker answers."""
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, LOGIN_RATE_LIMIT="10 per minute",
               SECRET_KEY="test-workers")
    env.pop("REDIS_URL", None)
    if storage == "redis":
        if _redis_url() is None:
            if os.environ.get("CI") == "true":  # .ci/run starts one
                pytest.fail("no Redis on 127.0.0.1:6379 although CI=true", pytrace=False)
            pytest.skip("no Redis on 127.0.0.1:6379")
        env["REDIS_URL"] = _redis_url()
        import redis
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
         "--chdir", str(tmp_path), "--pythonpath", str(ROOT), "app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        statuses = []
        for i in range(15):
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            page = opener.open(base + "/login").read().decode()
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode({"csrf_token": token, "email": f"nobody{i}@example.org",
                                           "password": "nope"}).encode()
            try:
                statuses.append(opener.open(base + "/login", data).status)
            except urllib.error.HTTPError as err:
                statuses.append(err.code)
        assert statuses == [200] * 10 + [429] * 5, statuses
    finally:
        server.terminate()
        server.wait(10)
