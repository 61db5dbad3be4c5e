"""votes: counting rules, the published ballot box and its verifier (`flask votes verify`)."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("votes", __name__, cli_group="votes")


def register_votes(app: Flask) -> None:
    from . import cli  # noqa: F401 - hangs the commands on bp.cli

    app.register_blueprint(bp)
