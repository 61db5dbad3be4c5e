"""Notifications sent after the request: queued in the writing transaction, sent from it.

`queue()` adds a message inside a service's transaction, so it leaves only if the change
commits. `send_queued()` sends what waits, claiming each message with a conditional update so
that two senders never send it twice (a claim a dead sender held lapses after LEASE). A
request that queued mail sends it after its response (`init_app`), or `flask worker` does
(JOBS=worker); the clock's `mail.send` task, once a minute, sends what a stopped process left
and retries failures, up to MAX_ATTEMPTS; then the cooperative's secretariat sees them
(`given_up`) and can send them again (`try_again`).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context, url_for
from flask_babel import force_locale

from ..models import QueuedMail
from .clock import utcnow
from .extensions import db
from .mail import Mailer, MailError, in_background

MAX_ATTEMPTS = 5  # then the message is given up: `flask mail failed` lists it
LEASE = timedelta(minutes=5)  # a claim older than this was a sender that died


def queue(to: str, subject: str, body: str, cooperative_id: int | None = None) -> None:
    """Add a message to the queue (sent only if the calling service commits); the cooperative
    it is sent for sees it on its mail page if it cannot be sent."""
    db.session.add(QueuedMail(to=to, subject=subject, body=body, cooperative_id=cooperative_id))
    if has_app_context():
        g.mail_queued = True  # sent after the request (`init_app`)


def init_app(app) -> None:
    """Send what a request queued once its response is ready, in the mail thread: no view
    has to remember to (a message whose service rolled back was never queued). With
    JOBS=worker, `flask worker` sends it instead, within a second."""

    @app.after_request
    def _send_queued_mail(response):
        if g.pop("mail_queued", False) and app.config["JOBS"] != "worker":
            send_in_background()
        return response


def queue_each(people: Iterable, coop, subject, body) -> int:
    """Queue `subject` and `body` (lazy strings, with their values) for `coop` to each person
    with an address, written in their language (else the cooperative's). Returns how many."""
    n = 0
    for person in people:
        if person.email:
            with force_locale(person.locale or coop.default_locale):
                queue(person.email, str(subject), str(body), coop.id)
            n += 1
    return n


def link(endpoint: str, **values) -> str:
    """A page's address for a message: absolute within a request, else its path (a close by
    the clock runs without one)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def waiting(now):
    """Unsent, not given up, and claimed by no living sender (a sender that died holding a
    claim for LEASE lost it: its message is sent again, at least once in all)."""
    return sa.and_(QueuedMail.sent_at.is_(None), QueuedMail.attempts < MAX_ATTEMPTS,
                   sa.or_(QueuedMail.claimed_at.is_(None), QueuedMail.claimed_at < now - LEASE))


def send_queued(retries: bool = True) -> tuple[int, int]:
    """Send every waiting message once; (sent, failed). Without `retries`, only the messages
    never tried (the request's thread, the worker): failures wait for the clock's next minute,
    so that a mail server down for a while does not use up their attempts at once."""
    where = [waiting(utcnow())] + ([] if retries else [QueuedMail.attempts == 0])
    ids = db.session.scalars(sa.select(QueuedMail.id).where(*where)
                             .order_by(QueuedMail.id)).all()
    sent = failed = 0
    with Mailer() as mailer:  # one connection to the mail server for the whole queue
        for mail_id in ids:
            now = utcnow()
            claimed = db.session.execute(
                sa.update(QueuedMail).where(QueuedMail.id == mail_id, waiting(now))
                .values(attempts=QueuedMail.attempts + 1, claimed_at=now)).rowcount
            db.session.commit()  # the claim: another sender now skips this message
            if not claimed:
                continue
            mail = db.session.get(QueuedMail, mail_id)
            try:
                mailer.send(mail.to, mail.subject, mail.body)
                mail.sent_at = utcnow()
                sent += 1
            except MailError as err:
                mail.claimed_at, mail.last_error = None, str(err)[:300]
                failed += 1
            db.session.commit()
    return sent, failed


def _given_up(cooperative_id: int | None):
    where = [QueuedMail.sent_at.is_(None), QueuedMail.attempts >= MAX_ATTEMPTS]
    if cooperative_id is not None:
        where.append(QueuedMail.cooperative_id == cooperative_id)
    return where


def given_up(cooperative_id: int | None = None) -> list[QueuedMail]:
    """The dead letters (of one cooperative, else all): messages that failed MAX_ATTEMPTS
    times."""
    return list(db.session.scalars(sa.select(QueuedMail).where(*_given_up(cooperative_id))
                                   .order_by(QueuedMail.id)))


def try_again(ids: list[int] | None, cooperative_id: int | None = None) -> list[int]:
    """Put given-up messages (those of `ids`, else all; of one cooperative, else any) back in
    the queue, in the caller's transaction; the ids put back."""
    stmt = sa.update(QueuedMail).where(*_given_up(cooperative_id))
    if ids is not None:
        stmt = stmt.where(QueuedMail.id.in_(ids))
    return list(db.session.scalars(stmt.values(attempts=0, claimed_at=None)
                                   .returning(QueuedMail.id)))


def send_in_background() -> None:
    """Send the queue after this request, in the mail thread (inline when testing)."""
    in_background(lambda: send_queued(retries=False))
