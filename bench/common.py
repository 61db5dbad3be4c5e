"""Helpers shared by the benchmarks."""
from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa


def guard(url: sa.URL, force: bool) -> None:
    """The database is wiped: refuse one whose name does not say it is a benchmark's."""
    name = Path(url.database or "").name
    if "bench" not in name.lower() and not force:
        sys.exit(f"Refusing to wipe database {name!r}: its name must contain 'bench' "
                 "(or pass --force).")


def database_url(raw: str, force: bool) -> str:
    """The benchmark's database URL, with the psycopg driver on PostgreSQL, once `guard`
    accepts it."""
    url = sa.make_url(raw)
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    guard(url, force)
    return url.render_as_string(hide_password=False)


def instrument(app, recorder) -> tuple[str, str]:
    """Hook `recorder` (a register_bench.Recorder) on the app's engine; returns the dialect
    and the database's version."""
    from governance.platform.extensions import db
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        with engine.connect() as conn:
            version = conn.exec_driver_sql(
                "SELECT version()" if dialect == "postgresql" else "SELECT sqlite_version()"
            ).scalar()
    sa.event.listen(engine, "before_cursor_execute", recorder.before)
    sa.event.listen(engine, "after_cursor_execute", recorder.after)
    return dialect, str(version)
