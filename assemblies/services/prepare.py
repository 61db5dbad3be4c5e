"""Preparing an assembly (draft only): its cooperatives, calls, agenda, resolutions,
documents; and its bureau (chair, secretary, scrutineers) until the minutes are published."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from governance.models import Cooperative, Person
from governance.permissions import can_admin
from governance.platform import attachments
from governance.platform.extensions import db
from governance.platform.service import SYSTEM, DomainError, Forbidden, service
from governance.platform.urls import is_web_address
from votes import services as votes

from .. import rules
from ..models import (
    AgendaItem,
    Assembly,
    AssemblyCoop,
    AssemblyDocument,
    Kind,
    Resolution,
    ResolutionVote,
    Sitting,
    State,
)
from . import journal, keys, require_manager, require_state


@dataclass
class AssemblyDraft:
    title: str
    kind: str
    starts_at: datetime  # UTC
    place: str = ""
    online_link: str = ""
    second_factor: bool = False  # voters need a login with their authenticator app
    others: list[Cooperative] = field(default_factory=list)  # a joint assembly's other coops


@service
def create_assembly(actor: Person, host: Cooperative, draft: AssemblyDraft) -> Assembly:
    """A draft assembly of `host` (and, for a joint assembly, of other cooperatives whose
    secretariat the actor also holds)."""
    coops = [host] + [c for c in draft.others if c.id != host.id]
    for coop in coops:
        if not can_admin(actor, coop):
            raise Forbidden()
    title = (draft.title or "").strip()
    if not title:
        raise DomainError("assembly_title_required", {})
    if draft.kind not in {k.value for k in Kind}:
        raise DomainError("assembly_kind", {})
    if not (draft.place or "").strip() and not (draft.online_link or "").strip():
        raise DomainError("assembly_place_required", {})
    if (draft.online_link or "").strip() and not is_web_address(draft.online_link):
        raise DomainError("web_address", {})
    assembly = Assembly(cooperative_id=host.id, title=title[:300], kind=Kind(draft.kind),
                        place=draft.place.strip()[:300],
                        online_link=draft.online_link.strip()[:500],
                        second_factor=bool(draft.second_factor))
    assembly.members = [AssemblyCoop(cooperative_id=c.id) for c in coops]
    db.session.add(assembly)
    db.session.flush()
    db.session.add(Sitting(assembly_id=assembly.id, call=1, starts_at=draft.starts_at))
    journal(actor, assembly, "assembly.create",
            after={"title": assembly.title, "kind": str(assembly.kind),
                   "cooperatives": [c.slug for c in coops], "starts_at": draft.starts_at,
                   "second_factor": assembly.second_factor})
    return assembly


@service
def add_item(actor: Person, assembly: Assembly, title: str) -> AgendaItem:
    """Add an agenda item (secretariat, draft only)."""
    require_manager(actor, assembly)
    require_state(assembly, State.DRAFT)
    title = (title or "").strip()
    if not title:
        raise DomainError("agenda_title_required", {})
    item = AgendaItem(assembly_id=assembly.id, position=len(assembly.items) + 1,
                      title=title[:300])
    db.session.add(item)
    journal(actor, assembly, "assembly.agenda_add", after={"title": item.title})
    db.session.expire(assembly, ["items"])
    return item


def resolution_kind(assembly: Assembly, kind: str) -> Kind:
    """A mixed assembly's resolutions are ordinary or extraordinary; the others take the
    assembly's kind."""
    if assembly.kind != Kind.MIXED:
        return assembly.kind
    if kind not in (rules.ORDINARY, rules.EXTRAORDINARY):
        raise DomainError("resolution_kind", {})
    return Kind(kind)


@service
def add_resolution(actor: Person, assembly: Assembly, title: str, text: str, kind: str = "",
                   board_approved: bool = True) -> Resolution:
    """Add a resolution: one secret vote per cooperative, its rule from that cooperative's
    statutes for the resolution's kind (secretariat, draft only)."""
    require_manager(actor, assembly)
    require_state(assembly, State.DRAFT)
    title = (title or "").strip()
    if not title:
        raise DomainError("resolution_title_required", {})
    res_kind = resolution_kind(assembly, kind)
    resolution = Resolution(assembly_id=assembly.id, position=len(assembly.resolutions) + 1,
                            title=title[:300], text=text or "", kind=res_kind,
                            board_approved=board_approved)
    db.session.add(resolution)
    db.session.flush()
    for coop in assembly.cooperatives:
        vote = votes.create_vote(SYSTEM, coop, votes.VoteDraft(
            title=f"{assembly.title} — {resolution.position}. {resolution.title}"[:300],
            body=resolution.text, kind=str(res_kind), held=True))
        db.session.add(ResolutionVote(resolution_id=resolution.id, cooperative_id=coop.id,
                                      vote_id=vote.id))
    db.session.flush()
    db.session.expire(resolution, ["votes"])
    keys.start_ceremonies(assembly, resolution)  # encrypted like the others, if they are
    journal(actor, assembly, "assembly.resolution_add",
            after={"position": resolution.position, "title": resolution.title,
                   "kind": str(res_kind), "board_approved": board_approved})
    db.session.expire(assembly, ["resolutions"])
    return resolution


@service
def add_document(actor: Person, assembly: Assembly, filename: str,
                 data: bytes) -> AssemblyDocument:
    """Attach a report or the accounts (secretariat, draft only): sent with the convocation."""
    require_manager(actor, assembly)
    _documents_open(assembly)
    count = db.session.query(AssemblyDocument).filter_by(assembly_id=assembly.id).count()
    doc = attachments.attach(AssemblyDocument, {"assembly_id": assembly.id}, count, filename,
                             data, too_many="assembly_too_many_documents")
    journal(actor, assembly, "assembly.document_add", after=attachments.summary(doc))
    return doc


def _documents_open(assembly: Assembly) -> None:
    """The documents go out with the convocation: they are frozen once it is sent."""
    if assembly.state != State.DRAFT:
        raise DomainError("assembly_documents_frozen", {})


@service
def remove_document(actor: Person, doc: AssemblyDocument) -> None:
    """Take a document off the assembly (secretariat, draft only)."""
    assembly = db.session.get(Assembly, doc.assembly_id)
    require_manager(actor, assembly)
    _documents_open(assembly)
    journal(actor, assembly, "assembly.document_remove", before=attachments.summary(doc))
    attachments.detach(doc)


@service
def set_bureau(actor: Person, assembly: Assembly, chair: Person | None,
               secretary: Person | None, scrutineers: str) -> None:
    """Name the bureau: chair, secretary, scrutineers (secretariat, until publication)."""
    require_manager(actor, assembly)
    require_state(assembly, State.DRAFT, State.CONVENED, State.OPEN, State.CLOSED)
    if assembly.minutes_approved_at is not None:
        raise DomainError("minutes_approved", {})  # the approved minutes name the bureau
    before = {"chair": assembly.chair_id, "secretary": assembly.secretary_id,
              "scrutineers": assembly.scrutineers}
    assembly.chair_id = chair.id if chair else None
    assembly.secretary_id = secretary.id if secretary else None
    assembly.scrutineers = (scrutineers or "").strip()[:500]
    journal(actor, assembly, "assembly.bureau", before=before,
            after={"chair": assembly.chair_id, "secretary": assembly.secretary_id,
                   "scrutineers": assembly.scrutineers})
