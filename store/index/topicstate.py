"""Where automatic tagging reads and writes: the discovery state and the library.

``store.index.topics.tag_entries`` keeps its discovery state in a side file
(``topics.json``, its layout is in that module's doc), finds older entries
through the word index and re-tags them in the rows. It does all of that
through a ``TagStore``, so that the same code can also run against an
in-memory copy (``store.index.pendingtags``): search then knows the tags a
pending derivation will give, without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from store.index import wordindex
from store.models import Entry, Row
from store.storage.library import Library

if TYPE_CHECKING:
    from store.index.prepared import Prepared
    from store.index.vocabulary import Topics

__all__ = ["STATE_NAME", "STATE_VERSION", "TagStore", "empty_state", "load_state", "prune"]

STATE_NAME = "topics.json"
STATE_VERSION = 2


def empty_state() -> dict[str, Any]:
    return {
        "v": STATE_VERSION,
        "seq": 0,
        "active": {},
        "pending": {},
        "kw": {},
        "kwp": {},
        "kwt": {},
        "owed": [],
    }


def load_state(data: Any) -> dict[str, Any]:
    """The state, or an empty one (version 1 files held unbounded topics: dropped)."""
    if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
        return empty_state()
    for k in ("active", "pending", "kw", "kwp", "kwt"):
        if not isinstance(data.get(k), dict):
            data[k] = {}
    if not isinstance(data.get("owed"), list):
        data["owed"] = []
    if not isinstance(data.get("seq"), int):
        data["seq"] = 0
    return data


def prune(d: dict[str, list[Any]], cap: int) -> None:
    """Keep the ``cap`` most recently seen records (amortised: at 10% over the cap).

    Both record kinds hold the batch number they were last seen in at index 2.
    """
    if len(d) <= cap * 1.1:
        return
    oldest = sorted(d.items(), key=lambda kv: kv[1][2])
    for k, _v in oldest[: len(d) - cap]:
        del d[k]


class TagStore:
    """The library as tagging sees it: every read and write tagging makes goes here."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib

    def index(self, docs: Iterable[tuple[Entry, str, bytes, str]]) -> None:
        """Index new entries' words (``wordindex.add_prepared``)."""
        wordindex.add_prepared(self.lib, docs)

    def phrase_ids(self, phrase: str) -> set[str]:
        """Ids of indexed entries containing ``phrase``."""
        return wordindex.phrase_ids(self.lib, phrase)

    def update_state(self, fn: Callable[[Any], Any]) -> None:
        """Read-modify-write the discovery state (under the library lock)."""
        self.lib.update_sidecar(STATE_NAME, fn)

    def row(self, entry_id: str) -> Row:
        return self.lib.row(entry_id)

    def get_many(self, ids: Sequence[str]) -> list[Entry]:
        return self.lib.get_many(ids)

    def set_auto_tags(self, tags: Mapping[str, Sequence[str]]) -> None:
        self.lib.set_auto_tags(dict(tags))

    def prepared(self, entries: Sequence[Entry], topics: Topics | None) -> list[Prepared | None]:
        """``topics.prepare`` of entries about to be tagged, when this store has it (None: not)."""
        return [None] * len(entries)
