"""What a convocation says, by email and by post: the assembly, the call, how to attend, the
agenda with the resolutions (and whether the board approved them), the documents, how to give
a proxy or vote in advance, the calendar file. Built once per language; it holds links only,
never a sign-in token, since the text waits in the mail queue."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from governance.platform.formatting import filesize
from votes.views.common import local_time

from . import queries
from .models import Assembly, Kind, Sitting


@dataclass
class Convocation:
    """The convocation's parts, translated, ready for an email or a letter."""

    subject: str
    opening: str
    second_call: str  # why a second call, or ""
    attend: list[str]
    agenda: list[str]
    resolutions: list[tuple[str, str]]  # (title line, text)
    documents: list[tuple[str, str]]  # (name and size, download link)
    fingerprints: list[str]  # one line per resolution and cooperative: its vote's fingerprint
    absent: str  # how to give a proxy or vote in advance
    page: str  # the assembly's page
    calendar: str  # the .ics file
    signature: str
    headings: dict[str, str] = field(default_factory=dict)


def _opening(assembly: Assembly, when: str) -> str:
    coops = ", ".join(c.name for c in assembly.cooperatives)
    if assembly.kind == Kind.ORDINARY:
        return _("You are convened to the ordinary general assembly “%(title)s” of "
                 "%(coops)s, on %(when)s.", title=assembly.title, coops=coops, when=when)
    if assembly.kind == Kind.EXTRAORDINARY:
        return _("You are convened to the extraordinary general assembly “%(title)s” of "
                 "%(coops)s, on %(when)s.", title=assembly.title, coops=coops, when=when)
    return _("You are convened to the ordinary and extraordinary general assembly "
             "“%(title)s” of %(coops)s, on %(when)s.", title=assembly.title, coops=coops,
             when=when)


def _resolution_line(resolution) -> str:
    kind = (_("extraordinary resolution") if resolution.kind == Kind.EXTRAORDINARY else
            _("ordinary resolution"))
    board = (_("approved by the board") if resolution.board_approved else
             _("not approved by the board"))
    return "{} ({}, {})".format(
        _("Resolution %(num)s: %(title)s", num=resolution.position, title=resolution.title),
        kind, board)


def _fingerprints(assembly: Assembly) -> list[str]:
    joint = len(assembly.cooperatives) > 1
    return [_("Resolution %(num)s: %(fingerprint)s", num=r.position,
              fingerprint=rv.vote.fingerprint) +
            (f" ({rv.cooperative.name})" if joint else "")
            for r in assembly.resolutions for rv in r.votes if rv.vote.fingerprint]


def convocation(assembly: Assembly, sitting: Sitting) -> Convocation:
    """The convocation to this call, in the current language."""
    page = url_for("assemblies.show", assembly_id=assembly.id, _external=True)
    second = ""
    if sitting.call == 2:
        second = _("This is the second call: the first call, on %(first)s, did not reach the "
                   "quorum. The same agenda is put to the assembly with the lower quorum of "
                   "the statutes; advance votes and proxies already given stay valid.",
                   first=local_time(assembly.sittings[0].starts_at))
    attend = []
    if assembly.place:
        attend.append(_("Place: %(place)s", place=assembly.place))
    if assembly.online_link:
        attend.append(_("Online: %(link)s", link=assembly.online_link))
    attend.append(_("Please say on the assembly's page whether you will attend, in the room "
                    "or online."))
    docs = [(f"{d.name} ({filesize(d.size)})",
             url_for("assemblies.document", assembly_id=assembly.id, doc_id=d.id,
                     _external=True))
            for d in queries.documents(assembly)]
    return Convocation(
        subject=(_("Convocation: %(title)s", title=assembly.title) if sitting.call == 1 else
                 _("Second call: %(title)s", title=assembly.title)),
        opening=_opening(assembly, local_time(sitting.starts_at)),
        second_call=second, attend=attend,
        agenda=[f"{i}. {item.title}" for i, item in enumerate(assembly.items, 1)],
        resolutions=[(_resolution_line(r), r.text.strip()) for r in assembly.resolutions],
        documents=docs, fingerprints=_fingerprints(assembly),
        absent=_("You can give a proxy to another sociétaire of your cooperative, or a blank "
                 "proxy to the chair, which votes for the resolutions the board approved and "
                 "against the others. You can also vote in advance online: your vote counts for "
                 "the quorum."),
        page=page,
        calendar=url_for("assemblies.calendar", assembly_id=assembly.id, _external=True),
        signature=_("The secretariat of %(coop)s", coop=assembly.cooperative.name),
        headings={"attend": _("How to attend"), "agenda": _("Agenda"),
                  "resolutions": _("Resolutions put to the vote"),
                  "documents": _("Documents"),
                  "fingerprints": _("Fingerprints of the votes"),
                  "fingerprints_note": _("Each vote's fingerprint covers its rule, colleges "
                                         "and roll, fixed at the convocation. The ballot box "
                                         "published after the vote must carry the same: "
                                         "anyone can check it."),
                  "absent": _("If you cannot attend")})


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title, "-" * len(title), *lines]


def as_text(c: Convocation) -> str:
    """The convocation as the plain text of an email."""
    lines = [_("Dear sociétaire,"), "", c.opening]
    if c.second_call:
        lines += ["", c.second_call]
    lines += _section(c.headings["attend"], c.attend + [c.page])
    if c.agenda:
        lines += _section(c.headings["agenda"], c.agenda)
    if c.resolutions:
        body = []
        for title, text in c.resolutions:
            body.append(title)
            body += [f"    {line}" for line in text.splitlines() if line.strip()]
        lines += _section(c.headings["resolutions"], body)
    if c.documents:
        lines += _section(c.headings["documents"], [f"- {name}: {link}"
                                                     for name, link in c.documents])
    if c.fingerprints:
        lines += _section(c.headings["fingerprints"], [c.headings["fingerprints_note"],
                                                       *c.fingerprints])
    lines += _section(c.headings["absent"], [c.absent, _("On the assembly's page: %(link)s",
                                                         link=c.page)])
    lines += ["", _("Add the assembly to your calendar: %(link)s", link=c.calendar),
              "", "-- ", c.signature]
    return "\n".join(lines)


def as_description(c: Convocation) -> str:
    """The convocation in short, for a calendar entry: the agenda, how to attend, the page."""
    lines = [c.opening]
    if c.agenda or c.resolutions:
        lines += ["", c.headings["agenda"], *c.agenda, *(title for title, _text in c.resolutions)]
    lines += ["", *c.attend, c.page]
    return "\n".join(lines)


def convocation_mail(assembly: Assembly, sitting: Sitting, locale: str | None) -> tuple[str, str]:
    """The subject and text of the convocation email, in the sociétaire's language."""
    with force_locale(locale or assembly.cooperative.default_locale):
        c = convocation(assembly, sitting)
        return c.subject, as_text(c)
