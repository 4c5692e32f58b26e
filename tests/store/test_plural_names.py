"""A name written only as a capitalised plural keeps its plural ("Star Wars", "Clint Watts").

On real feeds "Star Wars", "Sony Pictures", "Atlantic Records" and "Clint
Watts" became "star-war", "sony-picture", "atlantic-record", "clint-watt":
their last words are everyday plurals, which word frequency folds. The entry
tells the name apart: it writes the name mid-sentence in running text and
never writes the last word as a singular or in small letters. Invented
names here (Brindle Lanterns, Marrow Kettles) stand for such names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.index.discovery import discover_candidates
from store.index.pluralnames import keep_plural, kept_plural_id, written
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _found(text: str) -> set[str]:
    """Discovered ids of ``text``, with the entry's own way of writing its words."""
    words = re.findall(r"[^\W_]+", text)
    return set(discover_candidates(text, entry=written([words])).values())


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("Our host is joined by Brindle Lanterns today.", "brindle-lanterns"),
        ("The drama between Marrow Kettles and the studio went on.", "marrow-kettles"),
    ],
)
def test_a_name_written_only_as_a_capitalised_plural_keeps_it(text: str, tag: str) -> None:
    assert tag in _found(text)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # the singular is written too: a plural
        ("Our host is joined by Brindle Lanterns. Each lantern glows.", "brindle-lantern"),
        # the word is written in small letters too: a plural
        ("Our host is joined by Brindle Lanterns and other lanterns.", "brindle-lantern"),
        # a title-cased list: capitals say nothing
        (
            "We sell Crazy Videos, Brindle Lanterns, Funny Pictures and more at the shop",
            "brindle-lantern",
        ),
        # a sentence's first words
        ("Brindle Lanterns played on until late.", "brindle-lantern"),
    ],
)
def test_other_plurals_fold_as_before(text: str, tag: str) -> None:
    assert tag in _found(text)


def test_a_single_word_and_an_acronym_fold_as_before() -> None:
    assert "lantern" in _found("The hall was lit by Lanterns all night.")
    ev = written([["joined", "by", "Quill", "LLMs"]])
    assert keep_plural("quill-llm", "LLMs", ev) == "quill-llm"  # an acronym's plural
    assert keep_plural("quill-lantern", "Lanterns", ev) == "quill-lanterns"


def test_a_kept_plural_is_an_id_taken_back_as_it_is() -> None:
    assert kept_plural_id("brindle-lanterns")
    assert not kept_plural_id("brindle-lantern")
    assert not kept_plural_id("texas")  # its id is its own: nothing kept


def _entry(eid: str, source: str, title: str, summary: str, body: str = "") -> Entry:
    return Entry(
        id=eid,
        source=Source("file", source, f"/x/{source}"),
        title=title,
        summary=summary,
        body=body,
    )


def _band_entries() -> list[Entry]:
    # two sources name it, capitalised and plural only: a discovered topic
    return [
        _entry(
            "a1",
            "Harbour Radio",
            "Tonight on the show",
            "The crew is joined by Brindle Lanterns, the folk band, for an hour of songs.",
        ),
        _entry(
            "b1",
            "Valley Weekly",
            "Music in the valley",
            "A review of the new album by Brindle Lanterns, recorded in a barn.",
        ),
    ]


def test_tagging_gives_the_plural_name_once(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    tagged = tag_entries(_band_entries(), lib)
    for e in tagged:
        assert "brindle-lanterns" in e.auto_tags, e.auto_tags
        assert "brindle-lantern" not in e.auto_tags


def test_a_kept_plural_and_its_folded_twin_are_one_tag() -> None:
    from store.index.salience import KEYWORD, NAME
    from store.index.topics import _ids

    got = _ids(
        [("brindle-lanterns", (1, 1, 0), NAME, 1.0), ("brindle-lantern", (1, 0, 0), KEYWORD, 1.2)]
    )
    assert {t for t, _c, _k, _f in got} == {"brindle-lanterns"}


def test_a_kept_plural_joins_a_name_with_of() -> None:
    from store.index.active import _tag_of
    from store.index.names import join_of_names

    found = {"federation": (1, 0, 0), "brindle-lanterns": (1, 1, 0)}
    raw = [["the", "Federation", "of", "Brindle", "Lanterns", "met"], [], []]
    assert "federation-of-brindle-lanterns" in join_of_names(found, raw, _tag_of(found))


def test_a_tag_query_finds_a_kept_plural_by_either_spelling(tmp_path: Path) -> None:
    from store.index.query import run_query

    lib = Library.open(tmp_path / "lib")
    lib.save_entries(tag_entries(_band_entries(), lib))

    def found(q: str) -> list[str]:
        return sorted(r.id for r in run_query(lib, q))

    # the id the app writes into a saved search, the name typed, the folded id
    assert found("+brindle-lanterns") == ["a1", "b1"]
    assert found('+"Brindle Lanterns"') == ["a1", "b1"]
    assert found("+brindle-lantern") == ["a1", "b1"]
    lib.remove_tags(["a1"], ["brindle-lanterns"])  # a removed automatic tag stays removed
    assert found("+brindle-lanterns") == ["b1"]
    assert found("+brindle-lantern") == ["b1"]
