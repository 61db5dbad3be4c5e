"""A second factor at login: a TOTP code from an authenticator app (RFC 6238, pyotp), or one
of ten single-use recovery codes. Required of the secretariat and the board (`required`);
members may turn it on. A code is accepted once: the step it belongs to must be later than the
last one accepted, so that a code seen over a shoulder cannot log in again.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from ..models import CoopRole, LoginSession, Person, RecoveryCode, Role
from ..platform.clock import utcnow
from ..platform.extensions import db
from ..platform.journal import record
from ..platform.service import SYSTEM, DomainError, Forbidden, service
from ..rules import login as rules
from .accounts import _verify

ISSUER = "coopgov"
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment(person: Person, secret: str) -> tuple[str, str]:
    """The otpauth:// address of `secret` and its QR code as an SVG data URI."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=person.email, issuer_name=ISSUER)
    return uri, segno.make(uri, error="m").svg_data_uri(scale=5, dark="#1a1a1a")


def required(person: Person) -> bool:
    """Whether the person's roles ask for a second factor (secretariat, board, platform)."""
    if not current_app.config.get("TWO_FACTOR_REQUIRED", True):
        return False
    roles = set(db.session.scalars(sa.select(CoopRole.role).where(
        CoopRole.person_id == person.id, CoopRole.role.in_((Role.ADMIN, Role.BOARD)))))
    return rules.second_factor_required({getattr(r, "value", r) for r in roles},
                                        person.is_platform_admin)


def _step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The 30-second step `code` belongs to (this one, or one either side for a slow clock),
    if it is later than `last_step`; else None."""
    code = "".join((code or "").split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) \
                and rules.totp_step_fresh(step, last_step):
            return step
    return None


def _digest(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def _new_recovery_codes(person: Person) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 40 bits, shown as xxxxx-xxxxx
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(person_id=person.id, code_hash=_digest(raw)))
    return codes


def _mark_session(person: Person) -> None:
    """This login session now has a second factor (`votes` and assemblies may ask for it)."""
    if person.session_token:
        digest = hashlib.sha256(person.session_token.encode()).hexdigest()
        db.session.execute(sa.update(LoginSession).where(LoginSession.token_hash == digest)
                           .values(second_factor=True))


def _own(actor: Person | None) -> None:
    if actor is None or not actor.is_authenticated:
        raise Forbidden()


@service
def enable(actor: Person, secret: str, code: str) -> list[str]:
    """Turn the second factor on with the app's first code; returns the recovery codes, shown
    once."""
    _own(actor)
    if actor.totp_secret:
        raise DomainError("totp_already_on", {})
    step = _step(secret, code, None)
    if step is None:
        raise DomainError("totp_wrong_code", {})
    actor.totp_secret, actor.totp_since, actor.totp_last_step = secret, utcnow(), step
    codes = _new_recovery_codes(actor)
    _mark_session(actor)
    record(actor, "account.totp_on", "person", actor.id)
    return codes


@service
def disable(actor: Person, password: str) -> Person:
    """Turn it off (with the password); not for a role that requires it."""
    _own(actor)
    if required(actor):
        raise DomainError("totp_required_by_role", {})
    if not _verify(actor.password_hash, password):
        raise DomainError("wrong_password", {})
    actor.totp_secret = actor.totp_since = actor.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == actor.id))
    record(actor, "account.totp_off", "person", actor.id)
    return actor


@service
def reset(email: str) -> Person:
    """The operators turn a person's second factor off (a lost phone and lost recovery codes,
    once they checked who the person is: `flask accounts reset-second-factor`); the person
    sets it up again at their next login. Journaled as done by the platform."""
    from .accounts import find_by_email
    person = find_by_email(email)
    if person is None or not person.totp_secret:
        raise DomainError("totp_not_on", {})
    person.totp_secret = person.totp_since = person.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    record(SYSTEM, "account.totp_reset", "person", person.id)
    return person


@service
def renew_recovery_codes(actor: Person, password: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working)."""
    _own(actor)
    if not actor.totp_secret:
        raise DomainError("totp_not_on", {})
    if not _verify(actor.password_hash, password):
        raise DomainError("wrong_password", {})
    record(actor, "account.recovery_codes", "person", actor.id)
    return _new_recovery_codes(actor)


@service
def check(person: Person, code: str) -> str | None:
    """At login, after the password: "totp" or "recovery" when `code` is right (a recovery
    code is then used up), else None. A TOTP code is accepted once."""
    locked = db.session.scalar(sa.select(Person).where(Person.id == person.id)
                               .with_for_update())
    step = _step(locked.totp_secret, code, locked.totp_last_step) if locked.totp_secret else None
    if step is not None:
        locked.totp_last_step = step
        return "totp"
    used = db.session.execute(sa.update(RecoveryCode).where(
        RecoveryCode.person_id == person.id, RecoveryCode.code_hash == _digest(code or ""),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow())).rowcount
    if used:
        record(person, "account.recovery_code_used", "person", person.id)
        return "recovery"
    return None


def recovery_left(person: Person) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.person_id == person.id, RecoveryCode.used_at.is_(None)))


def session_has_it(person: Person | None) -> bool:
    """Whether the person's current login session was opened with a second factor."""
    if person is None or not getattr(person, "session_token", None):
        return False
    digest = hashlib.sha256(person.session_token.encode()).hexdigest()
    return bool(db.session.scalar(sa.select(LoginSession.second_factor).where(
        LoginSession.token_hash == digest, LoginSession.ended_at.is_(None))))
