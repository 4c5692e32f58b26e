"""Benchmarks for issue 7: digest-tui against newsboat on the same generated data.

Run ``python -m bench`` from the repository root (``--help`` for options);
``docs/performance.md`` explains every figure and shows a real run.
"""
