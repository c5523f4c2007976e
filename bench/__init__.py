"""Benchmarks: ``python -m bench`` prints one table."""
