"""Budget, envelope and payment pages: who may see and do what, bad input, htmx rows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from circles.models import Circle
from contributions.models import Budget, Envelope, PaymentBatch
from contributions.services.batches import close_month
from contributions.services.review import approve
from governance.platform.extensions import db

from .conftest import TODAY

HTMX = {"HX-Request": "true"}


@pytest.fixture
def other(make_coop):
    """Another cooperative's budget, circle and batch: never reachable through "ge"'s URLs."""
    coop = make_coop("other")
    budget = Budget(cooperative_id=coop.id, name="Autre", starts_on=date(2022, 1, 1),
                    ends_on=date(2022, 12, 31), amount=Decimal(100), hourly_rate=Decimal(10))
    circle = Circle(cooperative_id=coop.id, name="Ailleurs")
    batch = PaymentBatch(cooperative_id=coop.id, month=date(2022, 1, 1))
    db.session.add_all([budget, circle, batch])
    db.session.commit()
    return {"budget": budget.id, "circle": circle.id, "batch": batch.id}


@pytest.fixture
def people(world, make_person, make_coop):
    board = make_person("board@ge.coop", "Bea", "Board", roles={world.coop: "board"})
    outsider = make_person("out@ge.coop", "Otto", "Outsider")
    return {"admin": world.admin, "board": board, "member": world.alice, "outsider": outsider}


@pytest.fixture
def batch(world, log):
    approve(world.lead, log(world.alice, "2"), today=TODAY)
    return close_month(world.admin, world.coop, date(2022, 3, 1), today=TODAY)


def budgets_count():
    return db.session.scalar(sa.select(sa.func.count(Budget.id)))


def envelope_amount(world):
    return db.session.scalar(sa.select(Envelope.amount).where(Envelope.id == world.envelope.id))


def routes(world, batch):
    b, c = world.budget.id, world.circle.id
    base = "/c/ge/contributions"
    return {
        "budgets": ("get", f"{base}/budgets"),
        "budget_new": ("post", f"{base}/budgets"),
        "budget": ("get", f"{base}/budgets/{b}"),
        "envelope": ("post", f"{base}/budgets/{b}/envelopes/{c}"),
        "csv_circle": ("get", f"{base}/budgets/{b}/report.csv?by=circle"),
        "csv_month": ("get", f"{base}/budgets/{b}/report.csv?by=month"),
        "csv_member": ("get", f"{base}/budgets/{b}/report.csv?by=member"),
        "payments": ("get", f"{base}/payments"),
        "close": ("post", f"{base}/payments"),
        "batch": ("get", f"{base}/payments/{batch.id}"),
        "batch_csv": ("get", f"{base}/payments/{batch.id}.csv"),
    }


# Who gets what: 200 (or 302/400 for a POST with no data), else 403.
ALLOWED = {
    "admin": set("budgets budget_new budget envelope csv_circle csv_month csv_member payments "
                 "close batch batch_csv".split()),
    "board": set("budgets budget csv_circle csv_month csv_member".split()),
    "member": set("budgets budget csv_circle csv_month".split()),
    "outsider": set(),
}


def test_anonymous_is_sent_to_log_in(world, batch, client):
    for name, (method, url) in routes(world, batch).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert "/login" in response.headers["Location"], name


@pytest.mark.parametrize("who", list(ALLOWED))
def test_permissions_per_route(world, batch, people, client, login, who):
    login(people[who])
    for name, (method, url) in routes(world, batch).items():
        status = getattr(client, method)(url).status_code
        if name in ALLOWED[who]:
            assert status in (200, 302, 400), (name, status)
        else:
            assert status == 403, (name, status)
    assert budgets_count() == 1  # the empty POSTs recorded nothing


def test_unknown_ids_and_other_cooperatives_ids_are_404(world, batch, other, client, login):
    login(world.admin)
    base = "/c/ge/contributions"
    b, c = world.budget.id, world.circle.id
    for method, url in [
        ("get", f"{base}/budgets/{other['budget']}"), ("get", f"{base}/budgets/999999"),
        ("get", f"{base}/budgets/{other['budget']}/report.csv?by=circle"),
        ("get", f"{base}/budgets/999999/report.csv?by=month"),
        ("get", f"{base}/budgets/{b}/report.csv?by=x"),
        ("post", f"{base}/budgets/{other['budget']}/envelopes/{c}"),
        ("post", f"{base}/budgets/{b}/envelopes/{other['circle']}"),
        ("post", f"{base}/budgets/{b}/envelopes/999999"),
        ("get", f"{base}/payments/{other['batch']}"), ("get", f"{base}/payments/999999"),
        ("get", f"{base}/payments/{other['batch']}.csv"), ("get", f"{base}/payments/999999.csv"),
        ("get", f"{base}/budgets/99999999999999999999"),
        ("get", f"{base}/payments/99999999999999999999.csv"),
        ("post", f"{base}/budgets/{b}/envelopes/99999999999999999999"),
        ("get", "/c/nope/contributions/budgets"), ("get", "/c/nope/contributions/payments"),
    ]:
        assert getattr(client, method)(url, data={"amount": "10"}).status_code == 404, url
    assert envelope_amount(world) == Decimal(1000)


def test_pages_of_the_member_report_never_fail(world, people, client, login):
    login(people["board"])
    url = f"/c/ge/contributions/budgets/{world.budget.id}"
    for page in ("abc", "-3", "0", "2", "99999999999999999999"):
        assert client.get(f"{url}?page={page}").status_code == 200, page


def test_member_report_only_for_secretariat_and_board(world, people, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/c/ge/contributions/budgets/{world.budget.id}"
    login(people["member"])
    page = client.get(url).get_data(as_text=True)
    assert "Envelopes, hours and amounts per circle" in page
    assert "Hours and amounts per member" not in page
    assert "New budget" not in page and "envelope-amount-" not in page
    login(people["board"])
    assert "Hours and amounts per member" in client.get(url).get_data(as_text=True)


def test_secretariat_records_a_budget_with_role_rates(world, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    response = client.post("/c/ge/contributions/budgets", data={
        "name": "Budget 2023", "starts_on": "2023-01-01", "ends_on": "2023-12-31",
        "amount": "12 000,50", "hourly_rate": "21,5", "rate_lead_link": "30",
        "decision": "AGO 2023", "decision_url": "https://example.org/pv"})
    assert response.status_code == 302
    budget = db.session.scalar(sa.select(Budget).where(Budget.name == "Budget 2023"))
    assert (budget.amount, budget.hourly_rate, budget.decision_url) == (
        Decimal("12000.50"), Decimal("21.50"), "https://example.org/pv")
    assert {r.role_kind.value: r.rate for r in budget.rates} == {"lead_link": Decimal(30)}
    assert response.headers["Location"].endswith(f"/budgets/{budget.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Budget recorded." in page and 'href="https://example.org/pv"' in page


GOOD = {"name": "Budget 2023", "starts_on": "2023-01-01", "ends_on": "2023-12-31",
        "amount": "1000", "hourly_rate": "20"}


@pytest.mark.parametrize("change, text", [
    ({"amount": "12,34,5"}, "“12,34,5” is not an amount in euros and cents."),
    ({"amount": "1.234"}, "“1.234” is not an amount in euros and cents."),
    ({"amount": ""}, "Give an amount."),
    ({"amount": "99999999999999"}, "is too large."),
    ({"amount": "1e400"}, "“1e400” is not an amount in euros and cents."),
    ({"hourly_rate": "1_000"}, "“1_000” is not an amount in euros and cents."),
    ({"hourly_rate": "1000000"}, "is too large."),
    ({"hourly_rate": "NaN"}, "“NaN” is not an amount in euros and cents."),
    ({"rate_secretary": "abc"}, "“abc” is not an amount in euros and cents."),
    ({"starts_on": "2023-02-30"}, "Give a valid date."),
    ({"decision_url": "javascript:alert(1)"}, "Give a web address starting with https://"),
    ({"name": " "}, "Give the budget a name."),
    ({"amount": "0"}, "The budget&#39;s amount must be more than zero."),
    ({"ends_on": "2022-12-31"}, "before it starts on"),
    ({"starts_on": "2022-06-01"}, "Another budget already covers"),
])
def test_bad_budget_input_gets_a_message_and_saves_nothing(world, client, login, change, text):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    response = client.post("/c/ge/contributions/budgets", data=GOOD | change)
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    assert budgets_count() == 1


def test_envelope_row_with_htmx(world, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    url = f"/c/ge/contributions/budgets/{world.budget.id}/envelopes/{world.circle.id}"
    response = client.post(url, data={"amount": "1 500,50"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith(f'<tr id="envelope-{world.circle.id}"')
    assert "€1,500.50" in body and "<html" not in body
    assert envelope_amount(world) == Decimal("1500.50")


def test_envelope_refused_in_the_row_and_nothing_changes(world, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    url = f"/c/ge/contributions/budgets/{world.budget.id}/envelopes/{world.circle.id}"
    body = client.post(url, data={"amount": "10 001"}, headers=HTMX).get_data(as_text=True)
    assert "Envelopes cannot add up to more than the budget" in body
    assert 'value="10 001"' in body and 'aria-invalid="true"' in body
    body = client.post(url, data={"amount": "beaucoup"}, headers=HTMX).get_data(as_text=True)
    assert "“beaucoup” is not an amount in euros and cents." in body
    assert envelope_amount(world) == Decimal(1000)


def test_envelope_without_javascript_redirects_with_a_message(world, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    new = Circle(cooperative_id=world.coop.id, name="Nouveau")
    db.session.add(new)
    db.session.commit()
    url = f"/c/ge/contributions/budgets/{world.budget.id}/envelopes/{new.id}"
    response = client.post(url, data={"amount": "9500"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Envelopes cannot add up to more than the budget" in page
    response = client.post(url, data={"amount": "250"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Envelope of Nouveau set." in page
    assert db.session.scalar(sa.select(Envelope.amount).where(
        Envelope.circle_id == new.id)) == Decimal(250)


def test_dissolved_circles_get_no_new_envelope(world, client, login):
    login(world.admin)
    gone = Circle(cooperative_id=world.coop.id, name="Ancien", dissolved_on=date(2021, 1, 1))
    db.session.add(gone)
    db.session.commit()
    page = client.get(f"/c/ge/contributions/budgets/{world.budget.id}").get_data(
        as_text=True)
    assert "Ancien" not in page and f"envelope-amount-{world.circle.id}" in page
    url = f"/c/ge/contributions/budgets/{world.budget.id}/envelopes/{gone.id}"
    assert client.post(url, data={"amount": "10"}).status_code == 404


def test_close_a_month_from_the_payments_page(world, log, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    approve(world.lead, log(world.alice, "2"), today=TODAY)
    login(world.admin)
    response = client.post("/c/ge/contributions/payments", data={"month": "2022-03"})
    assert response.status_code == 302
    batch = db.session.scalar(sa.select(PaymentBatch))
    assert (batch.month, batch.amount) == (date(2022, 3, 1), Decimal(40))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "March 2022 closed: the payment batch is ready." in page


@pytest.mark.parametrize("month, text", [
    ("2099-01", "Choose a month that is over and not yet closed."),
    ("mars", "Choose a month that is over and not yet closed."),
    ("", "Choose a month."),
    ("2022-02", "No approved entry is waiting to be paid up to the end of that month."),
])
def test_bad_month_gets_a_message_and_closes_nothing(world, log, client, login, month, text):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    approve(world.lead, log(world.alice, "2"), today=TODAY)
    login(world.admin)
    response = client.post("/c/ge/contributions/payments", data={"month": month})
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PaymentBatch.id))) == 0


def test_forms_need_the_csrf_token(world, app, client, login, monkeypatch):
    login(world.admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/c/ge/contributions/budgets/{world.budget.id}/envelopes/{world.circle.id}"
    client.post(url, data={"amount": "10"}, headers=HTMX)
    assert client.post("/c/ge/contributions/budgets", data=GOOD).status_code == 400
    assert client.post("/c/ge/contributions/payments",
                       data={"month": "2022-03"}).status_code == 400
    assert envelope_amount(world) == Decimal(1000) and budgets_count() == 1
