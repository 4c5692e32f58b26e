"""Write an upgrade fixture: a library as a release left it.

Run from the repository root, with that release's code checked out::

    python -m tests.support.make_upgrade_fixture tests/fixtures/library-72fde32

(``library-72fde32``: schema 1, no identity keys; ``library-b9f9a53``: schema 2,
content in shards by id prefix, written by this module at commit b9f9a53.)

It makes every file a data directory held then (index, backup, start-up cache,
content shards, marks journal, feed fetch state, ui.json, state.json, the word
index and the topic state), through the same calls the UI and the CLI make, so
``tests/store/test_upgrade.py`` can prove that opening it with the code of the
day loses nothing. Ids, dates and texts are fixed; only file stamps vary.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from store.index.topics import tag_entries
from store.models import Entry, Source, short_hash
from store.storage.library import Library
from store.sync.firstrun import ensure_samples

FEED = "https://podcast.example/feed.xml"
OTHER_FEED = "https://blog.example/atom.xml"
FEED_STATES = {
    FEED: {
        "etag": '"abc123"',
        "last_modified": "Mon, 10 Feb 2025 08:00:00 GMT",
        "last_fetch": "2025-02-10T08:00:00+00:00",
        "last_ok": "2025-02-10T08:00:00+00:00",
        "error": None,
        "entries": 2,
    },
    OTHER_FEED: {
        "last_fetch": "2025-02-11T09:30:00+00:00",
        "last_ok": None,
        "error": "HTTP 503",
        "entries": 0,
    },
}
UI_STATE = {"theme": "nord", "keymap": {"toggle_bookmark": "B"}}


def feed_entries() -> list[Entry]:
    src = Source("feed", "Test Podcast", FEED)
    return [
        Entry(
            id=short_hash(f"fixture-feed-{n}"),
            source=src,
            title=f"Episode {n}: compute and open source models",
            show="Test Podcast",
            link=f"https://podcast.example/ep{n}",
            published=f"2025-02-{n:02d}T08:00:00+00:00",
            summary=f"Episode {n} on compute budgets and open source.",
            body="Full show notes about China, compute and open source models.",
        )
        for n in (1, 2)
    ]


def fixture_marks(fixture: Path) -> dict[str, dict[str, Any]]:
    """The marks as a fixture's journal holds them: last line wins, read by hand."""
    marks: dict[str, dict[str, Any]] = {}
    for line in (fixture / "marks.jsonl").read_text("utf-8").splitlines():
        marks.update(json.loads(line))
    return marks


def assert_marks_as_in(lib: Library, fixture: Path) -> None:
    """Every mark of the fixture's journal is what ``lib`` reads now."""
    for eid, m in fixture_marks(fixture).items():
        got = lib.marks(eid)
        assert (got.read, got.bookmarked) == (bool(m.get("r")), bool(m.get("b"))), eid
        assert list(got.user_tags) == m.get("u", []), eid
        assert list(got.removed_auto) == m.get("x", []), eid


def build(directory: Path) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    lib = Library.open(directory)
    # first run: the bundled samples, and the flag that keeps them from coming back
    assert ensure_samples(lib) is not None
    # a second source, saved the way refresh saves it (tags, word index, topic state)
    lib.save_entries(tag_entries(feed_entries(), lib, None))
    lib.save_feed_states(FEED_STATES)
    lib.update_sidecar("ui.json", lambda s: {**(s or {}), **UI_STATE})
    rows = lib.rows()
    ids = [r.id for r in rows]
    lib.set_read(ids[:3], True)
    lib.set_bookmarked([ids[0], ids[-1]], True)
    lib.add_tags([ids[1]], ["keep", "later"])
    tagged = next(r for r in rows if r.auto_tags)
    lib.remove_tags([tagged.id], [tagged.auto_tags[0]])
    lib.save_entries([lib.get(ids[2]).with_(title=rows[2].title + " (revised)")])  # a .bak
    (directory / ".write.lock").unlink(missing_ok=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
