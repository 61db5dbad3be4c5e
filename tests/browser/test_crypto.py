"""The browser's cryptography (static/js/crypto.js, on the vendored @noble/curves) computes the
same bytes as votes.crypto: the known-answer vectors, recomputed in Chromium from the same
seeded randomness, and the proofs and key shares checked both ways."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.votes.crypto_vectors import FILE

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
KNOWN_ANSWERS = (HERE / "crypto_known_answers.js").read_text(encoding="utf-8")
CHECKS = (HERE / "crypto_checks.js").read_text(encoding="utf-8")


def test_the_browser_computes_the_known_answers(page):
    vectors = json.loads(FILE.read_text(encoding="utf-8"))
    page.goto("/login")
    assert page.evaluate(KNOWN_ANSWERS, vectors) == vectors


def test_the_browser_checks_pythons_proofs_and_shares(page):
    vectors = json.loads(FILE.read_text(encoding="utf-8"))
    page.goto("/login")
    result = page.evaluate(CHECKS, vectors)
    assert result == {"pok": True, "pokBad": False,
                      "intervals": [[True, False]] * 3, "decryption": [True, False],
                      "opened": [True, True, True], "refused": [True, True, True]}
