"""governance: cooperatives, colleges, people and accounts, the register, the audit journal."""
from __future__ import annotations

from flask import Flask


def register_governance(app: Flask) -> None:
    from flask_babel import get_locale

    # The features' tables, which governance.models does not import.
    from . import cli, labels
    from .board import models as board_models  # noqa: F401
    from .capital import models as capital_models  # noqa: F401
    from .contracts import models as contract_models  # noqa: F401
    from .platform import formatting  # noqa: F401
    from .platform.extensions import login_manager
    from .services import sessions
    from .views import auth, two_factor  # noqa: F401  (routes of auth.bp; `views` of gov's)
    from .views.common import bp

    @login_manager.user_loader
    def load_user(session_id: str):
        """The person of a login session that has not ended (`services.sessions`)."""
        return sessions.person_of(session_id)

    app.jinja_env.filters.update(formatting.FILTERS, fraction=labels.fraction)
    app.jinja_env.globals.update(labels.GLOBALS, current_locale=lambda: str(get_locale()))
    app.register_blueprint(auth.bp)
    app.register_blueprint(bp)
    cli.register(app)
