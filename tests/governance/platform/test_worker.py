"""`flask worker` (JOBS=worker): the web process only queues; the worker runs the jobs, sends
the mail, and puts back in the queue a job whose process died, up to its automatic attempts."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, Job, QueuedMail
from governance.platform import jobs, worker
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from tests.governance.platform.test_jobs import SAMPLE, members, start_import


@pytest.fixture
def worker_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS", "worker")


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_the_worker_runs_what_the_web_process_queued(client, coop, admin, login, runner,
                                                     worker_mode):
    login(admin)
    page = start_import(client)
    job = db.session.scalar(sa.select(Job))
    job_id = job.id
    assert job.state == "queued" and members(coop) == 0  # nothing ran in the web process
    assert 'hx-trigger="every 1s"' in client.get(page).text  # its page waits for it
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "jobs 1" in result.output
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == "done" and members(coop) == 10
    assert "jobs 0" in runner.invoke(args=["worker", "--once"]).output  # done once


def _dead_job(coop, admin, attempts: int) -> Job:
    job = Job(kind="register_import", cooperative_id=coop.id, person_id=admin.id, data=SAMPLE,
              sha256="0" * 64, state="running", attempts=attempts,
              heartbeat_at=utcnow() - jobs.STALE - timedelta(seconds=1))
    db.session.add(job)
    db.session.commit()
    return job


def test_a_job_whose_process_died_is_run_again(coop, admin, worker_mode):
    job_id = _dead_job(coop, admin, attempts=1).id
    assert worker.once() == {"requeued": 1, "jobs": 1, "sent": 0, "failed": 0}
    job = db.session.get(Job, job_id)
    assert (job.state, job.attempts) == ("done", 2) and members(coop) == 10
    assert db.session.scalar(sa.select(AuditEntry.action).where(
        AuditEntry.action == "job.requeue")) == "job.requeue"


def test_a_job_alive_or_out_of_automatic_attempts_is_left_alone(coop, admin, worker_mode):
    alive = _dead_job(coop, admin, attempts=1)
    alive.heartbeat_at = utcnow()
    db.session.commit()
    _dead_job(coop, admin, attempts=worker.AUTOMATIC_ATTEMPTS)  # for the secretariat now
    assert worker.once()["requeued"] == 0 and members(coop) == 0


def test_the_worker_sends_the_mail_the_web_process_queued(app, smart_vote, worker_mode):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedMail).where(
        QueuedMail.sent_at.is_(None))) == 6  # the request sent nothing
    assert worker.once()["sent"] == 6
    assert worker.once()["sent"] == 0


@pytest.fixture
def smart_vote(app, client, make_coop, make_person, make_member, worker_mode):
    from tests.conftest import PASSWORD
    from tests.votes.test_views import SMALL_OK, new_vote
    coop = make_coop("smart", colleges=[("a", "A", "2/5"), ("b", "B", "3/10"),
                                        ("c", "C", "3/10")])
    admin = make_person("vadmin@example.org", roles={coop: "admin"})
    for college in "aabbbc":
        make_member(coop, college=college)
    vote = new_vote(coop, admin, open_now=False)
    client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert client.post(f"/votes/{vote.id}/open", data=SMALL_OK).status_code in (302, 303)
    return vote


def test_the_worker_leaves_failed_mail_to_the_clock_s_minute(app, smart_vote, monkeypatch):
    from governance.platform import mail_queue
    from tests.servers import free_port
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    assert worker.once()["failed"] == 6
    assert worker.once()["failed"] == 0  # no tight loop using up the attempts
    assert mail_queue.send_queued() == (0, 6)  # the clock's retry
