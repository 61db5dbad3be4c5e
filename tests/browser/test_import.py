"""Real Chromium: a register import refused for its bad lines, then accepted once corrected
(its job's page followed live)."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.models import Cooperative, Membership
from governance.platform.extensions import db

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def members(slug="smartfr") -> int:
    db.session.expire_all()
    coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == slug))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.cooperative_id == coop.id))


def test_import_fails_on_bad_lines_then_succeeds(demo, page, log_in, live_server):
    log_in(page)
    before = members()
    page.goto(live_server.url + "/c/smartfr/members/import")
    page.set_input_files("input[type=file]", str(ROOT / "tests/data/register-bad.csv"))
    page.locator("form[enctype] button[type=submit]").click()
    report = page.locator(".import-errors")
    expect(report).to_be_visible()
    rows = report.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_have_text("4")
    expect(rows.nth(1).locator("td").first).to_have_text("6")
    assert members() == before  # nothing saved

    page.set_input_files("input[type=file]", str(ROOT / "docs/register-sample.csv"))
    page.locator("form[enctype] button[type=submit]").click()
    preview = page.locator("table.register tbody tr")
    expect(preview).to_have_count(10)
    assert members() == before  # a preview saves nothing either
    page.locator("form[action$='/import/confirm'] button[type=submit]").click()
    # The job's page, followed live by htmx until the import ends after the response.
    expect(page.locator("#job-status .success")).to_contain_text("10 sociétaires importé·es")
    assert members() == before + 10
    page.goto(live_server.url + "/c/smartfr/members?q=lemoine")
    expect(page.locator("#register-results tbody")).to_contain_text("Aurore Lemoine")
