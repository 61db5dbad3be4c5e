"""The share ledger through its services: movements, refusals, corrections, queue, SCOP, reads."""
import json
from datetime import date
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
import sqlalchemy as sa

from governance.capital import queries as cq
from governance.capital.rules import Balance
from governance.capital.services import ledger as cap
from governance.models import AuditEntry, Membership, Person, ReimbursementRequest, ShareMovement
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from governance.services.register import change_status
from tests.conftest import is_postgres

DAY = date(2024, 1, 1)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def journal(prefix="share."):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                              .order_by(AuditEntry.id)).all()


def held(m):
    return cq.member_balances([m.id]).get(m.id, Balance())


@pytest.fixture
def setup(make_coop, make_person, make_member):
    """A cooperative (25 € shares), its secretariat and three members."""
    def make(**statutes):
        coop = make_coop("coop", **statutes)
        admin = make_person("admin@example.org", roles={coop: "admin"})
        return coop, admin, *(make_member(coop) for _ in range(3))
    return make


def test_subscriptions_are_numbered_balanced_and_journaled(setup):
    coop, admin, a, b, _ = setup()
    first = cap.record_subscription(admin, a, 10, on=DAY, reference="BS-1")
    second = cap.record_subscription(admin, b, 4, on=DAY)
    assert (first.number, second.number) == (1, 2)
    assert held(a) == Balance(10, D(250), D(250))
    assert cq.capital_and_peak(coop) == (D(350), D(350))
    entry = journal()[0]
    assert (entry.action, entry.actor_id, entry.cooperative_id) == (
        "share.subscription", admin.id, coop.id)
    summary = json.loads(entry.summary)["after"]
    assert summary | {"on": None} == {
        "number": 1, "kind": "subscription", "on": None, "from": None, "to": a.number,
        "shares": 10, "subscribed": "250.00", "paid": "250.00", "reference": "BS-1",
        "corrects": None}


def test_a_refused_movement_changes_nothing(setup):
    coop, admin, a, b, _ = setup()
    cap.record_subscription(admin, a, 4, on=DAY)
    before = (count(ShareMovement), count(AuditEntry))
    with pytest.raises(DomainError, match="shares_not_held") as err:
        cap.record_transfer(admin, a, b, 5, on=DAY, reference="CA 2024-01")
    assert err.value.params["member"] == a.person.display_name
    with pytest.raises(DomainError, match="shares_not_held"):
        cap.request_reimbursement(admin, a, 5, on=DAY)
    with pytest.raises(DomainError, match="paid_over_subscribed"):
        cap.record_release(admin, a, "0.01", on=DAY)
    with pytest.raises(DomainError, match="partial_payment_not_allowed"):
        cap.record_subscription(admin, b, 4, on=DAY, paid="25")
    with pytest.raises(DomainError, match="date_required"):
        cap.record_subscription(admin, b, 4, on=None)
    assert (count(ShareMovement), count(AuditEntry)) == before
    assert count(ReimbursementRequest) == 0 and held(a).shares == 4


def test_only_the_secretariat_records_movements(setup, make_person):
    coop, admin, a, b, _ = setup()
    board = make_person("board@example.org", roles={coop: "board"})
    with pytest.raises(Forbidden):
        cap.record_subscription(board, a, 1, on=DAY)
    with pytest.raises(Forbidden):
        cap.record_subscription(a.person, a, 1, on=DAY)
    assert count(ShareMovement) == 0


def test_transfer_needs_the_board_approval_and_moves_both_sides(setup):
    coop, admin, a, b, _ = setup()
    cap.record_subscription(admin, a, 4, on=DAY)
    with pytest.raises(DomainError, match="board_approval_required"):
        cap.record_transfer(admin, a, b, 4, on=DAY, reference=" ")
    with pytest.raises(DomainError, match="transfer_to_self"):
        cap.record_transfer(admin, a, a, 1, on=DAY, reference="CA 2024-02")
    mv = cap.record_transfer(admin, a, b, 4, on=DAY, reference="CA 2024-02")
    assert (mv.from_membership_id, mv.to_membership_id, mv.shares) == (a.id, b.id, 4)
    assert (held(a), held(b)) == (Balance(), Balance(4, D(100), D(100)))
    assert cq.capital_and_peak(coop)[0] == D(100)


def test_partial_payment_then_release(setup):
    coop, admin, a, b, _ = setup(partial_payment=True)
    cap.record_subscription(admin, a, 4, on=DAY, paid="25")
    with pytest.raises(DomainError, match="transfer_unpaid"):
        cap.record_transfer(admin, a, b, 4, on=DAY, reference="CA")
    cap.record_release(admin, a, "75", on=DAY, reference="virement")
    assert held(a) == Balance(4, D(100), D(100))


def test_a_member_who_left_receives_no_shares(setup):
    coop, admin, a, b, _ = setup()
    change_status(admin, b, "resigned", on=DAY)
    with pytest.raises(DomainError, match="member_has_left"):
        cap.record_subscription(admin, b, 1, on=DAY)


def test_correction_is_a_counter_movement_and_the_original_stays(setup):
    coop, admin, a, b, _ = setup()
    wrong = cap.record_subscription(admin, a, 100, on=DAY, reference="BS-1")
    counter = cap.record_correction(admin, wrong, on=date(2024, 1, 2), reference="typo")
    assert (counter.number, counter.kind, counter.corrects_id) == (2, "correction", wrong.id)
    assert (counter.from_membership_id, counter.to_membership_id) == (a.id, None)
    db.session.expire_all()
    assert (wrong.shares, wrong.amount_subscribed) == (100, D(2500))  # untouched
    assert held(a) == Balance() and cq.capital_and_peak(coop) == (0, 0)  # the typo is no peak
    with pytest.raises(DomainError, match="already_corrected"):
        cap.record_correction(admin, wrong, on=DAY)
    with pytest.raises(DomainError, match="cannot_correct_correction"):
        cap.record_correction(admin, counter, on=DAY)
    assert [e.action for e in journal()] == ["share.subscription", "share.correction"]


def test_a_correction_that_would_break_a_balance_is_refused(setup):
    coop, admin, a, b, _ = setup()
    sub = cap.record_subscription(admin, a, 4, on=DAY)
    cap.record_transfer(admin, a, b, 4, on=DAY, reference="CA")
    with pytest.raises(DomainError, match="shares_not_held"):
        cap.record_correction(admin, sub, on=DAY)


def test_the_ledger_is_append_only(setup):
    coop, admin, a, *_ = setup()
    mv = cap.record_subscription(admin, a, 4, on=DAY)
    mv.shares = 40
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_reimbursements_wait_below_the_floor_and_are_paid_in_order(setup, make_member):
    coop, admin, a, b, c = setup()
    cap.record_subscription(admin, a, 100, on=date(2024, 1, 1))
    cap.record_subscription(admin, b, 20, on=date(2024, 1, 2))
    cap.record_subscription(admin, c, 20, on=date(2024, 1, 3))  # peak 3500, floor 875
    paid = cap.request_reimbursement(admin, a, 100, on=date(2024, 2, 1), reference="exit")
    assert paid.status == "paid" and cq.capital_and_peak(coop) == (D(1000), D(3500))
    late = cap.request_reimbursement(admin, b, 20, on=date(2024, 2, 2))  # 500 > room 125
    small = cap.request_reimbursement(admin, c, 4, on=date(2024, 2, 3))  # fits, but waits
    assert (late.status, small.status) == ("queued", "queued")
    assert [(line.place, line.request.id) for line in cq.reimbursement_queue(coop)] == [
        (1, late.id), (2, small.id)]
    with pytest.raises(DomainError, match="shares_not_held"):  # queued shares are reserved
        cap.record_transfer(admin, b, c, 1, on=date(2024, 2, 4), reference="CA")
    d = make_member(coop)
    cap.record_subscription(admin, d, 16, on=date(2024, 3, 1))  # room 525: b only
    assert (late.status, small.status) == ("paid", "queued")
    assert held(b) == Balance() and cq.capital_and_peak(coop)[0] == D(900)
    assert cq.member_statement(c).requests[0].place == 1
    cap.record_subscription(admin, d, 4, on=date(2024, 3, 2))  # room 125: c now
    assert small.status == "paid" and held(c).shares == 16
    payment = db.session.get(ShareMovement, small.paid_movement_id)
    assert (payment.kind, payment.on, payment.number) == ("reimbursement", date(2024, 3, 2), 8)
    assert cq.reimbursement_queue(coop) == []
    assert [e.action for e in journal()][-2:] == ["share.subscription", "share.reimbursement"]


def test_capital_exactly_at_the_floor_is_paid(setup):
    coop, admin, a, b, _ = setup()
    cap.record_subscription(admin, a, 3, on=DAY)
    cap.record_subscription(admin, b, 1, on=DAY)  # peak 100, floor 25
    assert cap.request_reimbursement(admin, a, 3, on=date(2024, 2, 1)).status == "paid"
    assert cq.capital_and_peak(coop) == (D(25), D(100))
    assert cap.request_reimbursement(admin, b, 1, on=date(2024, 2, 1)).status == "queued"


@pytest.fixture
def scop(make_coop, make_person, make_member):
    coop = make_coop("scop", legal_form="scop_sa")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    e1, e2 = (make_member(coop, category="permanent_employee") for _ in range(2))
    partner = make_member(coop, category="partner")
    cap.record_subscription(admin, e1, 30, on=DAY)
    cap.record_subscription(admin, e2, 30, on=DAY)
    cap.record_subscription(admin, partner, 40, on=DAY)  # capital 60 %, votes 2/3
    return coop, admin, e1, e2, partner


def test_a_movement_breaking_the_scop_ratios_needs_acknowledgement(scop):
    coop, admin, e1, e2, partner = scop
    assert cq.capital_summary(coop).scop.broken() == set()
    before = count(ShareMovement)
    with pytest.raises(DomainError, match="scop_ratio_warning") as err:
        cap.record_subscription(admin, partner, 30, on=DAY)
    assert err.value.params == {"capital": F(6, 13), "votes": F(2, 3)}
    assert count(ShareMovement) == before
    cap.record_subscription(admin, partner, 30, on=DAY, acknowledge_warning=True)
    warning = json.loads(journal()[-1].summary)["after"]["scop_warning"]
    assert warning == {"broken": ["capital"], "capital": "6/13", "votes": "2/3"}
    cap.record_subscription(admin, e1, 1, on=DAY)  # improving needs no acknowledgement


def test_scop_votes_ratio_when_an_employee_leaves_with_all_shares(scop):
    coop, admin, e1, e2, partner = scop
    with pytest.raises(DomainError, match="scop_ratio_warning") as err:
        cap.request_reimbursement(admin, e2, 30, on=date(2024, 2, 1))
    assert err.value.params["votes"] == F(1, 2)
    assert count(ReimbursementRequest) == 0


def test_statement_summary_and_history(make_coop, make_person, make_member):
    coop = make_coop("smart", colleges=[("partenaires", "P", "1/10"), ("autres", "A", "9/10")])
    admin = make_person("admin@example.org", roles={coop: "admin"})
    foundation = make_member(coop, college="partenaires", category="partner")
    members = [make_member(coop, college="autres") for _ in range(3)]
    cap.record_subscription(admin, foundation, 1000, on=date(2021, 1, 1))
    for m in members:
        cap.record_subscription(admin, m, 10, on=date(2021, 6, 1))
    cap.request_reimbursement(admin, members[0], 4, on=date(2022, 1, 1))
    summary = cq.capital_summary(coop)
    assert (summary.capital, summary.peak, summary.floor) == (D(25650), D(25750), D("6437.50"))
    assert summary.room == D(25650) - D("6437.50") and summary.scop is None
    shares = {c.college.code: (c.capital_share, c.vote_share) for c in summary.colleges}
    assert shares == {"partenaires": (F(25000, 25650), F(1, 10)),
                      "autres": (F(650, 25650), F(9, 10))}
    assert cq.capital_history(coop) == [(date(2021, 1, 1), D(25000)),
                                        (date(2021, 6, 1), D(25750)),
                                        (date(2022, 1, 1), D(25650))]
    statement = cq.member_statement(members[0])
    assert [m.kind for m in statement.movements] == ["subscription", "reimbursement"]
    assert statement.balance == Balance(6, D(150), D(150))
    assert statement.requests[0].request.status == "paid"


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_transfers_of_the_same_shares_leave_one(setup, crowd):
    coop, admin, seller, *buyers = setup()
    cap.record_subscription(admin, seller, 10, on=DAY)
    ids = admin.id, seller.id, [b.id for b in buyers]

    def attempt(i):
        actor, frm = db.session.get(Person, ids[0]), db.session.get(Membership, ids[1])
        to = db.session.get(Membership, ids[2][i % 2])
        return lambda: cap.record_transfer(actor, frm, to, 10, on=DAY,
                                           reference=f"CA {i}") and "moved"

    outcomes = crowd(10, attempt)
    assert sorted(outcomes) == ["moved"] + ["shares_not_held"] * 9
    db.session.expire_all()
    balances = cq.member_balances([ids[1], *ids[2]])
    assert balances[ids[1]].shares == 0
    assert sorted(balances.get(i, Balance()).shares for i in ids[2]) == [0, 10]
    assert sorted(db.session.scalars(sa.select(ShareMovement.number))) == [1, 2]
