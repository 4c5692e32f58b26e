"""Automatic tags: vocabulary topics plus topics discovered across sources.

The pieces, bottom up: ``store.index.tokens`` (folding, tokens, entry text),
``store.index.tagids`` (one id per spelling), ``store.index.vocabulary``
(the ``topics:`` map, compiled and matched), ``store.index.discovery`` (the
names one entry's salient text holds). This module decides, across entries,
which discovered names are topics, and gives each entry its tags.

Tags of an entry
    Tags already on it (a feed's ``tags:``) first; then every vocabulary tag
    found anywhere in its text; then at most ``MAX_DISCOVERED`` discovered
    topics, rarest first. The caller passes the ``topics:`` map (see
    ``tag_entries``): nothing here reads a config file.

Discovery: recurring *names*, accepted by document frequency (no library).
    A candidate becomes a topic once seen in entries of at least two
    *origins* (origin = source name + show, so two shows inside one digest
    count apart). A topic is applied to an entry (anywhere in its text) only
    while its document frequency stays under a ceiling (``DF_SHARE`` of the
    library once it holds ``DF_MIN_LIBRARY`` entries: a name on 3% of all
    entries tells nothing apart), and an entry gets at most ``MAX_DISCOVERED``
    discovered topics, rarest first. Vocabulary tags are always kept.
    That is TF-IDF's "DF" used as an acceptance test, plus its "IDF" as the
    ranking; ``store.index.tagindex`` applies IDF again to rank related entries.
    Why not YAKE / KeyBERT / RAKE libraries: none is a dependency here, model
    weights are out of place in a terminal app, and per-document keyword
    scores say nothing about recurrence across sources, which is the point of
    a cross-topic tag; a DF count is incremental by nature (one counter update
    per new entry), the per-document extractors are not.

Cost (what keeps tagging at a few hundred microseconds per entry)
    Text is tokenised once and shared with the word index; per-phrase work
    is memoised; active topics are matched by a dict keyed on the token
    their spellings start with, never by generating every n-gram of the text.
    ``prepare`` (everything that depends on one entry alone) can run in the
    parse workers, so the process that owns the library only merges.

Incremental state (side file ``topics.json``, read-modify-written under the
library lock): ``active`` compact-key -> [tag, df, last batch, first tokens]
and ``pending`` compact-key -> [tag, origin, last batch] for candidates seen
in one origin so far. Both are capped (``MAX_ACTIVE``, ``MAX_PENDING``: the
least recently seen go first), so the file stays small whatever the library
size. When a pending candidate is seen in a second origin it becomes active;
its document frequency is read from the word index (``store.index.wordindex``,
no bodies loaded) and, if under the ceiling, at most ``MAX_RETAG`` of the
newest older entries containing it are re-tagged with ``Library.set_auto_tags``
(index rows only). Ingest of a batch therefore costs O(batch text + state
size), never O(library).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from store.index import wordindex
from store.index.discovery import MAX_PHRASE_TOKENS, discover_candidates, salient_text
from store.index.tagids import normalize_tag
from store.index.tokens import Content, entry_text, singular, tokenize
from store.index.vocabulary import Topics, Vocabulary, vocabulary_for
from store.models import Entry, short_hash
from store.storage.library import Library

__all__ = ["Prepared", "df_ceiling", "prepare", "retag_library", "tag_entries"]

STATE_NAME = "topics.json"
STATE_VERSION = 2
# discovery bounds (see the module doc)
MAX_DISCOVERED = 8  # discovered tags per entry, rarest first
DF_SHARE = 0.03  # a discovered topic on more than 3% of entries is not applied...
DF_MIN_LIBRARY = 200  # ...once the library has this many entries
MAX_RETAG = 100  # older entries re-tagged when one topic activates
MAX_PENDING = 20_000  # single-origin candidates kept (most recently seen)
MAX_ACTIVE = 20_000  # active topics kept (most recently seen)


def _origin(e: Entry) -> str:
    return short_hash(e.source.name.casefold(), (e.show or "").casefold(), length=8)


# --------------------------------------------------------------------------
# discovery state
# --------------------------------------------------------------------------


def _empty_state() -> dict[str, Any]:
    return {"v": STATE_VERSION, "seq": 0, "active": {}, "pending": {}}


def _load_state(data: Any) -> dict[str, Any]:
    """The state, or an empty one (version 1 files held unbounded topics: dropped)."""
    if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
        return _empty_state()
    for k in ("active", "pending"):
        if not isinstance(data.get(k), dict):
            data[k] = {}
    if not isinstance(data.get("seq"), int):
        data["seq"] = 0
    return data


def _first_token(tag: str) -> str:
    """The token a tag's spelling starts with in ``tokenize`` output."""
    return singular(tag.split("-", 1)[0])


def df_ceiling(n_entries: int) -> float:
    """Most entries a discovered topic may be on and still be applied."""
    if n_entries < DF_MIN_LIBRARY:
        return float("inf")
    return DF_SHARE * n_entries


class _Active:
    """Active topics indexed by the token their spellings start with.

    Matching an entry is one dict lookup per token plus, on a hit, a few
    string concatenations to compare compact keys, so "Quantix Net",
    "QuantixNet" and "quantix-net" all meet the key "quantixnet" without
    generating every n-gram of the text.
    """

    def __init__(self, active: Mapping[str, list[Any]]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for key, rec in active.items():
            self.add(key, rec)

    def add(self, key: str, rec: list[Any]) -> None:
        firsts = {key, *rec[3]} if len(rec) > 3 else {key, _first_token(rec[0])}
        for f in firsts:
            lst = self.by_first.setdefault(f, [])
            if key not in lst:
                lst.append(key)

    def match(self, toks: Sequence[str]) -> list[str]:
        found: dict[str, None] = {}
        by_first = self.by_first
        starts = set(toks).intersection(by_first) if by_first else None
        if not starts:
            return []
        n = len(toks)
        for i, t in enumerate(toks):
            if t not in starts:
                continue
            keys = by_first[t]
            for key in keys:
                if key in found:
                    continue
                acc, j = t, i
                while len(acc) < len(key) and j + 1 < n and j - i < MAX_PHRASE_TOKENS - 1:
                    j += 1
                    acc += toks[j]
                    if not key.startswith(acc):
                        break
                if acc == key:
                    found[key] = None
        return list(found)


# --------------------------------------------------------------------------
# tag_entries
# --------------------------------------------------------------------------


def _merge(*groups: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for g in groups:
        for t in g:
            n = normalize_tag(t)
            if n:
                out[n] = None
    return tuple(out)


class Prepared(NamedTuple):
    """What tagging and indexing need of one entry, computed from its content alone.

    Why: tokenising, hashing word pairs and finding candidate names is most of
    the cost of tagging, and none of it depends on the library. The parse
    workers compute it next to the parse (``prepare``), so the process that
    owns the library only merges. A NamedTuple pickles as a plain tuple.
    """

    text_hash: str  # short_hash(entry_text): the word index skips unchanged text
    tokens: list[str]  # tokenize(entry_text): vocabulary and discovered-topic matching
    term_keys: bytes  # wordindex.token_terms(tokens) packed as array("Q")
    candidates: dict[str, str]  # discover_candidates(salient_text)
    vocab_key: str = ""  # Vocabulary.key of the map ``found`` was matched with
    found: list[str] | None = None  # that vocabulary's tags in ``tokens``


def prepare(e: Content, vocab: Vocabulary | None = None) -> Prepared:
    """``Prepared`` of an Entry or a ParsedEntry (only content fields are read).

    With ``vocab`` (``vocabulary_for`` the map tagging will use), the
    vocabulary is matched here too; ``tag_entries`` uses that result only when
    its own vocabulary has the same key.
    """
    text = entry_text(e)
    toks = tokenize(text)
    return Prepared(
        short_hash(text, length=10),
        toks,
        array("Q", wordindex.token_terms(toks)).tobytes(),
        discover_candidates(salient_text(e)),
        vocab.key if vocab is not None else "",
        vocab.match(toks) if vocab is not None else None,
    )


def tag_entries(
    entries: Sequence[Entry],
    lib: Library,
    topics: Topics | None = None,
    prepared: Sequence[Prepared | None] | None = None,
) -> list[Entry]:
    """Give each entry its automatic tags; index its words; re-tag a few older entries.

    ``topics`` is the whole vocabulary to match (None: the shipped default,
    ``store.config.default_topics``); a caller with a config merges its
    ``topics:`` into the default first (``vocabulary.merge_topics``).
    ``prepared`` (aligned with ``entries``; None items allowed) is each
    entry's ``prepare``, when a parse worker computed it already.

    Tags already on an entry (feed-configured) are kept, first; then every
    vocabulary tag found; then at most ``MAX_DISCOVERED`` discovered topics,
    rarest first, each under the document-frequency ceiling. A topic that
    activates in this batch is added to at most ``MAX_RETAG`` older entries
    that contain it (found through the word index, no bodies loaded).
    """
    if not entries:
        return []
    vocab = vocabulary_for(topics)
    given = list(prepared) if prepared is not None else [None] * len(entries)
    preps = [p if p is not None else prepare(e) for e, p in zip(entries, given, strict=True)]
    wordindex.add_prepared(
        lib, [(e.id, p.text_hash, p.term_keys) for e, p in zip(entries, preps, strict=True)]
    )
    toks = [p.tokens for p in preps]
    cands = [p.candidates for p in preps]
    origins = [_origin(e) for e in entries]
    batch_ids = {e.id for e in entries}
    ceiling = df_ceiling(len(lib) + len(batch_ids))
    discovered: list[list[str]] = []
    retag: dict[str, tuple[str, set[str]]] = {}

    def update(data: Any) -> dict[str, Any]:
        state = _load_state(data)
        seq = state["seq"] = state["seq"] + 1
        active: dict[str, list[Any]] = state["active"]
        pending: dict[str, list[Any]] = state["pending"]
        newly: dict[str, set[str]] = {}
        for cand, origin in zip(cands, origins, strict=True):
            for key, tag in cand.items():
                if key in vocab.compacts:
                    continue
                rec = active.get(key)
                if rec is not None:
                    rec[2] = seq
                    first = _first_token(tag)
                    if first not in rec[3] and len(rec[3]) < 4:
                        rec[3].append(first)
                    continue
                p = pending.get(key)
                if p is None:
                    pending[key] = [tag, origin, seq]
                elif p[1] == origin:
                    p[2] = seq
                else:
                    best = p[0] if p[0].count("-") <= tag.count("-") else tag
                    firsts = sorted({_first_token(p[0]), _first_token(tag)})
                    hits = _phrase_hits(lib, key, best)
                    active[key] = [best, len(hits), seq, firsts]
                    newly[key] = hits
                    del pending[key]
        matcher = _Active(active)
        discovered.clear()
        for tk in toks:
            keys = matcher.match(tk)
            for k in keys:
                if k not in newly:  # a new topic's count already holds this batch
                    active[k][1] += 1
            ok = [k for k in keys if active[k][1] <= ceiling]
            ok.sort(key=lambda k: active[k][1])
            discovered.append([active[k][0] for k in ok[:MAX_DISCOVERED]])
        for key, hits in newly.items():
            rec = active[key]
            if rec[1] <= ceiling:
                retag[key] = (rec[0], hits - batch_ids)
        _prune(pending, MAX_PENDING)
        _prune(active, MAX_ACTIVE)
        return state

    lib.update_sidecar(STATE_NAME, update)

    out: list[Entry] = []
    for e, p, disc in zip(entries, preps, discovered, strict=True):
        found = (
            p.found if p.found is not None and p.vocab_key == vocab.key else vocab.match(p.tokens)
        )
        out.append(e.with_(auto_tags=_merge(e.auto_tags, found, disc)))

    if retag:
        _retag_older(lib, retag, vocab.tags)
    return out


def _phrase_hits(lib: Library, key: str, tag: str) -> set[str]:
    """Ids of indexed entries containing a topic, in any of its spellings."""
    hits: set[str] = set()
    for sp in {tag.replace("-", " "), key}:
        hits |= wordindex.phrase_ids(lib, sp)
    return hits


def _prune(d: dict[str, list[Any]], cap: int) -> None:
    """Keep the ``cap`` most recently seen records (amortised: at 10% over the cap).

    Both record kinds hold the batch number they were last seen in at index 2.
    """
    if len(d) <= cap * 1.1:
        return
    oldest = sorted(d.items(), key=lambda kv: kv[1][2])
    for k, _v in oldest[: len(d) - cap]:
        del d[k]


def _retag_older(
    lib: Library, topics: Mapping[str, tuple[str, set[str]]], vocab_tags: set[str]
) -> None:
    """Add newly active topics to older entries: newest first, bounded.

    At most ``MAX_RETAG`` entries per topic, and never past ``MAX_DISCOVERED``
    non-vocabulary tags on an entry, so one activation costs a bounded index
    write whatever the library's size.
    """
    changes: dict[str, list[str]] = {}
    for tag, hits in topics.values():
        rows = []
        for eid in hits:
            try:
                rows.append(lib.row(eid))
            except Exception:
                continue
        rows.sort(key=lambda r: r.date, reverse=True)
        for row in rows[:MAX_RETAG]:
            cur = changes.get(row.id) or list(row.auto_tags)
            if tag in cur or sum(1 for t in cur if t not in vocab_tags) >= MAX_DISCOVERED:
                continue
            cur.append(tag)
            changes[row.id] = cur
    if changes:
        lib.set_auto_tags(dict[str, Sequence[str]](changes))


def retag_library(lib: Library, topics: Topics | None = None, batch: int = 2000) -> int:
    """Recompute every entry's automatic tags (after a vocabulary change).

    Discovery state is rebuilt from scratch. Loads every entry, so it is the
    slow path, for `doctor` or a changed ``topics:`` map, never for ingest.
    Returns how many rows changed.
    """
    lib.write_sidecar(STATE_NAME, _empty_state())
    ids = [r.id for r in reversed(lib.rows())]  # oldest first, like ingest order
    changed = 0
    for i in range(0, len(ids), batch):
        entries = [e.with_(auto_tags=()) for e in lib.get_many(ids[i : i + batch])]
        tagged = tag_entries(entries, lib, topics)
        changed += lib.set_auto_tags({e.id: e.auto_tags for e in tagged})
    return changed
