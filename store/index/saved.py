"""Saved searches (smart folders): a named query, listed in the navigator with live counts.

Kept in the library's state table ``saved`` (one key per name, ``{"query",
"added"}``), so that saving, renaming or deleting one is one undo step and two
instances never lose each other's searches. Counts are derived, never stored:
the matching ids of each search are cached by what can change them (library
generation, the mute rules, the marks when the query tests tags or marks, the
day for relative dates), and its unread count is taken from the marks of the
listing that asks, so a new matching entry or a mark shows at once.

feeds.yaml's ``searches:`` map is their export (``store.index.saved_yaml``): a
library takes in each name/query pair of it once (``take_config``), so a new
machine gets them and one the user deleted stays deleted.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from store.errors import UsageError
from store.models import EMPTY_MARKS, Marks
from store.storage.library import Library

__all__ = [
    "TABLE",
    "SavedSearch",
    "counts",
    "delete",
    "find",
    "rename",
    "save",
    "searches",
    "take_config",
]

TABLE = "saved"
CONFIG_TABLE = "config"
TAKEN_KEY = "searches_taken"  # [name, query] pairs of feeds.yaml already taken in
MAX_NAME = 60
_CACHE_KEY = "saved.ids"
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A saved search; ``total``/``unread`` are filled in by ``counts``."""

    name: str
    query: str
    added: str = ""
    total: int = 0
    unread: int = 0


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_name(name: str) -> str:
    """A usable name: one line, not empty, at most MAX_NAME characters."""
    name = " ".join(str(name).split())
    if not name:
        raise UsageError("a saved search needs a name")
    if len(name) > MAX_NAME:
        raise UsageError(f"a saved search's name is at most {MAX_NAME} characters")
    if any(not c.isprintable() for c in name):
        raise UsageError("a saved search's name cannot hold control characters")
    return name


def check_query(query: str) -> str:
    """A usable query (the filter language parses it, and it has a term)."""
    from store.index.query import QueryError, parse_query

    query = " ".join(str(query).split())
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise UsageError(f"not a usable search: {exc}") from None
    if parsed.empty:
        raise UsageError("nothing to save: the search has no term (All lists everything)")
    return query


def searches(lib: Library) -> list[SavedSearch]:
    """Every saved search, by name (case-insensitive)."""
    out = []
    for name, value in lib.state_table(TABLE).items().items():
        if isinstance(value, dict) and isinstance(value.get("query"), str):
            out.append(SavedSearch(name, value["query"], str(value.get("added", ""))))
    out.sort(key=lambda s: (s.name.casefold(), s.name))
    return out


def find(lib: Library, name: str) -> SavedSearch:
    """The search called ``name`` (exactly, else the one equal ignoring case)."""
    listed = searches(lib)
    for s in listed:
        if s.name == name:
            return s
    folded = [s for s in listed if s.name.casefold() == " ".join(name.split()).casefold()]
    if len(folded) == 1:
        return folded[0]
    raise UsageError(f"no saved search {name!r} (digest-tui saved lists them)")


def save(lib: Library, name: str, query: str) -> SavedSearch:
    """Save (or replace) a search under ``name``: one undo step."""
    name, query = check_name(name), check_query(query)
    added = _now()

    def put(items: dict[str, Any]) -> dict[str, Any]:
        old = items.get(name)
        kept = old.get("added") if isinstance(old, dict) else None
        items[name] = {"query": query, "added": kept or added}
        return items

    lib.state_table(TABLE).update(put, f"save search {name}")
    return find(lib, name)


def rename(lib: Library, old: str, new: str) -> SavedSearch:
    """Give a search another name (one undo step); the new name must be free."""
    found = find(lib, old)
    new = check_name(new)
    if new != found.name and any(s.name == new for s in searches(lib)):
        raise UsageError(f"a saved search is already called {new!r}")

    def move(items: dict[str, Any]) -> dict[str, Any]:
        value = items.pop(found.name, None)
        if value is not None:
            items[new] = value
        return items

    lib.state_table(TABLE).update(move, f"rename search {found.name} to {new}")
    return find(lib, new)


def delete(lib: Library, name: str) -> SavedSearch:
    """Forget a search (one undo step); its entries are untouched."""
    found = find(lib, name)

    def drop(items: dict[str, Any]) -> dict[str, Any]:
        items.pop(found.name, None)
        return items

    lib.state_table(TABLE).update(drop, f"delete search {found.name}")
    return found


def take_config(lib: Library, wanted: Mapping[str, str]) -> list[str]:
    """Take in feeds.yaml's searches the library never took; the names added.

    A name the library already has keeps the library's query (it is the newer
    truth: the file is an export of it). Not an undo step.
    """
    config = lib.state_table(CONFIG_TABLE)
    taken = {tuple(p) for p in config.get(TAKEN_KEY) or () if isinstance(p, list) and len(p) == 2}
    fresh: list[tuple[str, str]] = []
    for name, query in wanted.items():
        try:
            pair = (check_name(name), check_query(query))
        except UsageError:
            continue  # `saved` shows feeds.yaml's searches as they are: nothing to take
        if pair not in taken:
            fresh.append(pair)
    if not fresh:
        return []
    added: list[str] = []
    at = _now()

    def put(items: dict[str, Any]) -> dict[str, Any]:
        for name, query in fresh:
            if name not in items:
                items[name] = {"query": query, "added": at}
                added.append(name)
        return items

    lib.state_table(TABLE).update(put)
    pairs = sorted(taken | set(fresh))
    config.update(lambda items: {**items, TAKEN_KEY: [list(p) for p in pairs]})
    return added


def _depends_on_marks(query: str) -> bool:
    from store.index.query import QueryError, parse_query

    try:
        return any(t.kind in ("tag", "is") for t in parse_query(query).terms)
    except QueryError:
        return False


def _ids(lib: Library, query: str, muted: frozenset[str]) -> frozenset[str]:
    """The ids a search matches now, cached by what can change them."""
    from store.index.query import run_query

    key = (lib.generation, muted, date.today())
    marks_key = lib.marks_stamp if _depends_on_marks(query) else None
    with _LOCK:
        cache: dict[str, tuple[Any, Any, frozenset[str]]] = lib.caches.setdefault(_CACHE_KEY, {})
        hit = cache.get(query)
    if hit is not None and hit[0] == key and hit[1] == marks_key:
        return hit[2]
    ids = frozenset(r.id for r in run_query(lib, query, muted=muted))
    with _LOCK:
        cache[query] = (key, marks_key, ids)
    return ids


def counts(lib: Library, marks: Mapping[str, Marks], muted: frozenset[str]) -> list[SavedSearch]:
    """Every saved search with its total and unread entries (a broken query counts 0)."""
    from store.errors import DigestError

    out = []
    for s in searches(lib):
        try:
            ids = _ids(lib, s.query, muted)
        except DigestError:
            ids = frozenset()
        unread = sum(1 for i in ids if not marks.get(i, EMPTY_MARKS).read)
        out.append(SavedSearch(s.name, s.query, s.added, len(ids), unread))
    return out
