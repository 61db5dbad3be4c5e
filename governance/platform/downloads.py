"""Serving a stored document back to the browser, the same way for every package; CSV cells
that a spreadsheet cannot run."""
from __future__ import annotations

import io
from datetime import date

from flask import Response, send_file

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula


def send_document(doc) -> Response:
    """The document (`name`, `media_type`, `content`, `sha256`) as a download: always an
    attachment, under the type checked at upload and never sniffed; revalidated each time,
    since it may be removed."""
    response = send_file(io.BytesIO(doc.content), mimetype=doc.media_type, as_attachment=True,
                         download_name=doc.name, etag=doc.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def guard(value) -> str:
    """A cell as text, never starting like a formula (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    text = str(getattr(value, "value", value))
    return "'" + text if text.startswith(FORMULA_START) else text
