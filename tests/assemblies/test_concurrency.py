"""On PostgreSQL, proxies given at the same moment still respect the holder's cap."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from assemblies.models import Participant, Proxy
from assemblies.services import proxies
from governance.models import Person
from governance.platform.extensions import db

from ..conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="PostgreSQL concurrency test")


def test_simultaneous_proxies_never_pass_the_holders_cap(crowd, make_assembly):
    s = make_assembly(members=(4, 3, 3), convene=False)
    s.coop.proxy_rule, s.coop.max_proxies = "fixed", 2
    db.session.commit()
    from assemblies.services import convocation
    convocation.convene(s.admin, s.assembly)
    a = s.assembly
    places = db.session.scalars(sa.select(Participant).where(Participant.assembly_id == a.id)
                                .order_by(Participant.number)).all()
    holder_number = places[0].number
    principals = [(p.person_id, p.id) for p in places[1:9]]

    def attempt(i):
        person_id, place_id = principals[i]
        me, place = db.session.get(Person, person_id), db.session.get(Participant, place_id)
        return lambda: proxies.give_proxy(me, place, holder_number) and "given"

    outcomes = crowd(len(principals), attempt)
    assert outcomes.count("given") == 2
    assert outcomes.count("proxy_cap") == len(principals) - 2
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proxy)) == 2
