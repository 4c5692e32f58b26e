"""Saved searches: kept in the library, counted live, renamed, deleted, undone, exported."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from store import api
from store.config import load_config, parse_config_text
from store.errors import UsageError
from store.index.saved_yaml import write_searches
from store.models import Entry, short_hash
from store.storage.library import Library
from store.views import Selection
from tests.support.library import build_library, sample_entries

REPO = Path(__file__).resolve().parents[2]
DEEPSEEK, POST = short_hash("deepseek"), short_hash("post")


def counts(lib: Library) -> dict[str, tuple[int, int]]:
    nav = api.list_view(lib, Selection("all"), "").nav
    return {s.name: (s.unread, s.total) for s in nav.saved}


def test_save_list_and_view(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.save_search(lib, "China", "+china")
    assert [(s.name, s.query, s.total) for s in api.saved_searches(lib)] == [("China", "+china", 2)]
    rows = api.list_view(lib, Selection("saved", "China"), "").rows or []
    assert {r.id for r in rows} == {DEEPSEEK, POST}
    narrowed = api.list_view(lib, Selection("saved", "China"), "deepseek").rows or []
    assert [r.id for r in narrowed] == [DEEPSEEK]


def test_counts_follow_a_new_matching_entry_and_marks(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.save_search(lib, "china", "+china")
    assert counts(lib) == {"china": (2, 2)}
    lib.set_read([POST], True)
    assert counts(lib) == {"china": (1, 2)}
    other = Library.open(lib.dir)  # another process ingests
    src = sample_entries()[0].source
    other.save_entries([Entry(id="c0ffee000002", source=src, title="More", auto_tags=("china",))])
    lib.reload_if_changed()
    assert counts(lib) == {"china": (2, 3)}


def test_counts_leave_muted_entries_out(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.save_search(lib, "china", "+china")
    api.mute(lib, "source:fdaudens")
    assert counts(lib) == {"china": (1, 1)}


def test_rename_delete_and_undo_each(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.save_search(lib, "a", "+china")
    api.save_search(lib, "b", "+gender")
    with pytest.raises(UsageError, match="already called"):
        api.rename_search(lib, "a", "b")
    api.rename_search(lib, "A", "c")  # a name is found whatever its case
    assert [s.name for s in api.saved_searches(lib)] == ["b", "c"]
    api.delete_search(lib, "b")
    assert [s.name for s in api.saved_searches(lib)] == ["c"]
    assert api.undo(lib) == ("delete search b", 0)
    assert api.undo(lib) == ("rename search a to c", 0)
    assert [(s.name, s.query) for s in api.saved_searches(lib)] == [
        ("a", "+china"),
        ("b", "+gender"),
    ]


@pytest.mark.parametrize(
    ("name", "query"),
    [("", "+ai"), ("x" * 61, "+ai"), ("bad\x1bname", "+ai"), ("n", ""), ("n", '"open')],
)
def test_unusable_names_and_queries_are_refused(tmp_path: Path, name: str, query: str) -> None:
    lib = build_library(tmp_path / "lib")
    with pytest.raises(UsageError):
        api.save_search(lib, name, query)
    assert api.saved_searches(lib) == []


def test_feeds_yaml_searches_are_taken_in_once(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    config = parse_config_text(
        'searches:\n  china: "+china"\n  bad: \'"open\'\n', tmp_path / "f.yaml"
    )
    api.apply_config(lib, config)
    assert [(s.name, s.query) for s in api.saved_searches(lib)] == [("china", "+china")]
    api.delete_search(lib, "china")
    api.apply_config(lib, config)  # the next start: what the user deleted stays deleted
    assert api.saved_searches(lib) == []
    api.save_search(lib, "mine", "+gender")
    api.apply_config(lib, parse_config_text("searches:\n  mine: +cost\n", tmp_path / "f.yaml"))
    assert [(s.name, s.query) for s in api.saved_searches(lib)] == [("mine", "+gender")]


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        d
        for d in difflib.ndiff(before.splitlines(), after.splitlines())
        if d.startswith(("+ ", "- "))
    ]


def test_export_touches_only_the_searches_block(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    before = (REPO / "feeds.yaml").read_text(encoding="utf-8")
    config.write_text(before, encoding="utf-8")
    lib = build_library(tmp_path / "lib")
    api.save_search(lib, "china chips", "+china -is:read")
    api.save_search(lib, "recent", "@7-days-ago")
    target, n = api.export_searches(lib, config)
    assert (target, n) == (config, 2)
    after = config.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: every byte before it is the same
    diff = _changed_lines(before, after)
    assert all(d.startswith("+ ") for d in diff) and len(diff) <= 4, diff
    assert load_config(config).searches == {
        "china chips": "+china -is:read",
        "recent": "@7-days-ago",
    }
    # again, with one search fewer: the block is replaced in place, the rest untouched
    api.delete_search(lib, "recent")
    api.export_searches(lib, config)
    again = config.read_text(encoding="utf-8")
    assert _changed_lines(after, again) == [f"- {after.splitlines()[-1]}"]
    assert load_config(config).searches == {"china chips": "+china -is:read"}


def test_export_replaces_a_block_in_the_middle_byte_for_byte(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    head = "# mine\nfeeds: []\n\n"
    tail = '\n# the vocabulary\ntopics:\n  long: ["a  quoted   phrase", b]\n'
    config.write_text(
        head + "searches:\n  old: '+x'\n  # a note\n  older: +y\n" + tail, encoding="utf-8"
    )
    write_searches(config, {"new": "is:unread @2025-02-01..2025-03-01"})
    text = config.read_text(encoding="utf-8")
    assert text.startswith(head) and text.endswith(tail)
    assert load_config(config).searches == {"new": "is:unread @2025-02-01..2025-03-01"}
    assert load_config(config).topics == {"long": ("a  quoted   phrase", "b")}


def test_export_never_edits_the_shipped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    shipped = REPO / "feeds.yaml"
    before = shipped.read_bytes()
    target = write_searches(shipped, {"a": "+ai"})
    assert shipped.read_bytes() == before
    assert target != shipped and load_config(target).searches == {"a": "+ai"}
