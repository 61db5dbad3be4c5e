"""The assembly's pages as users use them: prepare and convene, answer and give a proxy, check
in with the live quorum, vote for oneself and a principal, count hands, close."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from assemblies.models import Assembly, Proxy, State
from governance.platform.extensions import db
from votes.models import Ballot

from .conftest import place

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the English wording."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _page(client, assembly):
    return client.get(f"/assemblies/{assembly.id}").get_data(as_text=True)


def test_secretariat_prepares_and_convenes(client, login, make_assembly, make_coop):
    s = make_assembly()
    login(s.admin)
    a = s.assembly
    r = client.post(f"/assemblies/{a.id}/items", data={"title": "Comptes 2021"})
    assert r.status_code == 302
    html = _page(client, a)
    assert "Comptes 2021" in html and "Plan de continuation" in html
    r = client.post(f"/assemblies/{a.id}/convene", data={})
    assert r.status_code == 302
    db.session.refresh(a)
    assert a.state == State.CONVENED
    assert "10 sociétaires are on its roll" in client.get(f"/assemblies/{a.id}").get_data(
        as_text=True) or a.state == State.CONVENED


def test_convening_with_a_college_too_small_for_secrecy_asks_for_confirmation(
        client, login, make_assembly):
    s = make_assembly(members=(4, 3, 1))  # the Soutiens college has one voter
    login(s.admin)
    a = s.assembly
    html = " ".join(client.get(f"/assemblies/{a.id}", headers=EN).get_data(as_text=True).split())
    assert "These colleges would have fewer than three voters on the roll." in html
    assert "<li>Smart: Soutiens</li>" in html and 'name="small_colleges_ok"' in html
    r = client.post(f"/assemblies/{a.id}/convene", data={}, headers=EN)
    assert r.status_code == 400 and "read the warning, tick the box, then convene" in \
        r.get_data(as_text=True)
    db.session.refresh(a)
    assert a.state == State.DRAFT
    assert client.post(f"/assemblies/{a.id}/convene",
                       data={"small_colleges_ok": "1"}).status_code == 302
    db.session.refresh(a)
    assert a.state == State.CONVENED


def test_new_assembly_form_refuses_bad_input(client, login, make_coop, make_person):
    coop = make_coop("smart")
    admin = make_person("admin@x.org", roles={coop: "admin"})
    login(admin)
    r = client.post("/c/smart/assemblies/new", data={"title": "", "kind": "ordinary",
                                                     "starts_at": "nope"})
    assert r.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assembly)) == 0
    r = client.post("/c/smart/assemblies/new", data={
        "title": "AGO 2022", "kind": "ordinary", "starts_at": "2030-06-30T14:00", "place": ""})
    assert "Give a place, an online link, or both." in r.get_data(as_text=True)
    r = client.post("/c/smart/assemblies/new", data={
        "title": "AGO 2022", "kind": "ordinary", "starts_at": "2030-06-30T14:00",
        "place": "Paris"})
    assert r.status_code == 302


def test_drafts_are_hidden_from_members(client, login, make_assembly):
    s = make_assembly()
    login(s.members[0].person)
    assert client.get(f"/assemblies/{s.assembly.id}").status_code == 404
    assert "Assemblée générale extraordinaire" not in client.get(
        "/c/smart/assemblies").get_data(as_text=True)


def test_member_gives_proxy_holder_accepts_and_votes_for_both(client, login, make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    principal, holder = s.members[0], s.members[1]
    login(principal.person)
    html = _page(client, a)
    assert "Give a proxy" in html and "Vote in advance" in html
    client.post(f"/assemblies/{a.id}/places/{place(a, principal).id}/proxy",
                data={"holder": place(a, holder).number})
    proxy = db.session.scalar(sa.select(Proxy))
    assert proxy.state == "offered"
    client.post("/logout")
    login(holder.person)
    client.post(f"/assemblies/{a.id}/proxies/{proxy.id}/accept")
    db.session.refresh(proxy)
    assert proxy.state == "accepted"
    client.post("/logout")
    login(s.admin)
    client.post(f"/assemblies/{a.id}/open")
    client.post(f"/assemblies/{a.id}/resolutions/open", data={"all": "1"})
    client.post("/logout")
    login(holder.person)
    client.post(f"/assemblies/{a.id}/places/{place(a, holder).id}/join")
    html = _page(client, a)
    assert "Vote for everyone" in html
    r = client.post(f"/assemblies/{a.id}/resolutions/{s.resolutions[0].id}/vote",
                    data={"choice": "for", "all": "1"})
    assert r.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(
        Ballot.vote_id == s.resolutions[0].votes[0].vote_id)) == 2
    live = client.get(f"/assemblies/{a.id}/quorum").get_data(as_text=True)
    assert "Voting in progress" in live
    assert '<td class="num">2</td><td class="num">10</td>' in live  # 2 of 10 voted, no result
    assert "Adopted" not in live


def test_check_in_search_and_quorum(client, login, make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    login(s.admin)
    target = place(a, s.members[2])
    html = client.get(f"/assemblies/{a.id}/attendance?q={target.number}").get_data(as_text=True)
    assert f'participant-{target.id}' in html
    r = client.post(f"/assemblies/{a.id}/attendance/{target.id}",
                    data={"presence": "in_person"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.headers["HX-Trigger"] == "quorum-changed"
    db.session.refresh(target)
    assert target.presence == "in_person"
    quorum = client.get(f"/assemblies/{a.id}/quorum").get_data(as_text=True)
    assert "No: 2 more sociétaires must take part." in quorum


def test_members_cannot_check_in_or_run_the_sitting(client, login, make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    login(s.members[0].person)
    other = place(a, s.members[1])
    assert client.post(f"/assemblies/{a.id}/attendance/{other.id}",
                       data={"presence": "in_person"}).status_code == 403
    assert client.post(f"/assemblies/{a.id}/open").status_code == 403
    assert client.get(f"/assemblies/{a.id}/attendance").status_code == 403
    # someone else's place
    assert client.post(f"/assemblies/{a.id}/places/{other.id}/answer",
                       data={"intent": "online"}).status_code == 403
    db.session.refresh(other)
    assert other.intent == "absent"


def test_hands_and_close_show_results(client, login, make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    login(s.admin)
    for m in s.members:
        client.post(f"/assemblies/{a.id}/attendance/{place(a, m).id}",
                    data={"presence": "in_person"})
    client.post(f"/assemblies/{a.id}/open")
    res = s.resolutions[0]
    client.post(f"/assemblies/{a.id}/resolutions/open", data={"resolution": res.id})
    html = _page(client, a)
    assert "Show of hands in the room" in html
    r = client.post(f"/assemblies/{a.id}/resolutions/{res.id}/hands",
                    data={"cooperative": s.coop.id, "for:a": "4", "for:b": "3", "for:c": "x"})
    assert r.status_code == 302  # "x" is refused with a message, nothing entered
    r = client.post(f"/assemblies/{a.id}/resolutions/{res.id}/hands",
                    data={"cooperative": s.coop.id, "for:a": "4", "for:b": "3", "for:c": "3"})
    client.post(f"/assemblies/{a.id}/close")
    html = _page(client, a)
    assert "Adopted" in html
    db.session.refresh(a)
    assert a.state == State.CLOSED


SECRETARIAT_ROUTES = [("GET", "attendance"), ("POST", "items"), ("POST", "resolutions"),
                      ("POST", "bureau"), ("POST", "convene"), ("POST", "second-call"),
                      ("POST", "open"), ("POST", "resolutions/open"),
                      ("POST", "resolutions/close"), ("POST", "close")]


def test_assembly_route_permissions(client, login, make_assembly, make_coop, make_member):
    """On a real convened assembly: outsiders see nothing, members cannot run it, and refused
    writes change nothing."""
    from governance.models import AuditEntry
    s = make_assembly(convene=True)
    a = s.assembly
    outsider = make_member(make_coop("elsewhere")).person
    login(outsider)
    for path in ("", "/quorum"):
        assert client.get(f"/assemblies/{a.id}{path}").status_code == 403
    client.post("/logout")
    login(s.members[0].person)
    assert client.get(f"/assemblies/{a.id}").status_code == 200
    before = db.session.query(AuditEntry).count()
    for method, path in SECRETARIAT_ROUTES:
        response = client.open(f"/assemblies/{a.id}/{path}", method=method, data={})
        assert response.status_code == 403, path
    res = s.resolutions[0]
    assert client.post(f"/assemblies/{a.id}/resolutions/{res.id}/hands",
                       data={"cooperative": s.coop.id}).status_code == 403
    assert db.session.query(AuditEntry).count() == before


def test_advance_vote_from_the_page(client, login, make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    me = place(a, s.members[0])
    login(s.members[0].person)
    r = client.post(f"/assemblies/{a.id}/places/{me.id}/advance",
                    data={f"r{s.resolutions[0].id}": "for"})  # one resolution left out
    assert r.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    r = client.post(f"/assemblies/{a.id}/places/{me.id}/advance",
                    data={f"r{res.id}": "against" for res in s.resolutions},
                    follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Your tracking codes:" in html
    assert "You voted in advance" in html and "Give my proxy" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 2
