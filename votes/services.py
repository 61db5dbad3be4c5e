"""Every write of the votes package: create, open (freeze the roll), cast, close (seal)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fractions import Fraction

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from governance import documents, mail_queue
from governance import rules as grules
from governance.extensions import db
from governance.models import Cooperative, CoopRole, Membership, Person, Role, Status, utcnow
from governance.permissions import can_admin
from governance.services import DomainError, Forbidden, service
from governance.services.journal import record

from . import ballotbox, rules, second_factor
from .models import Ballot, Batch, Eligibility, Emargement, RollEntry, State, Vote, VoteDocument

MAX_DOCUMENTS = 20
_TRACKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
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


def tracker() -> str:
    """A tracking code such as `K7QM-2XDP-9RTW` (60 random bits)."""
    raw = "".join(secrets.choice(_TRACKER_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _check_held(vote: Vote, held_ok: bool) -> None:
    if vote.held and not held_ok:
        raise DomainError("vote_in_assembly", {})


def _require_admin(actor, coop) -> None:
    if actor is not None and not can_admin(actor, coop):
        raise Forbidden()


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
    _require_admin(actor, coop)
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
    _require_admin(actor, vote.cooperative)
    if vote.state != State.DRAFT:
        raise DomainError("documents_frozen", {})
    if len(vote.documents) >= MAX_DOCUMENTS:
        raise DomainError("too_many_documents", {"max": MAX_DOCUMENTS})
    try:
        upload = documents.check_upload(filename, data)
    except grules.RuleError as err:
        raise DomainError(err.code, err.params) from None
    doc = VoteDocument(vote_id=vote.id, name=upload.name, media_type=upload.media_type,
                       size=upload.size, sha256=upload.sha256, content=data)
    db.session.add(doc)
    db.session.flush()
    record(actor, "vote.document_add", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"name": doc.name, "size": doc.size, "sha256": doc.sha256})
    return doc


@service
def remove_document(actor: Person, doc: VoteDocument) -> None:
    """Take a document off a draft vote (admin)."""
    vote = db.session.get(Vote, doc.vote_id)
    _require_admin(actor, vote.cooperative)
    if vote.state != State.DRAFT:
        raise DomainError("documents_frozen", {})
    record(actor, "vote.document_remove", "vote", vote.id, cooperative_id=vote.cooperative_id,
           before={"name": doc.name, "sha256": doc.sha256})
    db.session.delete(doc)
    db.session.flush()
    db.session.expire(vote, ["documents"])


def _eligible(vote: Vote) -> list[tuple[Person, Membership | None]]:
    """Who is on the roll: admitted sociétaires (of some colleges), or the board."""
    if vote.eligibility == Eligibility.BOARD:
        people = db.session.scalars(sa.select(Person).join(
            CoopRole, CoopRole.person_id == Person.id).where(
            CoopRole.cooperative_id == vote.cooperative_id, CoopRole.role == Role.BOARD)).all()
        members = {m.person_id: m for m in db.session.scalars(sa.select(Membership).where(
            Membership.cooperative_id == vote.cooperative_id,
            Membership.person_id.in_([p.id for p in people])))}
        return [(p, members.get(p.id)) for p in people]
    stmt = (sa.select(Membership).where(Membership.cooperative_id == vote.cooperative_id,
                                        Membership.status == Status.ADMITTED)
            .options(sa.orm.selectinload(Membership.person),
                     sa.orm.selectinload(Membership.college)))
    members = db.session.scalars(stmt).all()
    if vote.eligibility == Eligibility.COLLEGES:
        members = [m for m in members if m.college and m.college.code in vote.eligible_colleges]
    return [(m.person, m) for m in members]


@service
def open_vote(actor: Person | None, vote: Vote, *, now: datetime | None = None,
              notify: bool = True, held_ok: bool = False) -> int:
    """Open the vote and freeze its roll (RULES.md §2); email the voters. Admin only.
    An assembly's resolution is opened by its assembly (`held_ok`)."""
    _require_admin(actor, vote.cooperative)
    _check_held(vote, held_ok)
    if vote.state != State.DRAFT:
        raise DomainError("vote_not_draft", {})
    now = now or utcnow()
    weighted = vote.weighting == "colleges"
    entries = []
    for person, membership in _eligible(vote):
        college = membership.college.code if membership and membership.college else None
        if weighted and college is None:
            continue  # without a college a member has no weight in a weighted vote
        entries.append({"vote_id": vote.id, "person_id": person.id, "weight": "1",
                        "membership_number": membership.number if membership else None,
                        "college": college if weighted else None,
                        "voter_ref": secrets.token_hex(8)})
    if not entries:
        raise DomainError("empty_roll", {})
    db.session.execute(sa.insert(RollEntry), entries)
    vote.state, vote.opened_at = State.OPEN, now
    db.session.flush()
    record(actor, "vote.open", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"roll": len(entries),
                  "documents": [{"name": d.name, "sha256": d.sha256} for d in vote.documents]})
    if notify:
        _notify_voters(vote)
    return len(entries)


def _notify_voters(vote: Vote) -> None:
    """Queue the opening notice for every voter with an address, in their language."""
    people = db.session.execute(sa.select(Person.email, Person.locale).join(
        RollEntry, RollEntry.person_id == Person.id).where(
        RollEntry.vote_id == vote.id, Person.email.is_not(None))).all()
    link = url_for("votes.show", vote_id=vote.id, _external=True)
    for email, locale in people:
        with force_locale(locale or vote.cooperative.default_locale):
            mail_queue.queue(email, _("Vote open: %(title)s", title=vote.title),
                             _("A vote of %(coop)s is open: %(title)s.\n\nVote here: %(link)s",
                               coop=vote.cooperative.name, title=vote.title, link=link))


def poll_of(vote: Vote) -> rules.Poll:
    """The plain-data poll of the counting rules (no roll or ballots)."""
    rule = rules.Rule(weighting=vote.weighting, counting=vote.counting,
                      threshold=Fraction(vote.threshold), strict=vote.strict,
                      quorum=Fraction(vote.quorum) if vote.quorum else None,
                      empty_college=vote.empty_college)
    return rules.Poll(method=str(vote.method), rule=rule,
                      options=tuple(o["id"] for o in vote.options),
                      seats=vote.seats, grades=tuple(vote.grades))


def is_open(vote: Vote, now: datetime | None = None) -> bool:
    return vote.state == State.OPEN and (vote.closes_at is None
                                         or (now or utcnow()) < vote.closes_at)


@dataclass
class Receipt:
    tracker: str
    hash: str


@service
def cast(actor: Person, vote: Vote, choice, *, now: datetime | None = None,
         entry: RollEntry | None = None) -> Receipt:
    """Put the actor's own ballot in the box; once only. `entry` is the actor's roll entry
    when the caller already loaded it."""
    _check_held(vote, False)
    if entry is None:
        entry = db.session.scalar(sa.select(RollEntry).where(
            RollEntry.vote_id == vote.id, RollEntry.person_id == actor.id))
    if entry is None or entry.person_id != actor.id or entry.vote_id != vote.id:
        raise Forbidden()
    if not second_factor.confirmed(vote, actor.id):
        raise DomainError("second_factor_required", {})
    return put_ballot(actor, vote, entry, choice, now=now)


def put_ballot(actor: Person | None, vote: Vote, entry: RollEntry, choice, *,
               channel: str = "online", now: datetime | None = None) -> Receipt:
    """Put the ballot of roll entry `entry` in the box, for a caller that checked who may cast
    it (the voter; their proxy holder in an assembly). Runs inside the caller's service.

    The conditional update of the roll entry decides between concurrent attempts (the second
    waits for the first's row lock, then finds the entry voted); the emargement's unique key
    backs it up.
    """
    if not is_open(vote, now):
        raise DomainError("vote_not_open", {})
    if entry.vote_id != vote.id:
        raise Forbidden()
    if rules.ballot_error(poll_of(vote), choice) is not None:
        raise DomainError("bad_ballot", {})  # the detail could reveal the intended choice
    code = tracker()
    signed = db.session.execute(
        sa.update(RollEntry).where(RollEntry.id == entry.id, RollEntry.voted.is_(False))
        .values(participating=True, voted=True, open_tracker=None if vote.secret else code)
        .execution_options(synchronize_session=False)).rowcount
    if not signed:
        raise DomainError("already_voted", {})
    content = {"tracker": code, "college": entry.college, "weight": entry.weight,
               "choice": choice}
    digest = ballotbox.ballot_hash(vote.public_id, content)
    try:  # plain INSERTs: nothing reads these rows back in the transaction
        db.session.execute(sa.insert(Emargement).values(roll_entry_id=entry.id, channel=channel))
    except IntegrityError:
        raise DomainError("already_voted", {}) from None
    db.session.execute(sa.insert(Ballot).values(
        id=secrets.token_hex(16), vote_id=vote.id, tracker=code, college=entry.college,
        weight=entry.weight, choice_json=json.dumps(choice, ensure_ascii=False), hash=digest))
    record(actor, "vote.cast", "vote", vote.id, cooperative_id=vote.cooperative_id)
    return Receipt(code, digest)


@service
def close_vote(actor: Person | None, vote: Vote, *, now: datetime | None = None,
               held_ok: bool = False) -> dict:
    """Seal the box and compute the result (admin, or the clock when `actor` is None)."""
    _require_admin(actor, vote.cooperative)
    _check_held(vote, held_ok)
    closed_at = now or utcnow()
    # Conditional update: of two simultaneous closes, the second finds the vote closed.
    changed = db.session.execute(
        sa.update(Vote).where(Vote.id == vote.id, Vote.state == State.OPEN)
        .values(state=State.CLOSED, closed_at=closed_at)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise DomainError("vote_not_open", {})
    vote.state, vote.closed_at = State.CLOSED, closed_at
    _rewrite_ballots(vote)
    grouped = _grouped(vote)
    box = sealed_box(vote, result=count(vote, grouped).as_json())  # its recount must agree
    vote.box_json = ballotbox.dumps(box)
    vote.summary_json = json.dumps(_summary(box, grouped[1]), ensure_ascii=False)
    record(actor, "vote.close", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"seal": box["seal"], "outcome": box["result"]["outcome"]})
    return box["result"]


def _rewrite_ballots(vote: Vote) -> None:
    """Re-insert the ballots in tracker order within the closing transaction.

    A ballot is written in the same transaction as its emargement, so until now its row shared
    their transaction id (PostgreSQL's xmin) and followed the casting order (physical order,
    SQLite's rowid). After this, every ballot carries the closing transaction's id and sits in
    tracker order: nothing in the rows follows who voted when.
    """
    table = Ballot.__table__
    rows = [dict(r) for r in db.session.execute(
        sa.select(table).where(table.c.vote_id == vote.id)).mappings()]
    db.session.execute(sa.delete(table).where(table.c.vote_id == vote.id))
    if rows:
        db.session.execute(sa.insert(table), sorted(rows, key=lambda r: r["tracker"]))
    db.session.expire_all()


def purge_dead_rows() -> None:
    """Reclaim the ballots' old row versions once the close is committed (PostgreSQL VACUUM;
    SQLite's deleted rows are overwritten by secure_delete)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ballot"))


def close(actor: Person | None, vote: Vote, *, now: datetime | None = None,
          held_ok: bool = False) -> dict:
    """Close and seal the vote, then purge the ballots' old row versions."""
    result = close_vote(actor, vote, now=now, held_ok=held_ok)
    purge_dead_rows()
    return result


def _colleges(vote: Vote) -> list:
    return list(vote.cooperative.colleges) if vote.weighting == "colleges" else []


def _grouped(vote: Vote) -> tuple[list, list, list]:
    """The roll and the ballots grouped in SQL, one row per distinct content with its count;
    and the batches."""
    roll = db.session.execute(
        sa.select(RollEntry.college, RollEntry.weight, RollEntry.participating, RollEntry.voted,
                  sa.func.count()).where(RollEntry.vote_id == vote.id)
        .group_by(RollEntry.college, RollEntry.weight, RollEntry.participating,
                  RollEntry.voted)).all()
    ballots = db.session.execute(
        sa.select(Ballot.college, Ballot.weight, Ballot.choice_json, sa.func.count())
        .where(Ballot.vote_id == vote.id)
        .group_by(Ballot.college, Ballot.weight, Ballot.choice_json)).all()
    batches = db.session.execute(sa.select(Batch.college, Batch.counts_json)
                                 .where(Batch.vote_id == vote.id)).all()
    return roll, ballots, batches


def count(vote: Vote, grouped: tuple | None = None) -> rules.Result:
    """The result, counted from the roll and the ballots grouped in SQL.

    The rules only sum weights, so one row per distinct (college, weight, choice) with its
    count gives the same result as the single ballots, at the cost of a GROUP BY.
    """
    roll, ballots, batches = grouped or _grouped(vote)
    poll = poll_of(vote)
    return rules.tally(replace(
        poll, colleges=tuple(rules.College(c.code, Fraction(c.weight)) for c in _colleges(vote)),
        roll=tuple(rules.RollEntry(c, Fraction(w) * n, p, v) for c, w, p, v, n in roll),
        ballots=tuple(rules.Ballot(c, Fraction(w) * n, json.loads(ch))
                      for c, w, ch, n in ballots),
        batches=tuple(rules.Batch(c, {o: Fraction(x) for o, x in json.loads(counts).items()})
                      for c, counts in batches)))


def _summary(box: dict, ballots: list) -> dict:
    """What the result pages need of a sealed box: result, colleges, batches, and the ballots
    summed per (college, choice)."""
    summed: dict = {}
    for college, weight, choice, n in ballots:
        key = (college, choice)
        summed[key] = summed.get(key, Fraction(0)) + Fraction(weight) * n
    return {"result": box["result"], "colleges": box["colleges"], "batches": box["batches"],
            "ballots": [{"college": c, "choice": json.loads(ch), "weight": str(w)}
                        for (c, ch), w in summed.items()]}


def sealed_box(vote: Vote, *, result: dict | None = None) -> dict:
    """The `coopgov-ballot-box/1` document of the vote, built from the tables (plain rows)."""
    coop = vote.cooperative
    colleges = [{"id": c.code, "name": c.name, "weight": c.weight} for c in _colleges(vote)]
    roll = [{"voter": ref, "college": college, "weight": weight, "participating": present,
             "voted": voted}
            for ref, college, weight, present, voted in db.session.execute(
                sa.select(RollEntry.voter_ref, RollEntry.college, RollEntry.weight,
                          RollEntry.participating, RollEntry.voted)
                .where(RollEntry.vote_id == vote.id).order_by(RollEntry.voter_ref))]
    ballots = [{"tracker": code, "college": college, "weight": weight,
                "choice": json.loads(choice)}
               for code, college, weight, choice in db.session.execute(
                   sa.select(Ballot.tracker, Ballot.college, Ballot.weight, Ballot.choice_json)
                   .where(Ballot.vote_id == vote.id))]
    batches = [{"college": college, "counts": json.loads(counts)}
               for college, counts in db.session.execute(
                   sa.select(Batch.college, Batch.counts_json).where(Batch.vote_id == vote.id))]
    meta = {"id": vote.public_id, "title": vote.title, "cooperative": coop.slug,
            "method": str(vote.method),
            "secret": vote.secret, "options": vote.options, "grades": vote.grades,
            "seats": vote.seats,
            "rule": {"weighting": vote.weighting, "counting": vote.counting,
                     "threshold": vote.threshold, "strict": vote.strict, "quorum": vote.quorum,
                     "empty_college": vote.empty_college},
            "opened_at": _aware(vote.opened_at), "closed_at": _aware(vote.closed_at)}
    return ballotbox.build(meta, colleges, roll, ballots, batches, result=result)


def _aware(moment: datetime | None) -> datetime | None:
    """Stored times are naive UTC; the published box states the offset."""
    return moment.replace(tzinfo=UTC) if moment else None


def close_due(now: datetime | None = None) -> int:
    """Close every open vote whose closing time has passed (run by the clock)."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(Vote).where(
        Vote.state == State.OPEN, Vote.closes_at.is_not(None), Vote.closes_at <= now)).all()
    closed = 0
    for vote in due:
        try:
            close(None, vote, now=vote.closes_at)
            closed += 1
        except DomainError:  # closed meanwhile by another request
            pass
    return closed
