"""The cryptography of encrypted votes (docs/crypto.md): exponential ElGamal on the prime-order
group of edwards25519, zero-knowledge proofs made non-interactive with SHA-512, and the keys of
the bureau de vote shared k of n among its holders.

Pure: no Flask, no database; every random choice comes from an `rng` argument (a function
returning a scalar), so that known-answer vectors pin the exact bytes, in Python as in the
browser (`static/js/crypto.js`).
"""
