"""digest-tui's headless core: models, parsing, fetching, tagging, search, storage.

Never imports Textual (a test asserts it), so the CLI and scripts stay fast and
the UI stays a thin layer over these functions.
"""
