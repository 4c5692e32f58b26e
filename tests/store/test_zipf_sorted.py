"""Word frequencies from a sorted, mapped file: wordfreq's figures, built once, never held as lists."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from wordfreq import get_frequency_dict

from store.index import specificity
from store.index.zipfsorted import SortedWords, build, load
from store.paths import cache_dir


def _never() -> list[list[str]]:
    raise AssertionError("the lists were read again")


@pytest.mark.parametrize("lang", ["el", "de", "ru"])
def test_every_word_has_the_dicts_frequency(lang: str) -> None:
    table = get_frequency_dict(lang, "best")
    words = list(table)
    if len(words) > 60_000:
        words = random.Random(3).sample(words, 20_000)
    asked = [*words, "qzxvw", "", "zzzzzzzz", "ä", "a" * 40]
    assert [specificity._in_buckets(w, lang) for w in asked] == [table.get(w) for w in asked]


def test_a_word_in_two_buckets_takes_the_last() -> None:
    words = SortedWords(build([["apple", "pear"], [], ["pear", "plum"], ["fig"]]))
    assert [words.bucket(w) for w in ["apple", "pear", "plum", "fig", "kiwi"]] == [0, 2, 2, 3, None]
    assert len(words) == 4


def test_built_once_then_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(tmp_path))
    first = load("xx-1", lambda: [["b", "ça"], ["a"]])
    assert (first.bucket("ça"), first.bucket("a"), first.bucket("c")) == (0, 1, None)
    assert (tmp_path / "zipf" / "xx-1.bin").is_file()
    again = load("xx-1", _never)
    assert (again.bucket("ça"), again.bucket("b")) == (0, 0)


def test_a_truncated_file_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(tmp_path))
    load("xx-2", lambda: [["alpha", "beta", "gamma"]])
    path = tmp_path / "zipf" / "xx-2.bin"
    whole = path.read_bytes()
    for cut in (len(whole) - 1, len(whole) - 12, 10, 0):
        path.write_bytes(whole[:cut])
        got = load("xx-2", lambda: [["alpha", "beta", "gamma"]])
        assert got.bucket("gamma") == 0 and got.bucket("alpha") == 0
        assert path.read_bytes() == whole


def test_a_cache_that_cannot_be_written_builds_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(blocked))
    got = load("xx-3", lambda: [["one"], ["two"]])
    assert (got.bucket("one"), got.bucket("two")) == (0, 1)
    assert sorted(os.listdir(tmp_path)) == ["file"]


def test_another_language_never_becomes_a_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(specificity, "_FREQS", {})
    monkeypatch.setattr(specificity, "_ASKED", {})
    table = get_frequency_dict("de", "best")
    words = list(table)[:: len(table) // 200][:200]
    assert [specificity.zipf_in(w, "de") for w in words] == [
        specificity.zipf_in(w, "de") for w in words
    ]
    assert "de" not in specificity._FREQS
    assert specificity._ASKED["de"] > specificity.LAZY_LOOKUPS


def test_the_cache_dir_is_the_environments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
