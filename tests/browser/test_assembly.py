"""Real Chromium in a general assembly: a member gives a proxy and the holder votes for both
(with the keyboard); the secretariat checks in a sociétaire found by search-as-you-type and the
quorum updates live; a resolution is closed and its result read per college."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from assemblies.services import voting
from governance.platform.extensions import db
from tests.assemblies.conftest import _request, make_assembly, place  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD
from votes.models import Ballot

pytestmark = pytest.mark.browser


def test_proxy_given_accepted_and_used_for_both(make_assembly, new_context, log_in,  # noqa: F811
                                                 live_server):
    s = make_assembly(convene=True)
    a, first = s.assembly, s.resolutions[0]
    principal, holder = place(a, s.members[0]), place(a, s.members[1])
    who = principal.person.display_name

    page = new_context().new_page()
    log_in(page, email=principal.person.email, password=PASSWORD)
    page.goto(f"/assemblies/{a.id}")
    page.fill(f"#holder-{principal.id}", str(holder.number))
    page.get_by_role("button", name=live_server.t("Give my proxy", "fr")).click()
    expect(page.locator(".flash.success")).to_contain_text(live_server.t(
        "Your proxy is offered: it counts once the holder accepts it.", "fr"))

    page = new_context().new_page()
    log_in(page, email=holder.person.email, password=PASSWORD)
    page.goto(f"/assemblies/{a.id}")
    page.get_by_role("button", name=live_server.t("Accept", "fr"), exact=True).click()
    expect(page.locator(".flash.success")).to_contain_text(
        live_server.t("You hold this proxy.", "fr"))

    db.session.expire_all()  # the browser changed the rows behind this session
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, [first])

    page.goto(f"/assemblies/{a.id}")
    page.get_by_role("button", name=live_server.t("I am attending online", "fr")).click()
    expect(page.locator(".flash.success")).to_contain_text(
        live_server.t("You are present online.", "fr"))
    everyone = page.get_by_role("button", name=live_server.t("Vote for everyone", "fr"))
    radio = page.locator(f"#all-{first.id}-{holder.id}-for")
    radio.focus()  # the keyboard: Space chooses, Tab reaches the button, Enter submits
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    page.keyboard.press("Tab")
    expect(everyone).to_be_focused()
    page.keyboard.press("Enter")

    sitting = page.locator("#sitting")
    expect(sitting).to_contain_text(live_server.t("Your ballot is cast.", "fr"))
    expect(sitting).to_contain_text(live_server.t("The ballot of %(name)s is cast.", "fr",
                                                  name=who))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(
        Ballot.vote_id == first.votes[0].vote_id)) == 2


def _without_polling(route):
    """Serve the page with the quorum's 5-second polling taken out: only the htmx
    `quorum-changed` trigger can then refresh it."""
    response = route.fetch()
    body = response.text().replace("every 5s, quorum-changed", "quorum-changed")
    route.fulfill(response=response, body=body)


def test_check_in_by_search_updates_the_quorum_live(make_assembly, new_context, log_in,  # noqa: F811
                                                    live_server):
    s = make_assembly(convene=True)  # 10 on the roll, extraordinary: quorum 1/4, so 3
    a = s.assembly
    target = place(a, s.members[6])
    name = target.person.display_name  # "Ada Member7": "member7" finds them alone
    page = new_context(locale="en-GB").new_page()  # English: the quorum sentence is a plural
    log_in(page, email=s.admin.email, password=PASSWORD)
    page.route(re.compile(r"/assemblies/\d+/(attendance|quorum)(\?|$)"), _without_polling)
    page.goto(f"/assemblies/{a.id}/attendance")
    url = page.url
    page.evaluate("window.notReloaded = true")

    quorum = page.locator("#quorum tbody tr").first
    taking_part = quorum.locator("td").first
    expect(taking_part).to_have_text("0")
    expect(quorum).to_contain_text("No: 3 more sociétaires must take part.")

    search = page.locator("#checkin-q")
    expect(search).to_be_focused()  # autofocus: the secretariat types at once
    page.keyboard.type("member7")  # no submit: htmx searches as one types
    row = page.locator(f"#participant-{target.id}")
    expect(page.locator("#checkin-rows tr")).to_have_count(1)
    expect(row).to_contain_text(name)

    with page.expect_response(re.compile(r"/quorum$")):
        row.get_by_role("button", name=live_server.t("In the room", "en")).click()
    expect(row.locator("strong")).to_have_text(live_server.t("In the room", "en"))
    expect(taking_part).to_have_text("1")
    expect(quorum).to_contain_text("No: 2 more sociétaires must take part.")
    assert page.url == url and page.evaluate("window.notReloaded") is True
    db.session.refresh(target)
    assert target.presence == "in_person"


def test_close_a_resolution_and_read_the_result_per_college(make_assembly, new_context,  # noqa: F811
                                                            log_in, live_server):
    s = make_assembly(convene=True)  # colleges a 2/5 (4 members), b 3/10 (3), c 3/10 (3)
    a, first = s.assembly, s.resolutions[0]
    # A: 2 for; B: 1 for; C: 1 against → S = 2/5 + 3/10 = 70 % ≥ 2/3; 4 of 10 take part ≥ 1/4
    for member, choice in zip([s.members[i] for i in (0, 1, 4, 7)],
                              ["for", "for", "for", "against"], strict=True):
        voting.vote_in_advance(member.person, place(a, member),
                               {first.id: choice, s.resolutions[1].id: "abstain"})
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, [first])

    page = new_context(locale="en-GB").new_page()
    log_in(page, email=s.admin.email, password=PASSWORD)
    page.goto(f"/assemblies/{a.id}")
    block = page.locator(".resolution-admin").filter(has_text=first.title)
    block.get_by_role("button", name=live_server.t("Close voting and count", "en")).click()

    expect(page.locator(".flash.success")).to_contain_text(
        live_server.t("Voting is closed and counted.", "en"))
    result = page.locator(f"#resolution-{first.id}")
    expect(result).to_contain_text(live_server.t("voting closed", "en"))
    expect(result.locator("tbody td strong")).to_have_text(live_server.t("Adopted", "en"))
    expect(result.locator("tbody td.num")).to_have_text("70.00%")

    result.get_by_role("link", name=live_server.t("Result per college, chart and ballot box",
                                                  "en")).click()
    expect(page.locator(".outcome")).to_contain_text("70.00%")
    table = page.locator("section[aria-labelledby=result-title] table").first
    expect(table.locator("tbody th[scope=row]")).to_have_text(
        ["Entrepreneurs", "Permanents", "Soutiens"])
    expect(table.locator("tbody tr").nth(2).locator("td").last).to_have_text("0.00%")
    expect(table.locator("tfoot td")).to_have_text("70.00%")
