"""One ingest's or refresh's arriving entries: folded by identity, tagged in chunks, saved.

Ingest and refresh both come through ``EntryBatch``, so an item is one entry
whichever path brings it (a file, another folder, a URL, a redirect) and both
report the same way:

1. *fold*: an arriving entry whose identity key (``store.storage.identity``)
   is known takes the known id; its marks, keyed by that id, stay;
2. *no-op*: an arrival whose content (but for its path) hashes as the stored
   one is known, and nothing more happens to it: no tagging (its automatic
   tags stay as they are), no shard rewrite; it is counted as known;
3. *better copy*: where two copies differ only in damage, the less damaged one
   is kept and the worse never overwrites it; new text under the same identity
   is an update; a subscribed feed's source wins over a feed file's;
4. the rest is tagged a chunk at a time while parsing goes on, then saved.
5. the user's kept points of an updated entry follow its new text
   (``store.storage.kept.reattach``: attached, reworded, or kept orphaned).

Within one run the result does not depend on the order the copies arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from store.errors import LibraryError, NotFound
from store.models import Entry, ParsedDocument, Row
from store.storage.identity import (
    damage,
    is_url,
    legacy_key,
    merge_keys,
    similar,
    source_rank,
)
from store.storage.kept import reattach
from store.storage.library import Library, SaveResult
from store.storage.shards import content_text, substance_hash

if TYPE_CHECKING:
    from store.index.prepared import Prepared

__all__ = ["EntryBatch", "FeedParse"]


class FeedParse(NamedTuple):
    """One feed body as a parse worker leaves it (``store.sync.feed_job``):
    everything the library owner only merges.

    Defined here, beside what merges it, not in ``feed_job``: the process that
    owns the library unpickles every result, and a result's class pulls in its
    module; ``feed_job``'s is the parsers (~0.1 s of imports a daily refresh's
    main process never needs when its workers parse).
    """

    doc: ParsedDocument  # without its entries (they are in ``entries``)
    name: str  # the source name the entries carry
    entries: list[Entry]  # ids scoped by the feed, feed tags applied
    texts: list[str]  # Library.content_text of each entry
    prepared: list[Prepared] | None  # topics.prepare of each entry (None: derived later)
    items: str | None  # the item memory to keep for next time (None: parse whole then)
    skipped: int  # items left out because they were known


@dataclass
class _Item:
    """An entry the next save writes: new, or an update of a stored one."""

    entry: Entry
    text: str  # content_text(entry)
    prep: Prepared | None  # its tagging ``prepare`` when a worker made it
    tagged: bool = False


class EntryBatch:
    """The entries one run brings: what is new or changed, by identity, and the counts."""

    def __init__(self, lib: Library, vocab: dict[str, list[str]]) -> None:
        self.lib = lib
        self.vocab = vocab
        self.items: dict[str, _Item] = {}  # by id, in arrival order: the next save
        self.keys: dict[str, str] = {}  # identity keys of ``items`` -> their id
        self.untagged: list[str] = []
        self.arrivals = 0
        self.run_new: set[str] = set()  # ids this run adds
        self.run_stored: set[str] = set()  # stored ids this run met
        self.updated: set[str] = set()  # stored ids this run rewrote
        self.confirmed: set[str] = set()  # stored ids a copy of this run arrived unchanged as
        self._index: dict[str, str] | None = None
        # readable first (``store.sync.derive``): ``tag`` only marks the chunk and
        # ``save`` writes the entries untagged with the journal of the chunks
        self.defer = False
        self._chunks: list[list[str]] = []

    # -- counts ----------------------------------------------------------------
    @property
    def entries_new(self) -> int:
        return len(self.run_new)

    @property
    def entries_updated(self) -> int:
        return len(self.run_stored & self.updated)

    @property
    def entries_known(self) -> int:
        return len(self.run_stored - self.updated)

    @property
    def duplicates_folded(self) -> int:
        """Arrivals that were another copy of an item met earlier in this run."""
        return self.arrivals - len(self.run_new) - len(self.run_stored)

    # -- arriving --------------------------------------------------------------
    def add(
        self,
        entries: Sequence[Entry],
        texts: Sequence[str],
        preps: Sequence[Prepared | None] | None = None,
    ) -> int:
        """Fold one document's entries in; returns how many are new to the library."""
        before = len(self.run_new)
        self._index = None  # the library's, fresh (another process may have written)
        reads: list[tuple[str, Entry, str, Prepared | None]] = []
        for n, (e, text) in enumerate(zip(entries, texts, strict=True)):
            prep = preps[n] if preps is not None else None
            self.arrivals += 1
            tid = self._match(e)
            if tid is None:
                self._put(e, text, prep)
                self.run_new.add(e.id)
                continue
            if tid in self.items:
                self._fold_pending(tid, e, text, prep)
                continue
            row = self._row(tid)
            if row is None:  # pragma: no cover - the index only names stored rows
                self._put(e, text, prep)
                self.run_new.add(e.id)
                continue
            if tid not in self.run_new:
                self.run_stored.add(tid)
            if e.id != tid:
                e = e.with_(id=tid)
                text = content_text(e)
            if self._unchanged(row, e, text):
                self.confirmed.add(tid)
                continue
            reads.append((tid, e, text, prep))
        if reads:
            self._fold_stored(reads)
        return len(self.run_new) - before

    def confirm(self, ids: Iterable[str]) -> None:
        """Stored entries met unchanged without being parsed (a local file whose
        stat is as when they were saved, ``store.sync.filememory``): counted and
        weighed against later copies as if they had arrived unchanged."""
        for tid in ids:
            self.arrivals += 1
            self.run_stored.add(tid)
            self.confirmed.add(tid)

    def _index_of(self) -> dict[str, str]:
        if self._index is None:
            self._index = self.lib.identity_index()
        return self._index

    def _row(self, eid: str) -> Row | None:
        try:
            return self.lib.row(eid)
        except NotFound:
            return None

    def _match(self, e: Entry) -> str | None:
        """The id an arrival is one with: a key of this run, a stored key, its own id."""
        index = self._index_of()
        for k in e.ikey.split():
            tid = self.keys.get(k) or index.get(k)
            if tid is not None:
                return tid
        if e.id in self.items or self._row(e.id) is not None:
            return e.id
        if e.source.kind == "feed" and self.lib.has_legacy_keys:  # stored by the previous release
            return index.get(legacy_key(e.link, e.title, e.summary, e.body))
        return None

    @staticmethod
    def _unchanged(row: Row, e: Entry, text: str) -> bool:
        return substance_hash(e, text) == row.chash and set(e.auto_tags) <= set(row.auto_tags)

    def _put(self, e: Entry, text: str, prep: Prepared | None, *, tagged: bool = False) -> None:
        if not tagged and (e.id not in self.items or self.items[e.id].tagged):
            self.untagged.append(e.id)
        self.items[e.id] = _Item(e, text, prep, tagged)
        for k in e.ikey.split():
            self.keys.setdefault(k, e.id)

    def _fold_stored(self, reads: list[tuple[str, Entry, str, Prepared | None]]) -> None:
        """Arrivals whose stored copy differs: keep the better, take an update."""
        ids = list(dict.fromkeys(tid for tid, *_ in reads if tid not in self.items))
        try:
            stored = dict(zip(ids, self.lib.get_many(ids), strict=True))
        except (LibraryError, NotFound):  # content lost: the arrival restores it
            stored = {}
        for tid, a, text, prep in reads:
            if tid in self.items:  # a second copy in this same document
                self._fold_pending(tid, a, text, prep)
                continue
            s = stored.get(tid)
            row = self._row(tid)
            if s is None or row is None:
                self._put(a, text, prep)
                continue
            subscribed = is_url(a.source.location) and not is_url(s.source.location)
            source = a.source if subscribed else s.source
            keys = merge_keys(row.ikey, a.ikey)
            sub_a = substance_hash(a, text)
            if (
                tid in self.confirmed
                and sub_a != row.chash
                and not self._wins(a, sub_a, s, row.chash)
            ):
                # the stored copy is one of this run's, and the better one (a copy of
                # the same content goes on: its automatic tags merge, in either order)
                continue
            alike = similar(a, s)
            da, ds = (damage(a), damage(s)) if alike else ((), ())
            if alike and da > ds:
                cand, prep = s.with_(auto_tags=a.auto_tags, source=source, ikey=keys), None
            else:
                if source != a.source:
                    prep = None
                cand = a.with_(source=source, ikey=keys)
            ctext = content_text(cand)
            if self._unchanged(row, cand, ctext):
                continue
            if alike and da >= ds:
                # the same text but a detail (a link resolved against another base,
                # another source: a feed file's items now refreshed from their
                # subscription): it changes, its topics stay, so its tags stay
                tags = tuple(dict.fromkeys((*a.auto_tags, *row.auto_tags)))
                self._put(cand.with_(auto_tags=tags), ctext, None, tagged=True)
                continue
            self._put(cand, ctext, prep)

    def _fold_pending(self, tid: str, a: Entry, text: str, prep: Prepared | None) -> None:
        """A second copy of an item this run already holds: one entry, the better copy.

        Decided by the copies alone, never by which came first: the less damaged
        of two similar copies, the later-published of two versions, then the
        smaller content hash; the source a subscribed feed's, else the first path
        in sort order; a new entry's id the winning copy's.
        """
        p = self.items[tid]
        cur = p.entry
        if a.id != cur.id:
            a_as = a.with_(id=cur.id)
            a_text = content_text(a_as)
        else:
            a_as, a_text = a, text
        sub_a, sub_p = substance_hash(a_as, a_text), substance_hash(cur, p.text)
        source = min(cur.source, a.source, key=source_rank)
        keys = merge_keys(cur.ikey, a.ikey)
        if sub_a == sub_p or not self._wins(a_as, sub_a, cur, sub_p):
            if source != cur.source or keys != cur.ikey:
                kept = cur.with_(source=source, ikey=keys)
                self.items[tid] = _Item(kept, content_text(kept), p.prep, p.tagged)
                for k in keys.split():
                    self.keys.setdefault(k, tid)
            return
        new_id = tid
        if (
            tid in self.run_new
            and a.id != tid
            and a.id not in self.items
            and self._row(a.id) is None
        ):
            new_id = a.id  # a new entry is named by its winning copy, whatever came first
        cand = a.with_(id=new_id, source=source, ikey=keys, auto_tags=a.auto_tags)
        ctext = content_text(cand)
        row = self._row(tid) if tid not in self.run_new else None
        if row is not None and self._unchanged(row, cand, ctext):
            del self.items[tid]  # this run's copies came back to the stored one
            self.confirmed.add(tid)
            return
        if new_id != tid:
            del self.items[tid]
            self.run_new.discard(tid)
            self.run_new.add(new_id)
            self.untagged = [new_id if i == tid else i for i in self.untagged]
            for k, v in list(self.keys.items()):
                if v == tid:
                    self.keys[k] = new_id
        if p.tagged and similar(a_as, cur):  # tagged already, and the topics are the same
            tags = tuple(dict.fromkeys((*a.auto_tags, *cur.auto_tags)))
            self._put(cand.with_(auto_tags=tags), ctext, None, tagged=True)
            return
        self._put(cand, ctext, prep if source == a.source else None)

    @staticmethod
    def _wins(a: Entry, sub_a: str, p: Entry, sub_p: str) -> bool:
        """Whether copy ``a`` beats copy ``p`` (order-free: see ``_fold_pending``)."""
        if similar(a, p):
            da, dp = damage(a), damage(p)
            if da != dp:
                return da < dp
        elif (a.published or "") != (p.published or ""):
            return (a.published or "") > (p.published or "")
        return sub_a < sub_p

    # -- tagging and saving ----------------------------------------------------
    def tag(self) -> None:
        """Tag what arrived since the last chunk (``store.index.topics.tag_entries``)."""
        from store.index.topics import tag_entries

        ids = [
            i for i in dict.fromkeys(self.untagged) if i in self.items and not self.items[i].tagged
        ]
        self.untagged.clear()
        if not ids:
            return
        if self.defer:
            self._chunks.append(ids)
            return
        items = [self.items[i] for i in ids]
        tagged = tag_entries(
            [it.entry for it in items], self.lib, self.vocab, [it.prep for it in items]
        )
        for it, e in zip(items, tagged, strict=True):
            it.entry, it.tagged, it.prep = e, True, None

    @property
    def pending(self) -> int:
        """Entries the next save writes."""
        return len(self.items)

    @property
    def pending_untagged(self) -> int:
        return len(self.untagged)

    def save(self) -> SaveResult:
        """Tag the rest and save every pending entry, in one write session."""
        if not self.items:
            return SaveResult()
        with self.lib.writing():
            self.tag()
            items = list(self.items.values())
            res = self.lib.save_entries([it.entry for it in items], [it.text for it in items])
            if self.defer:
                from store.storage.pending import add_pending

                # in the same session: the entries are never stored without their journal
                add_pending(self.lib, self._chunks, [i for i in res.new if i in self.run_new])
                self._chunks.clear()
            # new content for an entry the user kept points of: they follow its text
            changed = set(res.updated)
            reattach(self.lib, (it.entry for it in items if it.entry.id in changed))
        self.updated.update(res.updated)
        self.items.clear()
        self.keys.clear()
        return res
