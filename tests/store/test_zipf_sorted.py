"""Word frequencies from a sorted, mapped file: wordfreq's figures, built once, never held as lists."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import get_frequency_dict

from store.index import specificity, zipfsorted
from store.index.zipfsorted import SortedWords, build, load
from store.paths import cache_dir
from tests.support.fresh import run_fresh


def _never() -> list[list[str]]:
    raise AssertionError("the lists were read again")


@pytest.mark.parametrize("lang", ["el", "de", "ru", "en"])
def test_every_word_has_the_dicts_frequency(lang: str) -> None:
    table = get_frequency_dict(lang, "best")
    words = list(table)
    if len(words) > 60_000:
        words = random.Random(3).sample(words, 20_000)
    asked = [*words, "qzxvw", "", "zzzzzzzz", "ä", "a" * 40]
    assert [specificity._frequency(w, lang) for w in asked] == [table.get(w) for w in asked]


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


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_language_becomes_a_dict(lang: str) -> None:
    """In a fresh process, thousands of words looked up hold no table: English's
    dict was 25 MB (321,000 words), made once 33 words had been asked."""
    code = (
        "import json, tracemalloc\n"
        "from wordfreq import get_frequency_list\n"
        "from store.index import specificity\n"
        f"lists = get_frequency_list({lang!r}, 'best')\n"
        "words = [w for b in lists for w in b][::97][:3000]\n"
        "del lists\n"
        "tracemalloc.start()\n"
        f"got = [specificity._frequency(w, {lang!r}) for w in words]\n"
        "print(json.dumps([tracemalloc.get_traced_memory()[0], sum(g is None for g in got)]))\n"
    )
    held, missing = json.loads(run_fresh(code))
    assert missing == 0
    assert held < 4_000_000  # the map's sample and the answers, not a table


_words = st.text(alphabet="abcdeéz", min_size=0, max_size=5)


@settings(max_examples=200, deadline=None)
@given(
    buckets=st.lists(st.lists(_words, max_size=40), min_size=1, max_size=6),
    asked=st.lists(_words, max_size=30),
)
def test_a_lookup_finds_what_a_dict_would(buckets: list[list[str]], asked: list[str]) -> None:
    """The sampled bisect (every SAMPLE-th word in memory, then the map) against a
    plain dict: every word, its neighbours and words that are not there."""
    last = {w: i for i, b in enumerate(buckets) for w in b}
    probes = [*last, *asked, *(w + "a" for w in last), *(w[:-1] for w in last)]
    words = SortedWords(build(buckets))
    for w in probes:  # a plain bisect of the map
        assert words.bucket(w) == last.get(w), w
    for _ in range(zipfsorted.SAMPLE_AFTER):
        words.bucket("")
    for w in probes:  # with the sample
        assert words.bucket(w) == last.get(w), w


def test_the_cache_dir_is_the_environments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
