"""Capital campaigns with a matching rule ("1+1"): the pure rule at its boundaries, the service,
the pages; and the demo's ledgers (SmartBe at 90.79 % of SmartFr's shares)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
import sqlalchemy as sa

from governance.capital import queries as q
from governance.capital import rules
from governance.capital.models import CapitalCampaign
from governance.capital.services import ledger as cap
from governance.capital.services.campaigns import CampaignDraft, create_campaign
from governance.models import AuditEntry
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from governance.rules import percent

START, END = date(2022, 1, 1), date(2023, 12, 31)
P = 1  # the partner's id in the pure tests


def progress(subs, ratio=F(1), target=D(3000), today=date(2022, 6, 1)):
    return rules.campaign_progress(subs, P, ratio, target, START, END, today)


def test_partner_ahead_only_what_the_others_brought_is_matched():
    p = progress([(P, date(2022, 3, 1), D(1000)), (2, date(2022, 4, 1), D(300))])
    assert (p.partner, p.others, p.matched, p.to_match, p.raised) == (
        D(1000), D(300), D(300), D(700), D(1300))
    assert p.progress == F(1300, 3000)


def test_others_ahead_the_match_stops_at_the_partners_euros():
    p = progress([(P, date(2022, 3, 1), D(1000)), (2, date(2022, 4, 1), D(1500))])
    assert (p.matched, p.to_match) == (D(1000), D(0))


def test_exactly_matched_and_target_reached_caps_at_one():
    p = progress([(P, START, D(1500)), (2, END, D(1500)), (3, END, D(10))], target=D(2000))
    assert (p.matched, p.to_match, p.progress) == (D(1500), D(0), F(1))


def test_the_period_bounds_are_inclusive():
    p = progress([(P, date(2021, 12, 31), D(100)), (P, START, D(1)), (2, END, D(2)),
                  (2, date(2024, 1, 1), D(400))])
    assert (p.partner, p.others) == (D(1), D(2))


def test_a_ratio_other_than_one_in_exact_cents():
    p = progress([(P, START, D("100.01")), (2, START, D(80))], ratio=F(1, 2))
    assert (p.matched, p.to_match) == (D("50.00"), D(0))  # 100.01 / 2 = 50.005: floor 50.00
    p = progress([(P, START, D("100.01")), (2, START, D(10))], ratio=F(1, 2))
    assert p.to_match == D("40.01")  # ceiling of 50.005, less 10


def test_days_left_deadline_day_and_after():
    assert progress([], today=END).days_left == 1 and not progress([], today=END).ended
    after = progress([], today=date(2024, 1, 1))
    assert (after.days_left, after.ended) == (0, True)
    before = progress([], today=date(2021, 12, 1))
    assert (before.started, before.days_left) == (False, 730)


@pytest.mark.parametrize("text, ok", [("1", F(1)), ("1/2", F(1, 2)), ("2", F(2)),
                                      ("0", None), ("x", None), ("1/0", None)])
def test_ratio_parsing(text, ok):
    if ok is None:
        with pytest.raises(rules.RuleError, match="campaign_ratio"):
            rules.parse_ratio(text)
    else:
        assert rules.parse_ratio(text) == ok


def test_campaign_check_refuses_bad_targets_and_dates():
    with pytest.raises(rules.RuleError, match="amount_positive"):
        rules.check_campaign("0", START, END)
    with pytest.raises(rules.RuleError, match="not_an_amount"):
        rules.check_campaign("1.001", START, END)
    with pytest.raises(rules.RuleError, match="date_before"):
        rules.check_campaign("10", END, START)


@pytest.fixture
def setup(make_coop, make_person, make_member):
    coop = make_coop("coop")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    partner, a, b = (make_member(coop) for _ in range(3))
    return coop, admin, partner, a, b


def draft(who, **kw):
    return CampaignDraft(**({"title": "Plan 1+1", "partner": who, "target": "3 000",
                             "starts_on": START, "deadline": END} | kw))


def test_the_service_creates_journals_and_counts_the_ledger(setup):
    coop, admin, partner, a, b = setup
    campaign = create_campaign(admin, coop, draft(partner))
    assert (campaign.target, campaign.match_ratio) == (D(3000), "1")
    assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
        "capital.campaign_create"
    cap.record_subscription(admin, partner, 40, on=date(2022, 6, 30))  # 1,000 €
    cap.record_subscription(admin, a, 10, on=date(2021, 6, 30))  # before: not counted
    wrong = cap.record_subscription(admin, b, 100, on=date(2022, 7, 1))
    cap.record_correction(admin, wrong, on=date(2022, 7, 2))  # corrected: not counted
    cap.record_subscription(admin, b, 8, on=date(2023, 2, 1))  # 200 €
    p = q.campaign_progress(campaign, today=date(2023, 1, 1))
    assert (p.partner, p.others, p.matched, p.raised) == (D(1000), D(200), D(200), D(1200))


def test_the_service_refuses_bad_input_and_other_people(setup, make_person):
    coop, admin, partner, *_ = setup
    for kw, code in [({"title": " "}, "campaign_title_required"),
                     ({"partner": None}, "campaign_partner_required"),
                     ({"match_ratio": "0"}, "campaign_ratio"),
                     ({"deadline": date(2021, 1, 1)}, "date_before"),
                     ({"target": "-5"}, "amount_positive"), ({"target": "1.001"}, "not_an_amount")]:
        with pytest.raises(DomainError, match=code):
            create_campaign(admin, coop, draft(partner, **kw))
    board = make_person("board@example.org", roles={coop: "board"})
    with pytest.raises(Forbidden):
        create_campaign(board, coop, draft(partner))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CapitalCampaign)) == 0


def test_pages_list_create_and_show_a_progress_bar(client, login, setup):
    coop, admin, partner, a, _b = setup
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    cap.record_subscription(admin, partner, 40, on=date(2022, 6, 30))
    login(admin)
    bad = client.post("/c/coop/capital/campaigns", data={
        "title": "Plan", "partner": 99, "target": "3000", "match_ratio": "1",
        "starts_on": "2022-01-01", "deadline": "2023-12-31"})
    assert bad.status_code == 400 and b"no soci\xc3\xa9taire number 99" in bad.data
    made = client.post("/c/coop/capital/campaigns", data={
        "title": "Plan 1+1", "partner": partner.number, "target": "3 000", "match_ratio": "1",
        "starts_on": "2022-01-01", "deadline": "2023-12-31"})
    assert made.status_code == 302
    page = client.get(made.location)
    assert page.status_code == 200
    assert b'<progress id="campaign-progress" max="3000.00" value="1000.00">' in page.data
    assert b"the campaign has ended" in page.data
    listing = client.get("/c/coop/capital/campaigns")
    assert b"Plan 1+1" in listing.data and b"Open the campaign" in listing.data


def test_members_see_campaigns_but_cannot_create_them(client, login, setup, make_person):
    coop, admin, partner, a, _b = setup
    campaign = create_campaign(admin, coop, draft(partner))
    login(a.person)
    assert client.get(f"/c/coop/capital/campaigns/{campaign.id}").status_code == 200
    listing = client.get("/c/coop/capital/campaigns")
    assert listing.status_code == 200 and b"Plan 1+1" in listing.data
    assert b"Open the campaign" not in listing.data
    assert client.post("/c/coop/capital/campaigns", data={"title": "x"}).status_code == 403


def test_the_demo_ledgers(runner):
    """SmartFr 8,405,850 € at the end of 2020; SmartBe 90.79 % of its shares and 10 % of the
    votes today; GrandsEnsemble 186,510 € then 219,000 €; Alterna 13,260 € with a queue."""
    from governance.capital import queries as cq
    from governance.models import Cooperative
    assert runner.invoke(args=["demo"]).exit_code == 0
    coops = {c.slug: c for c in db.session.scalars(sa.select(Cooperative))}

    def at(coop, day):
        return [v for on, v in cq.capital_history(coop) if on <= day][-1]

    smartfr = coops["smartfr"]
    assert at(smartfr, date(2020, 12, 31)) == D(8_405_850)
    summary = cq.capital_summary(smartfr)
    partners = next(c for c in summary.colleges if c.college.code == "partenaires")
    assert (percent(partners.capital_share), percent(partners.vote_share)) == (
        D("90.79"), D("10.00"))
    ge, alterna = coops["grandsensemble"], coops["alterna"]
    assert (at(ge, date(2020, 12, 31)), at(ge, date(2021, 12, 31))) == (D(186_510), D(219_000))
    assert at(alterna, date(2020, 12, 31)) == D(13_260)
    assert len(cq.reimbursement_queue(alterna)) == 2
    for coop in coops.values():
        assert cq.derived_mismatches(coop) == []
    campaign = db.session.scalar(sa.select(CapitalCampaign))
    p = q.campaign_progress(campaign, today=date(2024, 6, 1))
    assert p.partner == D(1_500_000) and p.ended and 0 < p.matched == p.others < p.partner
