"""The contributive budget's services: log, review, correct, pay; tallies and journal."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contributions.models import Contribution, EnvelopeMember, EnvelopeMonth, PaymentBatch
from contributions.services import DomainError, Forbidden
from contributions.services.batches import close_month
from contributions.services.budgets import set_envelope
from contributions.services.entries import EntryDraft, correct_contribution, edit_contribution
from contributions.services.review import approve, reject
from governance.models import AuditEntry
from governance.platform.extensions import db

from .conftest import TODAY


def _tally(envelope_id, status):
    row = db.session.execute(sa.select(sa.func.sum(EnvelopeMonth.amount),
                                       sa.func.sum(EnvelopeMonth.hours)).where(
        EnvelopeMonth.envelope_id == envelope_id, EnvelopeMonth.status == status)).one()
    return (row[0] or Decimal(0), row[1] or Decimal(0))


def test_log_counts_the_entry_as_submitted_at_the_budget_rate(world, log):
    entry = log(world.alice, "2.5")
    assert (entry.status, entry.rate, entry.amount) == ("submitted", Decimal("20"), Decimal("50"))
    assert _tally(world.envelope.id, "submitted") == (Decimal("50"), Decimal("2.5"))
    assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())
                             .limit(1)) == "contribution.log"


def test_role_rate_applies_to_time_in_that_role(world, log):
    from circles.models import CircleRole, RoleAssignment, RoleKind
    role = db.session.scalar(sa.select(CircleRole).where(CircleRole.kind == RoleKind.FACILITATOR))
    db.session.add(RoleAssignment(role_id=role.id, person_id=world.alice.id,
                                  starts_on=date(2022, 1, 1)))
    db.session.commit()
    assert log(world.alice, "2", role=role).amount == Decimal("50")
    with pytest.raises(DomainError) as err:
        log(world.bob, "2", role=role)
    assert err.value.code == "role_not_held"


@pytest.mark.parametrize("hours, code", [("0.2", "hours_quarter"), ("0", "hours_range"),
                                         ("12.25", "hours_range"), ("-1", "hours_range")])
def test_bad_hours_are_refused(world, log, hours, code):
    with pytest.raises(DomainError) as err:
        log(world.alice, hours)
    assert err.value.code == code
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 0


def test_twelve_hours_a_day_at_most_rejected_entries_aside(world, log):
    first = log(world.alice, "8")
    log(world.alice, "4")
    with pytest.raises(DomainError) as err:
        log(world.alice, "0.25")
    assert err.value.code == "day_full"
    reject(world.lead, first, "Doublon", today=TODAY)
    assert log(world.alice, "8").hours == Decimal("8")


def test_outside_the_budget_or_the_circle_or_in_the_future(world, log, make_person):
    for day, code in ((date(2021, 12, 31), "no_budget_on_day"),
                      (date(2022, 12, 16), "day_in_future")):
        with pytest.raises(DomainError) as err:
            log(world.alice, "1", day)
        assert err.value.code == code
    outsider = make_person("out@ge.coop")
    with pytest.raises(DomainError) as err:
        log(outsider, "1")
    assert err.value.code == "not_in_circle"


def test_nobody_reviews_their_own_entry_and_only_reviewers_review(world, log):
    own = log(world.lead, "1")
    with pytest.raises(DomainError) as err:
        approve(world.lead, own, today=TODAY)
    assert err.value.code == "self_review"
    entry = log(world.alice, "1")
    with pytest.raises(DomainError) as err:
        approve(world.bob, entry, today=TODAY)
    assert err.value.code == "not_reviewer"
    with pytest.raises(DomainError):
        approve(world.admin, entry, today=TODAY)  # the secretariat is not a reviewer
    approve(world.lead, entry, today=TODAY)
    with pytest.raises(DomainError) as err:
        approve(world.lead, entry, today=TODAY)
    assert err.value.code == "not_submitted"


def test_approval_up_to_the_envelope_exactly_and_not_a_cent_more(world, log):
    set_envelope(world.admin, world.budget, world.circle, Decimal("100"))
    a = log(world.alice, "4")  # 80 €
    b = log(world.bob, "1")  # 20 €: exactly the envelope
    c = log(world.bob, "0.25", date(2022, 3, 2))  # 5 €: one step too far
    approve(world.lead, a, today=TODAY)
    approve(world.lead, b, today=TODAY)
    with pytest.raises(DomainError) as err:
        approve(world.lead, c, today=TODAY)
    assert err.value.code == "envelope_exhausted"
    assert err.value.params["left"] == Decimal(0)
    assert db.session.get(Contribution, c.id).status == "submitted"
    assert _tally(world.envelope.id, "approved") == (Decimal("100"), Decimal("5"))
    with pytest.raises(DomainError) as err:
        set_envelope(world.admin, world.budget, world.circle, Decimal("99.99"))
    assert err.value.code == "envelope_below_committed"


def test_envelopes_never_sum_past_the_budget(world):
    from circles.models import Circle
    other = Circle(cooperative_id=world.coop.id, name="Communication")
    db.session.add(other)
    db.session.commit()
    set_envelope(world.admin, world.budget, other, Decimal("9000"))  # 1000 + 9000 = budget
    with pytest.raises(DomainError) as err:
        set_envelope(world.admin, world.budget, other, Decimal("9000.01"))
    assert err.value.code == "envelopes_past_budget"
    with pytest.raises(Forbidden):
        set_envelope(world.alice, world.budget, other, Decimal("1"))


def test_edit_only_before_approval_and_a_rejected_entry_goes_back_to_review(world, log):
    entry = log(world.alice, "2")
    reject(world.lead, entry, "Précisez le chantier", today=TODAY)
    assert _tally(world.envelope.id, "rejected")[1] == Decimal(2)
    draft = EntryDraft(world.circle, date(2022, 3, 1), Decimal("3"), "Chantier outils")
    edit_contribution(world.alice, entry, draft, today=TODAY)
    assert (entry.status, entry.amount, entry.reject_reason) == ("submitted", Decimal(60), "")
    assert _tally(world.envelope.id, "rejected")[1] == Decimal(0)
    assert _tally(world.envelope.id, "submitted")[1] == Decimal(3)
    with pytest.raises(Forbidden):
        edit_contribution(world.bob, entry, draft, today=TODAY)
    approve(world.lead, entry, today=TODAY)
    with pytest.raises(DomainError) as err:
        edit_contribution(world.alice, entry, draft, today=TODAY)
    assert err.value.code == "entry_locked"


def test_a_correction_is_a_negative_entry_up_to_what_is_left(world, log):
    entry = log(world.alice, "3")
    with pytest.raises(DomainError) as err:
        correct_contribution(world.alice, entry, Decimal(1), "trop", today=TODAY)
    assert err.value.code == "correct_only_counted"
    approve(world.lead, entry, today=TODAY)
    fix = correct_contribution(world.alice, entry, Decimal(1), "Une heure de trop", today=TODAY)
    assert (fix.hours, fix.amount, fix.corrects_id) == (Decimal(-1), Decimal(-20), entry.id)
    with pytest.raises(DomainError) as err:
        correct_contribution(world.alice, entry, Decimal("2.25"), "encore", today=TODAY)
    assert err.value.code == "correction_too_large"
    approve(world.lead, fix, today=TODAY)
    assert _tally(world.envelope.id, "approved") == (Decimal(40), Decimal(2))


def test_closing_a_month_pays_every_approved_entry_once(world, log):
    march, april = log(world.alice, "2"), log(world.bob, "1", date(2022, 4, 4))
    pending = log(world.bob, "1")
    for e in (march, april):
        approve(world.lead, e, today=TODAY)
    batch = close_month(world.admin, world.coop, date(2022, 3, 1), today=TODAY)
    assert (batch.entries, batch.hours, batch.amount) == (1, Decimal(2), Decimal(40))
    db.session.expire_all()
    assert db.session.get(Contribution, march.id).status == "paid"
    assert db.session.get(Contribution, pending.id).status == "submitted"
    with pytest.raises(DomainError) as err:
        close_month(world.admin, world.coop, date(2022, 3, 1), today=TODAY)
    assert err.value.code == "month_closed"
    approve(world.lead, pending, today=TODAY)  # approved late: paid with April
    april_batch = close_month(world.admin, world.coop, date(2022, 4, 1), today=TODAY)
    assert april_batch.entries == 2
    assert _tally(world.envelope.id, "paid") == (Decimal(80), Decimal(4))
    assert _tally(world.envelope.id, "approved") == (Decimal(0), Decimal(0))
    members = dict(db.session.execute(sa.select(EnvelopeMember.person_id, EnvelopeMember.amount)
                                      .where(EnvelopeMember.status == "paid")).all())
    assert members == {world.alice.id: Decimal(40), world.bob.id: Decimal(40)}
    with pytest.raises(DomainError) as err:
        close_month(world.admin, world.coop, date(2022, 12, 1), today=TODAY)
    assert err.value.code == "month_not_over"
    with pytest.raises(Forbidden):
        close_month(world.lead, world.coop, date(2022, 5, 1), today=TODAY)
    paid = db.session.get(Contribution, march.id)
    with pytest.raises(DomainError) as err:
        edit_contribution(world.alice, paid, EntryDraft(world.circle, date(2022, 3, 1),
                                                        Decimal(1)), today=TODAY)
    assert err.value.code == "entry_locked"
    assert db.session.scalar(sa.select(sa.func.count(PaymentBatch.id))) == 2


def test_a_batch_holds_exactly_the_entries_the_rule_accepts(world, log):
    """The SQL selection of `close_month` and `rules.batchable` decide alike."""
    from contributions import rules
    entries = [log(world.alice, "1", date(2022, m, d)) for m, d in
               ((2, 28), (3, 1), (3, 31), (4, 1), (1, 5))]
    entries.append(log(world.bob, "1", date(2022, 3, 15)))  # left submitted
    for e in entries[:5]:
        approve(world.lead, e, today=TODAY)
    feb = close_month(world.admin, world.coop, date(2022, 2, 1), today=TODAY)
    db.session.expire_all()
    before = {e.id: db.session.get(Contribution, e.id) for e in entries}
    expected = {i for i, e in before.items()
                if rules.batchable(e.status, e.batch_id, e.worked_on, date(2022, 3, 1))}
    batch = close_month(world.admin, world.coop, date(2022, 3, 1), today=TODAY)
    paid = set(db.session.scalars(sa.select(Contribution.id).where(
        Contribution.batch_id == batch.id)))
    assert paid == expected and len(paid) == 2 and feb.entries == 2


def test_the_parent_circles_lead_link_reviews_the_lead_links_own_time(world, log, make_member):
    from circles.models import Circle, CircleRole, RoleAssignment, RoleKind
    parent = Circle(cooperative_id=world.coop.id, name="Cercle d'ancrage")
    db.session.add(parent)
    db.session.flush()
    world.circle.parent_id = parent.id
    role = CircleRole(circle_id=parent.id, kind=RoleKind.LEAD_LINK, reviews=True)
    db.session.add(role)
    db.session.flush()
    anchor = make_member(world.coop, "anchor@ge.coop").person
    db.session.add(RoleAssignment(role_id=role.id, person_id=anchor.id,
                                  starts_on=date(2022, 1, 1)))
    db.session.commit()
    own = log(world.lead, "2")
    with pytest.raises(DomainError):
        approve(world.lead, own, today=TODAY)
    assert approve(anchor, own, today=TODAY).status == "approved"
    with pytest.raises(DomainError) as err:  # the parent's lead link reviews, other roles don't
        approve(world.alice, log(world.bob, "1"), today=TODAY)
    assert err.value.code == "not_reviewer"
