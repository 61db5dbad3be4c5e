"""An assembly may ask its voters to log in with their authenticator app (CNIL level 2)."""
from __future__ import annotations

import pyotp
import pytest

from assemblies.services import voting
from governance.platform.extensions import db
from governance.platform.service import DomainError
from governance.services import sessions, two_factor

from .conftest import place


def test_an_assembly_that_asks_for_it_refuses_a_password_only_session(app, make_assembly):
    s = make_assembly(convene=True)
    s.assembly.second_factor = True
    db.session.commit()
    voter = s.members[0].person
    with app.test_request_context():
        sessions.open_session(voter)
        db.session.commit()
        with pytest.raises(DomainError) as err:
            voting.vote_in_advance(voter, place(s.assembly, s.members[0]),
                                   {s.resolutions[0].id: "for"})
        assert err.value.code == "assembly_second_factor"
        voter.totp_secret = pyotp.random_base32()
        sessions.open_session(voter, second_factor=True)
        db.session.commit()
        assert two_factor.session_has_it(voter)
        voting.vote_in_advance(voter, place(s.assembly, s.members[0]),
                               {s.resolutions[0].id: "for"})
        assert place(s.assembly, s.members[0]).voted_in_advance
