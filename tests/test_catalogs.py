"""Every user-facing string is in the catalogs, translated in French and English."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _catalog(path: Path, locale=None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def test_the_template_holds_every_string_of_the_source(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "--no-location", "-o", str(fresh), "."],
                   check=True, cwd=ROOT, capture_output=True)
    missing = _ids(_catalog(fresh)) - _ids(_catalog(ROOT / "translations" / "messages.pot"))
    assert not missing, f"run `flask translate extract` and `update`: {sorted(missing)[:10]}"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_string_is_translated(locale):
    template = _ids(_catalog(ROOT / "translations" / "messages.pot"))
    catalog = _catalog(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", locale)
    done = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog
            if m.id and "fuzzy" not in m.flags
            and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    assert not template - done, sorted(template - done)[:10]
