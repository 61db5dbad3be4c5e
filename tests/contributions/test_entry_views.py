"""Pages of logged time: my contributions, edit, correct, review (htmx and without JS)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contributions.models import Contribution
from contributions.services.review import approve
from governance.platform.extensions import db

TODAY_ENTRY = date.today()


@pytest.fixture
def now_budget(world):
    """The budget covers today too, so that the pages (which use today) accept entries."""
    world.budget.ends_on = date.today()
    db.session.commit()
    return world


def _fresh(entry_id):
    db.session.expire_all()  # the requests changed the rows in their own sessions
    return db.session.get(Contribution, entry_id)


def _en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_a_member_logs_time_and_sees_it_waiting(client, login, now_budget):
    w = now_budget
    _en(client)
    login(w.alice)
    page = client.get("/c/ge/contributions/")
    assert page.status_code == 200 and b"Log time" in page.data and b"Outils" in page.data
    response = client.post("/c/ge/contributions/", data={
        "circle": w.circle.id, "worked_on": date.today().isoformat(), "hours": "1h30",
        "chantier": 0, "role": 0, "description": "Réunion outils"})
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(Contribution))
    assert (entry.hours, entry.amount, entry.status) == (Decimal("1.5"), Decimal(30), "submitted")
    page = client.get("/c/ge/contributions/").get_data(as_text=True)
    assert "Waiting for review" in page and "Réunion outils" in page and "€30" in page


@pytest.mark.parametrize("hours, text", [("1.1", "quarter hours"), ("deux", "Write a number"),
                                         ("13", "from a quarter hour to 12")])
def test_bad_hours_get_a_message_and_change_nothing(client, login, now_budget, hours, text):
    _en(client)
    login(now_budget.alice)
    page = client.post("/c/ge/contributions/", data={
        "circle": now_budget.circle.id, "worked_on": date.today().isoformat(), "hours": hours,
        "chantier": 0, "role": 0, "description": "x"}, follow_redirects=True)
    assert page.status_code == 200 and text in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 0


def test_the_lead_link_approves_in_place_with_htmx(client, login, log, now_budget):
    entry = log(now_budget.alice, "2")
    _en(client)
    login(now_budget.lead)
    page = client.get("/c/ge/contributions/review").get_data(as_text=True)
    assert "Left in the envelope: €1,000" in page and f'id="entry-{entry.id}"' in page
    row = client.post(f"/c/ge/contributions/{entry.id}/approve", headers={"HX-Request": "true"})
    text = row.get_data(as_text=True)
    assert row.status_code == 200 and text.startswith("<tr") and "Approved" in text
    assert _fresh(entry.id).status == "approved"


def test_rejecting_without_a_reason_is_refused_with_a_message(client, login, log, now_budget):
    entry = log(now_budget.alice, "2")
    _en(client)
    login(now_budget.lead)
    row = client.post(f"/c/ge/contributions/{entry.id}/reject", data={"reason": " "},
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Say why" in row and _fresh(entry.id).status == "submitted"
    response = client.post(f"/c/ge/contributions/{entry.id}/reject",
                           data={"reason": "Doublon"})
    assert response.status_code == 302
    assert _fresh(entry.id).reject_reason == "Doublon"


def test_the_author_cannot_review_and_others_cannot_see_the_queue(client, login, log, now_budget):
    entry = log(now_budget.lead, "2")
    login(now_budget.lead)
    client.post(f"/c/ge/contributions/{entry.id}/approve")
    assert _fresh(entry.id).status == "submitted"
    client.get("/logout")
    login(now_budget.alice)
    assert client.get("/c/ge/contributions/review").status_code == 403
    assert client.post(f"/c/ge/contributions/{entry.id}/approve").status_code == 403


def test_edit_and_correct_pages(client, login, log, now_budget):
    w = now_budget
    entry = log(w.alice, "2")
    _en(client)
    login(w.alice)
    response = client.post(f"/c/ge/contributions/{entry.id}/edit", data={
        "circle": w.circle.id, "worked_on": "2022-03-01", "hours": "3", "chantier": 0,
        "role": 0, "description": "Plus long"})
    assert response.status_code == 302 and _fresh(entry.id).hours == 3
    approve(w.lead, _fresh(entry.id), today=date(2022, 12, 15))
    locked = client.get(f"/c/ge/contributions/{entry.id}/edit").get_data(as_text=True)
    assert "can no longer change" in locked
    response = client.post(f"/c/ge/contributions/{entry.id}/correct",
                           data={"hours": "1", "description": "Une heure en trop"})
    assert response.status_code == 302
    fix = db.session.scalar(sa.select(Contribution).where(Contribution.corrects_id == entry.id))
    assert (fix.hours, fix.amount) == (Decimal(-1), Decimal(-20))
    assert client.post(f"/c/ge/contributions/{entry.id}/correct", data={
        "hours": "5", "description": "x"}).status_code == 200  # too many: message, no entry
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 2


@pytest.mark.parametrize("path", ["/c/ge/contributions/", "/c/ge/contributions/review",
                                  "/c/ge/contributions/{id}/edit",
                                  "/c/ge/contributions/{id}/correct"])
def test_routes_need_login_and_a_place_in_the_cooperative(client, login, log, now_budget,
                                                          make_person, path):
    entry = log(now_budget.alice, "1")
    path = path.format(id=entry.id)
    assert client.get(path).status_code == 302  # to the login page
    login(make_person("stranger@else.org"))
    assert client.get(path).status_code == 403
    assert client.get(path.replace("/ge/", "/nope/")).status_code == 404


def test_someone_elses_entry_is_not_editable(client, login, log, now_budget):
    entry = log(now_budget.alice, "1")
    login(now_budget.bob)
    assert client.get(f"/c/ge/contributions/{entry.id}/edit").status_code == 403
    assert client.get(f"/c/ge/contributions/{entry.id}/correct").status_code == 403
    assert client.get("/c/ge/contributions/999999/edit").status_code == 404


def test_the_review_queue_shows_the_oldest_entries_first_a_hundred_at_most(
        client, login, log, now_budget, monkeypatch):
    from contributions import entry_queries
    monkeypatch.setattr(entry_queries, "QUEUE", 2)
    days = [date(2022, 3, d) for d in (9, 2, 5)]
    entries = [log(now_budget.alice, "1", d) for d in days]
    _en(client)
    login(now_budget.lead)
    page = client.get("/c/ge/contributions/review").get_data(as_text=True)
    assert "The 2 oldest of 3 entries waiting are shown" in page
    shown = [e.id for e in entries if f'id="entry-{e.id}"' in page]
    assert shown == [entries[1].id, entries[2].id]  # 2 and 5 March, not 9 March
