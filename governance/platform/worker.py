"""`flask worker`: the background work of a production deployment (JOBS=worker), out of the
web processes. The queue is the database itself: jobs (imports) and queued mail are rows,
claimed by conditional updates, so any number of workers share it and a worker killed midway
loses nothing — its job's heartbeat stops and the job goes back to the queue (up to
AUTOMATIC_ATTEMPTS, then the secretariat retries it from the job's page); its claimed mail is
sent again once the claim's lease has passed (`mail_queue.LEASE`)."""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app

from ..models import Job, QueuedMail
from . import jobs, mail_queue
from .clock import utcnow
from .extensions import db
from .journal import record
from .service import SYSTEM

POLL_S = 1.0  # an idle worker looks at the queue this often
AUTOMATIC_ATTEMPTS = 3


def requeue_dead() -> int:
    """Put back in the queue the jobs whose process died (no progress for `jobs.STALE`)."""
    candidates = db.session.scalars(sa.select(Job).where(
        Job.state == "running", Job.attempts < AUTOMATIC_ATTEMPTS, Job.data.is_not(None))).all()
    requeued = 0
    for job in candidates:
        if not jobs.can_retry(job):
            continue
        if db.session.execute(sa.update(Job).where(
                Job.id == job.id, Job.state == "running", Job.attempts == job.attempts)
                .values(state="queued", heartbeat_at=None)).rowcount:
            record(SYSTEM, "job.requeue", "job", job.id, cooperative_id=job.cooperative_id,
                   after={"kind": job.kind, "attempt": job.attempts + 1})
            requeued += 1
    db.session.commit()
    return requeued


def once() -> dict[str, int]:
    """One pass: dead jobs requeued, queued jobs run, new mail sent (the clock retries what
    failed, once a minute)."""
    done = {"requeued": requeue_dead(), "jobs": 0, "sent": 0, "failed": 0}
    for job_id in db.session.scalars(sa.select(Job.id).where(Job.state == "queued")
                                     .order_by(Job.id)).all():
        if jobs.run(job_id) != "skipped":  # another worker took it
            done["jobs"] += 1
    if db.session.scalar(sa.select(QueuedMail.id).where(
            mail_queue.waiting(utcnow()), QueuedMail.attempts == 0).limit(1)):
        done["sent"], done["failed"] = mail_queue.send_queued(retries=False)  # retries: clock
    return done


def forever() -> None:
    """`flask worker`: work until stopped, looking again at once while there was work."""
    while True:
        done = once()
        db.session.remove()
        if any(done.values()):
            current_app.logger.info("worker: %s", done)
        else:
            time.sleep(POLL_S)
