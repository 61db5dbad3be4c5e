"""The ledger's derived tables follow every movement and college change (never edited by hand)."""
from datetime import date
from decimal import Decimal as D

from governance.capital import queries as cq
from governance.capital.services import ledger as cap
from governance.services.register import move_college

DAY = date(2024, 1, 1)


def test_derived_tables_follow_movements_corrections_and_colleges(make_coop, make_person,
                                                                  make_member):
    coop = make_coop("coop", colleges=[("a", "A", "2/5"), ("b", "B", "3/10"),
                                       ("c", "C", "3/10")])
    admin = make_person("admin@example.org", roles={coop: "admin"})
    x, y = make_member(coop, college="a"), make_member(coop, college="b")
    cap.record_subscription(admin, x, 10, on=DAY)
    wrong = cap.record_subscription(admin, y, 40, on=date(2024, 2, 1))
    cap.record_correction(admin, wrong, on=date(2024, 2, 5))
    cap.record_subscription(admin, y, 4, on=date(2024, 2, 5))
    cap.record_transfer(admin, x, y, 2, on=date(2024, 3, 1), reference="CA")
    cap.request_reimbursement(admin, x, 1, on=date(2024, 4, 1))
    assert cq.derived_mismatches(coop) == []
    # the corrected day disappears from the history; the correction's day adds nothing
    assert cq.capital_history(coop) == [(DAY, D(250)), (date(2024, 2, 5), D(350)),
                                        (date(2024, 3, 1), D(350)), (date(2024, 4, 1), D(325))]
    assert cq.capital_and_peak(coop) == (D(325), D(350))
    a, b, _c = coop.colleges
    assert cq.capital_by_college(coop) == {a.id: (D(175), D(175)), b.id: (D(150), D(150))}
    move_college(admin, x, "b", date(2024, 5, 1))
    assert cq.capital_by_college(coop) == {b.id: (D(325), D(325))}
    assert cq.derived_mismatches(coop) == []
