"""The audit journal: an append-only, sha256-chained record of every write, each entry
authenticated by a key kept outside the database (`journal_keys`)."""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from ..models import AuditEntry, Person, SiteMeta
from . import journal_keys
from .clock import utcnow
from .extensions import db
from .service import SYSTEM, System

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
_LOCK_KEY = 7_270_001  # PostgreSQL advisory lock serialising the writers of the first entry


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


def _content(entry: AuditEntry) -> str:
    return canonical({
        "at": entry.at.isoformat(timespec="microseconds"), "actor": entry.actor_id,
        "actor_label": entry.actor_label, "action": entry.action,
        "object_type": entry.object_type, "object_id": entry.object_id,
        "cooperative": entry.cooperative_id, "summary": entry.summary, "prev": entry.prev_hash,
    })


def entry_hash(entry: AuditEntry) -> str:
    """sha256 over the entry's content and the previous entry's hash."""
    return hashlib.sha256(_content(entry).encode()).hexdigest()


# PostgreSQL appends in one statement: lock the head's row and read it, insert the entry hashed
# over its content around the previous hash (the same sha256 as `entry_hash`), move the head.
# Held from here to the commit, the lock then spans one statement instead of three.
_APPEND = sa.text("""
WITH head AS (
    SELECT split_part(value, ':', 2) AS prev FROM site_meta WHERE key = :key FOR UPDATE
), entry AS (
    INSERT INTO audit_entry (at, actor_id, actor_label, action, object_type, object_id,
                             cooperative_id, summary, prev_hash, hash)
    SELECT CAST(:at AS TIMESTAMP), CAST(:actor_id AS INTEGER), CAST(:actor_label AS VARCHAR),
           CAST(:action AS VARCHAR), CAST(:object_type AS VARCHAR),
           CAST(:object_id AS VARCHAR), CAST(:cooperative_id AS INTEGER),
           CAST(:summary AS TEXT), prev,
           encode(sha256(convert_to(CAST(:before AS TEXT) || prev || CAST(:after AS TEXT),
                                    'UTF8')), 'hex')
    FROM head
    RETURNING id, prev_hash, hash
)
UPDATE site_meta SET value = entry.id || ':' || entry.hash FROM entry WHERE key = :key
RETURNING entry.id, entry.prev_hash, entry.hash""")


def _append_in_one_statement(entry: AuditEntry) -> bool:
    """Append `entry` with `_APPEND` (PostgreSQL, once the head exists); False when it cannot."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    db.session.flush()  # the service's own writes, before the lock
    entry.prev_hash = marker = secrets.token_hex(16)
    before, _, after = _content(entry).partition(marker)
    if marker in after:
        return False
    columns = AuditEntry.__table__.columns.keys()
    row = db.session.execute(_APPEND, {c: getattr(entry, c) for c in columns if c not in (
        "id", "prev_hash", "hash", "mac")} | {"key": HEAD_KEY, "before": before, "after": after}
    ).first()
    if row is None:  # no head yet: the first entry
        return False
    entry.id, entry.prev_hash, entry.hash = row
    entry.mac = journal_keys.sign(entry.hash)  # the hash is made in SQL: sign it after
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entry.id)
                       .values(mac=entry.mac))
    return True


def record(actor: Person | System, action: str, obj_type: str, obj_id=None, *,
           cooperative_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> AuditEntry:
    """Append an entry to the journal in the current transaction.

    Appends are serialised by a lock on the head's row, held to the commit: call it last in a
    service, so that the lock is held as briefly as possible.
    """
    if actor is None:
        raise ValueError("no actor: the system is journaled as SYSTEM")
    summary = {}
    if before is not None:
        summary["before"] = before
    if after is not None:
        summary["after"] = after
    entry = AuditEntry(
        at=utcnow(), actor_id=actor.id,
        actor_label="system" if actor is SYSTEM else (actor.email or actor.display_name),
        action=action, object_type=obj_type, object_id=None if obj_id is None else str(obj_id),
        cooperative_id=cooperative_id, summary=canonical(summary))
    if _append_in_one_statement(entry):
        return entry
    current = _locked_head()
    last = current.partition(":")[2] if current else db.session.scalar(
        sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry.prev_hash = last or GENESIS
    entry.hash = entry_hash(entry)
    entry.mac = journal_keys.sign(entry.hash)
    # Plain INSERT and UPDATE: the unit of work would cost more than the writes themselves.
    columns = AuditEntry.__table__.columns.keys()
    entry.id = db.session.execute(sa.insert(AuditEntry).values(
        {c: getattr(entry, c) for c in columns if c != "id"}).returning(AuditEntry.id)).scalar()
    # The head of the chain, kept apart: removing the last entries no longer goes unseen.
    value = f"{entry.id}:{entry.hash}"
    if current is None:
        db.session.execute(sa.insert(SiteMeta).values(key=HEAD_KEY, value=value))
    else:
        db.session.execute(sa.update(SiteMeta).where(SiteMeta.key == HEAD_KEY).values(value=value))
    return entry


def _locked_head() -> str | None:
    """The head ("<id>:<hash>"), its row locked for this transaction and read after the lock is
    granted (the newest head). Before the first entry there is no row to lock: a PostgreSQL
    advisory lock serialises the writers of the first."""
    locked = sa.select(SiteMeta.value).where(SiteMeta.key == HEAD_KEY).with_for_update()
    value = db.session.scalar(locked)
    if value is None and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        value = db.session.scalar(locked)
    return value


def head() -> str | None:
    """"<id>:<hash>" of the newest entry, as recorded when it was written."""
    return db.session.scalar(sa.select(SiteMeta.value).where(SiteMeta.key == HEAD_KEY))


def anchor_of(action: str, obj_type: str, obj_id) -> str | None:
    """"<id>:<hash>" of the newest entry of `action` on the object (a minutes' approval):
    printed in the minutes, it anchors `flask audit verify --anchor`."""
    row = db.session.execute(sa.select(AuditEntry.id, AuditEntry.hash).where(
        AuditEntry.object_type == obj_type, AuditEntry.object_id == str(obj_id),
        AuditEntry.action == action).order_by(AuditEntry.id.desc()).limit(1)).first()
    return f"{row[0]}:{row[1]}" if row else None


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the fields that changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def verify_chain(batch: int = 5000, anchor: str | None = None, macs: bool = True
                 ) -> tuple[int, AuditEntry | None, str]:
    """Walk the journal in order; return (entries checked, first broken entry, why).

    `why` is "prev_hash", "hash" or "mac" (its key's mac does not match: rewritten by someone
    without the key) for a broken entry, "tail" when the chain stops short of its recorded
    head (entries removed at the end), "anchor" when the entry of `anchor` ("<id>:<hash>",
    a head printed in minutes or exported earlier) is missing or differs, "" when all holds.
    Entries written before macs existed (migration 0023) fail until `sign_unsigned` ran.
    """
    prev, checked, last_id = GENESIS, 0, 0
    known = journal_keys.keys()
    anchor_id, _, anchor_hash = (anchor or "").partition(":")
    recorded = head()
    while True:
        rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > last_id)
                                  .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            if anchor and (not anchor_id.isdigit() or last_id < int(anchor_id)):
                return checked, None, "anchor"
            if recorded is not None and recorded != f"{last_id}:{prev}":
                return checked, None, "tail"
            return checked, None, ""
        for entry in rows:
            if entry.prev_hash != prev:
                return checked, entry, "prev_hash"
            if entry_hash(entry) != entry.hash:
                return checked, entry, "hash"
            if macs and not journal_keys.check(entry.hash, entry.mac, known):
                return checked, entry, "mac"
            if anchor and str(entry.id) == anchor_id and entry.hash != anchor_hash:
                return checked, entry, "anchor"
            prev, checked, last_id = entry.hash, checked + 1, entry.id
        db.session.expunge_all()


def sign_unsigned() -> int:
    """Sign the entries written before entries were authenticated (once, after the upgrade),
    if the chain holds otherwise. Returns how many; raises ValueError when it is broken."""
    _checked, _broken, why = verify_chain(macs=False)
    if why:
        raise ValueError(why)
    rows = db.session.execute(sa.select(AuditEntry.id, AuditEntry.hash)
                              .where(AuditEntry.mac.is_(None))).all()
    for entry_id, digest in rows:
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entry_id)
                           .values(mac=journal_keys.sign(digest)))
    db.session.commit()
    return len(rows)
