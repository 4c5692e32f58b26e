"""A local file unchanged since the ingest that stored its entries costs a stat
(``store.sync.filememory``), and anything that may have changed what it gives
makes it read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from store.storage.library import Library
from store.sync import filememory, ingest
from store.sync.ingest import ingest_paths
from tests.support.shared import SHARED

SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _folder(tmp_path: Path) -> Path:
    """The seeds plus two small files of our own, in a folder we may touch."""
    d = tmp_path / "digests"
    shutil.copytree(SEEDS, d, ignore=shutil.ignore_patterns("EXPECTED.md"))
    (d / "harbour.md").write_text(
        "# Harbour notes\n\n## The tide tables\n\nThe tide came in early on Monday.\n",
        encoding="utf-8",
    )
    (d / "mill.md").write_text(
        "# Mill notes\n\n## The water wheel\n\nThe wheel turned twelve times a minute.\n",
        encoding="utf-8",
    )
    return d


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = ingest.parse_path

    def spied(path: Path) -> object:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(ingest, "parse_path", spied)
    return read


def test_an_unchanged_folder_is_not_read_again_and_counts_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _folder(tmp_path)
    lib = Library.open(tmp_path / "lib")
    first = ingest_paths(lib, [d])
    assert first.entries_new > 6 and first.files_read == 6
    lib.set_read([r.id for r in lib.rows()[:3]])
    index = lib.dir / "library.json"
    before = index.stat().st_mtime_ns
    read = _reads(monkeypatch)
    again = ingest_paths(Library.open(lib.dir), [d])
    assert read == []
    assert (again.files_read, again.files_unchanged) == (0, 6)
    assert (again.entries_new, again.entries_updated) == (0, 0)
    assert again.entries_known == first.entries_new
    assert index.stat().st_mtime_ns == before  # nothing written
    # the same counts as reading every file
    (lib.dir / filememory.NAME).unlink()
    read_all = ingest_paths(Library.open(lib.dir), [d])
    assert read_all.files_read == 6 and read_all.entries_known == again.entries_known
    assert len(Library.open(lib.dir).rows()) == first.entries_new


def test_a_file_written_again_is_read_even_with_its_size_and_mtime_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _folder(tmp_path)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [d])
    f = d / "harbour.md"
    st = f.stat()
    text = f.read_text(encoding="utf-8").replace("Monday", "Friday")
    f.write_text(text, encoding="utf-8")  # same length
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    read = _reads(monkeypatch)
    rep = ingest_paths(Library.open(lib.dir), [d])
    assert read == ["harbour.md"] and rep.files_unchanged == 5
    assert rep.entries_new + rep.entries_updated == 1  # the new text is stored
    lib = Library.open(lib.dir)
    texts = [e.body for e in lib.get_many([r.id for r in lib.rows()])]
    assert any("Friday" in t for t in texts)


def test_a_file_whose_entries_are_no_longer_listed_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing restored from an older copy (``doctor --restore``) may lack
    what a file gave: it is read, and its entries come back."""
    d = _folder(tmp_path)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [d / "harbour.md"])
    harbour = {r.id for r in lib.rows()}
    index = lib.dir / "library.json"
    older = index.read_bytes()
    ingest_paths(lib, [d / "mill.md"])
    mill = {r.id for r in lib.rows()} - harbour
    assert mill
    index.write_bytes(older)  # the listing from before mill.md
    assert not mill <= {r.id for r in Library.open(lib.dir).rows()}
    read = _reads(monkeypatch)
    rep = ingest_paths(Library.open(lib.dir), [d / "harbour.md", d / "mill.md"])
    assert read == ["mill.md"] and rep.files_unchanged == 1
    assert mill <= {r.id for r in Library.open(lib.dir).rows()}


def test_another_parser_or_a_damaged_memory_reads_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _folder(tmp_path)
    lib = Library.open(tmp_path / "lib")
    first = ingest_paths(lib, [d])
    read = _reads(monkeypatch)
    monkeypatch.setattr(filememory, "parser_key", lambda: "another-release")
    rep = ingest_paths(Library.open(lib.dir), [d])
    assert len(read) == 6 and rep.files_unchanged == 0 and rep.entries_new == 0
    monkeypatch.undo()
    for damaged in (b"", b"{not json", b'{"parser": 3, "files": []}', b"[1, 2]"):
        (lib.dir / filememory.NAME).write_bytes(damaged)
        read = _reads(monkeypatch)
        rep = ingest_paths(Library.open(lib.dir), [d])
        assert len(read) == 6 and rep.entries_known == first.entries_new
        monkeypatch.undo()
    # and the memory is whole again
    rep = ingest_paths(Library.open(lib.dir), [d])
    assert rep.files_unchanged == 6


def test_a_readable_first_ingest_is_remembered_and_its_derivation_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.sync.derive import derive_pending, pending_count

    d = _folder(tmp_path)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [d], defer=True)
    assert pending_count(lib)
    read = _reads(monkeypatch)
    rep = ingest_paths(Library.open(lib.dir), [d], defer=True)
    assert read == [] and rep.files_unchanged == 6
    lib = Library.open(lib.dir)
    derive_pending(lib)
    assert pending_count(lib) == 0
