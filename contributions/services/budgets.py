"""Budgets and their envelopes: recorded and split by the cooperative's secretariat."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from circles.models import Circle, RoleKind
from governance.models import Cooperative, Person
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.urls import is_web_address

from .. import rules
from ..models import Budget, BudgetRate, Envelope
from . import DomainError, check, require_admin, service
from .tallies import committed


@dataclass
class BudgetDraft:
    name: str
    starts_on: date
    ends_on: date
    amount: Decimal
    hourly_rate: Decimal
    decision: str = ""
    decision_url: str = ""
    role_rates: dict[str, Decimal] = field(default_factory=dict)  # role kind → rate


def _lock_coop(coop_id: int) -> None:
    db.session.execute(sa.select(Cooperative.id).where(Cooperative.id == coop_id)
                       .with_for_update())


@service
def create_budget(actor: Person, coop: Cooperative, draft: BudgetDraft) -> Budget:
    """Record a contributive budget voted for a period (secretariat)."""
    require_admin(actor, coop)
    if not draft.name.strip():
        raise DomainError("budget_name_required", {})
    if draft.decision_url.strip() and not is_web_address(draft.decision_url):
        raise DomainError("web_address", {})
    _lock_coop(coop.id)
    others = db.session.execute(sa.select(Budget.starts_on, Budget.ends_on).where(
        Budget.cooperative_id == coop.id)).all()
    check(rules.check_budget, draft.amount, draft.hourly_rate, draft.starts_on, draft.ends_on,
          [tuple(o) for o in others])
    if any(kind not in set(RoleKind) or rate <= 0 for kind, rate in draft.role_rates.items()):
        raise DomainError("rate_positive", {})
    budget = Budget(cooperative_id=coop.id, name=draft.name.strip(), starts_on=draft.starts_on,
                    ends_on=draft.ends_on, amount=draft.amount, hourly_rate=draft.hourly_rate,
                    decision=draft.decision.strip(), decision_url=draft.decision_url.strip(),
                    created_by_id=actor.id,
                    rates=[BudgetRate(role_kind=k, rate=r) for k, r in draft.role_rates.items()])
    db.session.add(budget)
    db.session.flush()
    record(actor, "budget.create", "budget", budget.id, cooperative_id=coop.id, after={
        "name": budget.name, "period": [draft.starts_on, draft.ends_on], "amount": draft.amount,
        "hourly_rate": draft.hourly_rate, "decision": budget.decision,
        "role_rates": {k: str(r) for k, r in draft.role_rates.items()}})
    return budget


@service
def set_envelope(actor: Person, budget: Budget, circle: Circle, amount: Decimal) -> Envelope:
    """Give a circle its envelope of the budget, or change it (secretariat). Envelopes never
    sum past the budget nor fall below what their circle has already committed."""
    coop = budget.cooperative
    require_admin(actor, coop)
    if circle.cooperative_id != coop.id:
        raise DomainError("circle_not_in_coop", {})
    if circle.dissolved_on is not None:
        raise DomainError("envelope_circle_dissolved",
                          {"circle": circle.name, "day": circle.dissolved_on})
    db.session.execute(sa.select(Budget.id).where(Budget.id == budget.id).with_for_update())
    envelope = db.session.scalar(sa.select(Envelope).where(
        Envelope.budget_id == budget.id, Envelope.circle_id == circle.id).with_for_update())
    others = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Envelope.amount), 0)).where(
        Envelope.budget_id == budget.id, Envelope.circle_id != circle.id)) or Decimal(0)
    before = envelope.amount if envelope else None
    check(rules.check_envelope, budget.amount, Decimal(others), amount,
          committed(envelope.id) if envelope else Decimal(0))
    if envelope is None:
        envelope = Envelope(budget_id=budget.id, circle_id=circle.id, amount=amount)
        db.session.add(envelope)
    else:
        envelope.amount = amount
    db.session.flush()
    record(actor, "envelope.set", "envelope", envelope.id, cooperative_id=coop.id,
           before={"amount": before} if before is not None else None,
           after={"budget": budget.id, "circle": circle.name, "amount": amount})
    return envelope
