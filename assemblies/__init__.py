"""assemblies: general assemblies (ordinary, extraordinary, joint), convocation, attendance,
proxies, advance votes, quorum per call, resolutions (each a vote per cooperative), minutes."""
from __future__ import annotations

from flask import Flask


def register_assemblies(app: Flask) -> None:
    from governance import demo as governance_demo
    from governance.platform.labels import COOP_LINKS

    from . import demo, labels, messages, models, views  # noqa: F401 - codes, tables, routes
    from .blueprint import bp
    if demo.load not in governance_demo.EXTRAS:
        governance_demo.EXTRAS.append(demo.load)
    if ("assemblies.index", messages.ASSEMBLIES) not in COOP_LINKS:
        COOP_LINKS.append(("assemblies.index", messages.ASSEMBLIES))
    app.jinja_env.globals.update(labels.GLOBALS)
    app.register_blueprint(bp)
