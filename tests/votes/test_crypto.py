"""votes.crypto: the group's encodings, exponential ElGamal, the proofs (each accepts what is
true and rejects a wrong statement), the k-of-n key of the bureau, and the known-answer vectors
shared with the browser."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from votes.crypto import elgamal, proofs, threshold
from votes.crypto import group as g

from .crypto_vectors import FILE, vectors

rng = g.random_scalar
scalars = st.integers(min_value=1, max_value=g.L - 1)


def test_the_known_answer_vectors_are_what_the_code_computes():
    """The file the browser's test reads: rewrite it with `python -m tests.votes.crypto_vectors`
    only for a deliberate change of the format."""
    assert json.loads(FILE.read_text(encoding="utf-8")) == vectors()


def test_the_group_is_edwards25519s_prime_order_subgroup():
    assert g.point_hex(g.G) == "58" + "66" * 31  # RFC 8032's base point
    assert g.base(g.L) == g.IDENTITY and g.base(g.L + 5) == g.base(5)
    assert g.add(g.base(2), g.base(3)) == g.base(5) and g.sub(g.base(2), g.base(2)) == g.IDENTITY
    assert g.mul(g.base(7), 6) == g.base(42) and g.mul(g.IDENTITY, 9) == g.IDENTITY


@pytest.mark.parametrize("text, why", [
    ("01" + "00" * 31, "not a point of the group"),  # the identity
    ("ec" + "ff" * 30 + "7f", "not a point of the group"),  # y = p − 1: order 2
    ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
     "not a point of the group"),  # a point of order 8
    ("ed" + "ff" * 30 + "7f", "not a point of the group"),  # y = p, not canonical
    ("58" + "66" * 30, "not 64 lowercase hex digits"),
    ("58" + "66" * 30 + "6G", "not 64 lowercase hex digits"),
    (g.point_hex(g.base(2)).upper(), "not 64 lowercase hex digits"),
    (42, "not 64 lowercase hex digits"),
])
def test_received_points_are_checked(text, why):
    with pytest.raises(g.BadElement, match=why):
        g.point(text)


def test_received_scalars_are_canonical():
    assert g.scalar(g.scalar_hex(g.L - 1)) == g.L - 1
    with pytest.raises(g.BadElement, match="below the group's order"):
        g.scalar(g.L.to_bytes(32, "little").hex())


@settings(max_examples=20, deadline=None)
@given(x=scalars, m=st.integers(0, 50), n=st.integers(0, 50), k=st.integers(1, 20))
def test_ciphertexts_add_up_and_scale(x, m, n, k):
    y = g.base(x)
    a, b = elgamal.encrypt(y, m, rng()), elgamal.encrypt(y, n, rng())
    table = elgamal.Table(2000)
    assert table.log(elgamal.decrypt_point(elgamal.add(a, b), x)) == m + n
    assert table.log(elgamal.decrypt_point(elgamal.scale(a, k), x)) == k * m
    assert table.log(elgamal.decrypt_point(elgamal.total([a, b], [k, 1]), x)) == k * m + n


def test_the_discrete_log_covers_its_range_and_no_more():
    table = elgamal.Table(10_000)
    for m in (0, 1, 99, 100, 101, 9_999, 10_000):
        assert table.log(g.base(m)) == m
    with pytest.raises(ValueError, match="between 0 and 10000"):
        table.log(g.base(10_001))


def test_a_key_proof_holds_only_for_its_key_and_context():
    x = rng()
    proof = proofs.prove_key("holder 1", x, rng)
    assert proofs.check_key("holder 1", g.base(x), proof)
    assert not proofs.check_key("holder 2", g.base(x), proof)
    assert not proofs.check_key("holder 1", g.base(x + 1), proof)


@pytest.mark.parametrize("m, counts", [(0, [0, 1]), (1, [0, 1]), (0, [0, 1, 2]),
                                       (3, [0, 1, 2, 3]), (1, [1])])
def test_an_interval_proof_holds_for_the_counts_it_names(m, counts):
    x = rng()
    y = g.base(x)
    r = rng()
    ct = elgamal.encrypt(y, m, r)
    proof = proofs.prove_interval("q1", y, ct, r, m, counts, rng)
    assert proofs.check_interval("q1", y, ct, counts, proof)
    assert not proofs.check_interval("q2", y, ct, counts, proof)  # another question
    assert not proofs.check_interval("q1", g.base(x + 1), ct, counts, proof)  # another key
    other = elgamal.encrypt(y, m, r + 1)
    assert not proofs.check_interval("q1", y, other, counts, proof)  # another ciphertext
    assert not proofs.check_interval("q1", y, ct, [c + 1 for c in counts], proof)
    assert not proofs.check_interval("q1", y, ct, counts[:-1] or [5], proof)


def test_no_interval_proof_for_a_count_outside_it():
    """A ballot putting 2 on an option (or −1) cannot prove "0 or 1": a forger's best, proving
    with the true randomness but a claimed count, fails."""
    y, r = g.base(rng()), rng()
    for m in (2, -1):
        ct = elgamal.encrypt(y, m % g.L, r)
        forged = proofs.prove_interval("q", y, elgamal.encrypt(y, 1, r), r, 1, [0, 1], rng)
        assert not proofs.check_interval("q", y, ct, [0, 1], forged)


def test_a_partial_decryption_proof_binds_the_share_to_the_verification_key():
    s = rng()
    alpha = g.base(rng())
    d, proof = proofs.prove_decryption("tally", s, alpha, rng)
    assert proofs.check_decryption("tally", g.base(s), alpha, d, proof)
    assert not proofs.check_decryption("tally", g.base(s), alpha, g.add(d, g.G), proof)
    assert not proofs.check_decryption("tally", g.base(s + 1), alpha, d, proof)
    assert not proofs.check_decryption("other", g.base(s), alpha, d, proof)


def test_proofs_read_back_from_json_and_refuse_bad_ones():
    proof = proofs.prove_key("k", rng(), rng)
    assert proofs.from_json(proofs.as_json(proof), size=1) == proof
    for bad in ([], [{"challenge": "00"}], "x", [{"challenge": "00" * 32, "response": "zz"}]):
        with pytest.raises(g.BadElement):
            proofs.from_json(bad, size=1)


def run_ceremony(n: int, k: int, context: str = "vote-9/ceremony"):
    seeds = [bytes([i]) * 32 for i in range(1, n + 1)]
    enc = [threshold.encryption_key(s) for s in seeds]
    polys = [threshold.polynomial(s, context, k) for s in seeds]
    commits = [threshold.commitments(p) for p in polys]
    sealed = [[threshold.seal_share(context, g.base(enc[j]), threshold.evaluate(p, j + 1), rng)
               for j in range(n)] for p in polys]
    shares = []
    for j in range(n):  # holder j + 1 opens and checks what each holder sent them
        received = [threshold.open_share(context, enc[j], sealed[i][j]) for i in range(n)]
        assert all(threshold.check_share(commits[i], j + 1, received[i]) for i in range(n))
        shares.append(sum(received) % g.L)
    return commits, shares, sealed, enc


@pytest.mark.parametrize("n, k", [(3, 2), (5, 3), (1, 1)])
def test_any_k_holders_open_a_sum_and_fewer_do_not(n, k):
    commits, shares, _sealed, _enc = run_ceremony(n, k)
    y = threshold.public_key(commits)
    for j, s in enumerate(shares, 1):
        assert threshold.verification_key(commits, j) == g.base(s)
    total = elgamal.total([elgamal.encrypt(y, m, rng()) for m in (1, 0, 1, 1)])
    table = elgamal.Table(100)
    for first in range(n - k + 1):
        group_ = list(range(first + 1, first + k + 1))
        partials = {}
        for j in group_:
            d, proof = proofs.prove_decryption("tally", shares[j - 1], total.alpha, rng)
            assert proofs.check_decryption("tally", g.base(shares[j - 1]), total.alpha, d, proof)
            partials[j] = d
        assert table.log(g.sub(total.beta, threshold.combine(partials))) == 3
    if k > 1:  # k − 1 holders give another point, which is not a count at all
        partials = {j: g.mul(total.alpha, shares[j - 1]) for j in range(1, k)}
        with pytest.raises(ValueError):
            table.log(g.sub(total.beta, threshold.combine(partials)))


def test_a_wrong_share_is_caught_by_its_senders_commitments():
    context = "vote-9/ceremony"
    commits, _shares, sealed, enc = run_ceremony(3, 2, context)
    good = threshold.open_share(context, enc[1], sealed[0][1])
    assert threshold.check_share(commits[0], 2, good)
    assert not threshold.check_share(commits[0], 2, good + 1)
    assert not threshold.check_share(commits[0], 3, good)  # another holder's share
    # only the recipient's key opens a sealed share
    assert threshold.open_share(context, enc[2], sealed[0][1]) != good


def test_lagrange_coefficients_at_zero():
    assert threshold.lagrange([1, 2]) == {1: 2, 2: g.L - 1}
    f = [rng(), rng(), rng()]
    for group_ in ([1, 2, 3], [2, 4, 5], [1, 3, 7]):
        lam = threshold.lagrange(group_)
        assert sum(lam[j] * threshold.evaluate(f, j) for j in group_) % g.L == f[0]
