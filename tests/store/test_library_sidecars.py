"""The library facade's side files and state tables: what the UI and topics keep beside it.

Split from test_library_edges.py (the mutation run over ``store/storage/library.py``,
docs/testing-library.md): each test pins a behaviour the suite did not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import LibraryError
from store.storage.library import Library
from tests.support.library import numbered_entries


def _lib(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(numbered_entries(1, auto_tags=("auto-a", "auto-b")))
    return lib


def test_sidecars_round_trip_and_update_sees_the_stored_value(tmp_path: Path) -> None:
    lib = _lib(tmp_path)
    assert lib.read_sidecar("topics.json") is None
    lib.write_sidecar("topics.json", {"a": 1})
    assert lib.read_sidecar("topics.json") == {"a": 1}
    seen: list[object] = []

    def bump(old: dict[str, int]) -> dict[str, int]:
        seen.append(old)
        return {"a": old["a"] + 1}

    assert lib.update_sidecar("topics.json", bump) == {"a": 2}
    assert seen == [{"a": 1}]
    assert Library.open(tmp_path / "lib").read_sidecar("topics.json") == {"a": 2}


@pytest.mark.parametrize("how", ["read", "update"])
def test_a_damaged_sidecar_is_named_as_one(tmp_path: Path, how: str) -> None:
    lib = _lib(tmp_path)
    (lib.dir / "topics.json").write_text("{not json")
    with pytest.raises(LibraryError, match="^library side file .*topics.json is damaged"):
        if how == "read":
            lib.read_sidecar("topics.json")
        else:
            lib.update_sidecar("topics.json", lambda old: old)
    assert (lib.dir / "topics.json").read_text() == "{not json"


def test_ui_state_is_empty_until_saved_and_then_kept(tmp_path: Path) -> None:
    lib = _lib(tmp_path)
    assert lib.ui_state() == {}
    assert lib.update_ui_state(lambda s: {**s, "theme": "dark"}) == {"theme": "dark"}
    assert Library.open(tmp_path / "lib").ui_state() == {"theme": "dark"}
    assert lib.state_table("ui").get("theme") == "dark"


def test_feed_states_round_trip(tmp_path: Path) -> None:
    lib = _lib(tmp_path)
    assert lib.feed_states() == {}
    lib.save_feed_states({"http://a": {"etag": "1"}})
    lib.save_feed_states({"http://b": {"etag": "2"}})
    got = Library.open(tmp_path / "lib").feed_states()
    assert sorted(got) == ["http://a", "http://b"] and got["http://a"]["etag"] == "1"
