"""The brief: what arrived since the last visit, grouped by story, else by a shared specific tag.

Why "arrived" and not "published": a refresh brings in items dated days ago
(a weekly digest, a feed read after a holiday), and those are exactly what the
user has not seen. The library keeps no arrival time per entry, so the brief
keeps its own record of what the user was shown: the ids known at the last
visit (``brief-seen.json``, a side file: at 100k entries it is about 1.3 MB,
too big for the state tables file that every settings change rewrites) and
the time of that visit (state table ``brief``, key ``visit``). New is "in the
library, not in the seen set". The visit advances when the UI quits (and
with ``digest-tui brief --mark-seen``); reading the brief, in the UI or from
the shell, does not, so ``B`` shows the same window all session long. A library never visited has no record: all of
it is new, and the UI does not open on the brief (a first run shows the
samples in the main screen).

Grouping, best evidence first:

* a **story** (``store.index.stories``: the same event across sources, by
  content) with two or more new entries of two origins or more is a group;
* the rest are grouped by their most **salient shared tag**: an entry's auto
  tags are in salience order, so a tag scores more the earlier it comes in its
  entries; a group needs entries of two origins (one show's episodes sharing
  its name are no theme) and never forms on a generic tag (the broad tag list,
  the salience module's generic topics, or a tag carried by a large share of
  a library big enough to tell);
* what is left are the **singletons**, listed after the groups.

Muted entries never appear: the caller passes their ids (``hidden``). Groups
the user hid (``x``) stay hidden through a state table keyed by group id
(``brief-hidden``), changed with a label so ``u`` takes a hide back. A story
group's id is the story's own (hiding an event hides its later reports too);
a tag group's id includes the window it was built for, so hiding today's
"#ridgeline" does not hide next week's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from store.index.salience import is_generic
from store.index.tagindex import broad_tags, origin
from store.index.tokens import fold
from store.models import Row, short_hash
from store.storage.library import Library
from store.storage.rows import index_stamp

__all__ = [
    "HIDDEN_TABLE",
    "SEEN_NAME",
    "VISIT_TABLE",
    "Brief",
    "BriefEntry",
    "BriefGroup",
    "BriefPoint",
    "build",
    "hidden_groups",
    "hide_group",
    "last_visit",
    "mark_seen",
]

VISIT_TABLE = "brief"  # key "visit": {"at": ISO time of the last visit}
HIDDEN_TABLE = "brief-hidden"  # group id -> {"label": ..., "at": ...}
SEEN_NAME = "brief-seen.json"  # {"v": 1, "ids": "id id ..."}: what the last visit knew
SEEN_VERSION = 1
MAX_POINTS = 4  # key points a group shows
COMMON_SHARE = 0.2  # a tag on more than this share of the library is not specific...
COMMON_MIN_LIBRARY = 30  # ...when the library is big enough for shares to mean something
GROUP_LABEL_TAGS = 3


@dataclass(frozen=True, slots=True)
class BriefEntry:
    """A new entry as the brief lists it (``source``: the show, else the source name)."""

    id: str
    title: str
    source: str
    date: str
    link: str | None = None
    read: bool = False


@dataclass(frozen=True, slots=True)
class BriefPoint:
    """One key point a group shows, with the entry that states it."""

    text: str
    entry: str
    source: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class BriefGroup:
    """New entries about one thing: a story (``kind`` "story") or a shared tag ("tag")."""

    id: str
    kind: str
    label: str
    entries: tuple[BriefEntry, ...]
    points: tuple[BriefPoint, ...]
    origins: int  # distinct (source, show) voices

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(e.source for e in self.entries))

    @property
    def unread(self) -> int:
        return sum(1 for e in self.entries if not e.read)

    @property
    def counts(self) -> str:
        """ "3 shows · 5 entries": voices, then entries."""
        voices = f"{self.origins} show{'s' if self.origins != 1 else ''}"
        n = len(self.entries)
        return f"{voices} · {n} entr{'y' if n == 1 else 'ies'}"


@dataclass(frozen=True, slots=True)
class Brief:
    """The brief of one window: groups first, then singletons.

    ``since``: the last visit's time (ISO), the ``--since`` date as given, or
    None for a library never visited. ``new_ids``: every new id of the window,
    muted and hidden ones included: marking the visit seen covers them all.
    """

    since: str | None
    groups: tuple[BriefGroup, ...]
    singletons: tuple[BriefEntry, ...]
    new_ids: frozenset[str]
    hidden: int = 0  # groups left out because the user hid them

    @property
    def empty(self) -> bool:
        return not self.groups and not self.singletons


# -- the visit -------------------------------------------------------------------


def last_visit(lib: Library) -> str | None:
    """When the user last looked (ISO, UTC), or None if never."""
    visit = lib.state_table(VISIT_TABLE).get("visit")
    at = visit.get("at") if isinstance(visit, dict) else None
    return at if isinstance(at, str) else None


def _seen(lib: Library) -> frozenset[str]:
    data = lib.read_sidecar(SEEN_NAME)
    if not isinstance(data, dict) or not isinstance(data.get("ids"), str):
        return frozenset()
    return frozenset(data["ids"].split())


def mark_seen(lib: Library, ids: Iterable[str] | None) -> bool:
    """The user has seen these ids (a ``brief --mark-seen``), or with None every row
    of the library as it is when this runs (the user quits the UI).

    The seen set first, then the visit time (a kill in between leaves those ids
    seen under the older time: nothing shows twice, nothing is missed). Ids no
    longer in the library are dropped. Nothing is written when nothing is new
    (but the stamp below, once), so quitting an unchanged library writes
    nothing. True when it wrote.

    Every row (None): taken in the write session, after it has caught up with
    another process's writes, so the index stamp the visit then keeps is the
    one of those rows; a quit while ``library.json`` is as it was then reads
    neither the rows nor the seen set: that set holds every id (~8 MB of JSON
    at 500k entries), and each quit read it whole (~50 ms at 100k). The set
    written is then the rows' ids as they are, in their order: no old set to
    read on a first visit, no set of the live ids and no sort (a first quit at
    500k took 1.5 s, most of it sorting 500k ids).
    """
    if not lib.index_path.exists():
        return False  # a library never written has nothing to see (and is not created)
    whole = ids is None
    with lib.writing():
        table = lib.state_table(VISIT_TABLE)
        visit = table.get("visit")
        visited = isinstance(visit, dict) and isinstance(visit.get("at"), str)
        stamp = list(index_stamp(lib.index_path) or ())  # as the visit record keeps it
        if whole and visited and visit.get("all_of") == stamp:
            return False  # every row was seen, and no row changed since
        order = [r.id for r in lib.rows()] if ids is None else list(ids)
        # what was seen before matters only to know whether anything is new, or to
        # keep it beside a part of the library (every row seen keeps every row)
        seen = _seen(lib) if visited or not whole else frozenset()
        if visited and seen.issuperset(order):
            if whole:  # the stamp, so the next quit is cheap
                table.set("visit", {**visit, "all_of": stamp})
            return False
        keep = order if whole else sorted(seen.union(order) & {r.id for r in lib.rows()})
        lib.write_sidecar(SEEN_NAME, {"v": SEEN_VERSION, "ids": " ".join(keep)})
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        record: dict[str, object] = {"at": at}
        if whole:
            record["all_of"] = stamp
        table.set("visit", record)
    return True


# -- hidden groups ---------------------------------------------------------------


def hidden_groups(lib: Library) -> dict[str, Any]:
    """Group id -> what was hidden (its label and when)."""
    return lib.state_table(HIDDEN_TABLE).items()


def hide_group(lib: Library, group: BriefGroup) -> None:
    """Hide a group for good: one undo step ("hide ...")."""
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    value = {"label": group.label, "at": at}
    lib.state_table(HIDDEN_TABLE).update(
        lambda items: {**items, group.id: value}, label=f"hide {group.label}"
    )


# -- building --------------------------------------------------------------------


def _voice(r: Row) -> str:
    return r.show or r.source


def _entry(r: Row, read: bool) -> BriefEntry:
    return BriefEntry(r.id, r.title, _voice(r), r.date, r.link, read)


def build(
    lib: Library,
    *,
    since: str | None = None,
    hidden: Collection[str] = (),
    complete: bool = True,
) -> Brief:
    """The brief of what is new: since the last visit, or since a date (the filter
    language's bounds: ``2025-04-10``, ``7-days-ago``) when ``since`` is given.

    ``hidden``: ids never to show (muted entries). ``complete``: place every
    entry in its story first (a one-shot command); the UI passes False, for
    bounded work (the newest entries; its background warm-up does the rest),
    and what is not placed yet is grouped by its tags.
    """
    window: str | None
    if since is not None:
        from store.index.select import select_rows

        rows = select_rows(lib, f"@{since.strip()}..")
        window = since.strip()
    else:
        visit = last_visit(lib)
        seen = _seen(lib) if visit is not None else frozenset()
        rows = [r for r in lib.rows() if r.id not in seen]
        window = visit
    new_ids = frozenset(r.id for r in rows)
    leave_out = set(hidden)
    rows = [r for r in rows if r.id not in leave_out]
    marks = lib.all_marks()

    def read(eid: str) -> bool:
        m = marks.get(eid)
        return m is not None and m.read

    groups: list[tuple[str, str, str, list[Row], list[tuple[str, int]]]] = []
    left = _story_groups(lib, rows, groups, complete)
    left = _tag_groups(lib, left, groups, window or "")
    shut = hidden_groups(lib)
    kept = [g for g in groups if g[0] not in shut]
    content = _key_points(lib, [r.id for g in kept for r in g[3]])
    out = []
    for gid, kind, label, members, shared in kept:
        points = _best_points(members, content, shared)
        entries = tuple(_entry(r, read(r.id)) for r in members)
        out.append(BriefGroup(gid, kind, label, entries, points, len({origin(r) for r in members})))
    out.sort(key=lambda g: (-g.origins, -len(g.entries), g.label.casefold(), g.id))
    singles = tuple(_entry(r, read(r.id)) for r in left)
    return Brief(window, tuple(out), singles, new_ids, len(groups) - len(kept))


Pending = list[tuple[str, str, str, list[Row], list[tuple[str, int]]]]


def _story_groups(lib: Library, rows: list[Row], out: Pending, complete: bool) -> list[Row]:
    """Stories with new entries of two origins or more; the rows left over."""
    if len(rows) < 2:
        return rows
    from store.index.stories import list_stories  # the content index: only when needed

    by_id = {r.id: r for r in rows}
    taken: set[str] = set()
    for story in list_stories(lib, full=complete):
        members = [by_id[e.id] for e in story.entries if e.id in by_id and e.id not in taken]
        if len(members) < 2 or len({origin(r) for r in members}) < 2:
            continue
        ids = {r.id for r in members}
        shared = [
            (eid, i)
            for p in sorted(story.points, key=lambda p: -len(p.entries))
            for eid, i, _t in p.at[:1]
            if eid in ids
        ]
        out.append((story.id, "story", story.label or _tag_label(story.tags), members, shared))
        taken |= ids
    return [r for r in rows if r.id not in taken]


def _specific(lib: Library) -> Any:
    """A test for tags specific enough to group on."""
    broad = broad_tags()
    total = len(lib)
    counts: dict[str, int] | None = None
    if total >= COMMON_MIN_LIBRARY:
        from store.index.tagindex import tag_postings

        auto, _user = tag_postings(lib)
        counts = {t: len(ids) for t, ids in auto.items()}

    def specific(tag: str) -> bool:
        if tag in broad or is_generic(tag):
            return False
        return counts is None or counts.get(tag, 0) <= COMMON_SHARE * total

    return specific


def _tag_groups(lib: Library, rows: list[Row], out: Pending, window: str) -> list[Row]:
    """Group rows by their most salient shared specific tag, greedily; the rows left."""
    specific = _specific(lib)
    tags: dict[str, list[str]] = {}
    for r in rows:
        auto, _user = lib.effective_tags(r.id)
        tags[r.id] = [t for t in auto if specific(t)]
    left = list(rows)
    while True:
        weight: dict[str, float] = {}
        holders: dict[str, list[Row]] = {}
        for r in left:
            for rank, t in enumerate(tags[r.id]):
                weight[t] = weight.get(t, 0.0) + 1.0 / (1 + rank)
                holders.setdefault(t, []).append(r)
        best = None
        for t, members in holders.items():
            voices = len({origin(r) for r in members})
            if len(members) < 2 or voices < 2:
                continue
            key = (weight[t], voices, t)
            if best is None or key > best[0]:
                best = (key, t)
        if best is None:
            return left
        tag = best[1]
        members = holders[tag]
        shared = [tag] + [
            t for t in tags[members[0].id] if t != tag and all(t in tags[m.id] for m in members)
        ]
        gid = "t" + short_hash(tag, window, length=10)
        out.append((gid, "tag", _tag_label(shared), members, []))
        ids = {r.id for r in members}
        left = [r for r in left if r.id not in ids]


def _tag_label(tags: Sequence[str]) -> str:
    return " · ".join("#" + t for t in tags[:GROUP_LABEL_TAGS])


def _key_points(lib: Library, ids: list[str]) -> dict[str, tuple[str, ...]]:
    if not ids:
        return {}
    return {e.id: e.key_points for e in lib.get_many(ids)}


def _best_points(
    members: list[Row], content: dict[str, tuple[str, ...]], shared: list[tuple[str, int]]
) -> tuple[BriefPoint, ...]:
    """A few points several sources state, then each entry's first points in turn.

    Shared points are capped at half the room and the rest goes round-robin
    over the members not heard yet first, so a group of three shows shows three
    voices rather than one show's whole list; the same text twice counts once.
    """
    rows = {r.id: r for r in members}
    first = [p for p in shared if p[1] < len(content.get(p[0], ()))][: MAX_POINTS // 2]
    depth = max((len(content.get(r.id, ())) for r in members), default=0)
    heard = {eid for eid, _i in first}
    order = [r for r in members if r.id not in heard] + [r for r in members if r.id in heard]
    picked = list(first)
    for i in range(depth):
        picked += [(r.id, i) for r in order if i < len(content.get(r.id, ()))]
    out: list[BriefPoint] = []
    said: set[str] = set()
    for eid, i in picked:
        text = content[eid][i].strip()
        key = fold(text)
        if not text or key in said:
            continue
        said.add(key)
        r = rows[eid]
        out.append(BriefPoint(text, eid, _voice(r), r.link))
        if len(out) == MAX_POINTS:
            break
    return tuple(out)
