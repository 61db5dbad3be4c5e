"""`/healthz`, `/readyz` for a load balancer and `flask doctor` for the operator: each names
what is wrong (a database behind its migrations, Redis or mail not answering, a skewed clock,
production settings left at their defaults), and `/readyz` tells the public no detail."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance.platform import health
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from tests.conftest import is_postgres
from tests.servers import free_port  # nobody listens there

GOOD = {"AUDIT_KEYS": "set", "REDIS_URL": None, "HTTPS": True, "PROXY_COUNT": 1,
        "TWO_FACTOR_REQUIRED": True, "MAIL_SERVER": None, "JOBS": "worker"}


@pytest.fixture
def configured(app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setitem(app.config, "SECRET_KEY", "k" * 64)
    for key, value in GOOD.items():
        monkeypatch.setitem(app.config, key, value)
    return lambda **kw: [monkeypatch.setitem(app.config, k, v) for k, v in kw.items()]


@pytest.fixture
def behind(app):
    """The database one migration behind the code, put back after."""
    [head] = health.migration_heads()
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0024'"))
    yield
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :h"), {"h": head})


def test_healthz_and_readyz_when_all_is_well(client):
    assert client.get("/healthz").data == b"ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.data.decode() == "ready\ndatabase: ok\nmigrations: ok\n"
    assert ready.headers["Cache-Control"] == "no-store"


def test_readyz_fails_behind_the_migrations_and_without_redis(client, app, behind, monkeypatch):
    response = client.get("/readyz")
    assert response.status_code == 503 and "migrations: problem" in response.data.decode()
    monkeypatch.setitem(app.config, "REDIS_URL",
                        f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    text = client.get("/readyz").data.decode()
    assert "redis: problem" in text and "hunter2" not in text and "127.0.0.1" not in text


def test_doctor_passes_a_well_configured_deployment(runner, configured):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output
    assert "ok       migrations: the schema is at the latest migration" in result.output
    # without Redis nor a mail server here; SQLite serves one process only
    expected = {"redis url", "mail"} | (set() if is_postgres() else {"database kind"})
    assert _warned(result.output) == expected


def _warned(output: str) -> set[str]:
    return {line.split(":")[0].removeprefix("warning  ")
            for line in output.splitlines() if line.startswith("warning")}


def test_doctor_names_each_problem_in_plain_words(runner, configured, behind):
    configured(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False,
               REDIS_URL=f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("PROBLEM")]
    assert [line.split(":")[0] for line in lines] == [
        "PROBLEM  migrations", "PROBLEM  redis", "PROBLEM  mail"]
    assert "run `flask --app app db upgrade`" in lines[0]
    assert "hunter2" not in result.output and "***" in lines[1]
    assert "3 problem(s)" in result.output


def test_doctor_warns_of_settings_left_at_their_defaults(runner, configured, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    configured(AUDIT_KEYS=None, HTTPS=False, PROXY_COUNT=0, TWO_FACTOR_REQUIRED=False,
               JOBS="thread")
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output  # it serves, not as production should
    expected = {"secret key", "audit keys", "https", "second factor"}
    assert expected | ({"jobs"} if is_postgres() else set()) <= _warned(result.output)


def test_doctor_refuses_a_short_secret_key(runner, configured, app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "changeme")
    monkeypatch.setitem(app.config, "SECRET_KEY", "changeme")
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1 and "PROBLEM  secret key" in result.output


@pytest.mark.skipif(not is_postgres(), reason="the database's clock is PostgreSQL's")
def test_doctor_notices_a_clock_apart_from_the_database(runner, configured, monkeypatch):
    monkeypatch.setattr(health, "utcnow", lambda: utcnow() + timedelta(minutes=2))
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1 and "PROBLEM  clock" in result.output
    assert "differ by 120 s" in result.output
