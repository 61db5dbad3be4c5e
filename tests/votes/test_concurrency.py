"""On PostgreSQL, simultaneous casts for the same roll entry leave exactly one ballot."""
import threading
from datetime import datetime

import pytest
import sqlalchemy as sa

from app import create_app
from governance.extensions import db
from governance.models import Person
from governance.services import DomainError
from tests.conftest import is_postgres
from votes import services as svc
from votes.models import Ballot, Emargement, Vote

pytestmark = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
NOW = datetime(2021, 11, 29, 14, 0)


def test_fifty_simultaneous_casts_leave_one_ballot(app, make_coop, make_person, make_member):
    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voter = make_member(coop).person
    make_member(coop)
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.open_vote(admin, vote, now=NOW, notify=False)
    vote_id, voter_id = vote.id, voter.id
    # Its own app: a pool as large as the crowd, so that all 50 hold a connection at once.
    crowd = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 50, "max_overflow": 0}})
    start = threading.Barrier(50, timeout=30)
    outcomes, lock = [], threading.Lock()

    def attempt(choice):
        with crowd.app_context():
            me, v = db.session.get(Person, voter_id), db.session.get(Vote, vote_id)
            start.wait()
            try:
                svc.cast(me, v, choice, now=NOW)
                outcome = "cast"
            except DomainError as err:
                outcome = err.code
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(["for", "against"][i % 2],))
               for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with crowd.app_context():
        db.engine.dispose()
    assert sorted(set(outcomes)) == ["already_voted", "cast"]
    assert outcomes.count("cast") == 1 and len(outcomes) == 50
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Emargement)) == 1
