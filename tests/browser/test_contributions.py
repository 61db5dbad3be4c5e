"""Real Chromium and the contributive budget: a member logs hours, the circle's lead link
approves them in place (htmx), the secretariat closes the month into a payment batch and
downloads the payroll CSV."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from governance.models import Membership
from governance.platform.extensions import db
from tests.conftest import PASSWORD
from tests.contributions.conftest import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_log_approve_pay_and_download(world, new_context, log_in, live_server):  # noqa: F811
    world.budget.ends_on = date.today()
    db.session.commit()
    last_month = date.today().replace(day=1) - timedelta(days=1)
    worked_on = last_month.replace(day=min(12, last_month.day))
    t = live_server.t

    page = new_context().new_page()
    log_in(page, email=world.alice.email, password=PASSWORD)
    page.goto("/c/ge/contributions/")
    page.select_option("#circle", label="Outils")
    page.fill("#worked_on", worked_on.isoformat())
    page.fill("#hours", "2h30")
    page.fill("#description", "Refonte du wiki des outils")
    page.get_by_role("button", name=t("Log this time", "fr")).click()
    expect(page.locator(".flash.success")).to_contain_text(
        t("Your time is logged and waits for review.", "fr"))
    expect(page.locator("main table tbody tr").first).to_contain_text(
        t("Waiting for review", "fr"))
    expect(page.locator("main table tbody tr").first).to_contain_text("50")

    page = new_context().new_page()
    log_in(page, email=world.lead.email, password=PASSWORD)
    page.goto("/c/ge/contributions/review")
    row = page.locator("tr", has_text="Refonte du wiki des outils")
    row.get_by_role("button", name=t("Approve", "fr"), exact=True).click()
    expect(row).to_contain_text(t("Approved.", "fr"))  # swapped in place by htmx
    expect(page.locator(".flash")).to_have_count(0)  # no page load happened

    page = new_context(accept_downloads=True).new_page()
    log_in(page, email=world.admin.email, password=PASSWORD)
    page.goto("/c/ge/contributions/payments")
    page.select_option("#month", f"{worked_on:%Y-%m}")
    page.get_by_role("button", name=t("Close the month", "fr")).click()
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(world.alice.display_name)
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Download for payroll (CSV)", "fr")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    number = db.session.scalar(sa.select(Membership.number).where(
        Membership.person_id == world.alice.id))
    assert list(csv.DictReader(io.StringIO(text))) == [{
        "member": world.alice.display_name, "membership_number": str(number), "hours": "2.50",
        "rate": "20.00", "gross_amount": "50.00", "circle": "Outils",
        "period": f"{worked_on:%Y-%m}"}]
