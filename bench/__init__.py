"""Benchmarks for `make bench`: see bench/README.md."""
