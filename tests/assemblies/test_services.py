"""The assembly's services: the state machine, convocation, attendance, proxies, voting, the
show of hands, blank proxies, second call and minutes; each refusal changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from assemblies import queries
from assemblies.models import Participant, Proxy, ProxyState, State
from assemblies.services import attendance, convocation, minutes, prepare, proxies, voting
from governance.models import AuditEntry, QueuedMail
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from votes.models import Ballot, Batch, Emargement, RollEntry

from .conftest import place


def _codes(action):
    return db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.like(action))).all()


def test_convene_freezes_the_roll_opens_votes_and_queues_emails(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    assert a.state == State.CONVENED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 10
    for r in s.resolutions:
        (rv,) = r.votes
        assert rv.vote.state == "open" and rv.vote.held
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedMail)) == 10
    assert a.sitting.notice_days == 20
    assert _codes("assembly.convened") == ["assembly.convened"]


def _noon_in(days: int) -> datetime:
    """Noon (UTC) `days` calendar days from now: the same calendar day in Paris."""
    return utcnow().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=days)


def test_short_notice_is_refused_without_a_reason(make_assembly):
    s = make_assembly()
    s.assembly.sitting.starts_at = _noon_in(15)
    db.session.commit()
    early = _noon_in(1) - timedelta(hours=11)  # 14 days before, in Paris as in UTC
    with pytest.raises(DomainError) as err:
        convocation.convene(s.admin, s.assembly, now=early)
    assert err.value.code == "short_notice"
    assert s.assembly.state == State.DRAFT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0
    convocation.convene(s.admin, s.assembly, reason="Urgence: continuation plan", now=early)
    assert s.assembly.sitting.short_notice_reason == "Urgence: continuation plan"


def test_exactly_the_required_notice_is_enough(make_assembly):
    s = make_assembly()
    s.assembly.sitting.starts_at = _noon_in(15)
    db.session.commit()
    convocation.convene(s.admin, s.assembly, now=_noon_in(0))
    assert s.assembly.sitting.notice_days == 15


def test_the_notice_is_counted_in_paris_calendar_days(make_assembly):
    """Sent at 00:30 in Paris (23:30 UTC the day before), the notice starts on the Paris day:
    UTC dates would count one day more and let a 14-day notice pass."""
    s = make_assembly()
    s.assembly.sitting.starts_at = _noon_in(16)
    db.session.commit()
    late_evening_utc = _noon_in(1).replace(hour=23, minute=30)  # 00:30 in Paris, the day after
    with pytest.raises(DomainError) as err:
        convocation.convene(s.admin, s.assembly, now=late_evening_utc)
    assert err.value.params["days"] == 14
    convocation.convene(s.admin, s.assembly, now=late_evening_utc - timedelta(hours=2))
    assert s.assembly.sitting.notice_days == 15


def test_members_cannot_prepare_or_convene(make_assembly):
    s = make_assembly()
    member = s.members[0].person
    with pytest.raises(Forbidden):
        convocation.convene(member, s.assembly)
    with pytest.raises(Forbidden):
        prepare.add_resolution(member, s.assembly, "x", "y")


def test_no_preparation_after_convocation(make_assembly):
    s = make_assembly(convene=True)
    with pytest.raises(DomainError) as err:
        prepare.add_resolution(s.admin, s.assembly, "Late", "")
    assert err.value.code == "assembly_wrong_state"
    with pytest.raises(DomainError):
        voting.close_assembly(s.admin, s.assembly)


def test_check_in_changes_the_quorum(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    (q,) = queries.quorum(a).values()
    assert (q.participating, q.roll, q.met) == (0, 10, False)
    assert q.needed == 3  # extraordinary first call: 1/4 of 10 → 3
    for m in s.members[:3]:
        attendance.check_in(s.admin, place(a, m), "in_person")
    (q,) = queries.quorum(a).values()
    assert (q.participating, q.met) == (3, True)


def test_proxy_flow_and_holder_votes_for_both(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    principal, holder = place(a, s.members[0]), place(a, s.members[1])
    proxy = proxies.give_proxy(s.members[0].person, principal, holder.number)
    assert proxy.state == ProxyState.OFFERED
    proxies.answer_proxy(s.members[1].person, proxy, accept=True)
    attendance.check_in(s.admin, holder, "in_person")
    (q,) = queries.quorum(a).values()
    assert q.participating == 2  # the holder and their principal
    voting.open_sitting(s.admin, a)
    voting.open_resolutions(s.admin, [s.resolutions[0]])
    assert len(voting.cast_for_all(s.members[1].person, s.resolutions[0], "for")) == 2
    with pytest.raises(DomainError) as err:  # the principal cannot vote themselves
        voting.cast(s.members[0].person, s.resolutions[0], principal, "against")
    assert err.value.code in ("proxy_given", "vote_needs_presence")
    with pytest.raises(DomainError) as err:  # nor take the proxy back now
        proxies.revoke_proxy(s.members[0].person, proxy)
    assert err.value.code == "proxy_already_used"
    channels = db.session.scalars(sa.select(Emargement.channel)).all()
    assert sorted(channels) == ["online", "proxy"]


def test_proxy_cap_scop_rule(make_assembly, make_member):
    s = make_assembly(convene=False)
    s.coop.proxy_rule, s.coop.max_proxies = "scop", 5
    db.session.commit()
    convocation.convene(s.admin, s.assembly)
    a = s.assembly
    holder = place(a, s.members[0])
    proxies.give_proxy(s.members[1].person, place(a, s.members[1]), holder.number)
    with pytest.raises(DomainError) as err:  # 10 members: max(1, 10 // 20) = 1
        proxies.give_proxy(s.members[2].person, place(a, s.members[2]), holder.number)
    assert err.value.code == "proxy_cap"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proxy)) == 1


def test_proxy_refusals(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    me = place(a, s.members[0])
    with pytest.raises(DomainError) as err:
        proxies.give_proxy(s.members[0].person, me, me.number)
    assert err.value.code == "proxy_to_self"
    with pytest.raises(DomainError) as err:
        proxies.give_proxy(s.members[0].person, me, 9999)
    assert err.value.code == "proxy_holder_not_member"
    with pytest.raises(Forbidden):
        proxies.give_proxy(s.members[1].person, me, None)


def test_revoke_before_the_holder_votes_then_vote_yourself(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    me, other = place(a, s.members[0]), place(a, s.members[1])
    proxy = proxies.give_proxy(s.members[0].person, me, other.number)
    proxies.revoke_proxy(s.members[0].person, proxy)
    assert proxy.state == ProxyState.REVOKED
    voting.vote_in_advance(s.members[0].person, me, {s.resolutions[0].id: "for"})
    assert me.voted_in_advance


def test_advance_votes_count_for_quorum_and_tally(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    for m in s.members[:3]:
        voting.vote_in_advance(m.person, place(a, m), {r.id: "for" for r in s.resolutions})
    with pytest.raises(DomainError) as err:
        voting.vote_in_advance(s.members[0].person, place(a, s.members[0]),
                               {s.resolutions[0].id: "against"})
    assert err.value.code == "already_voted"
    (q,) = queries.quorum(a).values()
    assert q.participating == 3 and q.met
    voting.open_sitting(s.admin, a)
    results = voting.close_resolutions(s.admin, list(a.resolutions))
    outcome = results[s.resolutions[0].id][s.coop.id]
    assert outcome["outcome"] == "adopted"
    assert outcome["quorum"]["participation"] == "3/10"


def test_blank_proxy_votes_for_board_approved_against_others(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    for m in s.members[:3]:
        proxies.give_proxy(m.person, place(a, m), None)
    voting.open_sitting(s.admin, a)
    voting.close_resolutions(s.admin, list(a.resolutions))
    approved, other = (r.votes[0].vote for r in s.resolutions)
    assert approved.result["outcome"] == "adopted"
    assert {b.choice for b in db.session.scalars(
        sa.select(Ballot).where(Ballot.vote_id == other.id))} == {"against"}
    assert other.result["outcome"] == "rejected"


def test_show_of_hands_per_college(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    for m in s.members:  # everyone in the room
        attendance.check_in(s.admin, place(a, m), "in_person")
    voting.open_sitting(s.admin, a)
    res = s.resolutions[0]
    voting.open_resolutions(s.admin, [res])
    with pytest.raises(DomainError) as err:
        voting.enter_hands(s.admin, res, s.coop.id, {"a": {"for": 5, "against": 0}})
    assert err.value.code == "hands_too_many"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Batch)) == 0
    voting.enter_hands(s.admin, res, s.coop.id, {"a": {"for": 4}, "b": {"for": 1, "against": 2},
                                                 "c": {"against": 1}})
    result = voting.close_resolutions(s.admin, [res])[res.id][s.coop.id]
    colleges = {c["id"]: c for c in result["colleges"]}
    assert colleges["b"]["for"] == "1" and colleges["b"]["against"] == "2"
    assert colleges["c"]["abstain"] == "2"
    voted = db.session.scalar(sa.select(sa.func.count()).select_from(RollEntry).where(
        RollEntry.vote_id == res.votes[0].vote_id, RollEntry.voted.is_(True)))
    assert voted == 10


def test_second_call_lowers_the_quorum(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    attendance.check_in(s.admin, place(a, s.members[0]), "in_person")
    voting.open_sitting(s.admin, a)
    (q,) = queries.quorum(a).values()
    assert not q.met
    convocation.second_call(s.admin, a, utcnow() + timedelta(days=11))
    assert a.state == State.CONVENED and a.sitting.call == 2
    (q,) = queries.quorum(a).values()
    assert q.participating == 0  # the first call's check-ins do not count at the second
    assert q.required == queries.required_quorum(a, s.coop) == s.coop.extraordinary_quorum_second \
        or str(q.required) == s.coop.extraordinary_quorum_second
    vote = s.resolutions[0].votes[0].vote
    # the rule fixed (and fingerprinted) at opening is not changed: the second call's quorum,
    # fixed with it, applies from now on
    assert (vote.call, vote.quorum_now, vote.quorum) == (2, "1/5", "1/4")
    assert vote.opening["vote"]["rule"]["quorum_second_call"] == "1/5"


def test_second_call_refused_when_quorum_met(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    for m in s.members[:5]:
        attendance.check_in(s.admin, place(a, m), "online")
    voting.open_sitting(s.admin, a)
    with pytest.raises(DomainError) as err:
        convocation.second_call(s.admin, a, utcnow() + timedelta(days=11))
    assert err.value.code == "quorum_met"


def test_minutes_approved_by_the_bureau_then_published(make_assembly):
    s = make_assembly(convene=True)
    a = s.assembly
    voting.open_sitting(s.admin, a)
    voting.close_assembly(s.admin, a)
    chair = s.members[0].person
    prepare.set_bureau(s.admin, a, chair, s.admin, "Alice, Bob")
    minutes.save_minutes(s.admin, a, "Débats: le plan est présenté.")
    with pytest.raises(DomainError):
        minutes.publish_minutes(s.admin, a)
    with pytest.raises(Forbidden):
        minutes.approve_minutes(s.members[1].person, a)
    minutes.approve_minutes(chair, a)
    with pytest.raises(DomainError):
        minutes.save_minutes(s.admin, a, "changed")
    with pytest.raises(DomainError) as err:
        prepare.set_bureau(s.admin, a, s.members[1].person, s.admin, "")
    assert err.value.code == "minutes_approved" and a.chair_id == chair.id
    minutes.publish_minutes(s.admin, a)
    assert a.state == State.PUBLISHED and a.minutes_published_at


def test_joint_assembly_has_a_roll_and_tally_per_cooperative(make_assembly):
    s = make_assembly(convene=True, joint=True)
    a = s.assembly
    assert len(a.cooperatives) == 2
    assert all(len(r.votes) == 2 for r in s.resolutions)
    quorum = queries.quorum(a)
    assert {q.roll for q in quorum.values()} == {10, 3}
