"""Opening a vote: freeze its roll, fingerprint what it will be counted by, notify the voters."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from governance.models import Person
from governance.platform import mail_queue
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import DomainError, System, service

from .. import queries
from ..models import CeremonyState, RollEntry, State, Vote
from . import sealing, tallying
from .access import check_held, require_admin


@service
def open_vote(actor: Person | System, vote: Vote, *, now: datetime | None = None,
              notify: bool = True, held_ok: bool = False) -> int:
    """Open the vote and freeze its roll (RULES.md §2), fingerprint its header, rule, colleges
    and roll, and email the voters. Admin only. An assembly's resolution is opened by its
    assembly (`held_ok`)."""
    require_admin(actor, vote.cooperative)
    check_held(vote, held_ok)
    if vote.state != State.DRAFT:
        raise DomainError("vote_not_draft", {})
    ceremony = queries.ceremony_of(vote)
    if ceremony is not None and ceremony.state != CeremonyState.DONE:
        raise DomainError("ceremony_not_done", {})
    now = now or utcnow()
    weighted = vote.weighting == "colleges"
    entries = []
    for person, membership in queries.eligible(vote):
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
    vote.state, vote.opened_at = State.OPEN, now.replace(microsecond=0)
    db.session.flush()
    opening = sealing.freeze(vote)
    vote.fingerprint = opening["fingerprint"]
    if "encryption" in vote.opening:
        tallying.prepare_parts(vote)
    record(actor, "vote.open", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"roll": len(entries), "opening": opening,
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
                             _("A vote of %(coop)s is open: %(title)s.\n\nVote here: %(link)s\n\n"
                               "Fingerprint of the vote (its rule, colleges and roll, fixed at "
                               "opening): %(fingerprint)s",
                               coop=vote.cooperative.name, title=vote.title, link=link,
                               fingerprint=vote.fingerprint), vote.cooperative_id)
