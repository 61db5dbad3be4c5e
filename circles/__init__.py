"""circles: contributive circles of a cooperative (nested, with a purpose, domains and
accountabilities), their members, roles and role holders' terms, and chantiers (work items)."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("circles", __name__, template_folder="templates")


def register_circles(app: Flask) -> None:
    from . import models  # noqa: F401 - tables
    app.register_blueprint(bp)
