"""Drafting a vote: create it with its rule from the statutes, attach and remove documents."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from governance import rules as grules
from governance.models import Cooperative, Person
from governance.platform import attachments
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import DomainError, service

from ..models import Eligibility, State, Vote, VoteDocument
from .access import require_admin

RESOLUTION_LABELS = {"for": "Pour", "against": "Contre", "abstain": "Abstention"}
DEFAULT_GRADES = ["Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"]


@dataclass
class VoteDraft:
    """What an admin enters to create a vote; the rule defaults from the statutes."""

    title: str
    body: str = ""
    method: str = "resolution"
    secret: bool = True
    kind: str = "ordinary"  # which statutes' settings to copy: ordinary | extraordinary
    options: list[str] = field(default_factory=list)  # labels, for choice/approval/MJ
    grades: list[str] = field(default_factory=list)
    seats: int = 1
    counting: str | None = None
    threshold: str | None = None
    strict: bool | None = None
    quorum: str | None = None  # "" for none; None = from the statutes
    empty_college: str = "redistribute"
    eligibility: str = "all"
    eligible_colleges: list[str] = field(default_factory=list)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    second_factor: bool = False  # voters confirm a code emailed to them (CNIL level 2)
    held: bool = False  # a resolution of a general assembly (which may have a second call)


def _share(text, code: str) -> str | None:
    try:
        value = grules.parse_share(text)
    except grules.RuleError as err:
        raise DomainError(err.code, err.params) from None
    return None if value is None else grules.fraction_str(value)


def _options(draft: VoteDraft) -> list[dict]:
    if draft.method == "resolution":
        return [{"id": k, "label": v} for k, v in RESOLUTION_LABELS.items()]
    labels = [o.strip() for o in draft.options if o.strip()]
    if len(labels) < 2:
        raise DomainError("options_required", {})
    if len(set(labels)) != len(labels):
        raise DomainError("duplicate_option", {})
    return [{"id": f"o{i}", "label": label} for i, label in enumerate(labels, 1)]


@service
def create_vote(actor: Person, coop: Cooperative, draft: VoteDraft) -> Vote:
    """A draft vote; the rule comes from the statutes unless the admin sets it. Admin only."""
    require_admin(actor, coop)
    kind = "extraordinary" if draft.kind == "extraordinary" else "ordinary"
    if draft.opens_at and draft.closes_at and draft.closes_at <= draft.opens_at:
        raise DomainError("closes_before_opens", {})
    options = _options(draft)
    grades = [g.strip() for g in (draft.grades or DEFAULT_GRADES) if g.strip()]
    if draft.method == "approval" and not 1 <= draft.seats < len(options):
        raise DomainError("bad_seats", {"options": len(options)})
    if draft.eligibility == "colleges":
        known = {c.code for c in coop.colleges}
        if not draft.eligible_colleges or set(draft.eligible_colleges) - known:
            raise DomainError("eligible_colleges_required", {})
    vote = Vote(
        public_id=f"{coop.slug}-{secrets.token_hex(6)}", cooperative_id=coop.id,
        title=draft.title.strip(), body=draft.body, method=draft.method, secret=draft.secret,
        second_factor=draft.second_factor,
        options_json=json.dumps(options, ensure_ascii=False),
        grades_json=json.dumps(grades if draft.method == "majority_judgment" else [],
                               ensure_ascii=False),
        seats=draft.seats if draft.method == "approval" else 1,
        # A board vote counts one person, one vote; sociétaires vote as the statutes weigh them.
        weighting="none" if draft.eligibility == "board" else str(coop.weighting),
        counting=draft.counting or getattr(coop, f"{kind}_counting"),
        threshold=_share(draft.threshold or getattr(coop, f"{kind}_majority"), "threshold"),
        strict=getattr(coop, f"{kind}_majority_strict") if draft.strict is None else draft.strict,
        quorum=_share(getattr(coop, f"{kind}_quorum_first") if draft.quorum is None
                      else draft.quorum, "quorum"),
        held=draft.held,
        quorum_second=_share(getattr(coop, f"{kind}_quorum_second"), "quorum")
        if draft.held else None,
        empty_college=draft.empty_college, eligibility=Eligibility(draft.eligibility),
        eligible_colleges_json=json.dumps(draft.eligible_colleges),
        opens_at=draft.opens_at, closes_at=draft.closes_at)
    if vote.threshold is None:
        raise DomainError("majority_required", {})
    db.session.add(vote)
    db.session.flush()
    record(actor, "vote.create", "vote", vote.id, cooperative_id=coop.id,
           after={"title": vote.title, "method": vote.method, "secret": vote.secret,
                  "threshold": vote.threshold, "quorum": vote.quorum})
    return vote


@service
def add_document(actor: Person, vote: Vote, filename: str, data: bytes) -> VoteDocument:
    """Attach a document to a draft vote (admin); its hash goes to the journal."""
    require_admin(actor, vote.cooperative)
    if vote.state != State.DRAFT:
        raise DomainError("documents_frozen", {})
    doc = attachments.attach(VoteDocument, {"vote_id": vote.id}, len(vote.documents), filename,
                             data, too_many="too_many_documents")
    record(actor, "vote.document_add", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after=attachments.summary(doc))
    return doc


@service
def remove_document(actor: Person, doc: VoteDocument) -> None:
    """Take a document off a draft vote (admin)."""
    vote = db.session.get(Vote, doc.vote_id)
    require_admin(actor, vote.cooperative)
    if vote.state != State.DRAFT:
        raise DomainError("documents_frozen", {})
    record(actor, "vote.document_remove", "vote", vote.id, cooperative_id=vote.cooperative_id,
           before=attachments.summary(doc))
    attachments.detach(doc)
    db.session.expire(vote, ["documents"])
