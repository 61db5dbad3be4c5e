"""The audit journal: an append-only, sha256-chained record of every write."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEntry, Person, SiteMeta, utcnow

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
_LOCK_KEY = 7_270_001  # PostgreSQL advisory lock serialising appends to the chain


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot journal {type(value).__name__}")


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_plain)


def entry_hash(entry: AuditEntry) -> str:
    """sha256 over the entry's content and the previous entry's hash."""
    content = canonical({
        "at": entry.at.isoformat(timespec="microseconds"), "actor": entry.actor_id,
        "actor_label": entry.actor_label, "action": entry.action,
        "object_type": entry.object_type, "object_id": entry.object_id,
        "cooperative": entry.cooperative_id, "summary": entry.summary, "prev": entry.prev_hash,
    })
    return hashlib.sha256(content.encode()).hexdigest()


def record(actor: Person | None, action: str, obj_type: str, obj_id=None, *,
           cooperative_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> AuditEntry:
    """Append an entry to the journal in the current transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    meta = db.session.get(SiteMeta, HEAD_KEY)  # the head is written with every entry
    last = meta.value.partition(":")[2] if meta else db.session.scalar(
        sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    summary = {}
    if before is not None:
        summary["before"] = before
    if after is not None:
        summary["after"] = after
    entry = AuditEntry(
        at=utcnow(), actor_id=actor.id if actor else None,
        actor_label=(actor.email or actor.display_name) if actor else "system",
        action=action, object_type=obj_type, object_id=None if obj_id is None else str(obj_id),
        cooperative_id=cooperative_id, summary=canonical(summary), prev_hash=last or GENESIS)
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()
    # The head of the chain, kept apart: removing the last entries no longer goes unseen.
    if meta is None:
        db.session.add(SiteMeta(key=HEAD_KEY, value=f"{entry.id}:{entry.hash}"))
    else:
        meta.value = f"{entry.id}:{entry.hash}"
    return entry


def head() -> str | None:
    """"<id>:<hash>" of the newest entry, as recorded when it was written."""
    meta = db.session.get(SiteMeta, HEAD_KEY)
    return meta.value if meta else None


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the fields that changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def verify_chain(batch: int = 5000) -> tuple[int, AuditEntry | None, str]:
    """Walk the journal in order; return (entries checked, first broken entry, why).

    `why` is "prev_hash" or "hash" for a broken entry, "tail" when the chain stops short of
    its recorded head (entries removed at the end), "" when all holds.
    """
    prev, checked, last_id = GENESIS, 0, 0
    recorded = head()
    while True:
        rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > last_id)
                                  .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            if recorded is not None and recorded != f"{last_id}:{prev}":
                return checked, None, "tail"
            return checked, None, ""
        for entry in rows:
            if entry.prev_hash != prev:
                return checked, entry, "prev_hash"
            if entry_hash(entry) != entry.hash:
                return checked, entry, "hash"
            prev, checked, last_id = entry.hash, checked + 1, entry.id
        db.session.expunge_all()
