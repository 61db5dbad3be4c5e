"""`flask backup` and `flask restore`: a restore into an empty database finds the journal intact
and the ballot box verifying; bad files, a non-empty database and an existing file are refused
with nothing changed."""
from __future__ import annotations

import stat
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from governance.models import AuditEntry, Person
from governance.platform.extensions import db
from tests.conftest import is_postgres
from votes import ballotbox
from votes import services as votes
from votes.models import Ballot, Vote

NOW = datetime(2021, 11, 29, 14, 0)


@pytest.fixture
def closed_vote(make_coop, make_person, make_member):
    coop = make_coop("smart", colleges=[("a", "A", "2/5"), ("b", "B", "3/5")])
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voters = [make_member(coop, college=c).person for c in "aab"]
    vote = votes.create_vote(admin, coop, votes.VoteDraft(title="Plan", kind="extraordinary"))
    votes.open_vote(admin, vote, now=NOW, notify=False)
    for person, choice in zip(voters, ["for", "against", "for"], strict=True):
        votes.cast(person, vote, choice, now=NOW)
    votes.close_vote(admin, vote, now=NOW + timedelta(hours=4))
    return vote


@pytest.fixture
def empty_database(app, tmp_path):
    """The address of a new, empty database (beside the test database), dropped after."""
    if not is_postgres():
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = db.engine.url
    name = f"{url.database}_restored"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _facts() -> tuple:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)),
            sorted(db.session.scalars(sa.select(Person.email))),
            db.session.scalar(sa.select(Vote.box_json)))


def test_a_backup_restores_into_an_empty_database(app, runner, closed_vote, empty_database,
                                                  tmp_path):
    before = _facts()
    file = tmp_path / "coopgov.backup"
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert f"backup written: {file}" in result.output
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # it holds the register
    assert not list(tmp_path.glob("*.partial"))

    other = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    other.instance_path = app.instance_path  # the same journal keys, kept apart from backups
    with other.app_context():
        restored = other.test_cli_runner().invoke(args=["restore", str(file)])
        assert restored.exit_code == 0, restored.output
        assert "restored" in restored.output
        checked = other.test_cli_runner().invoke(args=["audit", "verify"])
        assert checked.exit_code == 0, checked.output
        assert f"intact: {before[0]} entries" in checked.output
        assert _facts() == before
        vote = db.session.scalar(sa.select(Vote))
        problems, recount = ballotbox.verify(vote.box_json, fingerprint=vote.fingerprint)
        assert problems == [] and recount == vote.result
        again = other.test_cli_runner().invoke(args=["restore", str(file)])
        assert again.exit_code == 1 and "not empty" in again.output
        assert _facts() == before
        db.session.remove()
        db.engine.dispose()


def test_a_backup_never_overwrites_a_file(runner, tmp_path):
    file = tmp_path / "kept.backup"
    file.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 1 and "exists" in result.output
    assert file.read_bytes() == b"an older backup"


def test_a_file_that_is_no_backup_is_refused(app, runner, empty_database, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a backup")
    other = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["restore", str(file)])
        assert result.exit_code == 1 and "is not a" in result.output
        assert "nothing was changed" in result.output
        missing = other.test_cli_runner().invoke(args=["restore", str(tmp_path / "gone")])
        assert missing.exit_code == 1 and "cannot read" in missing.output
        assert sa.inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_a_restore_into_the_database_in_use_is_refused(runner, closed_vote, tmp_path):
    file = tmp_path / "coopgov.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    before = _facts()
    result = runner.invoke(args=["restore", str(file)])
    assert result.exit_code == 1 and "not empty" in result.output
    assert _facts() == before
