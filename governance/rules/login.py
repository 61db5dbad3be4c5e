"""How long a login attempt must wait: pure arithmetic on whole seconds.

Two counters of failures decide it (`governance.login_guard`): per client address, a hard limit
in a fixed window (`LOGIN_RATE_LIMIT`, "10 per minute"), and per account, a delay that doubles
with each failure past the first few, so that guessing a password from many addresses stays
slow while a stranger cannot lock the owner out for long (and not at all on a browser the
owner has logged in from, whose failures count apart).
"""
from __future__ import annotations

import re

ACCOUNT_WINDOW = 15 * 60  # failures on an account are forgotten 15 minutes after the first
FREE_FAILURES = 5  # wrong passwords on an account before any delay
MAX_DELAY = 15 * 60
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(second|minute|hour|day)s?\s*$")


def parse_limit(text: str) -> tuple[int, int]:
    """'10 per minute' (or '10/minute') -> (10, 60)."""
    match = _LIMIT.match(text)
    if match is None:
        raise ValueError(f"not a rate limit: {text!r}")
    return int(match.group(1)), _UNITS[match.group(2)]


def address_wait(failures: int, first_at: int, limit: int, window: int, now: int) -> int:
    """Seconds before an address that failed `failures` times since `first_at` may try again:
    0 under the limit, else until its window ends."""
    if failures < limit:
        return 0
    return max(0, first_at + window - now)


def account_delay(failures: int) -> int:
    """The delay after the last failure: none for the first FREE_FAILURES, then 1, 2, 4… s
    up to MAX_DELAY."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), MAX_DELAY)


def account_wait(failures: int, last_at: int, now: int) -> int:
    """Seconds before the account may be tried again after `failures`, the last at `last_at`."""
    return max(0, last_at + account_delay(failures) - now)


SECOND_FACTOR_ROLES = frozenset({"admin", "board"})


def second_factor_required(roles: set[str], platform_admin: bool) -> bool:
    """The secretariat, the board and the platform's administrators log in with a second
    factor; members may."""
    return platform_admin or bool(SECOND_FACTOR_ROLES & set(roles))


def totp_step_fresh(step: int, last_step: int | None) -> bool:
    """A TOTP code is accepted once: its step must come after the last one accepted."""
    return last_step is None or step > last_step
