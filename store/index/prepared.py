"""What tagging and indexing need of one entry, computed from its content alone.

A module of its own so that the tagging state (``topicstate``), the parse
workers (``store.sync.feed_job``) and tagging (``topics``) name the one type
without importing each other.
"""

from __future__ import annotations

from typing import NamedTuple

from store.index.evidence import Evidence
from store.index.keywords import Keyword
from store.index.salience import Counts

__all__ = ["Prepared"]


class Prepared(NamedTuple):
    """What tagging and indexing need of one entry, computed from its content alone.

    Why: tokenising, hashing word pairs and finding candidate names is most of
    the cost of tagging, and none of it depends on the library. The parse
    workers compute it next to the parse (``prepare``), so the process that
    owns the library only merges. A NamedTuple pickles as a plain tuple.
    """

    text_hash: str  # short_hash(entry_text): the word index skips unchanged text
    words: str  # wordindex.text_terms(entry_text): the lexicon's words (newline-joined)...
    term_keys: bytes  # ...and the postings' keys, packed as array("Q")
    candidates: dict[str, str]  # discover_candidates of the cleaned title and lead
    vocab_key: str = ""  # Vocabulary.key of the map ``found`` was matched with
    found: dict[str, Counts] | None = None  # that vocabulary's tags, counts by field
    evidence: Evidence | None = None  # store.index.evidence: what tags rest on
    keywords: dict[str, Keyword] | None = None  # store.index.keywords, best first
