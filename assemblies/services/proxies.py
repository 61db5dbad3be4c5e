"""Proxies: a sociétaire gives their vote to another of the same roll (who accepts or
declines) or a blank proxy to the chair, and takes it back until their holder has voted."""
from __future__ import annotations

import sqlalchemy as sa

from governance.models import Membership, Person, Status
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden, service
from votes.models import RollEntry

from .. import queries, rules
from ..models import (
    Assembly,
    Participant,
    Presence,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionVote,
    State,
)
from . import as_domain, journal, require_state

_LIVE = (ProxyState.OFFERED, ProxyState.ACCEPTED)


def voted_for(participant: Participant) -> bool:
    """Whether a ballot was cast for the participant on any resolution of the assembly."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RollEntry)
        .join(ResolutionVote, ResolutionVote.vote_id == RollEntry.vote_id)
        .join(Resolution, Resolution.id == ResolutionVote.resolution_id)
        .where(Resolution.assembly_id == participant.assembly_id,
               ResolutionVote.cooperative_id == participant.cooperative_id,
               RollEntry.person_id == participant.person_id, RollEntry.voted.is_(True))) > 0


def _cap(assembly: Assembly, participant: Participant) -> int:
    coop = participant.cooperative
    members = db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.cooperative_id == coop.id, Membership.status == Status.ADMITTED))
    return rules.proxy_cap(str(coop.proxy_rule), coop.max_proxies, members)


def _lock(*places: Participant | None) -> None:
    """Lock the principal's and the holder's rows, in id order (no deadlock), so that two
    proxies given at once can neither pass the holder's cap nor both leave one principal."""
    ids = sorted({p.id for p in places if p is not None})
    db.session.execute(sa.select(Participant.id).where(Participant.id.in_(ids))
                       .order_by(Participant.id).with_for_update())


@service
def give_proxy(actor: Person, principal: Participant, holder_number: int | None) -> Proxy:
    """Give one's vote to the sociétaire numbered `holder_number` of the same cooperative, or a
    blank proxy to the chair (`None`). Before the sitting opens, or during it while absent."""
    if actor.id != principal.person_id:
        raise Forbidden()
    assembly = db.session.get(Assembly, principal.assembly_id)
    require_state(assembly, State.CONVENED, State.OPEN)
    if principal.presence != Presence.ABSENT and principal.present_call == assembly.sitting.call:
        raise DomainError("proxy_while_present", {})
    holder = None
    if holder_number is not None:
        holder = db.session.scalar(sa.select(Participant).where(
            Participant.assembly_id == assembly.id,
            Participant.cooperative_id == principal.cooperative_id,
            Participant.number == holder_number))
    _lock(principal, holder)
    if queries.proxy_given(principal) is not None:
        raise DomainError("proxy_already_given", {})
    carries = 0 if holder is None else db.session.scalar(
        sa.select(sa.func.count()).select_from(Proxy).where(
            Proxy.holder_id == holder.id, Proxy.state.in_(_LIVE)))
    as_domain(rules.check_proxy, rules.ProxyRequest(
        principal=principal.id, holder=None if holder_number is None else
        (holder.id if holder else -1), holder_on_roll=holder is not None,
        holder_carries=carries, cap=_cap(assembly, principal),
        principal_voted=voted_for(principal),
        holder_gave_proxy=holder is not None and queries.proxy_given(holder) is not None))
    proxy = Proxy(assembly_id=assembly.id, cooperative_id=principal.cooperative_id,
                  principal_id=principal.id, holder_id=holder.id if holder else None,
                  state=ProxyState.ACCEPTED if holder is None else ProxyState.OFFERED)
    principal.intent = Presence.ABSENT
    db.session.add(proxy)
    journal(actor, assembly, "assembly.proxy_give",
            after={"principal": principal.number, "coop": principal.cooperative_id,
                   "holder": holder.number if holder else None})
    return proxy


@service
def answer_proxy(actor: Person, proxy: Proxy, accept: bool) -> None:
    """The holder accepts or declines a proxy offered to them."""
    if proxy.holder is None or actor.id != proxy.holder.person_id:
        raise Forbidden()
    assembly = db.session.get(Assembly, proxy.assembly_id)
    require_state(assembly, State.CONVENED, State.OPEN)
    if proxy.state != ProxyState.OFFERED:
        raise DomainError("proxy_not_offered", {})
    if accept and queries.proxy_given(proxy.holder) is not None:
        raise DomainError("proxy_holder_gave_proxy", {})
    proxy.state = ProxyState.ACCEPTED if accept else ProxyState.DECLINED
    proxy.answered_at = utcnow()
    journal(actor, assembly, "assembly.proxy_accept" if accept else "assembly.proxy_decline",
            after={"principal": proxy.principal.number, "holder": proxy.holder.number,
                   "coop": proxy.cooperative_id})


@service
def revoke_proxy(actor: Person, proxy: Proxy) -> None:
    """The principal takes their vote back, until their holder has voted for them."""
    if actor.id != proxy.principal.person_id:
        raise Forbidden()
    assembly = db.session.get(Assembly, proxy.assembly_id)
    require_state(assembly, State.CONVENED, State.OPEN)
    if proxy.state not in _LIVE:
        raise DomainError("proxy_not_live", {})
    if not rules.can_revoke(voted_for(proxy.principal)):
        raise DomainError("proxy_already_used", {})
    proxy.state = ProxyState.REVOKED
    proxy.answered_at = utcnow()
    journal(actor, assembly, "assembly.proxy_revoke",
            after={"principal": proxy.principal.number, "coop": proxy.cooperative_id,
                   "holder": proxy.holder.number if proxy.holder else None})
