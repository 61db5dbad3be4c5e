"""Shared fixtures: an app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), schema built by
the Alembic migrations, every table emptied after each test, and factories for test data."""
from __future__ import annotations

import contextvars
import os
import tempfile
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from governance.models import College, Cooperative, Person, Role
from governance.permissions import grant
from governance.platform import throttle
from governance.platform.extensions import db
from governance.platform.service import SYSTEM
from governance.services.accounts import hash_password
from governance.services.register import NewMember, add_member

PASSWORD = "correct horse battery"
_tmp = tempfile.mkdtemp(prefix="coopgov-test-")
DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_tmp}/test.db"


def is_postgres() -> bool:
    return DATABASE_URL.startswith("postgresql")


def _reset_schema(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'))
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own `g`, own database session), as in production,
    instead of reusing the test's: otherwise Babel's locale and Flask-Login's user leak across."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # streamed bodies are read inside the same context
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app():
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": DATABASE_URL, "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None, "LOGIN_RATE_LIMIT": "1000 per minute",
        "TWO_FACTOR_REQUIRED": False,  # tests/governance/test_two_factor.py turns it on
    })
    app.instance_path = _tmp
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema(db.engine)
        upgrade()  # the schema comes from the migrations, as in production
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test runs in an app context and leaves every table empty."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        throttle.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_coop():
    """make_coop(slug="c1", colleges=[("a", "A", "1/2"), …], **statutes) → Cooperative."""

    def make(slug="coop", colleges=None, **kw):
        values = dict(name=slug.capitalize(), legal_form="scic_sa", nominal_share_value=Decimal(25),
                      weighting="colleges" if colleges else "none") | kw
        coop = Cooperative(slug=slug, **values)
        coop.colleges = [College(code=c, name=n, weight=w, position=i)
                         for i, (c, n, w) in enumerate(colleges or [])]
        db.session.add(coop)
        db.session.commit()
        return coop

    return make


_HASHES: dict[str, str] = {}


def _hashed(password: str) -> str:
    """An argon2 hash of the password, computed once per password for the whole run (a hash
    costs about 0.3 s by design; any salt verifies the same password)."""
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


@pytest.fixture
def make_person():
    """make_person("a@x.org", roles={coop: "admin"}, platform_admin=False) → Person."""

    def make(email="someone@example.org", first="Ada", last="Lovelace", *, roles=None,
             platform_admin=False, password=PASSWORD, locale=None):
        p = Person(email=email, first_name=first, last_name=last, locale=locale,
                   password_hash=_hashed(password) if password else None,
                   is_platform_admin=platform_admin)
        p.refresh_search_name()
        db.session.add(p)
        db.session.flush()
        for coop, role in (roles or {}).items():
            grant(p, coop, Role(role))
        db.session.commit()
        return p

    return make


@pytest.fixture
def make_member(make_person):
    """make_member(coop, email=…, college=…, status="admitted") → Membership (person created)."""
    counter = iter(range(1, 10**6))

    def make(coop, email=None, *, college=None, status="admitted", category="user",
             person=None, **kw):
        if person is None:
            n = next(counter)
            person = make_person(email or f"member{n}.{coop.slug}@example.org", last=f"Member{n}")
        data = NewMember(college=college, category=category, status=status,
                         admitted_on=date(2021, 1, 1) if status == "admitted" else None,
                         admission_ref="CA 2021-01" if status == "admitted" else "", **kw)
        return add_member(SYSTEM, coop, data, person=person, check=False)

    return make


@pytest.fixture
def login(client):
    """login(person) logs the test client in with the fixtures' password."""

    def do(person, password=PASSWORD):
        response = client.post("/login", data={"email": person.email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return response

    return do


@pytest.fixture
def crowd(app):
    """crowd(n, attempt) runs attempt(i) for i < n in n threads at once, each in its own app
    context of an app whose pool holds all n connections; returns the outcomes (a DomainError's
    code, else what attempt returned). PostgreSQL only (SQLite serialises writers anyway)."""
    import threading

    from governance.platform.service import DomainError

    def run(n, attempt):
        other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": n, "max_overflow": 0}})
        other.instance_path = app.instance_path  # the same journal key
        start = threading.Barrier(n, timeout=30)
        outcomes, lock = [], threading.Lock()

        def one(i):
            with other.app_context():
                prepared = attempt(i)  # loads its rows, returns the write to race
                start.wait()
                try:
                    outcome = prepared()
                except DomainError as err:
                    outcome = err.code
                finally:
                    db.session.remove()
                with lock:
                    outcomes.append(outcome)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with other.app_context():
            db.engine.dispose()
        return outcomes

    return run
