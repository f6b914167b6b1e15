"""Benchmark harness: a synthetic kommun (generate.py) and page timings (run.py). See README.md."""
