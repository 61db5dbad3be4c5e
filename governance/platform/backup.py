"""`flask backup` and `flask restore`: the whole database in one file, and back.

PostgreSQL goes through `pg_dump --format=custom` and `pg_restore --single-transaction` (all or
nothing); SQLite through its online backup, which copies a consistent state while the site
serves. The file is written beside its final name and renamed once complete, readable by its
owner only: it holds the register and the ballot boxes. The journal's keys (AUDIT_KEYS or the
instance folder's audit_keys) are deliberately NOT in it: kept apart, a stolen backup cannot
be used to forge journal entries that verify.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from .extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Said to the operator as is; nothing was changed."""


def _url() -> sa.engine.URL:
    """The database's address as the engine has it (a relative SQLite path made absolute)."""
    return db.engine.url


def _libpq(url: sa.engine.URL) -> tuple[str, dict]:
    """The libpq address of `url` (no password in it: the process list shows arguments) and
    the environment carrying the password."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (Debian: apt-get install "
                          f"postgresql-client)") from None
    if done.returncode:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:2000]}")


def backup(target: Path) -> tuple[int, str]:
    """Write the database to `target`; (bytes, sha256). Refuses to overwrite a file."""
    if target.exists():
        raise BackupError(f"{target} exists: choose a new name (backups are never overwritten)")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    url = _url()
    old = os.umask(0o077)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(Path(url.database), partial)
        else:
            address, env = _libpq(url)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", f"--dbname={address}"], env)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.umask(old)
    return target.stat().st_size, _sha256(target)


def restore(source: Path) -> int:
    """Load `source` into the configured database, which must be empty; the number of tables."""
    try:
        with source.open("rb") as f:
            head = f.read(16)
    except OSError as err:
        raise BackupError(f"cannot read {source}: {err.strerror or err}") from None
    url = _url()
    sqlite = url.get_backend_name() == "sqlite"
    if not head.startswith(SQLITE_MAGIC if sqlite else PG_MAGIC):
        kind = "an SQLite" if sqlite else "a PostgreSQL (pg_dump --format=custom)"
        raise BackupError(f"{source} is not {kind} backup; the database is "
                          f"{url.get_backend_name()}: nothing was changed")
    tables = _tables()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables, e.g. "
                          f"{sorted(tables)[0]}): restore into a new, empty database; nothing "
                          f"was changed")
    if sqlite:
        _sqlite_copy(source, Path(url.database))
    else:
        address, env = _libpq(url)
        _run(["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
              "--no-privileges", f"--dbname={address}", str(source)], env)
    db.engine.dispose()  # no pooled connection keeps the empty schema's view
    return len(_tables())


def _tables() -> set[str]:
    with db.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while others write."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    except sqlite3.DatabaseError as err:
        raise BackupError(f"SQLite backup failed: {err}") from None
    finally:
        src.close()
        dst.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
