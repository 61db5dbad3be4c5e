"""Translated messages for the assemblies package's error codes."""
from flask_babel import lazy_gettext as _l

from governance.platform.messages import register_messages

ASSEMBLIES = _l("General assemblies")

register_messages({
    "assembly_documents_frozen": _l("The documents went out with the convocation: they can "
                                    "no longer change."),
    "assembly_too_many_documents": _l("An assembly holds at most %(max)s documents."),
    "assembly_title_required": _l("Give the assembly a title."),
    "assembly_kind": _l("Choose the kind of assembly: ordinary, extraordinary or mixed."),
    "assembly_place_required": _l("Give a place, an online link, or both."),
    "assembly_wrong_state": _l("This cannot be done while the assembly is “%(state)s”."),
    "agenda_title_required": _l("Give the agenda item a title."),
    "agenda_empty": _l("The agenda is empty: add an item or a resolution before convening."),
    "resolution_title_required": _l("Give the resolution a title."),
    "resolution_kind": _l("In a mixed assembly, say whether the resolution is ordinary or "
                          "extraordinary."),
    "sitting_in_past": _l("The sitting's date has already passed."),
    "short_notice": _l("Only %(days)s days' notice: the statutes require %(required)s. Record "
                       "why this shorter notice is allowed, or choose a later date."),
    "second_call_twice": _l("A second call has already been convened."),
    "minutes_boxes_closed": _l("The key holders have not opened every ballot box yet: the "
                               "minutes are approved once every result is known."),
    "quorum_met": _l("Every cooperative has its quorum: no second call is needed."),
    "bad_presence": _l("Choose in the room, online or absent."),
    "attend_after_proxy": _l("This sociétaire gave a proxy: they must take it back before "
                             "attending."),
    "proxy_already_given": _l("You have already given a proxy for this assembly."),
    "proxy_while_present": _l("You are checked in as present: you vote yourself."),
    "proxy_after_vote": _l("A ballot has already been cast for you: you can no longer give a "
                           "proxy."),
    "proxy_to_self": _l("You cannot give a proxy to yourself."),
    "proxy_holder_not_member": _l("The proxy holder must be a sociétaire of the same "
                                  "cooperative convened to this assembly: check the "
                                  "membership number."),
    "proxy_holder_gave_proxy": _l("This sociétaire gave their own proxy and cannot hold "
                                  "another's."),
    "proxy_cap": _l("This sociétaire already holds the most proxies allowed (%(cap)s)."),
    "proxy_not_offered": _l("This proxy is no longer waiting for an answer."),
    "proxy_not_live": _l("This proxy was already declined or revoked."),
    "proxy_already_used": _l("Your proxy holder has already voted for you: the proxy can no "
                             "longer be revoked."),
    "proxy_given": _l("You gave a proxy: your holder votes for you. Revoke it to vote "
                      "yourself."),
    "not_your_proxy": _l("You do not hold this sociétaire's proxy."),
    "not_on_roll": _l("You are not on this assembly's roll."),
    "resolution_not_open": _l("This resolution is not open for voting."),
    "vote_needs_presence": _l("Check in (in the room or online) before voting."),
    "assembly_second_factor": _l("This assembly asks its voters to log in with an "
                                 "authenticator app (a second factor): turn it on from your "
                                 "account, log out, then log in again with your code."),
    "advance_choices": _l("Choose a vote for the resolutions."),
    "hands_nobody": _l("Nobody in the room can still vote in one of these colleges."),
    "minutes_approved": _l("The minutes are approved: they can no longer be changed."),
    "minutes_not_approved": _l("The bureau must approve the minutes before they are "
                               "published."),
})
