"""Reading: listing, opening and showing entries, with related entries and stories.

Part of the door (``store.api``); see its docstring.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from store.errors import DigestError
from store.index.mute import muted_ids
from store.index.select import select_rows
from store.models import Entry, Marks, Row, entry_to_json
from store.render import entry_text
from store.storage import navcounts
from store.storage.library import Library
from store.storage.pending import read_pending
from store.text import clean_line
from store.views import (
    Listing,
    NavData,
    Opened,
    Selection,
    SourceCount,
    count_columns,
    count_rows,
    selection_filter,
)

# Heavier floors are imported by the verbs that use them (start-up speed).
if TYPE_CHECKING:
    from store.index.stories import PointLink, Story
    from store.index.tagindex import Related
    from store.storage.rows import FirstPage


# -- reading ------------------------------------------------------------------
def resolve(lib: Library, prefix: str) -> str:
    """The full id of an entry from an id or a unique prefix of one."""
    return lib.resolve(prefix)


def list_rows(lib: Library, query: str = "") -> list[Row]:
    """Rows matching the filter language, newest first (every row for no query).

    Muted entries are left out unless the query names ``is:muted``.
    """
    return select_rows(lib, query)


def query_hints(query: str) -> list[str]:
    """What a query ignored and why ("ignored ‘©’: no letters or digits"), one line each.

    No query ignores nothing: the first screen lists without one, and the query
    language's modules (~20-40 ms to import) are not loaded for it.
    """
    if not query.strip():
        return []
    from store.index.query import query_hints as hints

    return [clean_line(h) for h in hints(query)]


def query_error_line(exc: DigestError) -> str:
    """'message (at column N)' for a query error, else the message: one safe line."""
    from store.index.query import QueryError  # loaded: a query ran

    if isinstance(exc, QueryError):
        return f"{clean_line(exc.message or str(exc))} (at column {exc.position + 1})"
    return clean_line(str(exc))


def list_view(
    lib: Library, selection: Selection, query: str, sticky: Iterable[str] = ()
) -> Listing:
    """The rows of a navigator selection and a query, with the counts beside them.

    One marks snapshot (``all_marks`` copies) is shared by the filter and the
    counts. A wrong query is not an exception but ``Listing.error`` (rows None),
    so a search box can say what is wrong while the user types on. The query
    is read as being typed: its last word is a prefix (``select_rows(live=True)``).
    Muted entries are left out of rows and counts (the Muted view lists them);
    the saved searches' counts come with the listing, cached by generation.
    """
    first = _first_page(lib, selection, query, sticky)
    if first is not None:
        # the first page's own marks when only they are read (``markscache``)
        marks, key = lib.page_marks_and_key() or lib.marks_and_key()
        nav = _stored_counts(lib, key)
        if nav is None:  # counting needs every entry's marks
            marks, key = lib.marks_and_key()
            nav = count_columns(first.by_source, marks)
            _keep_counts(lib, key, nav)
        return Listing(first.rows, marks, nav, None, lib.generation, partial=True)
    marks, key = lib.marks_and_key()
    muted = muted_ids(lib)
    error = None
    rows: list[Row] | None
    try:
        rows = _view_rows(lib, selection, query, muted)
    except DigestError as exc:  # a QueryError, or a library failure
        rows, error = None, query_error_line(exc)
    to_come = None
    if selection.kind == "tag":
        from store.index.pendingtags import projected_tags

        to_come = projected_tags(lib)
    wanted = selection_filter(selection, marks, frozenset(sticky), to_come)
    if rows is not None and wanted is not None:
        rows = [r for r in rows if wanted(r)]
    nav = count_rows(lib.rows(), marks, muted)
    if not muted:  # the counts a first page starts with (none muted there)
        _keep_counts(lib, key, nav)
    _smart_counts(lib, nav, marks, muted)
    return Listing(rows, marks, nav, error, lib.generation)


def _stored_counts(lib: Library, key: navcounts.Key) -> NavData | None:
    """The whole library's counts as stored for exactly this index and these marks."""
    got = navcounts.load(lib.dir, key)
    if got is None:
        return None
    total, unread, bookmarked, bookmarked_unread, sources = got
    lines = [SourceCount(*s) for s in sources]
    return NavData(total, unread, bookmarked, bookmarked_unread, lines)


def _keep_counts(lib: Library, key: navcounts.Key, nav: NavData) -> None:
    """Store the counts for the next start (once per index and marks: a search typed
    on lists again with the same key)."""
    if lib.caches.get(_COUNTS_KEPT) == key:
        return
    lib.caches[_COUNTS_KEPT] = key
    sources = [[s.name, s.kind, s.total, s.unread] for s in nav.sources]
    navcounts.save(
        lib.dir, key, [nav.total, nav.unread, nav.bookmarked, nav.bookmarked_unread, sources]
    )


_COUNTS_KEPT = "navcounts-kept"


def _first_page(
    lib: Library, selection: Selection, query: str, sticky: Iterable[str]
) -> FirstPage | None:
    """The first page, when the library is open on it and this listing is the first screen.

    Only All with no query, nothing sticky and no mute rule: there the newest
    rows are the view's first rows and the columns count it exactly. The
    saved searches' counts need their queries run: they come with the next
    listing (``Listing.partial``).
    """
    first = lib.first_page()
    if first is None or selection.kind != "all" or query.strip() or any(sticky):
        return None
    from store.index.mute import any_rules

    return None if any_rules(lib) else first


def _view_rows(lib: Library, selection: Selection, query: str, muted: frozenset[str]) -> list[Row]:
    """The rows of the views a query makes: a saved search, Muted, a story; else the query."""
    if selection.kind == "saved":
        from store.index.saved import find

        return select_rows(lib, f"{find(lib, selection.value).query} {query}", muted, live=True)
    if selection.kind == "muted":
        return select_rows(lib, f"is:muted {query}", muted, live=True)
    rows = select_rows(lib, query, muted, live=True)
    if selection.kind == "story":
        from store.index.storynav import story_ids

        ids = story_ids(lib, selection.value)
        rows = [r for r in rows if r.id in ids]
    return rows


def _smart_counts(
    lib: Library, nav: NavData, marks: dict[str, Marks], muted: frozenset[str]
) -> None:
    """The saved searches' counts and the number of mute rules, into ``nav``."""
    from store.index.mute import rules
    from store.index.saved import counts

    try:
        nav.saved = counts(lib, marks, muted)
        nav.rules = len(rules(lib))
    except DigestError:  # a damaged tables file: the listing goes on without them
        nav.saved, nav.rules = [], 0


def related(
    lib: Library, entry_id: str, limit: int = 10, *, complete: bool = True
) -> list[Related]:
    """Entries that say what this one says, best first, each with its reasons (<= 4).

    ``complete`` (scripts, ``show``): from the whole library, catching up
    entries without signatures first; the UI passes False (bounded work, its
    background warm-up does the rest).
    """
    from store.index.related import related_entries

    return related_entries(lib, entry_id, limit=limit, complete=complete)


def stories(lib: Library, query: str = "") -> list[Story]:
    """Stories (the same event across sources), newest first; ``query`` words filter them.

    An explicit listing places every entry not placed yet (a library of an
    older release catches up here once).
    """
    from store.index.stories import list_stories

    return list_stories(lib, query, full=True)


def story_of(lib: Library, entry_id: str, *, complete: bool = True) -> Story | None:
    """The story an entry belongs to, or None (``complete``: as for ``related``)."""
    from store.index.stories import story_of as find

    return find(lib, entry_id, complete=complete)


def point_links(lib: Library, entry_id: str, story: Story | None = None) -> list[PointLink]:
    """The entry's key points that other sources of its story state too."""
    from store.index.stories import point_links as links

    return links(lib, entry_id, story)


def open_entry(lib: Library, entry_id: str) -> Opened:
    """An entry to read: loaded, marked read, with its marks, tags and related entries."""
    entry = lib.get(entry_id)
    if not lib.marks(entry_id).read:
        lib.set_read([entry_id], True)
    return _opened(lib, entry, complete=False)


def show_entry(lib: Library, entry_id: str) -> Opened:
    """An entry to show (``digest-tui show``): like ``open_entry``, but left unread."""
    return _opened(lib, lib.get(entry_id), complete=True)


def _opened(lib: Library, entry: Entry, *, complete: bool) -> Opened:
    """Shared by the UI's open (bounded work) and the CLI's show (complete answers).

    Related entries and stories are derived (and kept) on first use; a library
    that cannot be written (read-only mount, full disk) keeps them in memory
    (``store.storage.sidecar``), so its entries show them too.
    """
    story = story_of(lib, entry.id, complete=complete)
    rel = related(lib, entry.id, complete=complete)
    # no story, no linked points: asking ``point_links`` with None would look the
    # story up (and catch up signatures) a second time
    links = point_links(lib, entry.id, story) if story is not None else []
    muted = muted_ids(lib)  # a muted entry is not offered as related either
    rel = [r for r in rel if r.id not in muted]
    pending = entry.id in read_pending(lib).ids
    tags = lib.effective_tags(entry.id)
    from store.index.simstore import unsigned

    behind = unsigned(lib)  # 0 once complete
    return Opened(
        entry, lib.marks(entry.id), tags, rel, story, links, tags_pending=pending, unsigned=behind
    )


def show_text(opened: Opened) -> str:
    """The plain-text view of an opened entry (the CLI's ``show``)."""
    auto, _user = opened.tags
    rel = [(r.id, r.title, list(r.shared_tags)) for r in opened.related]
    return entry_text(opened.entry, opened.marks, auto, rel, tags_pending=opened.tags_pending)


def entry_row(lib: Library, entry_id: str) -> Row:
    """The compact listing row of one entry (title, link, source...)."""
    return lib.row(entry_id)


def entry_marks(lib: Library, entry_id: str) -> Marks:
    """An entry's marks (read, bookmarked, the user's tags), as they are now."""
    return lib.marks(entry_id)


def entry_tags(lib: Library, entry_id: str) -> tuple[Sequence[str], Sequence[str]]:
    """An entry's tags as shown: (automatic ones not removed, the user's)."""
    return lib.effective_tags(entry_id)


def export_entries_json(lib: Library, rows: Sequence[Row], *, full: bool = True) -> list[Any]:
    """Entries of these rows as JSON-ready dicts, marks included."""
    return [
        entry_to_json(e, lib.marks(e.id), full=full) for e in lib.get_many([r.id for r in rows])
    ]
