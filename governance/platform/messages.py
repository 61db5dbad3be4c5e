"""Translated messages for the rule and domain error codes (one place for every package)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from .formatting import day, money, share

MESSAGES = {
    "web_address": _l("Give a web address starting with https:// or http://."),
    "document_type": _l("Attach a file of one of these types: %(types)s."),
    "document_empty": _l("The file “%(name)s” is empty."),
    "document_too_large": _l("The file “%(name)s” is larger than %(max)s MB."),
    "document_content": _l("The content of “%(name)s” does not match its type."),
    "not_a_weight": _l("“%(value)s” is not a weight: write a percentage with at most two "
                       "decimals (33.33 %%) or a fraction (1/3)."),
    "zero_denominator": _l("“%(value)s” divides by zero."),
    "share_out_of_range": _l("“%(value)s” must lie between 0 and 100 %%."),
    "majority_required": _l("A majority is required."),
    "college_count": _l("Weighting by colleges needs between %(min)s and %(max)s colleges "
                        "(law 47-1775 art. 19 octies): %(count)s given."),
    "college_weight": _l("Each college must hold between 10 %% and 50 %% of the votes: college "
                         "“%(college)s” has %(weight)s."),
    "college_sum": _l("College weights must add up to exactly 100 %%: they add up to "
                      "%(total)s."),
    "duplicate_college": _l("The college code “%(college)s” is used twice."),
    "college_in_use": _l("The college “%(college)s” still has %(count)s members: move them "
                         "first."),
    "college_required": _l("This cooperative votes by colleges: choose the member's college."),
    "unknown_college": _l("There is no college “%(college)s” in this cooperative."),
    "unknown_representative": _l("No person with the email %(email)s is known to represent "
                                 "this legal person."),
    "already_member": _l("%(email)s is already in this cooperative's register."),
    "duplicate_number": _l("Membership number %(number)s is already used."),
    "bad_transition": _l("A member whose status is “%(current)s” cannot become “%(new)s”."),
    "date_required": _l("The date is required."),
    "date_before": _l("The date %(date)s is earlier than %(since)s."),
    "decision_required": _l("Admission needs the reference of the board's decision."),
    "reason_required": _l("An exclusion needs its reason."),
    "slug_taken": _l("The short name “%(slug)s” is already used by another cooperative."),
    "unknown_person": _l("Nobody with the email %(email)s has an account: invite them first."),
    "cannot_drop_own_admin": _l("You cannot withdraw your own secretariat role."),
    # The share ledger.
    "not_an_amount": _l("“%(value)s” is not an amount in euros and cents."),
    "amount_positive": _l("The amount must be more than zero."),
    "shares_positive": _l("The number of shares must be at least 1."),
    "bad_movement": _l("This share movement is not valid."),
    "shares_not_held": _l("%(member)s does not hold that many shares (shares waiting for "
                          "reimbursement are reserved)."),
    "negative_balance": _l("This movement would leave %(member)s with a negative balance."),
    "paid_over_subscribed": _l("%(member)s would have paid more than they subscribed."),
    "paid_out_of_range": _l("The amount paid must lie between 0 and the amount subscribed, "
                            "%(subscribed)s."),
    "partial_payment_not_allowed": _l("The statutes require shares to be fully paid on "
                                      "subscription."),
    "transfer_unpaid": _l("Only fully paid shares can be transferred: %(member)s has not paid "
                          "them all."),
    "board_approval_required": _l("A transfer needs the reference of the board's approval."),
    "transfer_to_self": _l("A sociétaire cannot transfer shares to themselves."),
    "other_cooperative": _l("This sociétaire belongs to another cooperative."),
    "member_has_left": _l("%(member)s has left the cooperative and cannot receive shares."),
    "cannot_correct_correction": _l("Movement %(number)s is itself a correction: record the "
                                    "right movement instead."),
    "already_corrected": _l("Movement %(number)s has already been corrected."),
    "scop_ratio_warning": _l("After this movement, employee-associates would hold %(capital)s "
                             "of the capital (51 %% at least) and %(votes)s of the votes (65 %% "
                             "at least). Confirm to record it anyway: the warning is kept in the "
                             "journal."),
}


STATUS_KEYS = ("current", "new")  # parameters holding a membership status


def _shown(key: str, value):
    """A parameter as the user reads it: shares in %, dates and statuses in their language."""
    from ..labels import GLOBALS
    if isinstance(value, Fraction):
        return share(value)
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return day(value)
    if key in STATUS_KEYS:
        return GLOBALS["status_label"](value)
    return value


def message(code: str, params: dict | None = None) -> str:
    """The user's-language text for an error code, filled with its parameters."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    return str(template) % {k: _shown(k, v) for k, v in (params or {}).items()}


def _msgid(text) -> str:
    return getattr(text, "_args", (text,))[0]  # a lazy string's msgid


def register_messages(more: dict) -> None:
    """Other packages add their codes here at import time. A code means one message: reusing
    one with another text (or other parameters) would show the wrong words, so it is refused."""
    for code, text in more.items():
        if code in MESSAGES and _msgid(MESSAGES[code]) != _msgid(text):
            raise ValueError(f"message code {code!r} is already registered with another text")
    MESSAGES.update(more)
