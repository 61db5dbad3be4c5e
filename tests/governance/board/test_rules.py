"""Pure rules of the board at their boundaries: mandate dates, proxies, quorum, minutes."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from governance.board.rules import (
    Mandate,
    Presence,
    active_on,
    board_quorum,
    check_approval,
    check_attendance,
    check_end,
    check_mandate,
    check_minutes,
    seats,
)
from governance.rules import RuleError

D1, D2, D3 = date(2021, 6, 7), date(2022, 2, 8), date(2022, 2, 9)


def refused(code, fn, *args):
    with pytest.raises(RuleError) as err:
        fn(*args)
    assert err.value.code == code, err.value
    return err.value


def test_a_mandate_is_active_from_its_first_to_its_last_day():
    m = Mandate(1, "director", D1, D2)
    assert not active_on(m, date(2021, 6, 6))
    assert active_on(m, D1) and active_on(m, D2)
    assert not active_on(m, D3)
    assert active_on(Mandate(1, "director", D1), date(2099, 1, 1))


def test_a_mandate_may_end_the_day_it_starts_not_before():
    check_mandate(Mandate(1, "director", D1, D1), [])
    err = refused("mandate_end_before_start", check_mandate,
                  Mandate(1, "director", D1, date(2021, 6, 6)), [])
    assert err.params == {"date": date(2021, 6, 6), "since": D1}
    refused("date_required", check_mandate, Mandate(1, "director", None), [])


def test_the_same_person_cannot_hold_the_same_role_twice_at_once():
    running = [Mandate(1, "director", D1, D2, id=10)]
    refused("mandate_overlap", check_mandate, Mandate(1, "director", D2), running)  # last day
    check_mandate(Mandate(1, "director", D3), running)  # the day after
    check_mandate(Mandate(1, "managing_director", D1), running)  # another role: fine
    check_mandate(Mandate(2, "director", D1), running)  # another person: fine
    refused("mandate_overlap", check_mandate, Mandate(1, "director", date(2020, 1, 1)),
            [Mandate(1, "director", D1, id=10)])  # an open-ended one covers all that follows
    check_mandate(Mandate(1, "director", D1, D2, id=10), running)  # itself is no clash


def test_one_chair_at_a_time_the_successor_starts_the_day_after():
    chair = [Mandate(1, "president", D1, D2, id=1)]
    err = refused("single_role_overlap", check_mandate, Mandate(2, "president", D2), chair)
    assert err.params == {"role": "president", "person": 1}
    check_mandate(Mandate(2, "president", D3), chair)
    refused("single_role_overlap", check_mandate, Mandate(2, "president", D1),
            [Mandate(1, "president", D1, id=1)])
    check_mandate(Mandate(2, "director", D1), [Mandate(1, "director", D1, id=1)])  # many


def test_ending_a_mandate():
    m = Mandate(1, "director", D1)
    check_end(m, D1)
    refused("mandate_end_before_start", check_end, m, date(2021, 6, 6))
    refused("date_required", check_end, m, None)
    refused("mandate_already_ended", check_end, Mandate(1, "director", D1, D2), D3)


def test_seats_are_people_not_mandates_and_leave_out_a_managing_director_alone():
    mandates = [Mandate(1, "president", D1), Mandate(1, "director", D1),
                Mandate(2, "managing_director", D1), Mandate(3, "permanent_representative", D1),
                Mandate(4, "director", D1, D2)]
    assert seats(mandates, D2) == {1, 3, 4}
    assert seats(mandates, D3) == {1, 3}


SEATED = {1, 2, 3, 4}


def test_a_represented_director_gives_the_proxy_to_a_director_present():
    check_attendance([Presence(1, "present"), Presence(2, "represented", 1)], SEATED)
    refused("proxy_holder_required", check_attendance, [Presence(2, "represented")], SEATED)
    refused("board_proxy_to_self", check_attendance, [Presence(2, "represented", 2)], SEATED)
    refused("proxy_holder_not_present", check_attendance,
            [Presence(1, "excused"), Presence(2, "represented", 1)], SEATED)
    refused("proxy_holder_not_present", check_attendance,
            [Presence(2, "represented", 1)], SEATED)  # holder not on the sheet at all
    refused("proxy_holder_not_present", check_attendance,
            [Presence(9, "present"), Presence(2, "represented", 9)], SEATED)  # no seat
    refused("proxy_not_a_director", check_attendance,
            [Presence(1, "present"), Presence(9, "represented", 1)], SEATED)
    refused("proxy_only_when_represented", check_attendance,
            [Presence(1, "present"), Presence(2, "excused", 1)], SEATED)
    refused("attendance_status", check_attendance, [Presence(1, "asleep")], SEATED)


def test_a_director_holds_one_proxy_at_most():
    one = [Presence(1, "present"), Presence(2, "represented", 1), Presence(3, "present"),
           Presence(4, "represented", 3)]
    check_attendance(one, SEATED)
    err = refused("proxy_limit", check_attendance,
                  [Presence(1, "present"), Presence(2, "represented", 1),
                   Presence(3, "represented", 1)], SEATED)
    assert err.params == {"holder": 1, "max": 1}


@pytest.mark.parametrize("present, represented, reached", [
    (2, 0, True),  # exactly half of 4 present: enough (L. 225-37 "la moitié au moins")
    (1, 2, False),  # represented directors do not count towards the quorum
    (1, 0, False), (3, 0, True), (0, 0, False)])
def test_quorum_is_half_of_the_seats_present(present, represented, reached):
    rows = [Presence(i, "present") for i in range(1, present + 1)] + [
        Presence(i, "represented", 1) for i in range(present + 1, present + represented + 1)]
    q = board_quorum(SEATED, rows + [Presence(9, "present")])  # 9 has no seat: not counted
    assert (q.seats, q.needed, q.present, q.represented, q.reached) == (
        4, 2, present, represented, reached)


def test_quorum_of_an_odd_board_and_of_an_empty_one():
    assert board_quorum({1, 2, 3}, [Presence(1, "present"), Presence(2, "present")]).reached
    assert not board_quorum({1, 2, 3}, [Presence(1, "present"),
                                        Presence(2, "represented", 1)]).reached
    empty = board_quorum(set(), [])
    assert (empty.needed, empty.reached) == (1, False)


def test_minutes_go_draft_approved_published_and_never_back():
    for current, new in [("none", "draft"), ("draft", "draft"), ("draft", "approved"),
                         ("approved", "published")]:
        check_minutes(current, new)
    for current, new in [("none", "approved"), ("none", "published"), ("draft", "published"),
                         ("approved", "draft"), ("published", "draft"),
                         ("published", "approved")]:
        refused("minutes_transition", check_minutes, current, new)


def test_minutes_are_approved_at_a_later_meeting_already_held():
    minuted, later = datetime(2021, 9, 21, 18), datetime(2021, 11, 3, 18, 30)
    now = datetime(2022, 1, 1)
    check_approval("draft", minuted, later, now)
    check_approval("draft", minuted, later, later)  # the evening of the approving meeting
    refused("approval_not_later", check_approval, "draft", minuted, minuted, now)
    refused("approval_not_later", check_approval, "draft", later, minuted, now)
    refused("approval_not_held", check_approval, "draft", minuted, later,
            datetime(2021, 11, 3, 18, 29))
    refused("minutes_transition", check_approval, "none", minuted, later, now)
    refused("minutes_transition", check_approval, "approved", minuted, later, now)
