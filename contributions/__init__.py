"""contributions: contributive budgets per cooperative and period, envelopes per circle, time
logged by members, its review, payment batches exported for payroll, and budget reports."""
from __future__ import annotations

from flask import Flask


def register_contributions(app: Flask) -> None:
    from governance import demo as governance_demo
    from governance.platform import labels

    from . import demo, messages, models, views  # noqa: F401 - codes, tables, routes
    from . import labels as own_labels
    if demo.load not in governance_demo.EXTRAS:
        governance_demo.EXTRAS.append(demo.load)
    app.jinja_env.globals.update(own_labels.GLOBALS)
    if ("contributions.mine", messages.CONTRIBUTIONS) not in labels.COOP_LINKS:
        labels.COOP_LINKS.append(("contributions.mine", messages.CONTRIBUTIONS))
    from .blueprint import bp
    app.register_blueprint(bp)
