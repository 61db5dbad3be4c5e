"""The board of chantiers: columns by status, updated in place with htmx, the same forms
without JavaScript; bad input says why and changes nothing."""
from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa

from circles import services as svc
from circles.models import Chantier, ChantierStatus
from governance.platform.extensions import db

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def board(world):
    chantier = svc.create_chantier(world.admin, world.root, svc.ChantierDraft(
        "Annuaire du Nuage", "Compétences", "planned", "24.5", people=[world.member.id]))
    return f"/c/ge/circles/{world.root.id}/chantiers", chantier


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Chantier))


def test_board_shows_columns_and_cards(client, login, world, board):
    url, _c = board
    login(world.societaire)
    html = unescape(client.get(url).get_data(as_text=True))
    for text in ("Proposed", "Planned", "In progress", "Done", "Dropped", "Annuaire du Nuage",
                 "24.5 h", world.member.display_name):
        assert text in html, text
    assert "Add a chantier" not in html and "Move to" not in html  # reads, does not plan
    client.post("/logout")
    login(world.member)
    html = client.get(url).get_data(as_text=True)
    assert "Add a chantier" in html and "Move to" in html and 'hx-target="#board"' in html


def test_htmx_move_returns_the_board_alone(client, login, world, board):
    url, chantier = board
    login(world.member)
    r = client.post(f"{url}/{chantier.id}/move", data={"status": "in_progress"}, headers=HX)
    html = unescape(r.get_data(as_text=True))
    assert r.status_code == 200 and html.lstrip().startswith('<div id="board"')
    assert "<html" not in html and "“Annuaire du Nuage” moved." in html
    db.session.expire_all()
    assert chantier.status == ChantierStatus.IN_PROGRESS


def test_move_without_javascript_redirects(client, login, world, board):
    url, chantier = board
    login(world.member)
    r = client.post(f"{url}/{chantier.id}/move", data={"status": "done"})
    assert r.status_code == 302 and r.headers["Location"].endswith(url)
    assert "moved." in unescape(client.get(url).get_data(as_text=True))
    r = client.post(f"{url}/{chantier.id}/move", data={"status": "archived"},
                    follow_redirects=True)
    assert "Choose a status" in r.get_data(as_text=True)
    db.session.expire_all()
    assert chantier.status == ChantierStatus.DONE


def test_add_with_htmx_and_without(client, login, world, board):
    url, _c = board
    login(world.member)
    r = client.post(url, data={"title": "Tutoriels", "status": "proposed", "hours": "1,75",
                               "people": [str(world.lead.id)]}, headers=HX)
    assert r.status_code == 200 and "Tutoriels" in r.get_data(as_text=True)
    assert "<html" not in r.get_data(as_text=True)
    r = client.post(url, data={"title": "Guide", "status": "done", "due_on": "2023-06-30"})
    assert r.status_code == 302
    added = db.session.scalar(sa.select(Chantier).where(Chantier.title == "Tutoriels"))
    assert added.estimated_hours == Decimal("1.75") and added.people == [world.lead]
    assert _count() == 3


@pytest.mark.parametrize("data, message", [
    ({"title": "", "status": "planned"}, "Give the chantier a title."),
    ({"title": "T", "status": "planned", "hours": "1.1"}, "Estimate in quarter hours"),
    ({"title": "T", "status": "planned", "hours": "-2"}, "cannot be negative"),
    ({"title": "T", "status": "planned", "hours": "deux"}, "is not a number of hours"),
    ({"title": "T", "status": "planned", "due_on": "demain"}, "Not a valid date value."),
])
@pytest.mark.parametrize("headers", [{}, HX])
def test_bad_chantier_says_why_and_changes_nothing(client, login, world, board, data, message,
                                                  headers):
    url, _c = board
    login(world.member)
    r = client.post(url, data=data, headers=headers)
    assert r.status_code == (200 if headers else 400)
    assert message in unescape(r.get_data(as_text=True))
    assert _count() == 1


def test_someone_outside_the_circle_cannot_be_involved(client, login, world, board):
    url, _c = board
    login(world.member)
    r = client.post(url, data={"title": "T", "status": "planned",
                               "people": [str(world.societaire.id)]})
    assert r.status_code == 400 and "Only the circle's members" in unescape(
        r.get_data(as_text=True))
    assert _count() == 1


def test_edit_a_chantier(client, login, world, board):
    url, chantier = board
    login(world.member)
    html = client.get(f"{url}/{chantier.id}/edit").get_data(as_text=True)
    assert 'value="24.5"' in html and "selected" in html
    r = client.post(f"{url}/{chantier.id}/edit", data={
        "title": "Annuaire", "status": "done", "hours": "30", "people": []})
    assert r.status_code == 302
    db.session.expire_all()
    assert (chantier.title, chantier.status, chantier.estimated_hours, chantier.people) == (
        "Annuaire", ChantierStatus.DONE, Decimal("30"), [])
    r = client.post(f"{url}/{chantier.id}/edit", data={"title": "A", "status": "done",
                                                       "hours": "0.3"})
    assert r.status_code == 400 and "Estimate in quarter hours" in unescape(
        r.get_data(as_text=True))
