"""Translated messages for the contributions package's error codes."""
from flask_babel import lazy_gettext as _l

from governance.platform.messages import register_messages

CONTRIBUTIONS = _l("Contributive budget")
MESSAGES_HOURS = _l("Write a number of hours: 1.5, 1,75 or 1h30.")

register_messages({
    "hours_format": _l("“%(value)s” is not a number of hours: write 1.5, 1,75 or 1h30."),
    "money_format": _l("“%(value)s” is not an amount in euros and cents."),
    "hours_quarter": _l("Hours are counted in quarter hours (0.25, 0.5, 0.75…): %(hours)s is "
                        "not."),
    "hours_range": _l("An entry holds from a quarter hour to %(max_hours)s hours: %(hours)s "
                      "is not allowed."),
    "day_full": _l("You already logged %(logged)s hours on %(day)s: at most %(max_hours)s a "
                   "day, so %(hours_left)s more at most."),
    "day_in_future": _l("%(day)s has not come yet: log time once the work is done."),
    "no_budget_on_day": _l("No contributive budget of this cooperative covers %(day)s."),
    "no_envelope": _l("The circle “%(circle)s” has no envelope in the budget “%(budget)s”: ask "
                      "the secretariat to give it one."),
    "not_in_circle": _l("You were not a member of the circle “%(circle)s” on %(day)s."),
    "role_not_held": _l("You did not hold this role of the circle “%(circle)s” on %(day)s."),
    "chantier_not_in_circle": _l("This chantier is not one of the circle “%(circle)s”."),
    "circle_required": _l("Choose one of your circles."),
    "circle_not_in_coop": _l("This circle belongs to another cooperative."),
    "envelope_circle_dissolved": _l("The circle “%(circle)s” was dissolved on %(day)s: it gets no "
                           "envelope."),
    "entry_incomplete": _l("Give the date and the number of hours."),
    "budget_name_required": _l("Give the budget a name."),
    "budget_amount": _l("The budget's amount must be more than zero."),
    "rate_positive": _l("An hourly rate must be more than zero."),
    "period_reversed": _l("The period cannot end on %(end)s, before it starts on %(start)s."),
    "period_overlap": _l("Another budget already covers %(start)s to %(end)s: each day "
                         "belongs to one budget."),
    "envelopes_past_budget": _l("Envelopes cannot add up to more than the budget, %(budget)s: "
                                "the other envelopes already take %(others)s, so %(left)s is "
                                "left."),
    "envelope_below_committed": _l("The circle has already committed %(committed)s of this "
                                   "envelope: it cannot go below that."),
    "self_review": _l("Nobody reviews their own time: another reviewer of the circle must "
                      "review this entry."),
    "not_reviewer": _l("Only the circle's lead link or a reviewer it designated reviews its "
                       "time."),
    "not_submitted": _l("This entry is no longer waiting for review: it is “%(entry_status)s”."),
    "envelope_exhausted": _l("Approving %(amount)s would take the envelope past its amount: "
                             "%(committed)s of %(envelope)s is already committed, %(left)s is "
                             "left."),
    "review_reason_required": _l("Say why: the author will read it."),
    "entry_locked": _l("This entry is “%(entry_status)s” and can no longer change: record a "
                       "correction instead."),
    "correct_a_correction": _l("A correction cannot itself be corrected."),
    "correct_only_counted": _l("Only approved or paid entries are corrected; this one is "
                               "“%(entry_status)s”."),
    "correction_too_large": _l("At most %(hours_left)s hours of this entry can still be taken "
                               "back."),
    "correction_reason": _l("Say what the correction is for."),
    "month_not_over": _l("%(month)s is not over yet: a month is closed once it has ended."),
    "month_closed": _l("The month of %(month)s is already closed into a payment batch."),
    "nothing_to_pay": _l("No approved entry is waiting to be paid up to the end of that "
                         "month."),
})
