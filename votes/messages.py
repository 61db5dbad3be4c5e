"""Translated messages for the votes package's error codes."""
from flask_babel import lazy_gettext as _l

from governance.platform.messages import register_messages

VOTES = _l("Votes")

register_messages({
    "options_required": _l("Give at least two options, one per line."),
    "duplicate_option": _l("Two options have the same label."),
    "bad_seats": _l("The number of seats must be at least 1 and less than the %(options)s "
                    "options."),
    "eligible_colleges_required": _l("Choose the colleges whose members may vote."),
    "closes_before_opens": _l("The vote must close after it opens."),
    "vote_not_draft": _l("This vote has already been opened."),
    "empty_roll": _l("Nobody is eligible for this vote: the roll would be empty."),
    "vote_not_open": _l("This vote is closed, or not open yet: no ballot was taken."),
    "vote_not_open_to_close": _l("This vote is not open, so it cannot be closed: it may have "
                                 "just been closed by someone else."),
    "already_voted": _l("A ballot has already been cast for you in this vote."),
    "second_factor_required": _l("This vote asks for a code sent to you by email before "
                                 "your ballot: ask for it, then type it in."),
    "code_too_soon": _l("A code was sent less than %(seconds)s seconds ago: check your "
                        "mailbox, or wait a moment before asking again."),
    "code_not_sent": _l("The code could not be emailed. Try again in a moment."),
    "code_none": _l("Ask for a code first."),
    "code_wrong": _l("This is not the code we sent. Check it and type it again."),
    "code_expired": _l("This code is more than %(minutes)s minutes old: ask for a new one."),
    "code_attempts": _l("Too many wrong codes: ask for a new one."),
    "bad_ballot": _l("This ballot is not valid for this vote: choose again."),
    "documents_frozen": _l("The documents of a vote are frozen when it opens."),
    "vote_in_assembly": _l("This resolution is voted, opened and closed through its general "
                           "assembly's page."),
    "hands_too_many": _l("%(count)s hands counted, but only %(room)s votes are in the room "
                         "and not yet cast."),
    "hands_room_changed": _l("Someone in the room voted while the hands were counted: count "
                             "the room again."),
    "bad_batch": _l("These counts do not fit this vote: only the answers of a resolution, "
                    "in a college of the vote."),
    "box_not_sealed": _l("The ballot box would not verify, so it was not sealed and the vote "
                         "stays open. The application log says why: tell the platform's "
                         "operators."),
    "ceremony_needs_secret": _l("Only a secret vote has a key ceremony."),
    "ceremony_holders": _l("Name between 1 and %(max)s different key holders, and how many of "
                           "them open the box: at least 1, at most all of them."),
    "ceremony_holder_outside": _l("A key holder must be a member of the cooperative, of its "
                                  "board or of its secretariat."),
    "ceremony_missing": _l("This vote has no key ceremony."),
    "ceremony_step": _l("The key ceremony is not at this step: reload the page."),
    "ceremony_done_already": _l("You have already done this step of the key ceremony."),
    "ceremony_bad_proof": _l("Your browser's proof was refused: this step was not recorded. "
                             "Reload the page and do it again."),
    "ceremony_malformed": _l("What your browser sent was refused (%(why)s): nothing was "
                             "recorded."),
    "ceremony_not_in_assembly": _l("The key holders of an assembly's resolutions are named "
                                   "on the assembly's page: they hold the key of every "
                                   "resolution."),
    "ceremony_not_done": _l("The vote's ballots are encrypted: it opens once every key "
                            "holder has done the three steps of the key ceremony."),
    "vote_not_closed": _l("The box is opened after the vote closes."),
    "box_already_opened": _l("The box is already open: enough key holders decrypted it."),
    "too_many_documents": _l("A vote holds at most %(max)s documents."),
})
