"""The log's shape: plain lines by default, JSON lines with LOG_FORMAT=json (one object per
line, for a log collector). Neither carries a client address, a query string or a mail body."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import has_request_context, request


class JsonLines(logging.Formatter):
    """`{"time", "level", "logger", "message"}`, plus the request's method and path (never its
    query, which may hold a sign-in token) and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry = {"time": at,
                 "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        if has_request_context():
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str) -> None:
    """Send the root logger's records to standard error, as plain or JSON lines (once; not
    at all when gunicorn's JSON configuration, deploy/gunicorn.conf.py, already does)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # each /readyz reads the migrations
    if any(isinstance(h.formatter, JsonLines) for h in root.handlers):
        return
    handler = next((h for h in root.handlers if getattr(h, "coopgov", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.coopgov = True
        root.addHandler(handler)
    handler.setFormatter(JsonLines() if log_format == "json" else
                         logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
