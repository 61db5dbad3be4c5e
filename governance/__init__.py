"""governance: cooperatives, colleges, people and accounts, the register, the audit journal."""
from __future__ import annotations

from flask import Flask


def register_governance(app: Flask) -> None:
    from flask_babel import get_locale

    from . import cli, formatting, labels
    from .extensions import db, login_manager
    from .models import Person
    from .views import auth, bp

    @login_manager.user_loader
    def load_user(session_id: str):
        """The person whose session id (id and password digest) still matches."""
        person_id, _, _digest = session_id.partition(".")
        person = db.session.get(Person, int(person_id)) if person_id.isdigit() else None
        return person if person is not None and person.get_id() == session_id else None

    app.jinja_env.filters.update(formatting.FILTERS, fraction=labels.fraction)
    app.jinja_env.globals.update(labels.GLOBALS, current_locale=lambda: str(get_locale()))
    app.register_blueprint(auth.bp)
    app.register_blueprint(bp)
    cli.register(app)
