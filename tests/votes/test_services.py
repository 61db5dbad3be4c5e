"""Votes through their services: frozen roll, one ballot per voter, secrecy, sealing, closing."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from governance.services.register import move_college
from votes import ballotbox
from votes import services as svc
from votes.models import Ballot, Emargement, RollEntry, State

COLLEGES = [("a", "A", "2/5"), ("b", "B", "3/10"), ("c", "C", "3/10")]
NOW = datetime(2021, 11, 29, 14, 0)


@pytest.fixture
def smart(make_coop, make_person, make_member):
    coop = make_coop("smart", colleges=COLLEGES)
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voters = [make_member(coop, college=c).person for c in "aabbbc"]
    make_member(coop, college="a", status="candidate")  # not on the roll
    return coop, admin, voters


def opened(coop, admin, **kw):
    draft = svc.VoteDraft(title="Plan de continuation", kind="extraordinary", **kw)
    vote = svc.create_vote(admin, coop, draft)
    svc.open_vote(admin, vote, now=NOW, notify=False)
    return vote


def test_rule_defaults_from_the_statutes(smart):
    coop, admin, _ = smart
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="AGE", kind="extraordinary"))
    assert (vote.threshold, vote.strict, vote.quorum, vote.weighting) == ("2/3", False, "1/4",
                                                                          "colleges")
    ordinary = svc.create_vote(admin, coop, svc.VoteDraft(title="AGO", quorum=""))
    assert (ordinary.threshold, ordinary.strict, ordinary.quorum) == ("1/2", True, None)


def test_only_admins_create_and_open(smart, make_person):
    coop, admin, voters = smart
    with pytest.raises(Forbidden):
        svc.create_vote(voters[0], coop, svc.VoteDraft(title="x"))
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="x"))
    with pytest.raises(Forbidden):
        svc.open_vote(voters[0], vote, notify=False)


def test_opening_freezes_the_roll(smart, make_member):
    coop, admin, voters = smart
    vote = opened(coop, admin)
    roll = db.session.scalars(sa.select(RollEntry).where(RollEntry.vote_id == vote.id)).all()
    assert sorted(e.college for e in roll) == list("aabbbc")  # candidates are not on it
    late = make_member(coop, college="c")
    move_college(admin, voters[0].memberships[0], "c", date(2021, 11, 30))
    db.session.expire_all()
    assert db.session.scalar(sa.select(RollEntry).where(
        RollEntry.person_id == voters[0].id)).college == "a"
    assert db.session.scalar(sa.select(RollEntry).where(
        RollEntry.person_id == late.person_id)) is None
    with pytest.raises(DomainError, match="vote_not_draft"):
        svc.open_vote(admin, vote, notify=False)


def test_eligibility_by_college_and_board(smart, make_person):
    coop, admin, _ = smart
    by_college = opened(coop, admin, eligibility="colleges", eligible_colleges=["b"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RollEntry).where(
        RollEntry.vote_id == by_college.id)) == 3
    board = svc.create_vote(admin, coop, svc.VoteDraft(title="CA", eligibility="board",
                                                       secret=False))
    with pytest.raises(DomainError, match="empty_roll"):
        svc.open_vote(admin, board, notify=False)
    make_person("board@example.org", roles={coop: "board"})
    assert svc.open_vote(admin, board, notify=False) == 1


def test_one_ballot_per_voter_and_only_for_the_roll(smart, make_person):
    coop, admin, voters = smart
    vote = opened(coop, admin)
    receipt = svc.cast(voters[0], vote, "for", now=NOW)
    assert len(receipt.tracker) == 14 and len(receipt.hash) == 64
    with pytest.raises(DomainError, match="already_voted"):
        svc.cast(voters[0], vote, "against", now=NOW)
    with pytest.raises(Forbidden):
        svc.cast(make_person("stranger@example.org"), vote, "for", now=NOW)
    with pytest.raises(DomainError, match="bad_ballot"):
        svc.cast(voters[1], vote, "maybe", now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1


def test_secret_ballots_hold_nothing_that_links_them_to_voters(smart):
    coop, admin, voters = smart
    vote = opened(coop, admin)
    for person, choice in zip(voters, ["for", "against", "for"], strict=False):
        svc.cast(person, vote, choice, now=NOW)
    assert set(Ballot.__table__.columns.keys()) == {"id", "vote_id", "tracker", "college",
                                                    "weight", "choice_json", "hash", "ciphertexts"}
    assert set(Emargement.__table__.columns.keys()) == {"id", "roll_entry_id", "channel"}
    assert all(e.open_tracker is None for e in db.session.scalars(sa.select(RollEntry)))
    ids = [b.id for b in db.session.scalars(sa.select(Ballot))]
    assert all(len(i) == 32 for i in ids)  # random ids, not a casting order
    casts = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "vote.cast"))
    assert all(e.summary == "{}" for e in casts)  # the journal says who cast, never what


def test_closing_seals_a_box_that_verifies(smart):
    coop, admin, voters = smart
    vote = opened(coop, admin)
    for person, choice in zip(voters, ["for", "for", "against", "for", "abstain"], strict=False):
        svc.cast(person, vote, choice, now=NOW)
    result = svc.close_vote(admin, vote, now=NOW + timedelta(hours=4))
    assert vote.state == State.CLOSED
    problems, recount = ballotbox.verify(vote.box_json)
    assert problems == [] and recount == result
    # a: 2 for of 2; b: 1 for 1 against (abstain not expressed); c: nobody → redistributed
    # S = (2/5·1 + 3/10·1/2) / (2/5 + 3/10) = 11/14 ≥ 2/3 → adopted
    assert (result["share_for"], result["outcome"]) == ("11/14", "adopted")
    assert vote.box["vote"]["opened_at"] == "2021-11-29T14:00:00+00:00"
    with pytest.raises(DomainError, match="vote_not_open"):
        svc.cast(voters[5], vote, "for", now=NOW)


def test_votes_close_when_their_time_has_passed(smart):
    coop, admin, voters = smart
    vote = opened(coop, admin, closes_at=NOW + timedelta(hours=1))
    assert not svc.is_open(vote, NOW + timedelta(hours=1))
    with pytest.raises(DomainError, match="vote_not_open"):
        svc.cast(voters[0], vote, "for", now=NOW + timedelta(hours=2))
    assert svc.close_due(NOW + timedelta(minutes=30)) == 0
    assert svc.close_due(NOW + timedelta(hours=2)) == 1
    assert vote.state == State.CLOSED and vote.result["outcome"] == "no_quorum"  # nobody voted


def test_open_ballots_remember_the_voter(smart):
    coop, admin, voters = smart
    vote = opened(coop, admin, secret=False)
    receipt = svc.cast(voters[0], vote, "for", now=NOW)
    entry = db.session.scalar(sa.select(RollEntry).where(RollEntry.person_id == voters[0].id))
    assert entry.open_tracker == receipt.tracker


def test_choice_approval_and_majority_judgment(smart):
    coop, admin, voters = smart
    approval = opened(coop, admin, method="approval", options=["Ana", "Ben", "Chloé"], seats=2)
    svc.cast(voters[0], approval, ["o1", "o3"], now=NOW)
    with pytest.raises(DomainError, match="bad_ballot"):
        svc.cast(voters[1], approval, ["o1", "o2", "o3"], now=NOW)
    mj = opened(coop, admin, method="majority_judgment", options=["Plan A", "Plan B"])
    svc.cast(voters[0], mj, {"o1": "Bien", "o2": "Passable"}, now=NOW)
    svc.close_vote(admin, mj, now=NOW)
    assert [r["id"] for r in mj.result["ranking"]] == ["o1", "o2"]
    with pytest.raises(DomainError, match="options_required"):
        svc.create_vote(admin, coop, svc.VoteDraft(title="x", method="choice", options=["A"]))
    with pytest.raises(DomainError, match="bad_seats"):
        svc.create_vote(admin, coop, svc.VoteDraft(title="x", method="approval",
                                                   options=["A", "B"], seats=2))


def test_close_due_command(runner, smart):
    coop, admin, voters = smart
    vote = opened(coop, admin, closes_at=datetime(2000, 1, 1))
    result = runner.invoke(args=["votes", "close-due"])
    assert result.exit_code == 0 and "1 vote(s) closed." in result.output
    db.session.expire_all()
    assert vote.state == State.CLOSED


def test_closing_rewrites_ballots_apart_from_the_emargement(smart):
    """Rows written with their emargement shared its transaction id and its order; the close
    rewrites every ballot in tracker order, in the closing transaction."""
    from tests.conftest import is_postgres
    coop, admin, voters = smart
    vote = opened(coop, admin)
    for person in voters:
        svc.cast(person, vote, "for", now=NOW)
    svc.close(admin, vote, now=NOW)
    if is_postgres():
        xmins = db.session.execute(sa.text("SELECT DISTINCT xmin::text FROM ballot")).scalars()
        emargements = db.session.execute(sa.text("SELECT xmin::text FROM emargement")).scalars()
        xmins, emargements = set(xmins), set(emargements)
        assert len(xmins) == 1 and not xmins & emargements
        order = "SELECT tracker FROM ballot ORDER BY ctid"
    else:
        order = "SELECT tracker FROM ballot ORDER BY rowid"
    stored = list(db.session.execute(sa.text(order)).scalars())
    assert stored == sorted(stored) and len(stored) == len(voters)
    assert ballotbox.verify(vote.box_json)[0] == []


@pytest.mark.parametrize("method, options, choices", [
    ("resolution", [], ["for", "for", "against", "abstain", "for", "against"]),
    ("choice", ["A", "B", "C"], ["o1", "o2", "o1", None, "o3", "o1"]),
    ("approval", ["A", "B", "C"], [["o1", "o2"], ["o2", "o1"], ["o3"], [], ["o1"], ["o2"]]),
    ("majority_judgment", ["A", "B"], [{"o1": "Bien", "o2": "Passable"}] * 3
     + [{"o1": "Insuffisant", "o2": "Très bien"}] * 3),
])
def test_the_grouped_count_equals_the_recount_of_single_ballots(smart, method, options, choices):
    """The close counts from GROUP BY rows; the box's verifier recounts ballot by ballot."""
    coop, admin, voters = smart
    vote = opened(coop, admin, method=method, options=options, quorum="",
                  **({"seats": 2} if method == "approval" else {}))
    for person, choice in zip(voters, choices, strict=True):
        svc.cast(person, vote, choice, now=NOW)
    grouped = svc.count(vote).as_json()
    vote.closed_at = NOW  # what the close sets before sealing
    problems, recount = ballotbox.verify(svc.sealed_box(vote))
    assert problems == [] and grouped == recount
    assert grouped == svc.close_vote(admin, vote, now=NOW)
