"""Login sessions kept on the server: a cookie names one, and ending it (logout, a new
password, "log out everywhere") ends every copy of that cookie."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..models import LoginSession, Person
from ..platform.clock import utcnow
from ..platform.extensions import db
from ..platform.journal import record
from ..platform.service import Forbidden, service
from ..platform.urls import ID_MAX


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(person: Person, second_factor: bool = False) -> str:
    """A new login session of `person`, inside the caller's transaction; sets and returns its
    token (what `Person.get_id` gives Flask-Login). `second_factor`: opened with a TOTP or
    recovery code after the password."""
    token = secrets.token_urlsafe(24)
    db.session.add(LoginSession(person_id=person.id, token_hash=_digest(token),
                                second_factor=second_factor))
    person.session_token = token
    return token


@service
def log_in(person: Person, second_factor: bool = False) -> None:
    """Open a session for a person whose password (or link) was just checked."""
    open_session(person, second_factor)


def person_of(session_id: str) -> Person | None:
    """The person of a live session ("<person id>.<token>", as in the cookie), else None."""
    person_id, _, token = session_id.partition(".")
    if not (person_id.isdigit() and int(person_id) <= ID_MAX and token):
        return None
    since = utcnow() - timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
    person = db.session.scalar(sa.select(Person).join(
        LoginSession, LoginSession.person_id == Person.id).where(
        Person.id == int(person_id), LoginSession.token_hash == _digest(token),
        LoginSession.ended_at.is_(None), LoginSession.created_at > since))
    if person is not None:
        person.session_token = token
    return person


def end_others(person: Person) -> int:
    """End the person's sessions but the current one (inside the caller's transaction, e.g.
    a password change; a reset link has none, so it ends them all). Returns how many."""
    keep = [_digest(person.session_token)] if person.session_token else []
    return db.session.execute(sa.update(LoginSession).where(
        LoginSession.person_id == person.id, LoginSession.ended_at.is_(None),
        LoginSession.token_hash.not_in(keep)).values(ended_at=utcnow())).rowcount


@service
def log_out(person: Person) -> None:
    """End this session: a copy of its cookie no longer logs anyone in."""
    if person.session_token:
        db.session.execute(sa.update(LoginSession).where(
            LoginSession.token_hash == _digest(person.session_token)).values(ended_at=utcnow()))


@service
def log_out_everywhere(actor: Person) -> int:
    """End every session of the actor's account, this one included. Returns how many."""
    if actor is None or not actor.is_authenticated:
        raise Forbidden()
    ended = db.session.execute(sa.update(LoginSession).where(
        LoginSession.person_id == actor.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())).rowcount
    record(actor, "account.sessions_end", "person", actor.id, after={"sessions": ended})
    return ended


def live_count(person: Person) -> int:
    """How many sessions of the account are open."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession).where(
        LoginSession.person_id == person.id, LoginSession.ended_at.is_(None)))
