"""Strict JSON for the published ballot box: exact hashes, exact numbers, typed fields.

Every reader here raises `MalformedBox` naming where and why a document leaves the format.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from fractions import Fraction

from governance.rules import fraction_str

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9]+/[0-9]+")


class MalformedBox(ValueError):
    """Not a valid ballot-box document; the message says where and why."""


def canonical(value) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


class Raw:
    """JSON text already in canonical form (an encrypted ballot's choice as stored at cast),
    spliced as is into a document's bytes instead of parsed and encoded again. Not a string:
    encoding a document that holds one fails instead of writing the text as a string."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def is_canonical_text(text: str) -> bool:
    """Whether stored JSON text can be spliced as canonical: the cast writes an encrypted
    ballot's choice canonically (no spaces; its values are hex, numbers and names), while
    earlier rows went through `json.dumps`, whose separators always hold a space."""
    return " " not in text


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=4096)
def _read(text: str) -> Fraction | str:
    """The exact value of a number string, or why it is not one (a box repeats few values:
    weights and counts such as "1", read once)."""
    if not _NUMBER.fullmatch(text):
        return 'is not a number string such as "3", "0.3" or "3/10"'
    try:
        return Fraction(text)
    except (ZeroDivisionError, ValueError) as err:
        return f"is not a number ({err})"


def parse_number(text, where: str = "number") -> Fraction:
    """Read "3", "0.3" or "3/10" exactly; anything else (signs, spaces, floats) is malformed."""
    value = _read(text) if isinstance(text, str) else "is not a number string"
    if isinstance(value, str):
        raise MalformedBox(f"{where}: {show(text)} {value}")
    return value


@functools.lru_cache(maxsize=4096)
def _written(value: Fraction) -> str:
    return fraction_str(value)


def write_number(value, where: str = "number") -> str:
    """A Fraction, int or number string as written in a box: lowest terms, "3/10" or "3"."""
    if isinstance(value, Fraction) or (isinstance(value, int) and not isinstance(value, bool)):
        return _written(Fraction(value))
    if isinstance(value, str):
        return _written(parse_number(value, where))
    raise MalformedBox(f"{where}: {value!r} is not an exact number (Fraction, int or string)")


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _refuse_float(text: str):
    raise MalformedBox(f'bare JSON number {text}: numbers are strings, such as "3/10"')


def _refuse_constant(text: str):
    raise MalformedBox(f"{text} is not allowed in a ballot box")


def _unique_keys(pairs: list) -> dict:
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise MalformedBox(f"duplicate key {show(key)} in an object")
        obj[key] = value
    return obj


def loads(data: str | bytes) -> dict:
    """Strict JSON: UTF-8, no duplicate keys, no bare fractional numbers, an object at the top."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise MalformedBox(f"not UTF-8 text ({err})") from None
    try:
        doc = json.loads(data, parse_float=_refuse_float, parse_constant=_refuse_constant,
                         object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise MalformedBox(f"not valid JSON: {err}") from None
    if not isinstance(doc, dict):
        raise MalformedBox("the document is not a JSON object")
    return doc


INDENTED_UP_TO = 1000  # ballots: a larger box is written compact (C encoder, ~20× faster)


def dumps(doc: dict, body: str | None = None) -> str:
    """The published text of a box (indented up to INDENTED_UP_TO ballots; hashes do not
    depend on it). A larger one is written compact; from `body`, when given, the canonical
    text of the document but its seal (whose bytes the seal hashes), with the seal last."""
    ballots = doc.get("ballots") or ()
    if len(ballots) > INDENTED_UP_TO:
        if body is not None:
            return body[:-1] + f',"seal":"{doc["seal"]}"}}\n'
        if any(isinstance(b.get("choice"), Raw) for b in ballots):
            raise ValueError("a box with spliced choices is written from its canonical bytes")
        return json.dumps(doc, ensure_ascii=False) + "\n"
    if any(isinstance(b.get("choice"), Raw) for b in ballots):
        doc = doc | {"ballots": [b | {"choice": json.loads(b["choice"].text)}
                                 if isinstance(b["choice"], Raw) else b for b in ballots]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_KINDS = {str: "a string", bool: "true or false", list: "a list", dict: "an object",
          int: "an integer"}


def path_of(where: str, key: str) -> str:
    return key if where == "document" else f"{where}.{key}"


def field(obj: dict, key: str, kind: type, where: str, *, nullable: bool = False,
          optional: bool = False):
    """obj[key] of the given JSON type; `optional`: may be absent; `nullable`: may be null."""
    if key not in obj:
        if optional:
            return None
        raise MalformedBox(f"{where}: missing field {show(key)}")
    value = obj[key]
    if value is None and nullable:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedBox(f"{path_of(where, key)}: must be {_KINDS[kind]}"
                           f"{' or null' if nullable else ''}, not {show(value)}")
    return value


def number_field(obj: dict, key: str, where: str, *, low=None, high=None, above=None,
                 nullable=False) -> Fraction | None:
    """obj[key]: a number string, read exactly and kept within its bounds."""
    text = field(obj, key, str, where, nullable=nullable)
    if text is None:
        return None
    value = parse_number(text, path_of(where, key))
    if (low is not None and value < low) or (high is not None and value > high) or \
            (above is not None and value <= above):
        bounds = (f"more than {above}" if above is not None else f"at least {low}"
                  if high is None else f"between {low} and {high}")
        raise MalformedBox(f"{path_of(where, key)}: {text} must be {bounds}")
    return value


def items(obj: dict, key: str, where: str, *, optional: bool = False) -> list[dict]:
    """obj[key]: a list of objects."""
    found = field(obj, key, list, where, optional=optional) or []
    for i, item in enumerate(found):
        if not isinstance(item, dict):
            raise MalformedBox(f"{path_of(where, key)}[{i}]: must be an object, "
                               f"not {show(item)}")
    return found


def one_of(obj: dict, key: str, allowed: tuple, where: str, what: str) -> str:
    value = field(obj, key, str, where)
    if value not in allowed:
        raise MalformedBox(f"{path_of(where, key)}: unknown {what} {show(value)} "
                           f"(expected one of {', '.join(allowed)})")
    return value
