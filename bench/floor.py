"""The floor of the vote benchmark: the cheapest authenticated write of the same stack.

`POST /bench/floor` does what every write of the application must do and nothing more: read
the signed session cookie, load the user (Flask-Login's user loader, one SELECT), check the
CSRF token (Flask-WTF's `CSRFProtect`, global: the form's `csrf_token` is checked as for any
POST), INSERT one row into the harmless table `bench_floor`, COMMIT, and render a small HTML
page (an inline template, without the site's layout). A cast costs this, plus its own work
(the roll entry, emargement, ballot and journal writes, an encrypted ballot's proofs, the
receipt page and mail): the benchmark compares their server CPU per request.

Only the benchmark's server has it: `bench/vote_bench.py` runs gunicorn on
`bench.floor:create_app()` (the application of `app.create_app()` plus this blueprint) and
creates the table with `create_table` in its own process before starting the server, outside
any timed phase. The production application never registers it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template_string
from flask_login import current_user, login_required

metadata = sa.MetaData()
TABLE = sa.Table(
    "bench_floor", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False, server_default=sa.func.now()),
)
PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Floor</title></head>
<body><p class="bench-floor">Écrit : {{ row }}.</p></body></html>
"""

bp = Blueprint("bench_floor", __name__)


@bp.post("/bench/floor")
@login_required
def floor():
    """Session, user load, CSRF (checked before the view), one INSERT, commit, small page."""
    from governance.platform.extensions import db
    row = db.session.execute(sa.insert(TABLE).values(person_id=current_user.id)
                             .returning(TABLE.c.id)).scalar_one()
    db.session.commit()
    return render_template_string(PAGE, row=row)


def create_table(engine) -> None:
    """Create `bench_floor` if it does not exist (the benchmark calls it before the server)."""
    metadata.create_all(engine, checkfirst=True)


def create_app(config: dict | None = None):
    """`app.create_app()` with the floor's blueprint: gunicorn 'bench.floor:create_app()'."""
    from app import create_app as make_app
    app = make_app(config)
    app.register_blueprint(bp)
    return app
