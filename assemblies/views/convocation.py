"""The convocation's companions: the calendar file, the assembly's documents (reports,
accounts), and the letters for the sociétaires convened by post."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from governance.platform import documents as upload_rules
from governance.platform.attachments import uploaded
from governance.platform.clock import utcnow
from governance.platform.downloads import send_document
from governance.views.common import child_or_404, run

from .. import ics, letters, queries
from ..blueprint import bp
from ..models import Assembly, AssemblyDocument, State
from ..services import prepare
from .common import assembly_or_404, manages, require_manager


def convocation_context(assembly: Assembly) -> dict:
    """What the assembly's page shows of the convocation: documents, upload limits, and for
    the secretariat how many were convened by email and by post."""
    ctx = dict(documents=queries.documents(assembly),
               document_types=sorted(upload_rules.TYPES),
               document_max=upload_rules.MAX_BYTES // (1024 * 1024))
    if assembly.state != State.DRAFT and manages(assembly):
        ctx["emailed"], ctx["postal"] = queries.convocation_counts(assembly)
    return ctx


def _visible(assembly_id: int) -> Assembly:
    """The assembly, for whoever may see it; a draft only for its secretariat."""
    assembly = assembly_or_404(assembly_id)
    if assembly.state == State.DRAFT and not manages(assembly):
        abort(404)
    return assembly


def _back(assembly: Assembly):
    return redirect(url_for("assemblies.show", assembly_id=assembly.id, _anchor="documents"))


@bp.get("/assemblies/<int:assembly_id>/convocation.ics")
@login_required
def calendar(assembly_id):
    """The assembly's calls as an iCalendar file, for the sociétaire's own calendar."""
    assembly = _visible(assembly_id)
    domain = request.host.rsplit(":", 1)[0]
    events = []
    for sitting in assembly.sittings:
        c = letters.convocation(assembly, sitting)
        summary = assembly.title if sitting.call == 1 else _("Second call: %(title)s",
                                                             title=assembly.title)
        events.append(ics.Event(
            uid=ics.uid(assembly.id, sitting.call, domain), start=sitting.starts_at,
            summary=summary, location=assembly.place or assembly.online_link, url=c.page,
            description=letters.as_description(c)))
    body = ics.calendar(events, stamp=utcnow(), name=assembly.title)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="assembly-{assembly.id}.ics"',
        "Cache-Control": "private, no-cache"})


def _document(assembly: Assembly, doc_id: int) -> AssemblyDocument:
    doc = child_or_404(AssemblyDocument, doc_id, assembly_id=assembly.id)
    return doc


@bp.get("/assemblies/<int:assembly_id>/documents/<int:doc_id>")
@login_required
def document(assembly_id, doc_id):
    """Download a document of the assembly (whoever sees the assembly)."""
    assembly = _visible(assembly_id)
    return send_document(_document(assembly, doc_id))


@bp.post("/assemblies/<int:assembly_id>/documents")
@login_required
def document_add(assembly_id):
    """Attach a report or the accounts (secretariat, while the assembly is a draft)."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    upload = uploaded()
    if upload is not None:
        run(lambda: prepare.add_document(current_user, assembly, *upload),
            _("The document is attached."))
    return _back(assembly)


@bp.post("/assemblies/<int:assembly_id>/documents/<int:doc_id>/remove")
@login_required
def document_remove(assembly_id, doc_id):
    """Remove a document (secretariat, while the assembly is a draft)."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    doc = _document(assembly, doc_id)
    run(lambda: prepare.remove_document(current_user, doc), _("The document is removed."))
    return _back(assembly)


@bp.get("/assemblies/<int:assembly_id>/letters")
@login_required
def postal_letters(assembly_id):
    """The sociétaires convened by post, with their printable letters, one a page, each in
    the sociétaire's language (secretariat, once convened)."""
    assembly = assembly_or_404(assembly_id)
    require_manager(assembly)
    if assembly.state == State.DRAFT:
        abort(404)
    sitting = assembly.sitting
    roll = queries.postal_roll(assembly)
    texts: dict[str, letters.Convocation] = {}
    pages = []
    for place in roll:
        locale = place.person.locale or place.cooperative.default_locale
        with force_locale(locale):
            if locale not in texts:
                texts[locale] = letters.convocation(assembly, sitting)
            pages.append(Markup(render_template(
                "assemblies/_letter.html", assembly=assembly, sitting=sitting, place=place,
                c=texts[locale])))
    return render_template("assemblies/letters.html", assembly=assembly, sitting=sitting,
                           roll=roll, pages=pages,
                           missing=sum(1 for p in roll if not p.person.address.strip()))
