"""The search index: an inverted word index kept in immutable segment files.

Why segments: a query must not read bodies, and an ingest must not rewrite
the whole index. Each ingest batch writes one new *segment* (the postings of
just its entries; the format is in ``store.index.segments``) and its
*lexicon* (its words as text, for prefixes: ``store.index.lexicon``); a small
JSON *manifest* lists the segments, gives every entry a document number and
records which documents a later segment superseded. When segments pile up,
the small ones are merged into one (log-structured, as Lucene does), so the
amortised cost per entry stays flat (``store.index.wordwrite``).

Terms are the folded, singular tokens of ``store.index.tokens.tokenize`` (so
case, accents and plurals do not matter) plus adjacent pairs of non-stop-words
("open source"), which answer quoted phrases without positions. A phrase
containing stop words ("chain of thought") is matched on its words and its
non-stop pairs: close to exact, never a body scan. An entry's show and source
names are words of it too ("Hard Fork", "Acquired"), each name on its own,
so no pair spans the title and a name.

A word as typed is a *prefix* (``search_docs(prefixes=...)``): it matches
its exact word (as today: "gpus" finds "GPU") or any indexed word starting
with it ("litho" finds "lithography"), through the lexicons.

Everything is written with ``write_bytes_atomic`` while holding the library's
write lock (through ``Library.update_sidecar``), and readers cache loaded
segments in ``lib.caches`` keyed by the manifest's stat, so a query after the
first costs a ``stat`` and a few ``bisect`` calls (``store.index.wordread``).
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterable, Sequence, Set

from store.errors import DigestError, NotFound
from store.index.segments import term_key
from store.index.tokens import entry_text, raw_tokens, singular, tokenize
from store.index.wordlists import stop_words
from store.index.wordread import Reader, docs_all, ids_of, reader
from store.index.wordwrite import MANIFEST, MAX_SEGMENTS, Doc, write_docs
from store.models import Entry, short_hash
from store.storage.library import Library
from store.storage.pending import read_pending

__all__ = [
    "MANIFEST",
    "MAX_SEGMENTS",
    "Reader",
    "add_entries",
    "add_renamed",
    "add_prepared",
    "ensure_index",
    "phrase_ids",
    "search",
    "search_docs",
    "text_terms",
]

CATCH_UP_BATCH = 2000
# a query indexes at most this many unindexed rows itself (loading their
# content); beyond it, those rows are matched on their titles only, and the
# full rebuild is left to ``ensure_index`` (doctor / an explicit command).
# The same bound holds for rows an older release indexed without a lexicon.
IMPLICIT_CATCH_UP = 2000
UPGRADE_STEP = 500  # older rows indexed again by one ingest batch (see ``add_prepared``)


MAX_CACHED_KEYS = 300_000  # terms whose keys are memoised (``_packed_keys``): cleared when full


def doc_terms(text: str) -> set[int]:
    """The keys a document is found by: its words and its non-stop word pairs."""
    return token_terms(tokenize(text))


def token_terms(toks: Sequence[str]) -> set[int]:
    """``doc_terms`` of already tokenised text (tagging tokenises once for both).

    Keys are memoised per term: words and common pairs recur across entries,
    and hashing is most of the cost of indexing a feed item.
    """
    return set(array("Q", _packed_keys(_terms(toks))))


def _terms(toks: Sequence[str]) -> set[str]:
    """The terms of tokenised text: its words and its non-stop word pairs."""
    stop = stop_words()
    terms = set(toks)
    pairs = zip(toks, toks[1:], strict=False)
    terms.update([f"{a} {b}" for a, b in pairs if a not in stop and b not in stop])
    return terms


_PACKED: dict[str, bytes] = {}


def _packed_keys(terms: Set[str]) -> bytes:
    """``term_key`` of each of ``terms``, packed as ``array("Q")``, memoised per term as
    its 8 bytes (bounded by ``MAX_CACHED_KEYS``).

    What a parse worker sends for each entry: one join of the terms' bytes,
    where a set of their integer keys and its array cost twice that (a set
    dedupes keys, but two terms with one key are one posting anyway: see
    ``segments.invert``).
    """
    pc = _PACKED
    try:
        return b"".join(map(pc.__getitem__, terms))
    except KeyError:
        if len(pc) > MAX_CACHED_KEYS:
            pc.clear()
        for t in terms:
            if t not in pc:
                pc[t] = array("Q", (term_key(t),)).tobytes()
        return b"".join(map(pc.__getitem__, terms))


def query_keys(phrase: str) -> list[int]:
    """The keys that must all be present for ``phrase`` to match."""
    toks = tokenize(phrase)
    stop = stop_words()
    keys = [term_key(t) for t in dict.fromkeys(toks)]
    for a, b in zip(toks, toks[1:], strict=False):
        if a not in stop and b not in stop:
            keys.append(term_key(a + " " + b))
    return keys


def text_terms(text: str) -> tuple[bytes, str]:
    """A text's term keys (packed as ``array("Q")``) and its distinct words as written.

    One tokenisation gives both: the words (folded, plurals kept) go to the
    lexicon, their singulars and pairs to the postings. The words come as one
    newline-joined string: a parse worker sends it to the main process, where
    one string unpickles ~20x faster than a tuple of hundreds.
    """
    raw = raw_tokens(text)
    return _packed_keys(_terms(list(map(singular, raw)))), "\n".join(set(raw))


def _names(e: Entry) -> tuple[str, ...]:
    return tuple(n for n in (e.show, e.source.name) if n)


def _doc(e: Entry, text_hash: str, keys: bytes, words: str) -> Doc:
    """An entry's document: its text's terms plus its show and source names as words.

    The hash covers the names, so an entry whose show is renamed is indexed again.
    """
    names = _names(e)
    if not names:
        return (e.id, text_hash, keys, words)
    extra, more = _name_terms(names)
    packed = keys + extra  # a key twice is one posting (invert)
    joined = f"{words}\n{more}" if more else words
    return (e.id, short_hash(text_hash, *names, length=10), packed, joined)


@functools.lru_cache(maxsize=1024)
def _name_terms(names: tuple[str, ...]) -> tuple[bytes, str]:
    """The packed term keys and the newline-joined words of a show's and a source's names.

    Memoised: every entry of a feed carries the same two names, and tokenising
    them for each was a tenth of indexing a refresh's entries.
    """
    extra: set[int] = set()
    more: list[str] = []
    for name in names:
        raw = raw_tokens(name)
        extra |= token_terms(list(map(singular, raw)))
        more += raw
    return array("Q", extra).tobytes(), "\n".join(more)


def add_entries(lib: Library, entries: Sequence[Entry]) -> int:
    """Index new or changed entries as one new segment; returns how many."""
    docs = []
    for e in entries:
        text = entry_text(e)
        docs.append(_doc(e, short_hash(text, length=10), *text_terms(text)))
    return write_docs(lib, docs)


def add_renamed(lib: Library, entries: Sequence[Entry]) -> int:
    """Index again the entries whose show or source name differs from their saved row.

    Tagging skips entries whose content did not change; their names are words
    of the index too, so a renamed show must still reach it.
    """
    changed = []
    for e in entries:
        try:
            row = lib.row(e.id)
        except NotFound:
            continue
        if (row.show or None, row.source) != (e.show or None, e.source.name):
            changed.append(e)
    return add_entries(lib, changed) if changed else 0


def add_prepared(lib: Library, docs: Iterable[tuple[Entry, str, bytes, str]]) -> int:
    """``add_entries`` for (entry, text hash, packed keys, words) computed where it was parsed.

    The keys and words are ``text_terms`` of its ``entry_text``: tagging's
    ``prepare`` step runs in the parse workers, so the main process only
    merges postings. Each call also indexes again up to ``UPGRADE_STEP`` rows
    an older release indexed without a lexicon: a library too large for the
    first query's catch-up gains prefixes and show names over a few ingests.
    """
    stale: list[str] = []
    n = write_docs(lib, [_doc(*d) for d in docs], stale)
    if stale:
        rows = {r.id for r in lib.rows()}
        add_entries(lib, lib.get_many([i for i in stale if i in rows][-UPGRADE_STEP:]))
    return n


def ensure_index(lib: Library) -> int:
    """Index rows the index does not know (saved without ``tag_entries``, not pending
    derivation), and rows an older release indexed without a lexicon (or show names).

    Loads only those entries' content, in batches; returns how many.
    """
    r = reader(lib)
    todo = _todo(lib, r)
    for i in range(0, len(todo), CATCH_UP_BATCH):
        part = lib.get_many(todo[i : i + CATCH_UP_BATCH])
        add_entries(lib, part)
    if todo:
        r = reader(lib)
    r.missing_ids = []
    r.checked_generation, r.checked_len = lib.generation, len(lib)
    return len(todo)


def _todo(lib: Library, r: Reader) -> list[str]:
    """Rows to index now: unknown to the index (or stale), not journalled for derivation.

    A pending row is indexed by its derivation, chunk by chunk, and tagging
    finds older entries through this index: indexed early by a query, it
    would change what its derivation gives (``store.index.pendingtags``).
    Search scans its text meanwhile (``store.index.pendingscan``).
    """
    missing = r.missing(lib)
    if missing:
        owed = read_pending(lib).ids
        missing = [i for i in missing if i not in owed]
    if not r.stale_ids:
        return list(missing)
    rows = {x.id for x in lib.rows()}
    return [*missing, *(i for i in r.stale_ids if i in rows)]


def catch_up(lib: Library) -> Reader:
    """The reader, after indexing a *bounded* number of unindexed rows.

    A few rows saved without ``tag_entries`` (or indexed by an older release,
    without a lexicon) are indexed on the spot; a library missing most of its
    index (an old one, a deleted ``words/``) is never rebuilt implicitly by a
    query (that read every content shard: 493 s at 100k). Its unindexed rows
    are matched on their titles instead, and rows of an older index answer
    exact words only. A library that cannot be written (read-only) is asked once.
    """
    r = reader(lib)
    owed = len(r.missing(lib)) + len(r.stale_ids)
    if r.upgrade_failed or not owed or owed > IMPLICIT_CATCH_UP:
        return r
    if _todo(lib, r):
        try:
            ensure_index(lib)
        except (DigestError, OSError):
            r.upgrade_failed = True
            return r
        r = reader(lib)
        r.missing(lib)
    return r


def _title_terms(lib: Library, r: Reader, eid: str) -> tuple[frozenset[int], tuple[str, ...]]:
    """An unindexed row's keys and words, from its title and names (no content read)."""
    hit = r.titles.get(eid)
    if hit is None:
        try:
            row = lib.row(eid)
        except Exception:
            return frozenset(), ()
        text = "\n".join(x for x in (row.title, row.show, row.source) if x)
        raw = raw_tokens(text)
        hit = r.titles[eid] = (frozenset(token_terms(list(map(singular, raw)))), tuple(raw))
    return hit


def _title_hits(lib: Library, r: Reader, keys: Sequence[int], prefixes: Sequence[str]) -> set[str]:
    """Unindexed rows whose title (and names) hold every key and prefix."""
    need = set(keys)
    out: set[str] = set()
    for eid in r.missing_ids:
        ks, words = _title_terms(lib, r, eid)
        if need <= ks and all(
            term_key(singular(p)) in ks or any(w.startswith(p) for w in words) for p in prefixes
        ):
            out.add(eid)
    return out


def search_docs(
    lib: Library, phrases: Sequence[str], prefixes: Sequence[str] = ()
) -> tuple[Reader, Set[int], set[str]] | None:
    """(reader, documents with every word / phrase / prefix, unindexed ids matched on titles).

    ``prefixes`` are single words, folded as written (``raw_tokens``): each
    matches its own word or any word starting with it. None when there is
    nothing to look up. ``reader.ids[doc]`` is a document's entry id;
    ``store.index.query`` keeps documents as numbers so that intersections
    stay integer set operations.
    """
    keys: list[int] = []
    for p in phrases:
        keys += query_keys(p)
    prefixes = [p for p in prefixes if p]
    if not keys and not prefixes:
        return None
    r = catch_up(lib)
    extra = _title_hits(lib, r, keys, prefixes) if r.missing_ids else set()
    sets = [r.docs_any([term_key(singular(p)), *r.completions(lib, p)]) for p in prefixes]
    if keys:
        sets.append(docs_all(r, keys))
    sets.sort(key=len)
    docs = sets[0]
    for s in sets[1:]:
        docs = docs & s
    return r, docs, extra


def search(lib: Library, phrases: Sequence[str], prefixes: Sequence[str] = ()) -> set[str] | None:
    """Ids of entries containing every word / phrase / prefix; None when nothing to look up."""
    found = search_docs(lib, phrases, prefixes)
    if found is None:
        return None
    r, docs, extra = found
    return ids_of(r, docs) | extra


def phrase_ids(lib: Library, phrase: str) -> set[str]:
    """Ids of entries containing ``phrase`` (no catch-up: used during ingest)."""
    keys = query_keys(phrase)
    if not keys:
        return set()
    r = reader(lib)
    return ids_of(r, docs_all(r, keys))
