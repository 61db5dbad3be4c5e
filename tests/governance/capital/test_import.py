"""Import of share movements (all or nothing, through the ledger services and the web
preview/confirm), and opening balances from the register CSV."""
from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from governance.capital import queries as cq
from governance.capital.rules import Balance
from governance.capital.services import imports as svc
from governance.models import AuditEntry, Membership, ReimbursementRequest, ShareMovement
from governance.platform.extensions import db
from governance.platform.service import Forbidden
from governance.services import imports as register_import
from governance.services.imports import ImportRefused

HEADER = "date;kind;member_number;to_member_number;shares;amount_paid;reference\n"
GOOD = (HEADER + "2023-01-02;subscription;1;;20;;BS-1\n"
                 "2023-01-02;subscription;2;;10;;BS-2\n"
                 "2023-06-15;transfer;1;3;4;;CA 2023-06\n"
                 "2024-01-10;reimbursement;2;;2;;withdrawal\n")


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def setup(make_coop, make_person, make_member):
    coop = make_coop("coop")
    admin = make_person("admin@example.org", roles={coop: "admin"})
    members = [make_member(coop) for _ in range(3)]
    return coop, admin, members


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def held(m) -> Balance:
    return cq.member_balances([m.id]).get(m.id, Balance())


def test_the_file_is_recorded_through_the_ledger_services(setup):
    coop, admin, (a, b, c) = setup
    assert svc.import_movements(admin, coop, GOOD.encode()) == 4
    assert (held(a), held(b), held(c)) == (Balance(16, D(400), D(400)), Balance(8, D(200), D(200)),
                                           Balance(4, D(100), D(100)))
    numbers = db.session.scalars(sa.select(ShareMovement.number).order_by(ShareMovement.id))
    assert list(numbers) == [1, 2, 3, 4]
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-6:] == ["share.subscription", "share.subscription", "share.transfer",
                            "share.reimbursement_request", "share.reimbursement",
                            "capital.import"]
    assert cq.derived_mismatches(coop) == []


def test_a_refused_line_rolls_everything_back_and_names_its_line(setup):
    coop, admin, (a, b, c) = setup
    before = (count(ShareMovement), count(AuditEntry))
    bad = GOOD + "2024-02-01;transfer;3;2;5;;CA 2024-02\n"  # 3 holds only 4 shares
    with pytest.raises(ImportRefused) as err:
        svc.import_movements(admin, coop, bad.encode())
    assert [(e.line, e.code) for e in err.value.errors] == [(6, "shares_not_held")]
    db.session.expire_all()
    assert (count(ShareMovement), count(AuditEntry)) == before
    assert held(a) == Balance() and count(ReimbursementRequest) == 0


def test_partly_paid_shares_follow_the_statutes(setup):
    coop, admin, (a, *_rest) = setup
    data = HEADER + "2023-01-02;subscription;1;;4;25;\n2023-03-01;release;1;;;75;call\n"
    with pytest.raises(ImportRefused) as err:
        svc.import_movements(admin, coop, data.encode())
    assert [(e.line, e.code) for e in err.value.errors] == [(2, "partial_payment_not_allowed")]
    coop.partial_payment = True
    db.session.commit()
    assert svc.import_movements(admin, coop, data.encode()) == 2
    assert held(a) == Balance(4, D(100), D(100))


def test_validation_errors_come_first_and_change_nothing(setup):
    coop, admin, _ = setup
    with pytest.raises(ImportRefused) as err:
        svc.import_movements(admin, coop, (HEADER + "2023-01-02;gift;9;;1;;\n").encode())
    assert {(e.line, e.code) for e in err.value.errors} == {
        (2, "csv_unknown_movement_kind"), (2, "csv_unknown_member")}
    assert count(ShareMovement) == 0


def test_only_the_secretariat_imports(setup, make_person):
    coop, _admin, _ = setup
    board = make_person("board@example.org", roles={coop: "board"})
    with pytest.raises(Forbidden):
        svc.import_movements(board, coop, GOOD.encode())


def _token(response) -> str:
    return re.search(rb'name="token" type="hidden" value="([^"]+)"', response.data).group(1) \
        .decode()


def _upload(client, data: bytes, url="/c/coop/capital/import"):
    return client.post(url, data={"file": (io.BytesIO(data), "movements.csv")},
                       content_type="multipart/form-data")


def test_web_preview_then_confirm_once(client, login, setup):
    coop, admin, (a, *_rest) = setup
    login(admin)
    preview = _upload(client, GOOD.encode())
    assert preview.status_code == 200
    assert b"4 movements will be recorded" in preview.data and b"CA 2023-06" in preview.data
    assert count(ShareMovement) == 0  # nothing before the confirmation
    token = _token(preview)
    done = client.post("/c/coop/capital/import/confirm", data={"token": token})
    assert done.status_code == 303 and "/c/coop/jobs/" in done.location
    page = client.get(done.location)
    assert b"4 movements recorded." in page.data and b'href="/c/coop/capital"' in page.data
    db.session.expire_all()
    assert count(ShareMovement) == 4 and held(a).shares == 16
    again = client.post("/c/coop/capital/import/confirm", data={"token": token})
    assert again.status_code == 400 and b"already done" in again.data
    assert count(ShareMovement) == 4


def test_web_error_report_by_line(client, login, setup):
    _coop, admin, _ = setup
    login(admin)
    response = _upload(client, (HEADER + "2023-01-02;subscription;1;;1;;\n"
                                          "2023-01-02;subscription;8;;1;;\n").encode())
    assert response.status_code == 400
    assert b"There is no soci\xc3\xa9taire number 8 in this cooperative." in response.data
    assert b'<td class="num">3</td>' in response.data
    assert count(ShareMovement) == 0


def test_web_confirm_reports_a_line_the_ledger_refuses(client, login, setup, make_member):
    coop, admin, (a, b, _c) = setup
    login(admin)
    data = (HEADER + "2023-06-15;transfer;1;2;4;;CA 2023-06\n").encode()
    from governance.capital.services import ledger as cap
    cap.record_subscription(admin, a, 4, on=date(2023, 1, 1))
    preview = _upload(client, data)
    token = _token(preview)
    cap.request_reimbursement(admin, a, 4, on=date(2023, 2, 1))  # the shares are gone meanwhile
    refused = client.get(client.post("/c/coop/capital/import/confirm",
                                     data={"token": token}).location)
    assert b"does not hold that many shares" in refused.data and b"Try again" not in refused.data
    db.session.expire_all()
    assert held(b) == Balance()


def test_the_sample_file_imports_into_the_demo_cooperative(make_coop, make_person,
                                                          make_member):
    from pathlib import Path
    coop = make_coop("la-nouvelle-aventure", nominal_share_value=D(50))
    admin = make_person("admin@example.org", roles={coop: "admin"})
    for _ in range(5):
        make_member(coop)
    sample = (Path(__file__).resolve().parents[3] / "docs" / "capital-sample.csv").read_bytes()
    assert svc.import_movements(admin, coop, sample) == 7
    assert cq.capital_and_peak(coop)[0] == D(50) * (20 + 10 + 6 + 4 - 2 + 2)


# --- opening balances through the register CSV --------------------------------------------

REGISTER = ("last_name;email;category;status;applied_on;admitted_on;admission_ref;shares;"
            "amount_paid\n"
            "Lemoine;aurore@example.net;user;admitted;2022-01-10;2022-03-15;CA 2022-03;12;\n"
            "Okafor;chidi@example.net;user;candidate;2024-02-01;;;;\n"
            "Ferrand;basile@example.net;user;admitted;2021-09-01;2021-10-05;CA 2021-10;4;50\n")


def test_register_import_records_opening_balances(setup):
    coop, admin, _ = setup
    coop.partial_payment = True
    db.session.commit()
    assert register_import.import_register(admin, coop, REGISTER.encode()) == 3
    by_email = {m.person.email: m for m in db.session.scalars(sa.select(Membership))}
    assert held(by_email["aurore@example.net"]) == Balance(12, D(300), D(300))
    assert held(by_email["chidi@example.net"]) == Balance()
    assert held(by_email["basile@example.net"]) == Balance(4, D(100), D(50))
    movement = db.session.scalar(sa.select(ShareMovement).where(
        ShareMovement.to_membership_id == by_email["aurore@example.net"].id))
    assert movement.on == date(2022, 3, 15) and movement.reference.startswith("Opening balance")


def test_register_import_with_a_refused_balance_imports_nobody(setup):
    coop, admin, _ = setup  # statutes: fully paid shares only
    before = count(Membership)
    with pytest.raises(ImportRefused) as err:
        register_import.import_register(admin, coop, REGISTER.encode())
    assert [(e.line, e.code) for e in err.value.errors] == [(4, "partial_payment_not_allowed")]
    db.session.expire_all()
    assert count(Membership) == before and count(ShareMovement) == 0


def test_register_balance_columns_are_validated(setup):
    coop, admin, _ = setup
    bad = ("last_name;category;shares;amount_paid\nA;user;x;\nB;user;;10\nC;user;2;1,234\n")
    result = register_import.check_file(admin, coop, bad.encode())
    assert [(e.line, e.code) for e in result.errors] == [
        (2, "csv_bad_shares"), (3, "csv_paid_without_shares"), (4, "csv_bad_amount")]
