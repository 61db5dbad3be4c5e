"""Edge checks every request passes: NUL bytes refused, web addresses http(s) only, headers that
keep pages out of caches and the site on HTTPS."""
from __future__ import annotations

import pytest

from assemblies.models import Assembly
from governance.platform.extensions import db
from governance.platform.urls import is_web_address


@pytest.mark.parametrize("url", ["/c/smart/members?q=a%00b", "/c/smart/members?college=%00",
                                 "/c/smart/members?%00=1", "/votes/1/tracker?code=%00"])
def test_a_nul_byte_in_a_query_is_refused_with_a_message(client, make_coop, make_person, login,
                                                         url):
    coop = make_coop("smart")
    login(make_person("a@example.org", roles={coop: "admin"}))
    response = client.get(url, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "octet NUL" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_form_changes_nothing(client, make_coop, make_person, login):
    coop = make_coop("smart")
    login(make_person("a@example.org", roles={coop: "admin"}))
    response = client.post("/c/smart/assemblies/new", data={
        "title": "AG\x00", "kind": "ordinary", "starts_at": "2027-06-01T18:00", "place": "Paris"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert db.session.query(Assembly).count() == 0


@pytest.mark.parametrize("url,ok", [
    ("https://visio.example.coop/ag", True), ("http://example.org", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("https://", False), ("//evil.example", False), ("https://a.example/\x01", False),
    ("https://a example", False), ("https://[::1", False)])
def test_web_addresses_are_http_or_https_with_a_host(url, ok):
    assert is_web_address(url) is ok


def test_an_assembly_link_may_not_run_script(client, make_coop, make_person, login):
    coop = make_coop("smart")
    login(make_person("a@example.org", roles={coop: "admin"}))
    response = client.post("/c/smart/assemblies/new", data={
        "title": "AG", "kind": "ordinary", "starts_at": "2027-06-01T18:00",
        "online_link": "javascript:alert(document.cookie)"}, headers={"Accept-Language": "en"})
    assert response.status_code in (200, 400)
    assert "starting with https://" in response.get_data(as_text=True)
    assert db.session.query(Assembly).count() == 0


def test_pages_are_not_cached_and_static_files_are(client, make_person, login):
    login(make_person("a@example.org"))
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/site.css").headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_when_served_over_https(app, client):
    app.config["HTTPS"] = True
    try:
        hsts = client.get("/").headers["Strict-Transport-Security"]
    finally:
        app.config["HTTPS"] = False
    assert hsts.startswith("max-age=31536000")
