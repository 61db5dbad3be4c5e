"""`flask demo` and `flask audit verify`, run through Flask's CLI runner."""
from __future__ import annotations

import sqlalchemy as sa

from governance.demo import ACCOUNTS, PASSWORD
from governance.models import AuditEntry, Cooperative, Membership, Person, SiteMeta
from governance.platform.extensions import db


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _journal_ids() -> list[int]:
    return list(db.session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)))


def test_demo_loads_once_and_prints_the_accounts(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output
    for email in ACCOUNTS:
        assert email in result.output
    assert result.output.count(PASSWORD) == len(ACCOUNTS) == 3
    slugs = set(db.session.scalars(sa.select(Cooperative.slug)))
    assert slugs == {"smartfr", "grandsensemble", "alterna", "la-nouvelle-aventure"}
    assert db.session.get(SiteMeta, "demo") is not None
    counts = (_count(Cooperative), _count(Person), _count(Membership), _count(AuditEntry))

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    db.session.expire_all()
    assert (_count(Cooperative), _count(Person), _count(Membership), _count(AuditEntry)) == counts


def test_demo_refuses_a_database_with_real_data(runner, make_coop):
    make_coop("real-coop")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "Refused" in result.output
    db.session.expire_all()
    assert list(db.session.scalars(sa.select(Cooperative.slug))) == ["real-coop"]
    assert _count(Person) == 0 and db.session.get(SiteMeta, "demo") is None


def test_demo_refuses_a_database_with_people_only(runner, make_person):
    make_person("someone@example.org")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert _count(Cooperative) == 0


def test_audit_verify_on_an_intact_journal(runner):
    empty = runner.invoke(args=["audit", "verify"])
    assert empty.exit_code == 0, empty.output
    assert "intact: 0 entries" in empty.output

    assert runner.invoke(args=["demo"]).exit_code == 0
    total = _count(AuditEntry)
    assert total > 300  # one entry per admission, grant…
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"intact: {total} entries" in result.output


def test_audit_verify_names_an_altered_entry(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    ids = _journal_ids()
    target = ids[len(ids) // 2]
    table = AuditEntry.__table__.name
    db.session.execute(sa.text(f'UPDATE "{table}" SET summary = :s WHERE id = :id'),
                       {"s": '{"after":{"forged":true}}', "id": target})
    db.session.commit()

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"broken at entry {target} " in result.output
    assert "does not match its content" in result.output
    assert f"{ids.index(target)} entries before it are intact" in result.output


def test_audit_verify_notices_a_deleted_entry(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    ids = _journal_ids()
    gone = ids[len(ids) // 2]
    following = ids[ids.index(gone) + 1]
    table = AuditEntry.__table__.name
    db.session.execute(sa.text(f'DELETE FROM "{table}" WHERE id = :id'), {"id": gone})
    db.session.commit()

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"broken at entry {following} " in result.output
    assert "does not follow the entry before" in result.output


def test_audit_verify_notices_a_deleted_first_entry(runner):
    """Removing the first entry breaks the chain at the new first entry (it must follow the
    genesis hash)."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    ids = _journal_ids()
    table = AuditEntry.__table__.name
    db.session.execute(sa.text(f'DELETE FROM "{table}" WHERE id = :id'), {"id": ids[0]})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"broken at entry {ids[1]} " in result.output


def test_audit_verify_sees_entries_removed_at_the_end(runner, make_coop, make_person):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    from governance.services.cooperatives import update_statutes
    for n in (6, 7, 8):
        update_statutes(admin, coop, {"max_proxies": n})
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    last = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    with db.engine.begin() as conn:
        conn.execute(sa.delete(AuditEntry).where(AuditEntry.id == last))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "removed" in result.output


def _journal_some(make_coop, make_person, n=4):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    from governance.services.cooperatives import update_statutes
    for i in range(n):
        update_statutes(admin, coop, {"max_proxies": 5 + i})


def _rehash_from(entry_id: int) -> None:
    """What someone who can write the database does: edit an entry, then re-hash it and every
    entry after it with the project's own hash, and move the head."""
    from governance.platform.journal import HEAD_KEY, entry_hash
    prev = None
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)):
        if entry.id >= entry_id:
            entry.prev_hash = prev or entry.prev_hash
            entry.hash = entry_hash(entry)
        prev = entry.hash
    db.session.get(SiteMeta, HEAD_KEY).value = f"{entry.id}:{entry.hash}"
    db.session.commit()


def test_a_journal_rewritten_and_re_hashed_without_the_key_is_detected(runner, make_coop,
                                                                        make_person):
    _journal_some(make_coop, make_person)
    ids = _journal_ids()
    target = db.session.get(AuditEntry, ids[2])
    target.summary = '{"after":{"max_proxies":99}}'
    _rehash_from(target.id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"broken at entry {target.id} " in result.output
    assert "mac does not match" in result.output


def test_an_anchor_proves_what_came_before_it(runner, make_coop, make_person):
    _journal_some(make_coop, make_person)
    anchor = runner.invoke(args=["audit", "head"]).output.strip()
    assert runner.invoke(args=["audit", "verify", "--anchor", anchor]).exit_code == 0
    # entries removed at the end, the head moved back: only the anchor tells
    last = _journal_ids()[-1]
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == last))
    from governance.platform.journal import HEAD_KEY
    previous = db.session.get(AuditEntry, last - 1)
    db.session.get(SiteMeta, HEAD_KEY).value = f"{previous.id}:{previous.hash}"
    db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    result = runner.invoke(args=["audit", "verify", "--anchor", anchor])
    assert result.exit_code == 1 and "does not hold the anchor" in result.output


def test_a_rotated_key_signs_new_entries_and_old_ones_still_verify(runner, make_coop, make_person):
    _journal_some(make_coop, make_person, n=2)
    assert "audit key" in runner.invoke(args=["audit", "rotate-key"]).output
    from governance.services.cooperatives import update_statutes
    coop = db.session.scalar(sa.select(Cooperative))
    update_statutes(db.session.scalar(sa.select(Person)), coop, {"max_proxies": 9})
    kids = {mac.partition(":")[0] for mac in db.session.scalars(sa.select(AuditEntry.mac))}
    assert len(kids) == 2
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_entries_from_before_macs_are_signed_once(runner, make_coop, make_person):
    _journal_some(make_coop, make_person, n=2)
    db.session.execute(sa.update(AuditEntry).values(mac=None))
    db.session.commit()
    assert "sign-unsigned" in runner.invoke(args=["audit", "verify"]).output
    assert runner.invoke(args=["audit", "sign-unsigned"]).output.startswith(
        f"{len(_journal_ids())} entries signed")
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_the_first_platform_administrator_is_created_from_the_command_line(runner):
    result = runner.invoke(args=["accounts", "create-admin", "Ops@Example.org", "--first-name",
                                 "Olga", "--password", "a long passphrase"])
    assert result.exit_code == 0, result.output
    person = db.session.scalar(sa.select(Person).where(Person.email == "ops@example.org"))
    assert person.is_platform_admin and person.password_hash.startswith("$argon2")
    assert db.session.scalar(sa.select(AuditEntry.action)) == "account.create_admin"
    again = runner.invoke(args=["accounts", "create-admin", "ops@example.org",
                                "--password", "a long passphrase"])
    assert again.exit_code == 1 and "ops@example.org already has an account" in again.output
    short = runner.invoke(args=["accounts", "create-admin", "new@example.org",
                                "--password", "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert _count(Person) == 1
