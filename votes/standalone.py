"""The single-file verifier a member downloads from a vote's result page:
`python3 coopgov-verify.py BOX.json [--fingerprint HEX]`, with Python 3.11 or later and PyNaCl
(`pip install pynacl`), nothing of coopgov installed. The file carries the very modules that
`flask votes verify` runs, as text, loaded by an import hook: there is no second verifier to
keep in step with the first."""
from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (module, file): the modules `votes.verifying` needs, none of which imports Flask or a
# database; a package without a file is an empty namespace.
MODULES = [
    ("governance", None), ("governance.rules", "governance/rules/__init__.py"),
    ("governance.rules.base", "governance/rules/base.py"),
    ("votes", None), ("votes.rules", "votes/rules.py"), ("votes.boxjson", "votes/boxjson.py"),
    ("votes.crypto", "votes/crypto/__init__.py"), ("votes.crypto.group", "votes/crypto/group.py"),
    ("votes.crypto.elgamal", "votes/crypto/elgamal.py"),
    ("votes.crypto.proofs", "votes/crypto/proofs.py"),
    ("votes.crypto.threshold", "votes/crypto/threshold.py"),
    ("votes.crypto.ballots", "votes/crypto/ballots.py"),
    ("votes.crypto.tally", "votes/crypto/tally.py"),
    ("votes.encryptedbox", "votes/encryptedbox.py"), ("votes.boxseal", "votes/boxseal.py"),
    ("votes.ballotbox", "votes/ballotbox.py"),
    ("votes.verifying", "votes/verifying.py"),
]
PACKAGES = {"governance", "governance.rules", "votes", "votes.crypto"}

HEAD = '''#!/usr/bin/env python3
"""coopgov's ballot box verifier, in one file: checks and recounts a sealed ballot box
(coopgov-ballot-box/3, /2 or /1; docs/ballot-box-format.md), with Python 3.11 or later and
PyNaCl (pip install pynacl) for the encrypted boxes. No network, no database.

    python3 coopgov-verify.py BOX.json [--fingerprint HEX]

Exit 0 printing the recomputed result, 1 listing every problem, 2 if the file is not a box.
The modules below are coopgov's own (free software), the same `flask votes verify` runs.
"""
import importlib.abc
import importlib.util
import sys

PACKAGES = {packages!r}
SOURCES = {{}}
'''

TAIL = '''

class _Embedded(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports the modules above from their text, before anything installed."""

    def find_spec(self, name, path=None, target=None):
        if name not in SOURCES:
            return None
        return importlib.util.spec_from_loader(name, self, is_package=name in PACKAGES)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = compile(SOURCES[module.__name__], f"<coopgov {{module.__name__}}>", "exec")
        exec(code, module.__dict__)


def main(argv):
    args = list(argv)
    fingerprint = None
    if "--fingerprint" in args:
        at = args.index("--fingerprint")
        fingerprint = args[at + 1] if at + 1 < len(args) else ""
        del args[at:at + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(args[0], "rb") as f:
            data = f.read()
    except OSError as err:
        print(f"cannot read {{args[0]}}: {{err.strerror or err}}", file=sys.stderr)
        return 2
    from votes.verifying import report
    code, out, err = report(args[0], data, fingerprint)
    if out:
        print(out)
    if err:
        print(err, file=sys.stderr)
    return code


sys.meta_path.insert(0, _Embedded())
if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''


@cache
def build() -> str:
    """The verifier's text."""
    lines = [HEAD.format(packages=PACKAGES)]
    for name, path in MODULES:
        text = (ROOT / path).read_text(encoding="utf-8") if path else ""
        lines.append(f"SOURCES[{name!r}] = {text!r}\n")
    return "".join(lines) + TAIL.replace("{{", "{").replace("}}", "}")
