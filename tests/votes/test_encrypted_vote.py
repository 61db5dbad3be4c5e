"""An encrypted vote through its services: the ceremony, the opening (refused before the
ceremony is done), ballots encrypted as the voters' browsers do and checked by the server,
the close that sums them per college without decrypting any, two holders out of three who
open the box, and a sealed format 3 box that verifies and recounts."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, QueuedMail
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from votes import ballotbox, boxjson, bureau, encryptedbox
from votes import services as svc
from votes.crypto import group as g
from votes.models import Ballot, State

from .test_ceremony import ceremony_of, run  # noqa: F401 - the fixture

rng = g.random_scalar


def encrypt(vote, choice):
    """What the voter's browser posts."""
    return bureau.encrypt_ballot(vote, choice, rng)


def holders_open(vote, browsers, who):
    entries = json.loads(vote.tally_json)
    results = []
    for b in browsers:
        if b.j in who:
            d = bureau.decryption(vote.public_id, vote.opening["encryption"], b.seed, b.j,
                                  entries, rng)
            results.append(svc.publish_decryption(b.person, vote, d["partials"], d["proofs"]))
    return results


@pytest.fixture
def encrypted_vote(smart, ceremony_of):  # noqa: F811
    coop, admin, voters = smart
    vote, browsers = ceremony_of()
    with pytest.raises(DomainError, match="ceremony_not_done"):
        svc.open_vote(admin, vote, notify=False)
    run(vote, browsers)
    svc.open_vote(admin, vote, notify=False)
    return vote, browsers, admin, voters


def test_an_encrypted_vote_is_cast_closed_and_opened_by_two_holders_of_three(encrypted_vote):
    vote, browsers, admin, voters = encrypted_vote
    assert vote.encrypted and "encryption" in vote.opening
    choices = ["for", "for", "against", "abstain", "for"]
    receipts = [svc.cast(v, vote, encrypt(vote, c)) for v, c in zip(voters, choices,
                                                                     strict=False)]
    stored = db.session.scalars(sa.select(Ballot.choice_json)).all()
    assert all('"for"' not in s and '"against"' not in s for s in stored)
    assert {r.tracker for r in receipts} == set(db.session.scalars(sa.select(Ballot.tracker)))
    db.session.execute(sa.delete(QueuedMail))
    assert svc.close(admin, vote) is None
    assert vote.state == State.CLOSED and vote.awaiting_bureau and vote.box_json is None
    asked = db.session.scalars(sa.select(QueuedMail)).all()  # the holders, to open the box
    assert {m.to for m in asked} == {b.person.email for b in browsers}
    assert all(f"/votes/{vote.id}/ceremony" in m.body for m in asked)
    assert holders_open(vote, browsers, {1}) == [None]  # one of the two needed
    (result,) = holders_open(vote, browsers, {3})
    assert result["colleges"][0]["for"] == "2" and result["outcome"] == "adopted"
    problems, recount = ballotbox.verify(vote.box_json, fingerprint=vote.fingerprint)
    assert problems == [] and recount == result
    assert json.loads(vote.box_json)["format"] == "coopgov-ballot-box/3"
    with pytest.raises(DomainError, match="box_already_opened"):
        holders_open(vote, browsers, {2})
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.in_(["vote.decryption", "vote.box_opened"]))
        .order_by(AuditEntry.id)).all()
    assert actions == ["vote.decryption", "vote.decryption", "vote.box_opened"]


def test_the_box_is_sealed_from_the_choices_stored_at_cast_and_from_older_rows(encrypted_vote):
    """A cast keeps an encrypted choice in canonical form, spliced as is into the box; a row
    written before that (spaced JSON) is parsed again, and the box verifies all the same."""
    vote, browsers, admin, voters = encrypted_vote
    for v, c in zip(voters, ["for", "against", "for"], strict=False):
        svc.cast(v, vote, encrypt(vote, c))
    stored = db.session.scalars(sa.select(Ballot).order_by(Ballot.tracker)).all()
    assert all(b.choice_json == boxjson.canonical(b.choice).decode() for b in stored)
    stored[0].choice_json = json.dumps(stored[0].choice)  # as the cast wrote it until now
    db.session.commit()
    svc.close(admin, vote)
    (result,) = holders_open(vote, browsers, {1, 2})[1:]
    problems, recount = ballotbox.verify(vote.box_json, fingerprint=vote.fingerprint)
    assert problems == [] and recount == result
    assert sum(int(c["for"]) for c in result["colleges"]) == 2
    box = json.loads(vote.box_json)
    assert [b["choice"] for b in box["ballots"]] == [b.choice for b in stored]


def test_a_ballot_that_does_not_prove_itself_or_comes_twice_is_refused(encrypted_vote):
    vote, _browsers, _admin, voters = encrypted_vote
    ballot = encrypt(vote, "for")
    svc.cast(voters[0], vote, ballot)
    with pytest.raises(DomainError, match="bad_ballot"):
        svc.cast(voters[1], vote, ballot)  # a copy of another voter's ballot
    forged = json.loads(json.dumps(encrypt(vote, "against")))
    forged["answers"][0]["choices"].reverse()
    for bad in (forged, "for", {"answers": []}, None, [1, 2]):
        with pytest.raises(DomainError, match="bad_ballot"):
            svc.cast(voters[2], vote, bad)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1


def test_a_partial_decryption_without_its_proof_is_refused(encrypted_vote):
    vote, browsers, admin, voters = encrypted_vote
    svc.cast(voters[0], vote, encrypt(vote, "against"))
    svc.close(admin, vote)
    entries = json.loads(vote.tally_json)
    b = browsers[0]
    honest = bureau.decryption(vote.public_id, vote.opening["encryption"], b.seed, 1, entries,
                               rng)
    other = bureau.decryption(vote.public_id, vote.opening["encryption"], browsers[1].seed, 2,
                              entries, rng)
    for partials, proofs in [(other["partials"], other["proofs"]),  # another holder's
                             (honest["partials"], other["proofs"]), ([], []), ("x", None),
                             ([[["00" * 32]]], honest["proofs"])]:
        with pytest.raises(DomainError, match="ceremony_"):
            svc.publish_decryption(b.person, vote, partials, proofs)
    with pytest.raises(Forbidden):  # not a holder
        svc.publish_decryption(voters[5], vote, honest["partials"], honest["proofs"])
    assert svc.publish_decryption(b.person, vote, honest["partials"], honest["proofs"]) is None


def test_an_assemblys_resolution_has_no_ceremony_yet(smart):
    coop, admin, voters = smart
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Résolution", held=True))
    with pytest.raises(DomainError, match="ceremony_not_in_assembly"):
        svc.name_holders(admin, vote, voters[:3], 2)


def test_a_vote_without_ballots_opens_too_and_its_pages_show_the_totals(encrypted_vote,
                                                                         user):
    vote, browsers, admin, voters = encrypted_vote
    svc.close(admin, vote)
    page = user(voters[0]).get(f"/votes/{vote.id}", headers={"Accept-Language": "en"})
    assert "more needed" in page.get_data(as_text=True)
    assert user(voters[0]).get(f"/votes/{vote.id}/ballot-box.json").status_code == 404
    (result,) = holders_open(vote, browsers, {2, 3})[1:]
    assert result["outcome"] in ("rejected", "no_quorum") and result["share_for"] is None
    assert ballotbox.verify(vote.box_json)[0] == []


def test_the_result_page_reads_the_decrypted_totals(smart, ceremony_of, user):  # noqa: F811
    coop, admin, voters = smart
    vote, browsers = ceremony_of(method="approval", options=["Awa", "Bruno", "Chloé"],
                                 seats=2)
    run(vote, browsers)
    svc.open_vote(admin, vote, notify=False)
    for voter, choice in zip(voters, [["o1", "o2"], ["o1"], [], ["o3", "o1"]], strict=False):
        svc.cast(voter, vote, encrypt(vote, choice))
    svc.close(admin, vote)
    holders_open(vote, browsers, {1, 2})
    assert "o1" in vote.result["winners"]  # approved on every ballot that is not blank
    body = user(admin).get(f"/votes/{vote.id}", headers={"Accept-Language": "en"})
    text = body.get_data(as_text=True)
    assert body.status_code == 200 and "Awa" in text and "Elected" in text
    csv = user(admin).get(f"/votes/{vote.id}/results.csv").get_data(as_text=True)
    assert "o1" in csv or "Awa" in csv


def test_the_close_sums_the_running_parts_or_every_ballot_when_they_disagree(encrypted_vote):
    from votes.models import TallyPart
    from votes.services import tallying
    vote, _browsers, _admin, voters = encrypted_vote
    for voter, choice in zip(voters, ["for", "against", "for", "for"], strict=False):
        svc.cast(voter, vote, encrypt(vote, choice))
    parts = db.session.scalars(sa.select(TallyPart).where(TallyPart.vote_id == vote.id)).all()
    assert sum(p.ballots for p in parts) == 4
    from_parts = tallying.tally_of(vote)
    full = encryptedbox.tally_entries(
        encryptedbox.poll_of_header(vote.opening["vote"], vote.opening["colleges"]),
        db.session.execute(sa.select(Ballot.college, Ballot.weight, Ballot.ciphertexts)))
    assert from_parts == full
    busy = next(p for p in parts if p.ballots)
    busy.ballots += 1  # a part that does not account for its ballots: every ballot is summed
    db.session.flush()
    assert tallying.tally_of(vote) == full
