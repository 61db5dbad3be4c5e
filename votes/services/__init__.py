"""Every write of the votes package: draft, open (freeze and fingerprint the roll), cast and
count by hand, close (seal). The names below are the package's service interface."""
from .access import colleges_of, is_open, lock_open, poll_of  # noqa: F401
from .casting import (  # noqa: F401
    Receipt,
    add_hands,
    cast,
    encrypted_for,
    entry_of,
    mark_participating,
    put_ballot,
    tracker,
)
from .ceremony import (  # noqa: F401
    MAX_HOLDERS,
    confirm,
    name_holders,
    publish_key,
    publish_shares,
    report_bad_share,
)
from .closing import (  # noqa: F401
    close,
    close_due,
    close_vote,
    count,
    lock_for_close,
    purge_dead_rows,
    second_call,
)
from .decrypting import publish_decryption  # noqa: F401
from .drafts import (  # noqa: F401
    DEFAULT_GRADES,
    RESOLUTION_LABELS,
    VoteDraft,
    add_document,
    create_vote,
    remove_document,
)
from .opening import open_vote  # noqa: F401
from .sealing import sealed_box  # noqa: F401
