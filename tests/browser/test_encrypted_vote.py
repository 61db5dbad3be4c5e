"""Real Chromium: an encrypted vote from the voters' browsers to the opening of its box.

Three key holders made the key (their browsers' steps are tested in test_ceremony.py; here
their seeds are played by votes.crypto). A voter casts an encrypted ballot for each of the four
methods: the request carries the encrypted ballot only, never the choice; one voter audits an
encryption ("check, then discard") and the test re-encrypts with the randomness shown to find
the same ciphertexts. After the close two holders of three, in their browsers, decrypt their
part of the totals; the result appears, and the downloaded box passes `votes verify`.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from governance.platform.extensions import db
from tests.conftest import PASSWORD
from tests.votes.test_ceremony import Browser, run
from votes import ballotbox, encryptedbox
from votes import services as svc
from votes.crypto import ballots as crypto_ballots
from votes.crypto import elgamal
from votes.crypto import group as g
from votes.models import Vote

pytestmark = pytest.mark.browser

HOLDERS = ["chair@example.org", "scrutineer1@example.org", "scrutineer2@example.org"]
VOTERS = ["v1@example.org", "v2@example.org"]
DRAFTS = {
    "resolution": dict(title="Plan de continuation"),
    "choice": dict(title="Lieu de l'AG", method="choice", options=["Lyon", "Nantes", "Lille"]),
    "approval": dict(title="Conseil", method="approval", options=["Awa", "Bruno", "Chloé"],
                     seats=2),
    "majority_judgment": dict(title="Nom", method="majority_judgment",
                              options=["Smart", "Ensemble"], grades=["Très bien", "Bien",
                                                                     "Passable"]),
}


@pytest.fixture
def votes_open(make_coop, make_person, make_member):
    coop = make_coop("smart")
    admin = make_person("secretariat@example.org", "Anne", "Admin", roles={coop: "admin"})
    holders = [make_member(coop, person=make_person(e, "Holder", f"N{i}")).person
               for i, e in enumerate(HOLDERS)]
    for i, e in enumerate(VOTERS):
        make_member(coop, person=make_person(e, "Voter", f"N{i}"))
    out = {}
    for method, draft in DRAFTS.items():
        vote = svc.create_vote(admin, coop, svc.VoteDraft(**draft))
        svc.name_holders(admin, vote, holders, 2)
        browsers = [Browser(p, vote, j) for j, p in enumerate(holders, 1)]
        run(vote, browsers)
        svc.open_vote(admin, vote, notify=False)
        out[method] = (vote.id, browsers)
    return admin, out


def cast(page, vote_id, pick):
    """Fill the ballot in, cast it; returns the body the browser posted."""
    page.goto(f"/votes/{vote_id}")
    pick(page)
    with page.expect_request(f"**/votes/{vote_id}/cast") as request:
        page.get_by_role("button", name="Déposer mon bulletin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("déposé")
    return request.value.post_data


PICKS = {
    "resolution": lambda p: p.get_by_label("Pour", exact=True).check(),
    "choice": lambda p: p.get_by_label("Nantes").check(),
    "approval": lambda p: (p.get_by_label("Awa").check(), p.get_by_label("Chloé").check()),
    "majority_judgment": lambda p: (p.locator("#grade-o1-0").check(),
                                    p.locator("#grade-o2-2").check()),
}


def test_encrypted_ballots_cast_in_browsers_and_the_box_opened_by_two_holders(
        votes_open, new_context, log_in):
    admin, votes = votes_open
    for email in VOTERS:
        page = new_context().new_page()
        log_in(page, email=email, password=PASSWORD)
        for method, (vote_id, _b) in votes.items():
            body = cast(page, vote_id, PICKS[method])
            assert "choice=" not in body and "grade-" not in body and "ballot=" in body

    for vote_id, browsers in votes.values():
        vote = db.session.get(Vote, vote_id)
        svc.close(admin, vote)
        for b in browsers[1:]:  # holders 2 and 3; holder 1 lost their key
            holder = new_context().new_page()
            log_in(holder, email=HOLDERS[b.j - 1], password=PASSWORD)
            holder.goto(f"/votes/{vote_id}/ceremony")
            holder.fill("#seed", b.seed.hex())
            with holder.expect_navigation():
                holder.get_by_role("button", name="Déchiffrer ma part des totaux").click()
        holder.goto(f"/votes/{vote_id}")
        expect(holder.locator("#result-title")).to_be_visible()
        expect(holder.locator(".outcome")).not_to_be_empty()
        db.session.expire_all()
        vote = db.session.get(Vote, vote_id)
        problems, recount = ballotbox.verify(vote.box_json, fingerprint=vote.fingerprint)
        assert problems == [] and recount == vote.result
        assert len(json.loads(vote.box_json)["decryptions"]) == 2
    results = {m: db.session.get(Vote, v).result for m, (v, _b) in votes.items()}
    assert results["resolution"]["outcome"] == "adopted"
    assert results["choice"]["winners"] == ["o2"]
    assert set(results["approval"]["winners"]) == {"o1", "o3"}
    assert results["majority_judgment"]["ranking"][0]["id"] == "o1"


def test_a_voter_audits_an_encryption_then_casts_another(votes_open, new_context, log_in):
    _admin, votes = votes_open
    vote_id = votes["resolution"][0]
    page = new_context().new_page()
    log_in(page, email=VOTERS[0], password=PASSWORD)
    page.goto(f"/votes/{vote_id}")
    page.get_by_label("Contre").check()
    page.get_by_role("button", name="Vérifier le chiffrement (puis le jeter)").click()
    audit = json.loads(page.locator("output.audit").inner_text())
    assert audit["choice"] == "against"
    y = g.point(audit["key"])
    randomness = iter(g.scalar(r) for r in audit["randomness"])
    again = crypto_ballots.encrypt(encryptedbox.ballot_context(audit["vote"]), y,
                                   crypto_ballots.shape("resolution", 3),
                                   [[0, 1, 0]], lambda: next(randomness))
    assert again == audit["ballot"]  # the same choice, encrypted with the same numbers
    assert elgamal.Ciphertext.from_json(again["answers"][0]["choices"][1])
    with page.expect_request(f"**/votes/{vote_id}/cast") as request:
        page.get_by_role("button", name="Déposer mon bulletin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("déposé")
    (posted,) = parse_qs(request.value.post_data)["ballot"]
    cast_alpha = json.loads(posted)["answers"][0]["choices"][0]["alpha"]
    assert cast_alpha != audit["ballot"]["answers"][0]["choices"][0]["alpha"]  # discarded


def test_without_javascript_the_ballot_says_so(votes_open, new_context, log_in):
    _admin, votes = votes_open
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, email=VOTERS[1], password=PASSWORD)
    page.goto(f"/votes/{votes['resolution'][0]}")
    expect(page.get_by_text("Voter dans ce vote demande JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Déposer mon bulletin")).to_be_disabled()
