"""Request tests of the register's CSV import (upload → preview → confirm) and export."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, Membership, Role
from governance.permissions import grant
from governance.platform.extensions import db
from governance.platform.service import SYSTEM
from governance.services.register import NewMember, add_member, change_status

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "docs" / "register-sample.csv").read_bytes()
BAD = (ROOT / "tests" / "data" / "register-bad.csv").read_bytes()
SMARTFR_COLLEGES = [("entrepreneurs", "Entrepreneur·es salarié·es", "2/5"),
                    ("permanents", "Salarié·es permanent·es", "1/5"),
                    ("structures", "Structures associées", "3/20"),
                    ("soutiens", "Soutiens et collectivités", "3/20"),
                    ("partenaires", "Partenaires économiques", "1/10")]


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English, whatever the French catalog says."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def coop(make_coop):
    return make_coop("smartfr", colleges=SMARTFR_COLLEGES)


@pytest.fixture
def admin(coop, make_person):
    return make_person("admin@example.org", "Anne", "Admin", roles={coop: "admin"})


@dataclass
class Who:
    email: str


def memberships(coop) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.cooperative_id == coop.id))


def journal(action: str) -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).all()


def upload(client, slug, data: bytes, name="register.csv"):
    return client.post(f"/c/{slug}/members/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    match = re.search(r'<input[^>]*name="token"[^>]*value="([^"]+)"', response.text)
    assert match, response.text
    return match.group(1)


def export(client, url):
    return client.get(url)


def confirm(client, slug, token):
    return client.post(f"/c/{slug}/members/import/confirm", data={"token": token})


def test_upload_form(client, coop, admin, login):
    login(admin)
    page = client.get("/c/smartfr/members/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'href="#columns"' in page.text
    assert "representative_email" in page.text and "<code>partenaires</code>" in page.text
    no_file = client.post("/c/smartfr/members/import", data={},
                          content_type="multipart/form-data")
    assert no_file.status_code == 400 and "Choose a CSV file." in no_file.text


def test_bad_file_reports_every_line_and_saves_nothing(client, coop, admin, login, make_member):
    make_member(coop, college="permanents")
    login(admin)
    response = upload(client, coop.slug, BAD)
    assert response.status_code == 400
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td></tr>', response.text)
    assert [line for line, _text in rows] == ["4", "6"]
    assert "chidi.okafor@@example" in rows[0][1] and "is not a valid email address" in rows[0][1]
    assert "There is no college “nope” in this cooperative." in rows[1][1]
    assert "The file has 2 errors: nothing was imported." in response.text
    assert memberships(coop) == 1
    assert not list((Path(client.application.instance_path) / "imports").glob("*.csv"))


def test_not_utf8_file(client, coop, admin, login):
    login(admin)
    response = upload(client, coop.slug, SAMPLE.decode().encode("latin-1", "replace"))
    assert response.status_code == 400
    assert "is not in UTF-8" in response.text and "line 2" in response.text
    assert memberships(coop) == 0


def test_preview_then_confirm_imports_everything_once(client, coop, admin, login, make_member):
    make_member(coop, college="permanents")  # number 1
    login(admin)
    preview = upload(client, coop.slug, SAMPLE)
    assert preview.status_code == 200, preview.text
    assert "10 sociétaires will be registered" in preview.text
    assert "Confirm the import" in preview.text and "Aurore" in preview.text
    token = token_of(preview)
    folder = Path(client.application.instance_path) / "imports"
    assert (folder / f"{token}.csv").read_bytes() == SAMPLE
    assert memberships(coop) == 1  # nothing saved before the confirmation

    done = confirm(client, coop.slug, token)
    assert done.status_code == 303 and "/c/smartfr/jobs/" in done.headers["Location"]
    page = client.get(done.headers["Location"])
    assert page.status_code == 200 and "10 sociétaires imported." in page.text
    assert 'href="/c/smartfr/members"' in page.text and "hx-trigger" not in page.text
    rows = db.session.scalars(sa.select(Membership).where(Membership.cooperative_id == coop.id)
                              .order_by(Membership.number)).all()
    assert [m.number for m in rows] == list(range(1, 12))
    by_name = {m.person.display_name: m for m in rows}
    aurore = by_name["Aurore Lemoine"]
    assert (aurore.status, aurore.admitted_on, aurore.college.code, aurore.category) == (
        "admitted", date(2022, 3, 15), "entrepreneurs", "entrepreneur_employee")
    assert aurore.email_consent and aurore.person.address == "12 rue des Lilas, 59000 Lille"
    atelier = by_name["Atelier des Possibles"]
    assert atelier.person.kind == "legal" and atelier.person.representative == aurore.person
    assert by_name["Delphine Vasseur"].applied_on == date(2024, 3, 15)
    assert by_name["Ilyes Haddou"].person.email is None

    (entry,) = journal("register.import")
    assert json.loads(entry.summary)["after"]["count"] == 10
    assert entry.actor_id == admin.id and entry.cooperative_id == coop.id
    assert len(journal("member.add")) == 11
    assert not (folder / f"{token}.csv").exists() and not (folder / f"{token}.json").exists()

    again = confirm(client, coop.slug, token)
    assert again.status_code == 400 and "already done" in again.text
    assert memberships(coop) == 11 and len(journal("register.import")) == 1


def test_confirm_checks_again_and_rolls_back(client, coop, admin, login, make_member,
                                            make_person):
    login(admin)
    token = token_of(upload(client, coop.slug, SAMPLE))
    # Meanwhile the secretariat registers one of the file's people by hand.
    make_member(coop, person=make_person("jun.nakamura@example.net", "Jun", "Nakamura"),
                college="soutiens")
    response = client.get(confirm(client, coop.slug, token).headers["Location"])
    assert response.status_code == 200
    assert re.search(r'<td class="num">11</td><td>jun.nakamura@example.net is already in this '
                     r"cooperative&#39;s register.</td>", response.text), response.text
    assert memberships(coop) == 1 and journal("register.import") == []
    assert confirm(client, coop.slug, token).status_code == 400  # the token is gone


def test_a_failing_line_at_commit_time_rolls_everything_back(client, coop, admin, login,
                                                             monkeypatch):
    """A refusal by add_member itself (not foreseen by the check) still saves nothing."""
    from governance.services import imports

    calls = []

    def flaky(actor, c, data, **kw):
        calls.append(data)
        if len(calls) == 5:
            from governance.platform.service import DomainError
            raise DomainError("duplicate_number", {"number": data.number})
        return add_member(actor, c, data, **kw)

    monkeypatch.setattr(imports, "add_member", flaky)
    login(admin)
    token = token_of(upload(client, coop.slug, SAMPLE))
    response = client.get(confirm(client, coop.slug, token).headers["Location"])
    assert '<td class="num">6</td>' in response.text and "Try again" not in response.text
    assert memberships(coop) == 0 and journal("member.add") == []


@pytest.mark.parametrize("token", ["../../secret_key", "x" * 43 + "/", "", "a" * 42,
                                   "A" * 43])
def test_confirm_refuses_bad_or_unknown_tokens(client, coop, admin, login, token):
    login(admin)
    response = confirm(client, coop.slug, token)
    assert response.status_code == 400
    assert memberships(coop) == 0


def test_token_belongs_to_its_cooperative_and_person(client, coop, admin, login, make_coop,
                                                     make_person):
    other = make_coop("other", colleges=SMARTFR_COLLEGES)
    login(admin)
    token = token_of(upload(client, coop.slug, SAMPLE))
    second = make_person("second@example.org", roles={coop: "admin", other: "admin"})
    client.post("/logout")
    login(second)
    assert confirm(client, coop.slug, token).status_code == 400  # another person's upload
    client.post("/logout")
    grant(admin, other, Role.ADMIN)
    db.session.commit()
    login(admin)
    assert confirm(client, "other", token).status_code == 400  # another cooperative
    assert confirm(client, coop.slug, token).status_code == 303
    assert memberships(coop) == 10 and memberships(other) == 0


def test_permissions(client, coop, admin, login, make_person, make_member):
    make_person("board@example.org", "Bastien", "Bureau", roles={coop: "board"})
    make_member(coop, "member@example.org", college="entrepreneurs")
    board, member = Who("board@example.org"), Who("member@example.org")
    admin = Who(admin.email)  # people are named by email: requests end the test's session
    urls = ["/c/smartfr/members/import", "/c/smartfr/members.csv"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert confirm(client, coop.slug, "A" * 43).status_code == 302

    login(member)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert upload(client, coop.slug, SAMPLE).status_code == 403
    client.post("/logout")

    login(board)
    assert client.get("/c/smartfr/members/import").status_code == 403
    assert upload(client, coop.slug, SAMPLE).status_code == 403
    assert confirm(client, coop.slug, "A" * 43).status_code == 403
    assert export(client, "/c/smartfr/members.csv").status_code == 200
    client.post("/logout")

    login(admin)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert memberships(coop) == 1


def _read_export(response) -> list[dict]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_export_content_and_headers(client, coop, admin, login, make_member, make_person):
    rep = make_person("rep@example.org", "Rita", "Rep")
    make_member(coop, person=make_person("=cmd@example.org", "=SUM(A1)", "-Dash"),
                college="entrepreneurs", category="entrepreneur_employee")
    add_member(SYSTEM, coop, NewMember(
        kind="legal", legal_name="Atelier", email="atelier@example.org",
        representative_email=rep.email, college="structures", category="associated_structure",
        status="candidate", applied_on=date(2023, 5, 1)), check=False)
    login(admin)
    response = export(client, "/c/smartfr/members.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="smartfr-register-{date.today():%Y-%m-%d}.csv"'
    text = response.data.decode()
    assert text.splitlines()[0] == "\ufeff" + ";".join([
        "number", "kind", "last_name", "first_name", "legal_name", "email", "address",
        "representative_email", "college", "category", "status", "applied_on", "admitted_on",
        "admission_ref", "email_consent", "left_on", "exit_reason"])
    first, second = _read_export(response)
    assert first["number"] == "1" and first["kind"] == "natural"
    assert first["first_name"] == "'=SUM(A1)" and first["last_name"] == "'-Dash"
    assert first["email"] == "'=cmd@example.org"
    assert first["status"] == "admitted" and first["admitted_on"] == "2021-01-01"
    assert first["admission_ref"] == "CA 2021-01" and first["email_consent"] == "no"
    assert second == second | {"number": "2", "kind": "legal", "legal_name": "Atelier",
                               "representative_email": "rep@example.org",
                               "college": "structures", "category": "associated_structure",
                               "status": "candidate", "applied_on": "2023-05-01",
                               "admitted_on": ""}
    (entry,) = journal("register.export")
    assert json.loads(entry.summary)["after"]["count"] == 2


def test_export_streams_in_batches(client, coop, admin, login, make_member, monkeypatch):
    from governance.services import imports

    pages, export_page = [], imports.export_page

    def counted(coop_id, after, size):
        pages.append((after, size))
        return export_page(coop_id, after, size)

    monkeypatch.setattr(imports, "EXPORT_BATCH", 2)
    monkeypatch.setattr(imports, "export_page", counted)
    for _ in range(5):
        make_member(coop, college="soutiens")
    login(admin)
    response = export(client, "/c/smartfr/members.csv")
    assert [row["number"] for row in _read_export(response)] == ["1", "2", "3", "4", "5"]
    assert pages == [(0, 2), (2, 2), (4, 2)]


def test_export_of_an_empty_register(client, coop, admin, login):
    login(admin)
    response = export(client, "/c/smartfr/members.csv")
    assert response.status_code == 200 and _read_export(response) == []


def test_export_reimports_into_another_cooperative(client, coop, admin, login, make_coop,
                                                   make_member, make_person):
    other = make_coop("copy", colleges=SMARTFR_COLLEGES)
    grant(admin, other, Role.ADMIN)
    db.session.commit()
    login(admin)
    assert confirm(client, coop.slug, token_of(upload(client, coop.slug, SAMPLE))).status_code \
        == 303
    make_member(coop, college="soutiens", address='12 "rue"\nBâtiment B; 2e étage')
    leaving = make_member(coop, college="permanents")
    change_status(admin, leaving, "resigned", on=date(2022, 6, 30), reason="Démission")
    original = export(client, "/c/smartfr/members.csv")
    rows = _read_export(original)
    assert len(rows) == 12 and rows[-1]["status"] == "resigned"

    preview = upload(client, "copy", original.data, "smartfr.csv")
    assert preview.status_code == 200, preview.text
    assert "12 sociétaires will be registered" in preview.text
    assert confirm(client, "copy", token_of(preview)).status_code == 303
    copy = export(client, "/c/copy/members.csv")
    assert _read_export(copy) == rows
    assert memberships(other) == 12


def test_import_without_numbers_follows_existing_ones(client, coop, admin, login, make_member):
    for _ in range(3):
        make_member(coop, college="permanents")
    login(admin)
    text = ("last_name;category;college;number\nA;user;soutiens;\nB;user;soutiens;10\n"
            "C;user;soutiens;\n")
    preview = upload(client, coop.slug, text.encode())
    assert preview.status_code == 200, preview.text
    assert confirm(client, coop.slug, token_of(preview)).status_code == 303
    numbers = db.session.scalars(sa.select(Membership.number).where(
        Membership.cooperative_id == coop.id).order_by(Membership.id)).all()
    assert numbers == [1, 2, 3, 4, 10, 11]
