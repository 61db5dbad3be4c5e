"""A CAE's entrepreneurs-salariés: three years to become sociétaires, less any CAPE (RULES.md
§6); the register flags who is late."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from governance.contracts import rules
from governance.contracts.models import EntrepreneurContract
from governance.contracts.services import end_contract, record_contract
from governance.models import AuditEntry
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from governance.rules import RuleError


@pytest.mark.parametrize("signed, cape, due", [
    (date(2021, 3, 15), 0, date(2024, 3, 15)),
    (date(2021, 3, 15), 6, date(2023, 9, 15)),
    (date(2021, 2, 28), 0, date(2024, 2, 28)),
    (date(2020, 2, 29), 0, date(2023, 2, 28)),  # no 29 February in 2023
    (date(2021, 8, 31), 6, date(2024, 2, 29)),  # the month's last day
    (date(2021, 3, 15), 36, date(2021, 3, 15)),
])
def test_deadline(signed, cape, due):
    assert rules.deadline(signed, cape) == due


def test_situation_at_the_boundary():
    signed = date(2021, 3, 15)
    assert rules.situation(signed, 0, None, None, date(2024, 3, 15)) == "due"  # the last day
    assert rules.situation(signed, 0, None, None, date(2024, 3, 16)) == "late"
    assert rules.situation(signed, 0, None, date(2024, 3, 1), date(2025, 1, 1)) == "associate"
    assert rules.situation(signed, 0, None, date(2025, 6, 1), date(2025, 1, 1)) == "late"
    assert rules.situation(signed, 0, date(2023, 1, 1), None, date(2025, 1, 1)) == "ended"


@pytest.mark.parametrize("signed, cape, code", [(None, 0, "date_required"),
                                                 (date(2030, 1, 1), 0, "contract_in_future"),
                                                 (date(2021, 1, 1), -1, "cape_months"),
                                                 (date(2021, 1, 1), 37, "cape_months")])
def test_bad_contracts(signed, cape, code):
    with pytest.raises(RuleError) as err:
        rules.check_contract(signed, cape, date(2026, 1, 1))
    assert err.value.code == code


@pytest.fixture
def cae(make_coop, make_person):
    coop = make_coop("ge", legal_form="scop_sa")
    admin = make_person("admin@ge.coop", roles={coop: "admin"})
    board = make_person("board@ge.coop", roles={coop: "board"})
    return coop, admin, board


def test_record_and_end_a_contract(cae, make_person):
    coop, admin, board = cae
    ines = make_person("ines@ge.coop", "Inès", "Retard")
    with pytest.raises(Forbidden):
        record_contract(board, coop, "ines@ge.coop", date(2021, 1, 4), 0)
    contract = record_contract(admin, coop, "ines@ge.coop", date(2021, 1, 4), 6)
    with pytest.raises(DomainError) as err:
        record_contract(admin, coop, "ines@ge.coop", date(2022, 1, 4), 0)
    assert err.value.code == "contract_running"
    with pytest.raises(DomainError) as err:
        record_contract(admin, coop, "nobody@ge.coop", date(2022, 1, 4), 0)
    assert err.value.code == "unknown_person"
    with pytest.raises(DomainError) as err:
        end_contract(admin, contract, date(2020, 12, 31))
    assert err.value.code == "date_before"
    end_contract(admin, contract, date(2023, 1, 31))
    assert db.session.get(EntrepreneurContract, contract.id).ended_on == date(2023, 1, 31)
    assert ines.id == contract.person_id
    assert [a.action for a in db.session.scalars(sa.select(AuditEntry).order_by(
        AuditEntry.id))][-2:] == ["contract.record", "contract.end"]


def test_the_register_flags_who_is_late(cae, make_person, make_member, client, login):
    coop, admin, board = cae
    make_person("late@ge.coop", "Inès", "Retard")
    joined = make_member(coop, "joined@ge.coop")
    record_contract(admin, coop, "late@ge.coop", date(2021, 1, 4), 0)
    record_contract(admin, coop, "joined@ge.coop", date(2020, 6, 1), 0)  # admitted 2021-01-01
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(board)
    register = client.get("/c/ge/members").get_data(as_text=True)
    assert "1 entrepreneur-salarié is late becoming a sociétaire." in register
    page = client.get("/c/ge/contracts").get_data(as_text=True)
    assert "Late: should have joined by Jan 4, 2024" in page
    assert f"Sociétaire (no. {joined.number})" in page
    assert "Record a contract" not in page  # the board reads, the secretariat records
    assert client.post("/c/ge/contracts", data={"email": "x@ge.coop", "signed_on": "2022-01-01",
                                                "cape_months": "0"}).status_code == 403


def test_bad_input_on_the_page_changes_nothing(cae, make_person, client, login):
    coop, admin, _board = cae
    make_person("new@ge.coop")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(admin)
    response = client.post("/c/ge/contracts", data={"email": "new@ge.coop",
                                                     "signed_on": "2022-01-01",
                                                     "cape_months": "40"})
    assert response.status_code == 400 and b"Between 0 and 36 months." in response.data
    response = client.post("/c/ge/contracts", data={"email": "new@ge.coop",
                                                     "signed_on": "2099-01-01",
                                                     "cape_months": "0"})
    assert b"a day still to come" in response.data
    assert db.session.scalar(sa.select(sa.func.count(EntrepreneurContract.id))) == 0
    response = client.post("/c/ge/contracts", data={"email": "new@ge.coop",
                                                     "signed_on": "2022-01-01",
                                                     "cape_months": "3"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(EntrepreneurContract.id))) == 1


def test_an_entrepreneur_under_contract_takes_part_in_circles_and_logs_time(
        cae, make_person, client, login):
    """Not yet a sociétaire: a running contract lets them be named in a circle, read the map
    and log time; once the contract ended, no more."""
    from circles import services as circles
    from circles.models import Circle
    coop, admin, _board = cae
    newcomer = make_person("hugo@ge.coop", "Hugo", "Nouveau")
    circle = circles.create_circle(admin, coop, circles.CircleDraft("Outils", "Des outils", "",
                                                                      "", None))
    with pytest.raises(DomainError):
        circles.add_member(admin, circle, circles.find_person(coop, "hugo@ge.coop"),
                           date(2024, 1, 1))
    contract = record_contract(admin, coop, "hugo@ge.coop", date(2024, 1, 1), 0)
    circles.add_member(admin, circle, circles.find_person(coop, "hugo@ge.coop"),
                       date(2024, 1, 1))
    login(newcomer)
    assert client.get("/c/ge/circles").status_code == 200
    assert client.get(f"/c/ge/circles/{circle.id}").status_code == 200
    assert client.get("/c/ge/contributions/").status_code == 200
    assert client.get("/c/ge").status_code == 403  # still no role in the cooperative
    end_contract(admin, contract, date(2024, 6, 30))
    assert client.get("/c/ge/circles").status_code == 403
    assert db.session.get(Circle, circle.id) is not None
