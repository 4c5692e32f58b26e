"""Saved searches, mute rules, the navigator's stories, and feeds.yaml's part in them.

Part of the door (``store.api``); see its docstring. Every change a user makes
here is one undo step (the state tables record it): ``u`` and ``digest-tui
undo`` take back a mute, a saved search, a rename or a delete like a mark.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import DigestError
from store.index import mute as mute_rules_
from store.index import saved as saved_
from store.storage.library import Library

if TYPE_CHECKING:
    from store.config import Config
    from store.index.mute import MuteRule
    from store.index.saved import SavedSearch
    from store.index.storynav import StoryCount

STORIES_SHOWN = 20  # the navigator lists the newest; `digest-tui stories` has them all
CONFIG_STAMP = "stamp"
# a top-level key of feeds.yaml this module takes in (a cheap test before parsing YAML)
_SMART_KEYS = re.compile(
    rb"^(?:mute|searches)\s*:", re.M
)  # table config: which feeds.yaml (and which version of it) was taken in


# -- saved searches ---------------------------------------------------------------
def saved_searches(lib: Library) -> list[SavedSearch]:
    """Every saved search with its entries and unread entries now (muted left out)."""
    return saved_.counts(lib, lib.all_marks(), mute_rules_.muted_ids(lib))


def save_search(lib: Library, name: str, query: str) -> SavedSearch:
    """Save the query under a name (replacing one of that name); one undo step."""
    return saved_.save(lib, name, query)


def rename_search(lib: Library, old: str, new: str) -> SavedSearch:
    """Rename a saved search; one undo step."""
    return saved_.rename(lib, old, new)


def delete_search(lib: Library, name: str) -> SavedSearch:
    """Delete a saved search (its entries are untouched); one undo step."""
    return saved_.delete(lib, name)


def export_searches(lib: Library, config_path: Path) -> tuple[Path, int]:
    """Write the saved searches as feeds.yaml's ``searches:`` block: (file written, how many).

    Only that block changes (see ``store.index.saved_yaml``); the library then
    counts the written pairs as taken, so they are not imported back.
    """
    from store.index.saved_yaml import write_searches

    found = saved_.searches(lib)
    pairs = {s.name: s.query for s in found}
    target = write_searches(config_path, pairs)
    saved_.take_config(lib, pairs)
    return target, len(found)


# -- mute rules -------------------------------------------------------------------
def muted_ids(lib: Library) -> frozenset[str]:
    """Ids of every entry a mute rule hides now (a brief, a count, a list leaves these out)."""
    return mute_rules_.muted_ids(lib)


def mute(lib: Library, query: str) -> MuteRule:
    """Hide every entry the query matches, now and as they arrive; one undo step."""
    return mute_rules_.add_rule(lib, query)


def unmute(lib: Library, which: str) -> MuteRule:
    """Remove a rule (its query, or its number in ``mute_rules``): its entries come back."""
    return mute_rules_.remove_rule(lib, which)


def mute_rules(lib: Library) -> list[MuteRule]:
    """Every rule with how many entries it hides: feeds.yaml's first, then the user's."""
    return mute_rules_.rules(lib)


def mute_choices(lib: Library, entry_id: str) -> list[tuple[str, str]]:
    """What ``M`` offers for an entry: (what it says, the rule) for its show, source and tags."""
    row = lib.row(entry_id)
    auto, user = lib.effective_tags(entry_id)

    def quoted(name: str) -> str:
        return '"' + " ".join(name.replace('"', " ").split()) + '"'

    out: list[tuple[str, str]] = []
    if row.show and row.show != row.source:
        out.append((f"this show: {row.show}", f"show:{quoted(row.show)}"))
    if row.source:
        out.append((f"this source: {row.source}", f"source:{quoted(row.source)}"))
    for t in dict.fromkeys([*user, *auto]):
        out.append((f"this tag: #{t}", f"+{t}"))
    return out


def state_stamp(lib: Library) -> object:
    """Changes whenever a state table (saved searches, mute rules, settings) is rewritten."""
    return mute_rules_.tables_stamp(lib)


# -- the navigator's stories -------------------------------------------------------
def nav_stories(lib: Library) -> tuple[list[StoryCount], int]:
    """The newest stories for the navigator (STORIES_SHOWN of them), and how many there are.

    Bounded work (entries not placed yet are placed by later calls); muted
    entries are left out of each story's counts.
    """
    from store.index.storynav import nav_stories as counted

    found = counted(lib, lib.all_marks(), mute_rules_.muted_ids(lib))
    return found[:STORIES_SHOWN], len(found)


# -- feeds.yaml ---------------------------------------------------------------------
def _stamp(path: Path) -> list[object]:
    try:
        st = os.stat(path)
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_mtime_ns, st.st_size]


def apply_config(lib: Library, config: Config) -> None:
    """Take feeds.yaml's ``mute:`` rules (mirrored) and new ``searches:`` into the library."""
    mute_rules_.set_config_rules(lib, config.mute)
    saved_.take_config(lib, config.searches)
    lib.state_table(mute_rules_.CONFIG_TABLE).set(CONFIG_STAMP, _stamp(config.path))


def sync_config(lib: Library, path: Path, *, create: bool = False) -> bool:
    """``apply_config`` when the feeds.yaml at ``path`` changed since it was last taken in.

    A stat and a small read when nothing changed, so every command can call
    it. Nothing is written (no data dir created, no damaged file rewritten)
    when the file has no ``mute:`` or ``searches:`` and the library mirrors no
    rule of it: the case of most users, and of every read-only command. A
    broken feeds.yaml or a library that cannot be written changes nothing here:
    the commands that read the file report it themselves. True when the config
    was read. ``create``: the UI, which makes its data dir anyway, may make it here.
    """
    from store.config import load_config

    if create:
        with contextlib.suppress(OSError):  # read-only place: nothing to take in, then
            lib.dir.mkdir(parents=True, exist_ok=True)
    if not lib.dir.is_dir():
        return False
    try:
        table = lib.state_table(mute_rules_.CONFIG_TABLE)
        if table.get(CONFIG_STAMP) == _stamp(path):
            return False
        try:
            raw = path.read_bytes()
        except OSError:
            raw = b""
        if not _SMART_KEYS.search(raw) and not table.get(mute_rules_.CONFIG_KEY):
            return False
        apply_config(lib, load_config(path))
    except DigestError:
        return False
    return True
