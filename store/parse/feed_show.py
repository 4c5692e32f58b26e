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

__all__ = ["NEARLY_ALL", "PODCAST", "assign_shows", "show_fact", "show_rule"]

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


def _is_media(e: ParsedEntry) -> bool:
    return e.enclosure is not None and (e.enclosure.type or "").startswith(("audio/", "video/"))


def _is_digest_item(e: ParsedEntry) -> bool:
    """Digest-structured: sections and key points of its own, as a digest episode has."""
    return bool(e.sections) and not e.key_points_derived


def show_fact(e: ParsedEntry) -> str:
    """All the feed-wide rule reads of one item, in a few characters: "m" when it
    carries audio or video, then "d" and its title's separator (if any) when it is
    a digest item. A caller that parses only a feed's new items keeps the known
    items' facts, so the rule is decided over every item as a whole parse would."""
    fact = "m" if _is_media(e) else ""
    if _is_digest_item(e):
        s = _split(e.title)
        fact += "d" + (s[0] if s else "")
    return fact


PODCAST = "podcast"


def show_rule(facts: Sequence[str]) -> str:
    """The feed-wide rule from every item's ``show_fact``: PODCAST, the separator
    digest titles split at, or "" (titles stay whole)."""
    if sum(1 for f in facts if f.startswith("m")) * 2 > len(facts):
        return PODCAST
    digest = [f.lstrip("m")[1:] for f in facts if "d" in f]
    seps = Counter(s for s in digest if s)
    if not seps:
        return ""
    sep, n = seps.most_common(1)[0]
    return sep if n >= NEARLY_ALL * len(digest) else ""


def assign_shows(
    entries: Sequence[ParsedEntry],
    channel_title: str | None,
    facts: Sequence[str] | None = None,
) -> tuple[ParsedEntry, ...]:
    """The entries with ``show`` (and a split title) set by the feed-wide rule above.

    ``facts`` are ``show_fact`` of every item of the feed in document order
    (default: of ``entries``, when they are the whole feed)."""
    if not entries:
        return tuple(entries)
    rule = show_rule([show_fact(e) for e in entries] if facts is None else facts)
    if rule == PODCAST:
        if not channel_title:
            return tuple(entries)
        return tuple(e if e.show else replace(e, show=channel_title) for e in entries)
    if not rule:
        return tuple(entries)
    sep = rule
    out = list(entries)
    for i, e in enumerate(entries):
        s = _split(e.title) if _is_digest_item(e) else None
        if s and s[0] == sep:
            out[i] = replace(e, show=s[1], title=s[2])
    return tuple(out)
