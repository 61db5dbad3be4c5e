"""Real Chromium: the secretariat names three key holders of a draft secret vote, any two of
whom open the box; each holder, in their own browser, creates their key (saving its code),
sends their shares, then checks the shares sent to them; the key is then ready, and it does
open a sum of ballots with two of the three holders' shares."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.platform.extensions import db
from tests.conftest import PASSWORD
from votes import services as svc
from votes.crypto import elgamal, threshold
from votes.crypto import group as g
from votes.models import CeremonyState, KeyCeremony
from votes.services.ceremony import context

pytestmark = pytest.mark.browser

HOLDERS = ["chair@example.org", "scrutineer1@example.org", "scrutineer2@example.org"]


@pytest.fixture
def draft(make_coop, make_person, make_member):
    coop = make_coop("smart")
    admin = make_person("secretariat@example.org", "Anne", "Admin", roles={coop: "admin"})
    for i, email in enumerate(HOLDERS):
        make_member(coop, person=make_person(email, "Holder", f"Number{i + 1}"))
    return svc.create_vote(admin, coop, svc.VoteDraft(title="Plan de continuation"))


def state(vote) -> KeyCeremony:
    db.session.expire_all()
    return db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id))


def test_three_holders_make_the_key_in_their_browsers(draft, new_context, log_in, tmp_path):
    secretariat = new_context().new_page()
    log_in(secretariat, email="secretariat@example.org", password=PASSWORD)
    secretariat.goto(f"/votes/{draft.id}")
    secretariat.fill("#holders", "\n".join(HOLDERS))
    secretariat.fill("#threshold", "2")
    secretariat.get_by_role("button", name="Lancer la cérémonie des clés").click()
    expect(secretariat.locator(".flash.success")).to_contain_text("détenteur")

    pages, codes = [], []
    for email in HOLDERS:
        page = new_context(accept_downloads=True).new_page()
        log_in(page, email=email, password=PASSWORD)
        page.goto(f"/votes/{draft.id}/ceremony")
        page.get_by_role("button", name="Créer ma clé").click()
        code = page.locator("[data-code]").inner_text()
        assert len(code.replace("-", "")) == 64
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger mon code de clé").click()
        saved = tmp_path / f"{email}.txt"
        download.value.save_as(saved)
        assert saved.read_text().strip() == code
        publish = page.get_by_role("button", name="Publier ma clé publique")
        expect(publish).to_be_disabled()  # not before the code is saved
        page.get_by_label("J'ai enregistré mon code de clé.").check()
        with page.expect_navigation():  # done: the page reloads itself
            publish.click()
        pages.append(page)
        codes.append((code, saved))
    assert state(draft).state == CeremonyState.SHARES

    for i, (page, (code, saved)) in enumerate(zip(pages, codes, strict=True)):
        page.reload()
        if i == 0:  # a mistyped code is refused in the page, nothing is sent
            page.fill("#seed", code[:-1])
            page.get_by_role("button", name="Envoyer mes parts").click()
            expect(page.locator("[data-message]")).to_contain_text("Ce n'est pas un code de clé")
            assert state(draft).holders[0].commitments_json is None
        if i == 1:  # the second holder loads the file they downloaded
            page.set_input_files("#seed-file", str(saved))
        else:
            page.fill("#seed", code)
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer mes parts").click()
    assert state(draft).state == CeremonyState.CHECKS

    for page, (code, _saved) in zip(pages, codes, strict=True):
        page.reload()
        page.fill("#seed", code)
        with page.expect_navigation():
            page.get_by_role("button", name="Vérifier et confirmer").click()
    done = state(draft)
    assert done.state == CeremonyState.DONE
    pages[0].reload()
    expect(pages[0].locator("#ceremony-state")).to_contain_text(done.public_key)

    # The key works: two of the three holders' shares, recomputed from their codes and the
    # published sealed shares, open a sum of ballots encrypted under the public key.
    y = g.point(done.public_key)
    total = elgamal.total([elgamal.encrypt(y, m, g.random_scalar()) for m in (1, 0, 1)])
    shares = {}
    for h, (code, _saved) in zip(done.holders, codes, strict=True):
        e = threshold.encryption_key(bytes.fromhex(code.replace("-", "")))
        shares[h.position] = sum(threshold.open_share(context(draft, "channel"), e,
                                                      json.loads(o.shares_json)[h.position - 1])
                                 for o in done.holders) % g.L
        assert g.point_hex(g.base(shares[h.position])) == h.verification_key
    partials = {j: g.mul(total.alpha, shares[j]) for j in (1, 3)}
    assert elgamal.Table(10).log(g.sub(total.beta, threshold.combine(partials))) == 2
