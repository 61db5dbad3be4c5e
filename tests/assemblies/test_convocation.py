"""The convocation's companions: the calendar file, the email's contents in each language, who
is emailed and who gets a letter, the assembly's documents, and the sociétaire's own consent
to convocation by email."""
from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from assemblies import ics
from assemblies.models import AssemblyDocument
from assemblies.services import convocation, prepare, voting
from governance.models import AuditEntry, Membership, QueuedMail
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden

EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.7\n% annual report\n"


# -- the iCalendar builder (pure) -------------------------------------------------------------

def test_text_values_are_escaped():
    assert ics.escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


@pytest.mark.parametrize("text", ["x" * 200, "é" * 100, "a" + "€" * 60 + "b" * 30])
def test_long_lines_fold_at_75_octets_without_splitting_characters(text):
    folded = ics.fold(f"DESCRIPTION:{text}")
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == f"DESCRIPTION:{text}"


def test_short_lines_are_not_folded():
    assert ics.fold("SUMMARY:AG") == "SUMMARY:AG"


def test_times_are_utc_with_z():
    assert ics.utc(datetime(2030, 6, 30, 12, 0)) == "20300630T120000Z"
    paris = datetime(2030, 6, 30, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert ics.utc(paris) == "20300630T120000Z"


def test_calendar_has_one_event_per_call_crlf_and_three_hours_by_default():
    start = datetime(2030, 6, 30, 12, 0)
    body = ics.calendar([ics.Event(uid=ics.uid(7, 1, "coop.example"), start=start,
                                   summary="AG, 2030; ordinaire", location="Paris",
                                   url="https://coop.example/assemblies/7",
                                   description="1. Rapport\n2. Comptes")],
                        stamp=datetime(2030, 6, 1, 8, 0, tzinfo=UTC), name="AG")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")
    assert "UID:assembly-7-call-1@coop.example" in lines
    assert "DTSTAMP:20300601T080000Z" in lines
    assert "DTSTART:20300630T120000Z" in lines and "DTEND:20300630T150000Z" in lines
    assert "SUMMARY:AG\\, 2030\\; ordinaire" in lines
    assert "DESCRIPTION:1. Rapport\\n2. Comptes" in lines
    assert body.count("BEGIN:VEVENT") == 1


# -- the calendar route -----------------------------------------------------------------------

def test_members_download_the_calendar_file(client, login, make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    login(s.members[0].person)
    r = client.get(f"/assemblies/{a.id}/convocation.ics", headers=EN)
    assert r.status_code == 200
    assert r.mimetype == "text/calendar"
    assert f'filename="assembly-{a.id}.ics"' in r.headers["Content-Disposition"]
    body = r.get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    assert f"UID:assembly-{a.id}-call-1@localhost" in unfolded
    assert f"DTSTART:{a.sitting.starts_at:%Y%m%dT%H%M%S}Z" in unfolded
    assert "SUMMARY:Assemblée générale extraordinaire" in unfolded
    assert "LOCATION:Paris" in unfolded
    assert "Plan de continuation" in unfolded and "Rapport du conseil" in unfolded
    assert f"URL:http://localhost/assemblies/{a.id}" in unfolded
    # the same file again: the same UID, so calendars update rather than duplicate
    again = client.get(f"/assemblies/{a.id}/convocation.ics").get_data(as_text=True)
    assert f"UID:assembly-{a.id}-call-1@localhost" in again.replace("\r\n ", "")
    assert "convocation.ics" in client.get(f"/assemblies/{a.id}").get_data(as_text=True)


def test_calendar_of_a_draft_is_for_the_secretariat_only(client, login, make_assembly,
                                                          make_coop, make_member):
    s = make_assembly()
    login(s.members[0].person)
    assert client.get(f"/assemblies/{s.assembly.id}/convocation.ics").status_code == 404
    client.post("/logout")
    outsider = make_member(make_coop("elsewhere"))
    login(outsider.person)
    assert client.get(f"/assemblies/{s.assembly.id}/convocation.ics").status_code == 403
    client.post("/logout")
    login(s.admin)
    assert client.get(f"/assemblies/{s.assembly.id}/convocation.ics").status_code == 200


# -- the email --------------------------------------------------------------------------------

def _mail_to(person) -> QueuedMail:
    return db.session.scalars(sa.select(QueuedMail).where(QueuedMail.to == person.email)).one()


def test_the_email_holds_agenda_resolutions_documents_and_how_to_take_part(make_assembly):
    s = make_assembly()
    a = s.assembly
    a.online_link = "https://visio.example.org/ag"
    english = s.members[0].person
    english.locale = "en"
    db.session.commit()
    doc = prepare.add_document(s.admin, a, "rapport-2021.pdf", PDF)
    convocation.convene(s.admin, a)
    mail = _mail_to(english)
    body = mail.body
    assert mail.subject == "Convocation: Assemblée générale extraordinaire"
    assert "You are convened to the extraordinary general assembly" in body
    assert "(Paris time)" in body
    assert "Place: Paris" in body and "Online: https://visio.example.org/ag" in body
    assert "1. Rapport du conseil" in body
    assert ("Resolution 1: Plan de continuation (extraordinary resolution, approved by the "
            "board)") in body
    assert "L'assemblée approuve le plan." in body
    assert ("Resolution 2: Motion d'un sociétaire (extraordinary resolution, not approved by "
            "the board)") in body
    assert f"- rapport-2021.pdf (25 byte): http://localhost/assemblies/{a.id}/documents/" \
           f"{doc.id}" in body
    assert "blank proxy to the chair" in body and "vote in advance" in body
    assert f"http://localhost/assemblies/{a.id}" in body
    assert f"http://localhost/assemblies/{a.id}/convocation.ics" in body
    assert "token" not in body.lower() and "password" not in body.lower()
    assert "Fingerprints of the votes" in body
    for resolution in s.resolutions:  # each vote's fingerprint, fixed at the convocation
        fingerprint = resolution.votes[0].vote.fingerprint
        assert len(fingerprint) == 64
        assert f"Resolution {resolution.position}: {fingerprint}" in body


def test_the_email_is_in_each_sociétaire_s_language(make_assembly):
    s = make_assembly(kind="ordinary")
    english, french = s.members[0].person, s.members[1].person
    english.locale, french.locale = "en", "fr"
    db.session.commit()
    convocation.convene(s.admin, s.assembly)
    assert "(Paris time)" in _mail_to(english).body
    body = _mail_to(french).body
    assert "(heure de Paris)" in body and "(Paris time)" not in body
    assert "Plan de continuation" in body and "Rapport du conseil" in body


def test_the_second_call_email_says_why(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    s.members[0].person.locale = "en"
    voting.open_sitting(s.admin, a)
    db.session.execute(sa.delete(QueuedMail))
    convocation.second_call(s.admin, a, (a.sitting.starts_at + timedelta(days=11)))
    mail = _mail_to(s.members[0].person)
    assert mail.subject == "Second call: Assemblée générale extraordinaire"
    assert "This is the second call: the first call, on " in mail.body
    assert "advance votes and proxies already given stay valid" in mail.body


def test_only_consenting_members_are_emailed_the_others_get_a_letter(
        client, login, make_assembly, make_member):
    s = make_assembly(members=(2, 1, 1))
    postal = make_member(s.coop, college="a", email_consent=False)
    postal.person.address = "12 rue des Lilas\n59000 Lille"
    no_address = make_member(s.coop, college="b", email_consent=False)
    db.session.commit()
    convocation.convene(s.admin, s.assembly)
    emailed = set(db.session.scalars(sa.select(QueuedMail.to)))
    assert emailed == {m.person.email for m in s.members}
    assert postal.person.email not in emailed and no_address.person.email not in emailed

    login(s.admin)
    page = client.get(f"/assemblies/{s.assembly.id}", headers=EN).get_data(as_text=True)
    assert "4 sociétaires convened by email" in page and "2 by post" in page
    r = client.get(f"/assemblies/{s.assembly.id}/letters", headers=EN)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert postal.person.display_name in html and "12 rue des Lilas" in html
    assert no_address.person.display_name in html
    assert "1 sociétaire has no postal address" in html
    assert s.members[0].person.display_name not in html
    assert html.count('class="letter"') == 2
    assert "Proxy or postal vote slip" in html or "procuration" in html
    assert "Plan de continuation" in html and "Rapport du conseil" in html
    client.post("/logout")
    login(s.members[0].person)
    assert client.get(f"/assemblies/{s.assembly.id}/letters").status_code == 403


def test_letters_wait_for_the_convocation(client, login, make_assembly):
    s = make_assembly()
    login(s.admin)
    assert client.get(f"/assemblies/{s.assembly.id}/letters").status_code == 404


def test_each_letter_is_in_the_sociétaire_s_language(client, login, make_assembly, make_member):
    s = make_assembly(members=(1, 1, 1))
    french = make_member(s.coop, college="a", email_consent=False)
    french.person.locale = "fr"
    english = make_member(s.coop, college="a", email_consent=False)
    english.person.locale = "en"
    db.session.commit()
    convocation.convene(s.admin, s.assembly)
    login(s.admin)
    html = client.get(f"/assemblies/{s.assembly.id}/letters", headers=EN).get_data(as_text=True)
    assert "(heure de Paris)" in html and "(Paris time)" in html
    assert 'lang="fr"' in html and 'lang="en"' in html


# -- documents --------------------------------------------------------------------------------

def _attach(client, assembly, name="rapport.pdf", data=PDF):
    return client.post(f"/assemblies/{assembly.id}/documents", headers=EN,
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_secretariat_attaches_members_download_after_convocation(client, login, make_assembly,
                                                                 make_coop, make_member):
    s = make_assembly()
    a = s.assembly
    login(s.admin)
    page = _attach(client, a).get_data(as_text=True)
    assert "The document is attached." in page and hashlib.sha256(PDF).hexdigest() in page
    doc = db.session.scalars(sa.select(AssemblyDocument)).one()
    client.post("/logout")
    login(s.members[0].person)
    assert client.get(f"/assemblies/{a.id}/documents/{doc.id}").status_code == 404  # a draft
    assert _attach(client, a).status_code == 403
    convocation.convene(s.admin, a)
    page = client.get(f"/assemblies/{a.id}", headers=EN).get_data(as_text=True)
    assert "rapport.pdf" in page and "Attach a document" not in page
    r = client.get(f"/assemblies/{a.id}/documents/{doc.id}")
    assert r.status_code == 200 and r.data == PDF and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/assemblies/{a.id}/documents/{doc.id + 1}").status_code == 404
    client.post("/logout")
    login(make_member(make_coop("elsewhere")).person)
    assert client.get(f"/assemblies/{a.id}/documents/{doc.id}").status_code == 403


def test_documents_are_frozen_once_convened(client, login, make_assembly):
    s = make_assembly()
    a = s.assembly
    doc = prepare.add_document(s.admin, a, "comptes.pdf", PDF)
    convocation.convene(s.admin, a)
    login(s.admin)
    page = _attach(client, a, "late.pdf").get_data(as_text=True)
    assert "they can no longer change" in page
    page = client.post(f"/assemblies/{a.id}/documents/{doc.id}/remove", headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "they can no longer change" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssemblyDocument)) == 1
    with pytest.raises(DomainError):
        prepare.remove_document(s.admin, doc)


def test_secretariat_removes_a_draft_document_journaled(client, login, make_assembly):
    s = make_assembly()
    a = s.assembly
    doc = prepare.add_document(s.admin, a, "brouillon.pdf", PDF)
    login(s.members[0].person)
    assert client.post(f"/assemblies/{a.id}/documents/{doc.id}/remove").status_code == 403
    with pytest.raises(Forbidden):
        prepare.remove_document(s.members[0].person, doc)
    client.post("/logout")
    login(s.admin)
    page = client.post(f"/assemblies/{a.id}/documents/{doc.id}/remove", headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "The document is removed." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssemblyDocument)) == 0
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "assembly.document_remove")).one()
    assert json.loads(entry.summary)["before"]["name"] == "brouillon.pdf"


def test_a_bad_file_is_refused_with_a_message(client, login, make_assembly):
    s = make_assembly()
    login(s.admin)
    page = _attach(client, s.assembly, "rapport.pdf", b"MZ not a pdf").get_data(as_text=True)
    assert "does not match its type" in page
    page = client.post(f"/assemblies/{s.assembly.id}/documents", headers=EN, data={},
                       content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "Choose a file." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssemblyDocument)) == 0


# -- consent to convocation by email ----------------------------------------------------------

def test_a_member_changes_their_own_consent(client, login, make_coop, make_member):
    smart, other = make_coop("smart"), make_coop("other")
    mine = make_member(smart, email_consent=True)
    second = make_member(other, person=mine.person)
    someone = make_member(smart, email_consent=True)
    login(mine.person)
    page = client.get("/account", headers=EN).get_data(as_text=True)
    assert "Convocations to general assemblies" in page and f'value="{mine.id}"' in page
    r = client.post("/account/email-consent", headers=EN, follow_redirects=True,
                    data={"membership": [mine.id, second.id], "consent": [second.id]})
    assert "Your choice of convocation is recorded." in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Membership, mine.id).email_consent is False
    assert db.session.get(Membership, second.id).email_consent is True
    assert db.session.get(Membership, second.id).email_consent_on == date.today()
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "member.email_consent")).all()
    assert len(entries) == 2 and {e.actor_id for e in entries} == {mine.person_id}
    # someone else's membership: refused, nothing changes
    before = db.session.query(AuditEntry).count()
    r = client.post("/account/email-consent", data={"membership": [someone.id]})
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(Membership, someone.id).email_consent is True
    assert db.session.query(AuditEntry).count() == before
