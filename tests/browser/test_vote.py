"""Real Chromium on a vote: a member votes on an open resolution with the keyboard only and gets
their receipt; the secretariat closes the vote and reads the result per college. Also without
JavaScript."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from votes import services as svc

pytestmark = pytest.mark.browser

COLLEGES = [("a", "Salarié·es", "2/5"), ("b", "Entrepreneurs", "3/10"),
            ("c", "Partenaires", "3/10")]
TRACKER = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


@pytest.fixture
def vote(make_coop, make_person, make_member):
    """An open secret resolution of an extraordinary kind (2/3, quorum 1/4); of the four voters,
    B has voted for and C against; the member of A is about to vote."""
    coop = make_coop("smart", colleges=COLLEGES)
    admin = make_person("secretariat@example.org", "Anne", "Admin", roles={coop: "admin"})
    member = make_person("member@example.org", "Mia", "Membre")
    make_member(coop, person=member, college="a")
    voters = [make_member(coop, college=c).person for c in "abc"]
    vote = svc.create_vote(admin, coop, svc.VoteDraft(
        title="Plan de continuation des activités", kind="extraordinary",
        body="L'assemblée adopte le plan de continuation."))
    svc.open_vote(admin, vote, notify=False)
    svc.cast(voters[1], vote, "for")
    svc.cast(voters[2], vote, "against")
    return vote


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} never got the focus with Tab")


def test_member_votes_with_the_keyboard_and_admin_closes(vote, new_context, log_in,
                                                           live_server):
    page = new_context().new_page()
    log_in(page, email="member@example.org", password=PASSWORD)
    page.goto(f"/votes/{vote.id}")
    expect(page.locator("h1")).to_contain_text("Plan de continuation des activités")
    expect(page.locator("#turnout")).to_contain_text("2")  # live turnout, no result
    expect(page.locator("#result-title")).to_have_count(0)

    tab_to(page, "#choice-for")
    page.keyboard.press("Space")
    expect(page.locator("#choice-for")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("form.ballot button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text(live_server.t("Your ballot is cast", "fr"))
    tracker = page.locator("code.tracker").inner_text()
    assert TRACKER.match(tracker), tracker
    expect(page.locator("dl.receipt code.wrap")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))

    page.goto(f"/votes/{vote.id}")  # back on the vote: cast, never what
    expect(page.locator("form.ballot")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(live_server.t(
        "You have voted. Keep your tracking code: after the close you can find your ballot in "
        "the published ballot box.", "fr"))

    admin = new_context(locale="en-GB").new_page()
    log_in(admin, email="secretariat@example.org", password=PASSWORD)
    admin.goto(f"/votes/{vote.id}")
    expect(admin.locator("#turnout")).to_contain_text("3 of 4 voters on the roll have voted")
    admin.get_by_role("button", name="Close the vote now").click()
    # A: 1 for of 1; B: 1 for of 1; C: 0 of 1 → S = 2/5 + 3/10 = 70 % ≥ 2/3: adopted
    expect(admin.locator(".outcome")).to_have_text(
        "The resolution is adopted: 70.00% of the votes counted are for; it needed at least "
        "66.67%.")
    table = admin.locator("section[aria-labelledby=result-title] table").first
    expect(table.locator("tbody th[scope=row]")).to_have_text(
        ["Salarié·es", "Entrepreneurs", "Partenaires"])
    expect(table.locator("tbody tr").nth(2).locator("td").last).to_have_text("0.00%")
    expect(table.locator("tfoot td")).to_have_text("70.00%")
    expect(admin.locator("svg.chart[role=img]")).to_be_visible()

    page.goto(f"/votes/{vote.id}/tracker?code={tracker}")  # the member finds their ballot
    expect(page.locator("main [role=status]")).to_contain_text(tracker)


def test_member_votes_without_javascript(vote, new_context, log_in, live_server):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, email="member@example.org", password=PASSWORD)
    page.goto(f"/votes/{vote.id}")
    page.check("#choice-against")
    page.locator("form.ballot button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(live_server.t("Your ballot is cast", "fr"))
    assert TRACKER.match(page.locator("code.tracker").inner_text())
