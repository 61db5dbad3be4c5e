"""The budget's reports and payment batches: figures after logging, review and closing, read
from the tallies only; the CSV exports exactly."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from circles.models import CircleRole, RoleAssignment, RoleKind
from contributions import queries as q
from contributions.services.batches import close_month
from contributions.services.review import approve
from governance.models import AuditEntry, Membership
from governance.platform.extensions import db

from .conftest import TODAY

D = Decimal


@pytest.fixture
def spent(world, log):
    """March: Alice 2.5 h and 1 h as facilitator (25 €/h), Bob 3 h, approved and closed into a
    batch; April: Alice 1 h approved, Bob 2 h waiting for review."""
    role = db.session.scalar(sa.select(CircleRole).where(CircleRole.kind == RoleKind.FACILITATOR))
    db.session.add(RoleAssignment(role_id=role.id, person_id=world.alice.id,
                                  starts_on=date(2022, 1, 1)))
    db.session.commit()
    for entry in (log(world.alice, "2.5", date(2022, 3, 1)),
                  log(world.alice, "1", date(2022, 3, 2), role=role),
                  log(world.bob, "3", date(2022, 3, 10)),
                  log(world.alice, "1", date(2022, 4, 5))):
        approve(world.lead, entry, today=TODAY)
    log(world.bob, "2", date(2022, 4, 6))
    batch = close_month(world.admin, world.coop, date(2022, 3, 1), today=TODAY)
    return batch


def number_of(world, person):
    return db.session.scalar(sa.select(Membership.number).where(
        Membership.cooperative_id == world.coop.id, Membership.person_id == person.id))


def test_budget_and_circle_figures(world, spent):
    [line] = q.budget_lines(world.coop.id)
    assert (line.spending.committed, line.spending.left) == (D("155"), D("9845"))
    [circle] = q.circle_lines(world.budget)
    s = circle.spending
    assert (circle.circle_name, s.amount, s.approved, s.paid, s.waiting, s.left) == (
        "Outils", D("1000"), D("20"), D("135"), D("40"), D("845"))
    assert (s.hours, s.hours_waiting, s.share) == (D("7.5"), D("2"), D("0.155"))


def test_month_figures(world, spent):
    march, april = q.month_lines(world.budget)
    assert (march.month, march.spending.paid, march.spending.approved,
            march.spending.hours) == (date(2022, 3, 1), D("135"), D(0), D("6.5"))
    assert (april.month, april.spending.approved, april.spending.waiting,
            april.spending.hours) == (date(2022, 4, 1), D("20"), D("40"), D("1"))


def test_member_figures_largest_first_and_paged(world, spent):
    lines, total = q.member_lines(world.budget)
    assert total == 2
    assert [(m.person_id, m.number, m.hours, m.owed, m.paid) for m in lines] == [
        (world.alice.id, number_of(world, world.alice), D("4.5"), D("20"), D("75")),
        (world.bob.id, number_of(world, world.bob), D("3"), D("0"), D("60"))]
    assert q.member_lines(world.budget, page=2, size=1)[0][0].person_id == world.bob.id
    assert q.member_lines(world.budget, page=3, size=1) == ([], 2)


def test_batch_lines_per_member_circle_and_rate(world, spent):
    assert (spent.entries, spent.hours, spent.amount) == (3, D("6.5"), D("135"))
    lines, total = q.pay_lines(spent)
    assert total == 3
    assert [(p.person_id, p.rate, p.hours, p.amount, p.circle) for p in lines] == [
        (world.alice.id, D("20"), D("2.5"), D("50"), "Outils"),
        (world.alice.id, D("25"), D("1"), D("25"), "Outils"),
        (world.bob.id, D("20"), D("3"), D("60"), "Outils")]


def test_months_to_close_show_what_waits(world, spent):
    months = {w.month: (w.entries, w.amount) for w in q.months_to_close(world.coop.id, TODAY)}
    assert date(2022, 3, 1) not in months  # closed
    assert date(2022, 12, 1) not in months  # not over
    assert months[date(2022, 2, 1)] == (0, D(0))
    assert months[date(2022, 4, 1)] == months[date(2022, 11, 1)] == (1, D("20"))
    assert list(months)[:3] == [date(2022, 1, 1), date(2022, 2, 1), date(2022, 4, 1)]


def test_reports_read_no_entry(world, spent, client, login):
    """The budget page reads the tallies, never the entries (500,000 of them in production)."""
    seen = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement.lower())

    login(world.admin)
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        for url in (f"/c/ge/contributions/budgets/{world.budget.id}",
                    "/c/ge/contributions/budgets"):
            assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert seen and not [s for s in seen if "from contribution" in s or "join contribution" in s]


def test_budget_page_shows_the_figures(world, spent, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    page = client.get(f"/c/ge/contributions/budgets/{world.budget.id}").get_data(as_text=True)
    for text in ("AGO du 30 juin 2022", "€1,000", "€845", "€135", "March 2022", "April 2022",
                 "<svg", "Hours and amounts per member", "€75", "<progress"):
        assert text in page, text
    listing = client.get("/c/ge/contributions/budgets").get_data(as_text=True)
    assert "€9,845" in listing and "Budget contributif 2022" in listing


def test_payments_page_lists_batches_and_months(world, spent, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(world.admin)
    page = client.get("/c/ge/contributions/payments").get_data(as_text=True)
    assert "April 2022: 1 approved entry waiting, €20" in page
    assert 'value="2022-03"' not in page and "March 2022" in page  # closed: listed as a batch
    assert '<option selected value="2022-04">' in page  # the oldest month with entries
    batch = client.get(f"/c/ge/contributions/payments/{spent.id}").get_data(as_text=True)
    assert "€135" in batch and "€25" in batch and "Outils" in batch


def test_batch_csv_exact_and_journaled(world, spent, client, login):
    login(world.admin)
    response = client.get(f"/c/ge/contributions/payments/{spent.id}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="ge-payments-2022-03.csv"' in response.headers["Content-Disposition"]
    alice, bob = number_of(world, world.alice), number_of(world, world.bob)
    assert response.get_data().decode("utf-8") == (
        "member,membership_number,hours,rate,gross_amount,circle,period\r\n"
        f"{world.alice.display_name},{alice},2.50,20.00,50.00,Outils,2022-03\r\n"
        f"{world.alice.display_name},{alice},1.00,25.00,25.00,Outils,2022-03\r\n"
        f"{world.bob.display_name},{bob},3.00,20.00,60.00,Outils,2022-03\r\n")
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "contributions.export_batch", str(spent.id), world.admin.id)


def test_report_csvs_exact(world, spent, client, login):
    login(world.admin)
    url = f"/c/ge/contributions/budgets/{world.budget.id}/report.csv"
    assert client.get(url + "?by=circle").get_data(as_text=True) == (
        "circle,envelope,hours,approved,paid,waiting_for_review,remaining\r\n"
        "Outils,1000.00,7.50,20.00,135.00,40.00,845.00\r\n")
    assert client.get(url + "?by=month").get_data(as_text=True) == (
        "month,hours,approved,paid,waiting_for_review\r\n"
        "2022-03,6.50,0.00,135.00,0.00\r\n"
        "2022-04,1.00,20.00,0.00,40.00\r\n")
    alice, bob = number_of(world, world.alice), number_of(world, world.bob)
    assert client.get(url + "?by=member").get_data(as_text=True) == (
        "member,membership_number,hours,owed,paid\r\n"
        f"{world.alice.display_name},{alice},4.50,20.00,75.00\r\n"
        f"{world.bob.display_name},{bob},3.00,0.00,60.00\r\n")
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.like("contributions.export_%")).order_by(AuditEntry.id)).all()
    assert actions == ["contributions.export_circle", "contributions.export_month",
                       "contributions.export_member"]


def test_names_never_start_a_formula_in_csv(world, log, client, login):
    world.alice.first_name, world.alice.last_name = "=HYPERLINK(1)", "x"
    db.session.commit()
    approve(world.lead, log(world.alice, "1"), today=TODAY)
    batch = close_month(world.admin, world.coop, date(2022, 3, 1), today=TODAY)
    login(world.admin)
    body = client.get(f"/c/ge/contributions/payments/{batch.id}.csv").get_data(as_text=True)
    assert "\r\n'=HYPERLINK(1) x," in body
