"""Benchmarks: each prints ratios against the alternative measured in the same run."""
