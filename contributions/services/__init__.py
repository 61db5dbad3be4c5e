"""Every write of the contributive budget: permission check, one transaction, journal entry.

Rule errors come back as `DomainError`s whose parameters read well in messages: hours as
numbers, statuses in words."""
from __future__ import annotations

from flask_babel import format_date

from governance.models import Cooperative, Person
from governance.permissions import can_admin
from governance.platform.formatting import number
from governance.platform.service import DomainError, Forbidden, Shown, as_domain, service  # noqa: F401
from governance.rules import RuleError

HOUR_KEYS = ("hours", "logged", "hours_left", "max_hours")


def _refused(err: RuleError) -> DomainError:
    """The rule's error with hours as numbers, months and statuses in words."""
    from ..labels import GLOBALS
    params = dict(err.params)
    for key in HOUR_KEYS:
        if key in params:
            params[key] = Shown(number, params[key])
    if "month" in params:
        params["month"] = Shown(lambda d: format_date(d, "MMMM y"), params["month"])
    if "entry_status" in params:
        params["entry_status"] = Shown(GLOBALS["entry_status_label"], params["entry_status"])
    return DomainError(err.code, params)


def check(rule, *args) -> None:
    """Run a pure rule; its error becomes a `DomainError` with readable parameters."""
    as_domain(rule, *args, refused=_refused)


def require_admin(actor: Person, coop: Cooperative) -> None:
    if actor is None or not can_admin(actor, coop):
        raise Forbidden()
