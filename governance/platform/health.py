"""What a deployment needs to serve: the checks behind `/readyz` (for a load balancer) and
`flask doctor` (for the operator), each a `Check` saying in plain words what is wrong."""
from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from .clock import utcnow
from .extensions import db

CLOCK_SKEW = timedelta(seconds=5)  # vote closes and journal times need one clock


@dataclass(frozen=True)
class Check:
    """One finding: `level` is "ok", "warning" (works, but not as production should) or
    "problem" (the site cannot serve as it should)."""

    name: str
    level: str
    text: str


def ok(name: str, text: str) -> Check:
    return Check(name, "ok", text)


@cache
def _heads(directory: str) -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def migration_heads() -> frozenset[str]:
    """The revisions the code expects (read once per process)."""
    return _heads(current_app.extensions["migrate"].directory)


def database() -> list[Check]:
    """The database answers, and its schema is at the migrations' head."""
    from alembic.runtime.migration import MigrationContext
    try:
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except sa.exc.SQLAlchemyError as err:
        reason = str(getattr(err, "orig", err)).strip().splitlines()[0][:200]
        return [Check("database", "problem",
                      f"the database ({db.engine.url.get_backend_name()}) does not answer: "
                      f"{reason}")]
    found = [ok("database", f"the database ({db.engine.url.get_backend_name()}) answers")]
    heads = migration_heads()
    if not current:
        found.append(Check("migrations", "problem",
                           "the database has no schema: run `flask --app app db upgrade`"))
    elif current != heads:
        found.append(Check("migrations", "problem",
                           f"the database is at {', '.join(sorted(current))}, the code expects "
                           f"{', '.join(sorted(heads))}: run `flask --app app db upgrade`"))
    else:
        found.append(ok("migrations", f"the schema is at the latest migration ({min(heads)})"))
    return found


def redis() -> list[Check]:
    """Redis answers, when one is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return []
    import redis as redis_lib
    try:
        redis_lib.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except (redis_lib.RedisError, OSError) as err:
        return [Check("redis", "problem", f"Redis ({_hide_password(url)}) does not answer: {err}")]
    return [ok("redis", f"Redis ({_hide_password(url)}) answers")]


def ready() -> list[Check]:
    """What `/readyz` needs: the database, its migrations, Redis."""
    return database() + redis()


def _hide_password(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True) \
        if "://" in url else url


def configuration() -> list[Check]:
    """The settings production must change from the embedded defaults."""
    config, found = current_app.config, []
    if os.environ.get("SECRET_KEY"):
        if len(config["SECRET_KEY"]) < 32:
            found.append(Check("secret key", "problem",
                               "SECRET_KEY is shorter than 32 characters: anyone who guesses "
                               "it can forge sessions; use `python -c 'import secrets; "
                               "print(secrets.token_hex(32))'`"))
        else:
            found.append(ok("secret key", "SECRET_KEY is set"))
    else:
        found.append(Check("secret key", "warning",
                           "SECRET_KEY is not set: the key generated in the instance folder is "
                           "used, and every instance must share that file"))
    found.append(_setting("audit keys", config.get("AUDIT_KEYS"), "AUDIT_KEYS is set",
                          "AUDIT_KEYS is not set: the journal's keys are read from the "
                          "instance folder's audit_keys, which every instance must share and "
                          "the backups must keep apart from the database"))
    url = sa.engine.make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        found.append(Check("database kind", "warning",
                           "the database is SQLite: fine for one server process, use "
                           "PostgreSQL (DATABASE_URL) for several workers or instances"))
    if url.get_backend_name() != "sqlite":
        found.append(_setting("jobs", config["JOBS"] == "worker",
                              "JOBS=worker: imports and mail wait in the queue for `flask worker`",
                              "JOBS is not worker: imports and mail run in threads of the web "
                              "workers; set JOBS=worker and run `flask worker`"))
    found.append(_setting("redis url", config.get("REDIS_URL"), "REDIS_URL is set",
                          "REDIS_URL is not set: login limits are kept in the database "
                          "(correct, but slower under an attack)"))
    if not config.get("MAIL_SERVER"):
        found.append(Check("mail", "warning",
                           "MAIL_SERVER is not set: convocations, receipts and password resets "
                           "are written as files in the instance folder's outbox, not sent"))
    found.append(_setting("https", config["HTTPS"], "HTTPS=1: secure cookies and HSTS",
                          "HTTPS is not 1: cookies may travel unencrypted; set HTTPS=1 behind "
                          "a TLS reverse proxy"))
    if config["HTTPS"] and not config["PROXY_COUNT"]:
        found.append(Check("proxy", "warning",
                           "PROXY_COUNT is 0 although HTTPS=1: behind a reverse proxy, every "
                           "visitor would share the proxy's address in the login limits"))
    if not config["TWO_FACTOR_REQUIRED"]:
        found.append(Check("second factor", "warning",
                           "TWO_FACTOR_REQUIRED is 0: the secretariat and the board log in "
                           "with a password only"))
    return found


def _setting(name: str, present, ok_text: str, warning_text: str) -> Check:
    return ok(name, ok_text) if present else Check(name, "warning", warning_text)


def clock() -> list[Check]:
    """This machine's clock agrees with the database's (PostgreSQL; SQLite has no other)."""
    if db.engine.dialect.name != "postgresql":
        return []
    try:
        with db.engine.connect() as conn:
            theirs = conn.execute(sa.text("SELECT now() AT TIME ZONE 'UTC'")).scalar_one()
    except sa.exc.SQLAlchemyError:
        return []  # database() already says it does not answer
    skew = abs(utcnow() - theirs)
    if skew > CLOCK_SKEW:
        return [Check("clock", "problem",
                      f"this machine's clock and the database's differ by "
                      f"{skew.total_seconds():.0f} s: votes would close at the wrong time; "
                      f"synchronise both with NTP")]
    return [ok("clock", "this machine's clock agrees with the database's")]


def mail() -> list[Check]:
    """The mail server accepts a connection (and the login, when one is set); nothing is sent."""
    if not current_app.config.get("MAIL_SERVER"):
        return []
    from contextlib import ExitStack

    from .mail import connect
    where = f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}"
    try:
        with ExitStack() as stack:
            connect(stack).noop()
    except (OSError, smtplib.SMTPException) as err:
        return [Check("mail", "problem", f"the mail server {where} refuses or does not "
                                         f"answer: {err}")]
    return [ok("mail", f"the mail server {where} accepts the connection")]


def instance_folder() -> list[Check]:
    path = Path(current_app.instance_path)
    if not os.access(path, os.W_OK):
        return [Check("instance folder", "problem", f"{path} is not writable")]
    return [ok("instance folder", f"{path} is writable")]


def doctor() -> list[Check]:
    """Everything `flask doctor` reports, in the order an operator fixes it."""
    return configuration() + database() + redis() + mail() + clock() + instance_folder()
