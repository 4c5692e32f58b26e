"""digest-tui's Textual front end and the ``digest-tui`` command.

Importing this package imports nothing heavy: the CLI loads Textual only when
the UI is actually opened.
"""
