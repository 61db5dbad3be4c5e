"""Real Chromium, an assembly whose ballots are encrypted: the secretariat names three key
holders on the assembly's page; each holder makes the keys of both resolutions in one step
of the assembly's ceremony page; a sociétaire votes in advance, a proxy holder votes for
themselves and their principal; only encrypted ballots are posted (an audited encryption
is re-made from the randomness it shows, then discarded); after the close two of the
three holders open every box in one step each, and each box verifies."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from assemblies.services import attendance, convocation, proxies, voting
from governance.platform.extensions import db
from tests.assemblies.conftest import _request, make_assembly, place  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD
from votes import ballotbox
from votes.crypto import ballots as crypto_ballots
from votes.crypto import group as g
from votes.models import Ballot, CeremonyState, KeyCeremony

pytestmark = pytest.mark.browser


def _step(page, button, code=None):
    if code is not None:
        page.fill("#seed", code)
    with page.expect_navigation():  # done: the page reloads itself
        page.get_by_role("button", name=button).click()


def _submit(page, radio):
    """Send the ballot form of this radio button (the page reloads with the receipt)."""
    with page.expect_navigation():
        page.locator(radio).locator("xpath=ancestor::form").locator('button[type="submit"]').click()


def _posted(page, sent):
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)


def test_an_encrypted_assembly_from_the_ceremony_to_the_opened_boxes(
        make_assembly, new_context, log_in, live_server):  # noqa: F811
    s = make_assembly()
    a, (first, second) = s.assembly, s.resolutions
    t = live_server.t
    holders = [m.person for m in s.members[:3]]

    secretariat = new_context().new_page()
    log_in(secretariat, email=s.admin.email, password=PASSWORD)
    secretariat.goto(f"/assemblies/{a.id}")
    secretariat.fill("#holders", "\n".join(h.email for h in holders))
    secretariat.fill("#threshold", "2")
    secretariat.get_by_role("button", name=t("Start the key ceremony", "fr")).click()
    expect(secretariat.locator(".flash.success")).to_contain_text(t(
        "The key holders are named: each of them now creates their key on the assembly's key "
        "ceremony page.", "fr"))

    pages, codes = [], []
    for h in holders:  # step 1, for both resolutions at once
        page = new_context().new_page()
        log_in(page, email=h.email, password=PASSWORD)
        page.goto(f"/assemblies/{a.id}")
        page.get_by_role("link", name=t("Your steps in the key ceremony", "fr")).click()
        page.get_by_role("button", name=t("Create my key", "fr")).click()
        codes.append(page.locator("[data-code]").inner_text())
        page.get_by_label(t("I have saved my key code.", "fr")).check()
        _step(page, t("Publish my public key", "fr"))
        pages.append(page)
    for button in ("Send my shares", "Check and confirm"):
        for page, code in zip(pages, codes, strict=True):
            page.reload()
            _step(page, t(button, "fr"), code)
    db.session.expire_all()
    ceremonies = db.session.scalars(sa.select(KeyCeremony)).all()
    assert len(ceremonies) == 2 and {c.state for c in ceremonies} == {CeremonyState.DONE}
    pages[0].reload()
    expect(pages[0].locator("table").first).to_contain_text(t("ready", "fr"))

    convocation.convene(s.admin, a)
    voter, principal_m, holder_m = s.members[9], s.members[3], s.members[1]
    page = new_context().new_page()  # an advance vote on both resolutions
    sent: list[str] = []
    _posted(page, sent)
    log_in(page, email=voter.person.email, password=PASSWORD)
    page.goto(f"/assemblies/{a.id}")
    me = place(a, voter)
    page.check(f"#adv-{me.id}-{first.id}-for")
    page.check(f"#adv-{me.id}-{second.id}-against")
    form = page.locator(f"#adv-{me.id}-{first.id}-for").locator("xpath=ancestor::form")
    form.get_by_role("button", name=t("Check the encryption (then discard it)", "fr")).click()
    audit = json.loads(form.locator("output.audit").inner_text())  # re-encrypted here with
    randomness = iter(g.scalar(r) for r in audit["randomness"])  # the numbers it shows
    shape = crypto_ballots.shape("resolution", 3)
    for target in audit["targets"]:
        plain = crypto_ballots.plain("resolution", ["for", "against", "abstain"], [],
                                     audit["choices"][target["out"]])
        assert crypto_ballots.encrypt(target["context"], g.point(target["key"]), shape, plain,
                                      lambda: next(randomness)) == audit["ballots"][target["out"]]
    assert set(audit["choices"].values()) == {"for", "against"}
    page.get_by_role("button", name=t("Put my advance vote in the ballot box", "fr")).click()
    expect(page.locator(".flash.success")).to_contain_text(t(
        "Your advance vote is in the ballot box. It counts for the quorum.", "fr"))
    (body,) = [b for b in sent if "ballots=" in b]  # the choices' radios are never sent
    assert f"r{first.id}=" not in body and f"r{second.id}=" not in body

    principal, holder = place(a, principal_m), place(a, holder_m)
    proxy = proxies.give_proxy(principal_m.person, principal, holder.number)
    proxies.answer_proxy(holder_m.person, proxy, accept=True)
    attendance.check_in(s.admin, holder, "in_person")
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, [first, second])

    page = pages[1]  # the proxy holder is holder 2: votes for both, then one by one
    sent.clear()
    _posted(page, sent)
    page.goto(f"/assemblies/{a.id}")
    page.check(f"#all-{first.id}-{holder.id}-for")
    _submit(page, f"#all-{first.id}-{holder.id}-for")
    expect(page.locator(".flash.success").first).to_contain_text("2")
    for who, choice in ((holder, "abstain"), (principal, "against")):
        page.check(f"#vote-{second.id}-{who.id}-{choice}")
        _submit(page, f"#vote-{second.id}-{who.id}-{choice}")
    expect(page.locator("#sitting button")).to_have_count(0)  # every ballot is cast
    posted = [b for b in sent if "ballots=" in b]
    assert len(posted) == 3 and not any("choice=" in b for b in posted)
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Ballot.choice_json)).all()
    assert len(stored) == 6 and not any('"for"' in c or '"against"' in c for c in stored)

    voting.close_assembly(s.admin, a)
    for j in (1, 2):  # holders 2 and 3 open both boxes, one step each; holder 1 is away
        pages[j].goto(f"/assemblies/{a.id}/ceremony")
        _step(pages[j], t("Decrypt my part of the totals", "fr"), codes[j])
    db.session.expire_all()
    for r, expected in ((first, ("for", "3")), (second, ("against", "2"))):
        vote = r.votes[0].vote
        assert vote.result is not None
        totals = {c["id"]: c for c in vote.result["colleges"]}
        assert sum(int(c[expected[0]]) for c in totals.values()) == int(expected[1])
        problems, recount = ballotbox.verify(vote.box_json, fingerprint=vote.fingerprint)
        assert problems == [] and recount == vote.result
        assert json.loads(vote.box_json)["format"] == "coopgov-ballot-box/3"
    secretariat.goto(f"/assemblies/{a.id}/minutes")  # the minutes tell who opened each box
    names = f"{holders[1].display_name}, {holders[2].display_name}"
    expect(secretariat.locator("main")).to_contain_text(
        t("Encrypted ballots and the bureau's keys", "fr"))
    expect(secretariat.locator("main li", has_text=names)).to_have_count(2)
