"""Real Chromium: the secretariat records a subscription with the keyboard only, then reads the
sociétaire's statement of shares (printable, its Print link shown by JavaScript)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_subscription_with_the_keyboard_then_the_statement(make_coop, make_person, make_member,
                                                           page, log_in, live_server):
    coop = make_coop("ruche", nominal_share_value=Decimal("20.50"))
    make_person("admin@example.org", roles={coop: "admin"})
    m = make_member(coop, person=make_person("zoe@example.org", "Zoé", "Abeille"))
    log_in(page, email="admin@example.org", password=PASSWORD)
    page.goto("/c/ruche/capital/movements/new")

    page.locator("#kind").focus()
    expect(page.locator("#kind")).to_have_value("subscription")
    page.keyboard.press("Tab")
    expect(page.locator("#member")).to_be_focused()
    page.keyboard.type(str(m.number))
    page.keyboard.press("Tab")  # the buyer of a transfer: left empty
    page.keyboard.press("Tab")
    expect(page.locator("#shares")).to_be_focused()
    page.keyboard.type("13")
    page.locator("#reference").focus()  # past the amount and the date (today by default)
    page.keyboard.type("BS-2024-7")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/c/ruche/members/{m.number}/statement$"))
    expect(page.locator(".flash.success")).to_contain_text(
        live_server.t("Movement no. %(number)s recorded.", "fr", number=1))
    expect(page.locator("h1")).to_have_text(live_server.t("Statement of shares", "fr"))
    expect(page.locator(".statement-who")).to_contain_text("Zoé Abeille")
    row = page.locator("article.statement tbody tr").first
    expect(row).to_contain_text("BS-2024-7")
    expect(row).to_contain_text("+13")
    expect(row).to_contain_text("266,50\u00a0€")  # 13 × 20,50 €
    expect(page.locator(".print-link")).to_be_visible()  # JavaScript is on: the link shows
