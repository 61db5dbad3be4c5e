"""The pure rules of circles, case by case, with their boundaries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from circles import rules
from circles.rules import Term
from governance.rules import RuleError

D = date


def code(fn, *args):
    with pytest.raises(RuleError) as err:
        fn(*args)
    return err.value.code


def test_lines_trim_drop_blanks_and_repeats():
    assert rules.lines("  Budget \n\n  Budget\nOutils  du   Nuage\r\n") == ["Budget",
                                                                           "Outils du Nuage"]
    assert rules.lines(None) == [] and rules.lines_text("a\n\n b ") == "a\nb"


def test_name_is_required():
    assert rules.check_name("  Outils  ") == "Outils"
    assert code(rules.check_name, "   ") == "circle_name_required"


PARENTS = {1: None, 2: 1, 3: 2, 4: 3, 5: None}  # 1 > 2 > 3 > 4; 5 alone


def test_ancestors_nearest_first():
    assert rules.ancestors(4, PARENTS) == [3, 2, 1]
    assert rules.ancestors(1, PARENTS) == [] and rules.ancestors(None, PARENTS) == []


@pytest.mark.parametrize("circle, parent", [(2, 2), (1, 2), (1, 4), (2, 4), (3, 4)])
def test_no_nesting_under_itself_or_a_descendant(circle, parent):
    assert code(rules.check_parent, circle, parent, PARENTS) == "circle_cycle"


@pytest.mark.parametrize("circle, parent", [(4, 1), (4, 5), (1, 5), (2, None), (None, 3),
                                            (3, 1)])
def test_nesting_elsewhere_is_fine(circle, parent):
    rules.check_parent(circle, parent, PARENTS)


def test_dates_end_on_or_after_start():
    rules.check_dates(D(2022, 7, 1), D(2022, 7, 1))  # a one-day term
    rules.check_dates(D(2022, 7, 1), None)
    assert code(rules.check_dates, D(2022, 7, 1), D(2022, 6, 30)) == "end_before_start"
    assert code(rules.check_dates, None, None) == "date_required"


def test_overlaps_inclusive_and_open_ended():
    assert rules.overlaps(D(2022, 1, 1), D(2022, 6, 30), D(2022, 6, 30), None)
    assert not rules.overlaps(D(2022, 1, 1), D(2022, 6, 30), D(2022, 7, 1), None)
    assert rules.overlaps(D(2022, 1, 1), None, D(2030, 1, 1), D(2030, 1, 2))
    assert not rules.overlaps(D(2023, 1, 1), None, D(2022, 1, 1), D(2022, 12, 31))


@pytest.mark.parametrize("kind", rules.SINGLE_HOLDER)
def test_core_roles_have_one_holder_at_a_time(kind):
    held = [Term(1, D(2022, 7, 1), D(2022, 12, 31), id=10)]
    with pytest.raises(RuleError) as err:
        rules.check_term(kind, Term(2, D(2022, 12, 31)), held)
    assert err.value.code == "single_holder_overlap" and err.value.params["holder"] == 1
    rules.check_term(kind, Term(2, D(2023, 1, 1)), held)  # the next day is free
    rules.check_term(kind, Term(2, D(2022, 1, 1), D(2022, 6, 30)), held)  # before it too


def test_open_term_blocks_every_later_start():
    held = [Term(1, D(2022, 7, 1))]
    assert code(rules.check_term, "lead_link", Term(2, D(2040, 1, 1)), held) == \
        "single_holder_overlap"


def test_custom_roles_have_several_holders_but_not_twice_the_same():
    held = [Term(1, D(2022, 7, 1))]
    rules.check_term("custom", Term(2, D(2022, 8, 1)), held)
    assert code(rules.check_term, "custom", Term(1, D(2022, 8, 1)), held) == "term_overlap"


def test_a_term_is_not_checked_against_itself():
    rules.check_term("lead_link", Term(1, D(2022, 7, 1), D(2022, 8, 1), id=10),
                     [Term(1, D(2022, 7, 1), id=10)])


def test_term_dates_checked_first():
    assert code(rules.check_term, "custom", Term(1, D(2022, 7, 1), D(2022, 6, 1)), []) == \
        "end_before_start"


def test_ending_a_term():
    rules.check_end(D(2022, 7, 1), None, D(2022, 7, 1))
    rules.check_end(D(2022, 7, 1), D(2023, 1, 1), D(2022, 12, 31))  # ends earlier than planned
    assert code(rules.check_end, D(2022, 7, 1), None, D(2022, 6, 30)) == "end_before_start"
    assert code(rules.check_end, D(2022, 7, 1), D(2022, 12, 31), D(2022, 12, 31)) == \
        "term_already_ends"
    assert code(rules.check_end, D(2022, 7, 1), None, None) == "date_required"


def test_title_is_required():
    assert rules.check_title("  Annuaire   du Nuage ") == "Annuaire du Nuage"
    assert code(rules.check_title, " ") == "chantier_title_required"


@pytest.mark.parametrize("text, hours", [("", None), ("  ", None), ("0", Decimal("0.00")),
                                         ("0.25", Decimal("0.25")), ("2,75", Decimal("2.75")),
                                         ("1.50", Decimal("1.50")), ("40", Decimal("40.00")),
                                         ("99999.75", Decimal("99999.75"))])
def test_hours_in_quarter_hours(text, hours):
    assert rules.parse_hours(text) == hours


@pytest.mark.parametrize("text, error", [("abc", "chantier_hours_not_a_number"),
                                         ("NaN", "chantier_hours_not_a_number"),
                                         ("Infinity", "chantier_hours_not_a_number"),
                                         ("-0.25", "chantier_hours_negative"),
                                         ("0.1", "chantier_hours_quarter"),
                                         ("1.3", "chantier_hours_quarter"),
                                         ("0.125", "chantier_hours_quarter"),
                                         ("100000", "chantier_hours_too_many")])
def test_bad_hours_refused(text, error):
    assert code(rules.parse_hours, text) == error


def test_status_is_one_of_the_columns():
    assert rules.check_status("in_progress") == "in_progress"
    assert code(rules.check_status, "archived") == "chantier_status"


def test_revision_changes_in_a_fixed_order():
    before = {"name": "A", "parent": None, "purpose": "p", "domains": "", "accountabilities": ""}
    after = before | {"accountabilities": "x", "name": "B"}
    assert rules.revision_changes(before, after) == ["name", "accountabilities"]
    assert rules.revision_changes({}, before) == ["name", "purpose"]  # what the first filled
