"""The ``show`` of a feed's items: one rule for the whole feed, never one per item.

Why: a digest feed titles its items "Show - Title" (or "Show: Title",
"Show | Title"), and each item's show is the part before the separator. Split
item by item, a title that merely contains " - " ("Ep. 12 - Live from Chicago")
grows a bogus show, and a podcast's "Episode 34: …" loses its title. So:

* a podcast (most items carry audio or video) never splits its episode titles;
  its items' show is the channel title;
* a digest feed's items (digest-structured: sections, key points of their
  own) split only when one separator splits (nearly) every one of them, and
  then every one that has it splits the same way; a "show" that is only an
  episode number ("Episode 34", "#12", "Part 2") is no show;
* plain items (news, blog posts) keep their titles whole.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from store.models import ParsedEntry
from store.parse.common import strip_quotes

__all__ = ["NEARLY_ALL", "assign_shows"]

NEARLY_ALL = 0.9
_SEP_RE = re.compile(r"\s+([-–—|])\s+|(:)\s+")
_NUMBERING_RE = re.compile(
    r"^\W*(?:(?:episode|episodio|épisode|folge|aflevering|ep|eps|no|nr|part|teil|chapter|"
    r"season|s\d+e|#)\W{0,2}\s*)?\d[\d.\-/ ]*\W*$",
    re.I,
)


# "Story #12", "Issue 42", "Vol. 3": an item's own number, not a show's name
_NUMBERED_RE = re.compile(r"(?:#|\b(?:issue|vol|no|nr)\.?)\s*\d+\W*$", re.I)


def _split(title: str) -> tuple[str, str, str] | None:
    """(separator, show, title) of "Show - Title", or None."""
    m = _SEP_RE.search(title)
    if not m or not 0 < m.start() <= 80:
        return None
    show = title[: m.start()].strip()
    rest = strip_quotes(title[m.end() :])
    if not rest or len(show.split()) > 8 or _NUMBERING_RE.match(show) or _NUMBERED_RE.search(show):
        return None
    return (m.group(1) or m.group(2)), show, rest


def _is_podcast(entries: Sequence[ParsedEntry]) -> bool:
    media = sum(
        1
        for e in entries
        if e.enclosure is not None and (e.enclosure.type or "").startswith(("audio/", "video/"))
    )
    return media * 2 > len(entries)


def _is_digest_item(e: ParsedEntry) -> bool:
    """Digest-structured: sections and key points of its own, as a digest episode has."""
    return bool(e.sections) and not e.key_points_derived


def assign_shows(
    entries: Sequence[ParsedEntry], channel_title: str | None
) -> tuple[ParsedEntry, ...]:
    """The entries with ``show`` (and a split title) set by the feed-wide rule above."""
    if not entries:
        return tuple(entries)
    if _is_podcast(entries):
        if not channel_title:
            return tuple(entries)
        return tuple(e if e.show else replace(e, show=channel_title) for e in entries)
    digest = [i for i, e in enumerate(entries) if _is_digest_item(e)]
    if not digest:
        return tuple(entries)
    splits = {i: _split(entries[i].title) for i in digest}
    seps = Counter(s[0] for s in splits.values() if s)
    if not seps:
        return tuple(entries)
    sep, n = seps.most_common(1)[0]
    if n < NEARLY_ALL * len(digest):
        return tuple(entries)
    out = list(entries)
    for i, s in splits.items():
        if s and s[0] == sep:
            out[i] = replace(entries[i], show=s[1], title=s[2])
    return tuple(out)
