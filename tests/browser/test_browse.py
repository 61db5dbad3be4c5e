"""Real Chromium against the served site with the Smart France demo data: log in, change
language, search and filter the register live (htmx) and without JavaScript, keyboard access.

`UPDATE_SCREENSHOT=1 scripts/test.sh tests/browser` also rewrites docs/screenshot.png."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.models import Cooperative
from governance.platform.extensions import db
from governance.queries import register_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ROWS = "#register-results tbody tr"


def expected_register(**filters) -> tuple[list[str], int]:
    """The names on the register's first page and the total, straight from the query."""
    coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == "smartfr"))
    rows, total = register_page(coop, size=50, **filters)
    return [m.person.display_name for m in rows], total


def test_login_shows_home_with_name_and_wrong_password_is_refused(demo, page, log_in,
                                                                   live_server):
    log_in(page, password="not the password")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator(".flash.error")).to_have_text(
        live_server.t("Wrong email or password.", "fr"))
    expect(page.locator("header nav")).not_to_contain_text("Anne Admin")

    log_in(page)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("header nav")).to_contain_text("Anne Admin")
    expect(page.locator("h1")).to_have_text(live_server.t("Governance for cooperatives", "fr"))
    expect(page.locator("main")).to_contain_text(live_server.t("My cooperatives", "fr"))


def test_language_switch_from_the_header(demo, page, log_in, live_server):
    log_in(page)
    page.goto("/cooperatives")
    html, button = page.locator("html"), page.locator("header .tools form button[type=submit]")
    expect(html).to_have_attribute("lang", "fr")
    expect(button.first).to_have_text(live_server.t("Change language", "fr"))

    page.select_option("#lang-select", "en")
    button.first.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/cooperatives\??$"))  # back on the same page
    expect(button.first).to_have_text(live_server.t("Change language", "en"))
    expect(page.locator("#lang-select")).to_have_value("en")

    page.goto("/")  # the choice is kept on the account, over the browser's French
    expect(html).to_have_attribute("lang", "en")

    page.select_option("#lang-select", "fr")
    button.first.click()
    expect(html).to_have_attribute("lang", "fr")
    expect(button.first).to_have_text(live_server.t("Change language", "fr"))


def test_register_search_and_college_filter_update_live(demo, page, log_in):
    log_in(page)
    page.goto("/c/smartfr/members")
    rows = page.locator(ROWS)
    expect(rows).to_have_count(50)
    page.evaluate("window.__notReloaded = true")

    names, total = expected_register(q="dubois")
    assert 0 < total < 50
    page.locator("#q").press_sequentially("Dubois", delay=40)
    expect(rows).to_have_count(total)
    expect(page.locator("#register-results th[scope=row]")).to_have_text(names)
    for text in rows.all_inner_texts():
        assert "dubois" in text.lower()
    expect(page).to_have_url(re.compile(r"[?&]q=Dubois"))  # hx-push-url: the search is linkable

    page.fill("#q", "")
    expect(rows).to_have_count(50)
    names, total = expected_register(college="permanents")
    assert 0 < total < 50
    page.select_option("#college", "permanents")
    expect(rows).to_have_count(total)
    expect(page.locator("#register-results th[scope=row]")).to_have_text(names)
    for text in rows.all_inner_texts():
        assert "Salarié·es permanent·es" in text
    expect(page.locator("#register-results > p").first).to_contain_text(str(total))
    assert page.evaluate("window.__notReloaded") is True  # updated in place, not reloaded

    page.locator("#q").press_sequentially("zzzz-nobody", delay=20)
    expect(rows).to_have_count(1)
    expect(page.locator("#register-results tbody td")).to_have_attribute("colspan", "7")


def test_register_search_works_without_javascript(demo, new_context, log_in):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page)
    expect(page.locator("header nav")).to_contain_text("Anne Admin")
    page.goto("/c/smartfr/members")
    expect(page.locator(ROWS)).to_have_count(50)

    names, total = expected_register(q="dubois", college="entrepreneurs")
    assert total > 0
    page.fill("#q", "Dubois")
    page.select_option("#college", "entrepreneurs")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]q=Dubois.*college=entrepreneurs"))
    expect(page.locator(ROWS)).to_have_count(total)
    expect(page.locator("#register-results th[scope=row]")).to_have_text(names)
    expect(page.locator("#q")).to_have_value("Dubois")  # the form keeps the search


def test_skip_link_is_the_first_stop_for_the_keyboard(demo, page, log_in):
    log_in(page)
    page.goto("/c/smartfr/members")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, box  # shown on screen once focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_cooperative_page_and_readme_screenshot(demo, new_context, log_in):
    """The SmartFr page as an admin sees it; written to docs/screenshot.png when
    UPDATE_SCREENSHOT=1."""
    page = new_context(locale="en-GB").new_page()
    log_in(page)
    page.goto("/c/smartfr")
    expect(page.locator("h1")).to_have_text("SmartFr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(5)
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
