"""The register's CSV import (all-or-nothing) and export, and the uploads waiting for confirmation.

The file is validated by `register_csv` (pure) against what the database knows; the import then
registers every line through `register.add_member` inside ONE transaction, so that any refusal
leaves the register as it was.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from .. import register_csv
from ..capital.services.ledger import record_subscription
from ..models import College, Cooperative, Membership, Person
from ..permissions import can_see_contacts
from ..platform.extensions import db
from ..platform.journal import record
from ..platform.service import DomainError, Forbidden, service
from ..register_csv import LineError
from .register import NewMember, add_member, change_status, require_admin

CHUNK = 500  # values per SQL IN (...) list
EXPORT_BATCH = 1000
PENDING_MAX_AGE = 24 * 3600  # seconds an uploaded file waits for its confirmation
OPENING_REFERENCE = "Opening balance (register import)"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class ImportRefused(DomainError):
    """The file (or one of its lines) was refused; `errors` lists every reason, by line."""

    def __init__(self, errors: list[LineError]):
        super().__init__("csv_import_refused", {"count": len(errors)})
        self.errors = list(errors)


def _chunks(values) -> Iterator[list]:
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def context(coop: Cooperative, table: register_csv.Table) -> register_csv.Context:
    """What the validation needs to know, fetched only for the emails and numbers of the file."""
    people, members, used = {}, set(), set()
    for chunk in _chunks(table.emails()):
        for email, kind in db.session.execute(
                sa.select(Person.email, Person.kind).where(Person.email.in_(chunk))):
            people[email] = getattr(kind, "value", kind)
        members.update(db.session.scalars(
            sa.select(Person.email).join(Membership, Membership.person_id == Person.id)
            .where(Membership.cooperative_id == coop.id, Person.email.in_(chunk))))
    for chunk in _chunks(table.numbers()):
        used.update(db.session.scalars(sa.select(Membership.number).where(
            Membership.cooperative_id == coop.id, Membership.number.in_(chunk))))
    max_number = db.session.scalar(sa.select(sa.func.max(Membership.number)).where(
        Membership.cooperative_id == coop.id)) or 0
    return register_csv.Context(
        colleges=[c.code for c in coop.colleges], colleges_required=coop.weighting == "colleges",
        members=members, people=people, numbers=used, max_number=max_number, today=date.today())


def check_file(actor: Person, coop: Cooperative, data: bytes) -> register_csv.Result:
    """Validate a register file for this cooperative; changes nothing. Secretariat only."""
    require_admin(actor, coop)
    table = register_csv.read_table(data)
    return register_csv.validate(table, context(coop, table))


@service
def import_register(actor: Person, coop: Cooperative, data: bytes, progress=None) -> int:
    """Register every line of the file (with its opening balance of shares), or none.
    Secretariat only; returns the count. `progress(done, total)` is told after each line."""
    result = check_file(actor, coop, data)
    if not result.ok:
        raise ImportRefused(result.errors)
    numbers = []
    for done, item in enumerate(result.lines):
        if progress:
            progress(done, len(result.lines))
        try:
            membership = add_member(actor, coop, NewMember(**item.member))
            if item.shares:  # the opening balance, dated when the member came in
                member = item.member
                record_subscription(
                    actor, membership, item.shares, paid=item.amount_paid,
                    on=member["admitted_on"] or member["applied_on"] or date.today(),
                    reference=OPENING_REFERENCE)
            if item.exit_status:
                change_status(actor, membership, item.exit_status, on=item.left_on,
                              reason=item.exit_reason)
        except DomainError as err:
            raise ImportRefused([LineError(item.line, err.code, err.params)]) from None
        numbers.append(membership.number)
    record(actor, "register.import", "cooperative", coop.id, cooperative_id=coop.id,
           after={"count": len(numbers), "first_number": min(numbers),
                  "last_number": max(numbers), "sha256": hashlib.sha256(data).hexdigest()})
    return len(numbers)


@service
def record_export(actor: Person, coop: Cooperative) -> None:
    """Journal that the register, with contact details, left the platform. Admin or board."""
    if not can_see_contacts(actor, coop):
        raise Forbidden()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.cooperative_id == coop.id))
    record(actor, "register.export", "cooperative", coop.id, cooperative_id=coop.id,
           after={"count": count})


def export_page(coop_id: int, after: int = 0, size: int = EXPORT_BATCH) -> list[dict]:
    """The next `size` memberships numbered above `after`, as {column: value}: one query, the
    person, representative and college joined in (keyset pagination on the register's index)."""
    rep = aliased(Person)
    stmt = (sa.select(Membership.number, Person.kind, Person.last_name, Person.first_name,
                      Person.legal_name, Person.email, Person.address,
                      rep.email.label("representative_email"), College.code.label("college"),
                      Membership.category, Membership.status, Membership.applied_on,
                      Membership.admitted_on, Membership.admission_ref, Membership.email_consent,
                      Membership.left_on, Membership.exit_reason)
            .join(Person, Membership.person_id == Person.id)
            .outerjoin(rep, Person.representative_id == rep.id)
            .outerjoin(College, Membership.college_id == College.id)
            .where(Membership.cooperative_id == coop_id, Membership.number > after)
            .order_by(Membership.number).limit(size))
    rows = [row._asdict() for row in db.session.execute(stmt)]
    for values in rows:
        if values["kind"] != "legal":
            values["representative_email"] = None
    return rows


# --- uploads waiting for their confirmation -----------------------------------------------

def save_pending(folder: Path, data: bytes, coop: Cooperative, actor: Person) -> str:
    """Keep an uploaded file until it is confirmed; return its opaque token."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _forget_old(folder)
    token = secrets.token_urlsafe(32)
    meta = {"cooperative": coop.id, "person": actor.id, "at": time.time()}
    _write_new(folder / f"{token}.json", json.dumps(meta).encode())
    _write_new(folder / f"{token}.csv", data)
    return token


def claim_pending(folder: Path, token: str, coop: Cooperative,
                  actor: Person) -> tuple[Path, bytes] | None:
    """Take the file of `token` for this cooperative and person, once; None when there is none.

    The file is renamed first, so that a second confirmation (a double click, a replayed form)
    finds nothing even while the first one runs.
    """
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("cooperative") != coop.id or meta.get("person") != actor.id:
        return None
    claimed = folder / f"{token}.{secrets.token_hex(8)}.claimed"
    try:
        os.rename(folder / f"{token}.csv", claimed)
    except OSError:
        return None
    if time.time() - meta.get("at", 0) > PENDING_MAX_AGE:
        drop_pending(folder, token, claimed)
        return None
    return claimed, claimed.read_bytes()


def release_pending(folder: Path, token: str, claimed: Path) -> None:
    """Put a claimed file back (the import failed: the user may confirm again)."""
    os.rename(claimed, folder / f"{token}.csv")


def drop_pending(folder: Path, token: str, claimed: Path | None = None) -> None:
    for path in (claimed, folder / f"{token}.csv", folder / f"{token}.json"):
        if path is not None:
            path.unlink(missing_ok=True)


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _forget_old(folder: Path) -> None:
    """Delete uploads nobody confirmed in time."""
    limit = time.time() - PENDING_MAX_AGE
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass
