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


def test_simultaneous_casts_of_many_voters_keep_the_journal_chained(crowd, make_coop,
                                                                    make_person, make_member):
    """Each cast journals an entry: appends that race for the head of the chain wait for its
    row lock and chain on the newest entry."""
    from governance.models import AuditEntry
    from governance.services.journal import head, verify_chain

    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voters = [make_member(coop).person.id for _ in range(20)]
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.open_vote(admin, vote, now=NOW, notify=False)
    vote_id = vote.id
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    def attempt(i):
        me, v = db.session.get(Person, voters[i]), db.session.get(Vote, vote_id)
        return lambda: svc.cast(me, v, "for", now=NOW) and "cast"

    assert crowd(20, attempt) == ["cast"] * 20
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before + 20
    checked, broken, why = verify_chain()
    assert (broken, why) == (None, "") and checked == before + 20
    newest = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert head() == f"{newest.id}:{newest.hash}"
