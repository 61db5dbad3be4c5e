"""votes: counting rules, the published ballot box and its verifier (`flask votes verify`)."""
from __future__ import annotations

from flask import Flask


def register_votes(app: Flask) -> None:
    from governance import demo as governance_demo
    from governance.platform import scheduler
    from governance.platform.labels import COOP_LINKS

    from . import cli, demo, labels, messages, models, views  # noqa: F401  (commands, tables, routes)
    from .blueprint import bp
    from .services import close_due
    if demo.load not in governance_demo.EXTRAS:
        governance_demo.EXTRAS.append(demo.load)
    if ("votes.index", messages.VOTES) not in COOP_LINKS:
        COOP_LINKS.append(("votes.index", messages.VOTES))
    app.jinja_env.globals.update(labels.GLOBALS)
    app.register_blueprint(bp)
    scheduler.add("votes.close-due", 60, close_due)
