"""Fixtures of the vote tests: a cooperative of three weighted colleges with its secretariat
and six voters, test clients logged in as a person, and an empty outbox."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

COLLEGES = [("a", "A", "2/5"), ("b", "B", "3/10"), ("c", "C", "3/10")]


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    """Each test reads only the mail it sent (the development outbox outlives a test)."""
    shutil.rmtree(Path(app.instance_path) / "outbox", ignore_errors=True)


@pytest.fixture
def smart(make_coop, make_person, make_member):
    coop = make_coop("smart", colleges=COLLEGES)
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voters = [make_member(coop, college=c).person for c in "aabbbc"]
    return coop, admin, voters


@pytest.fixture
def user(app):
    """user(person) → a test client logged in as that person (each person their own client)."""

    def make(person):
        client = app.test_client()
        response = client.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return make
