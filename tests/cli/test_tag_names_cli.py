"""`digest-tui tag` refuses what cannot be a tag and says how it stored what it respelled.

Why: `tag ID 'bad#tag'` stored "bad#-tag" and printed it as if asked for.
"""

from __future__ import annotations

import json
from pathlib import Path

from store.models import short_hash
from store.storage.library import Library
from tests.support.cli import run_cli

DEEPSEEK = short_hash("deepseek")


def user_tags(data: Path) -> list[str]:
    shown = json.loads(run_cli(data, "show", DEEPSEEK, "--json", check=True).stdout)
    return list(shown["tags"]["user"])


def test_a_tag_that_cannot_be_one_is_refused_and_nothing_is_stored(lib_dir: Path) -> None:
    proc = run_cli(lib_dir, "tag", DEEPSEEK, "fine", "bad#tag")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert '"bad#tag" is not a tag: "#" may only end a word' in proc.stderr
    assert user_tags(lib_dir) == []  # not even the good one: the command did nothing


def test_a_respelled_tag_says_how_it_is_stored(lib_dir: Path) -> None:
    proc = run_cli(lib_dir, "tag", DEEPSEEK, "Open Source", "later", check=True)
    assert proc.stdout.strip() == (
        f'{DEEPSEEK[:8]}: tagged open-source, later (stored "Open Source" as open-source)'
    )
    assert user_tags(lib_dir) == ["open-source", "later"]


def test_a_tag_stored_by_an_older_release_can_still_be_removed(lib_dir: Path) -> None:
    Library.open(lib_dir).add_tags([DEEPSEEK], ["bad#-tag"])  # what the old `tag` stored
    proc = run_cli(lib_dir, "untag", DEEPSEEK, "bad#-tag", check=True)
    assert "removed bad#-tag" in proc.stdout
    assert user_tags(lib_dir) == []


def test_a_tag_the_tagger_refuses_is_found_by_its_query(lib_dir: Path) -> None:
    """`tag ID post` stored "post"; `list +post` said it was no usable tag."""
    run_cli(lib_dir, "tag", DEEPSEEK, "post", "2025", check=True)
    for term in ("+post", "+2025"):
        proc = run_cli(lib_dir, "list", term, "--json", check=True)
        assert [e["id"] for e in json.loads(proc.stdout)] == [DEEPSEEK], term


def test_a_camel_case_names_tag_typed_as_shown_is_that_tag(lib_dir: Path) -> None:
    """The library shows #cocoapods (CocoaPods' tag); `tag ID cocoapods` is that tag,
    not "cocoapod", which the same letters would be in a library without it."""
    run_cli(lib_dir, "tag", DEEPSEEK, "cocoapods", check=True)
    assert user_tags(lib_dir) == ["cocoapod"]
    run_cli(lib_dir, "untag", DEEPSEEK, "cocoapod", check=True)
    Library.open(lib_dir).add_tags([DEEPSEEK], ["cocoapods"])  # as `tag ID CocoaPods` stores it
    assert user_tags(lib_dir) == ["cocoapods"]
    run_cli(lib_dir, "untag", DEEPSEEK, "cocoapods", check=True)
    other = next(r.id for r in Library.open(lib_dir).rows() if r.id != DEEPSEEK)
    run_cli(lib_dir, "tag", other, "CocoaPods", check=True)  # now only another entry has it
    proc = run_cli(lib_dir, "tag", DEEPSEEK, "cocoapods", check=True)
    assert proc.stdout.strip() == f"{DEEPSEEK[:8]}: tagged cocoapods"
    assert user_tags(lib_dir) == ["cocoapods"]
