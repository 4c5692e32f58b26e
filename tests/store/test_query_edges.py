"""Filter-language promises at the edges the common cases never reach.

Why: mutation testing of ``store/index/query.py`` (docs/testing.md) left
these alive with every other query test green: a quoted word that turned
into a prefix, an entry with no show matched by ``show:``, rows the word
index has not reached yet, entries a deferred ingest left underived, each
term's position, and a library whose ``library.json`` is older than its
marks and word index (a copy restored by hand). Each is checked through
``parse_query`` / ``run_query`` only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.index import wordindex
from store.index.query import QueryError, parse_query, run_query
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _e(eid: str, title: str, body: str = "", show: str | None = None) -> Entry:
    return Entry(id=eid, source=Source("file", "Desk", "/d"), title=title, body=body, show=show)


def _ids(lib: Library, q: str) -> set[str]:
    return {r.id for r in run_query(lib, q)}


def _indexed(tmp_path: Path, entries: list[Entry]) -> Library:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(tag_entries(entries, lib))
    return lib


def test_a_quoted_word_stays_exact_while_the_bare_word_is_a_prefix(tmp_path: Path) -> None:
    lib = _indexed(tmp_path, [_e("l1", "EUV lithography"), _e("l2", "Litho prints")])
    assert _ids(lib, "litho") == {"l1", "l2"}
    assert _ids(lib, '"litho"') == {"l2"}
    assert _ids(lib, '!"litho"') == {"l1"}


def test_every_term_records_where_it_starts_in_the_query() -> None:
    q = 'deepseek @2025-02 +china -is:read source:"think forward" @7-days-ago !"a b" is:read'
    q += " +source:desk -source:desk"
    parts = ("deepseek", "@2025", "+china", "-is", "source", "@7", "!", " is:", "+so", "-so")
    starts = [q.index(p) + (p[0] == " ") for p in parts]
    assert [t.pos for t in parse_query(q).terms] == starts


def test_every_negated_tag_excludes_its_entries(tmp_path: Path) -> None:
    """``-x -y`` = all − x − y, with or without a positive term beside them."""
    lib = _indexed(tmp_path, [_e(i, f"Note {i}") for i in ("a", "b", "c", "d")])
    lib.add_tags(["a", "c"], ["left"])
    lib.add_tags(["b", "c"], ["right"])
    for q in ("-left -right", "-right -left", "note -left -right", "-left note -right"):
        assert _ids(lib, q) == {"d"}, q


@pytest.mark.parametrize("bad", ["-is:nothing", "+is:nothing", "+source:", "-source:", "+show:"])
def test_an_error_inside_a_signed_term_points_at_that_term(bad: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(f"cafe {bad}")
    assert err.value.position == 5
    assert str(err.value).endswith("(at character 6)")


def test_words_starting_with_x_are_words(tmp_path: Path) -> None:
    lib = _indexed(tmp_path, [_e("x1", "Xylophone lessons"), _e("o1", "Other")])
    assert _ids(lib, "Xylophone") == {"x1"}
    assert _ids(lib, "!Xylophone") == {"o1"}


def test_a_short_word_is_a_prefix_only_while_typed(tmp_path: Path) -> None:
    lib = _indexed(tmp_path, [_e("l1", "EUV lithography"), _e("o1", "Other")])
    assert _ids(lib, "li") == set()  # the CLI's query: an exact word
    assert {r.id for r in run_query(lib, "li", live=True)} == {"l1"}
    assert {r.id for r in run_query(lib, "!li", live=True)} == {"o1"}
    assert _ids(lib, "!li") == {"l1", "o1"}
    assert _ids(lib, " li") == set()  # not live: no word is being typed, wherever it starts


def test_a_query_that_is_not_text_is_a_query_error() -> None:
    with pytest.raises(QueryError) as err:
        parse_query(None)  # type: ignore[arg-type]
    assert (err.value.message, err.value.position) == ("the query must be text", 0)


def test_empty_quotes_are_ignored_with_a_hint_not_an_error() -> None:
    assert parse_query('"" cafe').ignored == ('""',)
    assert [t.value for t in parse_query('"" cafe').terms] == ["cafe"]


def test_a_quoted_date_is_the_date(tmp_path: Path) -> None:
    lib = _indexed(tmp_path, [_e("d1", "Dated")])
    assert [t.start for t in parse_query('@"2025-02"').terms] == [
        t.start for t in parse_query("@2025-02").terms
    ]
    assert _ids(lib, '@"2025-02"') == _ids(lib, "@2025-02")


def test_show_and_source_never_match_an_entry_without_that_name(tmp_path: Path) -> None:
    lib = _indexed(tmp_path, [_e("s1", "With a show", show="Axe Files"), _e("n1", "No show")])
    # every letter of a made-up name, so no placeholder can stand in for a missing one
    for value in ("x", "xx", "xxxx", "a"):
        assert _ids(lib, f"show:{value}") == ({"s1"} if value in "axe files" else set()), value
        assert "n1" in _ids(lib, f"-show:{value}"), value


def test_a_negated_word_keeps_the_rows_the_index_has_not_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the implicit catch-up bound rows stay unindexed; ``!word`` = all − ``word``."""
    monkeypatch.setattr(wordindex, "IMPLICIT_CATCH_UP", 2)
    lib = _indexed(tmp_path, [_e(f"p{i}", f"Penguin note {i}", "penguins") for i in range(3)])
    lib.save_entries([_e(f"s{i}", f"Seal note {i}", "seals") for i in range(4)])  # not indexed
    seals = {f"s{i}" for i in range(4)}
    assert _ids(lib, "penguin") == {"p0", "p1", "p2"}
    assert _ids(lib, "!penguin") == seals
    assert _ids(lib, "note !penguin") == seals
    assert _ids(lib, "seal") == seals  # unindexed rows answer on their titles


def _restored_to_an_older_index(tmp_path: Path) -> Library:
    """e1 stored and indexed; n1 stored, indexed and tagged; then library.json put back
    as it was before n1 (the marks journal and the word index still name n1)."""
    lib = _indexed(tmp_path, [_e("e1", "Apples in autumn", "orchards")])
    shutil.copy(lib.dir / "library.json", tmp_path / "old-library.json")
    lib.save_entries(tag_entries([_e("n1", "Pears in autumn", "orchards")], lib))
    assert _ids(lib, "pears") == {"n1"}  # indexed
    lib.add_tags(["n1"], ["fresh"])
    lib.add_tags(["e1"], ["fresh"])
    shutil.copy(tmp_path / "old-library.json", lib.dir / "library.json")
    return Library.open(lib.dir)


def test_marks_of_an_entry_no_longer_listed_do_not_hide_the_others(tmp_path: Path) -> None:
    lib = _restored_to_an_older_index(tmp_path)
    assert [r.id for r in lib.rows()] == ["e1"]
    assert _ids(lib, "+fresh") == {"e1"}
    assert _ids(lib, "-fresh") == set()


def test_words_of_an_entry_no_longer_listed_find_nothing(tmp_path: Path) -> None:
    lib = _restored_to_an_older_index(tmp_path)
    assert _ids(lib, "pears") == set()
    assert _ids(lib, "autumn") == {"e1"}
    assert _ids(lib, "orchard") == {"e1"}


@pytest.mark.parametrize("bound", [2000, 0])
def test_entries_not_yet_derived_answer_a_word_alone_and_a_tag_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bound: int
) -> None:
    """A deferred ingest stores entries untagged and unindexed; a query of one word, or of
    one tag its text names, finds them before ``derive_pending`` runs, whether the query
    may index them on the spot or not (bound 0: a pending ingest past the catch-up bound)."""
    monkeypatch.setattr(wordindex, "IMPLICIT_CATCH_UP", bound)
    from store.sync.derive import pending_count
    from store.sync.ingest import ingest_paths

    src = tmp_path / "in"
    src.mkdir()
    (src / "d.md").write_text(
        "# Digest — 2025-03-01\n\n## Walrus Herds — Episode 1\n\n"
        "A summary about walrus herds and China's export controls.\n",
        encoding="utf-8",
    )
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [src], defer=True)
    assert pending_count(lib) == 1
    (eid,) = [r.id for r in lib.rows()]
    # words of the summary only: the title alone would be found on the row
    assert _ids(lib, "export") == {eid}
    assert _ids(lib, '"export controls"') == {eid}
    assert _ids(lib, "+china") == {eid}
    assert _ids(lib, "!export") == set()
