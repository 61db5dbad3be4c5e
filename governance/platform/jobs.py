"""Jobs run after the request that asked for them, with a progress the waiting page shows.

An import's confirmation is too long for a request (26,000 lines take minutes): `submit` keeps
the checked file in a `Job` row, and the job runs after the response, in a thread of the web
process (inline when testing), or, with JOBS=worker, in `flask worker` (`platform.worker`).
The work is ONE transaction that also marks the job done, so that a job is done exactly when
its work committed. Its progress goes through a channel that does not wait for that
transaction: a second, autocommit connection on PostgreSQL, a file in the instance folder on
SQLite (whose single writer is busy with the work).

A job whose work failed, or whose process died (no progress for STALE), can be tried again
from the kept file (`retry`), once: a conditional update on its attempt number lets a single
request restart it, and only the latest attempt may commit.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g

from ..models import Cooperative, Job, Person
from ..permissions import can_admin
from ..register_csv import LineError
from ..services.imports import ImportRefused
from .clock import utcnow
from .extensions import db
from .journal import record
from .service import Forbidden, service

STATES = ("queued", "running", "done", "refused", "failed")
# No progress for this long: the process running it has died (JOB_STALE_S changes it).
STALE = timedelta(seconds=60)
KEEP = timedelta(hours=24)  # a failed job's file is kept this long for a retry
BEAT_S = 0.5  # at most one progress write per this many seconds
SHOWN_ERRORS = 1000


@dataclass(frozen=True)
class Kind:
    """What a kind of job does: `run(actor, coop, data, progress) -> count` (one service),
    and `check(actor, coop, data)`, which tells a conflict from a refusal after an
    IntegrityError (another write took a number or an email meanwhile)."""

    run: Callable
    check: Callable


KINDS: dict[str, Kind] = {}


# --- asking for a job, and trying it again ---------------------------------------------------

@service
def submit(actor: Person, coop: Cooperative, kind: str, data: bytes) -> Job:
    """Keep `data` for a job of `kind`, started after this request. Secretariat only."""
    if not can_admin(actor, coop):
        raise Forbidden()
    _forget_old_files()
    job = Job(kind=kind, cooperative_id=coop.id, person_id=actor.id, data=data,
              sha256=hashlib.sha256(data).hexdigest())
    db.session.add(job)
    db.session.flush()
    record(actor, "job.submit", "job", job.id, cooperative_id=coop.id,
           after={"kind": kind, "sha256": job.sha256})
    g.setdefault("jobs_to_start", []).append(job.id)
    return job


def can_retry(job: Job) -> bool:
    """A job that failed, or whose process died, with its file still kept."""
    if job.state == "running":
        beat = progress(job)[2] or job.created_at
        return utcnow() - beat > timedelta(seconds=current_app.config["JOB_STALE_S"])
    return job.state == "failed" and utcnow() - job.created_at < KEEP


@service
def retry(actor: Person, job: Job) -> bool:
    """Start a failed (or dead) job again from its kept file; False when it cannot be."""
    coop = db.session.get(Cooperative, job.cooperative_id)
    if not can_admin(actor, coop):
        raise Forbidden()
    if not can_retry(job):
        return False
    restarted = db.session.execute(
        sa.update(Job).where(Job.id == job.id, Job.attempts == job.attempts,
                             Job.state == job.state, Job.data.is_not(None))
        .values(state="queued", result=None, done=0, finished_at=None,
                heartbeat_at=None)).rowcount
    if not restarted:
        return False
    record(actor, "job.retry", "job", job.id, cooperative_id=coop.id,
           after={"kind": job.kind, "attempt": job.attempts + 1})
    g.setdefault("jobs_to_start", []).append(job.id)
    return True


def _forget_old_files() -> None:
    """Drop the files of jobs that ended long ago without being tried again."""
    db.session.execute(sa.update(Job).where(
        Job.data.is_not(None), Job.state.in_(("failed", "running")),
        Job.created_at < utcnow() - KEEP).values(data=None, state="failed"))


# --- running ---------------------------------------------------------------------------------

def init_app(app) -> None:
    """Start, once its response is ready, every job a request submitted or restarted."""

    @app.after_request
    def _start_jobs(response):
        for job_id in g.pop("jobs_to_start", []):
            start(app, job_id)
        return response


def start(app, job_id: int) -> None:
    """Run the job in a thread of this process, or now when `JOBS_INLINE` (tests); with
    JOBS=worker, leave it in the queue for `flask worker`."""
    def work():
        with app.app_context():
            try:
                run(job_id)
            except Exception:  # noqa: BLE001 - a background thread must not die silently
                app.logger.exception("job %s failed", job_id)
            finally:
                db.session.remove()

    if app.config["JOBS"] == "worker":
        return
    if app.config.get("JOBS_INLINE", app.testing):
        work()
    else:
        threading.Thread(target=work, name=f"job-{job_id}").start()


def run(job_id: int) -> str:
    """Claim a queued job and do its work; returns the state it ended in."""
    attempt = db.session.scalar(sa.select(Job.attempts).where(Job.id == job_id)) or 0
    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.state == "queued", Job.attempts == attempt)
        .values(state="running", attempts=attempt + 1, heartbeat_at=utcnow())).rowcount
    db.session.commit()
    if not claimed:
        return "skipped"
    attempt += 1
    job = db.session.get(Job, job_id)
    actor = db.session.get(Person, job.person_id)
    coop = db.session.get(Cooperative, job.cooperative_id)
    data, kind = job.data, KINDS[job.kind]
    g.cache_roles = True  # one permission check per line would cost more than the line
    beat = Progress(job_id, attempt)
    try:
        _work(kind, actor, coop, data, job_id, attempt, beat)
    except ImportRefused as err:
        return _end(job_id, attempt, "refused", _errors(err.errors))
    except Forbidden:
        return _end(job_id, attempt, "refused", {"reason": "forbidden"})
    except sa.exc.IntegrityError:
        db.session.rollback()
        try:
            result = kind.check(actor, coop, data)
        except Exception:  # noqa: BLE001
            result = None
        if result is not None and not result.ok:
            return _end(job_id, attempt, "refused", _errors(result.errors))
        return _end(job_id, attempt, "failed", {"reason": "changed"}, keep=True)
    except _Superseded:
        return "superseded"
    except Exception:
        db.session.rollback()
        current_app.logger.exception("job %s failed", job_id)
        return _end(job_id, attempt, "failed", {"reason": "error"}, keep=True)
    finally:
        beat.close()
    return "done"


class _Superseded(Exception):
    """A later attempt took the job over: this one must not commit."""


@service
def _work(kind: Kind, actor, coop, data, job_id: int, attempt: int, beat) -> int:
    count = kind.run(actor, coop, data, beat)
    ended = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.attempts == attempt)
        .values(state="done", data=None, done=count, total=count, result={"count": count},
                finished_at=utcnow())).rowcount
    if not ended:
        raise _Superseded()
    return count


def _end(job_id: int, attempt: int, state: str, result: dict, keep: bool = False) -> str:
    values = {"state": state, "result": result, "finished_at": utcnow()}
    if not keep:
        values["data"] = None
    db.session.rollback()
    db.session.execute(sa.update(Job).where(Job.id == job_id, Job.attempts == attempt)
                       .values(**values))
    db.session.commit()
    return state


def _errors(errors: list[LineError]) -> dict:
    return {"errors": [[e.line, e.code, e.params] for e in errors[:SHOWN_ERRORS]],
            "error_count": len(errors)}


# --- progress --------------------------------------------------------------------------------

class Progress:
    """`progress(done, total)`, called by the work; written at most every BEAT_S outside the
    work's transaction, so that another request sees it."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt, self.last = job_id, attempt, 0.0
        self.conn = None
        if db.engine.dialect.name != "sqlite":
            self.conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < BEAT_S and done < total:
            return
        self.last = now
        if self.conn is None:
            _write_file(_progress_file(self.job_id),
                        {"attempt": self.attempt, "done": done, "total": total,
                         "at": utcnow().isoformat()})
            return
        self.conn.execute(sa.update(Job).where(Job.id == self.job_id,
                                               Job.attempts == self.attempt)
                          .values(done=done, total=total, heartbeat_at=utcnow()))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        _progress_file(self.job_id).unlink(missing_ok=True)


def progress(job: Job) -> tuple[int, int, object]:
    """(done, total, last heartbeat) of a job, from the channel its work writes to."""
    try:
        seen = json.loads(_progress_file(job.id).read_text())
    except (OSError, ValueError):
        seen = None
    if seen and seen.get("attempt") == job.attempts and job.state == "running":
        return seen["done"], seen["total"], datetime.fromisoformat(seen["at"])
    return job.done, job.total, job.heartbeat_at


def _progress_file(job_id: int) -> Path:
    return Path(current_app.instance_path) / "jobs" / f"{job_id}.json"


def _write_file(path: Path, values: dict) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(values))
    os.replace(tmp, path)
