"""The work one feed body needs that depends on the body alone, run in a worker process.

Everything here is done in parallel, off the process that owns the library:
the parse, ids and source, the stored JSON text, and tagging's ``prepare``
(tokens, word-index keys, candidate names, vocabulary matches). The process
that owns the library then only tags, indexes and saves (``store.sync.feeds``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

from store.config import FeedConfig
from store.index.topics import Prepared, prepare
from store.index.vocabulary import vocabulary_for
from store.models import Entry, ParsedDocument
from store.parse import ParseError
from store.parse.feed import parse_feed_bytes
from store.storage.shards import content_text
from store.sync.entries import feed_entries, feed_name

__all__ = ["FeedParse", "parse_job", "warm_for_fork"]


class FeedParse(NamedTuple):
    """One feed body as a worker leaves it: everything the library owner only merges."""

    doc: ParsedDocument  # without its entries (they are in ``entries``)
    name: str  # the source name the entries carry
    entries: list[Entry]  # ids scoped by the feed, feed tags applied
    texts: list[str]  # Library.content_text of each entry
    prepared: list[Prepared]  # topics.prepare of each entry


def parse_job(
    data: bytes,
    base_url: str | None,
    headers: dict[str, str] | None,
    topics: Mapping[str, Sequence[str]] | None,
    fc: FeedConfig,
    names: tuple[str | None, str],
) -> FeedParse | str:
    """Worker-process entry point: a ``FeedParse``, or the error text. Never raises.

    ``names`` is (the name the feed had before, its label) for ``feed_name``.
    """
    try:
        doc = parse_feed_bytes(data, base_url=base_url, headers=headers)
        name = feed_name(fc, doc.source_name, *names)
        entries = feed_entries(doc, fc, name, base_url)
        vocab = vocabulary_for(topics) if topics is not None else None
        return FeedParse(
            replace(doc, entries=()),
            name,
            entries,
            [content_text(e) for e in entries],
            [prepare(e, vocab) for e in entries],
        )
    except ParseError as exc:
        return str(exc)
    except Exception as exc:  # pragma: no cover - parse_feed_bytes is total
        return f"internal parse error ({exc.__class__.__name__})"


def warm_for_fork(topics: Mapping[str, Sequence[str]]) -> None:
    """Compile the vocabulary before forking, so the workers inherit it instead
    of each compiling it again (this module's imports are inherited already)."""
    vocabulary_for(topics)
