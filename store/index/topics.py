"""Automatic tags: vocabulary topics plus topics discovered across sources.

The pieces, bottom up: ``store.index.tokens`` (folding, tokens, entry text),
``store.index.tagids`` (one id per spelling), ``store.index.vocabulary``
(the ``topics:`` map, compiled and matched), ``store.index.discovery`` (the
names one entry's salient text holds). This module decides, across entries,
which discovered names are topics, and gives each entry its tags.

Tags of an entry
    Tags already on it (a feed's ``tags:``) first; then the salient ones of
    its vocabulary tags, discovered topics and keywords of its own, at most 8
    (``store.index.salience``: where a term occurs, how specific it is,
    generic topics only when the entry is about them). What counts as
    evidence is ``store.index.evidence`` (no URLs, code or share chrome). The
    caller passes the ``topics:`` map (see ``tag_entries``): nothing here
    reads a config file.

Discovery: recurring *names*, accepted by document frequency (no library).
    A candidate becomes a topic once seen in entries of at least two
    *origins* (origin = source name + show, so two shows inside one digest
    count apart). A topic is applied to an entry (anywhere in its text) only
    while its document frequency stays under a ceiling (``DF_SHARE`` of the
    library once it holds ``DF_MIN_LIBRARY`` entries: a name on 3% of all
    entries tells nothing apart); among an entry's tags it is ranked by
    salience like every other (``store.index.salience``).
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

from collections.abc import Mapping, Sequence
from typing import Any

from store.errors import LibraryError, NotFound
from store.index import wordindex
from store.index.active import ActiveTopics, first_token, names_in
from store.index.discovery import discover_candidates
from store.index.evidence import Evidence, evidence
from store.index.keywords import Keyword, keywords
from store.index.pluralnames import kept_plural_id, written
from store.index.prepared import Prepared
from store.index.salience import KEYWORD, NAME, Counts, kind_of_topic, rank
from store.index.series import count_titles, is_series
from store.index.tagids import as_tag_id, normalize_tag
from store.index.tokens import Content, entry_text
from store.index.topicstate import STATE_NAME, TagStore, empty_state, load_state, prune
from store.index.vocabulary import Topics, Vocabulary, vocabulary_for
from store.models import Entry, Row, short_hash
from store.storage.library import Library

__all__ = [
    "STATE_NAME",
    "TagStore",
    "df_ceiling",
    "prepare",
    "retag_library",
    "tag_entries",
]

# discovery bounds (see the module doc)
DF_SHARE = 0.03  # a discovered topic on more than 3% of entries is not applied...
DF_MIN_LIBRARY = 200  # ...once the library has this many entries
MAX_RETAG = 40  # older entries re-tagged when one topic activates
MAX_RETAG_LOADS = 150  # older entries loaded and re-tagged by one call, all topics together
MAX_OWED = 5000  # entries waiting to be saved before they can be re-tagged
MAX_PENDING = 20_000  # single-origin candidates kept (most recently seen)
MAX_ACTIVE = 20_000  # active topics kept (most recently seen)


def _origin(e: Entry | Row) -> str:
    source = e.source if isinstance(e, Row) else e.source.name
    return short_hash(source.casefold(), (e.show or "").casefold(), length=8)


def df_ceiling(n_entries: int) -> float:
    """Most entries a discovered topic may be on and still be applied."""
    if n_entries < DF_MIN_LIBRARY:
        return float("inf")
    return DF_SHARE * n_entries


# --------------------------------------------------------------------------
# tag_entries
# --------------------------------------------------------------------------


def prepare(e: Content, vocab: Vocabulary | None = None, *, index: bool = True) -> Prepared:
    """``Prepared`` of an Entry or a ParsedEntry (only content fields are read).

    With ``vocab`` (``vocabulary_for`` the map tagging will use), the
    vocabulary is matched here too; ``tag_entries`` uses that result only when
    its own vocabulary has the same key. ``index=False`` leaves the word
    index's part empty (re-tagging an older entry: its words are indexed).
    """
    text = entry_text(e)
    keys, words = wordindex.text_terms(text) if index else (b"", "")
    ev = evidence(e)
    return Prepared(
        short_hash(text, length=10),
        words,
        keys,
        discover_candidates(ev.head, cleaned=True, entry=written(ev.raw)),
        vocab.key if vocab is not None else "",
        vocab_counts(vocab, ev) if vocab is not None else None,
        ev,
        keywords(ev.raw, ev.tokens),
    )


def vocab_counts(vocab: Vocabulary, ev: Evidence) -> dict[str, Counts]:
    """Vocabulary tag -> occurrences by field (title, lead, details)."""
    per = [vocab.count(t, c) for t, c in zip(ev.tokens, ev.cases, strict=True)]
    tags = dict.fromkeys(t for m in per for t in m)
    return {t: (per[0].get(t, 0), per[1].get(t, 0), per[2].get(t, 0)) for t in tags}


def _complete(p: Prepared, e: Entry, vocab: Vocabulary) -> Prepared:
    """``p`` with evidence and this vocabulary's matches (an older worker may lack them)."""
    if p.evidence is None or p.keywords is None:
        ev = evidence(e)
        p = p._replace(evidence=ev, keywords=keywords(ev.raw, ev.tokens))
    if p.found is None or p.vocab_key != vocab.key:
        assert p.evidence is not None
        p = p._replace(found=vocab_counts(vocab, p.evidence), vocab_key=vocab.key)
    return p


def _own_keywords(p: Prepared, vocab: Vocabulary) -> dict[str, Keyword]:
    """The entry's keywords the vocabulary does not already give."""
    return {
        t: kw
        for t, kw in (p.keywords or {}).items()
        if t.replace("-", "") not in vocab.compacts and t not in vocab.tags
    }


def _tags_of(
    given: Sequence[str],
    p: Prepared,
    vocab: Vocabulary,
    names: Mapping[str, Counts],
    recurring: Mapping[str, Any],
    series: tuple[Mapping[str, list[Any]], str],
) -> tuple[str, ...]:
    """An entry's automatic tags: ``given`` first, then the salient ones (``salience.rank``).

    ``series`` is the state's title counts and the entry's origin: a series
    word of its origin is no keyword of it (``store.index.series``).
    """
    kwt, origin = series
    cands: list[tuple[str, Counts, str, float]] = [
        (t, c, kind_of_topic(t), 1.0) for t, c in (p.found or {}).items()
    ]
    cands += [(t, c, NAME, 1.0) for t, c in names.items()]
    cands += [
        (t, c, KEYWORD, f)
        for t, (c, f, own) in _own_keywords(p, vocab).items()
        if (own or t in recurring) and not is_series(kwt, origin, t)
    ]
    norm = [normalize_tag(t) for t in given]
    size = len(p.evidence.tokens[0]) + len(p.evidence.tokens[1]) if p.evidence else 0
    # ``cands`` are ids already (a camel-case name's id would not normalise to itself)
    return rank([t for t in norm if t], _ids(cands), size)


def _ids(
    cands: Sequence[tuple[str, Counts, str, float]],
) -> list[tuple[str, Counts, str, float]]:
    """Candidates with their ids taken back; a name that kept its plural is one tag.

    "Star Wars", a name this entry writes only so, is "star-wars"
    (``pluralnames``): that id stays, and the folded "star-war" of another
    kind (a keyword, a vocabulary hit) is the same tag, not a second one.
    """
    kept = {normalize_tag(t): t for t, _c, k, _f in cands if k == NAME and kept_plural_id(t)}
    out = []
    for t, c, k, f in cands:
        tag = as_tag_id(t)
        out.append((kept.get(tag, tag), c, k, f))
    return out


def tag_entries(
    entries: Sequence[Entry],
    lib: Library,
    topics: Topics | None = None,
    prepared: Sequence[Prepared | None] | None = None,
    underived: int | None = None,
    store: TagStore | None = None,
) -> list[Entry]:
    """Give each entry its automatic tags; index its words; re-tag a few older entries.

    ``topics`` is the whole vocabulary to match (None: the shipped default,
    ``store.config.default_topics``); a caller with a config merges its
    ``topics:`` into the default first (``vocabulary.merge_topics``).
    ``prepared`` (aligned with ``entries``; None items allowed) is each
    entry's ``prepare``, when a parse worker computed it already.

    Tags already on an entry (feed-configured) are kept, first; then the
    salient ones among the vocabulary tags, the discovered topics under the
    document-frequency ceiling and the entry's own keywords, at most
    ``salience.MAX_TAGS`` in all (``store.index.salience``). A topic that
    activates in this batch re-tags at most ``MAX_RETAG`` older entries that
    contain it (found through the word index), the same way.

    ``underived`` is set by the deferred derivation (``store.sync.derive``): the
    entries are stored already, untagged, and that many of the library's rows
    are new entries not derived yet; they are not counted as known, exactly as
    on the direct path where they are not saved yet. ``store`` is where the
    state, the word index and re-tags are read and written (None: ``lib``
    itself; ``store.index.pendingtags`` passes an in-memory one).
    """
    if not entries:
        return []
    st = store if store is not None else TagStore(lib)
    given = list(prepared) if prepared is not None else [None] * len(entries)
    same = _unchanged(lib, entries) if underived is None else {}
    if same:
        # a no-op re-ingest changes nothing: unchanged entries keep their tags
        wordindex.add_renamed(lib, [e for e in entries if e.id in same])
        fresh = [i for i, e in enumerate(entries) if e.id not in same]
        tagged = iter(
            tag_entries(
                [entries[i] for i in fresh], lib, topics, [given[i] for i in fresh], store=store
            )
        )
        return [
            e.with_(auto_tags=tuple(dict.fromkeys((*same[e.id], *e.auto_tags))))
            if e.id in same
            else next(tagged)
            for e in entries
        ]
    vocab = vocabulary_for(topics)
    preps = [
        _complete(p if p is not None else prepare(e, vocab), e, vocab)
        for e, p in zip(entries, given, strict=True)
    ]
    st.index((e, p.text_hash, p.term_keys, p.words) for e, p in zip(entries, preps, strict=True))
    cands = [p.candidates for p in preps]
    origins = [_origin(e) for e in entries]
    batch_ids = {e.id for e in entries}
    ceiling = df_ceiling(len(lib) - (underived or 0) + len(batch_ids))
    names: list[dict[str, Counts]] = []
    retag: dict[str, tuple[str, set[str]]] = {}
    owed: list[str] = []
    final: dict[str, Any] = {}

    def update(data: Any) -> dict[str, Any]:
        state = load_state(data)
        seq = state["seq"] = state["seq"] + 1
        active: dict[str, list[Any]] = state["active"]
        pending: dict[str, list[Any]] = state["pending"]
        newly: dict[str, set[str]] = {}
        for cand, origin in zip(cands, origins, strict=True):
            for key in sorted(cand):  # sorted: the state does not depend on dict order
                tag = cand[key]
                if key in vocab.tag_compacts or (
                    key in vocab.compacts and key not in vocab.acronyms
                ):
                    continue
                rec = active.get(key)
                if rec is not None:
                    rec[2] = seq
                    first = first_token(tag)
                    if first not in rec[3] and len(rec[3]) < 4:
                        rec[3].append(first)
                    continue
                p = pending.get(key)
                if p is None:
                    pending[key] = [tag, origin, seq]
                elif p[1] == origin:
                    p[2] = seq
                else:
                    best = min(p[0], tag, key=lambda t: (t.count("-"), t))
                    firsts = sorted({first_token(p[0]), first_token(tag)})
                    hits = _phrase_hits(st, key, best)
                    active[key] = [best, len(hits), seq, firsts]
                    newly[key] = hits
                    del pending[key]
        kw: dict[str, list[Any]] = state["kw"]
        kwp: dict[str, list[Any]] = state["kwp"]
        for prep, origin in zip(preps, origins, strict=True):
            for tag in sorted(_own_keywords(prep, vocab)):
                if tag in kw:
                    kw[tag][2] = seq
                    continue
                q = kwp.get(tag)
                if q is None:
                    kwp[tag] = [tag, origin, seq]
                elif q[1] == origin:
                    q[2] = seq
                else:
                    del kwp[tag]
                    kw[tag] = [tag, 0, seq]
                    hits = st.phrase_ids(tag.replace("-", " "))
                    retag[tag] = (tag, hits - batch_ids)
        kwt: dict[str, list[Any]] = state["kwt"]
        seen = (
            (o, e.id, _own_keywords(p, vocab))
            for e, p, o in zip(entries, preps, origins, strict=True)
        )
        for key, tag in count_titles(kwt, seq, seen).items():
            retag[key] = (tag, _of_origin(st, st.phrase_ids(tag.replace("-", " ")), key))
        matcher = ActiveTopics(active)
        names.clear()
        for prep in preps:
            assert prep.evidence is not None
            got, keys = names_in(matcher, active, prep.evidence, ceiling, prep.candidates)
            for k in keys:
                if k not in newly:  # a new topic's count already holds this batch
                    active[k][1] += 1
            names.append(got)
        for key, hits in newly.items():
            rec = active[key]
            if rec[1] <= ceiling:
                retag[key] = (rec[0], hits - batch_ids)
        prune(pending, MAX_PENDING)
        prune(active, MAX_ACTIVE)
        prune(kwp, MAX_PENDING)
        prune(kw, MAX_ACTIVE)
        prune(kwt, MAX_PENDING)
        final["kw"] = dict(kw)
        final["kwt"] = kwt
        # entries owed a re-tag that are saved by now: done below, with this state
        saved = {i for i in state["owed"] if i in lib}
        owed[:] = [i for i in state["owed"] if i in saved and i not in batch_ids]
        state["owed"] = [i for i in state["owed"] if i not in saved and i not in batch_ids]
        if retag or owed:
            final["active"] = {k: list(v) for k, v in active.items()}
            final["pending"] = {v[0] for v in pending.values()} | set(kwp)
        return state

    st.update_state(update)

    out = [
        e.with_(auto_tags=_tags_of(e.auto_tags, p, vocab, got, final["kw"], (final["kwt"], o)))
        for e, p, got, o in zip(entries, preps, names, origins, strict=True)
    ]
    if retag or owed:
        missing = _retag_older(st, retag, owed, vocab, final, ceiling)
        if missing:
            _owe(st, missing)
    return out


def _of_origin(st: TagStore, ids: set[str], key: str) -> set[str]:
    """The saved entries among ``ids`` of the origin a series ``key`` names."""
    origin = key.partition(" ")[0]
    out = set()
    for eid in ids:
        try:
            if _origin(st.row(eid)) == origin:
                out.add(eid)
        except NotFound:
            continue  # not saved yet: tagged with the batch's state
    return out


def _phrase_hits(st: TagStore, key: str, tag: str) -> set[str]:
    """Ids of indexed entries containing a topic, in any of its spellings."""
    hits: set[str] = set()
    for sp in {tag.replace("-", " "), key}:
        hits |= st.phrase_ids(sp)
    return hits


def _retag_older(
    st: TagStore,
    topics: Mapping[str, tuple[str, set[str]]],
    owed: Sequence[str],
    vocab: Vocabulary,
    state: Mapping[str, Any],
    ceiling: float,
) -> list[str]:
    """Re-tag older entries holding a newly active topic: newest first, bounded.

    Each is tagged again from its content, exactly as if it were ingested now,
    so the tags of a library do not depend on which entry came first. At most
    ``MAX_RETAG`` entries per topic and ``MAX_RETAG_LOADS`` in all, so one call
    costs a bounded amount of work whatever the library's size. Tags that no
    rule here gives (a feed's ``tags:``) are kept, first.

    ``owed`` are entries an earlier call could not re-tag (tagged, not yet
    saved: an ingest saves its chunks together); returns the ids this call
    could not re-tag, for the next one.
    """
    wanted: dict[str, None] = dict.fromkeys(owed)
    missing: list[str] = []
    for _tag, hits in sorted(topics.values()):
        rows = []
        for eid in sorted(hits):
            try:
                rows.append(st.row(eid))
            except NotFound:
                missing.append(eid)  # not saved yet (or gone)
        rows.sort(key=lambda r: (r.date, r.id), reverse=True)
        wanted.update((r.id, None) for r in rows[:MAX_RETAG])
    ids = list(wanted)[:MAX_RETAG_LOADS]
    if not ids:
        return missing
    active: Mapping[str, list[Any]] = state["active"]
    matcher = ActiveTopics(active)
    automatic = vocab.tags | {rec[0] for rec in active.values()} | state["pending"]
    automatic |= set(state["kw"])
    changes: dict[str, Sequence[str]] = {}
    for e in st.get_many(ids):
        p = prepare(e, vocab, index=False)
        assert p.evidence is not None
        got, _keys = names_in(matcher, active, p.evidence, ceiling, p.candidates)
        own = automatic | set(p.keywords or ()) | set(p.candidates.values())
        kept = [t for t in e.auto_tags if t not in own]
        new = _tags_of(kept, p, vocab, got, state["kw"], (state["kwt"], _origin(e)))
        if new != e.auto_tags:
            changes[e.id] = new
    if changes:
        st.set_auto_tags(changes)
    return missing


def _content_key(e: Entry) -> tuple[Any, ...]:
    return (e.title, e.summary, e.key_points, e.sections, e.body)


def _unchanged(lib: Library, entries: Sequence[Entry]) -> dict[str, tuple[str, ...]]:
    """Id -> stored automatic tags of the entries already saved with this very content."""
    known = [e.id for e in entries if e.id in lib]
    if not known:
        return {}
    try:
        stored = {s.id: s for s in lib.get_many(known)}
    except LibraryError:  # content lost from disk: the arrivals restore it, tagged afresh
        return {}
    return {
        e.id: stored[e.id].auto_tags
        for e in entries
        if e.id in stored and _content_key(stored[e.id]) == _content_key(e)
    }


def _owe(st: TagStore, ids: Sequence[str]) -> None:
    """Remember entries to re-tag once they are saved (bounded: ``MAX_OWED``)."""

    def add(data: Any) -> dict[str, Any]:
        state = load_state(data)
        state["owed"] = list(dict.fromkeys([*state["owed"], *ids]))[-MAX_OWED:]
        return state

    st.update_state(add)


def retag_library(lib: Library, topics: Topics | None = None, batch: int = 2000) -> int:
    """Recompute every entry's automatic tags (after a vocabulary change).

    Discovery state is rebuilt from scratch. Loads every entry, so it is the
    slow path, for `doctor` or a changed ``topics:`` map, never for ingest.
    Returns how many rows changed.
    """
    lib.write_sidecar(STATE_NAME, empty_state())
    ids = [r.id for r in reversed(lib.rows())]  # oldest first, like ingest order
    changed = 0
    for i in range(0, len(ids), batch):
        entries = [e.with_(auto_tags=()) for e in lib.get_many(ids[i : i + batch])]
        tagged = tag_entries(entries, lib, topics)
        changed += lib.set_auto_tags({e.id: e.auto_tags for e in tagged})
    return changed
