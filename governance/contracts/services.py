"""Contracts of a CAE's entrepreneurs-salariés, kept by the secretariat."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..models import Cooperative, Person
from ..platform.extensions import db
from ..platform.journal import record
from ..platform.service import DomainError, as_domain, service
from ..services.register import find_person, require_admin
from . import rules
from .models import EntrepreneurContract


@service
def record_contract(actor: Person | None, coop: Cooperative, email: str, signed_on: date | None,
                    cape_months: int | None, today: date | None = None) -> EntrepreneurContract:
    """Record an entrepreneur-salarié's contract (secretariat); one running contract each."""
    require_admin(actor, coop)
    person = find_person(email)
    if person is None:
        raise DomainError("unknown_person", {"email": email})
    as_domain(rules.check_contract, signed_on, cape_months, today or date.today())
    running = db.session.scalar(sa.select(EntrepreneurContract.id).where(
        EntrepreneurContract.cooperative_id == coop.id, EntrepreneurContract.person_id == person.id,
        EntrepreneurContract.ended_on.is_(None)).limit(1))
    if running is not None:
        raise DomainError("contract_running", {"name": person.display_name})
    contract = EntrepreneurContract(cooperative_id=coop.id, person_id=person.id,
                                    signed_on=signed_on, cape_months=cape_months,
                                    created_by_id=actor.id if actor else None)
    db.session.add(contract)
    db.session.flush()
    record(actor, "contract.record", "entrepreneur_contract", contract.id,
           cooperative_id=coop.id, after={"person": person.id, "signed_on": signed_on,
                                          "cape_months": cape_months})
    return contract


@service
def end_contract(actor: Person | None, contract: EntrepreneurContract,
                 ended_on: date | None) -> EntrepreneurContract:
    """Record the end of a contract (secretariat): no longer due to become a sociétaire."""
    require_admin(actor, db.session.get(Cooperative, contract.cooperative_id))
    if contract.ended_on is not None:
        raise DomainError("contract_ended", {"date": contract.ended_on})
    as_domain(rules.check_end, contract.signed_on, ended_on)
    contract.ended_on = ended_on
    record(actor, "contract.end", "entrepreneur_contract", contract.id,
           cooperative_id=contract.cooperative_id, after={"ended_on": ended_on})
    return contract
