"""A second factor at login: enrolment with a QR code, the code after the password, recovery
codes, replayed and guessed codes, the roles that require it, and votes that ask for it."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, LoginSession, Person, RecoveryCode
from governance.platform.extensions import db
from governance.rules import login as rules
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def coop(make_coop):
    return make_coop("smart")


def password_step(client, person):
    return client.post("/login", data={"email": person.email, "password": PASSWORD})


def enrol(client, person) -> tuple[str, list[str]]:
    """Turn the second factor on through the pages; (secret, recovery codes)."""
    page = client.get("/account/two-factor")
    secret = re.search(r'name="secret" type="hidden" value="([A-Z2-7]{32})"', page.text).group(1)
    done = client.post("/account/two-factor",
                       data={"secret": secret, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    return secret, re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.text)


def journal(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == action))


def test_rules_at_their_boundaries():
    assert rules.second_factor_required({"admin"}, False)
    assert rules.second_factor_required({"board", "member"}, False)
    assert rules.second_factor_required(set(), True)
    assert not rules.second_factor_required({"member"}, False)
    assert rules.totp_step_fresh(10, None) and rules.totp_step_fresh(11, 10)
    assert not rules.totp_step_fresh(10, 10) and not rules.totp_step_fresh(9, 10)


def test_enrolment_shows_a_qr_code_and_stores_nothing_until_the_first_code(
        client, coop, make_person, login):
    ada = make_person("ada@example.org")
    login(ada)
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<img src="data:image/svg+xml' in page.text and "QR code to scan" in page.text
    secret = re.search(r'<code class="secret">([A-Z2-7]{32})</code>', page.text).group(1)
    db.session.expire_all()
    assert db.session.get(Person, ada.id).totp_secret is None  # a GET writes nothing

    wrong = client.post("/account/two-factor", data={"secret": secret, "code": "12345"})
    assert wrong.status_code == 400 and "Type the 6 digits" in wrong.text
    other = pyotp.TOTP(pyotp.random_base32()).now()
    wrong = client.post("/account/two-factor", data={"secret": secret, "code": other})
    assert wrong.status_code == 400 and "not the one your app shows" in wrong.text
    assert secret in wrong.text  # the same key, still to scan
    done = client.post("/account/two-factor",
                       data={"secret": secret, "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.text)
    assert len(set(codes)) == 10 and "shown only this once" in done.text
    db.session.expire_all()
    assert db.session.get(Person, ada.id).totp_secret == secret
    assert journal("account.totp_on") == 1
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only their hashes are kept
    assert "10 recovery codes are left." in client.get("/account/two-factor").text


def test_login_asks_for_the_code_after_the_password(client, coop, make_person, login,
                                                    monkeypatch):
    ada = make_person("ada@example.org")
    login(ada)
    secret, _codes = enrol(client, ada)
    client.post("/logout")

    first = password_step(client, ada)
    assert first.status_code == 303 and first.location.endswith("/login/code")
    assert client.get("/account").status_code == 302  # not logged in yet
    assert client.post("/login/code", data={"code": "000000"}).status_code == 400
    # The step of the enrolment's code is used up: wait for the next one.
    step = int(time.time() // 30) + 1
    monkeypatch.setattr(time, "time", lambda: step * 30 + 1.0)
    code = pyotp.TOTP(secret).at(step * 30)
    done = client.post("/login/code", data={"code": code})
    assert done.status_code == 302 and client.get("/account").status_code == 200
    live = db.session.scalars(sa.select(LoginSession.second_factor).where(
        LoginSession.ended_at.is_(None))).all()
    assert live == [True]  # opened with the code
    client.post("/logout")

    password_step(client, ada)  # the same code, replayed within its 30 seconds
    replay = client.post("/login/code", data={"code": code})
    assert replay.status_code == 400 and "Wrong code." in replay.text
    assert client.get("/account").status_code == 302


def test_a_recovery_code_logs_in_once(client, coop, make_person, login):
    ada = make_person("ada@example.org")
    login(ada)
    _secret, codes = enrol(client, ada)
    client.post("/logout")
    password_step(client, ada)
    done = client.post("/login/code", data={"code": codes[3].upper()}, follow_redirects=True)
    assert "You used a recovery code: 9 are left." in done.text
    assert journal("account.recovery_code_used") == 1
    client.post("/logout")
    password_step(client, ada)
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 400


def test_the_code_waits_five_minutes_at_most(client, coop, make_person, login, monkeypatch):
    ada = make_person("ada@example.org")
    login(ada)
    secret, _codes = enrol(client, ada)
    client.post("/logout")
    assert client.get("/login/code").status_code == 302  # no password given
    password_step(client, ada)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    late = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(later)})
    assert late.status_code == 302 and late.location.endswith("/login")
    assert client.get("/account").status_code == 302


def test_guessing_codes_is_slowed_like_passwords(client, coop, make_person, login,
                                                 monkeypatch):
    ada = make_person("ada@example.org")
    login(ada)
    secret, _codes = enrol(client, ada)
    client.post("/logout")
    password_step(client, ada)
    frozen = time.time()  # the 1 s delay after the fifth failure must not run out meanwhile
    monkeypatch.setattr(time, "time", lambda: frozen)
    right = pyotp.TOTP(secret).at(frozen)
    wrong = [c for c in (f"{n:06d}" for n in range(10)) if c != right]
    statuses = [client.post("/login/code", data={"code": code}).status_code
                for code in wrong[:rules.FREE_FAILURES + 1]]
    assert statuses == [400] * rules.FREE_FAILURES + [429]


def test_the_secretariat_and_the_board_must_set_it_up(app, client, coop, make_person, login,
                                                      monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED", True)
    admin = make_person("admin@example.org", roles={coop: "admin"})
    member = make_person("member@example.org")
    login(admin)
    sent = client.get("/c/smart")
    assert sent.status_code == 303 and sent.location.endswith("/account/two-factor")
    assert client.post("/c/smart/colleges").status_code == 303  # writes too
    assert "Your role (secretariat or board) requires it." in client.get(
        "/account/two-factor").text
    enrol(client, admin)
    assert client.get("/c/smart").status_code == 200
    off = client.post("/account/two-factor/off", data={"off-password": PASSWORD})
    assert off.status_code == 400 and "cannot be turned off" in off.text
    client.post("/logout")

    login(member)  # a member may do without, and may turn it off again
    assert client.get("/account").status_code == 200
    enrol(client, member)
    assert client.post("/account/two-factor/off",
                       data={"off-password": "wrong password!"}).status_code == 400
    off = client.post("/account/two-factor/off", data={"off-password": PASSWORD})
    assert off.status_code == 303, re.findall(r'class="flash[^>]*>[^<]*', off.text)
    assert journal("account.totp_off") == 1
    db.session.expire_all()
    assert db.session.get(Person, member.id).totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 10  # admin


def test_new_recovery_codes_replace_the_old_ones(client, coop, make_person, login):
    ada = make_person("ada@example.org")
    login(ada)
    _secret, old = enrol(client, ada)
    renewed = client.post("/account/two-factor/recovery-codes", data={"renew-password": PASSWORD})
    new = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", renewed.text)
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    password_step(client, ada)
    assert client.post("/login/code", data={"code": old[0]}).status_code == 400
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


def test_pages_need_a_login(client):
    for url in ("/account/two-factor",):
        assert client.get(url).status_code == 302
    for url in ("/account/two-factor", "/account/two-factor/off",
                "/account/two-factor/recovery-codes"):
        assert client.post(url).status_code == 302


def test_the_operators_reset_a_lost_second_factor(client, runner, coop, make_person, login):
    ada = make_person("ada@example.org")
    login(ada)
    enrol(client, ada)
    client.post("/logout")
    db.session.expire_all()  # the command runs in this test's session, which saw ada before
    done = runner.invoke(args=["accounts", "reset-second-factor", "ada@example.org"])
    assert done.exit_code == 0 and "turned off" in done.output
    assert journal("account.totp_reset") == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert password_step(client, ada).status_code == 302  # the password alone, until set again
    again = runner.invoke(args=["accounts", "reset-second-factor", "ada@example.org"])
    assert again.exit_code == 1 and "no account with a second factor" in again.output
