"""Real Chromium: a member sets up the second factor by its key, logs out, and logs in again
with the password and then the app's code; the secretariat is sent to the setup first."""
from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_set_up_then_log_in_with_a_code(demo, page, log_in, live_server, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "TWO_FACTOR_REQUIRED", True)
    log_in(page)  # the demo's secretariat: sent to the setup before anything else
    expect(page).to_have_url(live_server.url + "/account/two-factor")
    page.goto("/c/smartfr")
    expect(page).to_have_url(live_server.url + "/account/two-factor")
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer le second facteur").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.goto("/c/smartfr")
    expect(page).to_have_url(live_server.url + "/c/smartfr")

    page.locator("form[action='/logout'] button").click()
    log_in(page)
    expect(page).to_have_url(live_server.url + "/login/code")
    page.fill("#code", "000000")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash.error")).to_contain_text("Code erroné")
    # The enrolment used this 30 seconds' code; the next one is accepted a step early.
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/")
