"""Accounts: login and its rate limit, invitations, password reset, the account page, mail."""
from __future__ import annotations

import html
import logging
import re
import shutil
import smtplib
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from governance.models import AuditEntry, CoopRole, Person, PersonKind
from governance.platform import mail, throttle
from governance.platform.extensions import db
from governance.platform.service import DomainError
from governance.services import accounts
from tests.conftest import PASSWORD

NEW_PASSWORD = "a new and long passphrase"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English whatever catalogs exist, so that the assertions read the msgids."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def outbox(app):
    """outbox() → the messages written to <instance>/outbox since the test began."""
    box = Path(app.instance_path) / "outbox"
    shutil.rmtree(box, ignore_errors=True)

    def read():
        files = sorted(box.glob("*.eml")) if box.exists() else []
        return [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]

    return read


@pytest.fixture
def coop(make_coop):
    return make_coop("smart", colleges=[("a", "Workers", "2/5"), ("b", "Users", "3/10"),
                                        ("c", "Partners", "3/10")], default_locale="en")


@pytest.fixture
def admin(make_person, coop):
    return make_person("admin@example.org", "Grace", "Hopper", roles={coop: "admin"})


def can_log_in(email: str, password: str) -> bool:
    """Whether the password works now (the test's session may hold the row as it was)."""
    db.session.expire_all()
    return accounts.authenticate(email, password) is not None


def journal(action: str | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def link_in(message, route: str) -> str:
    """The local path of the `route` link in an email (e.g. "/accept/…")."""
    found = re.search(rf"https?://[^/\s]+({route}/\S+)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def invite(client, email="new@example.org", role="board", first="Mary", last="Jackson"):
    return client.post("/c/smart/invite", data={"email": email, "first_name": first,
                                                "last_name": last, "role": role})


def logged_in_as(client) -> str | None:
    """The email shown on the account page, or None when the client is not logged in."""
    response = client.get("/account")
    if response.status_code != 200:
        return None
    return re.search(r"<dt>Email</dt><dd>([^<]*)</dd>", response.get_data(as_text=True)).group(1)


# --- Login and logout -------------------------------------------------------------------------

def test_login_ok(client, make_person):
    make_person("ada@example.org")
    response = client.post("/login", data={"email": "Ada@Example.org ", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert logged_in_as(client) == "ada@example.org"


@pytest.mark.parametrize("email, password", [
    ("ada@example.org", "wrong password!"),  # wrong password
    ("nobody@example.org", PASSWORD),  # unknown email
])
def test_login_refused(client, make_person, email, password):
    make_person("ada@example.org")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 200
    assert "Wrong email or password." in text(response)
    assert logged_in_as(client) is None


def test_inactive_account_cannot_log_in(client, make_person):
    person = make_person("ada@example.org")
    person.is_active_account = False
    db.session.commit()
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert "Wrong email or password." in text(response)
    assert logged_in_as(client) is None


def test_person_without_password_cannot_log_in(client, make_person):
    make_person("ada@example.org", password=None)
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert "Wrong email or password." in text(response)
    assert logged_in_as(client) is None


def test_invalid_login_form_is_400(client):
    response = client.post("/login", data={"email": "not an email", "password": ""})
    assert response.status_code == 400


@pytest.mark.parametrize("target, expected", [
    ("/cooperatives", "/cooperatives"),
    ("//evil.example/", "/"),
    ("/\\evil.example/", "/"),
    ("https://evil.example/", "/"),
])
def test_login_redirects_only_to_local_paths(client, make_person, target, expected):
    make_person("ada@example.org")
    response = client.post("/login", query_string={"next": target},
                           data={"email": "ada@example.org", "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_logout(client, make_person, login):
    login(make_person("ada@example.org"))
    assert logged_in_as(client) == "ada@example.org"
    response = client.post("/logout")
    assert response.status_code == 302
    assert logged_in_as(client) is None


def test_logout_is_post_only(client, make_person, login):
    login(make_person("ada@example.org"))
    assert client.get("/logout").status_code == 405
    assert logged_in_as(client) == "ada@example.org"


def test_remember_me_cookie_only_when_asked(app, make_person):
    make_person("ada@example.org")
    forgetful, remembered = app.test_client(), app.test_client()
    forgetful.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    remembered.post("/login", data={"email": "ada@example.org", "password": PASSWORD,
                                    "remember": "y"})
    assert forgetful.get_cookie("remember_token") is None
    assert remembered.get_cookie("remember_token") is not None
    # The cookie alone logs the person back in after the browser dropped its session.
    remembered.delete_cookie("session")
    remembered.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert logged_in_as(remembered) == "ada@example.org"


# --- Rate limits ------------------------------------------------------------------------------

def test_login_rate_limit_shows_the_login_page(app, client, make_person, monkeypatch):
    make_person("ada@example.org")
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    throttle.reset()
    for _ in range(3):
        response = client.post("/login", data={"email": "ada@example.org", "password": "nope"})
        assert response.status_code == 200
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 429
    page = text(response)
    assert "Too many login attempts" in page
    assert '<form method="post"' in page and 'value="ada@example.org"' in page
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert logged_in_as(client) is None  # even the right password waits
    assert client.get("/login").status_code == 200  # only POSTs are counted


def test_reset_request_rate_limit(app, client, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    throttle.reset()
    for _ in range(2):
        assert client.post("/reset", data={"email": "x@example.org"}).status_code == 302
    response = client.post("/reset", data={"email": "x@example.org"})
    assert response.status_code == 429
    assert "Too many requests" in text(response)


# --- Invitations ------------------------------------------------------------------------------

def test_invite_new_person_end_to_end(app, client, coop, admin, login, outbox, caplog):
    caplog.set_level(logging.INFO)
    login(admin)
    assert client.get("/c/smart/invite").status_code == 200
    response = invite(client, email="Mary@Example.org")
    assert response.status_code == 302
    assert "Invitation sent to mary@example.org." in text(client.get(response.headers["Location"]))

    mary = db.session.scalar(sa.select(Person).where(Person.email == "mary@example.org"))
    assert (mary.first_name, mary.last_name, mary.password_hash) == ("Mary", "Jackson", None)
    assert db.session.scalar(sa.select(CoopRole.role).where(CoopRole.person_id == mary.id)) \
        == "board"
    [entry] = journal("account.invite")
    assert (entry.actor_id, entry.object_id, entry.cooperative_id) == (admin.id, str(mary.id),
                                                                       coop.id)

    [message] = outbox()
    assert message["To"] == "mary@example.org"
    assert "Smart" in message["Subject"]
    assert "Grace Hopper" in message.get_content()
    path = link_in(message, "/accept")
    token = path.rsplit("/", 1)[1]
    assert "outbox" in caplog.text  # where to read it, but not who it is for
    assert "mary@example.org" not in caplog.text and message["Subject"] not in caplog.text

    client.post("/logout")
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "mary@example.org" in text(page)
    # Refused: different confirmation, too short. Nothing changes.
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert response.status_code == 400 and "The two passwords differ." in text(response)
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400 and "between 10 and 200 characters" in text(response)
    db.session.refresh(mary)
    assert mary.password_hash is None

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == "mary@example.org"
    [entry] = journal("account.password_set")
    assert (entry.actor_id, entry.object_id) == (mary.id, str(mary.id))

    # The link works once.
    client.post("/logout")
    page = client.get(path)
    assert page.status_code == 400 and "already been used" in text(page)
    response = client.post(path, data={"password": "another password 123",
                                       "confirm": "another password 123"})
    assert response.status_code == 400
    assert can_log_in("mary@example.org", NEW_PASSWORD)
    assert len(journal("account.password_set")) == 1

    # Neither the password nor the link is kept in the journal or the log.
    for entry in journal():
        assert NEW_PASSWORD not in entry.summary and token not in entry.summary
    assert NEW_PASSWORD not in caplog.text and token not in caplog.text


def test_invite_without_role(client, coop, admin, login, outbox):
    login(admin)
    assert invite(client, role="").status_code == 302
    mary = db.session.scalar(sa.select(Person).where(Person.email == "new@example.org"))
    assert db.session.scalar(sa.select(CoopRole).where(CoopRole.person_id == mary.id)) is None
    assert len(outbox()) == 1


def test_invite_existing_account_only_grants_the_role(client, coop, admin, make_person, login,
                                                      outbox):
    bob = make_person("bob@example.org", "Bob", "Original")
    login(admin)
    response = invite(client, email="bob@example.org", role="admin", first="X", last="Y")
    assert response.status_code == 302
    db.session.refresh(bob)
    assert (bob.first_name, bob.last_name) == ("Bob", "Original")  # the account keeps its name
    assert can_log_in("bob@example.org", PASSWORD)  # and its password
    assert db.session.scalar(sa.select(CoopRole.role).where(CoopRole.person_id == bob.id)) \
        == "admin"
    [message] = outbox()
    assert "/accept/" not in message.get_content()
    assert re.search(r"https?://[^/\s]+/login\s", message.get_content())
    assert "already have an account" in message.get_content()
    [entry] = journal("account.invite")
    assert '"new_person":false' in entry.summary


def test_invite_refuses_a_legal_person(client, coop, admin, login, outbox):
    legal = Person(kind=PersonKind.LEGAL, legal_name="Fondation", email="fondation@example.org")
    db.session.add(legal)
    db.session.commit()
    login(admin)
    before = len(journal())
    response = invite(client, email="fondation@example.org")
    assert response.status_code == 400
    assert "belongs to a legal person" in text(response)
    assert len(journal()) == before and outbox() == []
    assert db.session.scalar(sa.select(CoopRole).where(CoopRole.person_id == legal.id)) is None


def test_invite_form_errors(client, coop, admin, login, outbox):
    login(admin)
    response = invite(client, email="not-an-email", first="")
    assert response.status_code == 400
    assert outbox() == [] and journal("account.invite") == []


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("member", 403), ("board", 403), ("other_admin", 403),
    ("platform_admin", 200), ("admin", 200),
])
def test_who_may_invite(client, coop, admin, make_coop, make_person, make_member, login,
                        outbox, who, expected):
    other = make_coop("other")
    people = {
        "member": lambda: make_member(coop, college="a").person,
        "board": lambda: make_person("board@example.org", roles={coop: "board"}),
        "other_admin": lambda: make_person("oa@example.org", roles={other: "admin"}),
        "platform_admin": lambda: make_person("pa@example.org", platform_admin=True),
        "admin": lambda: admin,
    }
    person = people[who]() if who != "anonymous" else None
    if person is not None:
        login(person)
    response = client.get("/c/smart/invite")
    assert response.status_code == expected
    if who == "anonymous":
        assert response.headers["Location"].startswith("/login")
    before = len(journal())
    response = invite(client)
    assert response.status_code == (302 if expected == 200 else expected)
    created = db.session.scalar(sa.select(Person).where(Person.email == "new@example.org"))
    if expected == 200:
        assert created is not None and len(outbox()) == 1
        assert journal("account.invite")[-1].actor_id == person.id
    else:
        assert created is None and outbox() == [] and len(journal()) == before


def test_invite_service_checks_permission(app, coop, make_person):
    stranger = make_person("stranger@example.org")
    with app.test_request_context(), pytest.raises(accounts.Forbidden):
        accounts.invite(stranger, coop, "new@example.org", "Mary", "Jackson", "admin")
    assert db.session.scalar(sa.select(Person).where(Person.email == "new@example.org")) is None


def test_expired_invitation(client, coop, admin, login, outbox, monkeypatch):
    with monkeypatch.context() as m:  # the invitation was sent eight days ago
        eight_days_ago = int(time.time()) - 8 * 24 * 3600
        m.setattr("itsdangerous.timed.TimestampSigner.get_timestamp",
                  lambda self: eight_days_ago)
        login(admin)  # (the session cookie is signed with the same clock)
        assert invite(client).status_code == 302
    path = link_in(outbox()[0], "/accept")
    client.post("/logout")
    before = len(journal())
    page = client.get(path)
    assert page.status_code == 400 and "This link has expired" in text(page)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Person.password_hash)
                             .where(Person.email == "new@example.org")) is None
    assert len(journal()) == before and logged_in_as(client) is None


def test_tampered_and_cross_purpose_links_are_refused(app, client, coop, admin, make_person):
    mary = make_person("mary@example.org", password=None)
    invite_token = accounts.make_token(mary, accounts.INVITE)
    reset_token = accounts.make_token(mary, accounts.RESET)
    for path in (f"/accept/{invite_token[:-2]}xy", "/accept/garbage", f"/accept/{reset_token}",
                 f"/reset/{invite_token}"):
        page = client.get(path)
        assert page.status_code == 400 and "This link is not valid" in text(page), path
    assert client.get(f"/accept/{invite_token}").status_code == 200
    assert client.get(f"/reset/{reset_token}").status_code == 200


def test_link_of_a_deactivated_account_is_refused(client, make_person):
    mary = make_person("mary@example.org", password=None)
    token = accounts.make_token(mary, accounts.INVITE)
    mary.is_active_account = False
    db.session.commit()
    assert client.get(f"/accept/{token}").status_code == 400


# --- Password reset ---------------------------------------------------------------------------

def test_reset_flow(client, make_person, outbox):
    ada = make_person("ada@example.org")
    response = client.post("/reset", data={"email": "ADA@example.org"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "If an account exists for ADA@example.org" in text(client.get("/login"))
    [message] = outbox()
    assert message["To"] == "ada@example.org"
    path = link_in(message, "/reset")
    [entry] = journal("account.reset_requested")
    assert entry.object_id == str(ada.id)

    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == "ada@example.org"
    [entry] = journal("account.password_reset")
    assert (entry.actor_id, entry.object_id) == (ada.id, str(ada.id))
    assert not can_log_in("ada@example.org", PASSWORD)
    assert can_log_in("ada@example.org", NEW_PASSWORD)

    client.post("/logout")
    assert "already been used" in text(client.get(path))
    response = client.post(path, data={"password": "yet another password",
                                       "confirm": "yet another password"})
    assert response.status_code == 400
    assert can_log_in("ada@example.org", NEW_PASSWORD)


def test_reset_answers_the_same_for_unknown_and_inactive_accounts(client, make_person, outbox):
    make_person("ada@example.org")
    inactive = make_person("gone@example.org")
    inactive.is_active_account = False
    db.session.commit()

    def answer(email):
        response = client.post("/reset", data={"email": email})
        page = text(client.get(response.headers["Location"]))
        return response.status_code, re.search(r'<p class="flash info">(.*?)</p>', page)\
            .group(1).replace(email, "EMAIL")

    known = answer("ada@example.org")
    assert answer("nobody@example.org") == known
    assert answer("gone@example.org") == known
    assert [m["To"] for m in outbox()] == ["ada@example.org"]
    assert len(journal("account.reset_requested")) == 1


def test_expired_reset_link(client, make_person, outbox, monkeypatch):
    make_person("ada@example.org")
    with monkeypatch.context() as m:  # RESET_MAX_AGE is two hours
        three_hours_ago = int(time.time()) - 3 * 3600
        m.setattr("itsdangerous.timed.TimestampSigner.get_timestamp",
                  lambda self: three_hours_ago)
        client.post("/reset", data={"email": "ada@example.org"})
    path = link_in(outbox()[0], "/reset")
    assert "This link has expired" in text(client.get(path))
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert can_log_in("ada@example.org", PASSWORD)


def test_reset_kills_an_earlier_invitation(client, make_person, outbox):
    mary = make_person("mary@example.org", password=None)
    invitation = accounts.make_token(mary, accounts.INVITE)
    client.post("/reset", data={"email": "mary@example.org"})  # lost the invitation email
    path = link_in(outbox()[0], "/reset")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert can_log_in("mary@example.org", NEW_PASSWORD)
    assert "already been used" in text(client.get(f"/accept/{invitation}"))


def test_two_requests_with_one_link_set_one_password(app, make_person):
    """The hash is compared-and-set: a request that checked the link before another one used
    it finds the hash changed and sets nothing."""
    mary = make_person("mary@example.org", password=None)
    token = accounts.make_token(mary, accounts.INVITE)
    with app.test_request_context():
        assert accounts.person_for_token(token, accounts.INVITE) is mary  # request 2 checks
        accounts.accept_invitation(token, NEW_PASSWORD)  # request 1 sets and commits
        set_committed_value(mary, "password_hash", None)  # what request 2 read
        with pytest.raises(DomainError) as refused:
            accounts._store_password(mary, "another password 123", conflict="link_used")
        assert refused.value.code == "link_used"
    db.session.rollback()
    assert can_log_in("mary@example.org", NEW_PASSWORD)


# --- Own account ------------------------------------------------------------------------------

def test_account_page(client, coop, make_person, make_member, login):
    ada = make_person("ada@example.org", "Ada", "Lovelace", roles={coop: "admin"})
    make_member(coop, person=ada, college="b")
    login(ada)
    page = text(client.get("/account"))
    assert "Ada Lovelace" in page and "ada@example.org" in page
    row = re.search(r"<tr>\s*<td><a[^>]*>Smart</a></td>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r"<td>(?:<a[^>]*>)?([^<]*)", row) == ["1", "Users", "Admitted"]
    assert "/c/smart/invite" in page  # the secretariat finds the invitation page here
    assert 'action="/language"' in page and 'action="/account/password"' in page


def test_account_needs_login(client):
    assert client.get("/account").headers["Location"].startswith("/login")
    assert client.post("/account/password").headers["Location"].startswith("/login")


def test_language_choice_is_stored_and_journaled(client, make_person, login):
    ada = make_person("ada@example.org")
    login(ada)
    response = client.post("/language", data={"locale": "en", "next": "/account"})
    assert response.headers["Location"] == "/account"
    db.session.refresh(ada)
    assert ada.locale == "en"
    assert journal("account.locale")[0].actor_id == ada.id
    client.post("/language", data={"locale": "xx", "next": "/account"})
    db.session.refresh(ada)
    assert ada.locale == "en"


def change(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "password": new,
        "confirm": new if confirm is None else confirm})


def test_change_password(client, make_person, login):
    ada = make_person("ada@example.org")
    login(ada)
    response = change(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 400 and "Your current password is not correct." in text(response)
    response = change(client, PASSWORD, NEW_PASSWORD, confirm="something else entirely")
    assert response.status_code == 400 and "The two passwords differ." in text(response)
    response = change(client, PASSWORD, "short")
    assert response.status_code == 400
    response = change(client, PASSWORD, PASSWORD)
    assert response.status_code == 400 and "must differ" in text(response)
    assert journal("account.password_change") == []
    assert can_log_in("ada@example.org", PASSWORD)

    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Your password has been changed." in text(client.get("/account"))
    assert not can_log_in("ada@example.org", PASSWORD)
    assert can_log_in("ada@example.org", NEW_PASSWORD)
    [entry] = journal("account.password_change")
    assert (entry.actor_id, entry.object_id) == (ada.id, str(ada.id))
    assert NEW_PASSWORD not in entry.summary and PASSWORD not in entry.summary


def test_change_password_kills_pending_reset_links(client, make_person, login, outbox):
    ada = make_person("ada@example.org")
    client.post("/reset", data={"email": "ada@example.org"})
    path = link_in(outbox()[0], "/reset")
    login(ada)
    change(client, PASSWORD, NEW_PASSWORD)
    client.post("/logout")
    assert "already been used" in text(client.get(path))


# --- Mail -------------------------------------------------------------------------------------

class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.calls = [("connect", host, port)]
        FakeSMTP.last = self
        FakeSMTP.opened += 1
        if FakeSMTP.fail:
            raise ConnectionRefusedError("no server")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("quit",))

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, msg):
        self.calls.append(("send",))
        FakeSMTP.sent.append(msg)


@pytest.fixture
def smtp(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail, FakeSMTP.opened = [], False, 0
    for key, value in {"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 2525,
                       "MAIL_USE_TLS": True, "MAIL_USERNAME": "coopgov",
                       "MAIL_PASSWORD": "smtp-secret"}.items():
        monkeypatch.setitem(app.config, key, value)
    return FakeSMTP


def test_mail_through_smtp_with_starttls(app, smtp, outbox):
    with app.test_request_context():
        assert mail.send("ada@example.org", "Hello\nBcc: evil@example.org", "Body") is None
    assert [c[0] for c in smtp.last.calls] == ["connect", "starttls", "login", "send", "quit"]
    assert smtp.last.calls[0] == ("connect", "smtp.example.org", 2525)
    [message] = smtp.sent
    assert message["To"] == "ada@example.org" and message["Bcc"] is None
    assert message["Subject"] == "Hello Bcc: evil@example.org"  # no header injection
    assert message["From"] == app.config["MAIL_FROM"]
    assert outbox() == []


def test_mail_without_tls_nor_login(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    with app.test_request_context():
        mail.send("ada@example.org", "Hello", "Body")
    assert [c[0] for c in smtp.last.calls] == ["connect", "send", "quit"]


def test_outbox_file_is_logged_without_personal_data(app, outbox, caplog):
    caplog.set_level(logging.INFO)
    with app.test_request_context():
        path = mail.send("ada@example.org", "Hello", "Body text")
    assert path.parent == Path(app.instance_path) / "outbox"
    assert str(path) in caplog.text
    for secret in ("ada@example.org", "Hello", "Body text"):
        assert secret not in caplog.text
    [message] = outbox()
    assert message.get_content().strip() == "Body text"


def test_invitation_when_mail_fails_changes_nothing(client, coop, admin, login, smtp):
    smtp.fail = True
    login(admin)
    before = len(journal())
    response = invite(client)
    assert response.status_code == 400
    assert "The email could not be sent" in text(response)
    assert db.session.scalar(sa.select(Person).where(Person.email == "new@example.org")) is None
    assert len(journal()) == before


def test_invitation_through_smtp(client, coop, admin, login, smtp):
    login(admin)
    assert invite(client).status_code == 302
    [message] = smtp.sent
    assert message["To"] == "new@example.org" and "/accept/" in message.get_content()


def test_send_after_sends_from_a_background_thread_outside_tests(app, outbox):
    """Outside TESTING, `send_after` returns at once and the message is written by the mail
    thread; a failure there is logged, not raised."""
    import threading

    from governance.platform import mail
    app.testing = False
    try:
        with app.test_request_context():
            mail.send_after("voter@example.org", "Reçu", "Code de suivi : AAAA-BBBB-CCCC")
        done = threading.Event()
        mail._BACKGROUND.submit(done.set)  # one worker: runs after the message above
        assert done.wait(10)
    finally:
        app.testing = True
    sent = outbox()
    assert len(sent) == 1 and sent[0]["To"] == "voter@example.org"


def test_a_mailer_sends_a_batch_over_one_connection(app, smtp):
    with app.test_request_context(), mail.Mailer() as mailer:
        for n in range(3):
            mailer.send(f"m{n}@example.org", "Hello", "Body")
    assert [m["To"] for m in smtp.sent] == ["m0@example.org", "m1@example.org", "m2@example.org"]
    assert smtp.opened == 1
    assert [c[0] for c in smtp.last.calls] == [
        "connect", "starttls", "login", "send", "send", "send", "quit"]


def test_after_a_failure_the_mailer_opens_a_new_connection(app, smtp):
    with app.test_request_context(), mail.Mailer() as mailer:
        smtp.fail = True
        with pytest.raises(mail.MailError):
            mailer.send("a@example.org", "Hello", "Body")
        smtp.fail = False
        mailer.send("b@example.org", "Hello", "Body")
    assert [m["To"] for m in smtp.sent] == ["b@example.org"] and smtp.opened == 2
    assert [c[0] for c in smtp.last.calls] == ["connect", "starttls", "login", "send", "quit"]


def test_the_mail_queue_is_sent_over_one_connection(app, smtp):
    from governance.platform import mail_queue
    with app.app_context():
        for n in range(3):
            mail_queue.queue(f"q{n}@example.org", "Convocation", "Body")
        db.session.commit()
        assert mail_queue.send_queued() == (3, 0)
    assert len(smtp.sent) == 3 and smtp.opened == 1


def test_receipts_waiting_for_the_mail_thread_leave_together(app, smtp):
    """Messages given to `send_after` while the mail thread is busy go out over one
    connection once it is free."""
    import threading

    release, done = threading.Event(), threading.Event()
    app.testing = False
    try:
        with app.test_request_context():
            mail.in_background(lambda: release.wait(10))  # the mail thread is busy
            for n in range(3):
                mail.send_after(f"v{n}@example.org", "Reçu", "Code de suivi : AAAA-BBBB-CCCC")
        assert smtp.sent == []
        release.set()
        mail._BACKGROUND.submit(done.set)  # one worker: runs after the messages above
        assert done.wait(10)
    finally:
        app.testing = True
    assert sorted(m["To"] for m in smtp.sent) == [
        "v0@example.org", "v1@example.org", "v2@example.org"]
    assert smtp.opened == 1
