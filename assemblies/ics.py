"""iCalendar (RFC 5545) files for assemblies, pure: plain values in, the file's text out.

Times are written in UTC with the `Z` suffix (no VTIMEZONE to ship); text values are
escaped (§3.3.11) and content lines folded at 75 octets without splitting a UTF-8 character
(§3.1); lines end with CRLF.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_DURATION = timedelta(hours=3)
PRODID = "-//coopgov//general assemblies//EN"
CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime  # naive UTC, or aware
    summary: str
    end: datetime | None = None  # default: start + DEFAULT_DURATION
    location: str = ""
    url: str = ""
    description: str = ""


def uid(assembly_id: int, call: int, domain: str) -> str:
    """The event's identifier: the same for the same assembly and call, so that importing the
    file again updates the calendar entry instead of adding a second one."""
    return f"assembly-{assembly_id}-call-{call}@{domain or 'coopgov'}"


def utc(value: datetime) -> str:
    """`20220630T120000Z`: a naive value is taken as UTC, an aware one converted."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as `\\n`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, each continuation starting with
    one space, never inside a UTF-8 character."""
    chunks, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_OCTETS if not chunks else MAX_OCTETS - 1  # the leading space counts
        if size + width > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def _event_lines(event: Event, stamp: datetime) -> list[str]:
    end = event.end or event.start + DEFAULT_DURATION
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{utc(stamp)}",
             f"DTSTART:{utc(event.start)}", f"DTEND:{utc(end)}",
             f"SUMMARY:{escape(event.summary)}"]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")  # a URI value, not escaped
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar(events: list[Event], stamp: datetime, name: str = "") -> str:
    """A VCALENDAR holding the events, `stamp` as each one's DTSTAMP (when it was made)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
