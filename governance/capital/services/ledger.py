"""Writes to the share ledger: subscriptions, releases, transfers, reimbursements, corrections.

Every movement first locks the cooperative's row (SELECT … FOR UPDATE; SQLite serialises its
writers anyway): two admins recording at once wait for each other, so numbers stay sequential
and the same shares cannot be spent twice. Secretariat only; one transaction; journaled.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from ...models import (
    Cooperative,
    Membership,
    MovementKind,
    Person,
    ReimbursementRequest,
    RequestStatus,
    ShareMovement,
    Status,
)
from ...permissions import can_see_contacts
from ...platform.extensions import db
from ...platform.journal import record
from ...platform.service import DomainError, Forbidden, service
from ...services.register import require_admin
from .. import queries as cq
from .. import rules

LEFT = (Status.RESIGNED, Status.EXCLUDED, Status.DECEASED)


def _start(actor: Person, coop: Cooperative, on: date | None, *members: Membership) -> None:
    """Permission, date, same cooperative; then lock the cooperative until the commit."""
    require_admin(actor, coop)
    if on is None:
        raise DomainError("date_required", {})
    if any(m.cooperative_id != coop.id for m in members):
        raise DomainError("other_cooperative", {})
    db.session.execute(sa.select(Cooperative.id).where(Cooperative.id == coop.id)
                       .with_for_update())


def _receiving(m: Membership) -> None:
    if m.status in LEFT:
        raise DomainError("member_has_left", {"member": m.person.display_name})


def _ruled(fn, *args, **kwargs):
    """Call a pure rule; a broken rule becomes a DomainError naming the member concerned."""
    try:
        return fn(*args, **kwargs)
    except rules.RuleError as err:
        params = dict(err.params)
        if isinstance(params.get("member"), int):
            params["member"] = db.session.get(Membership, params["member"]).person.display_name
        raise DomainError(err.code, params) from None


def _held(m: Membership) -> rules.Balance:
    return cq.member_balances([m.id]).get(m.id, rules.Balance())


def _scop(coop: Cooperative, after: dict[int, rules.Balance], acknowledged: bool) -> dict | None:
    """SCOP ratios a movement would break; refused unless acknowledged, else to journal."""
    if coop.legal_form not in rules.SCOP_FORMS:
        return None
    rows = {mid: (cat, status, b) for mid, cat, status, _, b in cq.cooperative_balances(coop)}
    for mid in after.keys() - rows.keys():
        m = db.session.get(Membership, mid)
        rows[mid] = (m.category, m.status, rules.Balance())

    def ratios(changed):
        return rules.scop_ratios([rules.associate(cat, status == Status.ADMITTED,
                                                  changed.get(mid, b))
                                  for mid, (cat, status, b) in rows.items()])
    now, then = ratios({}), ratios(after)
    broken = rules.scop_warnings(now, then)
    if not broken:
        return None
    params = {"capital": then.capital or Fraction(0), "votes": then.votes or Fraction(0)}
    if not acknowledged:
        raise DomainError("scop_ratio_warning", params)
    return {"broken": broken} | params


def _checked(coop: Cooperative, draft: rules.Movement, acknowledged: bool, *,
             queued_but: int | None = None) -> dict | None:
    """Refuse a movement that breaks a balance (queued shares stay reserved); SCOP warning."""
    before = cq.member_balances([draft.from_id, draft.to_id])
    reserved = ({draft.from_id: cq.reserved_shares(draft.from_id, but=queued_but)}
                if draft.from_id else {})
    after = _ruled(rules.check_movement, before, draft, reserved)
    return _scop(coop, after, acknowledged)


def _snapshot(mv: ShareMovement) -> dict:
    corrected = db.session.get(ShareMovement, mv.corrects_id) if mv.corrects_id else None
    return {"number": mv.number, "kind": mv.kind, "on": mv.on,
            "from": mv.from_membership.number if mv.from_membership else None,
            "to": mv.to_membership.number if mv.to_membership else None,
            "shares": mv.shares, "subscribed": mv.amount_subscribed, "paid": mv.amount_paid,
            "reference": mv.reference, "corrects": corrected.number if corrected else None}


def _append(actor: Person, coop: Cooperative, draft: rules.Movement, *, on: date,
            reference: str, acknowledged: bool = False,
            queued_but: int | None = None) -> ShareMovement:
    """Check a movement, give it the next number, write it and its journal entry."""
    warning = _checked(coop, draft, acknowledged, queued_but=queued_but)
    last = db.session.scalar(sa.select(sa.func.max(ShareMovement.number))
                             .where(ShareMovement.cooperative_id == coop.id))
    mv = ShareMovement(
        cooperative_id=coop.id, number=(last or 0) + 1, kind=MovementKind(draft.kind), on=on,
        from_membership_id=draft.from_id, to_membership_id=draft.to_id, shares=draft.shares,
        amount_subscribed=draft.subscribed, amount_paid=draft.paid,
        reference=reference.strip(), corrects_id=draft.corrects_id,
        created_by_id=actor.id if actor else None)
    db.session.add(mv)
    db.session.flush()
    after = _snapshot(mv) | ({"scop_warning": warning} if warning else {})
    record(actor, f"share.{draft.kind}", "share_movement", mv.id, cooperative_id=coop.id,
           after=after)
    return mv


@service
def record_subscription(actor: Person, membership: Membership, shares: int, *, on: date,
                        reference: str = "", paid=None,
                        acknowledge_warning: bool = False) -> ShareMovement:
    """Subscribe `shares` at the nominal value (partly paid only when the statutes allow)."""
    coop = membership.cooperative
    _start(actor, coop, on, membership)
    _receiving(membership)
    subscribed, paid = _ruled(rules.subscription, shares, coop.nominal_share_value, paid,
                              partial_allowed=coop.partial_payment)
    mv = _append(actor, coop, rules.Movement(0, "subscription", on, None, membership.id, shares,
                                             subscribed, paid),
                 on=on, reference=reference, acknowledged=acknowledge_warning)
    process_queue(actor, coop, on=on)
    return mv


@service
def record_release(actor: Person, membership: Membership, amount, *, on: date,
                   reference: str = "") -> ShareMovement:
    """Record the payment of (part of) the unpaid amount of subscribed shares."""
    coop = membership.cooperative
    _start(actor, coop, on, membership)
    amount = _ruled(rules.cents, amount)
    if amount <= 0:
        raise DomainError("amount_positive", {})
    return _append(actor, coop, rules.Movement(0, "release", on, None, membership.id, 0,
                                               Decimal(0), amount),
                   on=on, reference=reference)


@service
def record_transfer(actor: Person, seller: Membership, buyer: Membership, shares: int, *,
                    on: date, reference: str, acknowledge_warning: bool = False) -> ShareMovement:
    """Move fully paid shares between two sociétaires; `reference` is the board's approval."""
    if not (reference or "").strip():
        raise DomainError("board_approval_required", {})
    if seller.id == buyer.id:
        raise DomainError("transfer_to_self", {})
    coop = seller.cooperative
    _start(actor, coop, on, seller, buyer)
    _receiving(buyer)
    subscribed, paid = _ruled(rules.transfer, _held(seller), shares,
                              coop.nominal_share_value, seller.id)
    return _append(actor, coop, rules.Movement(0, "transfer", on, seller.id, buyer.id, shares,
                                               subscribed, paid),
                   on=on, reference=reference, acknowledged=acknowledge_warning)


@service
def request_reimbursement(actor: Person, membership: Membership, shares: int, *, on: date,
                          reference: str = "",
                          acknowledge_warning: bool = False) -> ReimbursementRequest:
    """Ask to reimburse `shares`: paid at once when the queue is empty and the floor allows,
    else queued behind the earlier requests."""
    coop = membership.cooperative
    _start(actor, coop, on, membership)
    subscribed, paid = _ruled(rules.reimbursement, _held(membership), shares,
                              coop.nominal_share_value)
    draft = rules.Movement(0, "reimbursement", on, membership.id, None, shares, subscribed, paid)
    warning = _checked(coop, draft, acknowledge_warning)
    last = db.session.scalar(sa.select(sa.func.max(ReimbursementRequest.position))
                             .where(ReimbursementRequest.cooperative_id == coop.id))
    request = ReimbursementRequest(
        cooperative_id=coop.id, membership_id=membership.id, position=(last or 0) + 1,
        shares=shares, amount_subscribed=subscribed, amount_paid=paid, requested_on=on,
        reference=reference.strip(), created_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    record(actor, "share.reimbursement_request", "reimbursement_request", request.id,
           cooperative_id=coop.id,
           after={"member": membership.number, "shares": shares, "subscribed": subscribed,
                  "paid": paid, "on": on, "position": request.position}
           | ({"scop_warning": warning} if warning else {}))
    process_queue(actor, coop, on=on)
    return request


@service
def process_queue(actor: Person, coop: Cooperative, *, on: date) -> list[ReimbursementRequest]:
    """Pay the queued reimbursements from the head as far as the floor allows (none jumps)."""
    _start(actor, coop, on)
    queue = [line.request for line in cq.reimbursement_queue(coop)]
    if not queue:
        return []
    capital, peak = cq.capital_and_peak(coop)
    payable = rules.payable_from_queue(capital, peak, [(r, r.amount_subscribed) for r in queue])
    for request in payable:
        subscribed, paid = _ruled(rules.reimbursement, _held(request.membership),
                                  request.shares, coop.nominal_share_value)
        day = max(on, request.requested_on)
        # The member's right to be repaid: a SCOP warning is journaled, never blocking.
        request.paid_movement_id = _append(
            actor, coop, rules.Movement(0, "reimbursement", day, request.membership_id, None,
                                        request.shares, subscribed, paid),
            on=day, reference=request.reference, acknowledged=True, queued_but=request.id).id
        request.status = RequestStatus.PAID
    db.session.flush()
    return payable


@service
def record_correction(actor: Person, movement: ShareMovement, *, on: date, reference: str = "",
                      acknowledge_warning: bool = False) -> ShareMovement:
    """Cancel a movement by its reversed copy; the original stays as it was."""
    coop = db.session.get(Cooperative, movement.cooperative_id)
    _start(actor, coop, on)
    if db.session.scalar(sa.select(ShareMovement.id).where(
            ShareMovement.corrects_id == movement.id)):
        raise DomainError("already_corrected", {"number": movement.number})
    draft = _ruled(rules.reversal, rules.Movement(
        movement.number, movement.kind, movement.on, movement.from_membership_id,
        movement.to_membership_id, movement.shares, movement.amount_subscribed,
        movement.amount_paid, movement.id, movement.corrects_id))
    mv = _append(actor, coop, draft, on=on, reference=reference, acknowledged=acknowledge_warning)
    process_queue(actor, coop, on=on)
    return mv


@service
def record_export(actor: Person, coop: Cooperative) -> None:
    """Journal that the register of movements left the platform. Secretariat or board."""
    if not can_see_contacts(actor, coop):
        raise Forbidden()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ShareMovement).where(
        ShareMovement.cooperative_id == coop.id))
    record(actor, "share.export", "cooperative", coop.id, cooperative_id=coop.id,
           after={"count": count})
