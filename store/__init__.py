"""digest-tui's headless core: models, parsing, fetching, tagging, search, storage.

Never imports Textual (a test asserts it), so the CLI and scripts stay fast and
the UI stays a thin layer over these functions.
"""

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)
