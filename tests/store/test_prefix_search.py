"""Prefix search and names as words, checked against a plain scan of the entries' words.

The oracle splits text on anything that is not a letter or a digit and
lower-cases it: written here, not borrowed from the tokeniser. Words are
drawn from an alphabet without "s", so plurals (which the index folds on
purpose: "gpus" finds "GPU") do not blur what "starts with" means.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.errors import LibraryError
from store.index import lexicon, wordindex, wordwrite
from store.index.query import parse_query, query_hints, run_query
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library

EXAMPLES = 6 if os.environ.get("MUTANT_UNDER_TEST") else 40
WORD = st.text(alphabet="abcdeklmnortu", min_size=1, max_size=7)
_SPLIT = re.compile(r"[^0-9a-z]+")


def _words(*texts: str | None) -> set[str]:
    out: set[str] = set()
    for t in texts:
        out.update(w for w in _SPLIT.split((t or "").lower()) if w)
    return out


def _entry(eid: str, title: list[str], body: list[str], source: str, show: str | None) -> Entry:
    return Entry(
        id=eid,
        source=Source("file", source, f"/gen/{eid}"),
        show=show,
        title=" ".join(title) or "untitled",
        body=" ".join(body),
    )


def _entry_words(e: Entry) -> set[str]:
    return _words(e.title, e.body, e.show, e.source.name)


@st.composite
def libraries(draw: st.DrawFn) -> list[list[Entry]]:
    """Batches of entries; a later batch may change an earlier entry (a re-ingest)."""
    names = st.lists(WORD, min_size=1, max_size=2).map(" ".join)
    batches: list[list[Entry]] = []
    for b in range(draw(st.integers(1, 5))):
        batch = []
        for i in range(draw(st.integers(1, 4))):
            eid = draw(st.sampled_from([f"e{b}{i}", "e00", "e10"]))
            batch.append(
                _entry(
                    eid,
                    draw(st.lists(WORD, max_size=4)),
                    draw(st.lists(WORD, max_size=8)),
                    draw(names),
                    draw(st.none() | names),
                )
            )
        batches.append(batch)
    return batches


def _build(d: Path, batches: list[list[Entry]]) -> tuple[Library, dict[str, set[str]]]:
    lib = Library.open(d)
    final: dict[str, Entry] = {}
    for batch in batches:
        lib.save_entries(batch)
        wordindex.add_entries(lib, batch)
        final.update((e.id, e) for e in batch)
    return lib, {eid: _entry_words(e) for eid, e in final.items()}


def _ids(lib: Library, q: str, *, live: bool = False) -> set[str]:
    return {r.id for r in run_query(lib, q, live=live)}


def _starting(words: dict[str, set[str]], p: str) -> set[str]:
    return {eid for eid, ws in words.items() if any(w.startswith(p) for w in ws)}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(libraries(), st.data())
def test_a_prefix_finds_exactly_the_entries_with_a_word_starting_with_it(
    monkeypatch: pytest.MonkeyPatch, batches: list[list[Entry]], data: st.DataObject
) -> None:
    monkeypatch.setattr(wordwrite, "MAX_SEGMENTS", 2)  # merges (and merged lexicons) too
    monkeypatch.setattr(lexicon, "SHORT_COMPLETIONS", lexicon.MAX_COMPLETIONS)  # exact here
    with tempfile.TemporaryDirectory() as tmp:
        lib, words = _build(Path(tmp) / "lib", batches)
        every = sorted(set().union(*words.values()))
        some = st.sampled_from(every).flatmap(lambda w: st.integers(1, len(w)).map(lambda n: w[:n]))
        p, q = data.draw(some | WORD), data.draw(some | WORD)
        # the word being typed: a prefix whatever its length
        assert _ids(lib, p, live=True) == _starting(words, p)
        if len(p) >= 3:  # a plain word of three letters or more: a prefix anywhere
            assert _ids(lib, p) == _starting(words, p)
            assert _ids(lib, f"!{p}") == set(words) - _starting(words, p)
        else:  # shorter: the exact word, as before
            assert _ids(lib, p) == {eid for eid, ws in words.items() if p in ws}
        # terms still intersect; a finished word (a space after it) is exact
        both = _ids(lib, f"{p} {q}", live=True)
        exact_p = {eid for eid, ws in words.items() if p in ws}
        want_p = _starting(words, p) if len(p) >= 3 else exact_p
        assert both == want_p & _starting(words, q)
        assert _ids(lib, f"{p} !{q}", live=True) == want_p - _starting(words, q)
        assert _ids(lib, f'"{p}"', live=True) == exact_p  # quoted: exact
        # the index hands out its kept answers themselves, not copies:
        # no query may have narrowed one in place
        assert _ids(lib, p, live=True) == _starting(words, p)
        assert _ids(lib, q, live=True) == _starting(words, q)


def _library(tmp_path: Path, entries: list[Entry]) -> Library:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(tag_entries(entries, lib))
    return lib


def _e(
    eid: str, title: str, body: str = "", show: str | None = None, source: str = "Feed"
) -> Entry:
    return Entry(
        id=eid, source=Source("feed", source, f"https://x/{eid}"), show=show, title=title, body=body
    )


def test_show_and_source_names_are_words(tmp_path: Path) -> None:
    lib = _library(
        tmp_path,
        [
            _e(
                "h1",
                "Sleep and light",
                "Morning sunlight sets the clock.",
                "Huberman Lab",
                "Podcasts",
            ),
            _e("a1", "The Costco episode", "A warehouse club history.", None, "Acquired"),
            _e("f1", "Chatbots at work", "Agents everywhere this week.", "Hard Fork", "NYT"),
            _e("x1", "A hard day", "The fork in the road.", None, "Other"),
        ],
    )
    assert _ids(lib, "Huberman") == {"h1"}
    assert _ids(lib, "huber") == {"h1"}  # and a prefix of one
    assert _ids(lib, "Acquired") == {"a1"}
    assert _ids(lib, "Hard Fork") == {"f1", "x1"}  # two words: both entries hold both
    assert _ids(lib, '"Hard Fork"') == {"f1"}  # the phrase: only the show
    assert _ids(lib, '"lab sleep"') == set()  # no pair spans a name and the title


def test_a_renamed_show_is_indexed_again(tmp_path: Path) -> None:
    lib = _library(tmp_path, [_e("r1", "Same text", "Unchanged body.", "Old Name")])
    lib.save_entries(tag_entries([_e("r1", "Same text", "Unchanged body.", "Fresh Title")], lib))
    assert _ids(lib, '"old name"') == set()
    assert _ids(lib, '"fresh title"') == {"r1"}


def test_typing_a_word_never_empties_the_list(tmp_path: Path) -> None:
    lib = _library(
        tmp_path,
        [
            _e("l1", "EUV lithography explained", "Lithographic machines and companies."),
            _e("b1", "We ran the benchmarks", "Benchmarking consumer GPUs."),
        ],
    )
    for word, eid in (("lithography", "l1"), ("benchmarks", "b1"), ("companies", "l1")):
        for n in range(1, len(word) + 1):
            assert eid in _ids(lib, word[:n], live=True), word[:n]
    assert _ids(lib, "litho") == {"l1"}
    assert _ids(lib, "bench") == {"b1"}
    assert _ids(lib, "gpus") == {"b1"}  # an exact word still folds its plural


def test_a_prefix_expands_to_the_most_frequent_words_only(tmp_path: Path) -> None:
    n = lexicon.MAX_COMPLETIONS + 30
    entries = [_e(f"w{i:03d}", f"zed{i:03d}") for i in range(n)]
    entries.append(_e("many", " ".join(f"zed{i:03d}" for i in range(0, n, 2))))
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(entries)
    wordindex.add_entries(lib, entries)
    found = _ids(lib, "zed")
    assert len(found) == lexicon.MAX_COMPLETIONS + 1  # the 200 words, plus "many"
    assert {f"w{i:03d}" for i in range(0, n, 2)} <= found  # words in two entries come first


def test_one_typed_letter_lists_the_entries_of_its_commonest_words(tmp_path: Path) -> None:
    n = lexicon.SHORT_COMPLETIONS + 10
    entries = [_e(f"w{i:03d}", f"qa{i:03d}") for i in range(n)]
    entries += [_e(f"m{j}", "qa000 qa001") for j in range(3)]
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(entries)
    wordindex.add_entries(lib, entries)
    found = _ids(lib, "q", live=True)
    assert {"w000", "w001", "m0", "m1", "m2"} <= found  # the commonest first
    assert len(found) == lexicon.SHORT_COMPLETIONS + 3
    assert len(_ids(lib, "qa0", live=True)) == n + 3  # three letters: every completion


def test_punctuation_only_terms_are_ignored_with_a_hint(tmp_path: Path) -> None:
    lib = _library(tmp_path, [_e("p1", "Chips"), _e("p2", "Power")])
    for q in ("©", "--", "…", "+©", "!…", "chips ©"):
        assert parse_query(q).ignored, q
    assert _ids(lib, "©") == {"p1", "p2"}
    assert _ids(lib, "chips ©") == {"p1"}
    assert query_hints("©") == ["ignored \u2018©\u2019: no letters or digits"]
    assert query_hints("-- … --") == ["ignored \u2018--\u2019, \u2018…\u2019: no letters or digits"]
    assert query_hints("chips") == [] and query_hints('"open') == []


def test_a_lost_lexicon_leaves_exact_words_working(tmp_path: Path) -> None:
    lib = _library(tmp_path, [_e("k1", "Lithography")])
    for lex in (lib.dir / "words").glob("*.lex"):
        lex.write_bytes(b"garbage")
    fresh = Library.open(lib.dir)
    assert _ids(fresh, "lithography") == {"k1"}
    assert _ids(fresh, "litho") == set()


def test_a_crash_before_the_manifest_keeps_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = _library(tmp_path, [_e("c1", "Lithography")])
    before = (lib.dir / wordwrite.MANIFEST).read_bytes()
    real = wordwrite.write_bytes_atomic
    c2 = _e("c2", "Benchmarks")
    lib.save_entries([c2])

    def crash(path: Path, data: bytes) -> None:
        if path.suffix == ".lex":
            raise OSError("killed")
        real(path, data)

    monkeypatch.setattr(wordwrite, "write_bytes_atomic", crash)
    with pytest.raises(LibraryError):
        wordindex.add_entries(lib, [c2])
    monkeypatch.undo()
    assert (lib.dir / wordwrite.MANIFEST).read_bytes() == before
    fresh = Library.open(lib.dir)
    assert _ids(fresh, "litho") == {"c1"}
    assert _ids(fresh, "bench") == {"c2"}  # the query's catch-up indexed it whole


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "library-72fde32"


def test_an_old_library_gains_prefixes_and_names_on_first_use(tmp_path: Path) -> None:
    """The fixture's index has no lexicon and no names: the first query indexes its
    entries again, and nothing else changes."""
    d = tmp_path / "old"
    shutil.copytree(FIXTURE, d)
    old = json.loads((FIXTURE / "words" / "manifest.json").read_text("utf-8"))
    assert not any("lex" in s for s in old["segs"])
    lib = Library.open(d)
    before = {r.id: (r.title, r.show, r.source, r.auto_tags) for r in lib.rows()}
    marks = lib.all_marks()
    assert "a659566e4cb5" in _ids(lib, "bottlen")  # "Bottleneck", by a prefix
    assert "8b7f39f5df5e" in _ids(lib, '"silicon weekly"')  # a show name
    assert "4f540e0f6f5d" in _ids(lib, "mira")  # a source name (mira_k)
    new = json.loads((d / "words" / "manifest.json").read_text("utf-8"))
    live = {s for s in new["s"]}
    assert all("lex" in s for s in new["segs"] if s["name"] in live)
    again = Library.open(d)
    assert {r.id: (r.title, r.show, r.source, r.auto_tags) for r in again.rows()} == before
    assert again.all_marks() == marks
    for eid, (title, *_rest) in before.items():
        assert eid in _ids(again, title.split()[-1]), title  # every entry still found


def _as_written_by_an_older_release(lib: Library) -> None:
    """The index without lexicons, as releases before prefix search wrote it."""
    path = lib.dir / wordwrite.MANIFEST
    m = json.loads(path.read_text("utf-8"))
    for s in m["segs"]:
        s.pop("lex", None)
    path.write_text(json.dumps(m), "utf-8")
    for lex in (lib.dir / "words").glob("*.lex"):
        lex.unlink()


def test_a_large_old_index_is_upgraded_by_ingests_not_by_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wordindex, "IMPLICIT_CATCH_UP", 2)
    monkeypatch.setattr(wordindex, "UPGRADE_STEP", 2)
    old = [_e(f"o{i}", f"Lithography note {i}") for i in range(5)]
    lib = _library(tmp_path, old)
    _as_written_by_an_older_release(lib)
    lib = Library.open(lib.dir)
    assert _ids(lib, "lithography") == {e.id for e in old}  # exact words: as before
    assert _ids(lib, "litho") == set()  # too many to redo on a query
    for i in range(3):
        lib.save_entries(tag_entries([_e(f"n{i}", f"Other news {i}")], lib))
    assert _ids(Library.open(lib.dir), "litho") == {e.id for e in old}


def test_indexing_a_batch_does_not_load_the_index(tmp_path: Path) -> None:
    """Tagging a batch writes its segment and learns from the manifest it wrote
    whether older rows need indexing again: it never loads every segment (the
    reader), which a refresh then never asked for (18 ms of a daily commit at 10k)."""
    from store.index.wordread import _CACHE_KEY

    lib = _library(tmp_path, [_e(f"o{i}", f"Lithography note {i}") for i in range(5)])
    lib = Library.open(lib.dir)
    lib.save_entries(tag_entries([_e("n1", "Other news")], lib))
    assert _CACHE_KEY not in lib.caches
    assert _ids(lib, "news") == {"n1"}  # and what it wrote is found
