"""A new password ends the other sessions of the account, not the one that changed it."""
from tests.conftest import PASSWORD


def test_password_change_logs_out_other_sessions(app, make_person):
    make_person("p@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    for c in (here, elsewhere):
        c.post("/login", data={"email": "p@example.org", "password": PASSWORD})
        assert c.get("/account").status_code == 200
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "password": "a much newer secret",
        "confirm": "a much newer secret"})
    assert response.status_code == 302, response.data[:400]
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302  # back to the login page
