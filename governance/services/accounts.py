"""Accounts: passwords (argon2), authentication, language."""
from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..extensions import db
from ..models import Person
from . import service
from .journal import record

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that timing does not reveal accounts.
_DUMMY = _hasher.hash("coopgov-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this email and password, else None."""
    person = db.session.scalar(sa.select(Person).where(Person.email == (email or "").lower()))
    stored = person.password_hash if person is not None and person.password_hash else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if person is None or not person.password_hash or not person.is_active_account:
        return None
    return person


@service
def set_locale(person: Person, locale: str) -> None:
    """A person chooses their language; stored on the account."""
    if person.locale != locale:
        person.locale = locale
        record(person, "account.locale", "person", person.id, after={"locale": locale})
