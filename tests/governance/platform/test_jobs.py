"""Jobs after the request (an import's confirmation): progress seen from outside the work's
transaction, all or nothing, a retry after a failure, and who may see or restart a job."""
from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, Job, Membership
from governance.platform import jobs
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.services.imports import import_register
from governance.services.register import NewMember, add_member
from tests.governance.platform.conftest import COLLEGES

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = (ROOT / "docs" / "register-sample.csv").read_bytes()


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def members(coop) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.cooperative_id == coop.id))


def start_import(client, slug="smartfr", data=SAMPLE) -> str:
    """Upload and confirm a register file; the job page's address."""
    preview = client.post(f"/c/{slug}/members/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(data), "register.csv")})
    token = re.search(r'name="token"[^>]*value="([^"]+)"', preview.text).group(1)
    done = client.post(f"/c/{slug}/members/import/confirm", data={"token": token})
    assert done.status_code == 303
    return done.location


def failing_once(monkeypatch, error: Exception) -> list:
    """Make the register import raise `error` after writing every line, the first time only;
    returns the list of its calls."""
    real, calls = jobs.KINDS["register_import"], []

    def flaky(actor, c, data, progress):
        calls.append(1)
        count = real.run(actor, c, data, progress)
        if len(calls) == 1:
            raise error
        return count

    monkeypatch.setitem(jobs.KINDS, "register_import", jobs.Kind(run=flaky, check=real.check))
    return calls


def outside(job_id: int):
    """The job's row as another connection sees it (committed data only)."""
    with db.engine.connect() as conn:
        return conn.execute(sa.select(Job.state, Job.done, Job.total, Job.attempts)
                            .where(Job.id == job_id)).one()


def test_progress_is_seen_outside_the_work_transaction(client, coop, admin, login, monkeypatch):
    seen = []

    def watched(actor, c, data, progress):
        def spy(done, total):
            progress(done, total)
            if db.engine.dialect.name == "sqlite":  # the file beside the database
                seen.append(jobs.progress(db.session.get(Job, progress.job_id))[:2])
            else:  # the second connection's writes, committed
                seen.append(tuple(outside(progress.job_id)[1:3]))
        return import_register(actor, c, data, spy)

    monkeypatch.setattr(jobs, "BEAT_S", 0)
    monkeypatch.setitem(jobs.KINDS, "register_import",
                        jobs.Kind(run=watched, check=jobs.KINDS["register_import"].check))
    login(admin)
    url = start_import(client)
    job_id = int(url.rsplit("/", 1)[1])
    page = client.get(url)
    assert "10 sociétaires imported." in page.text
    assert seen == [(i, 10) for i in range(10)]
    assert outside(job_id) == ("done", 10, 10, 1)
    assert not (Path(client.application.instance_path) / "jobs" / f"{job_id}.json").exists()
    assert db.session.get(Job, job_id).data is None  # the file is not kept once imported


def test_a_failed_job_is_tried_again_once_and_then_imports(client, coop, admin, login,
                                                           monkeypatch):
    calls = failing_once(monkeypatch, RuntimeError("the worker died"))
    login(admin)
    url = start_import(client)
    page = client.get(url)
    assert "The import stopped before its end; nothing was saved." in page.text
    assert "Try again" in page.text and members(coop) == 0
    job = db.session.scalar(sa.select(Job))
    assert (job.state, job.attempts) == ("failed", 1) and job.data == SAMPLE

    again = client.post(f"{url}/retry")
    assert again.status_code == 303 and again.location == url
    page = client.get(url)
    assert "10 sociétaires imported." in page.text and "Try again" not in page.text
    assert members(coop) == 10 and len(calls) == 2
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.in_(("job.submit", "job.retry", "register.import")))).all()
    assert sorted(actions) == ["job.retry", "job.submit", "register.import"]

    late = client.post(f"{url}/retry")  # a second click, once it is done
    assert "This import cannot be tried again" in client.get(late.location).text
    assert members(coop) == 10 and len(calls) == 2


def test_a_conflict_during_the_import_offers_a_retry(client, coop, admin, login, monkeypatch):
    """Another write took a number meanwhile (the database's unique index said so) while the
    file still passes its checks: nothing was saved, and it may be tried again."""
    failing_once(monkeypatch, sa.exc.IntegrityError("INSERT", {}, Exception("duplicate")))
    login(admin)
    url = start_import(client)
    page = client.get(url)
    assert "changed during the import; nothing was saved" in page.text
    assert "Try again" in page.text and members(coop) == 0
    client.post(f"{url}/retry")
    assert "10 sociétaires imported." in client.get(url).text and members(coop) == 10


def test_a_stale_job_can_be_restarted_by_one_request_only(app, coop, admin):
    job = Job(kind="register_import", cooperative_id=coop.id, person_id=admin.id, data=SAMPLE,
              sha256="0" * 64, state="running", attempts=1, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    assert not jobs.can_retry(job)  # it moved a moment ago
    job.heartbeat_at = utcnow() - jobs.STALE - timedelta(seconds=1)
    db.session.commit()
    assert jobs.can_retry(job)
    with app.test_request_context():
        assert jobs.retry(admin, job) is True
    stale_copy = Job(id=job.id, kind=job.kind, cooperative_id=coop.id, person_id=admin.id,
                     state="running", attempts=1, created_at=job.created_at,
                     heartbeat_at=utcnow() - timedelta(minutes=5))
    db.session.expunge(job)
    with app.test_request_context():  # a second request that read the job before the first
        assert jobs.retry(admin, stale_copy) is False
    assert db.session.get(Job, job.id).state == "queued"


def test_a_retried_job_whose_worker_dies_can_be_retried_again(app, coop, admin):
    job = Job(kind="register_import", cooperative_id=coop.id, person_id=admin.id, data=SAMPLE,
              sha256="0" * 64, state="failed", attempts=1, finished_at=utcnow(),
              result={"reason": "error"})
    db.session.add(job)
    db.session.commit()
    with app.test_request_context():
        assert jobs.retry(admin, job) is True
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.finished_at, job.heartbeat_at) == ("queued", None, None)
    job.state, job.attempts = "running", 2  # its worker claimed it, then died
    job.heartbeat_at = utcnow() - jobs.STALE - timedelta(seconds=1)
    db.session.commit()
    assert jobs.can_retry(job)


def test_an_old_attempt_never_commits_over_a_newer_one(app, coop, admin):
    job = Job(kind="register_import", cooperative_id=coop.id, person_id=admin.id, data=SAMPLE,
              sha256="0" * 64, state="running", attempts=2)
    db.session.add(job)
    db.session.commit()
    with pytest.raises(jobs._Superseded):
        jobs._work(jobs.KINDS["register_import"], admin, coop, SAMPLE, job.id, 1, None)
    assert members(coop) == 0 and db.session.get(Job, job.id).state == "running"


def test_job_pages_are_for_the_cooperatives_secretariat(client, coop, admin, login, make_coop,
                                                        make_person, make_member):
    other = make_coop("other", colleges=COLLEGES)
    make_person("other-admin@example.org", roles={other: "admin"})
    make_person("colleague@example.org", roles={coop: "admin"})
    make_member(coop, "member@example.org", college="soutiens")
    login(admin)
    url = start_import(client)
    job_id = int(url.rsplit("/", 1)[1])
    client.post("/logout")
    assert client.get(url).status_code == 302  # anonymous: to the login page

    for email, page, retry in [("member@example.org", 403, 403),
                               ("other-admin@example.org", 403, 403),
                               ("colleague@example.org", 200, 303)]:
        client.post("/login", data={"email": email, "password": "correct horse battery"})
        assert client.get(url).status_code == page, email
        assert client.post(f"{url}/retry").status_code == retry, email
        client.post("/logout")
    client.post("/login", data={"email": "other-admin@example.org",
                                "password": "correct horse battery"})
    assert client.get(f"/c/other/jobs/{job_id}").status_code == 404  # not that coop's job
    assert client.get("/c/other/jobs/99999999999999999999").status_code == 404


def test_a_job_in_a_thread_is_followed_live(app, client, coop, admin, login, monkeypatch):
    """As in production: the job runs after the response; the page polls with htmx."""
    if db.engine.dialect.name == "sqlite" and ":memory:" in str(db.engine.url):
        pytest.skip("an in-memory database is not shared with a thread")
    gate = []
    real = jobs.KINDS["register_import"]

    def slow(actor, c, data, progress):
        def paced(done, total):
            progress(done, total)
            if done == 5:
                gate.append(1)
                time.sleep(1.5)
        return real.run(actor, c, data, paced)

    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setattr(jobs, "BEAT_S", 0)
    monkeypatch.setitem(jobs.KINDS, "register_import", jobs.Kind(run=slow, check=real.check))
    login(admin)
    url = start_import(client)
    deadline = time.monotonic() + 20
    while not gate and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    live = client.get(url, headers={"HX-Request": "true", "HX-Target": "job-status"})
    assert "<html" not in live.text  # only the status block
    assert 'hx-trigger="every 1s"' in live.text and 'value="5"' in live.text
    assert "5 of 10 lines" in live.text
    page = client.get(url)
    assert '<meta http-equiv="refresh" content="3">' in page.text  # without JavaScript
    while "imported" not in client.get(url).text and time.monotonic() < deadline:
        time.sleep(0.1)
    done = client.get(url)
    assert "10 sociétaires imported." in done.text and "hx-trigger" not in done.text
    db.session.expire_all()
    assert members(coop) == 10


def test_the_import_reports_its_progress_line_by_line(coop, admin):
    calls = []
    add_member(admin, coop, NewMember(last_name="Déjà", college="soutiens", category="user"))
    count = import_register(admin, coop, SAMPLE, lambda done, total: calls.append((done, total)))
    assert count == 10 and calls == [(i, 10) for i in range(10)]
