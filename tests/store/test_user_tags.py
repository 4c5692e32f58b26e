"""What the user types as a tag: spelled as the store spells tags, or refused with a reason.

Why: `tag ID 'bad#tag'` stored "bad#-tag", a tag nobody typed, shown as
"#bad#-tag". A tag is what `#tag` shows and `+tag` finds; anything else is
refused by the one function the CLI and the UI's dialog both call.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import api
from store.errors import UsageError
from store.storage.library import Library
from tests.support.library import build_library


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Open Source", "open-source"),
        ("#China", "china"),
        ("LLMs", "llm"),
        ("foo_bar", "foo-bar"),
        ("node.js", "node-js"),
        ("C++", "c++"),
        ("C#", "c#"),
        ("todo", "todo"),
        ("to do", "to-do"),  # words the store never picks itself are still the user's
        ("中国", "中国"),
        ("café", "cafe"),
    ],
)
def test_spellings_are_normalised(typed: str, stored: str) -> None:
    assert api.user_tag(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("bad#tag", '"#" may only end a word'),
        ("+china", '"+" may only end a word'),
        ("a,b", '"," cannot be part of a tag'),
        ("ai/ml", '"/" cannot be part of a tag'),
        ("R&D", '"&" cannot be part of a tag'),
        ("is:read", '":" cannot be part of a tag'),
        ("🙂", '"🙂" cannot be part of a tag'),
        ("red\x1b[31m", "U+001B"),
        ("...", "needs a letter or a digit"),
        ("x" * 61, "at most 60 characters"),
    ],
)
def test_what_cannot_be_a_tag_is_refused_with_a_reason(typed: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        api.user_tag(typed)
    assert says in str(caught.value)
    assert "\x1b" not in str(caught.value)


def test_nothing_typed_is_no_tag() -> None:
    assert api.user_tag("   ") == "" and api.user_tag("#") == ""


_WORD = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8)


@given(st.lists(_WORD, min_size=1, max_size=4), st.sampled_from([" ", "-", "_", " - "]))
def test_a_stored_spelling_is_its_own_spelling(words: list[str], joiner: str) -> None:
    try:
        tag = api.user_tag(joiner.join(words))
    except UsageError:
        return  # e.g. letters the tokenizer folds to nothing
    assert tag == "" or api.user_tag(tag) == tag


def test_the_door_refuses_a_tag_not_spelled_as_one(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    eid = lib.rows()[0].id
    before = lib.marks(eid)
    for bad in ("bad#tag", "Open Source"):
        with pytest.raises(UsageError):
            api.tag(lib, [eid], [bad])
    assert Library.open(tmp_path / "lib").marks(eid) == before
    assert api.tag(lib, [eid], ["open-source"]) == [eid]
