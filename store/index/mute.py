"""Mute rules (a kill file): queries whose entries are hidden everywhere, and never deleted.

A rule is a query of the filter language (``store.index.query``): ``show:"Hard
Fork"``, ``+crypto``, ``"sponsored episode"``. Muting changes no entry and no
mark: listings, counts and the navigator leave out the ids ``muted_ids`` gives,
``is:muted`` lists them, and removing the rule brings every one back. Because
the rules are applied when a query runs, they hold for entries already in the
library and for entries that arrive later alike.

Rules come from two places, kept apart in the library's state tables:

* the user's (``M`` in the UI, ``digest-tui mute``): table ``mute``, one key per
  rule (the query, spaces collapsed), so adding or removing one is one undo step
  that another instance's rule cannot clobber;
* feeds.yaml's ``mute:`` list, mirrored into table ``config`` whenever the
  config in force changes (``store.api.sync_config``), so that every reader of
  the library (a cron script, the brief) sees them with the library alone.
  They are removed by editing feeds.yaml, not from the UI: the file is the
  user's own text, and a rule deleted in the library would come back with it.

``muted_ids`` is cached by what can change its answer: the tables file, the
library generation, the marks (only when a rule tests tags or marks) and the day
(relative dates).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from store.errors import DigestError, UsageError
from store.storage.library import Library
from store.storage.state import TABLES_NAME

# the filter language is loaded only when there are rules (start-up speed)
if TYPE_CHECKING:
    from store.index.query import Query
    from store.index.tagindex import TagStat

__all__ = [
    "CONFIG_TABLE",
    "TABLE",
    "MuteRule",
    "add_rule",
    "check_rule",
    "muted_ids",
    "remove_rule",
    "rules",
    "set_config_rules",
    "tables_stamp",
    "tags_without_muted",
]

TABLE = "mute"
CONFIG_TABLE = "config"  # what the config in force said last (see store.api.smart)
CONFIG_KEY = "mute"
_CACHE_KEY = "mute.ids"
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class MuteRule:
    """One rule: its query, where it comes from, and how many entries it hides now.

    ``origin`` is "config" (feeds.yaml: removed there) or "library" (``M``,
    ``digest-tui mute``); ``error`` says why the filter language refuses a rule
    typed into feeds.yaml (it then hides nothing).
    """

    query: str
    origin: str
    added: str = ""
    matches: int = 0
    error: str | None = None


def normalized(query: str) -> str:
    """A rule's key: the query with its spaces collapsed (the same rule typed twice is one)."""
    return " ".join(query.split())


def check_rule(query: str) -> Query:
    """The parsed rule, or a ``UsageError`` saying why it cannot be one.

    An empty rule (or punctuation only) would hide everything, and ``is:muted``
    would make rules depend on themselves: both are refused.
    """
    from store.index.query import QueryError, parse_query

    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise UsageError(f"not a usable mute rule: {exc}") from None
    if parsed.empty:
        raise UsageError("a mute rule needs a word, +tag, show:NAME or source:NAME")
    if any(t.kind == "is" and t.value == "muted" for t in parsed.terms):
        raise UsageError("a mute rule cannot use is:muted")
    return parsed


def tables_stamp(lib: Library) -> tuple[int, int, int] | None:
    """Changes whenever tables.json is rewritten (any state-table change, any process)."""
    try:
        st = os.stat(lib.dir / TABLES_NAME)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _read(lib: Library) -> tuple[list[str], dict[str, Any]]:
    """(the config's rules, the user's rules by query) as stored."""
    config = lib.state_table(CONFIG_TABLE).get(CONFIG_KEY) or []
    mine = lib.state_table(TABLE).items()
    return [str(q) for q in config if isinstance(q, str)], mine


def _evaluate(lib: Library) -> tuple[frozenset[str], dict[str, int], list[MuteRule]]:
    """Every rule with its matches, and the union of what they hide."""
    config, mine = _read(lib)
    if not config and not mine:
        return frozenset(), {}, []
    from store.index.query import run_query

    listed: list[tuple[str, str, str]] = [(q, "config", "") for q in dict.fromkeys(config)]
    seen = {normalized(q) for q in config}
    by_time = sorted(mine.items(), key=lambda kv: (str((kv[1] or {}).get("added", "")), kv[0]))
    listed += [(q, "library", str((v or {}).get("added", ""))) for q, v in by_time if q not in seen]
    hidden: set[str] = set()
    out: list[MuteRule] = []
    for query, origin, added in listed:
        try:
            check_rule(query)
            ids = {r.id for r in run_query(lib, query)}
        except DigestError as exc:
            out.append(MuteRule(query, origin, added, 0, str(exc)))
            continue
        hidden |= ids
        out.append(MuteRule(query, origin, added, len(ids)))
    return frozenset(hidden), {r.query: r.matches for r in out}, out


def _needs_marks(queries: list[str]) -> bool:
    """Whether any rule tests tags (the user's count) or marks: then marks are in the key."""
    from store.index.query import QueryError, parse_query

    for q in queries:
        try:
            terms = parse_query(q).terms
        except QueryError:
            continue
        if any(t.kind in ("tag", "is") for t in terms):
            return True
    return False


def _cached(lib: Library) -> tuple[frozenset[str], list[MuteRule]]:
    stamp = tables_stamp(lib)
    with _LOCK:
        hit: tuple[Any, Any, frozenset[str], list[MuteRule]] | None = lib.caches.get(_CACHE_KEY)
    base = (stamp, lib.generation, date.today())
    if hit is not None and hit[0] == base:
        marks_key = lib.marks_stamp if hit[1] is not None else None
        if marks_key == hit[1]:
            return hit[2], hit[3]
    ids, _counts, listed = _evaluate(lib)
    marks_key = lib.marks_stamp if _needs_marks([r.query for r in listed]) else None
    with _LOCK:
        lib.caches[_CACHE_KEY] = (base, marks_key, ids, listed)
    return ids, listed


def any_rules(lib: Library) -> bool:
    """Whether a mute rule exists, without evaluating any (no rows are read).

    A damaged tables file counts as a rule: the caller then takes the path
    that reads everything, which says what is wrong.
    """
    try:
        config, mine = _read(lib)
    except DigestError:
        return True
    return bool(config or mine)


def muted_ids(lib: Library) -> frozenset[str]:
    """Ids of every entry a mute rule hides now (empty when the rules cannot be read).

    Failing open on a damaged tables file is deliberate: a listing must not
    fail because of a rule, and ``digest-tui doctor`` names the damage.
    """
    try:
        return _cached(lib)[0]
    except DigestError:
        return frozenset()


def rules(lib: Library) -> list[MuteRule]:
    """Every rule, feeds.yaml's first, then the user's in the order they were added."""
    return list(_cached(lib)[1])


def add_rule(lib: Library, query: str) -> MuteRule:
    """Mute what ``query`` matches (one undo step); a rule already there is left as it is."""
    query = normalized(query)
    check_rule(query)
    existing = {normalized(r.query): r for r in rules(lib)}
    if query in existing:
        raise UsageError(f"already muted: {query}")
    added = _now()
    lib.state_table(TABLE).update(lambda items: {**items, query: {"added": added}}, f"mute {query}")
    return next(r for r in rules(lib) if r.query == query)


def remove_rule(lib: Library, which: str) -> MuteRule:
    """Unmute a rule given as its query or its number in ``rules`` (1 = first); one undo step.

    A feeds.yaml rule is refused with where to remove it: the library would
    take it back from the file on the next start.
    """
    listed = rules(lib)
    key = normalized(which)
    rule = next((r for r in listed if normalized(r.query) == key), None)
    if rule is None and key.isdigit() and 1 <= int(key) <= len(listed):
        rule = listed[int(key) - 1]
    if rule is None:
        raise UsageError(f"no mute rule {which!r} (digest-tui mutes lists them)")
    if rule.origin == "config":
        raise UsageError(f"{rule.query!r} is a rule of feeds.yaml: remove it there (mute: list)")

    def drop(items: dict[str, Any]) -> dict[str, Any]:
        items.pop(rule.query, None)
        return items

    lib.state_table(TABLE).update(drop, f"unmute {rule.query}")
    return rule


def set_config_rules(lib: Library, queries: tuple[str, ...]) -> bool:
    """Mirror feeds.yaml's ``mute:`` list into the library; True when it changed.

    Not an undo step: the user changed a file, not the library.
    """
    wanted = [normalized(q) for q in dict.fromkeys(queries) if normalized(q)]
    table = lib.state_table(CONFIG_TABLE)
    if table.get(CONFIG_KEY) == wanted:
        return False
    table.update(lambda items: {**items, CONFIG_KEY: wanted})
    return True


def tags_without_muted(lib: Library, stats: list[TagStat], muted: frozenset[str]) -> list[TagStat]:
    """The tag summary with muted entries taken out of each tag's entries, sources and trend.

    Only tags that carry a muted entry are recomputed (from the tag postings),
    so a few rules over a large library cost little; a tag left with nothing is dropped.
    """
    if not muted:
        return stats
    from store.errors import NotFound
    from store.index.tagindex import TagStat, origin, tag_postings, tagged

    auto, user = tag_postings(lib)
    out: list[TagStat] = []
    for s in stats:
        ids = tagged(s.tag, auto, user)
        hidden = ids & muted
        if not hidden:
            out.append(s)
            continue
        sources: set[tuple[str, str]] = set()
        left = 0
        for i in ids - muted:
            try:
                sources.add(origin(lib.row(i)))
            except NotFound:
                continue
            left += 1
        if not left:
            continue
        weekly = dict(s.weekly)
        for i in hidden:
            try:
                y, w, _ = date.fromisoformat(lib.row(i).date[:10]).isocalendar()
            except (NotFound, ValueError):
                continue
            label = f"{y:04d}-W{w:02d}"
            if weekly.get(label):
                weekly[label] -= 1
        out.append(TagStat(s.tag, s.kind, left, len(sources), tuple(weekly.items())))
    return out
