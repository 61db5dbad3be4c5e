"""votes: counting rules, the published ballot box and its verifier (`flask votes verify`)."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("votes", __name__, cli_group="votes", template_folder="templates")


def register_votes(app: Flask) -> None:
    from governance import demo as governance_demo
    from governance.platform import labels

    from . import (  # noqa: F401 - commands,
        ceremony_views,
        cli,
        code_views,
        demo,
        document_views,
        messages,
        models,
        views,  # codes, tables, routes
    )
    if demo.load not in governance_demo.EXTRAS:
        governance_demo.EXTRAS.append(demo.load)
    if ("votes.index", messages.VOTES) not in labels.COOP_LINKS:
        labels.COOP_LINKS.append(("votes.index", messages.VOTES))
    app.register_blueprint(bp)
