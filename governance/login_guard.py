"""The login's limits (`rules.login`) over the shared counters (`throttle`).

A failure counts against the client's address and against the account; on a browser where the
account's owner has logged in before (it holds the account's device cookie) it counts against
that browser instead, so a stranger's guesses neither lock the owner out there nor are slowed
by the owner's typos. A limited address is refused at once; a delayed account is refused
without checking the password.
"""
from __future__ import annotations

import hashlib
import secrets
import time

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from .platform import throttle
from .rules import login as rules

DEVICE_COOKIE = "coopgov_device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _account(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _device(account: str) -> str | None:
    """The id of this browser for `account`, if it holds the account's device cookie."""
    try:
        data = _signer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return None
    return data.get("d") if isinstance(data, dict) and data.get("a") == account else None


def _keys(email: str, scope: str) -> tuple[str | None, str]:
    """The address's counter (None on the owner's own browser: behind a shared address, a
    stranger's failures do not lock the owner out) and the account's (or this browser's)."""
    account = _account(email)
    device = _device(account) if scope == "login" else None
    if device:
        return None, f"{scope}:dev:{account}:{device}"
    return f"{scope}:ip:{request.remote_addr}", f"{scope}:acct:{account}"


def wait_before(email: str, scope: str = "login") -> int:
    """Seconds this attempt must wait (0: go ahead). Reads only."""
    limit, window = rules.parse_limit(current_app.config["LOGIN_RATE_LIMIT"])
    address, account = _keys(email, scope)
    now = int(time.time())
    wait = 0
    if address is not None:
        a = throttle.read(address, window)
        wait = rules.address_wait(a.count, a.first_at, limit, window, now)
    if scope == "login":
        c = throttle.read(account, rules.ACCOUNT_WINDOW)
        wait = max(wait, rules.account_wait(c.count, c.last_at, now))
    return wait


def failed(email: str, scope: str = "login") -> None:
    """Count a failed attempt (a wrong password; any request for a reset link)."""
    _limit, window = rules.parse_limit(current_app.config["LOGIN_RATE_LIMIT"])
    address, account = _keys(email, scope)
    if address is not None:
        throttle.hit(address, window)
    if scope == "login":
        throttle.hit(account, rules.ACCOUNT_WINDOW)


def succeeded(email: str, response) -> None:
    """The right password: forget this account's failures here, and mark this browser as one
    the owner uses."""
    account = _account(email)
    throttle.clear(_keys(email, "login")[1])
    device = _device(account) or secrets.token_urlsafe(12)
    response.set_cookie(DEVICE_COOKIE, _signer().dumps({"a": account, "d": device}),
                        max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["HTTPS"], path="/login")
