"""The board's pages through the test client: the board, mandates, meetings, attendance and
minutes; drafts stay with the board; the demo's board."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from governance.board import services as svc
from governance.board.models import BoardAttendance, BoardMandate, BoardMeeting
from governance.models import AuditEntry
from governance.platform.extensions import db

EN = {"Accept-Language": "en"}


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def coop(make_coop, make_person, make_member):
    c = make_coop("coop", colleges=[("emp", "Employees", "1/2"), ("use", "Users", "1/2")])
    c.admin = make_person("admin@example.org", roles={c: "admin"})
    c.chair = make_member(c, "chair@example.org", college="emp").person
    c.director = make_member(c, "director@example.org", college="use").person
    c.member = make_member(c, "member@example.org", college="use").person
    for person, role in [(c.chair, "president"), (c.director, "director")]:
        svc.add_mandate(c.admin, c, svc.MandateDraft(person, role, date(2021, 1, 1),
                                                     college="emp"))
    return c


def test_the_board_page_and_recording_then_ending_a_mandate(client, login, coop):
    login(coop.member)
    page = text(client.get("/c/coop/board", headers=EN))
    assert "Chair of the board" in page and coop.chair.display_name in page
    assert "Record a mandate" not in page and "/board/mandates/new" not in page
    assert "/board" in text(client.get("/c/coop", headers=EN))  # linked from the cooperative
    client.post("/logout")
    login(coop.admin)
    page = text(client.get("/c/coop/board", headers=EN))
    assert "Record a mandate" in page and "for=board" in page  # the board vote link
    bad = client.post("/c/coop/board/mandates/new", headers=EN, data={
        "email": "member@example.org", "role": "president", "college": "",
        "starts_on": "2022-01-01"})
    assert bad.status_code == 400 and "one Chair of the board (président·e) at a time" in \
        text(bad)
    made = client.post("/c/coop/board/mandates/new", data={
        "email": "member@example.org", "role": "director", "college": "use",
        "starts_on": "2022-01-01"})
    assert made.status_code == 302
    mandate = db.session.scalar(sa.select(BoardMandate).where(
        BoardMandate.person_id == coop.member.id))
    assert mandate.college_code == "use"
    ended = client.post(f"/c/coop/board/mandates/{mandate.id}/end", data={
        "ends_on": "2022-12-31", "reason": "Démission"})
    assert ended.status_code == 302
    page = text(client.get("/c/coop/board", headers=EN))
    assert "Past mandates" in page and "Démission" in page


def test_a_permanent_representative_needs_the_legal_persons_number(client, login, coop):
    login(coop.admin)
    response = client.post("/c/coop/board/mandates/new", headers=EN, data={
        "email": "member@example.org", "role": "permanent_representative", "college": "",
        "starts_on": "2022-01-01"})
    assert response.status_code == 400 and "legal person represented" in text(response)
    response = client.post("/c/coop/board/mandates/new", headers=EN, data={
        "email": "member@example.org", "role": "permanent_representative", "college": "",
        "represents": "2", "starts_on": "2022-01-01"})  # a natural person's number
    assert response.status_code == 400 and "is not a legal person" in text(response)


def test_the_board_runs_a_meeting_from_agenda_to_published_minutes(client, login, coop):
    login(coop.chair)
    made = client.post("/c/coop/board/meetings", data={
        "title": "CA de septembre", "held_at": "2021-09-21T18:00", "place": "Paris",
        "agenda": "Plan de continuation\nConvocation de l'AGE"})
    assert made.status_code == 302
    first = db.session.scalar(sa.select(BoardMeeting))
    url = f"/c/coop/board/meetings/{first.id}"
    page = text(client.get(url, headers=EN))
    assert "<li>Plan de continuation</li>" in page and "Record the attendance" in page
    assert client.get(f"{url}/edit").status_code == 200
    assert client.post(f"{url}/edit", data={
        "title": "CA de septembre", "held_at": "2021-09-21T18:30", "place": "Lyon",
        "agenda": "Plan de continuation\nConvocation de l'AGE"}).status_code == 302
    db.session.refresh(first)
    assert (first.place, first.held_at.minute) == ("Lyon", 30)
    assert "at least half of the 2 directors in office present, that is 1" in page
    client.post(f"{url}/attendance", data={
        "rows-0-person_id": coop.chair.id, "rows-0-status": "present",
        "rows-1-person_id": coop.director.id, "rows-1-status": "represented",
        "rows-1-represented_by": coop.chair.id})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardAttendance)) == 2
    assert "The quorum is reached." in text(client.get(url, headers=EN))
    client.post(f"{url}/minutes", data={"minutes": "Le conseil approuve le plan."})
    client.post("/c/coop/board/meetings", data={"title": "CA de novembre",
                                                "held_at": "2021-11-03T18:00"})
    second = db.session.scalar(sa.select(BoardMeeting).where(BoardMeeting.id != first.id))
    client.post(f"{url}/minutes/approve", data={"at_meeting": second.id})
    client.post(f"{url}/minutes/publish")
    db.session.expire_all()
    assert first.minutes_state == "published" and first.approved_at_meeting_id == second.id
    client.post("/logout")
    login(coop.member)
    listing = text(client.get("/c/coop/board/meetings", headers=EN))
    assert "CA de septembre" in listing and "CA de novembre" not in listing
    page = text(client.get(url, headers=EN))
    assert "Le conseil approuve le plan." in page and "Draft the minutes" not in page
    approval = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "board.minutes_approve"))
    assert f"flask audit verify --anchor {approval.id}:{approval.hash}" in page
    assert client.get(f"/c/coop/board/meetings/{second.id}").status_code == 404


def test_members_never_see_drafts_and_refusals_change_nothing(client, login, coop):
    meeting = svc.create_meeting(coop.admin, coop, "CA", datetime(2021, 9, 21, 18))
    svc.save_minutes(coop.chair, meeting, "Brouillon confidentiel")
    login(coop.member)
    assert "CA" not in text(client.get("/c/coop/board/meetings", headers=EN)).split("<h1>")[2:]
    assert client.get(f"/c/coop/board/meetings/{meeting.id}").status_code == 404
    assert client.post(f"/c/coop/board/meetings/{meeting.id}/minutes",
                       data={"minutes": "x"}).status_code == 403
    assert client.post("/c/coop/board/meetings", data={"title": "x"}).status_code == 403
    client.post("/logout")
    login(coop.admin)
    page = text(client.get(f"/c/coop/board/meetings/{meeting.id}", headers=EN))
    assert "Brouillon confidentiel" in page and "Draft the minutes" not in page  # not board
    refused = client.post(f"/c/coop/board/meetings/{meeting.id}/minutes/publish", headers=EN,
                          follow_redirects=True)
    assert "cannot go from" in text(refused)
    db.session.expire_all()
    assert meeting.minutes_state == "draft"


def test_the_board_vote_link_preselects_the_board_and_an_open_ballot(client, login, coop):
    login(coop.admin)
    page = text(client.get("/c/coop/votes/new?for=board"))
    assert '<input checked id="eligibility-2" name="eligibility" type="radio" value="board">' \
        in page
    assert 'id="secret" name="secret" type="checkbox" value="y">' in page  # not checked


def test_the_demo_board(runner, client, login):
    assert runner.invoke(args=["demo"]).exit_code == 0
    from governance.models import Cooperative, Person
    from governance.permissions import roles_in
    smartfr = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == "smartfr"))
    mandates = db.session.scalars(sa.select(BoardMandate)).all()
    roles = sorted(m.role.value for m in mandates if m.ends_on is None)
    assert roles == ["director", "director", "director", "director", "managing_director",
                     "permanent_representative", "president"]
    assert sum(1 for m in mandates if m.ends_on is not None) == 2
    states = [m.minutes_state for m in db.session.scalars(
        sa.select(BoardMeeting).order_by(BoardMeeting.held_at))]
    assert states == ["published", "published", "draft"]
    member = db.session.scalar(sa.select(Person).where(Person.email == "member@example.coop"))
    board = db.session.scalar(sa.select(Person).where(Person.email == "board@example.coop"))
    assert "board" in roles_in(board, smartfr)
    from governance.demo import PASSWORD
    login(member, PASSWORD)
    listing = text(client.get("/c/smartfr/board/meetings"))
    assert "plan de continuation" in listing and "9 février 2022" not in listing
    assert "Fondation SmartBe" in text(client.get("/c/smartfr/board"))
