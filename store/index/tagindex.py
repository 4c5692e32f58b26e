"""The tag index: which tags span sources, which entries carry a tag, what is related.

Built from the library's rows (automatic tags, no bodies) and the user's marks
(their tags, and the automatic tags they removed), so every answer reflects
exactly what the reader shows. The automatic part is cached per
``Library.generation``; the user's part is small and re-read on every call,
so a tag added a moment ago counts at once.

``related_entries`` here ranks by tags alone; the reader's related list is
ranked by content (``store.index.related``), which reuses this module's
postings for its tag share. The tag ranking: the cosine of binary tag vectors weighted by
inverse document frequency: a tag on every entry says nothing, a tag on three
says a lot. Tags in ``broad_tags`` (cost, health, policy, ...) or carried by
most of a large library still add to a score, but are never on their own
enough to call two entries related: that is what keeps a cooking digest that
mentions prices out of an AI episode's list.
"""

from __future__ import annotations

import functools
import heapq
import math
import operator
import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from store.errors import NotFound, Stopped
from store.index import wordlists
from store.index.tagids import normalize_tag
from store.models import Marks, Row
from store.storage.library import Library

__all__ = [
    "Related",
    "TagStat",
    "all_tags",
    "related_entries",
    "span_legend",
    "tag_postings",
    "tag_summary",
    "tagged",
    "trend_weeks",
]

MIN_SCORE = 0.05
TREND_WEEKS = 8  # columns of every tag's trend (the navigator's and `digest-tui tags`')
COMMON_SHARE = 0.5  # a tag on more than half of a library of MIN_LIBRARY entries is "common"
MIN_LIBRARY = 20
OTHER_SOURCE_BONUS = 1.25
OTHER_SHOW_BONUS = 1.1


@dataclass(frozen=True, slots=True)
class TagStat:
    """One line of `digest-tui tags`: how far a tag reaches, and its trend."""

    tag: str
    kind: str  # "auto" | "user" | "both"
    entries: int
    sources: int
    weekly: tuple[tuple[str, int], ...]  # (ISO week label, count) over ``trend_weeks``
    week_starts: tuple[str, ...] = ()  # each week's Monday, ISO date: what a legend names

    def to_json(self) -> dict[str, object]:
        return {
            "tag": self.tag,
            "kind": self.kind,
            "entries": self.entries,
            "sources": self.sources,
            "weekly": [[w, n] for w, n in self.weekly],
            "week_starts": list(self.week_starts),
        }


@dataclass(frozen=True, slots=True)
class Related:
    """An entry related to another, and why (its reasons, most specific first).

    ``shared_tags`` keeps its name (the JSON contract) but holds the reasons:
    shared tags, phrases or figures. ``show``, ``source`` and ``date`` say
    where the related entry comes from, so a reader can show it without a lookup.
    """

    id: str
    title: str
    score: float
    shared_tags: tuple[str, ...]
    show: str | None = None
    source: str = ""
    date: str = ""


# --------------------------------------------------------------------------
# effective tags
# --------------------------------------------------------------------------


@functools.cache
def broad_tags() -> frozenset[str]:
    """Tag ids that never relate two entries on their own (``words/broad_tags.txt``)."""
    return frozenset(normalize_tag(t) for t in wordlists.broad_tags())


# an automatic tag's entries: a tuple (8 bytes an id; a set took ~42, 10.5 MB at
# 100k entries); the user's tags are few, and sets
AutoPostings = dict[str, tuple[str, ...]]
Postings = dict[str, set[str]]

# slots in ``lib.caches``: the automatic postings by library generation, and
# the effective (auto, user) postings by generation and the marks' tag stamp
_AUTO_KEY = "tagindex.auto"
_EFFECTIVE_KEY = "tagindex.effective"
_LOCK = threading.Lock()


def _auto_postings(lib: Library) -> AutoPostings:
    with _LOCK:
        hit: tuple[int, AutoPostings] | None = lib.caches.get(_AUTO_KEY)
        if hit is not None and hit[0] == lib.generation:
            return hit[1]
        lists: dict[str, list[str]] = {}
        for r in lib.rows():
            tags = r.auto_tags
            for t in tags if len(tags) < 2 else dict.fromkeys(tags):  # a tag twice: one posting
                lists.setdefault(t, []).append(r.id)
        postings = {t: tuple(ids) for t, ids in lists.items()}
        lib.caches[_AUTO_KEY] = (lib.generation, postings)
        return postings


def tag_postings(lib: Library) -> tuple[AutoPostings, Postings]:
    """(auto tag -> ids, user tag -> ids), removed automatic tags taken out.

    Cached by library generation and the marks' tag stamp, so a tag the user
    added a moment ago counts at once and nothing is recomputed while neither
    changed (a 100k library has ~60k marks to walk): a read mark, written on
    every open, changes no tag and keeps the cache.
    """
    key = (lib.generation, lib.tag_stamp)
    with _LOCK:
        hit: tuple[object, tuple[AutoPostings, Postings]] | None = lib.caches.get(_EFFECTIVE_KEY)
    if hit is not None and hit[0] == key:
        return hit[1]
    result = _compute_postings(lib)
    with _LOCK:
        lib.caches[_EFFECTIVE_KEY] = (key, result)
    return result


def _compute_postings(lib: Library) -> tuple[AutoPostings, Postings]:
    """The automatic postings less the tags the user removed (only those tags are
    copied), and the user's tags."""
    auto = _auto_postings(lib)
    marks = lib.all_marks()
    user: Postings = {}
    removed: dict[str, set[str]] = {}
    for eid, m in marks.items():
        for t in m.user_tags:
            user.setdefault(t, set()).add(eid)
        for t in m.removed_auto:
            removed.setdefault(t, set()).add(eid)
    changed = {t: gone for t, gone in removed.items() if t in auto}
    if changed:
        auto = dict(auto)
        for t, gone in changed.items():
            kept = tuple(i for i in auto[t] if i not in gone)
            if kept:
                auto[t] = kept
            else:
                del auto[t]
    return auto, user


def _effective(row: Row, m: Marks | None) -> set[str]:
    if m is None:
        return set(row.auto_tags)
    return {t for t in row.auto_tags if t not in m.removed_auto} | set(m.user_tags)


# --------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------


def _week(d: str, memo: dict[str, tuple[int, int] | None]) -> tuple[int, int] | None:
    key = d[:10]
    if key in memo:
        return memo[key]
    try:
        y, w, _ = date.fromisoformat(key).isocalendar()
        out: tuple[int, int] | None = (y, w)
    except ValueError:
        out = None
    memo[key] = out
    return out


def _week_label(yw: tuple[int, int]) -> str:
    return f"{yw[0]:04d}-W{yw[1]:02d}"


def _week_start(yw: tuple[int, int]) -> str:
    return date.fromisocalendar(yw[0], yw[1], 1).isoformat()


def trend_weeks(lib: Library) -> list[tuple[int, int]]:
    """The weeks every tag's trend covers: the library's latest ``TREND_WEEKS``
    (ISO) weeks that hold at least one dated entry, oldest first.

    Why weeks with entries, not the weeks before today or N equal buckets over
    the first..last date: a digest library is bursty. A folder of last
    spring's digests plus one post from this week would, counted back from
    today (or from the newest entry), spend every column but one on weeks
    that hold nothing at all, for every tag alike; equal buckets over the
    whole span would make each column months wide and no longer a week. A
    week without a single entry says nothing about any tag, so it gets no
    column; a week with entries but none carrying a tag is a real zero. A
    library read every week gets exactly its last ``TREND_WEEKS`` calendar
    weeks. ``span_legend`` says when weeks were skipped.
    """
    return _span_of(set(map(_DAY, map(_DATE, lib.rows()))), {})


def _span_of(days: set[str], memo: dict[str, tuple[int, int] | None]) -> list[tuple[int, int]]:
    """``trend_weeks`` of the rows' distinct days (a week per day, not per row)."""
    weeks = {wk for d in days if d and (wk := _week(d, memo))}
    return sorted(weeks)[-TREND_WEEKS:]


TREND_BLOCKS = "▁▂▃▄▅▆▇█"


def trend_chart(weekly: Sequence[tuple[str, int]], weeks: int | None = None) -> str:
    """A one-line block chart of a tag's weekly counts (the last ``weeks`` if given).

    One chart for the CLI's `tags` and the navigator, so both draw a tag the
    same. A week without entries is ``·`` (never a space, which a pager
    squeezes, or a bar), so every tag's chart has the same width and the
    column stays aligned; one entry is at least ``▁`` (scaled up, to the
    tag's busiest week). Empty only when the library has no dated weeks.
    """
    counts = [max(0, int(c)) for _w, c in (weekly[-weeks:] if weeks else weekly)]
    top = max(counts, default=0)
    return "".join(
        "·" if c == 0 else TREND_BLOCKS[min(7, (c * 8 + top - 1) // top - 1)] for c in counts
    )


def span_legend(weekly: Sequence[tuple[str, int]]) -> str:
    """One line naming the weeks a trend covers, from its ISO week labels.

    "weeks: 2025-03-03 … 2025-04-21" (each week by its Monday); when weeks
    without entries were skipped it says so, because then the columns are
    not evenly spaced in time.
    """
    labels = [w for w, _n in weekly]
    if not labels:
        return "weeks: none (no dated entries)"
    yws = [(int(w[:4]), int(w[6:])) for w in labels]
    first, last = _week_start(yws[0]), _week_start(yws[-1])
    span = f"weeks: {first} … {last}" if len(yws) > 1 else f"week: {first}"
    calendar = (date.fromisoformat(last) - date.fromisoformat(first)).days // 7 + 1
    if calendar > len(yws):
        span += f" ({len(yws)} weeks that hold entries; weeks without any are left out)"
    return span


def origin(r: Row) -> tuple[str, str]:
    """Who said it: a source and a show (two shows of one digest are two voices).

    The one meaning of "sources" wherever a count of them is shown or a rule
    needs two: a tag's, a story's, a brief group's, tag discovery's.
    """
    return _voice(r.source, r.show)


def _voice(source: str, show: str | None) -> tuple[str, str]:
    return (source.casefold(), (show or "").casefold())


def tag_summary(lib: Library, stop: Callable[[], bool] | None = None) -> list[TagStat]:
    """Every tag: entries, distinct sources, kind, weekly counts; cross-source first.

    ``stop`` is asked before each tag (a 500k library's summary is ~1.5 s of
    work, which a quit waited for); when it says so, ``Stopped`` is raised.

    Every tag's weekly series covers the same weeks (``trend_weeks``), zeros
    included, so trends line up row under row and a tag absent from those
    weeks shows zeros rather than nothing.

    Each entry's voice (``origin``) and week are looked up once per distinct
    source and show, and per distinct day, then every tag's entries are mapped
    to them in C (``map`` over a dict, ``Counter``): asked entry by entry in
    Python, a 500k library's 21 tags (2.5M postings) took 2 s.
    """
    auto, user = tag_postings(lib)
    rows = lib.rows()
    memo: dict[str, tuple[int, int] | None] = {}
    days = set(map(_DAY, map(_DATE, rows)))
    span = _span_of(days, memo)
    in_span = set(span)
    pairs = set(zip(map(_SOURCE, rows), map(_SHOW, rows), strict=True))
    voice_by_pair = {p: _voice(*p) for p in pairs}
    week_by_day = {
        d: (wk if (wk := _week(d, memo) if d else None) in in_span else None) for d in days
    }
    # each entry's (voice, week), one object per distinct pair: a dict of 500k
    # entries pointing at a few thousand tuples, not 500k tuples of its own
    shared: dict[_VoiceWeek, _VoiceWeek] = {}
    keys = zip(
        map(voice_by_pair.__getitem__, zip(map(_SOURCE, rows), map(_SHOW, rows), strict=True)),
        map(week_by_day.__getitem__, map(_DAY, map(_DATE, rows))),
        strict=True,
    )
    of = dict(zip(map(_ID, rows), map(lambda k: shared.setdefault(k, k), keys), strict=True))
    labels = [_week_label(w) for w in span]
    starts = tuple(_week_start(w) for w in span)
    out: list[TagStat] = []
    for tag in set(auto) | set(user):
        if stop is not None and stop():
            raise Stopped
        a = auto.get(tag, ())
        u = of.keys() & user.get(tag, set())
        tagged_ids: Collection[str] = u.union(a) if u else a
        if not tagged_ids:
            continue
        kind = "both" if a and u else ("auto" if a else "user")
        found = list(map(of.__getitem__, tagged_ids))
        sources = set(map(_FIRST, found))
        counts = Counter(map(_SECOND, found))
        weekly = tuple(zip(labels, (counts.get(w, 0) for w in span), strict=True))
        out.append(TagStat(tag, kind, len(tagged_ids), len(sources), weekly, starts))
    out.sort(key=lambda s: (s.sources < 2, -s.sources, -s.entries, s.tag))
    return out


_ID, _SOURCE, _SHOW = (operator.attrgetter(f) for f in ("id", "source", "show"))
_DATE = operator.attrgetter("date")
_DAY = operator.itemgetter(slice(None, 10))
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
_VoiceWeek = tuple[tuple[str, str], tuple[int, int] | None]


def all_tags(lib: Library) -> list[str]:
    """Every tag in use (automatic and the user's), sorted: for completion."""
    auto, user = tag_postings(lib)
    return sorted(set(auto) | set(user))


# --------------------------------------------------------------------------
# related entries
# --------------------------------------------------------------------------


def _norm_title(r: Row) -> str:
    return " ".join((r.title or "").casefold().split())


def _is_duplicate(a: Row, b: Row) -> bool:
    if a.link and b.link and a.link == b.link:
        return True
    ta, tb = _norm_title(a), _norm_title(b)
    return bool(ta) and ta == tb and (a.show or "").casefold() == (b.show or "").casefold()


def related_entries(lib: Library, entry_id: str, limit: int = 10) -> list[Related]:
    """Entries sharing informative tags with ``entry_id``, best first (tags alone).

    The reader ranks by content (``store.index.related``); this tag-only
    ranking stays for comparison (``bench``) and for scripts that used it.

    Score: cosine of IDF-weighted tag vectors, times a bonus for another
    source (or another show of the same digest). Excluded: the entry itself,
    exact duplicates (same link, or same title and show), and entries whose
    only shared tags are broad or common.
    """
    target = lib.row(entry_id)
    auto, user = tag_postings(lib)
    marks = lib.all_marks()
    mine = _effective(target, marks.get(entry_id))
    if not mine:
        return []
    n = max(len(lib), 1)
    df: dict[str, int] = {}
    for t in mine:
        df[t] = _df(t, auto, user)

    def idf(t: str) -> float:
        d = df.get(t)
        if d is None:
            d = _df(t, auto, user)
            df[t] = d
        return math.log((n + 1) / max(d, 1))

    common_at = COMMON_SHARE * n if n >= MIN_LIBRARY else n
    # a tag on every entry (or most of a big library) cannot tell entries apart
    useful = [t for t in mine if df[t] < n and df[t] <= max(common_at, 2) and idf(t) > 0]
    if not useful:
        return []
    scores: dict[str, float] = {}
    for t in useful:
        w = idf(t) ** 2
        for i in tagged(t, auto, user):
            if i != entry_id:
                scores[i] = scores.get(i, 0.0) + w
    norm_me = math.sqrt(sum(idf(t) ** 2 for t in useful))
    useful_set = set(useful)
    broad = broad_tags()
    results: list[Related] = []
    # only the best raw overlaps can make the list: normalise those, not every hit
    shortlist = heapq.nlargest(max(limit * 20, 200), scores.items(), key=lambda kv: kv[1])
    for i, raw in shortlist:
        try:
            row = lib.row(i)
        except NotFound:
            continue
        if _is_duplicate(target, row):
            continue
        theirs = _effective(row, marks.get(i))
        shared = mine & theirs
        strong = [t for t in shared & useful_set if t not in broad]
        if not strong:
            continue
        their_useful = [t for t in theirs if _informative(t, df, auto, user, n, common_at)]
        norm_them = math.sqrt(sum(idf(t) ** 2 for t in their_useful)) or 1.0
        score = raw / (norm_me * norm_them)
        if row.source != target.source:
            score *= OTHER_SOURCE_BONUS
        elif (row.show or "") != (target.show or ""):
            score *= OTHER_SHOW_BONUS
        if score < MIN_SCORE:
            continue
        reasons = sorted(shared, key=lambda t: (t in broad, -idf(t), t))
        results.append(Related(i, row.title, score, tuple(reasons), row.show, row.source, row.date))
    results.sort(key=lambda r: (-r.score, r.title, r.id))
    return results[:limit]


def tagged(t: str, auto: Mapping[str, tuple[str, ...]], user: Mapping[str, set[str]]) -> set[str]:
    """Every entry tagged ``t``, automatically or by the user (``tag_postings``): a new set."""
    return user.get(t, set()).union(auto.get(t, ()))


def _df(t: str, auto: Mapping[str, tuple[str, ...]], user: Mapping[str, set[str]]) -> int:
    """Entries tagged ``t``: the automatic ones, and the user's not among them (few
    or none: the posting tuple is walked only when the user tagged some)."""
    mine = user.get(t)
    return len(auto.get(t, ())) + (len(mine.difference(auto.get(t, ()))) if mine else 0)


def _informative(
    t: str,
    df: dict[str, int],
    auto: Mapping[str, tuple[str, ...]],
    user: Mapping[str, set[str]],
    n: int,
    common_at: float,
) -> bool:
    d = df.get(t)
    if d is None:
        d = _df(t, auto, user)
        df[t] = d
    return d < n and d <= max(common_at, 2)
