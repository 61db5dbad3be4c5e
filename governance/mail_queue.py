"""Notifications sent after the request: queued in the writing transaction, sent from it.

`queue()` adds a message inside a service's transaction, so it leaves only if the change
commits. `send_queued()` sends what waits, claiming each message with a conditional update so
that two senders never send it twice. A view that queued mail calls `send_in_background()`
after its service; `flask mail send` (run by cron, like `votes close-due`) sends what a stopped
process left and retries failures, up to MAX_ATTEMPTS.
"""
from __future__ import annotations

import sqlalchemy as sa

from .extensions import db
from .mail import Mailer, MailError, in_background
from .models import QueuedMail, utcnow

MAX_ATTEMPTS = 5


def queue(to: str, subject: str, body: str) -> None:
    db.session.add(QueuedMail(to=to, subject=subject, body=body))


def send_queued() -> tuple[int, int]:
    """Send every waiting message once; (sent, failed)."""
    ids = db.session.scalars(sa.select(QueuedMail.id).where(
        QueuedMail.sent_at.is_(None), QueuedMail.attempts < MAX_ATTEMPTS)
        .order_by(QueuedMail.id)).all()
    sent = failed = 0
    with Mailer() as mailer:  # one connection to the mail server for the whole queue
        for mail_id in ids:
            claimed = db.session.execute(
                sa.update(QueuedMail).where(QueuedMail.id == mail_id, QueuedMail.sent_at.is_(None),
                                            QueuedMail.attempts < MAX_ATTEMPTS)
                .values(attempts=QueuedMail.attempts + 1, sent_at=utcnow())).rowcount
            db.session.commit()  # the claim: another sender now skips this message
            if not claimed:
                continue
            mail = db.session.get(QueuedMail, mail_id)
            try:
                mailer.send(mail.to, mail.subject, mail.body)
                sent += 1
            except MailError as err:
                mail.sent_at, mail.last_error = None, str(err)[:300]
                failed += 1
            db.session.commit()
    return sent, failed


def send_in_background() -> None:
    """Send the queue after this request, in the mail thread (inline when testing)."""
    in_background(send_queued)
