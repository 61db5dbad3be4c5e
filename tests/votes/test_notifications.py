"""Opening a vote queues one notice per voter, in their language, sent after the request;
`flask mail send` sends what is left and keeps failures for the next run."""
import pytest
import sqlalchemy as sa

from governance.models import QueuedMail
from governance.platform.extensions import db
from governance.platform.mail_queue import send_queued
from governance.platform.service import DomainError
from votes import services as svc

from .test_views import EN, SMALL_OK, new_vote, outbox_mail


def queued(sent: bool | None = None) -> list[QueuedMail]:
    stmt = sa.select(QueuedMail)
    if sent is not None:
        stmt = stmt.where(QueuedMail.sent_at.is_not(None) if sent else QueuedMail.sent_at.is_(None))
    return db.session.scalars(stmt).all()


def test_opening_notifies_every_voter_in_their_language(app, smart, user):
    coop, admin, voters = smart
    voters[0].locale = "en"
    db.session.commit()
    vote = new_vote(coop, admin, open_now=False)
    page = user(admin).post(f"/votes/{vote.id}/open", data=SMALL_OK, headers=EN,
                            follow_redirects=True)
    assert "6 voters on the roll" in page.get_data(as_text=True)
    assert len(queued(sent=True)) == 6 and queued(sent=False) == []
    english = outbox_mail(app, voters[0].email)
    assert "Vote open: Plan de continuation" in english and f"/votes/{vote.id}" in english
    assert "Scrutin ouvert : Plan de continuation" in outbox_mail(app, voters[1].email)


def test_mail_queued_by_a_refused_change_is_never_sent(app):
    from governance.platform.mail_queue import queue
    from governance.platform.service import service

    @service
    def refused():
        queue("someone@example.org", "Subject", "Body")
        raise DomainError("vote_not_open", {})

    with pytest.raises(DomainError):
        refused()
    assert queued() == []


def test_failures_stay_queued_and_the_command_retries_them(app, smart, runner):
    coop, admin, _ = smart
    vote = new_vote(coop, admin, open_now=False)
    with app.test_request_context():
        svc.open_vote(admin, vote)  # queued only: the view sends
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens there
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "0 message(s) sent, 6 failed" in result.output
    waiting = queued(sent=False)
    assert len(waiting) == 6 and all(m.attempts == 1 and m.last_error for m in waiting)
    app.config.update(MAIL_SERVER=None)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "6 message(s) sent, 0 failed" in result.output
    with app.app_context():
        assert send_queued() == (0, 0)  # claimed and sent once: never again


def test_a_sender_that_died_holding_a_claim_loses_it_after_the_lease(app, smart):
    from datetime import timedelta

    from governance.platform.clock import utcnow
    from governance.platform.mail_queue import LEASE
    coop, admin, _ = smart
    with app.test_request_context():
        svc.open_vote(admin, new_vote(coop, admin, open_now=False))
    [first, *others] = queued()
    first.claimed_at, first.attempts = utcnow(), 1  # claimed, then the process was killed
    db.session.commit()
    assert send_queued() == (5, 0)  # a live claim is left alone
    first.claimed_at = utcnow() - LEASE - timedelta(seconds=1)
    db.session.commit()
    assert send_queued() == (1, 0)  # the dead sender's message is not lost
    assert queued(sent=False) == []


def test_given_up_messages_are_listed_and_put_back(app, smart, runner):
    from governance.platform.mail_queue import MAX_ATTEMPTS
    coop, admin, _ = smart
    with app.test_request_context():
        svc.open_vote(admin, new_vote(coop, admin, open_now=False))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens there
    for _ in range(MAX_ATTEMPTS):
        assert send_queued() == (0, 6)
    assert send_queued() == (0, 0)  # given up
    listed = runner.invoke(args=["mail", "failed"])
    assert "6 message(s) given up after 5 attempts" in listed.output
    assert all(m.to in listed.output for m in queued())
    assert runner.invoke(args=["mail", "retry"]).exit_code == 2
    one = queued()[0].id
    assert "1 message(s) back" in runner.invoke(args=["mail", "retry", str(one)]).output
    app.config.update(MAIL_SERVER=None)
    assert send_queued() == (1, 0)
    assert "5 message(s) back" in runner.invoke(args=["mail", "retry", "--all"]).output
    assert send_queued() == (5, 0)


def test_the_secretariat_sends_its_undelivered_mail_again(app, smart, user, make_coop,
                                                           make_person):
    from governance.models import AuditEntry
    from governance.platform.mail_queue import MAX_ATTEMPTS, queue
    coop, admin, _ = smart
    with app.test_request_context():
        svc.open_vote(admin, new_vote(coop, admin, open_now=False))
    other = make_coop("other")
    queue("stranger@example.org", "Other's convocation", "Body", other.id)
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens there
    for _ in range(MAX_ATTEMPTS):
        send_queued()
    app.config.update(MAIL_SERVER=None)
    browser = user(admin)
    page = browser.get(f"/c/{coop.slug}/mail", headers=EN).get_data(as_text=True)
    assert page.count('name="message"') == 6  # its own six, not the other cooperative's
    assert "stranger@example.org" not in page and "Plan de continuation" in page
    first = min((m for m in queued() if m.cooperative_id == coop.id), key=lambda m: m.id)
    sent = browser.post(f"/c/{coop.slug}/mail/send-again", data={"message": str(first.id)},
                        headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "1 message will be sent again within a minute." in sent
    assert sent.count('name="message"') == 5
    for nonsense in ("x" * 40, "²", "9" * 40, "-1", "\u0663"):  # sends nothing, never a 500
        assert browser.post(f"/c/{coop.slug}/mail/send-again", data={"message": nonsense},
                            headers=EN).status_code == 303
    browser.post(f"/c/{coop.slug}/mail/send-again", data={"all": "1"}, headers=EN)
    assert send_queued() == (6, 0)  # its six; the other cooperative's stays given up
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "mail.send_again")).all()
    assert len(entries) == 2
