"""An assembly whose ballots are encrypted: the secretariat names the key holders once, every
resolution's vote gets its ceremony; advance votes, proxy holders' ballots and the chair's
blank proxies are encrypted; the closed boxes wait for the holders, two of three open them,
the boxes verify and the minutes tell the ceremony and the openings."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from assemblies import minutes as assembly_minutes
from assemblies.services import attendance, convocation, keys, minutes, prepare, proxies, voting
from governance.models import QueuedMail
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from votes import ballotbox, bureau
from votes.crypto import group as g
from votes.models import Ballot, KeyCeremony

from .conftest import place

rng = g.random_scalar
SEEDS = [bytes([n]) * 32 for n in (1, 2, 3)]


def _ceremonies(assembly):
    return [rv.vote for r in assembly.resolutions for rv in r.votes]


@pytest.fixture
def sealed(make_assembly):
    """A convened assembly of two resolutions whose ballots are encrypted; holders are the
    first three members, any two open."""
    s = make_assembly()
    s.holders = [m.person for m in s.members[:3]]
    assert keys.name_key_holders(s.admin, s.assembly, s.holders, 2) == 2
    told = db.session.scalars(sa.select(QueuedMail)).all()  # once, not once per resolution
    assert sorted(m.to for m in told) == sorted(p.email for p in s.holders)
    assert all(f"/assemblies/{s.assembly.id}/ceremony" in m.body for m in told)
    with pytest.raises(DomainError, match="ceremony_not_done"):
        convocation.convene(s.admin, s.assembly)
    third = prepare.add_resolution(s.admin, s.assembly, "Affectation du résultat", "Texte.")
    s.resolutions.append(third)  # a resolution added afterwards gets its ceremony too
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KeyCeremony)) == 3
    for vote in _ceremonies(s.assembly):
        bureau.run_ceremony(vote, s.holders, SEEDS, 2, rng)
    convocation.convene(s.admin, s.assembly)
    assert all(v.encrypted for v in _ceremonies(s.assembly))
    return s


def vote_of(resolution):
    return resolution.votes[0].vote


def test_only_the_secretariat_names_the_holders_before_the_convocation(make_assembly):
    s = make_assembly()
    holders = [m.person for m in s.members[:3]]
    with pytest.raises(Forbidden):
        keys.name_key_holders(s.members[0].person, s.assembly, holders, 2)
    with pytest.raises(DomainError, match="ceremony_holders"):
        keys.name_key_holders(s.admin, s.assembly, holders, 4)
    with pytest.raises(DomainError, match="ceremony_not_in_assembly"):  # not vote by vote
        from votes import services as votes
        votes.name_holders(s.admin, vote_of(s.resolutions[0]), holders, 2)
    assert s.assembly.key_threshold is None
    convocation.convene(s.admin, s.assembly)  # in clear: no ceremony needed
    with pytest.raises(DomainError, match="assembly_wrong_state"):
        keys.name_key_holders(s.admin, s.assembly, holders, 2)


def test_encrypted_ballots_from_advance_votes_proxies_and_blank_proxies(sealed):
    s, a = sealed, sealed.assembly
    first, second, third = s.resolutions
    m = s.members  # colleges a a a a | b b b | c c c
    # m[9] votes in advance: for, against, for
    advance = {first.id: "for", second.id: "against", third.id: "for"}
    voting.vote_in_advance(m[9].person, place(a, m[9]), {
        r.id: bureau.encrypt_ballot(vote_of(r), advance[r.id], rng) for r in s.resolutions})
    with pytest.raises(DomainError, match="bad_ballot"):  # a choice in clear is refused
        voting.vote_in_advance(m[8].person, place(a, m[8]), {first.id: "for"})
    # m[0] gives a proxy to m[1]; m[2] a blank one to the chair
    proxy = proxies.give_proxy(m[0].person, place(a, m[0]), place(a, m[1]).number)
    proxies.answer_proxy(m[1].person, proxy, accept=True)
    proxies.give_proxy(m[2].person, place(a, m[2]), None)
    for x in (m[1], m[4], m[7]):
        attendance.check_in(s.admin, place(a, x), "in_person")
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, list(a.resolutions))
    holder, principal = place(a, m[1]), place(a, m[0])
    with pytest.raises(DomainError, match="bad_ballot"):  # one ballot per voter, not one
        voting.cast_for_all(m[1].person, first, None, {f"{first.id}-{holder.id}":
                                                       bureau.encrypt_ballot(vote_of(first),
                                                                             "for", rng)})
    ballots = {f"{first.id}-{p.id}": bureau.encrypt_ballot(vote_of(first), "for", rng)
               for p in (holder, principal)}
    assert len(voting.cast_for_all(m[1].person, first, None, ballots)) == 2
    voting.cast(m[4].person, first, place(a, m[4]), bureau.encrypt_ballot(vote_of(first),
                                                                           "against", rng))
    copied = bureau.encrypt_ballot(vote_of(second), "for", rng)
    voting.cast(m[4].person, second, place(a, m[4]), copied)
    with pytest.raises(DomainError, match="bad_ballot"):  # the same ballot twice: refused
        voting.cast(m[7].person, second, place(a, m[7]), copied)
    stored = db.session.scalars(sa.select(Ballot.choice_json)).all()
    assert stored and not any('"for"' in c or '"against"' in c for c in stored)
    # hands counted in the room stay a plain batch: on resolution 3, the room of college c
    # (m7; m9 voted in advance) raises one hand for; the rest of the room abstains
    hands = voting.enter_hands(s.admin, third, s.coop.id, {"c": {"for": 1}})
    assert hands["c"] == {"for": "1", "against": "0", "abstain": "0"}
    assert hands["a"]["abstain"] == "2"  # m1 and their principal m0

    db.session.execute(sa.delete(QueuedMail))
    voting.close_assembly(s.admin, a)
    assert all(v.awaiting_bureau for v in _ceremonies(a))
    asked = db.session.scalars(sa.select(QueuedMail)).all()  # once for all the boxes
    assert sorted(m.to for m in asked) == sorted(p.email for p in s.holders)
    assert all(f"/assemblies/{a.id}/ceremony" in m.body for m in asked)
    prepare.set_bureau(s.admin, a, s.admin, None, "")
    with pytest.raises(DomainError, match="minutes_boxes_closed"):
        minutes.approve_minutes(s.admin, a)

    for r in s.resolutions:  # holders 1 and 3 open each box; 2 lost their key
        vote = vote_of(r)
        result = bureau.open_box(vote, [(s.holders[0], SEEDS[0], 1),
                                        (s.holders[2], SEEDS[2], 3)], rng)
        problems, recount = ballotbox.verify(vote.box_json, fingerprint=vote.fingerprint)
        assert problems == [] and recount == result
        assert json.loads(vote.box_json)["format"] == "coopgov-ballot-box/3"
    # resolution 1 (board approved): college a: m0, m1 for (proxy), m2 for (blank proxy);
    # b: m4 against; c: m9 for (advance)
    counts = {c["id"]: c for c in vote_of(first).result["colleges"]}
    assert (counts["a"]["for"], counts["a"]["against"]) == ("3", "0")
    assert (counts["b"]["for"], counts["b"]["against"]) == ("0", "1")
    assert counts["c"]["for"] == "1"
    # resolution 2 (not approved): the blank proxy votes against; m9 against; m4 for
    counts = {c["id"]: c for c in vote_of(second).result["colleges"]}
    assert (counts["a"]["for"], counts["a"]["against"]) == ("0", "1")
    assert (counts["b"]["for"], counts["c"]["against"]) == ("1", "1")
    # resolution 3 (board approved): the blank proxy for; m9 for in advance, m7's hand for
    counts = {c["id"]: c for c in vote_of(third).result["colleges"]}
    assert (counts["a"]["for"], counts["c"]["for"]) == ("1", "2")
    assert json.loads(vote_of(third).box_json)["batches"]

    m_ = assembly_minutes.bureau(a)
    assert m_.threshold == 2 and len(m_.holders) == 3 and m_.ready_at is not None
    assert set(m_.openings) == {v.id for v in _ceremonies(a)}
    assert all(o.holders == [m_.holders[0], m_.holders[2]] for o in m_.openings.values())
    assert all(o.seal == json.loads(v.box_json)["seal"] for v in _ceremonies(a)
               for o in [m_.openings[v.id]])
    minutes.approve_minutes(s.admin, a)


def test_without_javascript_nothing_is_taken_and_the_page_says_why(sealed, client, login):
    s, a = sealed, sealed.assembly
    m = s.members[9]
    me = place(a, m)
    login(m.person)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/assemblies/{a.id}").get_data(as_text=True)
    assert "data-encrypt=" in html and "needs JavaScript" in html
    answer = client.post(f"/assemblies/{a.id}/places/{me.id}/advance",
                         data={f"r{r.id}": "for" for r in s.resolutions},
                         follow_redirects=True).get_data(as_text=True)
    assert "needs JavaScript: your browser encrypts your ballot. Nothing was recorded." in answer
    for junk in ("{", '{"x": 1}', "[" * 100_000, json.dumps({f"{s.resolutions[0].id}-{me.id}":
                                                            "for"})):
        r = client.post(f"/assemblies/{a.id}/places/{me.id}/advance", data={"ballots": junk})
        assert r.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    assert not place(a, m).voted_in_advance
    # with the browser's ballots, keyed by resolution and place, the advance vote is taken
    ballots = {f"{r.id}-{me.id}": bureau.encrypt_ballot(vote_of(r), "for", rng)
               for r in s.resolutions}
    r = client.post(f"/assemblies/{a.id}/places/{me.id}/advance",
                    data={"ballots": json.dumps(ballots)}, follow_redirects=True)
    assert "Your advance vote is in the ballot box" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 3


def test_hostile_ballots_and_holders_change_nothing(sealed, client, login):
    s, a = sealed, sealed.assembly
    m = s.members[1]
    me = place(a, m)
    attendance.check_in(s.admin, me, "in_person")
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, list(a.resolutions))
    login(m.person)
    first = s.resolutions[0]
    key = f"{first.id}-{me.id}"
    for junk in [5, "for", [], [1, 2], {"answers": 5}, {"answers": [{"choices": 7}]},
                 {"answers": [{"choices": [{"alpha": "zz", "beta": None}]}]}, None, True,
                 {"answers": [[[[]]]]}, "\x00"]:
        for form in ({"for": me.id, "ballots": json.dumps({key: junk})},
                     {"all": "1", "ballots": json.dumps({key: junk})},
                     {"for": me.id, "ballots": json.dumps(junk)}):
            r = client.post(f"/assemblies/{a.id}/resolutions/{first.id}/vote", data=form)
            assert r.status_code == 302, (junk, form)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    r = client.post(f"/assemblies/{a.id}/key-holders", data={"holders": "x@y"})
    assert r.status_code == 403  # a member names no one
    assert client.get(f"/assemblies/{a.id}/ceremony").status_code == 200  # a holder
    login(s.members[5].person)
    assert client.get(f"/assemblies/{a.id}/ceremony").status_code == 403  # not a holder
    login(s.admin)
    for form in ({"holders": "\x00\n" * 3, "threshold": "x"}, {"holders": "a" * 100000}, {},
                 {"holders": s.admin.email, "threshold": "99999999999999999999"}):
        r = client.post(f"/assemblies/{a.id}/key-holders", data=form)
        assert r.status_code == (400 if "\x00" in form.get("holders", "") else 302)
    db.session.expire_all()
    assert a.key_holders == [h.id for h in s.holders]  # convened: nothing changed
    assert client.get(f"/assemblies/{a.id}/ceremony").status_code == 200
