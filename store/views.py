"""Plain results the door (``store.api``) hands to the UI and the CLI.

What the navigator counts, what a listing or an opened entry carries: frozen
or simple dataclasses, so tui/ renders them without reaching into the library.
They live here, not in ``store.models``, because they are views of a library
(counts, selections), not stored records.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import TYPE_CHECKING

from store.models import EMPTY_MARKS, Entry, Marks, Row

if TYPE_CHECKING:  # the tag index is loaded when related entries are first asked for
    from store.index.saved import SavedSearch
    from store.index.stories import PointLink, Story
    from store.index.storynav import StoryCount
    from store.index.tagindex import Related


@dataclass(frozen=True, slots=True)
class SourceCount:
    """One source's line in the navigator."""

    name: str
    kind: str
    total: int
    unread: int


@dataclass(frozen=True, slots=True)
class TagCount:
    """One tag's line: how many entries (unread of them), how many sources, and its trend."""

    tag: str
    entries: int
    sources: int = 1
    weekly: tuple[tuple[str, int], ...] = ()
    unread: int = 0


@dataclass(slots=True)
class NavData:
    """Everything the navigator shows, computed in one pass over rows and marks.

    Muted entries are in ``muted`` / ``muted_unread`` only: every other count
    leaves them out. ``rules`` is how many mute rules there are (the Muted line
    shows when there is one); ``stories`` are the newest ``STORIES_SHOWN`` of
    ``stories_total``.
    """

    total: int = 0
    unread: int = 0
    bookmarked: int = 0
    bookmarked_unread: int = 0
    sources: list[SourceCount] = field(default_factory=list)
    tags: list[TagCount] = field(default_factory=list)
    muted: int = 0
    muted_unread: int = 0
    rules: int = 0
    saved: list[SavedSearch] = field(default_factory=list)
    stories: list[StoryCount] = field(default_factory=list)
    stories_total: int = 0


_ID = operator.itemgetter(Row._fields.index("id"))
_SOURCE = operator.itemgetter(Row._fields.index("source"))
_KIND = operator.itemgetter(Row._fields.index("source_kind"))


def count_rows(
    rows: Iterable[Row], marks: Mapping[str, Marks], muted: frozenset[str] = frozenset()
) -> NavData:
    """Counts for All / Unread / Bookmarks / each source / Muted (marks is sparse).

    Counted column-wise, in C (``Counter`` over ``map``/``compress``), not by a
    Python loop over the rows: at 500k rows the per-row loop with two marks
    lookups was 0.3 s of the first screen. Only the marks are walked in Python,
    and only the read and bookmarked ones.
    """
    data = NavData()
    rows = rows if isinstance(rows, list) else list(rows)
    read = _ids_where(_READ, marks)
    if muted:
        ids = list(map(_ID, rows))
        hidden = list(map(muted.__contains__, ids))
        data.muted = sum(hidden)
        data.muted_unread = data.muted - sum(map(read.__contains__, compress(ids, hidden)))
        if data.muted:
            rows = list(compress(rows, map(operator.not_, hidden)))
    ids = list(map(_ID, rows))
    # (source, kind) pairs from zip: it reuses one tuple, where an itemgetter of
    # both fields built 500k of them and woke the garbage collector (0.5 s)
    names, kinds = list(map(_SOURCE, rows)), list(map(_KIND, rows))
    totals = Counter(zip(names, kinds, strict=True))
    read_by = Counter(compress(zip(names, kinds, strict=True), map(read.__contains__, ids)))
    _bookmarked(data, ids, marks, read)
    data.total = len(rows)
    data.unread = data.total - sum(read_by.values())
    data.sources = _source_lines(totals, read_by)
    return data


def count_columns(
    by_source: Sequence[tuple[tuple[str, str], Sequence[str]]], marks: Mapping[str, Marks]
) -> NavData:
    """``count_rows``'s figures from each source's ids, without the rows.

    For a first screen opened on a library's first page
    (``store.storage.rows.FirstPage``); nothing is muted there (the first page
    is used only when no mute rule exists). Each source's read ids are
    counted by one ``map`` over its ids, in C.
    """
    data = NavData()
    read, marked = _ids_where(_READ, marks), _ids_where(_BOOKMARKED, marks)
    totals: Counter[tuple[str, str]] = Counter()
    read_by: Counter[tuple[str, str]] = Counter()
    for source, ids in by_source:
        totals[source] += len(ids)
        read_by[source] += sum(map(read.__contains__, ids))
        if marked:
            kept = list(filter(marked.__contains__, ids))
            data.bookmarked += len(kept)
            data.bookmarked_unread += len(kept) - sum(map(read.__contains__, kept))
    data.total = sum(totals.values())
    data.unread = data.total - sum(read_by.values())
    data.sources = _source_lines(totals, read_by)
    return data


_READ = operator.attrgetter("read")
_BOOKMARKED = operator.attrgetter("bookmarked")


def read_ids(marks: Mapping[str, Marks]) -> set[str]:
    """The ids marked read (picked in C, ``_ids_where``)."""
    return _ids_where(_READ, marks)


def _ids_where(flag: Callable[[Marks], bool], marks: Mapping[str, Marks]) -> set[str]:
    """The ids whose marks have ``flag``, picked in C (``compress``): a set
    comprehension over 300k marks was 50 ms of a first screen."""
    return set(compress(marks, map(flag, marks.values())))


def _bookmarked(
    data: NavData, ids: Sequence[str], marks: Mapping[str, Marks], read: set[str]
) -> None:
    marked = _ids_where(_BOOKMARKED, marks)
    if marked:
        kept = list(compress(ids, map(marked.__contains__, ids)))
        data.bookmarked = len(kept)
        data.bookmarked_unread = data.bookmarked - sum(map(read.__contains__, kept))


def _source_lines(
    totals: Counter[tuple[str, str]], read_by: Counter[tuple[str, str]]
) -> list[SourceCount]:
    """Digests (files) first, then feeds; alphabetical within each."""
    return [
        SourceCount(name, kind, n, n - read_by[(name, kind)])
        for (name, kind), n in sorted(
            totals.items(), key=lambda kv: (kv[0][1] != "file", kv[0][0].lower())
        )
    ]


@dataclass(frozen=True, slots=True)
class Selection:
    """What the navigator points at: ``kind`` is all/unread/bookmarks/muted/source/tag/saved/story.

    ``value`` names the source, tag, saved search or story id; ``title`` is what
    a story is called (its id says nothing), left out of comparisons.
    """

    kind: str
    value: str = ""
    title: str = field(default="", compare=False)

    @property
    def option_id(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    @classmethod
    def from_option_id(cls, option_id: str) -> Selection:
        kind, _, value = option_id.partition(":")
        return cls(kind, value)

    def label(self) -> str:
        if self.kind == "source":
            return self.value
        if self.kind == "tag":
            return "#" + self.value
        if self.kind == "saved":
            return "★ " + self.value
        if self.kind == "story":
            return "Story: " + (self.title or self.value)
        return {"all": "All", "unread": "Unread", "bookmarks": "Bookmarks", "muted": "Muted"}.get(
            self.kind, self.kind
        )


def selection_filter(
    selection: Selection,
    marks: Mapping[str, Marks],
    sticky: frozenset[str] | set[str],
    to_come: Mapping[str, Sequence[str]] | None = None,
) -> Callable[[Row], bool] | None:
    """The row test of a selection (None: every row); ``sticky`` rows stay listed.

    Sticky rows are the ones opened or marked in this view: they stay under
    Unread / Bookmarks until the view changes, so the cursor does not jump.
    ``to_come``: the automatic tags a pending derivation gives, by id
    (``store.index.pendingtags``): a tag lists what it will list once derived,
    as a ``+tag`` search does.
    """
    if selection.kind == "unread":
        return lambda r: r.id in sticky or not marks.get(r.id, EMPTY_MARKS).read
    if selection.kind == "bookmarks":
        return lambda r: r.id in sticky or marks.get(r.id, EMPTY_MARKS).bookmarked
    if selection.kind == "source":
        source = selection.value
        return lambda r: r.source == source
    if selection.kind == "tag":
        tag = selection.value
        over = to_come or {}

        def has_tag(r: Row) -> bool:
            m = marks.get(r.id)
            auto = over.get(r.id, r.auto_tags)
            if m is None:
                return tag in auto
            return tag in m.user_tags or (tag in auto and tag not in m.removed_auto)

        return has_tag
    return None


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing: the rows of a view (None when the query is wrong), and its context.

    ``marks`` is the one snapshot the filter and the counts used; ``error`` the
    query's error as one line; ``generation`` the library's, so a caller can
    tell that entries changed since it last looked.
    """

    rows: list[Row] | None
    marks: dict[str, Marks]
    nav: NavData
    error: str | None
    generation: int
    # rows and counts from the first page (``Library.first_page``): list again
    # once the library's rows are loaded (``Library.complete``)
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Opened:
    """An entry as the reader shows it: the entry, its marks, tags and related entries.

    ``story`` is the story it belongs to (None: no other source reports it);
    ``point_links`` its key points that other sources state too.
    ``tags_pending``: stored readable-first and not derived yet, so its
    automatic tags (and related entries) are still to come, not absent.
    ``unsigned``: entries not compared yet (no signature): related entries
    come from the others, and the reader says so.
    """

    entry: Entry
    marks: Marks
    tags: tuple[Sequence[str], Sequence[str]]  # (automatic, the user's)
    related: list[Related]
    story: Story | None = None
    point_links: list[PointLink] = field(default_factory=list)
    tags_pending: bool = False
    unsigned: int = 0


ORPHANED_NOTE = "no longer in the entry"  # what an orphaned kept point says


@dataclass(frozen=True, slots=True)
class KeptPoint:
    """A kept point as the Kept screen and ``digest-tui kept`` show it.

    ``group`` is what it is listed under: its entry's story label, else the
    entry's top tag as "#tag", else "" (no group). ``orphaned``: a re-ingest changed the
    entry and this text is no longer among its points; it is kept all the same.
    """

    entry: str
    title: str
    source: str  # the show, else the source's name
    date: str  # the entry's, YYYY-MM-DD or ""
    text: str
    note: str
    kept_at: str  # ISO-8601 UTC
    group: str
    link: str | None = None
    orphaned: bool = False

    def to_json(self) -> dict[str, str | bool | None]:
        """The ``digest-tui kept --json`` contract (one object per point)."""
        return {
            "entry": self.entry,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "text": self.text,
            "note": self.note,
            "kept_at": self.kept_at,
            "group": self.group,
            "link": self.link,
            "orphaned": self.orphaned,
        }
