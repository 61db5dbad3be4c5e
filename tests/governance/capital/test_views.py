"""The share capital's pages through the test client: capital, movements, forms, queue, CSV,
statements, and their permissions."""
import json
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from governance.capital import queries as cq
from governance.capital.rules import Balance
from governance.capital.services import ledger as cap
from governance.models import AuditEntry, Cooperative, ReimbursementRequest, ShareMovement
from governance.platform.extensions import db

DAY = date(2024, 1, 1)
# The seed's example: the partners' college holds most of the capital but 10 % of the votes.
COLLEGES = [("emp", "Employees", "1/2"), ("fond", "Partners", "1/10"), ("use", "Users", "2/5")]
EN = {"Accept-Language": "en"}


def count(model=ShareMovement):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def held(m):
    db.session.expire_all()
    return cq.member_balances([m.id]).get(m.id, Balance())


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def coop(make_coop, make_person, make_member):
    """A cooperative with colleges (25 € shares), its secretariat, board, and three members."""
    def make(**statutes):
        c = make_coop("coop", colleges=COLLEGES, **statutes)
        c.admin = make_person("admin@example.org", roles={c: "admin"}, locale="en")
        c.board = make_person("board@example.org", roles={c: "board"}, locale="en")
        c.emp = make_member(c, college="emp", category="permanent_employee",
                            person=make_person("emp@example.org", "Eve", "Employee", locale="en"))
        c.fond = make_member(c, college="fond", category="partner",
                             person=make_person("fond@example.org", "Fanny", "Fondation",
                                                locale="en"))
        c.user = make_member(c, college="use",
                             person=make_person("user@example.org", "Ugo", "User", locale="en"))
        return c
    return make


def post_movement(client, **data):
    form = {"kind": "subscription", "on": "2024-01-01", "reference": ""} | {
        k: str(v) for k, v in data.items()}
    return client.post("/c/coop/capital/movements/new", data=form)


def test_capital_page_shows_capital_floor_queue_and_colleges_side_by_side(coop, client, login):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 921, on=DAY)
    cap.record_subscription(c.admin, c.fond, 9079, on=date(2024, 3, 5))
    cap.request_reimbursement(c.admin, c.emp, 900, on=date(2024, 4, 1))  # paid: room enough
    login(c.user.person)
    page = text(client.get("/c/coop/capital"))
    assert "€227,500" in page and "€250,000" in page  # capital now, peak
    assert "€62,500" in page and "€165,000" in page  # floor (a quarter), room above it
    assert "0 requests" in page
    assert "<svg" in page and 'role="img"' in page and "<details>" in page
    partners = page.split("<th scope=\"row\">Partners</th>", 1)[1].split("</tr>", 1)[0]
    assert "99.77%" in partners and "10.00%" in partners  # 9079 of 9100 shares, 10 % of votes
    assert "Employee-associates" not in page  # not a SCOP
    assert "Record a movement" not in page  # a member sees no secretariat link
    coop_page = text(client.get("/c/coop"))
    assert "99.77%" in coop_page and "/c/coop/capital" in coop_page


def test_empty_ledger_renders(coop, client, login):
    c = coop()
    login(c.admin)
    page = text(client.get("/c/coop/capital"))
    assert "No share movement has been recorded yet." in page
    assert client.get("/c/coop/capital/movements").status_code == 200
    assert client.get("/c/coop/capital/queue").status_code == 200


def test_scop_ratios_shown_with_a_warning_when_below(coop, client, login):
    c = coop(legal_form="scop_sa")
    cap.record_subscription(c.admin, c.emp, 10, on=DAY)
    login(c.admin)
    page = text(client.get("/c/coop/capital"))
    assert "Employee-associates" in page and "Below the minimum" not in page
    cap.record_subscription(c.admin, c.fond, 100, on=DAY, acknowledge_warning=True)
    page = text(client.get("/c/coop/capital"))
    assert page.count("Below the minimum") == 2 and 'class="below"' in page
    assert "9.09%" in page and "50.00%" in page  # capital 10/110; one vote of the two holders


def test_each_kind_of_movement_through_the_form(coop, client, login):
    c = coop(partial_payment=True)
    login(c.admin)
    response = post_movement(client, member=c.emp.number, shares=10, amount="100,50",
                             reference="BS-1")
    assert response.status_code == 302
    assert response.location.endswith(f"/c/coop/members/{c.emp.number}/statement")
    assert held(c.emp) == Balance(10, D(250), D("100.50"))
    assert "Movement no. 1 recorded." in text(client.get(response.location))
    assert post_movement(client, kind="release", member=c.emp.number,
                         amount="149.50").status_code == 302
    assert held(c.emp) == Balance(10, D(250), D(250))
    assert post_movement(client, kind="transfer", member=c.emp.number, other=c.user.number,
                         shares=4, reference="CA 2024-02").status_code == 302
    assert held(c.user) == Balance(4, D(100), D(100))
    assert post_movement(client, kind="reimbursement", member=c.user.number,
                         shares=1).status_code == 302
    assert held(c.user) == Balance(3, D(75), D(75))
    kinds = db.session.scalars(sa.select(ShareMovement.kind).order_by(ShareMovement.number))
    assert list(kinds) == ["subscription", "release", "transfer", "reimbursement"]


@pytest.mark.parametrize("data, shown", [
    ({"kind": "reimbursement", "shares": 11}, "does not hold that many shares"),
    ({"kind": "transfer", "shares": 1, "other": 3}, "needs the reference of the board"),
    ({"kind": "transfer", "shares": 1}, "A transfer needs the buyer"),
    ({"kind": "transfer", "shares": 1, "other": 999, "reference": "CA"},
     "no sociétaire number 999"),
    ({"member": 999, "shares": 1}, "There is no sociétaire number 999"),
    ({"member": "abc", "shares": 1}, "Not a valid integer value"),
    ({"member": -3, "shares": 1}, "Number must be between"),
    ({"shares": -5}, "Number must be between"),
    ({"shares": 10**12}, "Number must be between"),
    ({"member": ""}, "Give the membership number."),
    ({"shares": ""}, "Give the number of shares."),
    ({"shares": 1, "on": "31/02/2024"}, "Give a valid date."),
    ({"shares": 1, "on": ""}, "Give a valid date."),
    ({"shares": 1, "amount": "10"}, "fully paid on subscription"),
    ({"kind": "release", "amount": ""}, "Give the amount released."),
    ({"kind": "release", "amount": "NaN"}, "is not an amount"),
    ({"kind": "release", "amount": "1e400"}, "is not an amount"),
    ({"kind": "release", "amount": "-5"}, "more than zero"),
    ({"kind": "release", "amount": "0.001"}, "is not an amount"),
    ({"kind": "release", "amount": "10"}, "paid more than they subscribed"),
    ({"kind": "nonsense", "shares": 1}, "Not a valid choice"),
])
def test_a_refused_movement_shows_why_and_changes_nothing(coop, client, login, data, shown):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 10, on=DAY)
    login(c.admin)
    before, journal = count(), count(AuditEntry)
    response = post_movement(client, **({"member": c.emp.number} | data))
    assert response.status_code == 400
    assert shown in text(response)
    assert (count(), count(AuditEntry)) == (before, journal)
    assert held(c.emp) == Balance(10, D(250), D(250))


def test_scop_warning_is_confirmed_then_kept_in_the_journal(coop, client, login):
    c = coop(legal_form="scop_sarl")
    cap.record_subscription(c.admin, c.emp, 10, on=DAY)
    login(c.admin)
    response = post_movement(client, member=c.fond.number, shares=100)
    page = text(response)
    assert response.status_code == 400 and 'role="alert"' in page
    assert "employee-associates would hold 9.09%" in page
    assert 'name="acknowledge"' in page and "Record anyway" in page
    assert count() == 1
    response = post_movement(client, member=c.fond.number, shares=100, acknowledge="y")
    assert response.status_code == 302 and count() == 2
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "share.subscription").order_by(AuditEntry.id.desc())).first()
    assert json.loads(entry.summary)["after"]["scop_warning"]["broken"] == ["capital", "votes"]


def test_a_queued_reimbursement_says_so_with_its_place(coop, client, login):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 4, on=DAY)
    cap.record_subscription(c.admin, c.user, 4, on=DAY)
    cap.request_reimbursement(c.admin, c.emp, 4, on=DAY)  # 200 → 100: above the floor of 50
    login(c.admin)
    response = post_movement(client, kind="reimbursement", member=c.user.number, shares=4)
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "is queued, place 1 in the queue" in page
    assert "waiting in the queue, place 1" in page  # the statement says it too
    assert count(ReimbursementRequest) == 2 and count() == 3
    queue = text(client.get("/c/coop/capital/queue"))
    assert "Ugo User" in queue and "€100" in queue and "Jan 1, 2024" in queue
    assert "1 request" in text(client.get("/c/coop/capital"))
    client.post("/logout")
    login(c.user.person)  # the member sees their own place on their statement
    assert "place 1" in text(client.get(f"/c/coop/members/{c.user.number}/statement"))


def test_correction_from_the_register(coop, client, login):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 10, on=DAY, reference="BS-1")
    login(c.admin)
    page = text(client.get("/c/coop/capital/movements"))
    assert "Record the correction of no. 1" in page and 'for="reference-1"' in page
    url = "/c/coop/capital/movements/1/correct"
    assert client.post(url, data={"on": "2024-02-01", "reference": "typo"}).status_code == 302
    assert held(c.emp) == Balance() and count() == 2
    page = text(client.get("/c/coop/capital/movements"))
    assert "corrected by no. 2" in page and 'href="#mv-1"' in page
    assert "Record the correction of no. 2" not in page  # a correction is not corrected
    response = client.post(url, data={"on": "2024-02-01"}, follow_redirects=True)
    assert "has already been corrected" in text(response) and count() == 2
    bad = client.post(url, data={"on": "not a date"}, follow_redirects=True)
    assert "Give a valid date." in text(bad) and count() == 2
    assert client.post("/c/coop/capital/movements/99/correct",
                       data={"on": "2024-02-01"}).status_code == 404


def test_movements_register_is_paginated(coop, client, login, app):
    c = coop()
    for _ in range(3):
        cap.record_subscription(c.admin, c.user, 1, on=DAY)
    app.config["REGISTER_PAGE_SIZE"] = 2
    try:
        login(c.board)
        first = text(client.get("/c/coop/capital/movements"))
        assert "3 movements" in first and 'id="mv-3"' in first and 'id="mv-1"' not in first
        assert "Record the correction" not in first  # the board reads, the secretariat writes
        second = text(client.get("/c/coop/capital/movements?page=2"))
        assert 'id="mv-1"' in second
        assert client.get("/c/coop/capital/movements?page=abc").status_code == 200
    finally:
        app.config["REGISTER_PAGE_SIZE"] = 50


def test_csv_export_columns_bom_and_formula_guard(coop, client, login):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 10, on=DAY, reference="=HYPERLINK(\"x\")")
    cap.record_transfer(c.admin, c.emp, c.fond, 2, on=date(2024, 2, 1), reference="@CA;2")
    login(c.board)
    response = client.get("/c/coop/capital/movements.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffnumber;date;kind;from;from_name;to;to_name;shares;")
    lines = body[1:].split("\r\n")
    assert lines[1] == ("1;2024-01-01;subscription;;;1;Eve Employee;10;250.00;250.00;"
                        "\"'=HYPERLINK(\"\"x\"\")\";")
    assert lines[2] == ("2;2024-02-01;transfer;1;Eve Employee;2;Fanny Fondation;2;50.00;50.00;"
                        "\"'@CA;2\";")
    exported = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "share.export")).one()
    assert exported.actor_id == c.board.id and json.loads(exported.summary)["after"]["count"] == 2


def test_statement_permissions_and_content(coop, client, login, make_person, make_coop,
                                           make_member):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 10, on=DAY, reference="BS-1")
    cap.record_subscription(c.admin, c.fond, 30, on=DAY)
    url = f"/c/coop/members/{c.emp.number}/statement"
    login(c.emp.person)
    page = text(client.get(url))
    assert "Statement of shares" in page and "Eve Employee" in page
    assert "€250" in page and "BS-1" in page
    assert "25.00%" in page  # capital share: 250 of 1000
    assert "50.00%" in page  # voting share: the only admitted employee, college weight 1/2
    assert 'class="print-link" hidden' in page and "js/print.js" in page
    assert client.get(f"/c/coop/members/{c.fond.number}/statement").status_code == 403
    member_page = text(client.get(f"/c/coop/members/{c.emp.number}"))
    assert url in member_page and "10 (€250)" in member_page
    assert url not in text(client.get(f"/c/coop/members/{c.fond.number}"))
    client.post("/logout")
    login(c.board)
    assert client.get(url).status_code == 200
    client.post("/logout")
    outsider = make_person("out@example.org")
    make_member(make_coop("other"), person=outsider)
    login(outsider)
    assert client.get(url).status_code == 403
    assert client.get("/c/coop/members/999/statement").status_code == 403


def test_french_pages_show_money_the_french_way(make_coop, make_person, make_member, client,
                                                login):
    c = make_coop("coop", nominal_share_value=D("1234.50"))
    admin = make_person("admin@example.org", roles={c: "admin"}, locale="fr")
    m = make_member(c)
    cap.record_subscription(admin, m, 1, on=DAY)
    login(admin)
    money = "1\u202f234,50\u00a0€"
    assert money in text(client.get("/c/coop/capital"))
    assert money in text(client.get("/c/coop/capital/movements"))
    assert money in text(client.get(f"/c/coop/members/{m.number}/statement"))


def test_statutes_form_sets_partial_payment(coop, client, login):
    c = coop()
    login(c.admin)
    page = text(client.get("/c/coop/statutes"))
    assert 'name="partial_payment"' in page
    data = {"name": "Coop", "legal_form": "scic_sa", "nominal_share_value": "25",
            "default_locale": "fr", "weighting": "colleges", "ordinary_counting": "votes_cast",
            "ordinary_quorum_first": "1/5", "ordinary_majority": "1/2",
            "extraordinary_counting": "votes_cast", "extraordinary_quorum_first": "1/4",
            "extraordinary_quorum_second": "1/5", "extraordinary_majority": "2/3",
            "notice_days_first": "15", "notice_days_second": "10", "proxy_rule": "fixed",
            "max_proxies": "5", "register_visibility": "names", "partial_payment": "y"}
    assert client.post("/c/coop/statutes", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cooperative, c.id).partial_payment is True
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "cooperative.update")).one()
    assert '"partial_payment":true' in entry.summary


@pytest.mark.parametrize("who", ["board", "member"])
def test_only_the_secretariat_writes_to_the_ledger(coop, client, login, who):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 10, on=DAY)
    login(c.board if who == "board" else c.emp.person)
    before, journal = count(), count(AuditEntry)
    assert post_movement(client, member=c.emp.number, shares=1).status_code == 403
    assert client.post("/c/coop/capital/movements/1/correct",
                       data={"on": "2024-02-01"}).status_code == 403
    assert client.get("/c/coop/capital/queue").status_code == 403
    assert (count(), count(AuditEntry)) == (before, journal)


def test_scop_warning_on_a_correction_asks_for_confirmation(coop, client, login):
    c = coop(legal_form="cae")
    cap.record_subscription(c.admin, c.emp, 100, on=DAY)
    cap.record_subscription(c.admin, c.fond, 10, on=DAY, acknowledge_warning=True)
    login(c.admin)
    url = "/c/coop/capital/movements/1/correct"  # the employee's shares: capital ratio to 0
    response = client.post(url, data={"on": "2024-02-01", "reference": "error"})
    assert response.status_code == 400 and "Record anyway" in text(response)
    assert count() == 2
    response = client.post(url, data={"on": "2024-02-01", "reference": "error",
                                      "acknowledge": "y"})
    assert response.status_code == 302 and count() == 3


def test_capital_chart_is_a_step_line_with_the_floor(coop, client, login):
    c = coop()
    cap.record_subscription(c.admin, c.emp, 4, on=DAY)
    cap.record_subscription(c.admin, c.user, 4, on=date(2024, 6, 1))
    login(c.admin)
    page = text(client.get("/c/coop/capital"))
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<polyline" in svg and 'stroke-dasharray="5 3"' in svg  # the floor
    assert "Jan 1, 2024: €100; Jun 1, 2024: €200" in svg  # the description says the figures
    assert "floor €50" in svg


def test_a_legal_persons_representative_sees_its_statement(coop, client, login, make_person):
    from governance.models import PersonKind
    c = coop()
    rep = make_person("rep@example.org", "Rita", "Representative", locale="en")
    c.fond.person.kind, c.fond.person.legal_name = PersonKind.LEGAL, "Fondation"
    c.fond.person.representative = rep
    db.session.commit()
    login(rep)
    assert client.get(f"/c/coop/members/{c.fond.number}/statement").status_code == 200
    assert client.get(f"/c/coop/members/{c.emp.number}/statement").status_code == 403
    assert client.get("/c/coop/members/999/statement").status_code == 403
