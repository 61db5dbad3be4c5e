"""governance: cooperatives, colleges, people and accounts, the register, the audit journal."""
from __future__ import annotations

from flask import Flask


def register_governance(app: Flask) -> None:
    from flask_babel import get_locale

    # Importing a feature's models registers its tables (governance.models does not import
    # them); importing views hangs the routes off the blueprints.
    from . import (
        cli,
        labels,
        views,  # noqa: F401
    )
    from .blueprint import auth_bp, bp
    from .board import models as board_models  # noqa: F401
    from .board import views as board_views  # noqa: F401
    from .board.blueprint import bp as board_bp
    from .capital import models as capital_models  # noqa: F401
    from .capital import views as capital_views  # noqa: F401
    from .capital.blueprint import bp as capital_bp
    from .contracts import models as contract_models  # noqa: F401
    from .contracts import views as contract_views  # noqa: F401
    from .contracts.blueprint import bp as contracts_bp
    from .platform import formatting, mail_queue, scheduler
    from .platform.extensions import login_manager
    from .services import sessions

    @login_manager.user_loader
    def load_user(session_id: str):
        """The person of a login session that has not ended (`services.sessions`)."""
        return sessions.person_of(session_id)

    app.jinja_env.filters.update(formatting.FILTERS, fraction=labels.fraction)
    app.jinja_env.globals.update(labels.GLOBALS, current_locale=lambda: str(get_locale()))
    for blueprint in (auth_bp, bp, capital_bp, board_bp, contracts_bp):
        app.register_blueprint(blueprint)
    cli.register(app)
    # what a stopped process left in the mail queue, and the retries of failed messages
    scheduler.add("mail.send", 60, lambda: "{} sent, {} failed".format(*mail_queue.send_queued()))
