"""Counters of failed attempts shared by every worker and instance: in Redis when
`REDIS_URL` is set (production with several servers), else in the database's `login_throttle`
table — never in a process's memory. A counter lives `window` seconds from its first hit."""
from __future__ import annotations

import time
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..models import LoginThrottle
from .extensions import db

_PREFIX = "coopgov:throttle:"
_clients: dict = {}


class Counter(NamedTuple):
    count: int
    first_at: int  # epoch seconds
    last_at: int


ZERO = Counter(0, 0, 0)


def _now() -> int:
    return int(time.time())


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _clients:
        import redis
        _clients[url] = redis.Redis.from_url(url, socket_timeout=2)
    return _clients[url]


def read(key: str, window: int) -> Counter:
    """The counter of `key`, or ZERO when it has none within its window."""
    now, r = _now(), _redis()
    if r is not None:
        c, f, last = r.hmget(_PREFIX + key, "c", "f", "l")
        return Counter(int(c), int(f), int(last)) if c else ZERO
    row = db.session.get(LoginThrottle, key)
    if row is None or row.first_at <= now - window:
        return ZERO
    return Counter(row.count, row.first_at, row.last_at)


def hit(key: str, window: int) -> Counter:
    """Count one more failure of `key`, atomically for every process, and commit it."""
    now, r = _now(), _redis()
    if r is not None:
        name = _PREFIX + key
        pipe = r.pipeline()
        pipe.hincrby(name, "c", 1).hsetnx(name, "f", now).hset(name, "l", now)
        pipe.expire(name, window, nx=True).hmget(name, "c", "f", "l")
        c, f, last = pipe.execute()[-1]
        return Counter(int(c), int(f), int(last))
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = LoginThrottle.__table__
    stale = table.c.first_at <= now - window
    stmt = dialect.insert(table).values(key=key, count=1, first_at=now, last_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={
        "count": sa.case((stale, 1), else_=table.c.count + 1),
        "first_at": sa.case((stale, now), else_=table.c.first_at), "last_at": now,
    }).returning(table.c.count, table.c.first_at, table.c.last_at)
    row = db.session.execute(stmt).one()
    db.session.commit()
    return Counter(*row)


def clear(key: str) -> None:
    """Forget `key`'s failures (a success) and commit."""
    r = _redis()
    if r is not None:
        r.delete(_PREFIX + key)
        return
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == key))
    db.session.commit()


def reset() -> None:
    """Forget every counter (the tests)."""
    r = _redis()
    if r is not None:
        for name in r.scan_iter(_PREFIX + "*"):
            r.delete(name)
    db.session.execute(sa.delete(LoginThrottle))
    db.session.commit()
