"""Checks on uploaded documents (pure): allowed types, size, content matching the type.

A document is served back as a download under the type derived from its extension, never the
one the browser claimed, and only when its first bytes match that type.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from ..rules import RuleError

MAX_BYTES = 15 * 1024 * 1024  # under the site's 16 MB request limit

_ZIP = (b"PK\x03\x04",)
# extension: (media type, accepted first bytes or None for text)
TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             _ZIP),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "md": ("text/markdown", None),
}
EXTENSIONS = ", ".join(sorted(TYPES))


@dataclass(frozen=True)
class Upload:
    name: str
    media_type: str
    size: int
    sha256: str


def clean_name(filename: str) -> str:
    """The file's own name without any folder, control characters or surrounding spaces."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, _, ext = name.rpartition(".")
        name = f"{stem[:190]}.{ext}" if stem else name[:200]
    return name


def check_upload(filename: str, data: bytes) -> Upload:
    """The document as it will be stored, or RuleError naming what is wrong."""
    name = clean_name(filename or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if not name or ext not in TYPES:
        raise RuleError("document_type", {"types": EXTENSIONS})
    if not data:
        raise RuleError("document_empty", {"name": name})
    if len(data) > MAX_BYTES:
        raise RuleError("document_too_large", {"name": name, "max": MAX_BYTES // (1024 * 1024)})
    media_type, magic = TYPES[ext]
    if magic is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise RuleError("document_content", {"name": name}) from None
    elif not data.startswith(magic):
        raise RuleError("document_content", {"name": name})
    return Upload(name, media_type, len(data), hashlib.sha256(data).hexdigest())
