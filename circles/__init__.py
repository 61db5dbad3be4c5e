"""circles: contributive circles of a cooperative (nested, with a purpose, domains and
accountabilities), their members, roles and role holders' terms, and chantiers (work items)."""
from __future__ import annotations

from flask import Flask


def register_circles(app: Flask) -> None:
    from governance import demo as governance_demo
    from governance.platform import labels as governance_labels

    from . import demo, labels, messages, models, views  # noqa: F401 - codes, tables, routes
    if demo.load not in governance_demo.EXTRAS:
        governance_demo.EXTRAS.append(demo.load)
    if ("circles.index", messages.CIRCLES) not in governance_labels.COOP_LINKS:
        governance_labels.COOP_LINKS.append(("circles.index", messages.CIRCLES))
    app.jinja_env.globals.update(labels.GLOBALS)
    from .blueprint import bp
    app.register_blueprint(bp)
