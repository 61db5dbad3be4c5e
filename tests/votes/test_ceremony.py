"""The key ceremony through its services, the holders played with votes.crypto as their
browsers do: three holders, any two open; every step checked, in order, once; a bad share
reported fails the ceremony; the secretariat starts it again."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, QueuedMail
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from votes import services as svc
from votes.crypto import elgamal, proofs, threshold
from votes.crypto import group as g
from votes.models import CeremonyState, KeyCeremony, KeyHolder
from votes.services.ceremony import context

rng = g.random_scalar
EN = {"Accept-Language": "en"}


class Browser:
    """What a holder's browser does, from the seed it made and saved."""

    def __init__(self, person, vote, position):
        self.person, self.vote, self.j = person, vote, position
        self.seed = g.to_bytes(rng())

    def key(self):
        e = threshold.encryption_key(self.seed)
        return g.point_hex(g.base(e)), proofs.as_json(proofs.prove_key(
            context(self.vote, "key", self.j), e, rng))

    def shares(self, ceremony):
        poly = threshold.polynomial(self.seed, context(self.vote, "polynomial"),
                                    ceremony.threshold)
        keys = [g.point(h.encryption_key) for h in ceremony.holders]
        return ([g.point_hex(a) for a in threshold.commitments(poly)],
                proofs.as_json(proofs.prove_key(context(self.vote, "coefficient", self.j),
                                                poly[0], rng)),
                [threshold.seal_share(context(self.vote, "channel"), keys[i],
                                      threshold.evaluate(poly, i + 1), rng)
                 for i in range(len(keys))])

    def share_of_key(self, ceremony) -> tuple[int, list[bool]]:
        e = threshold.encryption_key(self.seed)
        received, checks = 0, []
        for h in ceremony.holders:
            s = threshold.open_share(context(self.vote, "channel"), e,
                                     json.loads(h.shares_json)[self.j - 1])
            commits = [g.point(a) for a in json.loads(h.commitments_json)]
            checks.append(threshold.check_share(commits, self.j, s))
            received += s
        return received % g.L, checks


@pytest.fixture
def ceremony_of(smart):
    coop, admin, voters = smart

    def make(k=2, n=3, **draft):
        vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan", **draft))
        holders = voters[:n]
        svc.name_holders(admin, vote, holders, k)
        return vote, [Browser(p, vote, j) for j, p in enumerate(holders, 1)]

    return make


def ceremony(vote) -> KeyCeremony:
    db.session.expire_all()
    return db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id))


def run(vote, browsers):
    for b in browsers:
        svc.publish_key(b.person, vote, *b.key())
    c = ceremony(vote)
    for b in browsers:
        svc.publish_shares(b.person, vote, *b.shares(c))
    c = ceremony(vote)
    shares = {}
    for b in browsers:
        s, checks = b.share_of_key(c)
        assert all(checks)
        shares[b.j] = s
        svc.confirm(b.person, vote, proofs.as_json(proofs.prove_key(
            context(vote, "share", b.j), s, rng)))
    return ceremony(vote), shares


def test_three_holders_make_a_key_any_two_of_them_open(ceremony_of):
    vote, browsers = ceremony_of()
    c, shares = run(vote, browsers)
    assert c.state == CeremonyState.DONE
    y = g.point(c.public_key)
    for h in c.holders:
        assert h.verification_key == g.point_hex(g.base(shares[h.position]))
    ballots = [elgamal.encrypt(y, m, rng()) for m in (1, 1, 0, 1, 0)]
    total = elgamal.total(ballots)
    for pair in ([1, 2], [1, 3], [2, 3]):
        partials = {j: g.mul(total.alpha, shares[j]) for j in pair}
        assert elgamal.Table(10).log(g.sub(total.beta, threshold.combine(partials))) == 3
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.like("vote.ceremony%")).order_by(AuditEntry.id)).all()
    assert actions == ["vote.ceremony_start"] + ["vote.ceremony_key"] * 3 + \
        ["vote.ceremony_shares"] * 3 + ["vote.ceremony_confirm"] * 3


def mails() -> dict[str, QueuedMail]:
    return {m.to: m for m in db.session.scalars(sa.select(QueuedMail))}


def test_each_holder_is_told_by_mail_in_their_language(ceremony_of, smart):
    coop, admin, voters = smart
    voters[1].locale = "en"
    db.session.commit()
    vote, browsers = ceremony_of()
    sent = mails()
    assert set(sent) == {b.person.email for b in browsers}
    assert all(f"/votes/{vote.id}/ceremony" in m.body for m in sent.values())
    assert sent[voters[1].email].subject == "You hold a key of the vote: Plan"
    assert "any 2 of you open its box" in sent[voters[1].email].body
    assert sent[voters[0].email].subject == "Vous détenez une clé du scrutin : Plan"


def test_steps_come_in_order_once_each_from_holders_only(ceremony_of, smart):
    _coop, admin, voters = smart
    vote, (one, two, three) = ceremony_of()
    with pytest.raises(Forbidden):
        svc.publish_key(voters[5], vote, *one.key())  # not a holder
    svc.publish_key(one.person, vote, *one.key())
    with pytest.raises(DomainError) as err:
        svc.publish_key(one.person, vote, *one.key())
    assert err.value.code == "ceremony_done_already"
    with pytest.raises(DomainError) as err:
        svc.publish_shares(one.person, vote, [], [], [])
    assert err.value.code == "ceremony_step"  # the others have not published their keys
    assert ceremony(vote).state == CeremonyState.KEYS


@pytest.mark.parametrize("tamper, code", [
    (lambda key, proof: (key, [{"challenge": "00" * 32, "response": "00" * 32}]),
     "ceremony_bad_proof"),
    (lambda key, proof: (g.point_hex(g.base(5)), proof), "ceremony_bad_proof"),
    (lambda key, proof: ("01" + "00" * 31, proof), "ceremony_malformed"),  # the identity
    (lambda key, proof: (key, "nope"), "ceremony_malformed"),
    (lambda key, proof: (key.upper(), proof), "ceremony_malformed"),
])
def test_a_bad_key_or_proof_is_refused_and_changes_nothing(ceremony_of, tamper, code):
    vote, (one, *_rest) = ceremony_of()
    with pytest.raises(DomainError) as err:
        svc.publish_key(one.person, vote, *tamper(*one.key()))
    assert err.value.code == code
    assert ceremony(vote).holders[0].encryption_key is None


def test_shares_must_fit_the_ceremony(ceremony_of):
    vote, browsers = ceremony_of()
    for b in browsers:
        svc.publish_key(b.person, vote, *b.key())
    c = ceremony(vote)
    commitments, proof, sealed = browsers[0].shares(c)
    for args in ([commitments[:1], proof, sealed], [commitments, proof, sealed[:2]],
                 [commitments, proof, [*sealed[:2], {"ephemeral": "x", "value": "y"}]],
                 [list(reversed(commitments)), proof, sealed]):
        with pytest.raises(DomainError):
            svc.publish_shares(browsers[0].person, vote, *args)
    assert ceremony(vote).holders[0].commitments_json is None


def test_a_bad_share_fails_the_ceremony_and_the_secretariat_starts_again(ceremony_of, smart):
    _coop, admin, voters = smart
    vote, browsers = ceremony_of()
    for b in browsers:
        svc.publish_key(b.person, vote, *b.key())
    c = ceremony(vote)
    for b in browsers:
        commitments, proof, sealed = b.shares(c)
        if b.j == 1:  # holder 1 sends holder 3 a share off by one
            e3 = g.point(c.holders[2].encryption_key)
            poly = threshold.polynomial(b.seed, context(vote, "polynomial"), 2)
            sealed[2] = threshold.seal_share(context(vote, "channel"), e3,
                                             threshold.evaluate(poly, 3) + 1, rng)
        svc.publish_shares(b.person, vote, commitments, proof, sealed)
    _s, checks = browsers[2].share_of_key(ceremony(vote))
    assert checks == [False, True, True]
    svc.report_bad_share(browsers[2].person, vote, 1)
    assert (ceremony(vote).state, ceremony(vote).failure) == (CeremonyState.FAILED, "3:1")
    svc.name_holders(admin, vote, [voters[1], voters[2], voters[3]], 2)
    c = ceremony(vote)
    assert c.state == CeremonyState.KEYS and [h.person_id for h in c.holders] == \
        [voters[1].id, voters[2].id, voters[3].id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KeyHolder)) == 3


def test_who_names_the_holders_and_whom(ceremony_of, smart, make_person):
    coop, admin, voters = smart
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    with pytest.raises(Forbidden):
        svc.name_holders(voters[0], vote, voters[:3], 2)
    stranger = make_person("stranger@example.org")
    for people, k, code in [(voters[:3], 4, "ceremony_holders"),
                            (voters[:3], 0, "ceremony_holders"),
                            ([voters[0], voters[0]], 1, "ceremony_holders"),
                            ([voters[0], stranger], 1, "ceremony_holder_outside")]:
        with pytest.raises(DomainError) as err:
            svc.name_holders(admin, vote, people, k)
        assert err.value.code == code
    open_vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Open", secret=False))
    with pytest.raises(DomainError) as err:
        svc.name_holders(admin, open_vote, voters[:3], 2)
    assert err.value.code == "ceremony_needs_secret"


# ---------------------------------------------------------------------------------------------
# Through HTTP: the pages and the JSON steps.

def test_the_secretariat_names_the_holders_by_email(smart, user):
    coop, admin, voters = smart
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    client = user(admin)
    page = client.get(f"/votes/{vote.id}", headers=EN).get_data(as_text=True)
    assert "Bureau de vote: key holders" in page and 'name="holders"' in page
    r = client.post(f"/votes/{vote.id}/ceremony/holders", headers=EN, follow_redirects=True,
                    data={"holders": f"{voters[0].email}\nnobody@example.org", "threshold": "1"})
    assert "No account has the address nobody@example.org." in r.get_data(as_text=True)
    r = client.post(f"/votes/{vote.id}/ceremony/holders", headers=EN, follow_redirects=True,
                    data={"holders": "a\x00b@example.org", "threshold": "1"})
    assert r.status_code == 400 and "(a NUL byte). Nothing was changed." in r.get_data(as_text=True)
    assert ceremony(vote) is None
    r = client.post(f"/votes/{vote.id}/ceremony/holders", headers=EN, follow_redirects=True,
                    data={"holders": voters[0].email.upper(), "threshold": "7"})
    assert "Name between 1 and 9 different key holders" in r.get_data(as_text=True)
    client.post(f"/votes/{vote.id}/ceremony/holders",
                data={"holders": f"{voters[0].email}\n{voters[1].email}", "threshold": "2"})
    assert [h.person_id for h in ceremony(vote).holders] == [voters[0].id, voters[1].id]


def test_the_steps_over_http_refuse_what_does_not_fit_and_record_the_rest(ceremony_of, user):
    vote, browsers = ceremony_of()
    one = user(browsers[0].person)
    assert one.get(f"/votes/{vote.id}/ceremony").status_code == 200
    url = f"/votes/{vote.id}/ceremony/key"
    for body in ("not json", "[1, 2]", '{"key": 1}', '{"key": "' + "0" * 64 + '", "proof": []}',
                 "{" * 100_000, "[" * 60_000):
        r = one.post(url, data=body, content_type="application/json", headers=EN)
        assert r.status_code == 400 and "nothing was recorded" in r.get_json()["error"], body
    assert ceremony(vote).holders[0].encryption_key is None
    key, proof = browsers[0].key()
    r = one.post(url, json={"key": key, "proof": proof})
    assert r.status_code == 200 and r.get_json() == {"state": "keys"}
    r = one.post(url, json={"key": key, "proof": proof}, headers=EN)
    assert r.get_json()["error"] == "You have already done this step of the key ceremony."
    for b in browsers[1:]:
        assert user(b.person).post(url, json=dict(zip(("key", "proof"), b.key(),
                                                      strict=True))).status_code == 200
    assert ceremony(vote).state == CeremonyState.SHARES


def test_only_holders_see_the_ceremony_and_take_its_steps(ceremony_of, smart, user):
    coop, admin, voters = smart
    vote, _browsers = ceremony_of()
    outsider = user(voters[5])
    assert outsider.get(f"/votes/{vote.id}/ceremony").status_code == 403
    assert outsider.post(f"/votes/{vote.id}/ceremony/key", json={}).status_code == 403
    assert user(admin).get(f"/votes/{vote.id}/ceremony").status_code == 200
    assert user(admin).post(f"/votes/{vote.id}/ceremony/key", json={}).status_code == 403
    other = svc.create_vote(admin, coop, svc.VoteDraft(title="Sans cérémonie"))
    assert user(admin).get(f"/votes/{other.id}/ceremony").status_code == 404
