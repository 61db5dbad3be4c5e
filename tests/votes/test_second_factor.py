"""A second factor before voting (CNIL level 2): a code emailed to the voter, typed in before
the ballot is accepted; wrong, late or repeated codes are refused with a message."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance.platform.clock import utcnow
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from tests.governance.test_accounts import outbox  # noqa: F401 - fixture
from votes import rules
from votes import second_factor as sf
from votes import services as svc
from votes.models import Ballot, VoteCode

from .test_views import EN, new_vote, text

NOW = utcnow()


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():  # the code's email is written in the request's language
        yield


def _code(outbox) -> str:  # noqa: F811
    return re.search(r": (\d{6})\n", outbox()[-1].get_content()).group(1)


def test_code_rules_at_their_boundaries():
    expires = NOW + timedelta(minutes=10)
    assert rules.code_problem(expires, expires, 4, True) is None  # the last second, fifth try
    assert rules.code_problem(expires + timedelta(seconds=1), expires, 0, True) == "code_expired"
    assert rules.code_problem(NOW, expires, 5, True) == "code_attempts"
    assert rules.code_problem(NOW, expires, 0, False) == "code_wrong"
    assert rules.may_resend(NOW + timedelta(seconds=60), NOW)
    assert not rules.may_resend(NOW + timedelta(seconds=59), NOW)


def test_no_ballot_without_the_code_then_one_with_it(smart, outbox):  # noqa: F811
    coop, admin, voters = smart
    vote = new_vote(coop, admin, second_factor=True)
    voter = voters[0]
    with pytest.raises(DomainError) as err:
        svc.cast(voter, vote, "for")
    assert err.value.code == "second_factor_required"
    sf.send_code(voter, vote)
    assert outbox()[-1]["To"] == voter.email
    with pytest.raises(DomainError) as err:
        sf.confirm_code(voter, vote, "000000" if _code(outbox) != "000000" else "111111")
    assert err.value.code == "code_wrong"
    sf.confirm_code(voter, vote, " " + _code(outbox) + " ")
    svc.cast(voter, vote, "for")
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 1
    with pytest.raises(DomainError) as err:  # voted: no new code
        sf.send_code(voter, vote, now=utcnow() + timedelta(minutes=5))
    assert err.value.code == "already_voted"


def test_five_wrong_codes_and_a_new_one_is_needed(smart, outbox):  # noqa: F811
    coop, admin, voters = smart
    vote = new_vote(coop, admin, second_factor=True)
    voter = voters[1]
    sf.send_code(voter, vote, now=NOW)
    right = _code(outbox)
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(rules.CODE_ATTEMPTS):
        with pytest.raises(DomainError):
            sf.confirm_code(voter, vote, wrong, now=NOW)
    with pytest.raises(DomainError) as err:
        sf.confirm_code(voter, vote, right, now=NOW)
    assert err.value.code == "code_attempts"
    with pytest.raises(DomainError) as err:
        sf.send_code(voter, vote, now=NOW + timedelta(seconds=30))
    assert err.value.code == "code_too_soon"
    sf.send_code(voter, vote, now=NOW + timedelta(seconds=61))
    with pytest.raises(DomainError) as err:
        sf.confirm_code(voter, vote, _code(outbox), now=NOW + timedelta(minutes=12))
    assert err.value.code == "code_expired"


def test_only_voters_on_the_roll_ask_for_a_code(smart, make_person):
    coop, admin, _voters = smart
    vote = new_vote(coop, admin, second_factor=True)
    with pytest.raises(Forbidden):
        sf.send_code(make_person("stranger@example.org"), vote)
    assert db.session.scalar(sa.select(sa.func.count(VoteCode.id))) == 0


def test_the_pages_ask_for_the_code_before_the_ballot(smart, user, outbox):  # noqa: F811
    coop, admin, voters = smart
    vote = new_vote(coop, admin, second_factor=True)
    client = user(voters[2])
    page = text(client.get(f"/votes/{vote.id}", headers=EN))
    assert "Email me a code" in page and 'name="choice"' not in page
    response = client.post(f"/votes/{vote.id}/code", headers=EN, follow_redirects=True)
    assert f"A code is on its way to {voters[2].email}" in text(response)
    response = client.post(f"/votes/{vote.id}/code/confirm", data={"code": "9999999"},
                           headers=EN, follow_redirects=True)
    assert "This is not the code we sent" in text(response)
    response = client.post(f"/votes/{vote.id}/code/confirm", data={"code": _code(outbox)},
                           headers=EN, follow_redirects=True)
    assert "Code confirmed" in text(response) and 'name="choice"' in text(response)
    assert client.post(f"/votes/{vote.id}/cast", data={"choice": "for"},
                       headers=EN).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 1


def test_a_vote_without_the_second_factor_needs_no_code(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    client = user(voters[3])
    assert 'name="choice"' in text(client.get(f"/votes/{vote.id}"))
    assert client.post(f"/votes/{vote.id}/code").status_code == 400


def test_a_login_with_the_authenticator_app_stands_for_the_emailed_code(smart):
    from governance.services import sessions
    coop, admin, voters = smart
    vote = new_vote(coop, admin, second_factor=True)
    voter = voters[0]
    sessions.open_session(voter)  # password only
    db.session.commit()
    assert not sf.confirmed(vote, voter)
    sessions.open_session(voter, second_factor=True)
    db.session.commit()
    assert sf.confirmed(vote, voter)
    svc.cast(voter, vote, "for")
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 1
