"""Translated messages for the circles package's error codes, and its link's label."""
from flask_babel import lazy_gettext as _l

from governance.platform.messages import register_messages

CIRCLES = _l("Circles")

register_messages({
    "circle_name_required": _l("Give the circle a name."),
    "circle_cycle": _l("A circle cannot be nested in itself or in one of its own "
                       "sub-circles."),
    "unknown_parent_circle": _l("Choose a circle of this cooperative that is not dissolved."),
    "circle_dissolved": _l("This circle was dissolved on %(date)s: it can no longer change."),
    "dissolved_too_early": _l("The circle cannot be dissolved on %(date)s: a member or a role "
                              "holder is in it from %(since)s."),
    "circle_has_subcircles": _l("The circle “%(name)s” is still nested in this one: move it or "
                                "dissolve it first."),
    "end_before_start": _l("The end, %(date)s, comes before the start, %(since)s."),
    "circle_person_required": _l("Give the person's email or membership number."),
    "unknown_circle_person": _l("Nobody in this cooperative has the email or membership number "
                                "“%(who)s”."),
    "already_in_circle": _l("%(name)s is already a member of this circle."),
    "member_already_left": _l("This member already left the circle on %(date)s."),
    "role_name_required": _l("Give the role a name."),
    "role_name_taken": _l("This circle already has a role named “%(name)s”."),
    "core_role_kept": _l("The lead link, facilitator, secretary and rep link roles stay with "
                         "the circle: end their holders' terms instead."),
    "role_already_removed": _l("This role is no longer used since %(date)s."),
    "role_has_later_term": _l("%(name)s holds this role from %(date)s: end or move that term "
                              "first."),
    "single_holder_overlap": _l("This role has one holder at a time: %(holder)s holds it "
                                "during these dates (since %(since)s). End that term first, or "
                                "choose other dates."),
    "term_overlap": _l("%(holder)s already holds this role during these dates."),
    "term_already_ends": _l("This term already ends on %(date)s."),
    "chantier_title_required": _l("Give the chantier a title."),
    "chantier_status": _l("Choose a status: proposed, planned, in progress, done or dropped."),
    "chantier_person_not_in_circle": _l("Only the circle's members and role holders can be "
                                        "involved in its chantiers."),
    "chantier_hours_not_a_number": _l("“%(value)s” is not a number of hours."),
    "chantier_hours_negative": _l("The estimated hours cannot be negative."),
    "chantier_hours_quarter": _l("Estimate in quarter hours (such as 1, 1.25, 1.5 or 1.75): "
                                 "“%(value)s” is not."),
    "chantier_hours_too_many": _l("“%(value)s” hours is more than a chantier can hold."),
})
