"""On PostgreSQL, simultaneous casts for the same roll entry leave exactly one ballot."""
from datetime import datetime

import pytest
import sqlalchemy as sa

from governance.extensions import db
from governance.models import Person
from tests.conftest import is_postgres
from votes import services as svc
from votes.models import Ballot, Emargement, Vote

pytestmark = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
NOW = datetime(2021, 11, 29, 14, 0)


def test_fifty_simultaneous_casts_leave_one_ballot(crowd, make_coop, make_person, make_member):
    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voter = make_member(coop).person
    make_member(coop)
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.open_vote(admin, vote, now=NOW, notify=False)
    vote_id, voter_id = vote.id, voter.id

    def attempt(i):
        me, v = db.session.get(Person, voter_id), db.session.get(Vote, vote_id)
        return lambda: svc.cast(me, v, ["for", "against"][i % 2], now=NOW) and "cast"

    outcomes = crowd(50, attempt)
    assert sorted(set(outcomes)) == ["already_voted", "cast"]
    assert outcomes.count("cast") == 1 and len(outcomes) == 50
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Emargement)) == 1
