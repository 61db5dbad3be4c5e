"""Benchmarks (not part of the application): `python -m bench.register_bench`."""
