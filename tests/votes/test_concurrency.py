"""On PostgreSQL: simultaneous casts for the same roll entry leave exactly one ballot; casts
racing a close are sealed or refused, never lost."""
import json
import time
from datetime import datetime

import pytest
import sqlalchemy as sa

from governance.models import Person
from governance.platform.extensions import db
from tests.conftest import is_postgres
from votes import ballotbox
from votes import services as svc
from votes.models import Ballot, Emargement, Vote

pytestmark = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
NOW = datetime(2021, 11, 29, 14, 0)


def test_fifty_simultaneous_casts_leave_one_ballot(crowd, make_coop, make_person, make_member):
    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voter = make_member(coop).person
    make_member(coop)
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.open_vote(admin, vote, now=NOW, notify=False)
    vote_id, voter_id = vote.id, voter.id

    def attempt(i):
        me, v = db.session.get(Person, voter_id), db.session.get(Vote, vote_id)
        return lambda: svc.cast(me, v, ["for", "against"][i % 2], now=NOW) and "cast"

    outcomes = crowd(50, attempt)
    assert sorted(set(outcomes)) == ["already_voted", "cast"]
    assert outcomes.count("cast") == 1 and len(outcomes) == 50
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Emargement)) == 1


def test_simultaneous_casts_of_many_voters_keep_the_journal_chained(crowd, make_coop,
                                                                    make_person, make_member):
    """Each cast journals an entry: appends that race for the head of the chain wait for its
    row lock and chain on the newest entry."""
    from governance.models import AuditEntry
    from governance.platform.journal import head, verify_chain

    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voters = [make_member(coop).person.id for _ in range(20)]
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.open_vote(admin, vote, now=NOW, notify=False)
    vote_id = vote.id
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    def attempt(i):
        me, v = db.session.get(Person, voters[i]), db.session.get(Vote, vote_id)
        return lambda: svc.cast(me, v, "for", now=NOW) and "cast"

    assert crowd(20, attempt) == ["cast"] * 20
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before + 20
    checked, broken, why = verify_chain()
    assert (broken, why) == (None, "") and checked == before + 20
    newest = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert head() == f"{newest.id}:{newest.hash}"


def test_casts_racing_a_close_are_either_sealed_or_refused(crowd, make_coop, make_person,
                                                          make_member):
    """N casts race one close, five times over: every cast that got a receipt is in the
    sealed box and the result, every other one was refused as the vote is closed; box
    ballots = table ballots = emargements = roll entries voted. No other error."""
    from governance.models import AuditEntry
    from votes.models import RollEntry

    figures = []
    for rnd in range(5):
        coop = make_coop(f"race{rnd}")
        admin = make_person(f"admin{rnd}@example.org", roles={coop: "admin"})
        voters = [make_member(coop).person.id for _ in range(40)]
        vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
        svc.open_vote(admin, vote, notify=False)
        vote_id, admin_id = vote.id, admin.id

        def attempt(i, rnd=rnd, voters=voters, vote_id=vote_id, admin_id=admin_id):
            v = db.session.get(Vote, vote_id)
            if i == len(voters):  # the close, among the casts (later each round)
                me = db.session.get(Person, admin_id)

                def close():
                    time.sleep(0.01 + 0.01 * rnd)
                    svc.close(me, v)
                    return "closed"
                return close
            me = db.session.get(Person, voters[i])

            def cast():  # the casts spread over some 80 ms
                time.sleep(0.002 * i)
                return svc.cast(me, v, ["for", "against", "abstain"][i % 3])
            return cast

        outcomes = crowd(len(voters) + 1, attempt)
        assert len(outcomes) == len(voters) + 1 and outcomes.count("closed") == 1
        receipts = [o for o in outcomes if isinstance(o, svc.Receipt)]
        refused = [o for o in outcomes if o == "vote_not_open"]
        assert len(receipts) + len(refused) == len(voters)  # nothing else happened

        db.session.expire_all()
        vote = db.session.get(Vote, vote_id)
        box = json.loads(vote.box_json)
        assert ballotbox.verify(box)[0] == []
        sealed = {b["tracker"]: b["hash"] for b in box["ballots"]}
        assert sealed == {r.tracker: r.hash for r in receipts}
        in_table = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                     .where(Ballot.vote_id == vote_id))
        signed = db.session.scalar(sa.select(sa.func.count()).select_from(Emargement)
                                   .join(RollEntry).where(RollEntry.vote_id == vote_id))
        voted = db.session.scalar(sa.select(sa.func.count()).select_from(RollEntry).where(
            RollEntry.vote_id == vote_id, RollEntry.voted.is_(True)))
        expressed = sum(int(c) for c in (box["result"]["colleges"][0][k]
                                         for k in ("for", "against", "abstain")))
        assert in_table == signed == voted == expressed == len(sealed) == len(receipts)
        casts = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "vote.cast", AuditEntry.object_id == str(vote_id)))
        assert casts == len(receipts)
        figures.append((len(voters), len(receipts), len(refused), len(sealed)))
    print("attempts, receipts, refused, ballots in the sealed box per round:", figures)
    assert any(0 < receipts < attempts for attempts, receipts, _r, _s in figures), figures


def test_simultaneous_closes_seal_once(crowd, make_coop, make_person, make_member):
    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    voter = make_member(coop).person
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.open_vote(admin, vote, now=NOW, notify=False)
    svc.cast(voter, vote, "for", now=NOW)
    vote_id, admin_id = vote.id, admin.id

    def attempt(i):
        me, v = db.session.get(Person, admin_id), db.session.get(Vote, vote_id)
        return lambda: svc.close(me, v) and "closed"

    outcomes = crowd(5, attempt)
    assert sorted(outcomes) == ["closed"] + ["vote_not_open_to_close"] * 4
    from governance.models import AuditEntry
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "vote.close")) == 1


def test_holders_publishing_at_once_move_the_ceremony_on_once(crowd, make_coop, make_person,
                                                              make_member):
    """Each step's last holder moves the ceremony on: the ceremony's row lock makes the holders'
    steps run one after the other, so the last one sees all the others."""
    from votes.crypto import group as g
    from votes.crypto import proofs, threshold
    from votes.models import CeremonyState, KeyCeremony
    from votes.services.ceremony import context

    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    holders = [make_member(coop).person for _ in range(5)]
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.name_holders(admin, vote, holders, 3)
    vote_id, ids = vote.id, [p.id for p in holders]

    def attempt(i):
        me, v = db.session.get(Person, ids[i]), db.session.get(Vote, vote_id)
        e = threshold.encryption_key(bytes([i + 1]) * 32)
        proof = proofs.as_json(proofs.prove_key(context(v, "key", i + 1), e, g.random_scalar))
        return lambda: svc.publish_key(me, v, g.point_hex(g.base(e)), proof) and "published"

    assert crowd(5, attempt) == ["published"] * 5
    db.session.expire_all()
    ceremony = db.session.scalar(sa.select(KeyCeremony).where(KeyCeremony.vote_id == vote_id))
    assert ceremony.state == CeremonyState.SHARES
    assert all(h.encryption_key for h in ceremony.holders)


def test_holders_decrypting_at_once_open_the_box_once(crowd, make_coop, make_person,
                                                      make_member):
    """Five holders, any three open: all five upload at once. The vote's exclusive lock makes
    the uploads run one after the other: the third opens the box, the last two find it open."""
    from tests.votes.test_ceremony import Browser, run
    from votes import bureau
    from votes.crypto import group as g

    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    holders = [make_member(coop).person for _ in range(5)]
    voters = [make_member(coop).person for _ in range(3)]
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.name_holders(admin, vote, holders, 3)
    browsers = [Browser(p, vote, j) for j, p in enumerate(holders, 1)]
    run(vote, browsers)
    svc.open_vote(admin, vote, now=NOW, notify=False)
    from tests.votes.test_encrypted_vote import encrypt
    for voter in voters:
        svc.cast(voter, vote, encrypt(vote, "for"), now=NOW)
    svc.close(admin, vote, now=NOW)
    vote_id, ids = vote.id, [p.id for p in holders]
    entries = json.loads(vote.tally_json)
    uploads = [bureau.decryption(vote.public_id, vote.opening["encryption"], b.seed, b.j,
                                 entries, g.random_scalar) for b in browsers]

    def attempt(i):
        me, v = db.session.get(Person, ids[i]), db.session.get(Vote, vote_id)
        return lambda: ("opened" if svc.publish_decryption(
            me, v, uploads[i]["partials"], uploads[i]["proofs"]) else "recorded")

    outcomes = crowd(5, attempt)
    assert sorted(outcomes) == ["box_already_opened"] * 2 + ["opened"] + ["recorded"] * 2
    db.session.expire_all()
    vote = db.session.get(Vote, vote_id)
    box = json.loads(vote.box_json)
    assert len(box["decryptions"]) == 3 and box["result"]["outcome"] == "adopted"
    assert ballotbox.verify(box, fingerprint=vote.fingerprint)[0] == []


def test_encrypted_casts_at_once_add_up_in_the_running_sums(crowd, make_coop, make_person,
                                                           make_member):
    """Twelve voters cast encrypted ballots at once: each cast adds to one of the running sums
    under its row lock; the sums account for every ballot, as summing every ballot does."""
    from tests.votes.test_ceremony import Browser, run
    from tests.votes.test_encrypted_vote import encrypt
    from votes import encryptedbox
    from votes.services import tallying

    coop = make_coop("smart")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    holders = [make_member(coop).person for _ in range(3)]
    voters = [make_member(coop).person.id for _ in range(12)]
    vote = svc.create_vote(admin, coop, svc.VoteDraft(title="Plan"))
    svc.name_holders(admin, vote, holders, 2)
    run(vote, [Browser(p, vote, j) for j, p in enumerate(holders, 1)])
    svc.open_vote(admin, vote, now=NOW, notify=False)
    ballots = [encrypt(vote, ["for", "against"][i % 2]) for i in range(12)]
    vote_id = vote.id

    def attempt(i):
        me, v = db.session.get(Person, voters[i]), db.session.get(Vote, vote_id)
        return lambda: svc.cast(me, v, ballots[i], now=NOW) and "cast"

    assert crowd(12, attempt) == ["cast"] * 12
    db.session.expire_all()
    vote = db.session.get(Vote, vote_id)
    full = encryptedbox.tally_entries(
        encryptedbox.poll_of_header(vote.opening["vote"], vote.opening["colleges"]),
        db.session.execute(sa.select(Ballot.college, Ballot.weight, Ballot.ciphertexts)))
    from votes.models import TallyPart
    assert db.session.scalar(sa.select(sa.func.sum(TallyPart.ballots))) == 12
    assert tallying.tally_of(vote) == full
