"""`digest-tui list` with prefixes, show names and ignored terms, as a shell runs it."""

from __future__ import annotations

from pathlib import Path

from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library
from tests.support.cli import run_cli

ENTRIES = [
    Entry(
        id="l1",
        source=Source("feed", "Chip Letter", "https://x/l1"),
        title="EUV lithography explained",
        body="Lithographic machines.",
    ),
    Entry(
        id="b1",
        source=Source("feed", "Acquired", "https://x/b1"),
        show="Hard Fork",
        title="We ran the numbers",
        body="Consumer GPUs, tested.",
    ),
]


def _lib(tmp_path: Path) -> Path:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(tag_entries(ENTRIES, lib))
    return lib.dir


def _listed(data: Path, *query: str) -> list[str]:
    out = run_cli(data, "list", *query, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def test_list_takes_a_prefix_and_finds_names(tmp_path: Path) -> None:
    data = _lib(tmp_path)
    assert _listed(data, "litho") == ["l1"]
    assert _listed(data, "Acquired") == ["b1"]  # the source name only
    assert _listed(data, "Hard", "Fork") == ["b1"]  # the show, as a phrase
    assert _listed(data, "li") == []  # two letters: the exact word only


def test_list_says_on_stderr_what_it_ignored(tmp_path: Path) -> None:
    data = _lib(tmp_path)
    proc = run_cli(data, "list", "©", check=True)
    assert proc.stderr.strip() == "ignored \u2018©\u2019: no letters or digits"
    assert len(proc.stdout.splitlines()) == 2  # an ignored term filters nothing
    quiet = run_cli(data, "list", "litho", check=True)
    assert quiet.stderr == ""
