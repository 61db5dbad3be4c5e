"""Sessions end on the server: logout, a new password and "log out everywhere" end every copy
of a session's cookie, which a stolen or copied cookie cannot outlive."""
import sqlalchemy as sa

from governance.models import AuditEntry, LoginSession
from governance.platform.extensions import db
from tests.conftest import PASSWORD


def _logged_in_clients(app, n, email="p@example.org"):
    clients = [app.test_client() for _ in range(n)]
    for c in clients:
        c.post("/login", data={"email": email, "password": PASSWORD})
        assert c.get("/account").status_code == 200
    return clients


def _copy(app, client):
    """A second client holding a copy of `client`'s cookies (a stolen cookie)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_password_change_logs_out_other_sessions(app, make_person):
    make_person("p@example.org")
    here, elsewhere = _logged_in_clients(app, 2)
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "password": "a much newer secret",
        "confirm": "a much newer secret"})
    assert response.status_code == 302, response.data[:400]
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302  # back to the login page


def test_a_cookie_copied_before_logout_no_longer_logs_in(app, make_person):
    make_person("p@example.org")
    [browser] = _logged_in_clients(app, 1)
    thief = _copy(app, browser)
    assert thief.get("/account").status_code == 200
    browser.post("/logout")
    assert thief.get("/account").status_code == 302
    assert browser.get("/account").status_code == 302


def test_a_remember_me_cookie_ends_with_its_session(app, make_person):
    make_person("p@example.org")
    browser = app.test_client()
    browser.post("/login", data={"email": "p@example.org", "password": PASSWORD,
                                 "remember": "y"})
    remembered = app.test_client()  # the browser restarted: only the remember cookie is left
    cookie = browser.get_cookie("remember_token")
    assert cookie is not None
    remembered.set_cookie("remember_token", cookie.value)
    assert remembered.get("/account").status_code == 200
    browser.post("/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert fresh.get("/account").status_code == 302


def test_log_out_everywhere_ends_every_session_and_is_journaled(app, make_person):
    make_person("p@example.org")
    here, phone, laptop = _logged_in_clients(app, 3)
    page = here.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 sessions of this account are open" in page
    response = here.post("/account/sessions/end", headers={"Accept-Language": "en"})
    assert response.status_code == 303 and response.location.endswith("/login")
    for c in (here, phone, laptop):
        assert c.get("/account").status_code == 302
    assert db.session.scalar(sa.select(AuditEntry.summary).where(
        AuditEntry.action == "account.sessions_end")) == '{"after":{"sessions":3}}'


def test_the_database_holds_no_usable_session_token(app, make_person):
    make_person("p@example.org")
    [browser] = _logged_in_clients(app, 1)
    session_cookie = browser.get_cookie("session").value
    [stored] = db.session.scalars(sa.select(LoginSession.token_hash))
    assert len(stored) == 64 and stored not in session_cookie
