"""The work one feed body needs that depends on the body alone, run in a worker process.

Everything here is done in parallel, off the process that owns the library:
the parse, ids and source, the stored JSON text, and tagging's ``prepare``
(tokens, word-index keys, candidate names, vocabulary matches). The process
that owns the library then only tags, indexes and saves (``store.sync.feeds``).

Only what is new is parsed: the body is split into items (``feed_split``) and
the items whose bytes hash as at the last parse (the feed's item memory, kept
in its feed state) are left out of the document parsed. What a parse decides
over all of a feed's items, the show rule, is decided over the kept facts of
the skipped items and those of the parsed ones; the channel's name and
identity come from the head, which is always parsed. Only feeds the fast
RSS reader reads get a memory: feedparser carries state from one item to the
next (an item's content type follows its predecessor's), so its items cannot
be parsed apart. Whenever the reduced parse is in doubt (a warning, the fast
reader declines, an item that did not become one entry) the whole body is
parsed, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from store.config import FeedConfig
from store.index.topics import prepare
from store.index.vocabulary import vocabulary_for
from store.models import ParsedDocument, short_hash
from store.parse import ParseError
from store.parse.feed import parse_feed_bytes
from store.parse.feed_bytes import prepare_xml
from store.parse.feed_show import assign_shows, show_fact, show_rule
from store.parse.feed_split import HASH_CHARS, FeedSplit, split_feed
from store.storage.shards import content_text
from store.sync.batch import FeedParse
from store.sync.entries import feed_entries, feed_name

__all__ = ["SKIP_KNOWN", "FeedParse", "parse_job", "warm_for_fork"]

# False: every changed body is parsed whole (tests compare the two)
SKIP_KNOWN = True


def _head(doc: ParsedDocument) -> str:
    """What of the channel every entry carries (its name, its identity), as one token."""
    return "@" + short_hash(doc.source_name or "", doc.channel_link or "")


def _memory(doc: ParsedDocument, split: FeedSplit, facts: list[str]) -> str:
    """The channel's token, then each item's hash followed by its show fact,
    space-separated: ~15 bytes an item."""
    items = (it.hash + f for it, f in zip(split.items, facts, strict=True))
    return " ".join((_head(doc), *items))


def _known(memory: str | None) -> tuple[str, dict[str, str], str]:
    """The item memory back: (channel token, hash → show fact, the show rule then)."""
    head, *tokens = (memory or "").split() or [""]
    known = {t[:HASH_CHARS]: t[HASH_CHARS:] for t in tokens}
    return head, known, show_rule(list(known.values()))


def _parse(
    data: bytes, base_url: str | None, headers: dict[str, str] | None, memory: str | None
) -> tuple[ParsedDocument, str | None, int]:
    """(the document with shows assigned, its item memory, how many items were skipped)."""
    prepared = prepare_xml(data, headers)
    split = split_feed(prepared)
    head, known, rule = _known(memory if SKIP_KNOWN else None)
    if split is not None and known:
        skip = {it.hash for it in split.items if it.hash in known}
        fresh = len(split.items) - len(skip)
        if skip:
            try:
                reduced = split.reduced(skip)
                doc = parse_feed_bytes(reduced, base_url=base_url, shows=False, fast_only=True)
            except ParseError:
                doc = None
            # the skipped entries stand only if what a whole parse gives every entry
            # stands: the channel's name and identity, the show rule
            if doc is not None and not doc.warnings and len(doc.entries) == fresh:
                new = iter([show_fact(e) for e in doc.entries])
                facts = [known[it.hash] if it.hash in skip else next(new) for it in split.items]
                if _head(doc) == head and show_rule(facts) == rule:
                    shown = assign_shows(doc.entries, doc.source_name, facts)
                    return replace(doc, entries=shown), _memory(doc, split, facts), len(skip)
    try:  # a memory only for what the fast reader reads: its items do not affect each other
        doc = parse_feed_bytes(
            prepared, base_url=base_url, shows=False, fast_only=split is not None
        )
        fast = split is not None
    except ParseError:
        doc = parse_feed_bytes(prepared, base_url=base_url, shows=False)
        fast = False
    facts = [show_fact(e) for e in doc.entries]
    whole = fast and split is not None and not doc.warnings and len(facts) == len(split.items)
    memory = _memory(doc, split, facts) if whole and split is not None else None
    return replace(doc, entries=assign_shows(doc.entries, doc.source_name, facts)), memory, 0


def parse_job(
    data: bytes,
    base_url: str | None,
    headers: dict[str, str] | None,
    topics: Mapping[str, Sequence[str]] | None,
    fc: FeedConfig,
    names: tuple[str | None, str],
    memory: str | None = None,
    derive: bool = True,
) -> FeedParse | str:
    """Worker-process entry point: a ``FeedParse``, or the error text. Never raises.

    ``names`` is (the name the feed had before, its label) for ``feed_name``;
    ``memory`` the feed's item memory from its last parse, when still valid.
    ``derive=False`` (a refresh that stores readable-first) leaves tagging's
    ``prepare`` out: the derivation prepares each entry itself, so preparing
    here too would be done twice, and it costs twice the parse.
    """
    try:
        doc, items, skipped = _parse(data, base_url, headers, memory)
        name = feed_name(fc, doc.source_name, *names)
        entries = feed_entries(doc, fc, name, base_url)
        vocab = vocabulary_for(topics) if topics is not None and derive else None
        return FeedParse(
            replace(doc, entries=()),
            name,
            entries,
            [content_text(e) for e in entries],
            [prepare(e, vocab) for e in entries] if derive else None,
            items,
            skipped,
        )
    except ParseError as exc:
        return str(exc)
    except Exception as exc:  # pragma: no cover - parse_feed_bytes is total
        return f"internal parse error ({exc.__class__.__name__})"


def warm_for_fork(topics: Mapping[str, Sequence[str]]) -> None:
    """Compile the vocabulary before forking, so the workers inherit it instead
    of each compiling it again (this module's imports are inherited already)."""
    vocabulary_for(topics)
