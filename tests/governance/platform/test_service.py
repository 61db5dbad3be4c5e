"""The one write path: `@service` refuses `None` as its actor; the system acts as `SYSTEM`."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry
from governance.platform.extensions import db
from governance.platform.journal import record
from governance.platform.service import SYSTEM, Forbidden, service
from votes.services import access


@service
def _note(actor, what: str) -> None:
    record(actor, "test.note", "site", what)


def test_none_is_never_an_actor(app):
    with pytest.raises(Forbidden):
        _note(None, "a")
    with pytest.raises(Forbidden):
        _note(actor=None, what="b")
    with pytest.raises(ValueError):
        record(None, "test.note", "site", "c")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "test.note")) == 0


def test_the_system_is_journaled_as_such(app):
    _note(SYSTEM, "d")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "test.note"))
    assert [(e.actor_id, e.actor_label, e.object_id) for e in entry] == [(None, "system", "d")]


def test_only_the_system_passes_a_secretariat_check_without_a_role(make_coop, make_member):
    coop = make_coop("smart")
    member = make_member(coop)
    access.require_admin(SYSTEM, coop)
    with pytest.raises(Forbidden):
        access.require_admin(member.person, coop)
