"""The minutes (procès-verbal) of a realistic sitting built with the services: quorum, results
per college and weighted, the attendance sheet with proxies and an advance vote; who reads
them when; the bureau's approval; the CSV exports and who gets them."""
from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from fractions import Fraction

import pytest
import sqlalchemy as sa

from assemblies import minutes
from assemblies.models import State
from assemblies.services import attendance, prepare, proxies, voting
from governance.models import AuditEntry
from governance.platform.extensions import db

from .conftest import place

LABELS = {"for": "For", "against": "Against", "abstain": "Abstain"}


@pytest.fixture
def sitting(make_assembly):
    """An extraordinary assembly of 11 sociétaires (colleges a: 5, b: 3, c: 3) held and closed:
    m0 (chair) in the room, m1 (secretary) online, m2 represented by m3 in the room, m4 absent,
    m5 voted in advance, m6 gave a blank proxy, m7 in the room; m8 gave a proxy to m9, absent,
    so m8 is not represented."""
    s = make_assembly(members=(5, 3, 3), convene=True)
    a, m, (r1, r2) = s.assembly, s.members, s.resolutions
    p = [place(a, x) for x in m]
    prepare.set_bureau(s.admin, a, m[0].person, m[1].person, "Alice Martin, Bob Durand")
    proxies.answer_proxy(m[3].person, proxies.give_proxy(m[2].person, p[2], p[3].number), True)
    proxies.answer_proxy(m[9].person, proxies.give_proxy(m[8].person, p[8], p[9].number), True)
    proxies.give_proxy(m[6].person, p[6], None)
    voting.vote_in_advance(m[5].person, p[5], {r1.id: "for", r2.id: "against"})
    for i, how in ((0, "in_person"), (1, "online"), (3, "in_person"), (7, "in_person")):
        attendance.check_in(s.admin, p[i], how)
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, [r1, r2])
    for r, votes in ((r1, ("for", "against", "for", "abstain")),
                     (r2, ("for", "for", "against", "for"))):
        voting.cast(m[0].person, r, p[0], votes[0])
        voting.cast(m[1].person, r, p[1], votes[1])
        voting.cast_for_all(m[3].person, r, votes[2])  # for m3 and m2
        voting.cast(m[7].person, r, p[7], votes[3])
    voting.close_assembly(s.admin, a)
    for person in [s.admin] + [x.person for x in m]:
        person.locale = "en"  # the pages in English (the cooperative's language is French)
    db.session.commit()
    s.places = p
    return s


def _rows(response) -> list[dict]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


@contextmanager
def _queries():
    seen = []

    def count(*_args):
        seen.append(1)
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_minutes_hold_quorum_results_per_college_and_attendance(sitting):
    s = sitting
    m = minutes.gather(s.assembly, LABELS)
    (call,) = m.calls
    assert call.sitting.convened_at and call.sitting.notice_days == 20
    opening = call.opening[s.coop.id]
    assert (opening.participating, opening.roll, opening.required, opening.met) == \
        (7, 11, Fraction(1, 4), True)
    (coop,) = m.attendance
    assert coop.counts == {"in_person": 3, "online": 1, "represented": 2, "advance": 1}
    assert (coop.quorum.participating, coop.quorum.roll) == (7, 11)

    first, second = m.resolutions
    (r1,) = first.results
    colleges = {c.id: c for c in r1.result.colleges}
    assert (colleges["a"].counts["for"], colleges["a"].counts["against"]) == (3, 1)
    assert (colleges["b"].counts["for"], colleges["b"].counts["abstain"]) == (2, 1)
    assert colleges["c"].expressed == 0  # empty: its weight is redistributed
    assert r1.result.share_for == Fraction(6, 7) and r1.result.outcome == "adopted"
    (r2,) = second.results  # blank proxy and advance vote against, not approved by the board
    assert r2.result.share_for == Fraction(3, 7) and r2.result.outcome == "rejected"

    sheet = {row.number: row for row in m.sheet}
    p = s.places
    assert set(sheet) == {p[i].number for i in (0, 1, 2, 3, 5, 6, 7)}  # not m4, not m8
    assert sheet[p[0].number].attendance == "in_person"
    assert sheet[p[1].number].attendance == "online"
    held = sheet[p[2].number]
    assert (held.attendance, held.holder_number, held.blank) == ("represented", p[3].number, False)
    assert held.holder_name == s.members[3].person.display_name
    assert sheet[p[6].number].attendance == "represented" and sheet[p[6].number].blank
    assert sheet[p[5].number].attendance == "advance"
    assert sheet[p[0].number].weight == Fraction(2, 5) / 5  # w_c / n_c
    assert sheet[p[5].number].weight == Fraction(3, 10) / 3
    assert sheet[p[5].number].college_name == "Permanents"


def test_attendance_sheet_queries_do_not_grow_with_the_roll(sitting):
    a = sitting.assembly
    _ = [c.colleges for c in a.cooperatives], a.sitting
    with _queries() as seen:
        sheet = minutes.attendance_sheet(a)
    assert len(sheet) == 7 and len(seen) <= 2
    with _queries() as seen:
        minutes.gather(a, LABELS)
    assert len(seen) <= 8


def test_minutes_page_shows_the_proces_verbal(client, login, sitting):
    s = sitting
    login(s.admin)
    html = client.get(f"/assemblies/{s.assembly.id}").get_data(as_text=True)
    assert f"/assemblies/{s.assembly.id}/minutes" in html
    html = client.get(f"/assemblies/{s.assembly.id}/minutes").get_data(as_text=True)
    for text in ("Minutes of the general assembly", "Alice Martin, Bob Durand",
                 "Plan de continuation", "L&#39;assemblée approuve le plan.",
                 "Represented by the chair (blank proxy)", "Voted in advance",
                 f"Represented by {s.members[3].person.display_name} (number "
                 f"{s.places[3].number})", "Attendance sheet", "Quorum at the opening",
                 "Weighted result", "The resolution is adopted", "The resolution is rejected",
                 "Write the debates", "attendance.csv", "proxies.csv"):
        assert text in html, text
    assert "Approve the minutes" not in html  # the secretariat is not the bureau here


def test_members_read_the_minutes_only_once_published(client, login, sitting):
    s = sitting
    a, chair, secretary, member = (s.assembly, s.members[0].person, s.members[1].person,
                                   s.members[4].person)
    url = f"/assemblies/{a.id}/minutes"
    login(member)
    assert client.get(url).status_code == 404
    assert f'href="{url}"' not in client.get(f"/assemblies/{a.id}").get_data(as_text=True)
    assert client.post(f"{url}/approve").status_code == 404
    client.post("/logout")

    login(secretary)  # the bureau's secretary writes the debates
    html = client.get(url).get_data(as_text=True)
    assert "Write the debates" in html and "Approve the minutes" in html
    assert "Publish to the sociétaires" not in html and "attendance.csv" not in html
    assert client.post(url, data={"debates": "Le plan est présenté."}).status_code == 302
    assert client.post(f"{url}/publish").status_code == 403  # the secretariat publishes
    client.post("/logout")

    login(chair)
    assert client.post(f"{url}/approve").status_code == 302
    db.session.refresh(a)
    assert a.minutes_approved_at is not None and a.debates == "Le plan est présenté."
    client.post("/logout")

    login(s.admin)
    html = client.get(url).get_data(as_text=True)
    assert "Write the debates" not in html and "Publish to the sociétaires" in html
    client.post(url, data={"debates": "Changed"})  # refused: approved
    assert client.post(f"{url}/publish").status_code == 302
    db.session.refresh(a)
    assert a.state == State.PUBLISHED and a.debates == "Le plan est présenté."
    client.post("/logout")

    login(member)
    html = client.get(url).get_data(as_text=True)
    assert "Le plan est présenté." in html and "Publish to the sociétaires" not in html
    assert "Write the debates" not in html and "attendance.csv" not in html
    approval = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "assembly.minutes_approve"))  # the anchor printed in the minutes
    assert f"flask audit verify --anchor {approval.id}:{approval.hash}" in html


def test_minutes_are_404_before_the_close_and_403_outside(client, login, make_assembly,
                                                          make_coop, make_member):
    s = make_assembly(convene=True)
    login(s.admin)
    assert client.get(f"/assemblies/{s.assembly.id}/minutes").status_code == 404
    assert client.get(f"/assemblies/{s.assembly.id}/results.csv").status_code == 404
    assert client.get(f"/assemblies/{s.assembly.id}/attendance.csv").status_code == 200
    client.post("/logout")
    outsider = make_member(make_coop("other")).person
    login(outsider)
    assert client.get(f"/assemblies/{s.assembly.id}/minutes").status_code == 403


def test_debates_too_long_are_refused(client, login, sitting):
    login(sitting.admin)
    url = f"/assemblies/{sitting.assembly.id}/minutes"
    assert client.post(url, data={"debates": "x" * 100001}).status_code == 400
    db.session.refresh(sitting.assembly)
    assert sitting.assembly.debates == ""


def test_results_csv_per_resolution_cooperative_and_college(client, login, sitting):
    s = sitting
    login(s.members[4].person)  # any sociétaire, once the assembly is closed
    response = client.get(f"/assemblies/{s.assembly.id}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _rows(response)
    assert len(rows) == 6  # 2 resolutions × 3 colleges
    first = {r["college"]: r for r in rows if r["resolution"] == "1"}
    assert (first["a"]["for"], first["a"]["against"], first["a"]["expressed"],
            first["a"]["share_for"]) == ("3", "1", "4", "0.750000")
    assert first["a"]["college_weight"] == "0.400000" and first["c"]["share_for"] == ""
    assert {r["weighted_share_for"] for r in first.values()} == {"0.857143"}
    assert {r["outcome"] for r in first.values()} == {"adopted"}
    assert {r["outcome"] for r in rows if r["resolution"] == "2"} == {"rejected"}
    assert first["b"]["participation"] == "0.636364" and first["b"]["quorum_required"] == "0.250000"


def test_attendance_and_proxies_csv_for_the_secretariat_and_board(client, login, sitting,
                                                                  make_person):
    s = sitting
    a, p = s.assembly, s.places
    s.members[2].person.first_name = "=SUM(A1)"  # a spreadsheet must not run it
    db.session.commit()
    login(s.members[0].person)  # the chair, a sociétaire: not these lists
    assert client.get(f"/assemblies/{a.id}/attendance.csv").status_code == 403
    assert client.get(f"/assemblies/{a.id}/proxies.csv").status_code == 403
    client.post("/logout")

    board = make_person("board@smart.example.org", roles={s.coop: "board"})
    login(board)
    rows = _rows(client.get(f"/assemblies/{a.id}/attendance.csv"))
    by_number = {int(r["number"]): r for r in rows}
    assert len(rows) == 7
    held = by_number[p[2].number]
    assert held["name"].startswith("'=SUM(A1)")
    assert (held["attendance"], held["represented_by_number"], held["blank_proxy"]) == \
        ("represented", str(p[3].number), "no")
    blank = by_number[p[6].number]
    assert (blank["represented_by_number"], blank["blank_proxy"]) == ("", "yes")
    assert by_number[p[5].number]["attendance"] == "advance"
    assert by_number[p[5].number]["voted_in_advance"] == "yes"
    assert by_number[p[0].number]["weight"] == "0.080000"
    assert by_number[p[0].number]["college_name"] == "Entrepreneurs"
    assert by_number[p[0].number]["checked_in_at_utc"]

    rows = _rows(client.get(f"/assemblies/{a.id}/proxies.csv",
                            headers={"Accept-Language": "en"}))
    assert len(rows) == 3
    by_principal = {int(r["principal_number"]): r for r in rows}
    assert by_principal[p[6].number]["holder_name"] == "the chair (blank proxy)"
    assert by_principal[p[8].number]["holder_number"] == str(p[9].number)
    assert {r["state"] for r in rows} == {"accepted"}
    assert by_principal[p[2].number]["principal_name"].startswith("'=")
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.like("assembly.export_%"))).all()
    assert sorted(actions) == ["assembly.export_attendance", "assembly.export_proxies"]


def test_joint_assembly_minutes_have_a_line_per_cooperative(client, login, make_assembly):
    s = make_assembly(convene=True, joint=True)
    a = s.assembly
    voting.vote_in_advance(s.members_two[0].person, place(a, s.members_two[0]),
                           {r.id: "for" for r in s.resolutions})
    voting.open_sitting(s.admin, a)
    voting.close_assembly(s.admin, a)
    m = minutes.gather(a, LABELS)
    assert [x.cooperative.slug for x in m.attendance] == ["smart", "smart-two"]
    (row,) = m.sheet
    assert row.cooperative == "Smart-two" and row.weight == 1
    login(s.admin)
    html = client.get(f"/assemblies/{a.id}/minutes").get_data(as_text=True)
    assert "Smart-two" in html
    rows = _rows(client.get(f"/assemblies/{a.id}/results.csv"))
    assert {r["cooperative"] for r in rows} == {"smart", "smart-two"}
