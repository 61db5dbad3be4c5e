"""Every write of the governance package: permission check, one transaction, audit entry.

`@service` makes a function one transaction: it commits when the outermost service returns and
rolls everything back when it raises. Services raise `Forbidden` or `DomainError`; views turn
them into a 403 page or a translated message.
"""
from __future__ import annotations

import functools
import inspect
from contextvars import ContextVar

from ..rules import RuleError
from .extensions import db

_depth: ContextVar[int] = ContextVar("service_depth", default=0)


class Forbidden(Exception):
    """The actor may not do this."""


class System:
    """The platform acting on its own: the scheduler closing a vote at its time, an assembly
    opening its resolutions' votes, the demo loader, the operators' commands. Journaled as
    "system", with no person. `None` is never an actor: a service given it refuses."""

    id = None
    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()


class DomainError(RuleError):
    """A rule refused the change; nothing was saved."""


class Shown:
    """A message parameter formatted when the message is built, in the reader's language (its
    repr stays the plain value, for logs and tests)."""

    def __init__(self, fn, value):
        self.fn, self.value = fn, value

    def __str__(self) -> str:
        return str(self.fn(self.value))

    def __repr__(self) -> str:
        return repr(self.value)


def as_domain(rule, *args, refused=None, **kwargs):
    """Call a pure rule; its refusal becomes a `DomainError` (made by `refused(err)` when given,
    to show its parameters in words)."""
    try:
        return rule(*args, **kwargs)
    except RuleError as err:
        raise (refused(err) if refused else DomainError(err.code, err.params)) from None


def service(fn):
    """Run `fn` as one transaction (nested services join the outer one). A service whose first
    parameter is `actor` refuses `None` (`Forbidden`): the system acts as `SYSTEM`."""
    takes_actor = next(iter(inspect.signature(fn).parameters), None) == "actor"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if takes_actor and (args[0] if args else kwargs.get("actor")) is None:
            raise Forbidden("no actor: the system acts as SYSTEM")
        token = _depth.set(_depth.get() + 1)
        try:
            result = fn(*args, **kwargs)
            if _depth.get() == 1:
                db.session.commit()
            return result
        except BaseException:
            if _depth.get() == 1:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)

    return wrapper
