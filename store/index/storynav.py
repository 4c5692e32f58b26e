"""The navigator's Stories: each story's label, counts and trend, and the ids it lists.

Read from ``store.index.stories``' placed state without placing anything
(the background warm-up does that), cached by the stories file and the
library generation, so a listing of one story is a set lookup. Muted entries
are left out of a story's counts and listing; a story whose entries are all
muted is not shown.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.index.stories import STATE_NAME, Story
from store.index.stories import _state as stories_state
from store.index.stories import _story as one_story
from store.models import EMPTY_MARKS, Marks
from store.storage.library import Library

__all__ = ["StoryCount", "nav_stories", "story_ids"]

TREND_WEEKS = 8
_CACHE_KEY = "storynav.stories"
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class StoryCount:
    """One story's line: its label, entries (unread of them), sources, weekly counts."""

    id: str
    label: str
    entries: int
    unread: int
    sources: int
    weekly: tuple[tuple[str, int], ...] = ()


def stories_stamp(lib: Library) -> tuple[int, int, int] | None:
    """Changes whenever the stories file is rewritten (a placement, another process)."""
    try:
        st = os.stat(lib.dir / STATE_NAME)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _stories(lib: Library) -> list[Story]:
    key = (lib.generation, stories_stamp(lib))
    with _LOCK:
        hit: tuple[Any, list[Story]] | None = lib.caches.get(_CACHE_KEY)
    if hit is not None and hit[0] == key:
        return hit[1]
    # read only: placing new entries is the warm-up's job (``api.warm_topics``, run just
    # before in the same worker); placing again here doubled that work at 100k entries
    st = stories_state(lib)
    found = [s for sid, d in st.data["stories"].items() if (s := one_story(lib, sid, d))]
    found.sort(key=lambda s: (max(e.date for e in s.entries), len(s.entries), s.id), reverse=True)
    with _LOCK:
        lib.caches[_CACHE_KEY] = ((lib.generation, stories_stamp(lib)), found)
    return found


def _weekly(dates: list[str]) -> tuple[tuple[str, int], ...]:
    """Counts per ISO week from the story's first week to its last (at most TREND_WEEKS)."""
    weeks: list[tuple[int, int]] = []
    for d in dates:
        try:
            y, w, _ = date.fromisoformat(d[:10]).isocalendar()
        except ValueError:
            continue
        weeks.append((y, w))
    if not weeks:
        return ()
    first, last = min(weeks), max(weeks)
    start = date.fromisocalendar(*first, 1)
    end = date.fromisocalendar(*last, 1)
    span = min(TREND_WEEKS, (end - start).days // 7 + 1)
    out = []
    for k in range(span - 1, -1, -1):
        y, w, _ = date.fromordinal(end.toordinal() - 7 * k).isocalendar()
        out.append((f"{y:04d}-W{w:02d}", weeks.count((y, w))))
    return tuple(out)


def nav_stories(
    lib: Library, marks: Mapping[str, Marks], muted: frozenset[str]
) -> list[StoryCount]:
    """Every story with something unmuted, newest first, with its counts and trend."""
    out = []
    for story in _stories(lib):
        entries = [e for e in story.entries if e.id not in muted]
        if not entries:
            continue
        unread = sum(1 for e in entries if not marks.get(e.id, EMPTY_MARKS).read)
        sources = len({(e.source.casefold(), (e.show or "").casefold()) for e in entries})
        weekly = _weekly([e.date for e in entries])
        out.append(StoryCount(story.id, story.label, len(entries), unread, sources, weekly))
    return out


def story_ids(lib: Library, story_id: str) -> frozenset[str]:
    """The entries of one story (empty when it is gone)."""
    for story in _stories(lib):
        if story.id == story_id:
            return frozenset(e.id for e in story.entries)
    return frozenset()
