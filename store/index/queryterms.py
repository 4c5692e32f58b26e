"""What a parsed query is: its terms, and the error a malformed one raises.

Apart from the parser (``store.index.query``) so that the row checks
(``store.index.querychecks``), which the query module runs, can name them
without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.errors import DigestError

__all__ = ["Query", "QueryError", "Term"]


class QueryError(DigestError):
    """A malformed query; ``position`` is the 0-based offset of the bad term."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


@dataclass(frozen=True, slots=True)
class Term:
    """One parsed term. ``kind``: text, tag, is, source, show, date."""

    kind: str
    value: str
    negate: bool = False
    pos: int = 0
    start: str | None = None  # date terms: relative or absolute bounds, unresolved
    end: str | None = None
    prefix: str = ""  # text terms: the word (folded, as typed) that words may start with


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...]
    ignored: tuple[str, ...] = ()  # terms with no letter or digit, as typed

    @property
    def empty(self) -> bool:
        return not self.terms
