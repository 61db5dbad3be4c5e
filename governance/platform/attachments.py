"""Documents attached to a record (a vote, an assembly), the same way for every package: the
table's columns, attaching one (counted, checked by `documents.check_upload`, hashed) and
taking it off, the journal's summary of it, the upload form and reading it in a view. Each
owner keeps its own permission check and its own rule of when its documents are frozen."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.orm import Mapped, mapped_column

from . import documents
from .clock import utcnow
from .extensions import db
from .service import DomainError, as_domain

MAX_DOCUMENTS = 20  # per record


class DocumentColumns:
    """The columns of an attached document (a mixin of the owner's document table)."""

    name: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def attach(model: type, owner: dict, count: int, filename: str, data: bytes, *,
           too_many: str):
    """A new `model` row for the file, of the owner's (`owner`: its foreign key), which has
    `count` documents already; refused with `too_many` past MAX_DOCUMENTS, or with the
    upload check's code."""
    if count >= MAX_DOCUMENTS:
        raise DomainError(too_many, {"max": MAX_DOCUMENTS})
    upload = as_domain(documents.check_upload, filename, data)
    doc = model(**owner, name=upload.name, media_type=upload.media_type, size=upload.size,
                sha256=upload.sha256, content=data)
    db.session.add(doc)
    db.session.flush()
    return doc


def detach(doc) -> None:
    db.session.delete(doc)
    db.session.flush()


def summary(doc) -> dict:
    """What the journal keeps of a document: its name, size and hash, never its bytes."""
    return {"name": doc.name, "size": doc.size, "sha256": doc.sha256}


class DocumentForm(FlaskForm):
    """Attach one document."""

    file = FileField(_l("Document"), validators=[FileRequired(_l("Choose a file."))])


def uploaded() -> tuple[str, bytes] | None:
    """The posted file's name and bytes, or None once the form's errors are flashed."""
    form = DocumentForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return None
    return form.file.data.filename or "", form.file.data.read()
