"""The cached side-file helper: parsed once, reloaded on change, kept in memory when unwritable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from store.storage import sidecar
from store.storage.library import Library

NAME = "derived.json"


def _counting_loader(calls: list[Any]):  # noqa: ANN202
    def load(data: Any, prev: Any) -> dict[str, Any]:
        calls.append((data, prev))
        return {"n": (data or {}).get("n", 0)}

    return load


def test_parsed_once_then_reloaded_when_another_process_writes(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.write_sidecar(NAME, {"n": 1})
    calls: list[Any] = []
    load = _counting_loader(calls)
    first = sidecar.cached(lib, NAME, load)
    assert first == {"n": 1} and sidecar.cached(lib, NAME, load) is first
    assert len(calls) == 1
    Library.open(lib.dir).write_sidecar(NAME, {"n": 22})  # another process
    again = sidecar.cached(lib, NAME, load)
    assert again == {"n": 22} and calls[-1] == ({"n": 22}, first)  # the previous value too


def test_own_write_is_kept_without_parsing_it_back(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    calls: list[Any] = []
    load = _counting_loader(calls)
    assert sidecar.cached(lib, NAME, load) == {"n": 0}  # absent
    new, written = sidecar.update(lib, NAME, lambda d: {"n": 5})
    assert written and new == {"n": 5}
    kept = sidecar.kept(lib, NAME, {"n": 5})
    assert sidecar.cached(lib, NAME, load) is kept and len(calls) == 1
    assert Library.open(lib.dir).read_sidecar(NAME) == {"n": 5}


def test_damaged_file_loads_as_absent_and_is_replaced(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.dir.mkdir(parents=True, exist_ok=True)
    (lib.dir / NAME).write_bytes(b"{not json")
    assert sidecar.cached(lib, NAME, lambda d, _p: d) is None
    new, written = sidecar.update(lib, NAME, lambda d: {"was": d})
    assert written and new == {"was": None}
    assert lib.read_sidecar(NAME) == {"was": None}


def test_unwritable_library_keeps_the_value_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.write_sidecar(NAME, {"n": 1})
    before = os.stat(lib.dir / NAME).st_mtime_ns
    calls: list[Any] = []
    load = _counting_loader(calls)
    sidecar.cached(lib, NAME, load)

    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("store.storage.library.write_bytes_atomic", refuse)
    new, written = sidecar.update(lib, NAME, lambda d: {"n": d["n"] + 1})
    assert not written and new == {"n": 2}  # derived, not kept on disk
    held = sidecar.kept(lib, NAME, new, written=False)
    assert sidecar.cached(lib, NAME, load) is held and len(calls) == 1
    assert os.stat(lib.dir / NAME).st_mtime_ns == before
