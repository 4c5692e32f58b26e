"""The one door: every verb the UI and the CLI need, over plain objects.

tui/ (the Textual app and the ``digest-tui`` command) imports this module,
``store.models``, ``store.errors`` and ``store.views``, and nothing else of
store/. A key in the UI and the CLI command that does the same thing call the
same function here, so they cannot drift apart; the floors below (parse,
storage, index, sync) can be rearranged without touching tui/, since every
call into them is made here.

Functions are verb first and take a ``Library`` plus plain values; results are
the store's own dataclasses (``Entry``, ``Marks``, ``Row``, reports) or the
views of ``store.views``. Errors the user can act on are ``DigestError``s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import paths
from store.errors import DigestError, UsageError
from store.index.select import select_rows
from store.models import Entry, Marks, Row, entry_to_json
from store.render import entries_markdown, entry_text, reading_time
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library
from store.text import clean_line, screen_line, screen_text
from store.views import Listing, Opened, Selection, TagCount, count_rows, selection_filter

# Start-up speed: the UI's first paint and a scripted command need only the
# library. The heavier floors (the query language, tags, feeds with httpx,
# the doctor: ~200 ms together) are imported by the verbs that use them, all
# downward. The result types below are for annotations (tui/ imports them
# under TYPE_CHECKING too).
if TYPE_CHECKING:
    from store.config import Config as Config
    from store.index.stories import PointLink as PointLink
    from store.index.stories import Story as Story
    from store.index.tagindex import Related as Related
    from store.index.tagindex import TagStat as TagStat
    from store.storage.checks import Report as Report
    from store.sync.feeds import FeedResult as FeedResult
    from store.sync.feeds import FeedStatus as FeedStatus
    from store.sync.feeds import RefreshReport as RefreshReport
    from store.sync.ingest import IngestReport as IngestReport

# Part of the door besides the verbs: the library's types, and the text
# hygiene tui/ shares with the store (one owner: store.text).
__all__ = ["Library", "Row", "reading_time", "screen_line", "screen_text"]


# -- where things are ---------------------------------------------------------
def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The library directory: ``override``, else DIGEST_TUI_DATA_DIR, else the user's."""
    return paths.data_dir(override)


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The feeds.yaml in use: ``override``, else DIGEST_TUI_CONFIG, else the user's."""
    return paths.config_file(override)


def read_config(path: Path) -> Config:
    """Feeds, paths and topics from a feeds.yaml (a ``ConfigError`` says where it is wrong)."""
    from store.config import load_config

    return load_config(path)


def config_in_force(override: str | os.PathLike[str] | None = None) -> Config:
    """The config in force; one named with ``--config`` must exist.

    A mistyped ``--config`` used to read as "no feeds" and exit 0. A
    $DIGEST_TUI_CONFIG that names no file means "no feeds of mine" (scripts and
    tests set it so), as a missing user file falls back to the shipped one.
    """
    from store.errors import ConfigError

    path = config_path(override)
    if override and not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    return read_config(path)


def open_library(directory: Path) -> Library:
    """Open (or create) the library in ``directory``; damage raises ``LibraryError``."""
    return Library.open(directory)


def reload_if_changed(lib: Library) -> bool:
    """Pick up another process's writes; True when the rows changed."""
    return lib.reload_if_changed()


# -- reading ------------------------------------------------------------------
def resolve(lib: Library, prefix: str) -> str:
    """The full id of an entry from an id or a unique prefix of one."""
    return lib.resolve(prefix)


def list_rows(lib: Library, query: str = "") -> list[Row]:
    """Rows matching the filter language, newest first (every row for no query)."""
    return select_rows(lib, query)


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
    so a search box can say what is wrong while the user types on.
    """
    marks = lib.all_marks()
    error = None
    rows: list[Row] | None
    try:
        rows = select_rows(lib, query)
    except DigestError as exc:  # a QueryError, or a library failure
        rows, error = None, query_error_line(exc)
    wanted = selection_filter(selection, marks, frozenset(sticky))
    if rows is not None and wanted is not None:
        rows = [r for r in rows if wanted(r)]
    nav = count_rows(lib.rows(), marks)
    return Listing(rows, marks, nav, error, lib.generation)


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
    that cannot be written (read-only mount, full disk) still shows the entry,
    without them, instead of failing.
    """
    from store.errors import LibraryError

    try:
        story = story_of(lib, entry.id, complete=complete)
        rel = related(lib, entry.id, complete=complete)
        links = point_links(lib, entry.id, story)
    except LibraryError:
        story, rel, links = None, [], []
    return Opened(entry, lib.marks(entry.id), lib.effective_tags(entry.id), rel, story, links)


def show_text(opened: Opened) -> str:
    """The plain-text view of an opened entry (the CLI's ``show``)."""
    auto, _user = opened.tags
    rel = [(r.id, r.title, list(r.shared_tags)) for r in opened.related]
    return entry_text(opened.entry, opened.marks, auto, rel)


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


# -- tags -----------------------------------------------------------------------
def tags_summary(lib: Library) -> list[TagStat]:
    """Every tag with its entries, sources and weekly trend (``digest-tui tags``)."""
    from store.index.tagindex import tag_summary

    return tag_summary(lib)


def nav_tags(lib: Library) -> list[TagCount]:
    """The navigator's tags: cross-source tags first (most sources), then by size.

    Runs in the UI's background worker after a listing, so it also brings the
    topic index up to date (``warm_topics``): entries a refresh just added get
    their signatures and stories there, not when the user opens one.
    """
    tags = [TagCount(s.tag, s.entries, s.sources, tuple(s.weekly)) for s in tags_summary(lib)]
    tags.sort(key=lambda t: (-(t.sources > 1), -t.sources, -t.entries, t.tag))
    warm_topics(lib)
    return tags


def warm_topics(lib: Library) -> None:
    """Signatures and stories for entries that have none yet (bounded work per call)."""
    from store.index.stories import ensure

    ensure(lib)


def all_tag_names(lib: Library) -> list[str]:
    """Every tag in the library, for completion."""
    from store.index.tagindex import all_tags

    return list(all_tags(lib))


def user_tag(typed: str) -> str:
    """A tag as the user typed it, in the store's spelling ("Open Source" -> "open-source")."""
    from store.index.usertags import user_tag as spelled

    return spelled(typed)


def user_tags(typed: Iterable[str]) -> list[str]:
    """Several typed tags, spelled as tags; empty ones dropped."""
    return [t for t in (user_tag(x) for x in typed) if t]


def tag(lib: Library, ids: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Add the user's tags to entries; the ids that changed."""
    return lib.add_tags(ids, tags)


def untag(lib: Library, ids: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Remove tags (an automatic one stays removed); the tags the entries had."""
    had = [lib.effective_tags(eid) for eid in ids]
    present = [t for t in tags if any(t in auto or t in user for auto, user in had)]
    lib.remove_tags(ids, tags)
    return present


# -- marks ----------------------------------------------------------------------
def bookmark(lib: Library, ids: Sequence[str], on: bool = True) -> list[str]:
    """Bookmark entries (or remove their bookmarks)."""
    return lib.set_bookmarked(ids, on)


def toggle_bookmark(lib: Library, entry_id: str) -> bool:
    """Flip an entry's bookmark; True when it is now bookmarked."""
    return lib.toggle_bookmark(entry_id)


def mark_read(lib: Library, ids: Sequence[str], read: bool = True) -> list[str]:
    """Mark entries read (or unread)."""
    return lib.set_read(ids, read)


def undo(lib: Library) -> tuple[str, int] | None:
    """Take back the last mark change (one key, one command, one bulk action):
    (what it was, how many entries), or None when there is nothing to undo."""
    step = lib.undo()
    return None if step is None else (step.label, len(step.before))


def last_change(lib: Library) -> tuple[str, int] | None:
    """What ``undo`` would take back, without doing it."""
    steps = lib.undo_steps()
    return None if not steps else (steps[-1].label, len(steps[-1].before))


# -- the episode's audio ----------------------------------------------------------
def play(lib: Library, config: Config, entry_id: str) -> tuple[str, str]:
    """Start the entry's enclosure in the player, detached: (player name, url).

    ``DigestError`` says why not: no enclosure, a link that is not http(s)/file,
    no player installed.
    """
    from store.player import PLAYABLE_SCHEMES, launch, player_argv

    entry = lib.get(entry_id)
    enc = entry.enclosure
    if enc is None or not enc.url:
        raise UsageError("this entry has no audio (no enclosure)")
    if not enc.url.lower().startswith(PLAYABLE_SCHEMES):
        raise UsageError("the enclosure is not an http, https or file link")
    argv = player_argv(config.player, enc.url)
    launch(argv)
    return Path(argv[0]).name, enc.url


# -- bringing entries in --------------------------------------------------------
def ingest(lib: Library, paths_: Sequence[str], config: Config) -> IngestReport:
    """Add digest files, folders or feed files, tagged with the config's topics."""
    from store.sync.ingest import ingest_paths

    return ingest_paths(lib, paths_, topics=config.topics)


def feeds_to_refresh(lib: Library, config: Config, names: Sequence[str] | None) -> int:
    """How many feeds a refresh of ``names`` (all when empty) will fetch."""
    from store.sync.feeds import select_feeds

    return len(select_feeds(config, names or [], lib.feed_states()))


def refresh(
    lib: Library,
    config: Config,
    names: Sequence[str] | None = None,
    progress: Callable[[FeedResult], None] | None = None,
) -> RefreshReport:
    """Fetch the configured feeds (all, or those named); ``progress`` sees each one."""
    from store.sync.feeds import refresh as run_refresh

    return run_refresh(lib, config, names, progress)


def feed_statuses(lib: Library, config: Config) -> list[FeedStatus]:
    """Every configured feed with its last fetch, last success, entries and error."""
    from store.sync.feeds import feed_status

    return feed_status(lib, config)


def import_opml(opml: Path, config: Path) -> tuple[int, int, Path]:
    """Add an OPML file's feeds to feeds.yaml: (added, already known, file written)."""
    from store.opml import import_opml as add_feeds
    from store.opml import opml_target

    added, known = add_feeds(opml, config)
    return added, known, opml_target(config)


def ensure_samples(lib: Library) -> int:
    """Bundled samples for a library that never held anything; how many were added."""
    from store.sync.firstrun import ensure_samples as offer_samples

    report = offer_samples(lib)
    return report.entries_new if report is not None else 0


# -- out ------------------------------------------------------------------------
def export(
    lib: Library | None,
    fmt: str,
    query: str = "",
    *,
    bookmarked: bool = False,
    config: Path | None = None,
) -> str:
    """Entries as ``json`` or ``md`` (a query, bookmarks only), or the feeds as ``opml``."""
    if fmt == "opml":
        if config is None:
            raise UsageError("digest-tui export: OPML needs a feeds.yaml")
        from store.opml import export_opml

        return export_opml(config)
    if lib is None:
        raise UsageError(f"digest-tui export: {fmt} needs a library")
    rows = select_rows(lib, query)
    if bookmarked:
        rows = [r for r in rows if lib.marks(r.id).bookmarked]
    entries = lib.get_many([r.id for r in rows])
    if fmt == "json":
        return json.dumps(
            [entry_to_json(e, lib.marks(e.id)) for e in entries], ensure_ascii=False, indent=1
        )
    title = "Bookmarks" if bookmarked else "digest-tui export"
    return entries_markdown(((e, lib.marks(e.id)) for e in entries), title)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically, ending in one newline; never creates folders."""
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such directory")
    write_bytes_atomic(path, (text.rstrip("\n") + "\n").encode("utf-8"))


# -- the library's health -------------------------------------------------------
def doctor(directory: Path, *, fix_restore: bool = False, fix_repair: bool = False) -> Report:
    """Check every file of a data dir (which need not open), restoring/repairing if asked."""
    from store.storage.checks import diagnose
    from store.storage.doctor import repair, restore

    done: list[str] = []
    if fix_restore:
        done += restore(directory)
    if fix_repair:
        done += repair(directory)
    report = diagnose(directory)
    report.done = done
    return report


# -- UI state -------------------------------------------------------------------
def ui_state(lib: Library) -> dict[str, Any]:
    """The UI's saved state (theme, keymap); a damaged or odd file counts as empty."""
    try:
        state = lib.ui_state()
    except DigestError:
        return {}
    return state if isinstance(state, dict) else {}


def update_ui_state(lib: Library, fn: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Change the UI's saved state under the library's lock (no lost updates)."""
    lib.update_ui_state(lambda state: fn(state if isinstance(state, dict) else {}))
