"""The clock (`flask clock`): each task once per period, however many instances tick at once;
a failing task is logged and does not stop the others; old runs are forgotten."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from governance.models import ScheduledRun
from governance.platform import scheduler
from governance.platform.extensions import db
from tests.conftest import is_postgres

NOW = datetime(2026, 12, 6, 9, 0, 5)


@pytest.fixture
def counted(monkeypatch):
    """Only two tasks, each counting its runs (thread-safe)."""
    runs, lock = {"a": 0, "b": 0}, threading.Lock()

    def task(name):
        def run():
            with lock:
                runs[name] += 1
            return runs[name]
        return scheduler.Task(name, 60, run)

    monkeypatch.setattr(scheduler, "TASKS", {"a": task("a"), "b": task("b")})
    return runs


def test_a_task_runs_once_per_period(counted):
    assert scheduler.tick(NOW) == {"a": 1, "b": 1}
    assert scheduler.tick(NOW + timedelta(seconds=50)) == {}  # same minute
    assert scheduler.tick(NOW + timedelta(seconds=60)) == {"a": 2, "b": 2}
    rows = db.session.scalars(sa.select(ScheduledRun).order_by(ScheduledRun.slot)).all()
    assert [(r.task, r.outcome) for r in rows if r.task == "a"] == [("a", "1"), ("a", "2")]
    assert all(r.finished_at is not None for r in rows)


def test_a_failing_task_does_not_stop_the_others(counted, monkeypatch, caplog):
    def broken():
        raise RuntimeError("smtp down")
    monkeypatch.setitem(scheduler.TASKS, "a", scheduler.Task("a", 60, broken))
    assert scheduler.tick(NOW) == {"a": "failed: RuntimeError", "b": 1}
    assert "scheduled task a failed" in caplog.text


def test_runs_older_than_a_week_are_forgotten(counted):
    old = scheduler.slot(scheduler.TASKS["a"], NOW - timedelta(days=8))
    db.session.add(ScheduledRun(task="a", slot=old, started_at=NOW - timedelta(days=8)))
    db.session.commit()
    scheduler.tick(NOW)
    slots = set(db.session.scalars(sa.select(ScheduledRun.slot).where(ScheduledRun.task == "a")))
    assert slots == {scheduler.slot(scheduler.TASKS["a"], NOW)}


def test_the_registered_tasks_close_votes_and_send_mail(runner):
    assert set(scheduler.TASKS) >= {"votes.close-due", "mail.send"}
    result = runner.invoke(args=["clock", "--once"])
    assert result.exit_code == 0, result.output
    assert "votes.close-due: 0" in result.output and "mail.send: 0 sent, 0 failed" in result.output


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="races need PostgreSQL")
def test_four_instances_ticking_at_once_run_each_task_once(counted, crowd):
    outcomes = crowd(4, lambda i: lambda: scheduler.tick(NOW))
    assert counted == {"a": 1, "b": 1}
    # (the instances' apps registered the real tasks too: each of those also ran once)
    names = [name for outcome in outcomes for name in outcome]
    assert sorted(names) == sorted(set(names)) and {"a", "b"} <= set(names)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduledRun)) == len(names)
