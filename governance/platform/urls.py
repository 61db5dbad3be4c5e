"""URL converters of every blueprint (an `int` in a path is a database id) and the check of a
web address a member gives."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1  # the ids' columns: PostgreSQL's integer


class IdConverter(IntegerConverter):
    """`<int:…>` up to ID_MAX: a larger number matches no route (404) instead of overflowing
    the database's integer (HTTP 500)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def is_web_address(url: str) -> bool:
    """An address a member may be sent to: http(s) with a host, nothing a browser would run
    (`javascript:`, `data:`) and no control characters."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
            and url.isprintable() and " " not in url)


def db_id(text: str) -> int:
    """`type=` of a form or query value naming a row: an int within the ids' column, else
    ValueError (which `MultiDict.get` turns into its default)."""
    value = int(text)
    if not 0 <= value <= ID_MAX:
        raise ValueError(text)
    return value


def page_number(limit: int = ID_MAX) -> int:
    """The `page` of the query: a whole number from 1 to `limit`, else 1 (bad input shows the
    first page, as a list with no `page` does)."""
    page = request.args.get("page", 1, type=db_id)
    return min(max(1, page), limit)
