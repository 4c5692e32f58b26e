"""The user's marks: tags, bookmarks, read states, and undo of any of them.

Part of the door (``store.api``); see its docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from store.errors import Stopped
from store.storage.library import Library
from store.views import TagCount

# Heavier floors are imported by the verbs that use them (start-up speed).
if TYPE_CHECKING:
    from store.index.tagindex import TagStat


# -- tags -----------------------------------------------------------------------
def tags_summary(lib: Library, stop: Callable[[], bool] | None = None) -> list[TagStat]:
    """Every tag with its entries, sources and weekly trend (``digest-tui tags``).

    Muted entries are not counted (a tag of muted entries only is left out).
    ``stop``: as ``nav_tags``'s (``store.errors.Stopped`` when it says so).
    """
    from store.index.mute import muted_ids, tags_without_muted
    from store.index.tagindex import tag_summary

    return tags_without_muted(lib, tag_summary(lib, stop), muted_ids(lib))


def trend_legend(weekly: Sequence[tuple[str, int]]) -> str:
    """The line that names the weeks a tag's trend covers ("weeks: 2025-03-03 … 2025-04-21").

    Every tag of ``tags_summary`` covers the same weeks, so any tag's
    ``weekly`` gives the legend for the whole column.
    """
    from store.index.tagindex import span_legend

    return span_legend(weekly)


def trend_chart(weekly: Sequence[tuple[str, int]], weeks: int | None = None) -> str:
    """A tag's weekly counts as one line of blocks, "·" for an empty week (see tagindex)."""
    from store.index.tagindex import trend_chart as chart

    return chart(weekly, weeks)


def nav_tags(lib: Library, stop: Callable[[], bool] | None = None) -> list[TagCount]:
    """The navigator's tags: cross-source tags first (most sources), then by size.

    The line shows both keys it is sorted by (sources, entries), with the
    unread count beside the entries: "3/12 · 4 src". Runs in the UI's
    background worker after a listing, which then brings the topic index up to
    date (``warm_topics``): not here, so the tags are on screen first (an
    underived 100k library spent ~9 s of each start signing its next 2,000
    entries before the navigator had a tag). ``stop`` is asked between tags
    (the UI passes its worker's cancel: at 500k this is ~2 s of work a quit
    waited for); ``store.errors.Stopped`` when it says so.
    """
    from store.index.mute import muted_ids
    from store.index.tagindex import tag_postings, tagged
    from store.views import read_ids

    muted = muted_ids(lib)
    auto, user = tag_postings(lib)
    read = read_ids(lib.all_marks())
    tags = []
    for s in tags_summary(lib, stop):
        if stop is not None and stop():
            raise Stopped
        ids = tagged(s.tag, auto, user) - muted
        unread = len(ids - read)  # in C: at 500k, per id in Python, ~1 s for 21 tags
        tags.append(TagCount(s.tag, s.entries, s.sources, tuple(s.weekly), min(unread, s.entries)))
    tags.sort(key=lambda t: (-(t.sources > 1), -t.sources, -t.entries, t.tag))
    return tags


def warm_topics(lib: Library, stop: Callable[[], bool] | None = None) -> None:
    """Signatures and stories for entries that have none yet (bounded work per call).

    The UI's tag worker runs it after the navigator's tags are shown, so entries
    a refresh just added get their signatures and stories there, not when the
    user opens one; it then lists the stories again. ``stop`` is asked before
    each entry: a bounded call is still seconds on a large library behind (100k:
    3-4 s), and quitting waited for it.
    """
    from store.index.stories import ensure

    ensure(lib, stop=stop)


def all_tag_names(lib: Library) -> list[str]:
    """Every tag in the library, for completion."""
    from store.index.tagindex import all_tags

    return list(all_tags(lib))


def user_tag(typed: str, known: Callable[[], Collection[str]] | None = None) -> str:
    """A tag as the user typed it, in the store's spelling ("Open Source" -> "open-source").

    Raises ``UsageError`` saying why when the text cannot be a tag
    ("bad#tag"), so the CLI's ``tag`` and the UI's tag dialog say the same
    thing; "" when nothing was typed. ``known``: the library's tags (see
    ``known_tags``), asked only when the text could be a camel-case name's
    id typed in lower case ("cocoapods", kept whole if the library has it).
    """
    from store.index.usertags import user_tag as spelled

    return spelled(typed, known)


def user_tags(
    typed: Iterable[str], known: Callable[[], Collection[str]] | None = None
) -> list[str]:
    """Several typed tags, spelled as tags; empty ones dropped (``UsageError`` as ``user_tag``)."""
    return [t for t in (user_tag(x, known) for x in typed) if t]


def known_tags(lib: Library) -> Callable[[], Collection[str]]:
    """The library's tags for ``user_tag``, read on the first ask only (every tag
    of a large library is ~1 s at 500k entries, and most typed tags never ask)."""
    got: list[Collection[str]] = []

    def tags() -> Collection[str]:
        if not got:
            got.append(frozenset(all_tag_names(lib)))
        return got[0]

    return tags


def tag(lib: Library, ids: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Add the user's tags to entries; the ids that changed.

    Each tag must already be in the store's spelling (``user_tag``): what
    ``+tag`` in a query and ``#tag`` on screen can name. Anything else
    raises ``UsageError`` and nothing is stored.
    """
    from store.index.usertags import check_spelled

    for t in tags:
        check_spelled(t)
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
