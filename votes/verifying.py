"""What `votes verify` says of a ballot box, as text and an exit code: shared by the command
(votes/cli.py) and the single-file verifier (votes/standalone.py)."""
from __future__ import annotations

import json

from .ballotbox import MalformedBox, loads, verify


def report(name: str, data: bytes, fingerprint: str | None) -> tuple[int, str, str]:
    """(exit code, standard output, error output): 0 and the recount when everything holds,
    1 and every problem, 2 when `data` is not a ballot box."""
    try:
        problems, result = verify(data, fingerprint=fingerprint)
    except MalformedBox as err:
        return 2, "", f"{name} is not a valid coopgov-ballot-box document: {err}"
    if problems:
        return 1, "\n".join(problems), f"{name}: {len(problems)} problem(s) found"
    out = json.dumps(result, indent=2, ensure_ascii=False)
    opened = loads(data).get("opening")
    if opened and not fingerprint:
        return 0, out, (f"fingerprint at opening: {opened['fingerprint']}: compare it with the "
                        f"one published when the vote opened, or pass it with --fingerprint")
    return 0, out, ""
