"""Benchmarks: run with `python -m bench.<name>` from the project folder; each prints its figures."""
