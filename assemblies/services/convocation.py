"""Convening an assembly: the notice check, the roll frozen per cooperative, each resolution's
vote opened for advance votes, convocations queued by email for those who consented (the
others are listed for a postal letter); and the second call when the first lacks quorum."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from governance.models import Membership, Person, Status
from governance.platform import mail_queue
from governance.platform.clock import local_date, utcnow
from governance.platform.extensions import db
from governance.platform.service import SYSTEM, DomainError, service
from votes import services as votes

from .. import letters, queries, rules
from ..models import Assembly, Participant, Sitting, State
from . import as_domain, move, require_manager, require_state


def _freeze_roll(assembly: Assembly) -> int:
    """Every admitted sociétaire of each cooperative, with their college, as of now."""
    rows = []
    for coop in assembly.cooperatives:
        members = db.session.execute(
            sa.select(Membership.person_id, Membership.number, Membership.email_consent,
                      Person.email, Person.search_name, Membership.college_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.cooperative_id == coop.id, Membership.status == Status.ADMITTED))
        codes = {c.id: c.code for c in coop.colleges}
        rows += [{"assembly_id": assembly.id, "cooperative_id": coop.id, "person_id": pid,
                  "number": number, "college": codes.get(college_id),
                  "search_name": (name or "")[:250], "by_email": bool(consent and email)}
                 for pid, number, consent, email, name, college_id in members]
    if not rows:
        raise DomainError("empty_roll", {})
    db.session.execute(sa.insert(Participant), rows)
    return len(rows)


def _queue_convocations(assembly: Assembly, sitting: Sitting) -> int:
    """One email per sociétaire convened by email, in their language."""
    people = db.session.execute(
        sa.select(Person.email, Person.locale).join(
            Participant, Participant.person_id == Person.id)
        .where(Participant.assembly_id == assembly.id, Participant.by_email.is_(True))
        .distinct()).all()
    texts: dict[str | None, tuple[str, str]] = {}  # one text per language, not per person
    for email, locale in people:
        if locale not in texts:
            texts[locale] = letters.convocation_mail(assembly, sitting, locale)
        mail_queue.queue(email, *texts[locale], assembly.cooperative_id)
    return len(people)


@service
def convene(actor: Person, assembly: Assembly, *, reason: str = "",
            now: datetime | None = None, notify: bool = True) -> int:
    """Convene the first call: refuses a notice shorter than the statutes' unless a reason is
    recorded; freezes the roll; opens the resolutions' votes to advance votes; queues the
    email convocations (unless `notify` is false: the demo). Returns how many sociétaires
    were convened."""
    require_manager(actor, assembly)
    require_state(assembly, State.DRAFT)
    now = now or utcnow()
    sitting = assembly.sitting
    required = assembly.cooperative.notice_days_first
    days = as_domain(rules.check_notice, local_date(now), local_date(sitting.starts_at),
                     required, reason)
    if not assembly.items and not assembly.resolutions:
        raise DomainError("agenda_empty", {})
    roll = _freeze_roll(assembly)
    for resolution in assembly.resolutions:
        for rv in resolution.votes:
            votes.open_vote(SYSTEM, rv.vote, now=now, notify=False, held_ok=True)
    sitting.convened_at, sitting.notice_days = now, days
    sitting.short_notice_reason = reason.strip() if days < required else ""
    mailed = _queue_convocations(assembly, sitting) if notify else 0
    move(actor, assembly, State.CONVENED, call=1, roll=roll, emailed=mailed,
         notice_days=days, short_notice_reason=sitting.short_notice_reason)
    return roll


@service
def second_call(actor: Person, assembly: Assembly, starts_at: datetime, *, reason: str = "",
                now: datetime | None = None) -> Sitting:
    """Convene a second call of the same agenda when the first lacks quorum: the lower
    quorum of the statutes applies to the resolutions still open; advance votes stay valid."""
    require_manager(actor, assembly)
    require_state(assembly, State.OPEN)
    sitting = assembly.sitting
    if sitting.call != 1:
        raise DomainError("second_call_twice", {})
    if all(q.met for q in queries.quorum(assembly).values()):
        raise DomainError("quorum_met", {})
    now = now or utcnow()
    required = assembly.cooperative.notice_days_second
    days = as_domain(rules.check_notice, local_date(now), local_date(starts_at), required,
                     reason)
    second = Sitting(assembly_id=assembly.id, call=2, starts_at=starts_at, convened_at=now,
                     notice_days=days,
                     short_notice_reason=reason.strip() if days < required else "")
    db.session.add(second)
    for resolution in assembly.resolutions:
        for rv in resolution.votes:
            votes.second_call(rv.vote)  # the second-call quorum fixed at opening applies
    db.session.flush()
    db.session.expire(assembly, ["sittings"])
    mailed = _queue_convocations(assembly, second)
    move(actor, assembly, State.CONVENED, call=2, starts_at=starts_at, emailed=mailed,
         notice_days=days, short_notice_reason=second.short_notice_reason)
    return second
