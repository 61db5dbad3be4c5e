"""votes: counting rules, the published ballot box and its verifier (`flask votes verify`)."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("votes", __name__, cli_group="votes", template_folder="templates")


def register_votes(app: Flask) -> None:
    from . import cli, messages, models, views  # noqa: F401 - commands, codes, tables, routes

    app.register_blueprint(bp)
