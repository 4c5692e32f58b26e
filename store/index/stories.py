"""Stories: entries of different sources about the same event, grouped, with their shared points.

Why a story is more than "related": related is a ranking around one entry;
a story is a group the whole library agrees on, shown as "In story: ...
(3 sources)" and listed by ``digest-tui stories``. Two different events
that share broad words (a battery recall and a robotaxi recall: "recall,
vehicles, software update, regulator") must stay apart, so a story is built
on content similarity (``store.index.related.scores_for``: rare names,
phrases and figures weigh, broad words hardly) and with average linkage: an
entry joins a story only if it is close to its members on average, not to
one of them (no chaining through a bridge entry). Tags are left out on
purpose: they are a summary of the same content, and change with the tagger.

Incremental and cached: ``stories.json`` (a side file, written under the
library's lock) records which content (id -> content hash) was placed, the
stories, their labels and their linked points (``store.index.claims``). A
new or changed entry is placed once, oldest first; only the stories it
joins are relabelled and have their points regrouped (their members'
content is loaded, nothing else). Reading the stories of a library whose
entries were all placed reads that file and nothing else. A library that
cannot be written places its entries in memory (``store.storage.sidecar``).
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from store.errors import NotFound
from store.index import simstore
from store.index.claims import Point, group_points
from store.index.related import pair_score, scores_for
from store.index.similar import VERSION as SIG_VERSION
from store.index.simstore import SimIndex
from store.index.storydays import WINDOW_DAYS, close_in_time, signature_days, stated_day
from store.index.storyowed import all_placed, placeable, todo_rows
from store.index.tagindex import origin
from store.index.tokens import tokenize
from store.models import Row, short_hash
from store.storage import sidecar
from store.storage.library import Library

__all__ = [
    "PointLink",
    "Story",
    "StoryEntry",
    "StoryPoint",
    "ensure",
    "list_stories",
    "point_links",
    "story_of",
]

STATE_NAME = "stories.json"
VERSION = 3  # 2: each linked point keeps its own text; 3: a local file's date does not block
JOIN = 0.08  # an entry starts a story with, or joins one through, a link this close...
AVERAGE = 0.06  # ...and is this close to the story's members on average
MAX_TAGS = 4
PLACE_SHORTLIST = 60  # candidates scored exactly when an entry is placed
STORY_EVIDENCE = 3  # specific things two reports of one event share, at least
MAX_MEMBERS = 24  # a story this large takes no more reports (bounded regrouping)
IMPLICIT = 500  # entries a background call places
OPENING = 10  # entries an open places when every entry is signed (the warm-up places the bulk)
PLACE_CHUNK = 5000  # entries a complete derivation places per write of the state
MAX_LABEL = 90
_LOCK = threading.RLock()


@dataclass(frozen=True, slots=True)
class StoryEntry:
    id: str
    title: str
    source: str
    show: str | None
    date: str


@dataclass(frozen=True, slots=True)
class StoryPoint:
    """One claim several sources state: a text, and (entry id, key point index) pairs."""

    text: str
    at: tuple[tuple[str, int, str], ...]  # (entry id, point index, that point's text)

    @property
    def entries(self) -> list[str]:
        return list(dict.fromkeys(eid for eid, _i, _t in self.at))


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    label: str
    tags: tuple[str, ...]
    entries: tuple[StoryEntry, ...]
    points: tuple[StoryPoint, ...] = ()

    @property
    def sources(self) -> int:
        return len({(e.source.casefold(), (e.show or "").casefold()) for e in self.entries})


@dataclass(frozen=True, slots=True)
class PointLink:
    """Key point ``point`` of an entry, stated also by these (id, title, source, text)."""

    point: int
    also: tuple[tuple[str, str, str, str], ...]


@dataclass
class _State:
    data: dict[str, Any] = field(default_factory=dict)
    of: dict[str, str] = field(default_factory=dict)
    checked: int = -1


def _empty() -> dict[str, Any]:
    return {"v": VERSION, "sv": SIG_VERSION, "done": {}, "stories": {}}


def _valid(d: Any) -> bool:
    return (
        isinstance(d, dict)
        and d.get("v") == VERSION
        and d.get("sv") == SIG_VERSION
        and isinstance(d.get("done"), dict)
        and isinstance(d.get("stories"), dict)
    )


def _index_of(data: dict[str, Any]) -> dict[str, str]:
    return {eid: sid for sid, s in data["stories"].items() for eid in s["e"]}


def _state_of(data: Any) -> _State:
    data = data if _valid(data) else _empty()
    return _State(data, _index_of(data))


def _state(lib: Library) -> _State:
    with _LOCK:
        return sidecar.cached(lib, STATE_NAME, lambda data, _prev: _state_of(data))


def ensure(
    lib: Library,
    *,
    full: bool = False,
    opening: bool = False,
    first: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> _State:
    """Place new or changed entries (bounded, unless ``full``), then the state.

    The background warm-up after a listing places ``IMPLICIT`` per call; an
    open (``opening``) places ``first`` and, when every entry has its
    signature, up to ``OPENING`` others (one write); else ``first`` alone, in
    memory (no scan of every row, no write). ``full`` places everything,
    oldest first, ``PLACE_CHUNK`` entries per write, so the library's lock is
    never held for the whole derivation. ``stop`` (a background warm-up, asked
    before each entry): once true, what is signed and placed is kept and the
    call returns, so quitting never waits for the rest.
    """
    with _LOCK:
        st = _state(lib)
        if st.checked == lib.generation:
            return st
        gen = lib.generation
        done = st.data["done"]
        if all_placed(lib, done):
            st.checked = gen
            return st
        firsts = (first,) if first else ()
        opening = opening and not full
        limit = None if full else simstore.IMPLICIT
        ix, _ = simstore.catch_up(lib, limit, first=firsts, opening=opening, stop=stop)
        if stop is not None and stop():
            return st
        cap = PLACE_CHUNK if full else IMPLICIT
        if opening:  # every entry signed: a few placed, exact; else the opened one, in memory
            cap = OPENING if ix.checked == gen else 0
            if not cap and not placeable(lib, ix, done, first):
                return st  # placed already (or not signed): nothing to do
        days = signature_days(lib, ix)

        def step(data: Any) -> dict[str, Any]:
            return _place(lib, ix, days, data, cap, first, oldest=full, stop=stop)

        while True:
            # an open places its entry in memory only (no write of the state per open)
            new, written = sidecar.update(lib, STATE_NAME, step) if cap else (None, False)
            if new is None:  # the library cannot be written: place in memory only
                new = step(st.data)
            st = sidecar.kept(lib, STATE_NAME, _state_of(new), written=written)
            if not full or (stop is not None and stop()) or not todo_rows(lib, ix, st.data):
                break
        if all_placed(lib, st.data["done"]):
            st.checked = gen
        return st


def _place(
    lib: Library,
    ix: SimIndex,
    days: array[int],
    data: Any,
    cap: int | None,
    first: str | None = None,
    *,
    oldest: bool = False,
    stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Place the entries not yet placed into ``data``; regroup what changed.

    At most ``cap`` entries per call: the newest when a reading call asks
    (``first`` always among them), the oldest for a complete derivation; they
    are placed oldest first, so a story starts with its earliest report.
    """
    state: dict[str, Any] = data if _valid(data) else _empty()
    done: dict[str, str] = state["done"]
    stories: dict[str, dict[str, Any]] = state["stories"]
    of = _index_of(state)
    if cap == 0 and not oldest:  # an open: the opened entry alone, no scan of every row
        todo = [lib.row(first)] if first and placeable(lib, ix, done, first) else []
    else:
        todo = todo_rows(lib, ix, state)
    if cap is not None and cap > 0:
        head = [r for r in todo if r.id == first]
        part = todo[-cap:] if oldest else todo[:cap]  # rows are newest first
        todo = head + [r for r in part if r.id != first]
    todo.sort(key=lambda r: (not r.date, r.date, r.id))  # undated last: they date nothing
    changed: set[str] = set()
    for r in todo:
        if stop is not None and stop():
            break  # the rest waits for a later call: what is placed stays consistent
        done[r.id] = r.chash
        if r.id in of:
            changed.add(of[r.id])  # content changed: regroup its points
            continue
        sid = _join(lib, ix, days, r, of, stories)
        if sid is not None:
            of[r.id] = sid
            changed.add(sid)
    for sid in changed:
        stories[sid]["e"] = [e for e in stories[sid]["e"] if e in lib]
    # the key points of every regrouped story in one read (each content shard once)
    wanted = sorted({e for sid in changed for e in stories[sid]["e"]})
    content = {e.id: e.key_points for e in lib.get_many(wanted)}
    for sid in sorted(changed):
        _describe(lib, ix, stories[sid], content)
    return state


def _join(
    lib: Library,
    ix: SimIndex,
    days: array[int],
    r: Row,
    of: dict[str, str],
    stories: dict[str, dict[str, Any]],
) -> str | None:
    """The story ``r`` joins or starts (with its closest free report), or None.

    Candidates are blocked to ``WINDOW_DAYS`` around ``r``'s day before the
    shortlist, and a story of ``MAX_MEMBERS`` takes no more: bounded work
    per entry however large the library or the event.
    """
    mine = stated_day(r)
    window = None if mine is None else (days, mine - WINDOW_DAYS, mine + WINDOW_DAYS)
    sc = scores_for(ix, r.id, shortlist=PLACE_SHORTLIST, min_evidence=STORY_EVIDENCE, window=window)
    here = origin(r)
    near: dict[str, float] = {}
    for eid, s in sc.items():
        if s < JOIN:
            continue
        try:
            other = lib.row(eid)
        except NotFound:
            continue
        if origin(other) != here and close_in_time(r, other):
            near[eid] = s
    if not near:
        return None
    best: tuple[float, str] | None = None
    for sid in sorted({of[e] for e in near if e in of}):
        members = stories[sid]["e"]
        if len(members) >= MAX_MEMBERS:
            continue
        avg = sum(sc.get(m, 0.0) for m in members) / max(len(members), 1)
        # close to two thirds of the members, not to one: an overview that
        # mentions every story (a roundup, a README) cannot chain them into one
        linked = sum(1 for m in members if m in near)
        if 3 * linked < 2 * len(members):
            continue
        if avg >= AVERAGE and (best is None or avg > best[0]):
            best = (avg, sid)
    if best is not None:
        stories[best[1]]["e"].append(r.id)
        return best[1]
    free = sorted((e for e in near if e not in of), key=lambda e: (-near[e], e))
    if not free:
        return None
    mate = free[0]
    sid = "s" + short_hash(mate, r.id, length=10)
    stories[sid] = {"e": [mate, r.id], "label": "", "tags": [], "points": []}
    of[mate] = sid
    return sid


_EPISODE = re.compile(r"^\s*(?:episode|ep\.?|#)\s*\d+\s*[:.\-\u2013\u2014]\s*", re.IGNORECASE)


def _describe(
    lib: Library, ix: SimIndex, s: dict[str, Any], content: dict[str, tuple[str, ...]]
) -> None:
    """Label, tags and linked points of a story, from its members."""
    members: list[str] = s["e"]
    if len(members) < 2:
        s["label"], s["tags"], s["points"] = "", [], []
        return
    pair: dict[str, float] = {m: 0.0 for m in members}
    for i, m in enumerate(members):
        for o in members[i + 1 :]:
            sc = pair_score(ix, m, o)
            pair[m] += sc
            pair[o] += sc
    central = max(members, key=lambda m: (pair[m], m))
    title = _EPISODE.sub("", lib.row(central).title).strip()
    s["tags"] = _shared_terms(ix, members)
    if not title or len(title) > MAX_LABEL:
        title = " · ".join(s["tags"][:3]) or title[:MAX_LABEL]
    s["label"] = title
    points: list[Point] = []
    for m in members:
        o = "\x00".join(origin(lib.row(m)))
        points += [Point(m, o, i, k) for i, k in enumerate(content.get(m, ()))]
    # each point's own words are kept: showing who else states it loads no content
    s["points"] = [
        [g[0].text, [[p.entry, p.index, p.text] for p in g]] for g in group_points(points)
    ]


def _shared_terms(ix: SimIndex, members: list[str]) -> list[str]:
    """The most specific terms at least two members share (a phrase before its words)."""
    have: dict[str, int] = {}
    for m in members:
        for t in ix.vector(m) or {}:
            have[t] = have.get(t, 0) + 1
    n = max(len(ix), 1)
    scored = []
    for t, c in have.items():
        if c < 2:
            continue
        idf = math.log((n + 1) / (ix.df(ix.tid[t]) + 0.5))
        if idf > 0:
            scored.append((-(c * ix.specificity(t) * idf), t))
    scored.sort()
    out: list[str] = []
    covered: set[str] = set()
    for _s, t in scored:
        words = {t} if ":" in t else set(tokenize(t.replace("-", " ")))
        if words <= covered:
            continue
        out.append(ix.label(t))
        covered |= words
        if len(out) == MAX_TAGS:
            break
    return out


def _story(lib: Library, sid: str, s: dict[str, Any]) -> Story | None:
    rows = []
    for eid in s["e"]:
        try:
            rows.append(lib.row(eid))
        except NotFound:
            continue
    if len({origin(r) for r in rows}) < 2:
        return None
    titles = {r.id: r for r in rows}
    entries = tuple(
        StoryEntry(r.id, r.title, r.source, r.show, r.date)
        for r in sorted(rows, key=lambda r: (r.date, r.id))
    )
    points = []
    for text, at in s.get("points", []):
        refs = tuple((eid, int(i), str(t)) for eid, i, t in at if eid in titles)
        if len(refs) >= 2:
            points.append(StoryPoint(text, refs))
    return Story(sid, s.get("label", ""), tuple(s.get("tags", [])), entries, tuple(points))


def list_stories(lib: Library, query: str = "", *, full: bool = True) -> list[Story]:
    """Every story (newest first), or those whose label, tags or titles hold every query word."""
    st = ensure(lib, full=full)
    want = set(tokenize(query))
    out = []
    for sid, s in st.data["stories"].items():
        story = _story(lib, sid, s)
        if story is None:
            continue
        if want:
            have = set(tokenize(" ".join([story.label, *story.tags, *_titles(story.entries)])))
            if not want <= have:
                continue
        out.append(story)
    out.sort(key=lambda s: (max(e.date for e in s.entries), len(s.entries), s.id), reverse=True)
    return out


def _titles(entries: Iterable[StoryEntry]) -> list[str]:
    return [e.title for e in entries]


def story_of(lib: Library, entry_id: str, *, complete: bool = False) -> Story | None:
    """The story an entry belongs to (two origins or more), or None.

    ``complete``: every entry is placed first (a one-shot command).
    """
    st = ensure(lib, full=complete, opening=True, first=entry_id)
    sid = st.of.get(entry_id)
    if sid is None:
        return None
    return _story(lib, sid, st.data["stories"][sid])


def point_links(lib: Library, entry_id: str, story: Story | None = None) -> list[PointLink]:
    """For each key point of an entry that others state too: who, and in what words.

    From the story's state alone (titles and sources from the index): no
    content is loaded.
    """
    story = story if story is not None else story_of(lib, entry_id)
    if story is None:
        return []
    out = []
    for p in story.points:
        mine = [i for eid, i, _t in p.at if eid == entry_id]
        if not mine:
            continue
        also = []
        for eid, _i, text in p.at:
            if eid == entry_id:
                continue
            try:
                row = lib.row(eid)
            except NotFound:
                continue
            also.append((eid, row.title, row.show or row.source, text))
        if also:
            out.append(PointLink(mine[0], tuple(also)))
    out.sort(key=lambda x: x.point)
    return out
