"""URL converters of every blueprint: an `int` in a path is a database id."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1  # the ids' columns: PostgreSQL's integer


class IdConverter(IntegerConverter):
    """`<int:…>` up to ID_MAX: a larger number matches no route (404) instead of overflowing
    the database's integer (HTTP 500)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)
