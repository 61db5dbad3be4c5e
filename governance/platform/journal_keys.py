"""The keys that authenticate the audit journal, kept outside the database: `AUDIT_KEYS`
("<id>:<hex>,<id>:<hex>", the last one signs) or, without it, the instance folder's
`audit_keys` file (a line "<id> <hex>" each, made on first use, `flask audit rotate-key`
adds one). Every entry's mac names the key that made it, so older keys still verify.
Someone who can write the database but not read these keys cannot rewrite the journal
unseen: re-hashing the chain after an edit leaves macs that no longer match."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from flask import current_app

FILE = "audit_keys"


def _file() -> Path:
    return Path(current_app.instance_path) / FILE


def keys() -> dict[str, bytes]:
    """{key id: key}, in order; the last signs. Made in the instance folder when none. Read
    once per process (restart the servers after `flask audit rotate-key`)."""
    cache = current_app.extensions.setdefault("coopgov_audit_keys", {})
    if "keys" not in cache:
        cache["keys"] = _read()
    return cache["keys"]


def _read() -> dict[str, bytes]:
    text = current_app.config.get("AUDIT_KEYS")
    if text:
        pairs = [item.strip().split(":", 1) for item in text.split(",") if item.strip()]
    else:
        _create_once()
        pairs = [line.split() for line in _file().read_text().splitlines() if line.strip()]
    return {kid: bytes.fromhex(key) for kid, key in pairs}


def _create_once() -> None:
    """The first key, made by whichever process comes first (O_EXCL: workers starting
    together on a new site agree on it)."""
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the other process is writing it
            if path.read_text().strip():
                return
            time.sleep(0.01)
        return
    with os.fdopen(fd, "w") as out:
        out.write(f"1 {secrets.token_hex(32)}\n")


def rotate() -> str:
    """Add a new signing key to the instance file; returns its id."""
    path = _file()
    existing = path.read_text().splitlines() if path.exists() else []
    kid = str(len([line for line in existing if line.strip()]) + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(f"{kid} {secrets.token_hex(32)}\n")
    path.chmod(0o600)
    current_app.extensions.get("coopgov_audit_keys", {}).pop("keys", None)
    return kid


def sign(entry_hash: str) -> str:
    """"<key id>:<HMAC-SHA256 of the entry's hash>" with the newest key."""
    kid, key = list(keys().items())[-1]
    return f"{kid}:{hmac.new(key, entry_hash.encode(), hashlib.sha256).hexdigest()}"


def check(entry_hash: str, mac: str | None, known: dict[str, bytes]) -> bool:
    kid, _, digest = (mac or "").partition(":")
    key = known.get(kid)
    return key is not None and hmac.compare_digest(
        digest, hmac.new(key, entry_hash.encode(), hashlib.sha256).hexdigest())
