"""The movements CSV, pure validation: every kind of error, with the spreadsheet's line numbers."""
from datetime import date
from decimal import Decimal as D

import pytest

from governance.capital import csv_io as cc

HEADER = "date;kind;member_number;to_member_number;shares;amount_paid;reference\n"
CTX = cc.Context(numbers={1, 2, 3}, today=date(2024, 6, 1))


def check(body: str, header: str = HEADER, ctx=CTX, **kw):
    return cc.check((header + body).encode(), ctx, **kw)


def codes(result):
    return [(e.line, e.code) for e in result.errors]


def test_a_valid_file_gives_one_line_per_movement_in_order():
    result = check("2024-01-02;subscription;1;;10;;BS-1\n"
                   "03/01/2024;Libération;2;;;12,50;\n"
                   "2024-01-04;cession;1;2;4;;CA 2024-01\n"
                   "2024-01-05;REMBOURSEMENT;2;;1;;\n"
                   "2024-01-06;subscription;3;;4;25.00;partly paid\n")
    assert result.ok, result.errors
    assert [(x.line, x.kind, x.on, x.member, x.to_member, x.shares, x.amount_paid)
            for x in result.lines] == [
        (2, "subscription", date(2024, 1, 2), 1, None, 10, None),
        (3, "release", date(2024, 1, 3), 2, None, 0, D("12.50")),
        (4, "transfer", date(2024, 1, 4), 1, 2, 4, None),
        (5, "reimbursement", date(2024, 1, 5), 2, None, 1, None),
        (6, "subscription", date(2024, 1, 6), 3, None, 4, D("25.00"))]


def test_bom_and_commas_are_read():
    data = ("\ufeff" + HEADER.replace(";", ",") + "2024-01-02,subscription,1,,10,,\n")
    result = cc.check(data.encode("utf-8"), CTX)
    assert result.ok and result.lines[0].shares == 10


@pytest.mark.parametrize("line, expected", [
    ("2024-01-02;gift;1;;1;;", "csv_unknown_movement_kind"),
    (";subscription;1;;1;;", "csv_required"),
    ("2024-13-02;subscription;1;;1;;", "csv_bad_date"),
    ("2030-01-02;subscription;1;;1;;", "csv_future_date"),
    ("2024-01-02;subscription;9;;1;;", "csv_unknown_member"),
    ("2024-01-02;subscription;x;;1;;", "csv_bad_number"),
    ("2024-01-02;subscription;1;;0;;", "csv_bad_shares"),
    ("2024-01-02;subscription;1;;1.5;;", "csv_bad_shares"),
    ("2024-01-02;subscription;1;;;;", "csv_required"),
    ("2024-01-02;subscription;1;;1;1.234;", "csv_bad_amount"),
    ("2024-01-02;subscription;1;;1;-3;", "csv_bad_amount"),
    ("2024-01-02;subscription;1;2;1;;", "csv_only_for_transfers"),
    ("2024-01-02;release;1;;;;", "csv_required"),
    ("2024-01-02;release;1;;2;10;", "csv_release_shares"),
    ("2024-01-02;release;1;;;0;", "amount_positive"),
    ("2024-01-02;transfer;1;;2;;CA", "csv_required"),
    ("2024-01-02;transfer;1;1;2;;CA", "transfer_to_self"),
    ("2024-01-02;transfer;1;2;2;;", "board_approval_required"),
    ("2024-01-02;transfer;1;2;2;50;CA", "csv_amount_not_for_kind"),
    ("2024-01-02;reimbursement;1;;2;50;", "csv_amount_not_for_kind"),
    ("2024-01-02;subscription;1;;1;;" + "x" * 201, "csv_too_long"),
])
def test_each_error_names_its_line(line, expected):
    result = check("2024-01-02;subscription;1;;1;;\n" + line + "\n")
    assert not result.ok and not result.lines[1:]
    assert (3, expected) in codes(result), codes(result)


def test_all_errors_are_reported_with_spreadsheet_line_numbers():
    result = check('2024-01-02;subscription;1;;1;;"two\nlines"\n'
                   "\n"
                   "2024-01-02;gift;1;;1;;\n"
                   "2024-01-02;subscription;7;;1;;\n")
    # a quoted line break stays on its line (2), the empty row keeps its number (3)
    assert codes(result) == [(4, "csv_unknown_movement_kind"), (5, "csv_unknown_member")]


@pytest.mark.parametrize("data, expected", [
    (b"", (None, "csv_empty")),
    (HEADER.encode(), (None, "csv_no_movements")),
    ("date;kind;member_number\n2024-01-02;souscription;1\n".encode("utf-16"),
     (None, "csv_not_utf8")),
    (b"date;kind\n2024-01-02;subscription\n", (1, "csv_missing_columns")),
    (b"date;kind;member_number;colour\n2024-01-02;subscription;1;red\n",
     (1, "csv_unknown_columns")),
    (b"date;kind;member_number;kind\n", (1, "csv_duplicate_columns")),
])
def test_file_level_errors(data, expected):
    assert expected in codes(cc.check(data, CTX))


def test_too_many_lines_is_refused():
    body = "".join("2024-01-02;subscription;1;;1;;\n" for _ in range(4))
    assert (5, "csv_too_many_lines") in codes(check(body, max_lines=3))


def test_only_the_numbers_of_the_file_are_looked_up():
    table = cc.read((HEADER + "2024-01-02;transfer;12;7;1;;CA\n2024-01-02;x;abc;;;;\n").encode())
    assert cc.numbers(table) == {7, 12}
