"""contributions: contributive budgets per cooperative and period, envelopes per circle, time
logged by members, its review, payment batches exported for payroll, and budget reports."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("contributions", __name__, template_folder="templates")


def register_contributions(app: Flask) -> None:
    from . import models  # noqa: F401 - tables
    app.register_blueprint(bp)
