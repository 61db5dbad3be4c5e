"""Import of share movements from CSV (docs/capital-csv.md): every line through the ledger
services in ONE transaction, so that a refused line leaves the ledger as it was."""
from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa

from ...models import Cooperative, Membership, Person
from ...platform.extensions import db
from ...platform.journal import record
from ...platform.service import DomainError, service
from ...register_csv import LineError, Result
from ...services.imports import ImportRefused, _chunks
from ...services.register import require_admin
from .. import csv_io as capital_csv
from . import ledger as cap


def _members(coop: Cooperative, numbers) -> dict[int, Membership]:
    found = {}
    for chunk in _chunks(numbers):
        found.update({m.number: m for m in db.session.scalars(sa.select(Membership).where(
            Membership.cooperative_id == coop.id, Membership.number.in_(chunk)))})
    return found


def check_file(actor: Person, coop: Cooperative, data: bytes) -> Result:
    """Validate a movements file for this cooperative; changes nothing. Secretariat only."""
    require_admin(actor, coop)
    table = capital_csv.read(data)
    known = set(_members(coop, capital_csv.numbers(table)))
    return capital_csv.validate(table, capital_csv.Context(numbers=known, today=date.today()))


def _record(actor: Person, line: capital_csv.MovementLine, members: dict[int, Membership]):
    m = members[line.member]
    if line.kind == "subscription":
        return cap.record_subscription(actor, m, line.shares, on=line.on,
                                       reference=line.reference, paid=line.amount_paid)
    if line.kind == "release":
        return cap.record_release(actor, m, line.amount_paid, on=line.on,
                                  reference=line.reference)
    if line.kind == "transfer":
        return cap.record_transfer(actor, m, members[line.to_member], line.shares, on=line.on,
                                   reference=line.reference)
    return cap.request_reimbursement(actor, m, line.shares, on=line.on, reference=line.reference)


@service
def import_movements(actor: Person, coop: Cooperative, data: bytes, progress=None) -> int:
    """Record every movement of the file in order, or none. Secretariat only; returns the count.

    A movement the ledger refuses (shares not held, a broken SCOP ratio: those are recorded one
    by one with the movement form, where the warning can be acknowledged) refuses the file,
    naming its line. `progress(done, total)` is told after each line.
    """
    result = check_file(actor, coop, data)
    if not result.ok:
        raise ImportRefused(result.errors)
    members = _members(coop, {n for line in result.lines
                              for n in (line.member, line.to_member) if n})
    for done, line in enumerate(result.lines):
        if progress:
            progress(done, len(result.lines))
        try:
            _record(actor, line, members)
        except DomainError as err:
            code = "csv_scop_ratio" if err.code == "scop_ratio_warning" else err.code
            raise ImportRefused([LineError(line.line, code, err.params)]) from None
    record(actor, "capital.import", "cooperative", coop.id, cooperative_id=coop.id,
           after={"count": len(result.lines), "sha256": hashlib.sha256(data).hexdigest()})
    return len(result.lines)
