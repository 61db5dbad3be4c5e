"""Opening an encrypted vote's box: after the close, each key holder, from their own browser,
decrypts their part of each college's tally with their share of the key and proves it; once k
holders have, the server combines their parts into the totals (never a single ballot), counts
them and seals the format 3 box."""
from __future__ import annotations

import json

from governance.models import Person
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import DomainError, service

from .. import encryptedbox
from ..crypto import group
from ..models import CeremonyState, KeyHolder, State, Vote
from .ceremony import _step
from .closing import lock_for_close, seal_opened


@service
def publish_decryption(actor: Person, vote: Vote, partials, proofs) -> dict | None:
    """The holder's partial decryptions of the tally (one matrix of points per tally entry)
    with their proofs. Returns the result when this one opened the box."""
    lock_for_close([vote])  # a second holder's upload waits for this one's count
    db.session.refresh(vote, ["tally_json", "summary_json"])  # as the lock's holder left them
    ceremony, holder = _step(actor, vote, CeremonyState.DONE)
    if vote.state != State.CLOSED or vote.tally_json is None:
        raise DomainError("vote_not_closed", {})
    if vote.summary_json is not None:
        raise DomainError("box_already_opened", {})
    if holder.decryption_json is not None:
        raise DomainError("ceremony_done_already", {})
    entries = json.loads(vote.tally_json)
    try:
        points = encryptedbox.partials_of({"partials": partials}, len(entries), "partials")
    except group.BadElement as err:
        raise DomainError("ceremony_malformed", {"why": str(err)}) from None
    if not encryptedbox.check_partials(vote.public_id, group.point(holder.verification_key),
                                       entries, points, proofs):
        raise DomainError("ceremony_bad_proof", {})
    holder.decryption_json = json.dumps({"holder": holder.position, "partials": partials,
                                         "proofs": proofs})
    record(actor, "vote.decryption", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"holder": holder.position})
    done = [h for h in ceremony.holders if h.decryption_json]
    if len(done) < ceremony.threshold:
        return None
    return _open(actor, vote, entries, done)


def _open(actor: Person, vote: Vote, entries: list[dict], done: list[KeyHolder]) -> dict:
    decryptions = [json.loads(h.decryption_json) for h in done]
    chosen = {d["holder"]: [[[group.point(p) for p in row] for row in entry]
                            for entry in d["partials"]] for d in decryptions}
    for entry, counts in zip(entries, encryptedbox.decrypt_entries(entries, chosen),
                             strict=True):
        entry["counts"] = counts
    box = seal_opened(vote, entries, decryptions)
    record(actor, "vote.box_opened", "vote", vote.id, cooperative_id=vote.cooperative_id,
           after={"holders": sorted(chosen), "seal": box["seal"],
                  "outcome": box["result"]["outcome"]})
    return box["result"]
