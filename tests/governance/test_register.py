"""The register through its services and pages: admission, exits, college moves, statutes."""
from datetime import date

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry, College, Membership
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from governance.services import cooperatives as coops
from governance.services import register as reg

SMART = [("a", "A", "2/5"), ("b", "B", "3/10"), ("c", "C", "3/10")]


def journal(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_numbers_are_sequential_per_cooperative(make_coop, make_member):
    one, two = make_coop("one"), make_coop("two")
    assert [make_member(one).number for _ in range(3)] == [1, 2, 3]
    assert make_member(two).number == 1


def test_a_person_can_belong_to_several_cooperatives_once_each(make_coop, make_person,
                                                               make_member):
    one, two = make_coop("one"), make_coop("two")
    person = make_person("p@example.org")
    make_member(one, person=person)
    make_member(two, person=person)
    with pytest.raises(DomainError, match="already_member"):
        make_member(one, person=person)
    assert len(person.memberships) == 2


def test_college_is_required_and_must_exist_when_weighted(make_coop, make_member):
    coop = make_coop("smart", colleges=SMART)
    with pytest.raises(DomainError, match="college_required"):
        make_member(coop)
    with pytest.raises(DomainError, match="unknown_college"):
        make_member(coop, college="zz")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 0


def test_only_the_secretariat_registers(make_coop, make_person):
    coop = make_coop()
    board = make_person("b@example.org", roles={coop: "board"})
    with pytest.raises(Forbidden):
        reg.add_member(board, coop, reg.NewMember(last_name="X", email="x@example.org"))
    admin = make_person("a@example.org", roles={coop: "admin"})
    m = reg.add_member(admin, coop, reg.NewMember(last_name="X", email="X@Example.org"))
    assert m.person.email == "x@example.org"
    entry = journal("member.add")[-1]
    assert entry.actor_id == admin.id and entry.cooperative_id == coop.id


def test_legal_person_with_representative(make_coop, make_person):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    rep = make_person("rep@example.org")
    m = reg.add_member(admin, coop, reg.NewMember(
        kind="legal", legal_name="Fondation SmartBe", category="partner",
        representative_email="rep@example.org"))
    assert m.person.display_name == "Fondation SmartBe"
    assert m.person.representative == rep
    with pytest.raises(DomainError, match="unknown_representative"):
        reg.add_member(admin, coop, reg.NewMember(kind="legal", legal_name="Other",
                                                  representative_email="nobody@example.org"))


def test_admission_then_exit_are_dated_and_journaled(make_coop, make_person, make_member):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    m = make_member(coop, status="candidate", applied_on=date(2022, 1, 10))
    reg.change_status(admin, m, "admitted", on=date(2022, 2, 1), decision_ref="CA 2022-02")
    assert (m.status, m.admitted_on, m.admission_ref) == ("admitted", date(2022, 2, 1),
                                                          "CA 2022-02")
    with pytest.raises(DomainError, match="date_before"):
        reg.change_status(admin, m, "resigned", on=date(2022, 1, 1))
    reg.change_status(admin, m, "excluded", on=date(2023, 1, 1), reason="Non-payment")
    assert m.status == "excluded" and m.exit_reason == "Non-payment"
    with pytest.raises(DomainError, match="bad_transition"):
        reg.change_status(admin, m, "admitted", on=date(2023, 2, 1), decision_ref="x")
    entry = journal("member.excluded")[0]
    assert '"before"' in entry.summary and '"excluded"' in entry.summary


def test_college_move_is_dated_and_journaled(make_coop, make_person, make_member):
    coop = make_coop("smart", colleges=SMART)
    admin = make_person("a@example.org", roles={coop: "admin"})
    m = make_member(coop, college="a")
    reg.move_college(admin, m, "b", date(2022, 5, 1))
    assert m.college.code == "b"
    assert '"on":"2022-05-01"' in journal("member.move_college")[0].summary


def test_statutes_refuse_bad_shares_and_change_nothing(make_coop, make_person):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    with pytest.raises(DomainError, match="share_out_of_range"):
        coops.update_statutes(admin, coop, {"ordinary_quorum_first": "150 %", "max_proxies": 9})
    db.session.refresh(coop)
    assert coop.max_proxies == 5 and coop.ordinary_quorum_first == "1/5"
    coops.update_statutes(admin, coop, {"ordinary_quorum_first": "25 %", "max_proxies": 9})
    assert coop.ordinary_quorum_first == "1/4"
    entry = journal("cooperative.update")[0]
    assert '"before":{"max_proxies":5,"ordinary_quorum_first":"1/5"}' in entry.summary


def test_weighting_by_colleges_needs_valid_colleges(make_coop, make_person):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    with pytest.raises(DomainError, match="college_count"):
        coops.update_statutes(admin, coop, {"weighting": "colleges"})
    coops.set_colleges(admin, coop, [("a", "A", "40 %"), ("b", "B", "30 %"), ("c", "C", "3/10")])
    coops.update_statutes(admin, coop, {"weighting": "colleges"})
    assert coop.weighting == "colleges"


def test_wrong_colleges_are_refused_and_nothing_saved(make_coop, make_person):
    coop = make_coop("smart", colleges=SMART)
    admin = make_person("a@example.org", roles={coop: "admin"})
    with pytest.raises(DomainError, match="college_sum"):
        coops.set_colleges(admin, coop, [("a", "A", "40 %"), ("b", "B", "30 %"),
                                         ("c", "C", "29.99 %")])
    with pytest.raises(DomainError, match="college_weight"):
        coops.set_colleges(admin, coop, [("a", "A", "60 %"), ("b", "B", "20 %"),
                                         ("c", "C", "20 %")])
    with pytest.raises(DomainError, match="duplicate_college"):
        coops.set_colleges(admin, coop, [("a", "A", "1/2"), ("a", "B", "1/4"), ("c", "C", "1/4")])
    db.session.expire_all()
    assert [c.weight for c in coop.colleges] == ["2/5", "3/10", "3/10"]
    assert journal("cooperative.colleges") == []


def test_a_college_with_members_cannot_be_removed(make_coop, make_person, make_member):
    coop = make_coop("smart", colleges=SMART + [("d", "D", "0")])
    coop.weighting = "none"
    db.session.commit()
    admin = make_person("a@example.org", roles={coop: "admin"})
    make_member(coop, college="d")
    with pytest.raises(DomainError, match="college_in_use"):
        coops.set_colleges(admin, coop, SMART)
    coops.set_colleges(admin, coop, SMART + [("d", "D renamed", "0")])
    assert db.session.scalar(sa.select(College.name).where(College.code == "d")) == "D renamed"


def test_colleges_page_refuses_wrong_weights_with_the_rule(client, make_coop, make_person, login):
    coop = make_coop("smart", colleges=SMART)
    login(make_person("a@example.org", roles={coop: "admin"}))
    form = {"rows-0-code": "a", "rows-0-name": "A", "rows-0-weight": "60 %",
            "rows-1-code": "b", "rows-1-name": "B", "rows-1-weight": "20 %",
            "rows-2-code": "c", "rows-2-name": "C", "rows-2-weight": "20 %"}
    response = client.post("/c/smart/colleges", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "between 10 % and 50 %" in response.get_data(as_text=True)
    form["rows-0-weight"], form["rows-1-weight"] = "40 %", "40 %"
    response = client.post("/c/smart/colleges", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.weight for c in coop.colleges] == ["2/5", "2/5", "1/5"]


def test_member_page_shows_effective_voting_share(client, make_coop, make_person, make_member,
                                                  login):
    coop = make_coop("smart", colleges=SMART)
    me = make_person("me@example.org")
    make_member(coop, person=me, college="b")
    make_member(coop, college="b")
    make_member(coop, college="b", status="candidate")  # candidates have no vote
    login(me)
    page = client.get("/c/smart/members/1", headers={"Accept-Language": "en"}).get_data(True)
    assert "3/20" in page  # 30 % shared by two admitted members


def test_register_search_filter_and_pagination(app, client, make_coop, make_person, make_member,
                                               login):
    coop = make_coop("smart", colleges=SMART)
    login(make_person("a@example.org", roles={coop: "admin"}))
    for i in range(60):
        make_member(coop, college="a" if i % 2 else "b",
                    status="admitted" if i % 3 else "candidate")
    page1 = client.get("/c/smart/members", headers={"Accept-Language": "en"}).get_data(True)
    assert "60 sociétaires" in page1 and ">50<" in page1 and ">51<" not in page1
    page2 = client.get("/c/smart/members?page=2").get_data(True)
    assert ">51<" in page2 and ">50<" not in page2
    found = client.get("/c/smart/members?q=member17").get_data(True)
    assert "Member17" in found and "Member18" not in found
    filtered = client.get("/c/smart/members?college=a&status=candidate",
                          headers={"HX-Request": "true", "HX-Target": "register-results",
                                   "Accept-Language": "en"})
    text = filtered.get_data(True)
    assert "<html" not in text  # the htmx partial only
    assert "10 sociétaires" in text
    assert client.get("/c/smart/members?page=abc&status=bogus").status_code == 200


def test_roles_are_granted_and_withdrawn_by_the_secretariat(client, make_coop, make_person,
                                                            login):
    coop = make_coop()
    admin = make_person("a@example.org", roles={coop: "admin"})
    board = make_person("b@example.org")
    login(admin)
    client.post("/c/coop/roles", data={"email": "B@example.org", "role": "board",
                                       "action": "grant"})
    from governance.permissions import roles_in
    assert roles_in(board, coop) == {"board"}
    page = client.get("/c/coop/roles", headers={"Accept-Language": "en"}).get_data(True)
    assert "b@example.org" in page
    client.post("/c/coop/roles", data={"email": "b@example.org", "role": "board",
                                       "action": "revoke"})
    assert roles_in(board, coop) == set()
    response = client.post("/c/coop/roles", data={"email": "nobody@example.org", "role": "board"},
                           headers={"Accept-Language": "en"})
    assert "invite them first" in response.get_data(True)
    assert [e.action for e in journal("role.grant")] == ["role.grant"]
    assert len(journal("role.revoke")) == 1


def test_the_secretariat_cannot_withdraw_its_own_role(client, make_coop, make_person, login):
    coop = make_coop()
    login(make_person("a@example.org", roles={coop: "admin"}))
    response = client.post("/c/coop/roles", data={"email": "a@example.org", "role": "admin",
                                                  "action": "revoke"},
                           headers={"Accept-Language": "en"})
    assert "own secretariat role" in response.get_data(True)
    assert client.get("/c/coop/roles").status_code == 200


def test_platform_admin_adds_a_cooperative_with_default_statutes(client, make_person, login):
    login(make_person("p@example.org", platform_admin=True))
    data = {"name": "Coop Nouvelle", "slug": "nouvelle", "legal_form": "scop_sarl",
            "nominal_share_value": "15", "default_locale": "fr"}
    assert client.post("/cooperatives/new", data=data).status_code == 302
    from governance.models import Cooperative
    coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == "nouvelle"))
    assert (coop.extraordinary_majority, coop.notice_days_first) == ("2/3", 15)
    response = client.post("/cooperatives/new", data=data, headers={"Accept-Language": "en"})
    assert "already used" in response.get_data(True)
    bad = client.post("/cooperatives/new", data=data | {"slug": "Bad Slug!"})
    assert bad.status_code == 200 and db.session.scalar(
        sa.select(sa.func.count()).select_from(Cooperative)) == 1
