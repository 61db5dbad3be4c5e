"""The clock's work (`flask clock`): each task runs once per period, however many instances
run the clock. A run first inserts its (task, slot) row — slot = the period's number since the
epoch — in its own transaction; the primary key lets exactly one instance in, the others skip.
A task is itself safe to run twice (closing a vote and sending a mail claim their rows by a
conditional update), so the row is about not doing the work n times, not about correctness.

Packages add their tasks with `add(name, seconds, run)`, from their `register_*` function.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..models import ScheduledRun
from .clock import utcnow
from .extensions import db

TICK_S = 10  # how often the clock looks for due tasks
KEEP_S = 7 * 24 * 3600  # runs are kept a week, to see what ran when


@dataclass(frozen=True)
class Task:
    name: str
    period: int  # seconds
    run: Callable[[], object]  # returns what to log (a count)


TASKS: dict[str, Task] = {}


def add(name: str, seconds: int, run: Callable[[], object]) -> None:
    """Run `run()` every `seconds`, once across every instance."""
    TASKS[name] = Task(name, seconds, run)


def slot(task: Task, now: datetime) -> int:
    return int((now - datetime(1970, 1, 1)).total_seconds()) // task.period


def claim(task: Task, now: datetime) -> bool:
    """Take this period's run of `task`; False when another instance already took it."""
    db.session.rollback()
    try:
        db.session.execute(sa.insert(ScheduledRun).values(task=task.name, slot=slot(task, now),
                                                           started_at=now))
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return False
    return True


def tick(now: datetime | None = None) -> dict[str, object]:
    """Run every task due in this period that no instance ran yet: {name: what it returned}."""
    now = now or utcnow()
    done = {}
    for task in TASKS.values():
        if not claim(task, now):
            continue
        try:
            outcome = task.run()
        except Exception as err:  # noqa: BLE001 - one failing task must not stop the clock
            db.session.rollback()
            current_app.logger.exception("scheduled task %s failed", task.name)
            outcome = f"failed: {type(err).__name__}"
        db.session.execute(sa.update(ScheduledRun).where(
            ScheduledRun.task == task.name, ScheduledRun.slot == slot(task, now))
            .values(finished_at=utcnow(), outcome=str(outcome)[:200]))
        db.session.execute(sa.delete(ScheduledRun).where(
            ScheduledRun.task == task.name,
            ScheduledRun.slot < slot(task, now) - KEEP_S // task.period))
        db.session.commit()
        done[task.name] = outcome
    return done


def forever() -> None:
    """`flask clock`: tick every TICK_S seconds until stopped."""
    while True:
        for name, outcome in tick().items():
            current_app.logger.info("scheduled task %s: %s", name, outcome)
        db.session.remove()
        time.sleep(TICK_S)
