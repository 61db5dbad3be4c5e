"""Pure rules of the register's CSV import and export (governance/register_csv.py)."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from governance import register_csv as rc

TODAY = date(2024, 6, 1)
HEADER = "last_name;first_name;email;college;category;status;admitted_on;admission_ref"


def ctx(**kw) -> rc.Context:
    values = dict(colleges=["entrepreneurs", "permanents"], colleges_required=True, today=TODAY)
    return rc.Context(**(values | kw))


def check(text: str, context: rc.Context | None = None, **kw) -> rc.Result:
    return rc.check(text.encode(), context or ctx(), **kw)


def codes(result: rc.Result) -> list[tuple[int | None, str]]:
    return [(e.line, e.code) for e in result.errors]


def one_line(line: str, header: str = HEADER, **context) -> rc.Result:
    return check(f"{header}\n{line}\n", ctx(**context))


GOOD = "Durand;Lou;lou@example.net;entrepreneurs;user;admitted;2021-03-01;CA 2021-03"


def test_valid_file_gives_new_member_arguments():
    result = one_line(GOOD)
    assert result.ok and result.columns == HEADER.split(";")
    (line,) = result.lines
    assert line.line == 2 and line.exit_status is None
    assert line.member == dict(
        kind="natural", first_name="Lou", last_name="Durand", legal_name="",
        email="lou@example.net", address="", college="entrepreneurs", category="user",
        status="admitted", applied_on=None, admitted_on=date(2021, 3, 1),
        admission_ref="CA 2021-03", email_consent=False, representative_email=None, number=1)


@pytest.mark.parametrize("sep", [";", ","])
def test_delimiter_detected(sep):
    text = HEADER.replace(";", sep) + "\n" + GOOD.replace(";", sep) + "\n"
    result = check(text)
    assert result.ok, result.errors
    assert result.lines[0].member["admission_ref"] == "CA 2021-03"


def test_comma_inside_quotes_with_semicolons():
    result = one_line('Durand;Lou;lou@example.net;entrepreneurs;user;candidate;;"CA, 2021"',
                      colleges_required=False)
    assert codes(result) == [], result.errors
    assert result.lines[0].member["admission_ref"] == "CA, 2021"


def test_bom_and_header_case_and_order():
    text = "\ufeffCATEGORY,Email,Last Name,college\r\nuser,A@Example.net,Durand,Permanents\r\n"
    result = check(text)
    assert result.ok, result.errors
    member = result.lines[0].member
    assert member["email"] == "a@example.net" and member["college"] == "permanents"
    assert member["status"] == "candidate" and member["kind"] == "natural"


def test_not_utf8_is_a_clear_error():
    data = (HEADER + "\n" + GOOD.replace("Lou", "Léa") + "\n").encode("latin-1")
    result = rc.check(data, ctx())
    assert codes(result) == [(None, "csv_not_utf8")]
    assert result.errors[0].params == {"line": 2}
    assert codes(rc.check((HEADER + "\n").encode("utf-16"), ctx())) == [(None, "csv_not_utf8")]


def test_empty_and_header_only():
    assert codes(check("")) == [(None, "csv_empty")]
    assert codes(check(" \n\n")) == [(None, "csv_empty")]
    assert codes(check(HEADER + "\n;;\n")) == [(None, "csv_no_lines")]


def test_header_problems():
    result = check("last_name;category;shoe_size;colour\nDurand;user;42;red\n",
                   ctx(colleges_required=False))
    assert codes(result) == [(1, "csv_unknown_columns")]
    assert result.errors[0].params == {"columns": "shoe_size, colour"}
    assert codes(check("email;Email;category\n")) == [(1, "csv_duplicate_columns")]
    result = check("last_name;email\nDurand;a@example.net\n")
    assert codes(result) == [(1, "csv_missing_columns")]
    assert result.errors[0].params == {"columns": "category"}


@pytest.mark.parametrize("line, code, params", [
    ("Durand;Lou;lou@;entrepreneurs;user;candidate;;", "csv_bad_email", {"value": "lou@"}),
    ("Durand;Lou;lou@example.net;nope;user;candidate;;", "unknown_college", {"college": "nope"}),
    ("Durand;Lou;lou@example.net;;user;candidate;;", "college_required", {}),
    ("Durand;Lou;lou@example.net;entrepreneurs;boss;candidate;;", "csv_unknown_category",
     {"value": "boss"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;;candidate;;", "csv_required",
     {"column": "category"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;king;;", "csv_unknown_status",
     {"value": "king"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;admitted;2021-02-30;CA",
     "csv_bad_date", {"column": "admitted_on", "value": "2021-02-30"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;admitted;1/2/21;CA",
     "csv_bad_date", {"column": "admitted_on", "value": "1/2/21"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;admitted;2024-06-02;CA",
     "csv_future_date", {"column": "admitted_on", "value": "2024-06-02"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;admitted;;CA", "csv_date_required",
     {"column": "admitted_on"}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;admitted;2021-01-01;", "decision_required",
     {}),
    (";Lou;lou@example.net;entrepreneurs;user;candidate;;", "csv_last_name_required", {}),
    ("Durand;Lou;lou@example.net;entrepreneurs;user;candidate;2021-01-01;",
     "csv_candidate_admitted_on", {}),
])
def test_each_line_error(line, code, params):
    result = one_line(line)
    assert codes(result) == [(2, code)], result.errors
    assert result.errors[0].params == params
    assert result.lines == []


def test_kind_and_legal_name():
    header = "kind;legal_name;last_name;category;college"
    assert codes(one_line("company;X;;user;permanents", header)) == [(2, "csv_unknown_kind")]
    assert codes(one_line("legal;;;user;permanents", header)) == [(2, "csv_legal_name_required")]
    result = one_line("personne morale;Atelier;;partenaire;permanents", header)
    assert result.ok and result.lines[0].member["kind"] == "legal"


@pytest.mark.parametrize("label, value", [
    ("salarié·e permanent·e", "permanent_employee"), ("Salariée permanente", "permanent_employee"),
    ("entrepreneur·e salarié·e", "entrepreneur_employee"),
    ("Entrepreneur-employee", "entrepreneur_employee"), ("usager·e", "user"),
    ("partenaire", "partner"), ("structure associée", "associated_structure"),
    ("collectivité", "local_authority"), ("Local authority", "local_authority"),
    ("fondateur", "founder"), ("FOUNDER", "founder"), ("associated_structure",
                                                       "associated_structure"),
])
def test_category_labels(label, value):
    result = one_line(f"Durand;{label};permanents", "last_name;category;college")
    assert result.ok, result.errors
    assert result.lines[0].member["category"] == value


@pytest.mark.parametrize("label, value", [("candidat", "candidate"), ("Admis", "admitted"),
                                          ("admitted", "admitted"), ("", "candidate")])
def test_status_labels(label, value):
    line = f"Durand;user;permanents;{label};2020-01-01;CA 1" if value == "admitted" else \
        f"Durand;user;permanents;{label};;"
    result = one_line(line, "last_name;category;college;status;admitted_on;admission_ref")
    assert result.ok, result.errors
    assert result.lines[0].member["status"] == value


@pytest.mark.parametrize("text, day", [("2021-03-09", date(2021, 3, 9)),
                                       ("09/03/2021", date(2021, 3, 9)),
                                       ("9/3/2021", date(2021, 3, 9)),
                                       ("2024-06-01", TODAY)])
def test_date_formats(text, day):
    result = one_line(f"Durand;user;permanents;{text}", "last_name;category;college;applied_on")
    assert result.ok, result.errors
    assert result.lines[0].member["applied_on"] == day


def test_admission_not_before_application():
    result = one_line("Durand;user;permanents;admitted;2021-03-01;2021-02-01;CA",
                      "last_name;category;college;status;applied_on;admitted_on;admission_ref")
    assert codes(result) == [(2, "csv_date_before")]
    assert result.errors[0].params == {"column": "admitted_on", "date": "2021-02-01",
                                       "since": "2021-03-01"}


@pytest.mark.parametrize("text, value", [("yes", True), ("OUI", True), ("1", True),
                                         ("true", True), ("no", False), ("non", False),
                                         ("0", False), ("False", False), ("", False)])
def test_email_consent(text, value):
    result = one_line(f"Durand;user;permanents;{text}", "last_name;category;college;email_consent")
    assert result.ok and result.lines[0].member["email_consent"] is value


def test_bad_email_consent():
    result = one_line("Durand;user;permanents;perhaps", "last_name;category;college;email_consent")
    assert codes(result) == [(2, "csv_bad_boolean")]


def test_duplicates_within_the_file_name_the_first_line():
    header = "number;last_name;email;category;college"
    text = "\n".join([header, "3;A;a@example.net;user;permanents",
                      "4;B;b@example.net;user;permanents",
                      "3;C;A@EXAMPLE.NET;user;permanents"]) + "\n"
    result = check(text)
    assert codes(result) == [(4, "csv_duplicate_email"), (4, "csv_duplicate_number")]
    assert result.errors[0].params == {"email": "a@example.net", "first": 2}
    assert result.errors[1].params == {"number": 3, "first": 2}


def test_already_in_the_register_and_number_used():
    header = "number;last_name;email;category;college"
    result = check(f"{header}\n7;A;a@example.net;user;permanents\n",
                   ctx(members={"a@example.net"}, numbers={7}, people={"a@example.net": "natural"}))
    assert codes(result) == [(2, "already_member"), (2, "duplicate_number")]


def test_known_person_of_the_platform_is_linked():
    result = one_line("A;a@example.net;user;permanents", "last_name;email;category;college",
                      people={"a@example.net": "natural"})
    assert result.ok and result.lines[0].known_person
    result = one_line("A;a@example.net;user;permanents", "last_name;email;category;college",
                      people={"a@example.net": "legal"})
    assert codes(result) == [(2, "csv_kind_mismatch")]


def test_bad_numbers():
    header = "number;last_name;category;college"
    for value in ("0", "-3", "1.5", "x", "99999999999"):
        result = one_line(f"{value};A;user;permanents", header)
        assert codes(result) == [(2, "csv_bad_number")], value


def test_numbers_follow_the_register_and_skip_those_given():
    header = "number;last_name;category;college"
    text = "\n".join([header, ";A;user;permanents", "12;B;user;permanents", ";C;user;permanents",
                      "11;D;user;permanents", ";E;user;permanents"]) + "\n"
    result = check(text, ctx(max_number=9))
    assert result.ok, result.errors
    assert [line.member["number"] for line in result.lines] == [10, 12, 13, 11, 14]


def test_representative():
    header = "kind;last_name;legal_name;email;representative_email;category;college"
    rep_first = "\n".join([
        header, "natural;Rep;;rep@example.net;;user;permanents",
        "legal;;Atelier;atelier@example.net;REP@example.net;partner;permanents"]) + "\n"
    result = check(rep_first)
    assert result.ok, result.errors
    assert result.lines[1].member["representative_email"] == "rep@example.net"
    rep_after = "\n".join([
        header, "legal;;Atelier;atelier@example.net;rep@example.net;partner;permanents",
        "natural;Rep;;rep@example.net;;user;permanents"]) + "\n"
    assert codes(check(rep_after)) == [(2, "csv_unknown_representative")]
    known = ctx(people={"rep@example.net": "natural"})
    assert check(rep_after, known).ok
    legal_rep = ctx(people={"rep@example.net": "legal"})
    legal_rep_line = header + "\nlegal;;A;;rep@example.net;partner;permanents\n"
    assert codes(check(legal_rep_line, legal_rep)) == [(2, "csv_unknown_representative")]
    natural_with_rep = header + "\nnatural;B;;;rep@example.net;user;permanents\n"
    assert codes(check(natural_with_rep, known)) == [(2, "csv_representative_natural")]


def test_former_members():
    header = ("last_name;category;college;status;applied_on;admitted_on;admission_ref;left_on;"
              "exit_reason")
    ok = "\n".join([header, "A;user;permanents;resigned;;2020-01-01;CA;2022-06-30;Démission",
                    "B;user;permanents;décédé;2020-01-01;;;2021-01-01;",
                    "C;user;permanents;exclu;;2020-01-01;CA;2022-01-01;Faute"]) + "\n"
    result = check(ok)
    assert result.ok, result.errors
    a, b, c = result.lines
    assert (a.member["status"], a.exit_status, a.left_on) == ("admitted", "resigned",
                                                               date(2022, 6, 30))
    assert (b.member["status"], b.exit_status) == ("candidate", "deceased")
    assert c.exit_reason == "Faute"
    bad = "\n".join([header, "A;user;permanents;resigned;;2020-01-01;CA;;",
                     "B;user;permanents;excluded;;2020-01-01;CA;2022-01-01;",
                     "C;user;permanents;resigned;;2020-01-01;CA;2019-01-01;",
                     "D;user;permanents;excluded;2020-01-01;;;2021-01-01;Faute",
                     "E;user;permanents;admitted;;2020-01-01;CA;2021-01-01;"]) + "\n"
    assert codes(check(bad)) == [(2, "csv_date_required"), (3, "reason_required"),
                                 (4, "csv_date_before"), (5, "bad_transition"),
                                 (6, "csv_exit_without_status")]


def test_all_errors_collected_with_spreadsheet_line_numbers():
    text = "\n".join([
        HEADER,
        GOOD,
        "",  # an empty row keeps its number
        'Martin;"Anne\nMarie";bad;entrepreneurs;user;candidate;;',  # a line break in a cell
        "Petit;Paul;paul@example.net;nope;boss;candidate;;",
    ]) + "\n"
    result = check(text)
    assert codes(result) == [(4, "csv_bad_email"), (5, "csv_unknown_category"),
                             (5, "unknown_college")]


def test_too_long_and_cell_without_column():
    result = one_line(f"{'x' * 121};user;permanents", "last_name;category;college")
    assert codes(result) == [(2, "csv_too_long")]
    assert result.errors[0].params == {"column": "last_name", "max": 120}
    result = one_line("A;user;permanents;;surprise", "last_name;category;college")
    assert codes(result) == [(2, "csv_cell_without_column")]
    assert result.errors[0].params == {"position": 5}
    assert one_line("A;user;permanents;;", "last_name;category;college").ok


def test_unreadable_quotes():
    result = check(f'{HEADER}\n{GOOD}\nDurand;"Lou;x\n')
    assert (3, "csv_unreadable") in codes(result)


def test_line_limit():
    lines = [f"P{i};user;permanents" for i in range(4)]
    text = "last_name;category;college\n" + "\n".join(lines) + "\n"
    assert check(text, max_lines=4).ok
    assert codes(check(text, max_lines=3)) == [(5, "csv_too_many_lines")]


def test_without_colleges():
    result = one_line("A;user;", "last_name;category;college", colleges=[],
                      colleges_required=False)
    assert result.ok and result.lines[0].member["college"] is None


def test_export_guards_formulas_and_reimports():
    row = {"number": 1, "kind": "natural", "last_name": "=HYPERLINK(\"x\")",
           "first_name": "+33", "address": "-1 rue", "email": None, "college": "permanents",
           "category": "user", "status": "admitted", "admitted_on": date(2020, 1, 1),
           "admission_ref": "@ref", "email_consent": True}
    text = rc.write_rows([row], header=True)
    header, line = text.splitlines()
    assert header.split(";") == list(rc.COLUMNS)
    cells = dict(zip(rc.COLUMNS, next(csv.reader([line], delimiter=";")), strict=True))
    assert cells["last_name"] == "'=HYPERLINK(\"x\")" and cells["first_name"] == "'+33"
    assert cells["address"] == "'-1 rue" and cells["admission_ref"] == "'@ref"
    assert cells["email_consent"] == "yes" and cells["admitted_on"] == "2020-01-01"
    assert text.endswith("\r\n")
    result = check(text)
    assert result.ok, result.errors
    member = result.lines[0].member
    assert member["last_name"] == '=HYPERLINK("x")' and member["first_name"] == "+33"
    assert member["address"] == "-1 rue" and member["admission_ref"] == "@ref"


@pytest.mark.parametrize("address", [
    "a@example.org", "A.B+c@Example.ORG", "a..b@example.org", ".a@example.org", "a@b",
    "a@b.test", "a@localhost", "a@-x.org", "é@example.org", '"a b"@example.org',
    "a@exa_mple.org", "a@@b.org", "a b@example.org", "a@example..org", "a@" + "x" * 64 + ".org"])
def test_email_check_agrees_with_the_forms(address):
    from email_validator import EmailNotValidError, validate_email
    try:
        validate_email(address, check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    assert rc.valid_email(address) is expected
