"""The key ceremony of an encrypted vote (docs/crypto.md): the secretariat names the bureau's
key holders and how many of them open the box; each holder, from their own browser, publishes
their encryption key, then their commitments and sealed shares, then confirms that the shares
sent to them are right. The server checks every proof and never sees a holder's seed."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from governance.models import Person
from governance.permissions import can_see
from governance.platform import mail_queue
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import DomainError, Forbidden, System, service

from ..crypto import group, proofs, threshold
from ..models import CeremonyState, KeyCeremony, KeyHolder, State, Vote
from .access import require_admin

MAX_HOLDERS = 9


def root(vote: Vote) -> str:
    """What every hash of the vote's ceremony starts its context with."""
    return f"{vote.public_id}/ceremony"


def context(vote: Vote, what: str, position: int | None = None) -> str:
    """The context of a ceremony's hashes: the vote, the holder, the step."""
    return root(vote) + (f"/holder-{position}" if position else "") + f"/{what}"


@service
def name_holders(actor: Person | System, vote: Vote, people: list[Person], k: int, *,
                 held_ok: bool = False) -> KeyCeremony:
    """Start (or start again) the ceremony of a draft secret vote: `people` hold the key, any
    `k` of them open the box. Secretariat only; an assembly names its bureau for each of its
    resolutions' votes (`held_ok`), having checked the holders against its host."""
    require_admin(actor, vote.cooperative)
    if vote.state != State.DRAFT:
        raise DomainError("vote_not_draft", {})
    if not vote.secret:
        raise DomainError("ceremony_needs_secret", {})
    if vote.held and not held_ok:  # the assembly names the bureau of all its resolutions
        raise DomainError("ceremony_not_in_assembly", {})
    if len({p.id for p in people}) != len(people) or not 1 <= k <= len(people) <= MAX_HOLDERS:
        raise DomainError("ceremony_holders", {"max": MAX_HOLDERS})
    if not held_ok and not all(can_see(p, vote.cooperative) for p in people):
        raise DomainError("ceremony_holder_outside", {})
    old = db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id))
    if old is not None:
        db.session.execute(sa.delete(KeyHolder).where(KeyHolder.ceremony_id == old.id))
        db.session.delete(old)
        db.session.flush()
    ceremony = KeyCeremony(vote_id=vote.id, threshold=k, state=CeremonyState.KEYS)
    ceremony.holders = [KeyHolder(person_id=p.id, position=j) for j, p in enumerate(people, 1)]
    db.session.add(ceremony)
    db.session.flush()
    record(actor, "vote.ceremony_start", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"threshold": k, "holders": [p.id for p in people]})
    if not held_ok:  # an assembly tells its holders once for all its votes
        mail_queue.queue_each(
            people, vote.cooperative,
            _l("You hold a key of the vote: %(title)s", title=vote.title),
            _l("%(coop)s names you one of the %(n)s key holders of the vote \"%(title)s\": any "
               "%(k)s of you open its box once it is closed.\n\nCreate your key from your own "
               "browser: %(link)s\n\nYour key code never leaves your browser. Keep it safe: "
               "without the codes of %(k)s holders the box cannot be opened.",
               coop=vote.cooperative.name, n=len(people), k=k, title=vote.title,
               link=mail_queue.link("votes.ceremony", vote_id=vote.id)))
    return ceremony


def tell_closed(vote: Vote) -> None:
    """The vote is closed: ask its key holders to decrypt their part of its tally."""
    ceremony = db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id))
    mail_queue.queue_each(
        [h.person for h in ceremony.holders], vote.cooperative,
        _l("Open the box of the vote: %(title)s", title=vote.title),
        _l("The vote \"%(title)s\" of %(coop)s is closed. As one of its key holders, decrypt "
           "your part of its tally from your browser with your key code: %(link)s\n\n%(k)s "
           "holders are needed to open the box; the result is published when they have.",
           title=vote.title, coop=vote.cooperative.name, k=ceremony.threshold,
           link=mail_queue.link("votes.ceremony", vote_id=vote.id)))


def _step(actor: Person, vote: Vote, state: CeremonyState) -> tuple[KeyCeremony, KeyHolder]:
    """The vote's ceremony, its row locked (two holders' steps run one after the other), at
    `state`, and the actor's place in it."""
    ceremony = db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote.id)
                                 .with_for_update().execution_options(populate_existing=True))
    if ceremony is None:
        raise DomainError("ceremony_missing", {})
    holder = next((h for h in ceremony.holders if h.person_id == actor.id), None)
    if holder is None:
        raise Forbidden()
    if ceremony.state != state:
        raise DomainError("ceremony_step", {})
    return ceremony, holder


def _read(reader, *args):
    try:
        return reader(*args)
    except (group.BadElement, KeyError, TypeError) as err:
        raise DomainError("ceremony_malformed", {"why": str(err)}) from None


def _journal(actor: Person, vote: Vote, action: str, holder: KeyHolder, **after) -> None:
    record(actor, f"vote.ceremony_{action}", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"holder": holder.position, **after})


@service
def publish_key(actor: Person, vote: Vote, key: str, proof: list) -> KeyCeremony:
    """Step 1: the holder's encryption key E_j, with the proof that they know its secret."""
    ceremony, holder = _step(actor, vote, CeremonyState.KEYS)
    if holder.encryption_key is not None:
        raise DomainError("ceremony_done_already", {})
    point = _read(group.point, key, "key")
    if not proofs.check_key(context(vote, "key", holder.position), point,
                            _read(proofs.from_json, proof, "proof", 1)):
        raise DomainError("ceremony_bad_proof", {})
    holder.encryption_key, holder.key_proof_json = key, json.dumps(proof)
    if all(h.encryption_key for h in ceremony.holders):
        ceremony.state = CeremonyState.SHARES
    _journal(actor, vote, "key", holder, key=key)
    return ceremony


def _sealed(doc, where: str) -> dict:
    if not isinstance(doc, dict) or set(doc) != {"ephemeral", "value"}:
        raise group.BadElement(f"{where}: must be an object with ephemeral and value")
    group.point(doc["ephemeral"], f"{where}.ephemeral")
    group.scalar(doc["value"], f"{where}.value")
    return {"ephemeral": doc["ephemeral"], "value": doc["value"]}


@service
def publish_shares(actor: Person, vote: Vote, commitments: list, proof: list,
                   shares: list) -> KeyCeremony:
    """Step 2: the commitments A_j0 … A_j(k−1) of the holder's polynomial (with the proof that
    they know a_j0), and f_j(i) sealed to each holder i's encryption key, in holder order."""
    ceremony, holder = _step(actor, vote, CeremonyState.SHARES)
    if holder.commitments_json is not None:
        raise DomainError("ceremony_done_already", {})
    if not isinstance(commitments, list) or len(commitments) != ceremony.threshold or \
            not isinstance(shares, list) or len(shares) != len(ceremony.holders):
        raise DomainError("ceremony_malformed", {"why": "one commitment per coefficient and "
                                                        "one share per holder"})
    points = [_read(group.point, a, f"commitments[{i}]") for i, a in enumerate(commitments)]
    if not proofs.check_key(context(vote, "coefficient", holder.position), points[0],
                            _read(proofs.from_json, proof, "proof", 1)):
        raise DomainError("ceremony_bad_proof", {})
    sealed = [_read(_sealed, s, f"shares[{i}]") for i, s in enumerate(shares)]
    holder.commitments_json, holder.commitment_proof_json = json.dumps(commitments), \
        json.dumps(proof)
    holder.shares_json = json.dumps(sealed)
    if all(h.commitments_json for h in ceremony.holders):
        ceremony.state = CeremonyState.CHECKS
        published = [[group.point(a) for a in json.loads(h.commitments_json)]
                     for h in ceremony.holders]
        for h in ceremony.holders:
            h.verification_key = group.point_hex(threshold.verification_key(published,
                                                                            h.position))
        ceremony.public_key = group.point_hex(threshold.public_key(published))
    _journal(actor, vote, "shares", holder, commitments=commitments)
    return ceremony


@service
def confirm(actor: Person, vote: Vote, proof: list) -> KeyCeremony:
    """Step 3: the holder checked every share sent to them and proves that they know their
    share of the key s_j for their verification key V_j."""
    ceremony, holder = _step(actor, vote, CeremonyState.CHECKS)
    if holder.confirmation_json is not None:
        raise DomainError("ceremony_done_already", {})
    if not proofs.check_key(context(vote, "share", holder.position),
                            group.point(holder.verification_key),
                            _read(proofs.from_json, proof, "proof", 1)):
        raise DomainError("ceremony_bad_proof", {})
    holder.confirmation_json = json.dumps(proof)
    if all(h.confirmation_json for h in ceremony.holders):
        ceremony.state = CeremonyState.DONE
    _journal(actor, vote, "confirm", holder, verification_key=holder.verification_key)
    return ceremony


@service
def report_bad_share(actor: Person, vote: Vote, sender: int) -> KeyCeremony:
    """Step 3, when a share sent to the holder does not match its sender's commitments: the
    ceremony fails, and the secretariat starts it again (with other holders if need be)."""
    ceremony, holder = _step(actor, vote, CeremonyState.CHECKS)
    if not any(h.position == sender for h in ceremony.holders) or sender == holder.position:
        raise DomainError("ceremony_malformed", {"why": "no such holder"})
    ceremony.state = CeremonyState.FAILED
    ceremony.failure = f"{holder.position}:{sender}"
    _journal(actor, vote, "failed", holder, sender=sender)
    return ceremony
