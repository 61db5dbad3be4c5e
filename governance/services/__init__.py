"""Every write of the governance package: permission check, one transaction, audit entry.

`@service` makes a function one transaction: it commits when the outermost service returns and
rolls everything back when it raises. Services raise `Forbidden` or `DomainError`; views turn
them into a 403 page or a translated message.
"""
from __future__ import annotations

import functools
from contextvars import ContextVar

from ..extensions import db
from ..rules import RuleError

_depth: ContextVar[int] = ContextVar("service_depth", default=0)


class Forbidden(Exception):
    """The actor may not do this."""


class DomainError(RuleError):
    """A rule refused the change; nothing was saved."""


def service(fn):
    """Run `fn` as one transaction (nested services join the outer one)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
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
