"""The vote's integrity from opening to the published box: the fingerprint fixed at opening,
the colleges frozen with it, a close that refuses to seal a box that would not verify, the
tracker lookup from the sealed box only, hand counts checked by the votes package, which alone
writes its tables."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, College
from governance.platform.extensions import db
from governance.platform.service import DomainError
from votes import ballotbox, boxseal
from votes import services as svc
from votes.models import Ballot, Batch, RollEntry, State, Vote

from .test_views import EN, SMALL_OK, new_vote, outbox_mail, text

ROOT = Path(__file__).resolve().parents[2]


def journal(action: str) -> dict:
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.id.desc())).first()
    return json.loads(entry.summary)


def test_opening_fingerprints_the_vote_and_publishes_it(app, smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False)
    user(admin).post(f"/votes/{vote.id}/open", data=SMALL_OK)
    db.session.refresh(vote)
    opened = journal("vote.open")["after"]["opening"]
    assert opened["fingerprint"] == vote.fingerprint and len(vote.fingerprint) == 64
    assert opened == boxseal.opening(vote.opening["vote"], vote.opening["colleges"],
                                       svc.sealing.roll(vote))
    assert vote.fingerprint in outbox_mail(app, voters[0].email)  # the opening notice
    page = text(user(voters[0]).get(f"/votes/{vote.id}", headers=EN))
    assert vote.fingerprint in page and f"--fingerprint {vote.fingerprint}" in page

    for person in voters:
        svc.cast(person, vote, "for")
    svc.close(admin, vote)
    db.session.refresh(vote)
    box = json.loads(vote.box_json)
    assert box["format"] == boxseal.FORMAT and box["opening"] == opened
    assert ballotbox.verify(box, fingerprint=vote.fingerprint)[0] == []
    assert journal("vote.close")["after"] | {"outcome": None} == {
        "seal": box["seal"], "fingerprint": vote.fingerprint, "outcome": None}


def test_the_colleges_and_weights_are_those_of_the_opening(smart):
    """The statutes may change while a vote is open: the vote counts with the weights it
    opened with, and publishes them."""
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    for person, choice in zip(voters, ["for", "for", "against", "against", "against", "for"],
                              strict=True):
        svc.cast(person, vote, choice)
    a, b = (db.session.scalar(sa.select(College).where(College.cooperative_id == coop.id,
                                                       College.code == code))
            for code in "ab")
    a.weight, b.weight = "3/10", "2/5"  # changed after the opening
    db.session.commit()
    result = svc.close(admin, vote)
    box = json.loads(db.session.get(Vote, vote.id).box_json)
    assert [c["weight"] for c in box["colleges"]] == ["2/5", "3/10", "3/10"]
    assert result["share_for"] == "7/10"  # 2/5·1 + 3/10·0 + 3/10·1


@pytest.mark.parametrize("tamper", ["roll", "rule"])
def test_a_vote_changed_in_the_database_after_opening_is_not_sealed(smart, tamper,
                                                                    make_member):
    """Someone with write access to the database adds a voter to the frozen roll, or rewrites
    the rule frozen at opening: the box no longer has the fingerprint taken at opening, so the
    close refuses to seal it (a clear message, the vote stays open), and says so in the log."""
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    svc.cast(voters[0], vote, "for")
    if tamper == "roll":
        intruder = make_member(coop, college="a").person
        db.session.add(RollEntry(vote_id=vote.id, person_id=intruder.id, college="a",
                                 weight="1", voter_ref="f" * 16))
    else:
        frozen = vote.opening
        frozen["vote"]["rule"]["threshold"] = vote.threshold = "1/3"
        vote.opening_json = json.dumps(frozen)
    db.session.commit()
    with pytest.raises(DomainError) as err:
        svc.close(admin, vote)
    assert err.value.code == "box_not_sealed"
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).state == State.OPEN


def test_the_tracker_page_reads_the_sealed_box_only(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    receipt = svc.cast(voters[0], vote, "against")
    svc.close(admin, vote)
    # a row slipped into the table after the seal is not in the published box
    db.session.add(Ballot(id="x" * 32, vote_id=vote.id, tracker="ZZZZ-ZZZZ-ZZZZ", college="a",
                          weight="1", choice_json='"for"', hash="0" * 64))
    db.session.commit()
    client = user(voters[1])
    found = text(client.get(f"/votes/{vote.id}/tracker?code={receipt.tracker}", headers=EN))
    assert "This ballot is in the sealed ballot box" in found and receipt.hash in found
    slipped = text(client.get(f"/votes/{vote.id}/tracker?code=zzzz zzzz-zzzz", headers=EN))
    assert "No ballot with the tracking code zzzz zzzz-zzzz is in the sealed ballot box" \
        in slipped
    assert client.get(f"/votes/{vote.id}/tracker?code=%00").status_code == 400  # at the edge


def test_hand_counts_are_checked_by_the_votes_package(smart):
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    room = [e.id for e in db.session.scalars(sa.select(RollEntry).where(
        RollEntry.vote_id == vote.id, RollEntry.college == "b"))]
    with pytest.raises(DomainError) as err:
        svc.add_hands(vote, "b", room, {"for": 2, "against": 2})
    assert err.value.code == "hands_too_many"
    with pytest.raises(DomainError) as err:
        svc.add_hands(vote, "z", room, {"for": 1})
    assert err.value.code == "bad_batch"
    svc.cast(voters[2], vote, "for")  # someone of the room voted meanwhile
    with pytest.raises(DomainError) as err:
        svc.add_hands(vote, "b", room, {"for": 1})
    assert err.value.code == "hands_room_changed"
    db.session.rollback()
    approval = new_vote(coop, admin, method="approval", options=["A", "B", "C"], seats=1)
    everyone = [e.id for e in db.session.scalars(sa.select(RollEntry).where(
        RollEntry.vote_id == approval.id, RollEntry.college == "b"))]
    with pytest.raises(DomainError) as err:
        svc.add_hands(approval, "b", everyone, {"for": 1})
    assert err.value.code == "bad_batch"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Batch)) == 0


def test_assemblies_never_write_the_votes_tables():
    """The ballot box's invariants live in one package: assemblies import no votes table that
    holds ballots, and write none (no insert, update or delete of a votes model)."""
    tables = {"Ballot", "Batch", "Emargement", "RollEntry", "Vote"}
    for path in (ROOT / "assemblies").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "votes.models":
                assert not {a.name for a in node.names} & {"Ballot", "Batch", "Emargement"}, \
                    path
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                    "insert", "update", "delete") and node.args:
                target = node.args[0]
                assert getattr(target, "id", None) not in tables, (path, node.lineno)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in tables:
                raise AssertionError(f"{path}:{node.lineno} makes a votes row")
