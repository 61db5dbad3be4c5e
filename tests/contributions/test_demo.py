"""`flask demo` gives GrandsEnsemble a 2022 contributive budget with entries reviewed, paid
batches and a correction, and a budget for this year with time waiting for review."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from contributions.models import Budget, Contribution, EnvelopeMonth, PaymentBatch
from governance.demo import PASSWORD
from governance.models import Person
from governance.platform.extensions import db


def test_demo_budgets(runner, client, login):
    assert runner.invoke(args=["demo"]).exit_code == 0
    budgets = {b.name: b for b in db.session.scalars(sa.select(Budget))}
    assert {"Budget contributif 2022", f"Budget contributif {date.today().year}"} <= set(budgets)
    past = set(db.session.scalars(sa.select(Contribution.status).where(
        Contribution.worked_on < date(2023, 1, 1))))
    assert past == {"approved", "rejected", "paid"}  # 2022 is all reviewed
    assert "submitted" in set(db.session.scalars(sa.select(Contribution.status)))
    assert [b.month.month for b in db.session.scalars(
        sa.select(PaymentBatch).order_by(PaymentBatch.month))] == [7, 8, 9]
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(
        Contribution.corrects_id.is_not(None), Contribution.hours < 0)) == 1
    # the tallies the services kept agree with the entries
    for status in ("approved", "paid", "submitted", "rejected"):
        raw = db.session.scalar(sa.select(sa.func.sum(Contribution.amount)).where(
            Contribution.status == status))
        tally = db.session.scalar(sa.select(sa.func.sum(EnvelopeMonth.amount)).where(
            EnvelopeMonth.status == status))
        assert raw == tally
    member = db.session.scalar(sa.select(Person).where(Person.email == "member@example.coop"))
    login(member, PASSWORD)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "Owed to you" in client.get("/c/grandsensemble/contributions/").get_data(as_text=True)
    queue = client.get("/c/grandsensemble/contributions/review")
    assert queue.status_code == 200 and b"Approve" in queue.data
