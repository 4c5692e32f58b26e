"""The filter language: each term alone, combined, errors, and a fuzzed parser."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.index.query import QueryError, parse_query, run_query
from store.index.topics import tag_entries
from store.models import DigestInfo, Entry, Section, Source
from store.storage.library import Library

NOW = datetime(2025, 3, 1, 12, 0)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


@pytest.fixture()
def lib(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib")
    dg = DigestInfo("d1", "Digest", "2025-02-03")
    es = [
        Entry(
            id="e1",
            source=Source("file", "Digestly", "/d"),
            show="All-In Podcast",
            digest=dg,
            title="DeepSeek freak out",
            summary="A Chinese open-source model shook the market.",
            key_points=("Training cost debated",),
            sections=(Section("Compute", bullets=("Nvidia GPUs in a cluster",)),),
        ),
        Entry(
            id="e2",
            source=Source("file", "Digestly", "/d"),
            show="Chris Williamson",
            digest=dg,
            title="Men and boys",
            summary="Gender gaps in college; the café economy.",
        ),
        Entry(
            id="e3",
            source=Source("feed", "Hugging Face Posts", "https://hf"),
            published="2025-02-25T10:00:00",
            title="AI Index report",
            body="The gap between open and closed models closed. China and the US lead.",
        ),
        Entry(
            id="e4",
            source=Source("file", "Think Forward.", "/t"),
            title="Limits of hardware",
            body="There is a shortage of electricity for data centers.",
        ),
    ]
    lib.save_entries(tag_entries(es, lib))
    lib.set_bookmarked(["e3"])
    lib.set_read(["e2"])
    lib.add_tags(["e4"], ["later"])
    return lib


def ids(lib: Library, q: str) -> list[str]:
    return [r.id for r in run_query(lib, q, now=NOW)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("deepseek", ["e3", "e1"][1:]),
        ("DEEPSEEK", ["e1"]),
        ("cafe", ["e2"]),  # accents folded
        ("café", ["e2"]),
        ("gpu", ["e1"]),  # plural folded, found in a section bullet
        ("cost", ["e1"]),  # key points
        ('"open source"', ["e1"]),
        ('"closed models"', ["e3"]),
        ("!deepseek", ["e3", "e1", "e2", "e4"][0:1] + ["e2", "e4"]),
        ("+china", ["e3", "e1"]),
        ("-china", ["e2", "e4"]),
        ("+open-source", ["e3", "e1"]),
        ('+"open source"', ["e3", "e1"]),
        ("+opensource", ["e3", "e1"]),
        ("+gender", ["e2"]),
        ("+later", ["e4"]),  # a user tag
        ("is:bookmarked", ["e3"]),
        ("-is:bookmarked", ["e1", "e2", "e4"]),
        ("is:read", ["e2"]),
        ("is:unread", ["e3", "e1", "e4"]),
        ("-is:unread", ["e2"]),
        ("source:digest", ["e1", "e2"]),
        ("source:hugging", ["e3"]),
        ('source:"think forward"', ["e4"]),
        ("-source:digestly", ["e3", "e4"]),
        ("show:williamson", ["e2"]),
        ("@2025-02-03", ["e1", "e2"]),
        ("@2025-02-20..2025-03-01", ["e3"]),
        ("@2025-02-01..2025-02-10", ["e1", "e2"]),
        ("@2025-02", ["e3", "e1", "e2"]),
        ("@7-days-ago", ["e3"]),
        ("@1-month-ago", ["e3", "e1", "e2"]),
        ("@2-weeks-ago", ["e3"]),
        ("@..2025-02-10", ["e1", "e2"]),
    ],
)
def test_each_term_alone(lib: Library, q: str, expected: list[str]) -> None:
    assert ids(lib, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("-china +ai", []),
        ("+ai -china", []),
        ("+china is:bookmarked", ["e3"]),
        ('"open source" -is:read', ["e1"]),
        ("+china -is:bookmarked source:digestly @2025-02-01..2025-02-28", ["e1"]),
        ("gender +gender show:chris is:read", ["e2"]),
        ("deepseek +china @7-days-ago", []),
        ("+china +gender", []),  # two tags: the intersection, not the union
        ("+china +open-source", ["e3", "e1"]),
        ("+china +open-source -is:bookmarked", ["e1"]),
        ("is:bookmarked +china", ["e3"]),
        ("+later is:unread -is:bookmarked", ["e4"]),
        ("", ["e3", "e1", "e2", "e4"]),
        ("   ", ["e3", "e1", "e2", "e4"]),
        ("!!! ...", ["e3", "e1", "e2", "e4"]),  # punctuation only: no term
    ],
)
def test_terms_combine_with_and(lib: Library, q: str, expected: list[str]) -> None:
    from store import api

    assert ids(lib, q) == expected
    assert [r.id for r in api.list_rows(lib, q)] == [r.id for r in run_query(lib, q)]


@pytest.mark.parametrize(
    ("q", "pos"),
    [
        ('"open source', 0),
        ("china is:nothing", 6),
        ("+", 0),
        ("ai -", 3),
        ("@yesteryear", 0),
        ("@2025-13-01", 0),
        ("ai source:", 3),
        ("+" + "a" * 70, 0),  # longer than any tag
    ],
)
def test_malformed_terms_point_at_the_term(q: str, pos: int) -> None:
    with pytest.raises(QueryError) as exc:
        parse_query(q)
    assert exc.value.position == pos
    assert str(pos + 1) in str(exc.value)


@settings(max_examples=40 if os.environ.get("MUTANT_UNDER_TEST") else 400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_parser_raises_only_its_own_error(q: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(q)


_ATOMS = st.sampled_from(
    [
        '"',
        "+",
        "-",
        "!",
        "@",
        "is:",
        "source:",
        "show:",
        "..",
        "--",
        "ai",
        "7-days-ago",
        "2025-02-01",
        " ",
        '"open source"',
        "read",
        ":",
        "é",
        "\x00",
        "\u200f",
    ]
)


@settings(max_examples=40 if os.environ.get("MUTANT_UNDER_TEST") else 400, deadline=None)
@given(st.lists(_ATOMS, max_size=12).map("".join))
def test_parser_fuzz_with_query_syntax(q: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(q)


def test_cli_list_takes_the_query_as_typed(lib: Library) -> None:
    from tests.support.cli import run_cli

    data = lib.dir
    out = run_cli(data, "list", "-china", "+gender").stdout
    assert "Men and boys" in out and "DeepSeek" not in out
    out = run_cli(data, "list", '"open source"', "-is:read").stdout
    assert "DeepSeek" in out and "Men and boys" not in out
    bad = run_cli(data, "list", "is:nothing")
    assert bad.returncode != 0 and "is:nothing" in bad.stderr and "Traceback" not in bad.stderr
    # an option list does not know is an error, not a query that matches everything
    bad = run_cli(data, "list", "--bookmarked")
    assert bad.returncode != 0 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "digest-tui list: unknown option --bookmarked; a filter is words, +tag, -tag, "
        "is:bookmarked, is:unread, source:NAME, show:NAME or @dates"
    ]


def test_cli_one_quoted_argument_is_the_same_query(lib: Library) -> None:
    from tests.support.cli import run_cli

    split = run_cli(lib.dir, "list", "--json", "is:bookmarked", "+china", check=True).stdout
    whole = run_cli(lib.dir, "list", "--json", "is:bookmarked +china", check=True).stdout
    assert '"e3"' in split
    assert whole == split
    phrase = run_cli(lib.dir, "list", "--json", "open source", check=True).stdout
    quoted = run_cli(lib.dir, "list", "--json", '"open source"', check=True).stdout
    assert phrase == quoted  # a plain shell word with a space is still one phrase


def test_index_catches_up_with_entries_saved_without_tagging(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries([Entry(id="z1", source=Source("file", "S", "/s"), title="Zebra facts")])
    assert [r.id for r in run_query(lib, "zebra")] == ["z1"]


def test_changed_entry_is_reindexed(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    e = Entry(id="c1", source=Source("file", "S", "/s"), title="Apples")
    lib.save_entries(tag_entries([e], lib))
    lib.save_entries(tag_entries([e.with_(title="Oranges")], lib))
    assert run_query(lib, "apples") == []
    assert [r.id for r in run_query(lib, "oranges")] == ["c1"]


def test_a_library_without_its_index_is_not_rebuilt_by_a_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the implicit catch-up bound a query reads no content: titles answer."""
    from store.index import wordindex

    monkeypatch.setattr(wordindex, "IMPLICIT_CATCH_UP", 2)
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            Entry(
                id=f"t{i}",
                source=Source("file", "S", "/s"),
                title=f"Walrus note {i}",
                body="Penguins in the body only.",
            )
            for i in range(5)
        ]
    )

    def no_content(*_a: object, **_k: object) -> None:
        raise AssertionError("a query must not load entry content")

    monkeypatch.setattr(lib, "get_many", no_content)
    assert len(run_query(lib, "walrus")) == 5
    assert run_query(lib, "penguin") == []  # body words wait for an explicit rebuild
    assert not (lib.dir / "words" / "manifest.json").exists()
    monkeypatch.undo()
    wordindex.ensure_index(lib)
    assert len(run_query(lib, "penguin")) == 5


def test_tag_terms_follow_mark_changes_in_the_same_process(lib: Library) -> None:
    assert ids(lib, "+fresh") == []
    lib.add_tags(["e2"], ["fresh"])
    assert ids(lib, "+fresh") == ["e2"]
    lib.remove_tags(["e1"], ["china"])
    assert ids(lib, "+china") == ["e3"]
    assert ids(lib, "deepseek -china") == ["e1"]


def test_words_tags_and_row_checks_combine(lib: Library) -> None:
    assert ids(lib, "model +open-source") == ["e3", "e1"]
    assert ids(lib, "model +open-source -is:bookmarked") == ["e1"]
    assert ids(lib, "model !deepseek +china") == ["e3"]


def test_tags_spelled_apart_meet_in_one_tag_term(tmp_path: Path) -> None:
    """Automatic tags that differ only by hyphens are one tag to a query, whichever is asked."""
    lib = Library.open(tmp_path / "lib")
    src = Source("file", "Mine", "/m")
    spelled = {
        "a": ("open-source",),
        "b": ("opensource", "ai"),
        "c": ("ai",),
        "d": ("open-source",),
    }
    lib.save_entries([Entry(id=i, source=src, title=i, auto_tags=t) for i, t in spelled.items()])
    for q in ("+open-source", "+opensource", "+Open-Source"):
        assert sorted(ids(lib, q)) == ["a", "b", "d"], q
    assert sorted(ids(lib, "+opensource +ai")) == ["b"]
    assert sorted(ids(lib, "-open-source")) == ["c"]
