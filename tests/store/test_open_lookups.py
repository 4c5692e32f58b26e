"""Opening an entry looks its story up once (each look-up catches up signatures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store import api
from store.index import stories
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def test_an_entry_in_no_story_is_placed_once_per_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open(tmp_path / "lib")
    topics = [
        ("Sourdough starters", "Flour, water and patience make a sourdough starter."),
        ("Chess endgames", "Rook endgames are the most common endgames in chess."),
    ]
    lib.save_entries(
        [
            Entry(
                id=f"e{i}",
                source=Source("file", f"Src {i}", f"/src{i}"),
                title=t,
                summary=s,
                published="2025-05-01",
            )
            for i, (t, s) in enumerate(topics)
        ]
    )
    calls: list[str | None] = []
    real = stories.ensure

    def counted(lib: Library, **kw: Any) -> Any:
        calls.append(kw.get("first"))
        return real(lib, **kw)

    monkeypatch.setattr(stories, "ensure", counted)
    for show in (api.open_entry, api.show_entry):
        calls.clear()
        opened = show(lib, "e0")
        assert opened.story is None and opened.point_links == []
        assert calls == ["e0"]
