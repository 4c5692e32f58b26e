"""The tag index: counts, sources, kinds, weekly series, and `digest-tui tags`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.index.tagindex import all_tags, tag_summary
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


@pytest.fixture()
def lib(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib")
    topics = {"china": ["China"], "energy": ["solar"], "gender": ["gender"]}

    def e(eid: str, src: str, day: str, body: str) -> Entry:
        return Entry(
            id=eid, source=Source("file", src, "/" + src), title=eid, body=body, published=day
        )

    es = [
        e("a", "S1", "2025-01-06", "China solar."),
        e("b", "S2", "2025-01-20", "China."),
        e("c", "S1", "2025-01-21", "Solar panels."),
        e("d", "S1", "2025-01-22", "Gender."),
    ]
    lib.save_entries(tag_entries(es, lib, topics))
    lib.add_tags(["a", "d"], ["keep"])
    lib.add_tags(["c"], ["china"])
    lib.remove_tags(["d"], ["gender"])
    return lib


def test_summary_counts_kinds_and_order(lib: Library) -> None:
    by = {s.tag: s for s in tag_summary(lib)}
    assert by["china"].entries == 3 and by["china"].sources == 2 and by["china"].kind == "both"
    assert by["energy"].entries == 2 and by["energy"].sources == 1 and by["energy"].kind == "auto"
    assert by["keep"].kind == "user" and by["keep"].entries == 2
    assert "gender" not in by  # the user removed the only automatic gender tag
    order = [s.tag for s in tag_summary(lib)]
    assert order[0] == "china"  # cross-source first


def test_weekly_series_is_contiguous(lib: Library) -> None:
    by = {s.tag: s for s in tag_summary(lib)}
    assert by["china"].weekly == (("2025-W02", 1), ("2025-W03", 0), ("2025-W04", 2))
    assert by["energy"].weekly[0] == ("2025-W02", 1) and by["energy"].weekly[-1] == ("2025-W04", 1)


def test_all_tags_for_completion(lib: Library) -> None:
    assert all_tags(lib) == ["china", "energy", "keep"]


def test_cli_tags_json_and_text(lib: Library) -> None:
    from tests.support.cli import run_cli

    proc = run_cli(lib.dir, "tags", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data[0]["tag"] == "china"
    assert set(data[0]) == {"tag", "kind", "entries", "sources", "weekly"}
    assert all(isinstance(w, list) and len(w) == 2 for w in data[0]["weekly"])
    text = run_cli(lib.dir, "tags").stdout
    assert "china" in text and "2 sources" in text
