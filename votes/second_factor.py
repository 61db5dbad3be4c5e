"""A second factor before voting (CNIL recommendation 2019-053, level 2): the voter asks for a
one-time code, gets it by email, and types it in before their ballot is accepted; a voter who
logged in with their authenticator app (`governance.services.two_factor`) already has it.

The code is stored as a keyed hash, good for ten minutes and five tries; a new one can be asked
for once a minute. What is kept says that a voter confirmed a code for a vote, never what they
voted."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.mail import MailError, send
from governance.platform.service import DomainError, Forbidden, service
from governance.services import two_factor

from . import rules
from .models import RollEntry, Vote, VoteCode


def _digest(vote_id: int, person_id: int, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{vote_id}:{person_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _voter(actor: Person | None, vote: Vote) -> None:
    """Only a voter on the roll who has not voted yet asks for or types a code."""
    if actor is None or not actor.is_authenticated:
        raise Forbidden()
    entry = db.session.scalar(sa.select(RollEntry).where(RollEntry.vote_id == vote.id,
                                                         RollEntry.person_id == actor.id))
    if entry is None:
        raise Forbidden()
    if entry.voted:
        raise DomainError("already_voted", {})


def _code_row(vote: Vote, actor: Person, lock: bool = False) -> VoteCode | None:
    query = sa.select(VoteCode).where(VoteCode.vote_id == vote.id,
                                      VoteCode.person_id == actor.id)
    return db.session.scalar(query.with_for_update() if lock else query)


@service
def send_code(actor: Person, vote: Vote, now: datetime | None = None) -> None:
    """Email the voter a new six-digit code for this vote."""
    now = now or utcnow()
    _voter(actor, vote)
    row = _code_row(vote, actor, lock=True)
    if row is not None and not rules.may_resend(now, row.sent_at):
        raise DomainError("code_too_soon", {"seconds": rules.RESEND_SECONDS})
    code = f"{secrets.randbelow(10**6):06d}"
    if row is None:
        row = VoteCode(vote_id=vote.id, person_id=actor.id)
        db.session.add(row)
    row.code_hash, row.sent_at = _digest(vote.id, actor.id, code), now
    row.expires_at = now + timedelta(minutes=rules.CODE_MINUTES)
    row.attempts, row.confirmed = 0, False
    db.session.flush()
    try:
        send(actor.email, _("Your code to vote in “%(title)s”", title=vote.title),
             _("Your code to vote in “%(title)s”: %(code)s\n\nIt is good for %(minutes)s "
               "minutes. If you did not ask for it, someone may know your password: change it.",
               title=vote.title, code=code, minutes=rules.CODE_MINUTES))
    except MailError:
        raise DomainError("code_not_sent", {}) from None


@service
def confirm_code(actor: Person, vote: Vote, code: str, now: datetime | None = None) -> None:
    """Check the code the voter typed; five wrong tries and a new one must be asked for."""
    now = now or utcnow()
    _voter(actor, vote)
    row = _code_row(vote, actor, lock=True)
    if row is None:
        raise DomainError("code_none", {})
    typed = "".join((code or "").split())
    matches = hmac.compare_digest(row.code_hash, _digest(vote.id, actor.id, typed))
    problem = rules.code_problem(now, row.expires_at, row.attempts, matches)
    if problem is not None:
        if problem == "code_wrong":
            row.attempts += 1
            db.session.commit()  # the failed try counts even though the service refuses
        raise DomainError(problem, {"minutes": rules.CODE_MINUTES})
    row.confirmed = True


def confirmed(vote: Vote, person: Person) -> bool:
    """Whether the voter confirmed a code for this vote, or logged in with their authenticator
    app (the same level 2), or none is asked."""
    if not vote.second_factor or two_factor.session_has_it(person):
        return True
    return bool(db.session.scalar(sa.select(VoteCode.confirmed).where(
        VoteCode.vote_id == vote.id, VoteCode.person_id == person.id)))
