"""Every route of circles: anonymous → login, outsider → 403, refused → 403, allowed → 200 or
redirect; unknown ids → 404; the pages as people read them."""
from __future__ import annotations

from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from circles import services as svc
from circles.models import RoleAssignment
from governance.platform.extensions import db
from governance.platform.service import SYSTEM

from .conftest import role


@pytest.fixture(autouse=True)
def _english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def routes(world):
    """(method, url, data, allowed, refused): who may and who may not, per route."""
    custom = svc.add_role(world.admin, world.root, svc.RoleDraft("Référent·e Nuage"))
    chantier = svc.create_chantier(world.admin, world.root, svc.ChantierDraft("Annuaire"))
    term = db.session.scalar(sa.select(RoleAssignment))
    member = db.session.scalar(sa.text("SELECT id FROM circle_member"))
    base, r, s = "/c/ge/circles", world.root.id, world.sub.id
    day = {"on": "2023-03-15"}
    return [
        ("get", base, None, "societaire", "outsider"),
        ("get", f"{base}/{r}", None, "societaire", "outsider"),
        ("get", f"{base}/{r}/chantiers", None, "societaire", "outsider"),
        ("get", f"{base}/new", None, "lead", "member"),
        ("post", f"{base}/new", {"name": "Wiki", "parent": str(r)}, "lead", "member"),
        ("get", f"{base}/{r}/edit", None, "lead", "member"),
        ("post", f"{base}/{r}/edit", {"name": "Ancrage", "parent": ""}, "lead", "member"),
        ("post", f"{base}/{s}/dissolve", day, "admin", "lead"),
        ("post", f"{base}/{r}/members", {"person": "soc@ge.example.org",
                                         "joined_on": "2023-01-01"}, "lead", "member"),
        ("post", f"{base}/{r}/members/{member}/leave", day, "lead", "member"),
        ("post", f"{base}/{r}/roles", {"name": "Trésorerie"}, "lead", "member"),
        ("post", f"{base}/{r}/roles/{custom.id}/remove", day, "lead", "member"),
        ("post", f"{base}/{s}/roles/{role(world.sub).id}/terms",
         {f"r{role(world.sub).id}-person": "member@ge.example.org",
          f"r{role(world.sub).id}-starts_on": "2023-01-01"}, "lead", "member"),
        ("post", f"{base}/{r}/terms/{term.id}/end", day, "admin", "lead"),
        ("post", f"{base}/{r}/chantiers", {"title": "Wiki", "status": "planned"}, "member",
         "societaire"),
        ("post", f"{base}/{r}/chantiers/{chantier.id}/move", {"status": "done"}, "member",
         "societaire"),
        ("get", f"{base}/{r}/chantiers/{chantier.id}/edit", None, "member", "societaire"),
        ("post", f"{base}/{r}/chantiers/{chantier.id}/edit",
         {"title": "Annuaire 2", "status": "planned"}, "member", "societaire"),
    ]


def _call(client, method, url, data):
    return getattr(client, method)(url, data=data) if data is not None else \
        getattr(client, method)(url)


def test_anonymous_goes_to_login(client, routes):
    for method, url, data, _ok, _no in routes:
        r = _call(client, method, url, data)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url


@pytest.mark.parametrize("index", range(18))
def test_refused_then_allowed(client, login, world, routes, index):
    assert len(routes) == 18
    method, url, data, allowed, refused = routes[index]
    login(getattr(world, refused))
    assert _call(client, method, url, data).status_code == 403, url
    client.post("/logout")
    login(getattr(world, allowed))
    r = _call(client, method, url, data)
    assert r.status_code == (200 if method == "get" else 302), (url, r.data[-3000:])


def test_outsider_is_refused_everywhere(client, login, world, routes):
    login(world.outsider)
    for method, url, data, _ok, _no in routes:
        assert _call(client, method, url, data).status_code == 403, url


def test_unknown_ids_are_404(client, login, world, make_coop, make_person):
    other = make_coop("x")
    foreign = svc.create_circle(SYSTEM, other, svc.CircleDraft("Ailleurs"))
    login(world.admin)
    for url in ("/c/ge/circles/999", f"/c/ge/circles/{foreign.id}",
                f"/c/ge/circles/{world.root.id}/chantiers/999/edit", "/c/nope/circles"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/c/ge/circles/{world.root.id}/terms/999/end",
                       data={"on": "2023-01-01"}).status_code == 404
    assert client.post(f"/c/ge/circles/{world.root.id}/roles/999/terms",
                       data={}).status_code == 404


def test_map_and_circle_page_read_as_a_member(client, login, world):
    svc.edit_circle(world.admin, world.root, svc.CircleDraft(
        "Cercle d'ancrage", "Nouvelle raison d'être.", "Le budget contributif",
        "Répartir le budget\nRendre compte"))
    login(world.societaire)
    html = unescape(client.get("/c/ge/circles").get_data(as_text=True))
    assert "Cercle d'ancrage" in html and "Outils" in html and "Lead link" in html
    assert world.lead.display_name in html and "Create a circle" not in html
    html = unescape(client.get(f"/c/ge/circles/{world.root.id}").get_data(as_text=True))
    for text in ("Nouvelle raison d", "Répartir le budget", "Facilitator", "Rep link",
                 world.member.display_name, "Changed on", "by Sam Secretariat", "Created on"):
        assert text in html, text
    assert "Add a member" not in html and "Change the circle" not in html
    coop_page = unescape(client.get("/c/ge").get_data(as_text=True))
    assert 'href="/c/ge/circles">Circles</a>' in coop_page  # the cooperative's link


def test_lead_link_sees_the_forms(client, login, world):
    login(world.lead)
    html = unescape(client.get(f"/c/ge/circles/{world.root.id}").get_data(as_text=True))
    assert "Add a member" in html and "Add a custom role" in html
    assert "Create a sub-circle" in html


def test_past_terms_on_the_page(client, login, world):
    term = db.session.scalar(sa.select(RoleAssignment))
    svc.end_term(world.admin, term, date(2022, 12, 31))
    svc.assign_role(world.admin, role(world.root), world.member, date(2023, 1, 1))
    login(world.societaire)
    html = unescape(client.get(f"/c/ge/circles/{world.root.id}").get_data(as_text=True))
    assert "Past terms" in html and "Dec 31, 2022" in html


@pytest.mark.parametrize("data, message", [
    ({"person": "nobody@example.org", "joined_on": "2023-01-01"},
     "Nobody in this cooperative has the email or membership number"),
    ({"person": "out@other.example.org", "joined_on": "2023-01-01"}, "Nobody in this"),
    ({"person": "member@ge.example.org", "joined_on": "2023-01-01"}, "already a member"),
    ({"person": "", "joined_on": "2023-01-01"}, "Give the person"),
    ({"person": "soc@ge.example.org", "joined_on": "soon"}, "Give a valid date."),
])
def test_bad_member_input_says_why(client, login, world, data, message):
    login(world.lead)
    r = client.post(f"/c/ge/circles/{world.root.id}/members", data=data)
    assert r.status_code == 400 and message in unescape(r.get_data(as_text=True))
    assert db.session.scalar(sa.text("SELECT count(*) FROM circle_member")) == 1


def test_bad_term_input_says_why(client, login, world):
    login(world.admin)
    lead = role(world.root)
    url = f"/c/ge/circles/{world.root.id}/roles/{lead.id}/terms"
    p = f"r{lead.id}-"
    r = client.post(url, data={p + "person": "member@ge.example.org",
                               p + "starts_on": "2023-01-01"})
    assert r.status_code == 400 and "one holder at a time" in unescape(r.get_data(as_text=True))
    r = client.post(url, data={p + "person": "member@ge.example.org",
                               p + "starts_on": "2020-01-01", p + "ends_on": "2019-01-01"})
    assert "comes before the start" in unescape(r.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment)) == 1


def test_nesting_cycle_refused_from_the_form(client, login, world):
    login(world.admin)
    r = client.post(f"/c/ge/circles/{world.root.id}/edit",
                    data={"name": "Cercle d'ancrage", "parent": str(world.sub.id)})
    assert r.status_code == 400
    assert "cannot be nested in itself" in unescape(r.get_data(as_text=True))
    db.session.expire_all()
    assert world.root.parent_id is None


def test_create_then_edit_shows_history(client, login, world):
    login(world.admin)
    r = client.post("/c/ge/circles/new", data={"name": "Communication", "parent": "",
                                               "purpose": "Informer", "domains": "a\n\na"})
    assert r.status_code == 302
    html = unescape(client.get(r.headers["Location"]).get_data(as_text=True))
    assert "Circle created" in html and "Informer" in html
    r = client.post(r.headers["Location"] + "/edit", data={
        "name": "Communication", "parent": str(world.root.id), "purpose": "Informer tout le monde",
        "domains": "a"}, follow_redirects=True)
    html = unescape(r.get_data(as_text=True))
    assert "Circle updated." in html and "Nested in" in html and "Informer tout le monde" in html
    r = client.post("/c/ge/circles/new", data={"name": "", "parent": ""})
    assert r.status_code == 400 and "Give the circle a name." in unescape(r.get_data(as_text=True))


def test_dissolve_with_sub_circles_is_explained(client, login, world):
    login(world.admin)
    r = client.post(f"/c/ge/circles/{world.root.id}/dissolve", data={"on": "2023-03-15"})
    assert r.status_code == 400
    assert "is still nested in this one" in unescape(r.get_data(as_text=True))
    r = client.post(f"/c/ge/circles/{world.sub.id}/dissolve", data={"on": ""})
    assert r.status_code == 400 and "Give a valid date." in unescape(r.get_data(as_text=True))
    assert world.sub.dissolved_on is None
