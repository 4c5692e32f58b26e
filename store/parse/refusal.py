"""The one refusal a parser gives: :class:`ParseError`, with a reason a reader can act on.

Kept in a leaf module so that every parser (and ``detect``) can raise it
without importing the package's front door, which imports them.
"""

from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(Exception):
    """A file refused as a digest (too large, empty, not text, not a document)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
