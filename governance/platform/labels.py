"""Labels of enumerated values, one way for every package: `labeller(choices)` turns a form's
choices into the function templates call; `COOP_LINKS`, the links each package adds to a
cooperative's page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Links that packages add to a cooperative's page: (endpoint, lazy label).
COOP_LINKS: list[tuple[str, object]] = [("capital.overview", _l("Share capital")),
                                         ("board.overview", _l("Board"))]


def labeller(choices):
    """The translated label of a value (an enum member or its value) among `choices`, the
    value itself when it has none."""
    table = dict(choices)
    return lambda value: str(table.get(getattr(value, "value", value), value))
